//! Where each household is, for the map: the GPS fix of its latest visit (by the visit's end),
//! written in the push that records the visit. Existing visits fill it in.

use sea_orm_migration::{
    prelude::*,
    schema::{double, timestamp_with_time_zone, uuid},
};

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[derive(DeriveIden)]
enum HouseholdPosition {
    Table,
    HouseholdId,
    Latitude,
    Longitude,
    VisitEndedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(HouseholdPosition::Table)
                    .col(uuid(HouseholdPosition::HouseholdId).primary_key())
                    .col(double(HouseholdPosition::Latitude))
                    .col(double(HouseholdPosition::Longitude))
                    .col(timestamp_with_time_zone(HouseholdPosition::VisitEndedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("household_position_lon_lat")
                    .table(HouseholdPosition::Table)
                    .col(HouseholdPosition::Longitude)
                    .col(HouseholdPosition::Latitude)
                    .to_owned(),
            )
            .await?;
        manager
            .get_connection()
            .execute_unprepared(
                "INSERT INTO household_position (household_id, latitude, longitude, visit_ended_at) \
                 SELECT v.household_id, v.latitude, v.longitude, v.ended_at FROM visit v \
                 WHERE v.latitude IS NOT NULL AND v.longitude IS NOT NULL \
                   AND v.id = (SELECT w.id FROM visit w WHERE w.household_id = v.household_id \
                                 AND w.latitude IS NOT NULL AND w.longitude IS NOT NULL \
                               ORDER BY w.ended_at DESC, w.id DESC LIMIT 1)",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(HouseholdPosition::Table).to_owned())
            .await
    }
}
