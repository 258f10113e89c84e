//! The review queue: households in the supervisor's areas waiting for a decision, by risk or
//! by age, a page at a time.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;
use sync_protocol::v1::office::AreaRef;
use sync_protocol::v1::{QueueCounts, QueueItem, QueueOrder, QueuePage, ReviewStatus};
use uuid::Uuid;

use super::{ReviewError, may_decide};
use crate::config::ReviewConfig;
use crate::domain::actor::Actor;
use crate::domain::area::AreaCode;
use crate::store::areas;
use crate::store::reviews::{self, QueueAfter, QueueFilter, QueueRow};

/// A queue request, parsed.
#[derive(Debug, Clone)]
pub struct QueueQuery {
    /// Only under this kecamatan or desa.
    pub area: Option<AreaCode>,
    /// Only `pending` or only `resubmitted`.
    pub status: Option<ReviewStatus>,
    /// Only households with a flag of this code.
    pub flag: Option<String>,
    /// Only households waiting longer than `review.due_days`.
    pub overdue: bool,
    /// By risk or by age.
    pub order: QueueOrder,
    /// Where the page starts (a `next_cursor` of the previous page).
    pub cursor: Option<String>,
    /// Households per page.
    pub limit: u32,
}

/// One page of the queue, with the counts under the same filters.
pub async fn queue(
    db: &DatabaseConnection,
    config: &ReviewConfig,
    actor: &Actor,
    query: QueueQuery,
) -> Result<QueuePage, ReviewError> {
    may_decide(actor)?;
    if let Some(area) = &query.area
        && !actor.scope.covers(area.as_str())
    {
        return Err(ReviewError::OutOfScope(format!(
            "wilayah {area} di luar wilayah tugas Anda"
        )));
    }
    let after = match &query.cursor {
        None => match query.order {
            QueueOrder::Risk => QueueAfter::Risk(None),
            QueueOrder::Age => QueueAfter::Age(None),
        },
        Some(text) => decode(text, query.order).ok_or_else(|| {
            ReviewError::Invalid("cursor tidak dikenal; mulai lagi tanpa cursor".to_owned())
        })?,
    };
    let now = Utc::now();
    let overdue_before = now - config.due();
    let filter = QueueFilter {
        scope: &actor.scope,
        area: query.area.as_ref(),
        status: query.status,
        flag: query.flag.as_deref(),
        waiting_before: query.overdue.then_some(overdue_before),
    };
    let limit = usize::try_from(query.limit).unwrap_or(usize::MAX);
    let mut rows = reviews::page(db, &filter, after, u64::from(query.limit) + 1).await?;
    let next_cursor = if rows.len() > limit {
        rows.truncate(limit);
        rows.last().map(|r| encode(r, query.order))
    } else {
        None
    };
    let (pending, resubmitted, overdue) = reviews::counts(db, &filter, overdue_before).await?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let mut flags = reviews::flag_codes(db, &ids).await?;
    let photos = reviews::photo_counts(db, &ids).await?;
    let mut codes: Vec<String> = rows
        .iter()
        .flat_map(|r| [r.area_code.clone(), kecamatan_of(&r.area_code)])
        .collect();
    codes.sort_unstable();
    codes.dedup();
    let code_refs: Vec<&str> = codes.iter().map(String::as_str).collect();
    let names = areas::names(db, &code_refs).await?;
    let area = |code: &str| AreaRef {
        code: code.to_owned(),
        name: names.get(code).cloned().unwrap_or_default(),
    };
    let items = rows
        .into_iter()
        .map(|r| {
            let waited = now.signed_duration_since(r.review_since);
            QueueItem {
                household_id: r.id,
                version: r.version,
                review_status: ReviewStatus::parse(&r.review_status),
                desa: area(&r.area_code),
                kecamatan: Some(area(&kecamatan_of(&r.area_code))),
                head_name: r.head_name,
                risk: r.risk,
                flags: flags.remove(&r.id).unwrap_or_default(),
                photos: photos.get(&r.id).copied().unwrap_or(0),
                waiting_since: r.review_since,
                waiting_days: u32::try_from(waited.num_days().max(0)).unwrap_or(u32::MAX),
                overdue: r.review_since < overdue_before,
            }
        })
        .collect();
    Ok(QueuePage {
        items,
        next_cursor,
        counts: QueueCounts {
            pending,
            resubmitted,
            overdue,
            counted_up_to: reviews::COUNT_CAP,
        },
        due_days: config.due_days,
    })
}

/// The kecamatan code of a desa code (its first three parts).
fn kecamatan_of(desa: &str) -> String {
    desa.split('.').take(3).collect::<Vec<_>>().join(".")
}

/// The cursor after `row`: the order's letter and the row's sort key, base64url. Times travel
/// in nanoseconds, so that no precision a database keeps is lost.
fn encode(row: &QueueRow, order: QueueOrder) -> String {
    let nanos = row.review_since.timestamp_nanos_opt().unwrap_or(0);
    let text = match order {
        QueueOrder::Risk => format!("r:{}:{nanos}:{}", row.risk, row.id),
        QueueOrder::Age => format!("a:{nanos}:{}", row.id),
    };
    URL_SAFE_NO_PAD.encode(text)
}

fn decode(cursor: &str, order: QueueOrder) -> Option<QueueAfter> {
    let text = String::from_utf8(URL_SAFE_NO_PAD.decode(cursor).ok()?).ok()?;
    let parts: Vec<&str> = text.split(':').collect();
    let time = |s: &str| -> Option<DateTime<Utc>> {
        Some(DateTime::from_timestamp_nanos(s.parse().ok()?))
    };
    match (order, parts.as_slice()) {
        (QueueOrder::Risk, ["r", risk, since, id]) => Some(QueueAfter::Risk(Some((
            risk.parse().ok()?,
            time(since)?,
            id.parse().ok()?,
        )))),
        (QueueOrder::Age, ["a", since, id]) => {
            Some(QueueAfter::Age(Some((time(since)?, id.parse().ok()?))))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use chrono::Utc;
    use sync_protocol::v1::QueueOrder;
    use uuid::Uuid;

    use super::{decode, encode};
    use crate::store::reviews::{QueueAfter, QueueRow};

    #[test]
    fn a_cursor_reads_back_as_the_row_it_was_made_after_and_only_in_its_order() {
        let row = QueueRow {
            id: Uuid::new_v4(),
            version: 3,
            review_status: "pending".to_owned(),
            area_code: "73.22.01.2001".to_owned(),
            risk: 55,
            review_since: Utc::now(),
            head_name: None,
        };
        let by_risk = encode(&row, QueueOrder::Risk);
        assert_eq!(
            decode(&by_risk, QueueOrder::Risk),
            Some(QueueAfter::Risk(Some((55, row.review_since, row.id))))
        );
        assert_eq!(decode(&by_risk, QueueOrder::Age), None);
        let by_age = encode(&row, QueueOrder::Age);
        assert_eq!(
            decode(&by_age, QueueOrder::Age),
            Some(QueueAfter::Age(Some((row.review_since, row.id))))
        );
        assert_eq!(decode("bukan-cursor", QueueOrder::Risk), None);
    }
}
