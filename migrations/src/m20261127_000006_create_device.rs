//! Devices (client ids) and their push sequence state.

use sea_orm_migration::{
    prelude::*,
    schema::{big_integer, big_integer_null, pk_uuid, timestamp_with_time_zone, uuid},
};

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[derive(DeriveIden)]
enum Device {
    Table,
    Id,
    UserId,
    LastSeq,
    ClockSkewMs,
    CreatedAt,
    LastSeenAt,
}

#[derive(DeriveIden)]
enum AppUser {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Device::Table)
                    .col(pk_uuid(Device::Id))
                    .col(uuid(Device::UserId))
                    .col(big_integer(Device::LastSeq).default(0))
                    .col(big_integer_null(Device::ClockSkewMs))
                    .col(timestamp_with_time_zone(Device::CreatedAt))
                    .col(timestamp_with_time_zone(Device::LastSeenAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Device::Table, Device::UserId)
                            .to(AppUser::Table, AppUser::Id),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Device::Table).to_owned())
            .await
    }
}
