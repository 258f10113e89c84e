//! Every No KK a family has had: KK numbers change when a family moves or splits.

use sea_orm_migration::{
    prelude::*,
    schema::{big_pk_auto, string_len_null, timestamp_with_time_zone, uuid},
};

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[derive(DeriveIden)]
enum FamilyKkHistory {
    Table,
    Id,
    FamilyId,
    NoKk,
    RecordedAt,
    UserId,
    DeviceId,
}

#[derive(DeriveIden)]
enum Family {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(FamilyKkHistory::Table)
                    .col(big_pk_auto(FamilyKkHistory::Id))
                    .col(uuid(FamilyKkHistory::FamilyId))
                    .col(string_len_null(FamilyKkHistory::NoKk, 16))
                    .col(timestamp_with_time_zone(FamilyKkHistory::RecordedAt))
                    .col(uuid(FamilyKkHistory::UserId))
                    .col(uuid(FamilyKkHistory::DeviceId))
                    .foreign_key(
                        ForeignKey::create()
                            .from(FamilyKkHistory::Table, FamilyKkHistory::FamilyId)
                            .to(Family::Table, Family::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_family_kk_history_family_id")
                    .table(FamilyKkHistory::Table)
                    .col(FamilyKkHistory::FamilyId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(FamilyKkHistory::Table).to_owned())
            .await
    }
}
