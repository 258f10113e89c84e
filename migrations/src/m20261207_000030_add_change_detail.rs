//! The pull log doubles as a household's history: each row (one per household version) now
//! also says what made the version (`kind`: `create`, `update`, `review`, …), who (`user_id`)
//! and what changed (`detail`: the fields with their values before and after, or the decision
//! or conflict it records). Rows written before this migration have none of these.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[derive(DeriveIden)]
enum SyncChange {
    Table,
    Kind,
    UserId,
    Detail,
    HouseholdId,
    Version,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let columns = [
            ColumnDef::new(SyncChange::Kind)
                .string_len(24)
                .null()
                .to_owned(),
            ColumnDef::new(SyncChange::UserId).uuid().null().to_owned(),
            ColumnDef::new(SyncChange::Detail).json().null().to_owned(),
        ];
        for mut column in columns {
            manager
                .alter_table(
                    Table::alter()
                        .table(SyncChange::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        // A household's history and a stale decision's "what changed since" read one
        // household's rows in version order.
        manager
            .create_index(
                Index::create()
                    .name("idx_sync_change_household_version")
                    .table(SyncChange::Table)
                    .col(SyncChange::HouseholdId)
                    .col(SyncChange::Version)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_sync_change_household_version")
                    .table(SyncChange::Table)
                    .to_owned(),
            )
            .await?;
        for column in [SyncChange::Kind, SyncChange::UserId, SyncChange::Detail] {
            manager
                .alter_table(
                    Table::alter()
                        .table(SyncChange::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
