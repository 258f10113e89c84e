//! `receipt` table.

use sea_orm::entity::prelude::*;

/// A row of `receipt`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "receipt")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub device_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub seq: i64,
    pub user_id: Uuid,
    pub op: String,
    pub status: String,
    pub household_id: Option<Uuid>,
    pub household_version: Option<i64>,
    #[sea_orm(column_type = "Json")]
    pub body: Json,
    pub created_at: DateTimeUtc,
}

/// No relations are declared: queries join explicitly where needed.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
