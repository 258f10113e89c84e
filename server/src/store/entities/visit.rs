//! `visit` table.

use sea_orm::entity::prelude::*;

/// A row of `visit`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "visit")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub household_id: Uuid,
    pub form_id: String,
    pub form_version: i32,
    pub user_id: Uuid,
    pub device_id: Uuid,
    pub started_at: DateTimeUtc,
    pub ended_at: DateTimeUtc,
    #[sea_orm(column_type = "Json")]
    pub answers: Json,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub accuracy_m: Option<f64>,
    pub mock_location: Option<bool>,
    pub fixed_at: Option<DateTimeUtc>,
    #[sea_orm(column_type = "Json")]
    pub photos: Json,
    #[sea_orm(column_type = "Json")]
    pub hlc: Json,
    pub content_sha256: String,
    pub received_at: DateTimeUtc,
}

/// No relations are declared: queries join explicitly where needed.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
