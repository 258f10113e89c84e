//! The image pipeline's work queue and results, one row per stored photo.
//!
//! A row is queued in the transaction that stores the photo. Workers claim the oldest due row
//! (`FOR UPDATE SKIP LOCKED` on PostgreSQL, so several workers never take the same one) by
//! setting a lease; a worker that dies leaves the lease to expire and the row is claimed
//! again. Transient failures (object store down) push `run_after` back with a growing delay;
//! permanent ones (undecodable pixels) end in `failed` with the reason. Photos stored before
//! this table existed are queued by the migration.

use sea_orm_migration::sea_orm::ConnectionTrait;
use sea_orm_migration::{
    prelude::*,
    schema::{
        big_integer_null, double_null, integer, integer_null, string_len, string_len_null,
        text_null, timestamp_with_time_zone, timestamp_with_time_zone_null,
    },
};

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[derive(DeriveIden)]
enum PhotoAnalysis {
    Table,
    Sha256,
    State,
    Attempts,
    RunAfter,
    LeaseUntil,
    LastError,
    Format,
    Width,
    Height,
    TakenAt,
    Latitude,
    Longitude,
    Orientation,
    Camera,
    ExifError,
    Phash,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(PhotoAnalysis::Table)
                    .col(string_len(PhotoAnalysis::Sha256, 64).primary_key())
                    .col(string_len(PhotoAnalysis::State, 16))
                    .col(integer(PhotoAnalysis::Attempts))
                    .col(timestamp_with_time_zone(PhotoAnalysis::RunAfter))
                    .col(timestamp_with_time_zone_null(PhotoAnalysis::LeaseUntil))
                    .col(text_null(PhotoAnalysis::LastError))
                    .col(string_len_null(PhotoAnalysis::Format, 8))
                    .col(integer_null(PhotoAnalysis::Width))
                    .col(integer_null(PhotoAnalysis::Height))
                    .col(string_len_null(PhotoAnalysis::TakenAt, 32))
                    .col(double_null(PhotoAnalysis::Latitude))
                    .col(double_null(PhotoAnalysis::Longitude))
                    .col(integer_null(PhotoAnalysis::Orientation))
                    .col(string_len_null(PhotoAnalysis::Camera, 128))
                    .col(text_null(PhotoAnalysis::ExifError))
                    .col(big_integer_null(PhotoAnalysis::Phash))
                    .col(timestamp_with_time_zone(PhotoAnalysis::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("photo_analysis_due")
                    .table(PhotoAnalysis::Table)
                    .col(PhotoAnalysis::State)
                    .col(PhotoAnalysis::RunAfter)
                    .to_owned(),
            )
            .await?;
        manager
            .get_connection()
            .execute_unprepared(
                "INSERT INTO photo_analysis (sha256, state, attempts, run_after, updated_at) \
                 SELECT sha256, 'queued', 0, stored_at, stored_at FROM photo",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(PhotoAnalysis::Table).to_owned())
            .await
    }
}
