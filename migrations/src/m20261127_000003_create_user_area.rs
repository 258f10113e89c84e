//! Area assignments: a user sees and edits what lies in these areas (and their descendants).

use sea_orm_migration::{
    prelude::*,
    schema::{string_len, uuid},
};

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[derive(DeriveIden)]
enum UserArea {
    Table,
    UserId,
    AreaCode,
}

#[derive(DeriveIden)]
enum AppUser {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Area {
    Table,
    Code,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(UserArea::Table)
                    .col(uuid(UserArea::UserId))
                    .col(string_len(UserArea::AreaCode, 13))
                    .primary_key(
                        Index::create()
                            .col(UserArea::UserId)
                            .col(UserArea::AreaCode),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(UserArea::Table, UserArea::UserId)
                            .to(AppUser::Table, AppUser::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(UserArea::Table, UserArea::AreaCode)
                            .to(Area::Table, Area::Code),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(UserArea::Table).to_owned())
            .await
    }
}
