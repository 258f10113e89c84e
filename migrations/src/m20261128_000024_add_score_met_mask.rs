//! Which of the 14 criteria a household meets, as a bit mask (bit i = the i-th criterion of
//! [`CRITERIA`], the server's `Criterion::ALL`), so that indicators per area count
//! criteria in SQL instead of reading every household's JSON. Existing scores are filled in
//! from their JSON.

use sea_orm_migration::{
    prelude::*,
    sea_orm::{ConnectionTrait, JsonValue, Statement},
};

/// The criteria's codes in the order of their bits, as of this migration.
const CRITERIA: [&str; 14] = [
    "luas_lantai",
    "jenis_lantai",
    "jenis_dinding",
    "fasilitas_bab",
    "penerangan",
    "air_minum",
    "bahan_bakar",
    "konsumsi_daging",
    "pakaian",
    "frekuensi_makan",
    "berobat",
    "penghasilan_kepala",
    "pendidikan_kepala",
    "tabungan",
];

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[derive(DeriveIden)]
enum HouseholdScore {
    Table,
    MetMask,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(HouseholdScore::Table)
                    .add_column(
                        ColumnDef::new(HouseholdScore::MetMask)
                            .integer()
                            .not_null()
                            .default(0),
                    )
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        let backend = db.get_database_backend();
        let rows = db
            .query_all_raw(Statement::from_string(
                backend,
                "SELECT household_id, criteria FROM household_score",
            ))
            .await?;
        for row in rows {
            let id: sea_orm::prelude::Uuid = row.try_get("", "household_id")?;
            let criteria: JsonValue = row.try_get("", "criteria")?;
            let mask = criteria.as_array().map_or(0, |list| {
                list.iter()
                    .filter(|c| c["met"] == JsonValue::Bool(true))
                    .filter_map(|c| CRITERIA.iter().position(|code| c["code"] == *code))
                    .fold(0i32, |mask, i| mask | (1 << i))
            });
            let update = Query::update()
                .table(HouseholdScore::Table)
                .value(HouseholdScore::MetMask, mask)
                .and_where(Expr::col(Alias::new("household_id")).eq(id))
                .to_owned();
            manager.exec_stmt(update).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(HouseholdScore::Table)
                    .drop_column(HouseholdScore::MetMask)
                    .to_owned(),
            )
            .await
    }
}
