//! `quality_flag` table.

use sea_orm::entity::prelude::*;

/// A row of `quality_flag`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "quality_flag")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub visit_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub ordinal: i32,
    pub household_id: Uuid,
    pub code: String,
    pub severity: String,
    #[sea_orm(column_type = "JsonBinary")]
    pub evidence: Json,
    pub created_at: DateTimeUtc,
}

/// No relations are declared: queries join explicitly where needed.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
