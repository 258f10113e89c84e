//! The pull log: one row per change to a household, in server order.
//!
//! Pull must never skip a row committed out of order. On PostgreSQL every row records the id of
//! the transaction that wrote it (`tx`, filled in by the column default) and pull only serves
//! rows of transactions older than every transaction still running (the snapshot's xmin), in
//! `(tx, id)` order. SQLite runs one write transaction at a time, so `id` order is commit order
//! there and `tx` stays 0.

use sea_orm_migration::{
    prelude::*,
    schema::{
        big_integer, big_pk_auto, string_len, string_len_null, timestamp_with_time_zone, uuid,
    },
    sea_orm::DatabaseBackend,
};

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[derive(DeriveIden)]
enum SyncChange {
    Table,
    Id,
    Tx,
    HouseholdId,
    Version,
    AreaCode,
    PrevAreaCode,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let tx_default = match manager.get_database_backend() {
            DatabaseBackend::Postgres => Expr::cust("(pg_current_xact_id()::text::bigint)"),
            _ => Expr::val(0),
        };
        manager
            .create_table(
                Table::create()
                    .table(SyncChange::Table)
                    .col(big_pk_auto(SyncChange::Id))
                    .col(big_integer(SyncChange::Tx).default(tx_default))
                    .col(uuid(SyncChange::HouseholdId))
                    .col(big_integer(SyncChange::Version))
                    .col(string_len(SyncChange::AreaCode, 13))
                    .col(string_len_null(SyncChange::PrevAreaCode, 13))
                    .col(timestamp_with_time_zone(SyncChange::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_sync_change_area_tx_id")
                    .table(SyncChange::Table)
                    .col(SyncChange::AreaCode)
                    .col(SyncChange::Tx)
                    .col(SyncChange::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_sync_change_prev_area_tx_id")
                    .table(SyncChange::Table)
                    .col(SyncChange::PrevAreaCode)
                    .col(SyncChange::Tx)
                    .col(SyncChange::Id)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(SyncChange::Table).to_owned())
            .await
    }
}
