//! Household lists for exports, read a page at a time in id order so that memory does not
//! grow with the number of households.

use chrono::{DateTime, Utc};
use sea_orm::{
    ConnectionTrait, DbBackend, EntityTrait, FromQueryResult, QueryFilter, QueryOrder, QuerySelect,
    Statement,
};
use uuid::Uuid;

use super::StoreError;
use super::entities::household;
use crate::domain::area::AreaCode;

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
pub(crate) fn json_field_text(backend: DbBackend, column: &str, key: &str) -> String {
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
    no_kks: Option<String>,
    head_nik: Option<String>,
}

/// The desa (codes) at or below `area` that have households, in code order.
pub async fn desa_codes(
    db: &impl ConnectionTrait,
    area: &AreaCode,
) -> Result<Vec<String>, StoreError> {
    Ok(household::Entity::find()
        .select_only()
        .column(household::Column::AreaCode)
        .distinct()
        .filter(super::area_under(household::Column::AreaCode, area))
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
    // Everything else comes from correlated subqueries, each an index probe per household:
    // joins here let the planner merge-join whole tables from their start on every page.
    let no_kks = match backend {
        DbBackend::Postgres => "(SELECT string_agg(f.no_kk, ';' ORDER BY f.no_kk) FROM family f \
             WHERE f.household_id = h.id AND f.no_kk IS NOT NULL)"
            .to_owned(),
        _ => "(SELECT group_concat(no_kk, ';') FROM (SELECT f.no_kk FROM family f \
             WHERE f.household_id = h.id AND f.no_kk IS NOT NULL ORDER BY f.no_kk))"
            .to_owned(),
    };
    let sql = format!(
        "SELECT h.id, h.area_code, {name} AS head_name, {members} AS members, h.review_status, \
           h.updated_at, \
           (SELECT s.met FROM household_score s WHERE s.household_id = h.id) AS met, \
           (SELECT s.verdict FROM household_score s WHERE s.household_id = h.id) AS verdict, \
           (SELECT MAX(c.risk) FROM visit_check c WHERE c.household_id = h.id) AS risk, \
           {no_kks} AS no_kks, \
           (SELECT m.nik FROM member m WHERE m.household_id = h.id AND m.tombstone IS NULL \
              AND m.nik IS NOT NULL AND {relation} = '1' ORDER BY m.id LIMIT 1) AS head_nik \
         FROM household h \
         WHERE h.area_code = {p1} {after_clause} AND h.tombstone IS NULL \
         ORDER BY h.id LIMIT {limit}",
        name = json_field_text(backend, "h.fields", "nama_kepala_rumah_tangga"),
        members = json_field_text(backend, "h.fields", "jumlah_anggota"),
        relation = json_field_text(backend, "m.fields", "hubungan_kepala"),
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
    Ok(households
        .into_iter()
        .map(|h| ExportRow {
            head_nik: h.head_nik,
            no_kks: h
                .no_kks
                .map(|list| list.split(';').map(str::to_owned).collect())
                .unwrap_or_default(),
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
