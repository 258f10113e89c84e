//! What the review queue reads from a household: its current decision (`review_id`), since
//! when it has been in its review status (`review_since`: how long it has waited), and the
//! highest risk score of its visits' checks (`risk`), kept on the household so that the queue
//! is one ordered index scan however many households wait. Three partial indexes hold only the
//! households waiting for a decision: one by risk, one by age, and one by area that answers
//! the queue's counts from the index alone.
//!
//! Existing households have waited since they were created; their risk is read from their
//! visits' checks.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[derive(DeriveIden)]
enum Household {
    Table,
    Id,
    AreaCode,
    ReviewId,
    ReviewSince,
    ReviewStatus,
    Risk,
    Tombstone,
}

/// Households waiting for a decision: `pending` or `resubmitted`, and not deleted.
fn waiting() -> SimpleExpr {
    Expr::col(Household::ReviewStatus)
        .is_in(["pending", "resubmitted"])
        .and(Expr::col(Household::Tombstone).is_null())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per ALTER TABLE.
        let columns = [
            ColumnDef::new(Household::ReviewId).uuid().null().to_owned(),
            ColumnDef::new(Household::ReviewSince)
                .timestamp_with_time_zone()
                .null()
                .to_owned(),
            ColumnDef::new(Household::Risk)
                .integer()
                .not_null()
                .default(0)
                .to_owned(),
        ];
        for mut column in columns {
            manager
                .alter_table(
                    Table::alter()
                        .table(Household::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        let db = manager.get_connection();
        db.execute_unprepared(
            "UPDATE household SET review_since = created_at, risk = COALESCE((SELECT MAX(c.risk) \
             FROM visit_check c WHERE c.household_id = household.id), 0)",
        )
        .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_household_queue_risk")
                    .table(Household::Table)
                    .col((Household::Risk, IndexOrder::Desc))
                    .col(Household::ReviewSince)
                    .col(Household::Id)
                    .and_where(waiting())
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_household_queue_age")
                    .table(Household::Table)
                    .col(Household::ReviewSince)
                    .col(Household::Id)
                    .and_where(waiting())
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_household_queue_area")
                    .table(Household::Table)
                    .col(Household::AreaCode)
                    .col(Household::ReviewStatus)
                    .col(Household::ReviewSince)
                    .and_where(waiting())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for index in [
            "idx_household_queue_risk",
            "idx_household_queue_age",
            "idx_household_queue_area",
        ] {
            manager
                .drop_index(Index::drop().name(index).table(Household::Table).to_owned())
                .await?;
        }
        for column in [Household::ReviewId, Household::ReviewSince, Household::Risk] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Household::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
