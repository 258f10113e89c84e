//! `member` table.

use sea_orm::entity::prelude::*;

/// A row of `member`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "member")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub household_id: Uuid,
    pub family_id: Option<Uuid>,
    pub nik: Option<String>,
    #[sea_orm(column_type = "JsonBinary")]
    pub fields: Json,
    #[sea_orm(column_type = "Json")]
    pub stamps: Json,
    #[sea_orm(column_type = "Json", nullable)]
    pub tombstone: Option<Json>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

/// No relations are declared: queries join explicitly where needed.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
