//! The national welfare decile (DTSEN) per family, imported from the file Dinas Sosial
//! receives and kept apart from the local score: it cannot be recomputed here.

use sea_orm_migration::{
    prelude::*,
    schema::{integer, string_len, timestamp_with_time_zone},
};

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[derive(DeriveIden)]
enum DtsenDecile {
    Table,
    NoKk,
    Decile,
    ImportedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(DtsenDecile::Table)
                    .col(string_len(DtsenDecile::NoKk, 16).primary_key())
                    .col(integer(DtsenDecile::Decile))
                    .col(timestamp_with_time_zone(DtsenDecile::ImportedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(DtsenDecile::Table).to_owned())
            .await
    }
}
