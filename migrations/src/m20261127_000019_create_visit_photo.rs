//! The photos each visit names, one row per photo, so that the server can answer "which of
//! this user's photos are still missing" and "may this user see this photo" with an index
//! instead of reading every visit's JSON. A photo is `pending` while no `photo` row has its
//! hash; the state is read by a join, so it can never disagree with the stored photos.
//! Visits recorded before this table existed get their rows from their `photos` lists.

use sea_orm_migration::sea_orm::prelude::{DateTimeUtc, Json, Uuid};
use sea_orm_migration::sea_orm::{ConnectionTrait, Statement};
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
        backfill(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(VisitPhoto::Table).to_owned())
            .await
    }
}

/// One row per photo named by the visits already stored.
async fn backfill(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let db = manager.get_connection();
    let visits = db
        .query_all_raw(Statement::from_string(
            manager.get_database_backend(),
            "SELECT id, household_id, user_id, ended_at, photos FROM visit",
        ))
        .await?;
    for visit in visits {
        let id: Uuid = visit.try_get("", "id")?;
        let household_id: Uuid = visit.try_get("", "household_id")?;
        let user_id: Uuid = visit.try_get("", "user_id")?;
        let ended_at: DateTimeUtc = visit.try_get("", "ended_at")?;
        let photos: Json = visit.try_get("", "photos")?;
        let mut insert = Query::insert();
        insert
            .into_table(VisitPhoto::Table)
            .columns([
                VisitPhoto::VisitId,
                VisitPhoto::Position,
                VisitPhoto::Sha256,
                VisitPhoto::Kind,
                VisitPhoto::HouseholdId,
                VisitPhoto::UserId,
                VisitPhoto::VisitEndedAt,
            ])
            .on_conflict(
                OnConflict::columns([VisitPhoto::VisitId, VisitPhoto::Position])
                    .do_nothing()
                    .to_owned(),
            );
        let mut any = false;
        for (position, photo) in photos.as_array().into_iter().flatten().enumerate() {
            let (Some(sha256), Some(kind)) = (photo["sha256"].as_str(), photo["kind"].as_str())
            else {
                continue;
            };
            insert.values_panic([
                id.into(),
                <i32 as TryFrom<usize>>::try_from(position)
                    .unwrap_or(i32::MAX)
                    .into(),
                sha256.into(),
                kind.into(),
                household_id.into(),
                user_id.into(),
                ended_at.into(),
            ]);
            any = true;
        }
        if any {
            manager.exec_stmt(insert).await?;
        }
    }
    Ok(())
}
