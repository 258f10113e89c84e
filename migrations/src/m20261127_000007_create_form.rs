//! Versioned form definitions. A published (id, version) never changes.

use sea_orm_migration::{
    prelude::*,
    schema::{integer, json_binary, string, string_len, timestamp_with_time_zone},
};

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[derive(DeriveIden)]
#[expect(clippy::enum_variant_names, reason = "the column is named form_id")]
enum Form {
    Table,
    FormId,
    Version,
    Title,
    Definition,
    PublishedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Form::Table)
                    .col(string_len(Form::FormId, 64))
                    .col(integer(Form::Version))
                    .col(string(Form::Title))
                    .col(json_binary(Form::Definition))
                    .col(timestamp_with_time_zone(Form::PublishedAt))
                    .primary_key(Index::create().col(Form::FormId).col(Form::Version))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Form::Table).to_owned())
            .await
    }
}
