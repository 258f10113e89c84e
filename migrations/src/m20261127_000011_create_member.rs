//! Household members. `nik` mirrors `fields.nik` so duplicates can be found by index.

use sea_orm_migration::{
    prelude::*,
    schema::{
        json_binary, json_binary_null, pk_uuid, string_len_null, timestamp_with_time_zone, uuid,
        uuid_null,
    },
};

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[derive(DeriveIden)]
enum Member {
    Table,
    Id,
    HouseholdId,
    FamilyId,
    Nik,
    Fields,
    Stamps,
    Tombstone,
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
                    .table(Member::Table)
                    .col(pk_uuid(Member::Id))
                    .col(uuid(Member::HouseholdId))
                    .col(uuid_null(Member::FamilyId))
                    .col(string_len_null(Member::Nik, 16))
                    .col(json_binary(Member::Fields))
                    .col(json_binary(Member::Stamps))
                    .col(json_binary_null(Member::Tombstone))
                    .col(timestamp_with_time_zone(Member::CreatedAt))
                    .col(timestamp_with_time_zone(Member::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Member::Table, Member::HouseholdId)
                            .to(Household::Table, Household::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_member_household_id")
                    .table(Member::Table)
                    .col(Member::HouseholdId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_member_nik")
                    .table(Member::Table)
                    .col(Member::Nik)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Member::Table).to_owned())
            .await
    }
}
