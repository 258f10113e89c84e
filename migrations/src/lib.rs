//! Database migrations for e-Kemiskinan. The same migrations run on PostgreSQL and SQLite.
//!
//! Migrations are append-only, one change per file. They name tables with local `DeriveIden`
//! enums and never import the server's entities, so old migrations keep compiling as the
//! entities change.
//!
//! Those after `m20261207_000033` follow expand, then contract (docs/deploy.md, "Upgrades"):
//! a migration adds what its release's code needs without changing what the previous release
//! reads, and what the code stopped using is removed a release later.

#![expect(
    elided_lifetimes_in_paths,
    reason = "async_trait's MigrationTrait signature must be matched as `&SchemaManager`, without `<'_>`"
)]

pub use sea_orm_migration::prelude::*;

mod m20261127_000001_create_area;
mod m20261127_000002_create_app_user;
mod m20261127_000003_create_user_area;
mod m20261127_000004_create_session;
mod m20261127_000005_create_login_throttle;
mod m20261127_000006_create_device;
mod m20261127_000007_create_form;
mod m20261127_000008_create_household;
mod m20261127_000009_create_family;
mod m20261127_000010_create_family_kk_history;
mod m20261127_000011_create_member;
mod m20261127_000012_create_visit;
mod m20261127_000013_create_receipt;
mod m20261127_000014_create_sync_change;
mod m20261127_000015_create_conflict;
mod m20261127_000016_create_audit_log;
mod m20261127_000017_create_photo;
mod m20261127_000018_create_upload;
mod m20261127_000019_create_visit_photo;
mod m20261127_000020_create_photo_analysis;
mod m20261127_000021_create_household_score;
mod m20261127_000022_create_dtsen_decile;
mod m20261128_000023_create_quality_flag;
mod m20261128_000024_add_score_met_mask;
mod m20261128_000025_create_household_position;
mod m20261128_000026_index_household_area_id;
mod m20261128_000027_json_for_whole_values;
mod m20261207_000028_create_review;
mod m20261207_000029_add_household_review_columns;
mod m20261207_000030_add_change_detail;
mod m20261207_000031_add_conflict_resolution;
mod m20261207_000032_create_map_cell;
mod m20261207_000033_create_desa_tally;
mod m20261207_000034_create_store_epoch;

/// All migrations, in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261127_000001_create_area::Migration),
            Box::new(m20261127_000002_create_app_user::Migration),
            Box::new(m20261127_000003_create_user_area::Migration),
            Box::new(m20261127_000004_create_session::Migration),
            Box::new(m20261127_000005_create_login_throttle::Migration),
            Box::new(m20261127_000006_create_device::Migration),
            Box::new(m20261127_000007_create_form::Migration),
            Box::new(m20261127_000008_create_household::Migration),
            Box::new(m20261127_000009_create_family::Migration),
            Box::new(m20261127_000010_create_family_kk_history::Migration),
            Box::new(m20261127_000011_create_member::Migration),
            Box::new(m20261127_000012_create_visit::Migration),
            Box::new(m20261127_000013_create_receipt::Migration),
            Box::new(m20261127_000014_create_sync_change::Migration),
            Box::new(m20261127_000015_create_conflict::Migration),
            Box::new(m20261127_000016_create_audit_log::Migration),
            Box::new(m20261127_000017_create_photo::Migration),
            Box::new(m20261127_000018_create_upload::Migration),
            Box::new(m20261127_000019_create_visit_photo::Migration),
            Box::new(m20261127_000020_create_photo_analysis::Migration),
            Box::new(m20261127_000021_create_household_score::Migration),
            Box::new(m20261127_000022_create_dtsen_decile::Migration),
            Box::new(m20261128_000023_create_quality_flag::Migration),
            Box::new(m20261128_000024_add_score_met_mask::Migration),
            Box::new(m20261128_000025_create_household_position::Migration),
            Box::new(m20261128_000026_index_household_area_id::Migration),
            Box::new(m20261128_000027_json_for_whole_values::Migration),
            Box::new(m20261207_000028_create_review::Migration),
            Box::new(m20261207_000029_add_household_review_columns::Migration),
            Box::new(m20261207_000030_add_change_detail::Migration),
            Box::new(m20261207_000031_add_conflict_resolution::Migration),
            Box::new(m20261207_000032_create_map_cell::Migration),
            Box::new(m20261207_000033_create_desa_tally::Migration),
            Box::new(m20261207_000034_create_store_epoch::Migration),
        ]
    }
}
