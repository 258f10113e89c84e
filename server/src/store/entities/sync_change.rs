//! `sync_change` table.

use sea_orm::entity::prelude::*;

/// A row of `sync_change`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "sync_change")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tx: i64,
    pub household_id: Uuid,
    pub version: i64,
    pub area_code: String,
    pub prev_area_code: Option<String>,
    pub created_at: DateTimeUtc,
    pub kind: Option<String>,
    pub user_id: Option<Uuid>,
    #[sea_orm(column_type = "Json", nullable)]
    pub detail: Option<Json>,
}

/// No relations are declared: queries join explicitly where needed.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
