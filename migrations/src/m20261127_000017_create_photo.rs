//! Stored photos, content-addressed by SHA-256. A visit may name a photo before it arrives:
//! a hash named by a visit without a row here is still pending.

use sea_orm_migration::{
    prelude::*,
    schema::{big_integer, string_len, timestamp_with_time_zone, uuid},
};

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[derive(DeriveIden)]
enum Photo {
    Table,
    Sha256,
    Size,
    UploadedBy,
    StoredAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Photo::Table)
                    .col(string_len(Photo::Sha256, 64).primary_key())
                    .col(big_integer(Photo::Size))
                    .col(uuid(Photo::UploadedBy))
                    .col(timestamp_with_time_zone(Photo::StoredAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Photo::Table).to_owned())
            .await
    }
}
