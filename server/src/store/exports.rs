//! Household lists for exports, read a page at a time in id order so that memory does not
//! grow with the number of households.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, ExprTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use super::StoreError;
use super::entities::{family, household, household_score, member, visit_check};

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

/// The households at or below `prefix` after `after` (in id order), at most `limit`.
pub async fn page(
    db: &impl ConnectionTrait,
    prefix: &str,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Vec<ExportRow>, StoreError> {
    let mut query = household::Entity::find()
        .filter(household::Column::Tombstone.is_null())
        .filter(
            household::Column::AreaCode
                .eq(prefix)
                .or(household::Column::AreaCode.starts_with(format!("{prefix}."))),
        )
        .order_by_asc(household::Column::Id)
        .limit(limit);
    if let Some(after) = after {
        query = query.filter(household::Column::Id.gt(after));
    }
    let households = query.all(db).await?;
    if households.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<Uuid> = households.iter().map(|h| h.id).collect();
    let scores: HashMap<Uuid, (i32, String)> = household_score::Entity::find()
        .select_only()
        .columns([
            household_score::Column::HouseholdId,
            household_score::Column::Met,
            household_score::Column::Verdict,
        ])
        .filter(household_score::Column::HouseholdId.is_in(ids.clone()))
        .into_tuple::<(Uuid, i32, String)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(id, met, verdict)| (id, (met, verdict)))
        .collect();
    let mut no_kks = no_kks_of(db, &ids).await?;
    let mut heads = heads_of(db, &ids).await?;
    let risks: HashMap<Uuid, i32> = visit_check::Entity::find()
        .select_only()
        .column(visit_check::Column::HouseholdId)
        .column_as(visit_check::Column::Risk.max(), "risk")
        .filter(visit_check::Column::HouseholdId.is_in(ids))
        .filter(visit_check::Column::Risk.is_not_null())
        .group_by(visit_check::Column::HouseholdId)
        .into_tuple::<(Uuid, i32)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    Ok(households
        .into_iter()
        .map(|h| ExportRow {
            head_name: h
                .fields
                .get("nama_kepala_rumah_tangga")
                .and_then(serde_json::Value::as_str)
                .map(str::to_owned),
            members: h
                .fields
                .get("jumlah_anggota")
                .and_then(serde_json::Value::as_i64),
            head_nik: heads.remove(&h.id),
            no_kks: no_kks.remove(&h.id).unwrap_or_default(),
            score: scores.get(&h.id).cloned(),
            risk: risks.get(&h.id).copied(),
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
    let mut heads: HashMap<Uuid, String> = HashMap::new();
    for (id, nik, fields) in member::Entity::find()
        .select_only()
        .columns([
            member::Column::HouseholdId,
            member::Column::Nik,
            member::Column::Fields,
        ])
        .filter(member::Column::HouseholdId.is_in(ids.iter().copied()))
        .filter(member::Column::Tombstone.is_null())
        .filter(member::Column::Nik.is_not_null())
        .order_by_asc(member::Column::Id)
        .into_tuple::<(Uuid, String, serde_json::Value)>()
        .all(db)
        .await?
    {
        if fields
            .get("hubungan_kepala")
            .and_then(serde_json::Value::as_i64)
            == Some(1)
        {
            heads.entry(id).or_insert(nik);
        }
    }
    Ok(heads)
}
