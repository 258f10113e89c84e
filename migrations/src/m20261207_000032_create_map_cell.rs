//! Household counts per map grid cell, kept so that a viewport over the whole kabupaten reads
//! a few hundred cells instead of grouping every household in it.
//!
//! `map_cell` holds, for every desa and for each of a fixed series of cell sizes (`level`:
//! 0.00125° × 2^level), how many households of the desa lie in each cell, how many of them are
//! poor, and the sums of their coordinates (for the cluster's mean position). It is derived
//! data: `map_refresh` records how far along the pull log (`sync_change`, one row per new
//! household version) the cells are, and the desa named by later log rows are counted again
//! (the server does it in the background and before a map read that would see stale cells).
//! An empty table with the position at the start of the log is therefore a valid state, and
//! the first refresh counts every desa that has households.

use sea_orm_migration::{
    prelude::*,
    schema::{big_integer, double, integer, small_integer, string_len},
};

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[derive(DeriveIden)]
enum MapCell {
    Table,
    Level,
    CellX,
    CellY,
    Desa,
    Households,
    Poor,
    SumLatitude,
    SumLongitude,
}

#[derive(DeriveIden)]
enum MapRefresh {
    Table,
    Id,
    Tx,
    ChangeId,
}

#[derive(DeriveIden)]
enum SyncChange {
    Table,
    Tx,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(MapCell::Table)
                    .col(small_integer(MapCell::Level))
                    .col(big_integer(MapCell::CellX))
                    .col(big_integer(MapCell::CellY))
                    .col(string_len(MapCell::Desa, 13))
                    .col(big_integer(MapCell::Households))
                    .col(big_integer(MapCell::Poor))
                    .col(double(MapCell::SumLatitude))
                    .col(double(MapCell::SumLongitude))
                    .primary_key(
                        Index::create()
                            .col(MapCell::Level)
                            .col(MapCell::CellX)
                            .col(MapCell::CellY)
                            .col(MapCell::Desa),
                    )
                    .to_owned(),
            )
            .await?;
        // A desa's cells are replaced together.
        manager
            .create_index(
                Index::create()
                    .name("idx_map_cell_desa")
                    .table(MapCell::Table)
                    .col(MapCell::Desa)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(MapRefresh::Table)
                    .col(integer(MapRefresh::Id).primary_key())
                    .col(big_integer(MapRefresh::Tx))
                    .col(big_integer(MapRefresh::ChangeId))
                    .to_owned(),
            )
            .await?;
        manager
            .exec_stmt(
                Query::insert()
                    .into_table(MapRefresh::Table)
                    .columns([MapRefresh::Id, MapRefresh::Tx, MapRefresh::ChangeId])
                    .values_panic([1.into(), 0.into(), 0.into()])
                    .to_owned(),
            )
            .await?;
        // The refresh reads the log after its position, over every area.
        manager
            .create_index(
                Index::create()
                    .name("idx_sync_change_tx_id")
                    .table(SyncChange::Table)
                    .col(SyncChange::Tx)
                    .col(SyncChange::Id)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_sync_change_tx_id")
                    .table(SyncChange::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(MapRefresh::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(MapCell::Table).to_owned())
            .await
    }
}
