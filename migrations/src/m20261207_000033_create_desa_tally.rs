//! Counts per desa for the indicators, kept like the map's cells: households, by review status
//! and local verdict, and meeting each of the 14 criteria, so that the figures of a whole
//! kabupaten read a row per desa instead of every household.
//!
//! Both are derived from the households as the pull log moves on; the position in the log they
//! are counted to is now named for both (`tally_position`, was `map_refresh`) and goes back to
//! the log's start, so that the next refresh counts every desa, cells and tallies alike.
//! Overdue households (a matter of the clock) and quality flags (written by the checks, not
//! logged) are still counted when read.

use sea_orm_migration::{
    prelude::*,
    schema::{big_integer, string_len},
};

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[derive(DeriveIden)]
enum DesaTally {
    Table,
    Desa,
    Households,
    Approved,
    Pending,
    Resubmitted,
    Returned,
    Rejected,
    Poor,
    NotPoor,
    Criteria,
}

#[derive(DeriveIden)]
enum MapRefresh {
    Table,
}

#[derive(DeriveIden)]
enum TallyPosition {
    Table,
    Tx,
    ChangeId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(DesaTally::Table)
                    .col(string_len(DesaTally::Desa, 13).primary_key())
                    .col(big_integer(DesaTally::Households))
                    .col(big_integer(DesaTally::Approved))
                    .col(big_integer(DesaTally::Pending))
                    .col(big_integer(DesaTally::Resubmitted))
                    .col(big_integer(DesaTally::Returned))
                    .col(big_integer(DesaTally::Rejected))
                    .col(big_integer(DesaTally::Poor))
                    .col(big_integer(DesaTally::NotPoor))
                    // `n0,n1,…,n13`: households meeting each criterion, in BPS order.
                    .col(string_len(DesaTally::Criteria, 200))
                    .to_owned(),
            )
            .await?;
        manager
            .rename_table(
                Table::rename()
                    .table(MapRefresh::Table, TallyPosition::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .exec_stmt(
                Query::update()
                    .table(TallyPosition::Table)
                    .values([
                        (TallyPosition::Tx, 0.into()),
                        (TallyPosition::ChangeId, 0.into()),
                    ])
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .rename_table(
                Table::rename()
                    .table(TallyPosition::Table, MapRefresh::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(DesaTally::Table).to_owned())
            .await
    }
}
