//! The store's epoch: 0 from the start, a new random number at every restore of a backup.
//!
//! A restore takes the change log back to the backup's end, so log positions after it are
//! given again to other changes. Pull cursors carry the epoch they were issued in; a cursor of
//! another epoch is answered with a reset (`server_restored`) instead of being read as a
//! position in the restored log. Random rather than counted: two restores of the same backup
//! (or of two backups) must never give the same epoch twice. Expand only: cursors issued in
//! epoch 0 keep the previous release's form, which it reads.

use sea_orm_migration::{
    prelude::*,
    schema::{big_integer, integer, timestamp_with_time_zone_null},
};

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[derive(DeriveIden)]
enum StoreEpoch {
    Table,
    Id,
    Epoch,
    RestoredAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(StoreEpoch::Table)
                    .col(integer(StoreEpoch::Id).primary_key())
                    .col(big_integer(StoreEpoch::Epoch))
                    .col(timestamp_with_time_zone_null(StoreEpoch::RestoredAt))
                    .to_owned(),
            )
            .await?;
        manager
            .exec_stmt(
                Query::insert()
                    .into_table(StoreEpoch::Table)
                    .columns([StoreEpoch::Id, StoreEpoch::Epoch])
                    .values_panic([1.into(), 0.into()])
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(StoreEpoch::Table).to_owned())
            .await
    }
}
