//! Survey visits: immutable, one row per visit, with the answers snapshot and the GPS fix.

use sea_orm_migration::{
    prelude::*,
    schema::{
        boolean_null, double_null, integer, json_binary, pk_uuid, string_len,
        timestamp_with_time_zone, timestamp_with_time_zone_null, uuid,
    },
};

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[derive(DeriveIden)]
enum Visit {
    Table,
    Id,
    HouseholdId,
    FormId,
    FormVersion,
    UserId,
    DeviceId,
    StartedAt,
    EndedAt,
    Answers,
    Latitude,
    Longitude,
    AccuracyM,
    MockLocation,
    FixedAt,
    Photos,
    Hlc,
    ContentSha256,
    ReceivedAt,
}

#[derive(DeriveIden)]
enum Household {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Visit::Table)
                    .col(pk_uuid(Visit::Id))
                    .col(uuid(Visit::HouseholdId))
                    .col(string_len(Visit::FormId, 64))
                    .col(integer(Visit::FormVersion))
                    .col(uuid(Visit::UserId))
                    .col(uuid(Visit::DeviceId))
                    .col(timestamp_with_time_zone(Visit::StartedAt))
                    .col(timestamp_with_time_zone(Visit::EndedAt))
                    .col(json_binary(Visit::Answers))
                    .col(double_null(Visit::Latitude))
                    .col(double_null(Visit::Longitude))
                    .col(double_null(Visit::AccuracyM))
                    .col(boolean_null(Visit::MockLocation))
                    .col(timestamp_with_time_zone_null(Visit::FixedAt))
                    .col(json_binary(Visit::Photos))
                    .col(json_binary(Visit::Hlc))
                    .col(string_len(Visit::ContentSha256, 64))
                    .col(timestamp_with_time_zone(Visit::ReceivedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Visit::Table, Visit::HouseholdId)
                            .to(Household::Table, Household::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_visit_household_id")
                    .table(Visit::Table)
                    .col(Visit::HouseholdId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_visit_user_id_started_at")
                    .table(Visit::Table)
                    .col(Visit::UserId)
                    .col(Visit::StartedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Visit::Table).to_owned())
            .await
    }
}
