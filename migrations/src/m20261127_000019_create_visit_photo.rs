//! The photos each visit names, one row per photo, so that the server can answer "which of
//! this user's photos are still missing" and "may this user see this photo" with an index
//! instead of reading every visit's JSON. A photo is `pending` while no `photo` row has its
//! hash; the state is read by a join, so it can never disagree with the stored photos.

use sea_orm_migration::{
    prelude::*,
    schema::{integer, string_len, timestamp_with_time_zone, uuid},
};

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[derive(DeriveIden)]
enum VisitPhoto {
    Table,
    VisitId,
    Position,
    Sha256,
    Kind,
    HouseholdId,
    UserId,
    VisitEndedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(VisitPhoto::Table)
                    .col(uuid(VisitPhoto::VisitId))
                    .col(integer(VisitPhoto::Position))
                    .col(string_len(VisitPhoto::Sha256, 64))
                    .col(string_len(VisitPhoto::Kind, 32))
                    .col(uuid(VisitPhoto::HouseholdId))
                    .col(uuid(VisitPhoto::UserId))
                    .col(timestamp_with_time_zone(VisitPhoto::VisitEndedAt))
                    .primary_key(
                        Index::create()
                            .col(VisitPhoto::VisitId)
                            .col(VisitPhoto::Position),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            ("visit_photo_sha256", VisitPhoto::Sha256),
            ("visit_photo_household", VisitPhoto::HouseholdId),
            ("visit_photo_user", VisitPhoto::UserId),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(VisitPhoto::Table)
                        .col(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(VisitPhoto::Table).to_owned())
            .await
    }
}
