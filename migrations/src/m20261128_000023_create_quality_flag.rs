//! Data-quality checks of visits: a queue row per visit (`visit_check`, written in the push
//! that records the visit, checked by a background worker, checked again when one of its
//! photos has been analysed) holding the visit's risk score, and the flags raised
//! (`quality_flag`), replaced whole at each check. Existing visits are queued.

use sea_orm_migration::{
    prelude::*,
    schema::{
        big_integer, integer, integer_null, json_binary, string_len, timestamp_with_time_zone,
        timestamp_with_time_zone_null, uuid,
    },
};

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[derive(DeriveIden)]
enum VisitCheck {
    Table,
    VisitId,
    HouseholdId,
    State,
    Generation,
    Attempts,
    RunAfter,
    Risk,
    CheckedAt,
}

#[derive(DeriveIden)]
enum QualityFlag {
    Table,
    VisitId,
    Ordinal,
    HouseholdId,
    Code,
    Severity,
    Evidence,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Visit {
    Table,
    UserId,
    EndedAt,
    Latitude,
    Longitude,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(VisitCheck::Table)
                    .col(uuid(VisitCheck::VisitId).primary_key())
                    .col(uuid(VisitCheck::HouseholdId))
                    .col(string_len(VisitCheck::State, 16))
                    .col(big_integer(VisitCheck::Generation))
                    .col(integer(VisitCheck::Attempts))
                    .col(timestamp_with_time_zone(VisitCheck::RunAfter))
                    .col(integer_null(VisitCheck::Risk))
                    .col(timestamp_with_time_zone_null(VisitCheck::CheckedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("visit_check_due")
                    .table(VisitCheck::Table)
                    .col(VisitCheck::State)
                    .col(VisitCheck::RunAfter)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("visit_check_household")
                    .table(VisitCheck::Table)
                    .col(VisitCheck::HouseholdId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(QualityFlag::Table)
                    .col(uuid(QualityFlag::VisitId))
                    .col(integer(QualityFlag::Ordinal))
                    .col(uuid(QualityFlag::HouseholdId))
                    .col(string_len(QualityFlag::Code, 40))
                    .col(string_len(QualityFlag::Severity, 8))
                    .col(json_binary(QualityFlag::Evidence))
                    .col(timestamp_with_time_zone(QualityFlag::CreatedAt))
                    .primary_key(
                        Index::create()
                            .col(QualityFlag::VisitId)
                            .col(QualityFlag::Ordinal),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("quality_flag_household")
                    .table(QualityFlag::Table)
                    .col(QualityFlag::HouseholdId)
                    .to_owned(),
            )
            .await?;
        // The checks look up a worker's previous visit and visits at the same coordinates.
        manager
            .create_index(
                Index::create()
                    .name("visit_user_ended_at")
                    .table(Visit::Table)
                    .col(Visit::UserId)
                    .col(Visit::EndedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("visit_position")
                    .table(Visit::Table)
                    .col(Visit::Latitude)
                    .col(Visit::Longitude)
                    .to_owned(),
            )
            .await?;
        manager
            .get_connection()
            .execute_unprepared(
                "INSERT INTO visit_check (visit_id, household_id, state, generation, attempts, run_after) \
                 SELECT id, household_id, 'pending', 0, 0, received_at FROM visit",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for name in ["visit_position", "visit_user_ended_at"] {
            manager
                .drop_index(Index::drop().name(name).table(Visit::Table).to_owned())
                .await?;
        }
        manager
            .drop_table(Table::drop().table(QualityFlag::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(VisitCheck::Table).to_owned())
            .await
    }
}
