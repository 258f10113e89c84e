//! How a supervisor settled a conflict: which value was kept (`stored`, `incoming`, or a
//! `value` of the supervisor's own), the value itself, and the household version the
//! settlement produced (null when the field already held the kept value). `resolved_at` and
//! `resolved_by` exist since the table was made.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[derive(DeriveIden)]
enum Conflict {
    Table,
    Resolution,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Conflict::Table)
                    .add_column(ColumnDef::new(Conflict::Resolution).json_binary().null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Conflict::Table)
                    .drop_column(Conflict::Resolution)
                    .to_owned(),
            )
            .await
    }
}
