//! Households by desa in id order: exports page through one desa at a time with
//! `area_code = ? AND id > ? ORDER BY id`, which this index answers without sorting. It
//! replaces the index on `area_code` alone (its prefix).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[derive(DeriveIden)]
enum Household {
    Table,
    AreaCode,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name("idx_household_area_code_id")
                    .table(Household::Table)
                    .col(Household::AreaCode)
                    .col(Household::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("idx_household_area_code")
                    .table(Household::Table)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name("idx_household_area_code")
                    .table(Household::Table)
                    .col(Household::AreaCode)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("idx_household_area_code_id")
                    .table(Household::Table)
                    .to_owned(),
            )
            .await
    }
}
