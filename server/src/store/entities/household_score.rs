//! `household_score` table.

use sea_orm::entity::prelude::*;

/// A row of `household_score`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "household_score")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub household_id: Uuid,
    pub version: i64,
    pub met: i32,
    pub unknown: i32,
    pub verdict: String,
    pub criteria: Json,
    pub met_mask: i32,
    pub computed_at: DateTimeUtc,
}

/// No relations are declared: queries join explicitly where needed.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
