//! The local poverty score of each household (BPS 14 criteria), recomputed in the push that
//! changes the household's answers: one row per household, at the household version it was
//! computed from, with each criterion's result and the answers that decided it.

use sea_orm_migration::{
    prelude::*,
    schema::{big_integer, integer, json_binary, string_len, timestamp_with_time_zone, uuid},
};

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[derive(DeriveIden)]
enum HouseholdScore {
    Table,
    HouseholdId,
    Version,
    Met,
    Unknown,
    Verdict,
    Criteria,
    ComputedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(HouseholdScore::Table)
                    .col(uuid(HouseholdScore::HouseholdId).primary_key())
                    .col(big_integer(HouseholdScore::Version))
                    .col(integer(HouseholdScore::Met))
                    .col(integer(HouseholdScore::Unknown))
                    .col(string_len(HouseholdScore::Verdict, 16))
                    .col(json_binary(HouseholdScore::Criteria))
                    .col(timestamp_with_time_zone(HouseholdScore::ComputedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(HouseholdScore::Table).to_owned())
            .await
    }
}
