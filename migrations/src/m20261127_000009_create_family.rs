//! Families (Kartu Keluarga) within a household.

use sea_orm_migration::{
    prelude::*,
    schema::{json_binary_null, pk_uuid, string_len_null, timestamp_with_time_zone, uuid},
};

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[derive(DeriveIden)]
enum Family {
    Table,
    Id,
    HouseholdId,
    NoKk,
    NoKkStamp,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Household {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Family::Table)
                    .col(pk_uuid(Family::Id))
                    .col(uuid(Family::HouseholdId))
                    .col(string_len_null(Family::NoKk, 16))
                    .col(json_binary_null(Family::NoKkStamp))
                    .col(timestamp_with_time_zone(Family::CreatedAt))
                    .col(timestamp_with_time_zone(Family::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Family::Table, Family::HouseholdId)
                            .to(Household::Table, Household::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_family_household_id")
                    .table(Family::Table)
                    .col(Family::HouseholdId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_family_no_kk")
                    .table(Family::Table)
                    .col(Family::NoKk)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Family::Table).to_owned())
            .await
    }
}
