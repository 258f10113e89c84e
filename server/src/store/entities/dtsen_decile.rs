//! `dtsen_decile` table.

use sea_orm::entity::prelude::*;

/// A row of `dtsen_decile`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "dtsen_decile")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub no_kk: String,
    pub decile: i32,
    pub imported_at: DateTimeUtc,
}

/// No relations are declared: queries join explicitly where needed.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
