//! Administrative areas (wilayah) with Kemendagri codes.

use sea_orm_migration::{
    prelude::*,
    schema::{
        string, string_len, string_len_null, string_null, text_null, timestamp_with_time_zone,
    },
};

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[derive(DeriveIden)]
enum Area {
    Table,
    Code,
    Name,
    Level,
    ParentCode,
    Boundary,
    Source,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Area::Table)
                    .col(string_len(Area::Code, 13).primary_key())
                    .col(string(Area::Name))
                    .col(string_len(Area::Level, 16))
                    .col(string_len_null(Area::ParentCode, 13))
                    .col(text_null(Area::Boundary))
                    .col(string_null(Area::Source))
                    .col(timestamp_with_time_zone(Area::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_area_parent_code")
                    .table(Area::Table)
                    .col(Area::ParentCode)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Area::Table).to_owned())
            .await
    }
}
