//! Household lists for exports, read a page at a time in id order so that memory does not
//! grow with the number of households.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, ExprTrait, FromQueryResult, QueryFilter,
    QueryOrder, QuerySelect, Statement, sea_query::Expr,
};
use uuid::Uuid;

use super::StoreError;
use super::entities::{family, household, member};

/// One household as the export lists it (NIK and No KK unmasked: the caller masks).
#[derive(Debug, Clone, PartialEq)]
pub struct ExportRow {
    /// Household id.
    pub id: Uuid,
    /// Desa code.
    pub area_code: String,
    /// `nama_kepala_rumah_tangga`.
    pub head_name: Option<String>,
    /// NIK of the member whose relation to the head is 1 (the head).
    pub head_nik: Option<String>,
    /// No KK of its families.
    pub no_kks: Vec<String>,
    /// `jumlah_anggota`.
    pub members: Option<i64>,
    /// Review status.
    pub review_status: String,
    /// Criteria met, local verdict.
    pub score: Option<(i32, String)>,
    /// Highest risk score of its visits.
    pub risk: Option<i32>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

/// `fields ->> key` as text, on either database.
fn json_text(backend: DbBackend, column: &str, key: &str) -> String {
    match backend {
        DbBackend::Postgres => format!("({column} ->> '{key}')"),
        _ => format!("CAST(json_extract({column}, '$.{key}') AS TEXT)"),
    }
}

#[derive(FromQueryResult)]
struct HouseholdRow {
    id: Uuid,
    area_code: String,
    head_name: Option<String>,
    members: Option<String>,
    review_status: String,
    updated_at: DateTime<Utc>,
    met: Option<i32>,
    verdict: Option<String>,
    risk: Option<i32>,
}

/// The desa (codes) at or below `prefix` that have households, in code order.
pub async fn desa_codes(
    db: &impl ConnectionTrait,
    prefix: &str,
) -> Result<Vec<String>, StoreError> {
    Ok(household::Entity::find()
        .select_only()
        .column(household::Column::AreaCode)
        .distinct()
        .filter(
            household::Column::AreaCode
                .eq(prefix)
                .or(household::Column::AreaCode.starts_with(format!("{prefix}."))),
        )
        .order_by_asc(household::Column::AreaCode)
        .into_tuple::<String>()
        .all(db)
        .await?)
}

/// The households of one desa after `after` (in id order), at most `limit`: one statement
/// for the households with their score and highest risk (the index on `(area_code, id)`
/// answers it without sorting), one for their families' No KK, one for their heads' NIK.
/// Only the answers listed are read out of the JSON.
pub async fn page(
    db: &impl ConnectionTrait,
    desa: &str,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Vec<ExportRow>, StoreError> {
    let backend = db.get_database_backend();
    let p = |i: usize| match backend {
        DbBackend::Postgres => format!("${i}"),
        _ => format!("?{i}"),
    };
    let after_clause = if after.is_some() {
        format!("AND h.id > {}", p(2))
    } else {
        String::new()
    };
    let sql = format!(
        "SELECT h.id, h.area_code, {name} AS head_name, {members} AS members, h.review_status, \
           h.updated_at, s.met, s.verdict, \
           (SELECT MAX(c.risk) FROM visit_check c WHERE c.household_id = h.id) AS risk \
         FROM household h LEFT JOIN household_score s ON s.household_id = h.id \
         WHERE h.area_code = {p1} {after_clause} AND h.tombstone IS NULL \
         ORDER BY h.id LIMIT {limit}",
        name = json_text(backend, "h.fields", "nama_kepala_rumah_tangga"),
        members = json_text(backend, "h.fields", "jumlah_anggota"),
        p1 = p(1),
    );
    let mut values: Vec<sea_orm::Value> = vec![desa.into()];
    if let Some(after) = after {
        values.push(after.into());
    }
    let households =
        HouseholdRow::find_by_statement(Statement::from_sql_and_values(backend, sql, values))
            .all(db)
            .await?;
    if households.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<Uuid> = households.iter().map(|h| h.id).collect();
    let mut no_kks = no_kks_of(db, &ids).await?;
    let mut heads = heads_of(db, &ids).await?;
    Ok(households
        .into_iter()
        .map(|h| ExportRow {
            head_nik: heads.remove(&h.id),
            no_kks: no_kks.remove(&h.id).unwrap_or_default(),
            score: h.met.zip(h.verdict),
            members: h.members.and_then(|m| m.trim().parse().ok()),
            head_name: h.head_name,
            risk: h.risk,
            id: h.id,
            area_code: h.area_code,
            review_status: h.review_status,
            updated_at: h.updated_at,
        })
        .collect())
}

/// No KK of the households' families, by household.
async fn no_kks_of(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<String>>, StoreError> {
    let mut no_kks: HashMap<Uuid, Vec<String>> = HashMap::new();
    for (id, no_kk) in family::Entity::find()
        .select_only()
        .columns([family::Column::HouseholdId, family::Column::NoKk])
        .filter(family::Column::HouseholdId.is_in(ids.iter().copied()))
        .filter(family::Column::NoKk.is_not_null())
        .order_by_asc(family::Column::NoKk)
        .into_tuple::<(Uuid, String)>()
        .all(db)
        .await?
    {
        no_kks.entry(id).or_default().push(no_kk);
    }
    Ok(no_kks)
}

/// NIK of each household's head (the member whose relation to the head is 1).
async fn heads_of(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, String>, StoreError> {
    let backend = db.get_database_backend();
    let relation = json_text(backend, "fields", "hubungan_kepala");
    let heads = member::Entity::find()
        .select_only()
        .columns([member::Column::HouseholdId, member::Column::Nik])
        .filter(member::Column::HouseholdId.is_in(ids.iter().copied()))
        .filter(member::Column::Tombstone.is_null())
        .filter(member::Column::Nik.is_not_null())
        .filter(Expr::cust(format!("{relation} = '1'")))
        .order_by_asc(member::Column::Id)
        .into_tuple::<(Uuid, String)>()
        .all(db)
        .await?;
    let mut out = HashMap::new();
    for (id, nik) in heads {
        out.entry(id).or_insert(nik);
    }
    Ok(out)
}
