//! `conflict` table.

use sea_orm::entity::prelude::*;

/// A row of `conflict`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "conflict")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub household_id: Uuid,
    pub area_code: String,
    pub target_kind: String,
    pub target_id: Option<Uuid>,
    pub field: String,
    pub policy: String,
    pub winner: String,
    pub base_version: i64,
    #[sea_orm(column_type = "JsonBinary")]
    pub stored_value: Json,
    pub stored_version: i64,
    pub stored_user_id: Uuid,
    pub stored_device_id: Uuid,
    #[sea_orm(column_type = "JsonBinary")]
    pub stored_hlc: Json,
    #[sea_orm(column_type = "JsonBinary")]
    pub incoming_value: Json,
    pub incoming_version: i64,
    pub incoming_user_id: Uuid,
    pub incoming_device_id: Uuid,
    #[sea_orm(column_type = "JsonBinary")]
    pub incoming_hlc: Json,
    pub incoming_seq: i64,
    pub created_at: DateTimeUtc,
    pub resolved_at: Option<DateTimeUtc>,
    pub resolved_by: Option<Uuid>,
    #[sea_orm(column_type = "JsonBinary", nullable)]
    pub resolution: Option<Json>,
}

/// No relations are declared: queries join explicitly where needed.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
