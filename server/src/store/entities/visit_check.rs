//! `visit_check` table.

use sea_orm::entity::prelude::*;

/// A row of `visit_check`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "visit_check")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub visit_id: Uuid,
    pub household_id: Uuid,
    pub state: String,
    pub generation: i64,
    pub attempts: i32,
    pub run_after: DateTimeUtc,
    pub risk: Option<i32>,
    pub checked_at: Option<DateTimeUtc>,
}

/// No relations are declared: queries join explicitly where needed.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
