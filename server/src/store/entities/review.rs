//! `review` table.

use sea_orm::entity::prelude::*;

/// A row of `review`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "review")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub household_id: Uuid,
    pub version: i64,
    pub decision: String,
    pub reason: Option<String>,
    pub note: Option<String>,
    #[sea_orm(column_type = "Json", nullable)]
    pub field_notes: Option<Json>,
    pub reviewer_id: Uuid,
    pub decided_at: DateTimeUtc,
}

/// No relations are declared: queries join explicitly where needed.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
