//! `family_kk_history` table.

use sea_orm::entity::prelude::*;

/// A row of `family_kk_history`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "family_kk_history")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub family_id: Uuid,
    pub no_kk: Option<String>,
    pub recorded_at: DateTimeUtc,
    pub user_id: Uuid,
    pub device_id: Uuid,
}

/// No relations are declared: queries join explicitly where needed.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
