//! Push receipts: the stored outcome of every mutation, keyed by (device, seq). Written in the
//! same transaction as the mutation's effect, so a replay returns exactly what was decided.

use sea_orm_migration::{
    prelude::*,
    schema::{
        big_integer, big_integer_null, json_binary, string_len, timestamp_with_time_zone, uuid,
        uuid_null,
    },
};

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[derive(DeriveIden)]
enum Receipt {
    Table,
    DeviceId,
    Seq,
    UserId,
    Op,
    Status,
    HouseholdId,
    HouseholdVersion,
    Body,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Device {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Receipt::Table)
                    .col(uuid(Receipt::DeviceId))
                    .col(big_integer(Receipt::Seq))
                    .col(uuid(Receipt::UserId))
                    .col(string_len(Receipt::Op, 32))
                    .col(string_len(Receipt::Status, 16))
                    .col(uuid_null(Receipt::HouseholdId))
                    .col(big_integer_null(Receipt::HouseholdVersion))
                    .col(json_binary(Receipt::Body))
                    .col(timestamp_with_time_zone(Receipt::CreatedAt))
                    .primary_key(Index::create().col(Receipt::DeviceId).col(Receipt::Seq))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Receipt::Table, Receipt::DeviceId)
                            .to(Device::Table, Device::Id),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Receipt::Table).to_owned())
            .await
    }
}
