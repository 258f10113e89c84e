//! The store's generation: 0 from the start, one more at every restore of a backup.
//!
//! A restore takes the change log back to the backup's end, so log positions after it are
//! given again to other changes. Pull cursors carry the generation they were issued in; a
//! cursor of an earlier generation is answered with a reset (`server_restored`) instead of
//! being read as a position in the new log. Expand only: the previous release ignores it.

use sea_orm_migration::{
    prelude::*,
    schema::{big_integer, integer, timestamp_with_time_zone_null},
};

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[derive(DeriveIden)]
enum StoreGeneration {
    Table,
    Id,
    Generation,
    RestoredAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(StoreGeneration::Table)
                    .col(integer(StoreGeneration::Id).primary_key())
                    .col(big_integer(StoreGeneration::Generation))
                    .col(timestamp_with_time_zone_null(StoreGeneration::RestoredAt))
                    .to_owned(),
            )
            .await?;
        manager
            .exec_stmt(
                Query::insert()
                    .into_table(StoreGeneration::Table)
                    .columns([StoreGeneration::Id, StoreGeneration::Generation])
                    .values_panic([1.into(), 0.into()])
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(StoreGeneration::Table).to_owned())
            .await
    }
}
