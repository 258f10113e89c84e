//! `GET /v1/indicators`: administrative indicators per kecamatan or desa, for Dinas Sosial,
//! Bappeda and the supervisors. Aggregates only; any role, inside its own areas.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use chrono::Utc;
use serde::Deserialize;
use sync_protocol::v1::ReviewCounts;
use sync_protocol::v1::office::{AreaIndicators, AreaRef, IndicatorsResponse};
use tracing::instrument;

use super::extract::{ApiQuery, AuthUser};
use crate::domain::scoring::Criterion;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::indicators::DesaCounts;
use crate::store::{areas, indicators};

/// The question.
#[derive(Debug, Deserialize)]
pub struct IndicatorsQuery {
    pub(super) area: String,
    #[serde(default = "desa")]
    pub(super) level: String,
}

fn desa() -> String {
    "desa".to_owned()
}

/// What `poor_share` divides by.
pub const POOR_SHARE_BASIS: &str = "Indikator administratif: rumah tangga yang memenuhi batas \
    kriteria lokal, dibagi rumah tangga yang disurvei dan sudah dapat diputuskan (miskin + \
    tidak miskin). Bukan angka kemiskinan resmi BPS.";

/// `GET /v1/indicators?area=73.22&level=kecamatan|desa`.
#[instrument(skip_all, fields(user.id = %user.actor.id))]
pub async fn get(
    State(app): State<AppState>,
    user: AuthUser,
    ApiQuery(query): ApiQuery<IndicatorsQuery>,
) -> Result<Json<IndicatorsResponse>, ApiError> {
    Ok(Json(compute(&app, &user, query).await?))
}

/// The indicators asked for, inside the user's areas.
pub(super) async fn compute(
    app: &AppState,
    user: &AuthUser,
    query: IndicatorsQuery,
) -> Result<IndicatorsResponse, ApiError> {
    let area = user.area_in_scope(&query.area)?;
    let (levels, depth): (&[&str], usize) = match query.level.as_str() {
        "kecamatan" => (&["kecamatan"], 3),
        "desa" => (&["desa", "kelurahan"], 4),
        other => {
            return Err(ApiError::invalid(format!(
                "level harus kecamatan atau desa, bukan {other:?}"
            )));
        }
    };
    let name = areas::names(&app.db, &[area.as_str()])
        .await?
        .remove(area.as_str())
        .ok_or_else(|| ApiError::not_found(format!("wilayah {area} tidak dikenal")))?;
    let listed = areas::below(&app.db, area.as_str(), levels).await?;
    let overdue_before = Utc::now() - app.config.review.due();
    let counts = indicators::per_desa(&app.db, &area, overdue_before).await?;
    let mut totals: BTreeMap<&str, DesaCounts> = listed
        .iter()
        .map(|(code, _)| (code.as_str(), DesaCounts::default()))
        .collect();
    for (desa, c) in &counts {
        let prefix: String = desa.split('.').take(depth).collect::<Vec<_>>().join(".");
        if let Some(total) = totals.get_mut(prefix.as_str()) {
            add(total, c);
        }
    }
    let areas = listed
        .iter()
        .map(|(code, name)| view(code, name, &totals[code.as_str()]))
        .collect();
    Ok(IndicatorsResponse {
        area: AreaRef {
            code: area.as_str().to_owned(),
            name,
        },
        level: query.level,
        poor_share_basis: POOR_SHARE_BASIS.to_owned(),
        areas,
    })
}

fn add(total: &mut DesaCounts, c: &DesaCounts) {
    total.households += c.households;
    total.approved += c.approved;
    total.pending += c.pending;
    total.resubmitted += c.resubmitted;
    total.returned += c.returned;
    total.rejected += c.rejected;
    total.overdue += c.overdue;
    total.poor += c.poor;
    total.not_poor += c.not_poor;
    for (t, n) in total.criteria.iter_mut().zip(c.criteria) {
        *t += n;
    }
    total.flagged += c.flagged;
    for (code, n) in &c.flags {
        *total.flags.entry(code.clone()).or_default() += n;
    }
}

/// One area's figures from its counts.
fn view(code: &str, name: &str, c: &DesaCounts) -> AreaIndicators {
    let decided = c.poor + c.not_poor;
    #[expect(
        clippy::cast_precision_loss,
        reason = "household counts far below 2^52"
    )]
    let poor_share = (decided > 0).then(|| c.poor as f64 / decided as f64);
    AreaIndicators {
        code: code.to_owned(),
        name: name.to_owned(),
        households_surveyed: c.households,
        households_approved: c.approved,
        poor: c.poor,
        not_poor: c.not_poor,
        undetermined: c.households.saturating_sub(decided),
        poor_share,
        criteria_met: Criterion::ALL
            .iter()
            .zip(c.criteria)
            .map(|(k, n)| (k.code().to_owned(), n))
            .collect(),
        households_flagged: c.flagged,
        flags: c.flags.clone(),
        review: ReviewCounts {
            pending: c.pending,
            resubmitted: c.resubmitted,
            approved: c.approved,
            returned: c.returned,
            rejected: c.rejected,
            overdue: c.overdue,
        },
    }
}
