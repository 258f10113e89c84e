//! `household` table.

use sea_orm::entity::prelude::*;

/// A row of `household`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "household")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub area_code: String,
    #[sea_orm(column_type = "Json", nullable)]
    pub area_stamp: Option<Json>,
    pub form_id: String,
    pub form_version: i32,
    pub version: i64,
    #[sea_orm(column_type = "JsonBinary")]
    pub fields: Json,
    #[sea_orm(column_type = "Json")]
    pub stamps: Json,
    #[sea_orm(column_type = "Json", nullable)]
    pub tombstone: Option<Json>,
    pub review_status: String,
    pub created_by: Uuid,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub review_id: Option<Uuid>,
    pub review_since: Option<DateTimeUtc>,
    pub risk: i32,
}

/// No relations are declared: queries join explicitly where needed.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
