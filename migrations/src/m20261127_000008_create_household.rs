//! Households: the mutable, merged record. `fields` holds the answers, `stamps` the version and
//! writer of each answer (the merge rules need them), `tombstone` the soft delete.

use sea_orm_migration::{
    prelude::*,
    schema::{
        big_integer, integer, json_binary, json_binary_null, pk_uuid, string_len,
        timestamp_with_time_zone, uuid,
    },
};

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[derive(DeriveIden)]
enum Household {
    Table,
    Id,
    AreaCode,
    AreaStamp,
    FormId,
    FormVersion,
    Version,
    Fields,
    Stamps,
    Tombstone,
    ReviewStatus,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Area {
    Table,
    Code,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Household::Table)
                    .col(pk_uuid(Household::Id))
                    .col(string_len(Household::AreaCode, 13))
                    .col(json_binary_null(Household::AreaStamp))
                    .col(string_len(Household::FormId, 64))
                    .col(integer(Household::FormVersion))
                    .col(big_integer(Household::Version))
                    .col(json_binary(Household::Fields))
                    .col(json_binary(Household::Stamps))
                    .col(json_binary_null(Household::Tombstone))
                    .col(string_len(Household::ReviewStatus, 16).default("pending"))
                    .col(uuid(Household::CreatedBy))
                    .col(timestamp_with_time_zone(Household::CreatedAt))
                    .col(timestamp_with_time_zone(Household::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Household::Table, Household::AreaCode)
                            .to(Area::Table, Area::Code),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_household_area_code")
                    .table(Household::Table)
                    .col(Household::AreaCode)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Household::Table).to_owned())
            .await
    }
}
