//! Resumable uploads (tus) in progress. Their bytes are kept in `upload_chunk` until the
//! upload completes, so any server instance can resume an upload and a restart loses nothing.

use sea_orm_migration::{
    prelude::*,
    schema::{big_integer, blob, pk_uuid, string_len, timestamp_with_time_zone, uuid},
};

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[derive(DeriveIden)]
enum Upload {
    Table,
    Id,
    UserId,
    Sha256,
    Length,
    Offset,
    CreatedAt,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum UploadChunk {
    Table,
    UploadId,
    Offset,
    Data,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Upload::Table)
                    .col(pk_uuid(Upload::Id))
                    .col(uuid(Upload::UserId))
                    .col(string_len(Upload::Sha256, 64))
                    .col(big_integer(Upload::Length))
                    .col(big_integer(Upload::Offset))
                    .col(timestamp_with_time_zone(Upload::CreatedAt))
                    .col(timestamp_with_time_zone(Upload::ExpiresAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(UploadChunk::Table)
                    .col(uuid(UploadChunk::UploadId))
                    .col(big_integer(UploadChunk::Offset))
                    .col(blob(UploadChunk::Data))
                    .primary_key(
                        Index::create()
                            .col(UploadChunk::UploadId)
                            .col(UploadChunk::Offset),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(UploadChunk::Table, UploadChunk::UploadId)
                            .to(Upload::Table, Upload::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(UploadChunk::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Upload::Table).to_owned())
            .await
    }
}
