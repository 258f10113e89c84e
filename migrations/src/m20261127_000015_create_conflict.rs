//! Same-field conflicts, with both values, both authors and both clock stamps, for supervisors.

use sea_orm_migration::{
    prelude::*,
    schema::{
        big_integer, json_binary, pk_uuid, string_len, timestamp_with_time_zone,
        timestamp_with_time_zone_null, uuid, uuid_null,
    },
};

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[derive(DeriveIden)]
enum Conflict {
    Table,
    Id,
    HouseholdId,
    AreaCode,
    TargetKind,
    TargetId,
    Field,
    Policy,
    Winner,
    BaseVersion,
    StoredValue,
    StoredVersion,
    StoredUserId,
    StoredDeviceId,
    StoredHlc,
    IncomingValue,
    IncomingVersion,
    IncomingUserId,
    IncomingDeviceId,
    IncomingHlc,
    IncomingSeq,
    CreatedAt,
    ResolvedAt,
    ResolvedBy,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Conflict::Table)
                    .col(pk_uuid(Conflict::Id))
                    .col(uuid(Conflict::HouseholdId))
                    .col(string_len(Conflict::AreaCode, 13))
                    .col(string_len(Conflict::TargetKind, 16))
                    .col(uuid_null(Conflict::TargetId))
                    .col(string_len(Conflict::Field, 64))
                    .col(string_len(Conflict::Policy, 32))
                    .col(string_len(Conflict::Winner, 16))
                    .col(big_integer(Conflict::BaseVersion))
                    .col(json_binary(Conflict::StoredValue))
                    .col(big_integer(Conflict::StoredVersion))
                    .col(uuid(Conflict::StoredUserId))
                    .col(uuid(Conflict::StoredDeviceId))
                    .col(json_binary(Conflict::StoredHlc))
                    .col(json_binary(Conflict::IncomingValue))
                    .col(big_integer(Conflict::IncomingVersion))
                    .col(uuid(Conflict::IncomingUserId))
                    .col(uuid(Conflict::IncomingDeviceId))
                    .col(json_binary(Conflict::IncomingHlc))
                    .col(big_integer(Conflict::IncomingSeq))
                    .col(timestamp_with_time_zone(Conflict::CreatedAt))
                    .col(timestamp_with_time_zone_null(Conflict::ResolvedAt))
                    .col(uuid_null(Conflict::ResolvedBy))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_conflict_household_id")
                    .table(Conflict::Table)
                    .col(Conflict::HouseholdId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_conflict_area_code_created_at")
                    .table(Conflict::Table)
                    .col(Conflict::AreaCode)
                    .col(Conflict::CreatedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Conflict::Table).to_owned())
            .await
    }
}
