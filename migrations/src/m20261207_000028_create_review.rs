//! Supervisors' decisions on households: every decision is kept (the history), with the
//! household version it was made on, the reviewer, the note and the notes per field. The
//! household points at its current decision (`household.review_id`, a later migration).

use sea_orm_migration::{
    prelude::*,
    schema::{
        big_integer, json_null, pk_uuid, string_len, string_len_null, text_null,
        timestamp_with_time_zone, uuid,
    },
};

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[derive(DeriveIden)]
enum Review {
    Table,
    Id,
    HouseholdId,
    Version,
    Decision,
    Reason,
    Note,
    FieldNotes,
    ReviewerId,
    DecidedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Review::Table)
                    .col(pk_uuid(Review::Id))
                    .col(uuid(Review::HouseholdId))
                    .col(big_integer(Review::Version))
                    .col(string_len(Review::Decision, 16))
                    .col(string_len_null(Review::Reason, 32))
                    .col(text_null(Review::Note))
                    .col(json_null(Review::FieldNotes))
                    .col(uuid(Review::ReviewerId))
                    .col(timestamp_with_time_zone(Review::DecidedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_review_household_id")
                    .table(Review::Table)
                    .col(Review::HouseholdId)
                    .col(Review::DecidedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Review::Table).to_owned())
            .await
    }
}
