//! Stored rows and domain types as the wire types of the protocol: the one place that maps
//! them, so that the store and the use cases never build `v1` messages themselves.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use sync_protocol::v1::form::FormSummary;
use sync_protocol::v1::map::{
    FeatureCollectionType, FeatureType, Geometry, HouseholdPlaces, Place, PlaceFeature,
};
use sync_protocol::v1::office::{AreaIndicators, ConflictView, CriterionView, HouseholdScore};
use sync_protocol::v1::{
    FamilySnapshot, FieldChange, HouseholdPhoto, HouseholdSnapshot, MemberSnapshot, Person,
    PhotoStatus, Resolution, ReviewCounts, ReviewView, VersionEntry,
};
use uuid::Uuid;

use crate::domain::boundary::Boundary;
use crate::domain::history::ValueChange;
use crate::domain::scoring::{Criterion, Score};
use crate::store::changes::VersionRow;
use crate::store::conflicts::{StoredConflict, StoredResolution};
use crate::store::forms::Listed;
use crate::store::households::Current;
use crate::store::indicators::DesaCounts;
use crate::store::photos::{PhotoPosition, VisitPhoto};
use crate::store::reviews::StoredReview;
use crate::store::scores::verdict_name;
use crate::store::visits::VisitFix;

/// A household as pull and the office send it, with its last decision.
#[must_use]
pub fn snapshot(h: Current, decision: Option<&StoredReview>) -> HouseholdSnapshot {
    HouseholdSnapshot {
        id: h.id,
        area_code: h.area_code,
        form_id: h.form_id,
        form_version: h.form_version,
        version: h.version,
        deleted: h.deleted,
        review_status: h.review,
        review: decision.map(|r| Box::new(review(r))),
        fields: h.fields,
        families: h
            .families
            .into_iter()
            .map(|(id, no_kk)| FamilySnapshot { id, no_kk })
            .collect(),
        members: h
            .members
            .into_iter()
            .map(|m| MemberSnapshot {
                id: m.id,
                family_id: m.family_id,
                fields: m.fields,
                removed: m.removed,
            })
            .collect(),
        updated_at: h.updated_at,
    }
}

/// A decision.
#[must_use]
pub fn review(r: &StoredReview) -> ReviewView {
    ReviewView {
        id: r.id,
        decision: r.decision,
        reason: r.reason,
        note: r.note.clone(),
        field_notes: r.field_notes.clone(),
        version: r.version,
        decided_by: r.reviewer_name.clone(),
        decided_at: r.decided_at,
    }
}

/// The people a list of conflicts names: their authors and whoever settled them.
#[must_use]
pub fn conflict_people(conflicts: &[StoredConflict]) -> Vec<Uuid> {
    let mut ids: Vec<Uuid> = conflicts
        .iter()
        .flat_map(|c| {
            [c.stored.writer.user_id, c.incoming.writer.user_id]
                .into_iter()
                .chain(c.resolution.as_ref().map(|r| r.by))
        })
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// A person, by id and the names known.
fn person(id: Uuid, names: &BTreeMap<Uuid, String>) -> Person {
    Person {
        id,
        name: names.get(&id).cloned().unwrap_or_default(),
    }
}

/// A conflict; `names` holds the names of its two authors and of whoever settled it.
#[must_use]
pub fn conflict(c: StoredConflict, names: &BTreeMap<Uuid, String>) -> ConflictView {
    let stored_by = Some(person(c.stored.writer.user_id, names));
    let incoming_by = Some(person(c.incoming.writer.user_id, names));
    ConflictView {
        id: c.id,
        household_id: c.household_id,
        area_code: c.area_code,
        target: c.target,
        policy: c.policy,
        winner: c.winner,
        base_version: c.base_version,
        stored_value: c.stored_value,
        stored: c.stored,
        incoming_value: c.incoming_value,
        incoming: c.incoming,
        created_at: c.created_at,
        stored_by,
        incoming_by,
        resolution: c.resolution.map(|r| resolution(r, names)),
    }
}

/// How a conflict was settled; `names` holds the name of whoever settled it.
#[must_use]
pub fn resolution(r: StoredResolution, names: &BTreeMap<Uuid, String>) -> Resolution {
    Resolution {
        keep: r.keep,
        value: r.value,
        version: r.version,
        by: person(r.by, names),
        at: r.at,
    }
}

/// One value a version changed.
#[must_use]
pub fn change(c: ValueChange) -> FieldChange {
    FieldChange {
        target: c.target,
        before: c.before,
        after: c.after,
    }
}

/// One household version.
#[must_use]
pub fn version(v: VersionRow) -> VersionEntry {
    VersionEntry {
        version: v.version,
        at: v.at,
        kind: v.kind,
        by: v.by.map(|(id, name)| Person { id, name }),
        changes: v.detail.changes.into_iter().map(change).collect(),
        visit_id: v.detail.visit_id,
        review_id: v.detail.review_id,
        conflict_id: v.detail.conflict_id,
    }
}

/// A boundary as GeoJSON: a `Polygon` when it is one, else a `MultiPolygon`.
#[must_use]
pub fn geometry(boundary: &Boundary) -> Geometry {
    let mut polygons: Vec<Vec<Vec<[f64; 2]>>> = boundary
        .polygons()
        .iter()
        .map(|p| p.rings().to_vec())
        .collect();
    if polygons.len() == 1 {
        Geometry::Polygon {
            coordinates: polygons.remove(0),
        }
    } else {
        Geometry::MultiPolygon {
            coordinates: polygons,
        }
    }
}

/// A published form version, without its questions.
#[must_use]
pub fn form_summary(f: Listed) -> FormSummary {
    FormSummary {
        id: f.id,
        version: f.version,
        title: f.title,
        published_at: f.published_at,
    }
}

/// Where a household was surveyed: its desa's boundary, its visits' fixes, its photos' EXIF
/// positions.
#[must_use]
pub fn places(
    desa: Option<(&str, &Boundary)>,
    fixes: Vec<VisitFix>,
    photos: Vec<PhotoPosition>,
) -> HouseholdPlaces {
    let feature = |geometry, properties| PlaceFeature {
        kind: FeatureType::Feature,
        geometry,
        properties,
    };
    let point = |longitude, latitude| Geometry::Point {
        coordinates: [longitude, latitude],
    };
    let desa = desa.map(|(code, boundary)| {
        feature(
            geometry(boundary),
            Place::Desa {
                code: code.to_owned(),
            },
        )
    });
    let visits = fixes.into_iter().map(|f| {
        feature(
            point(f.longitude, f.latitude),
            Place::Visit {
                visit_id: f.id,
                ended_at: f.ended_at,
                accuracy_m: f.accuracy_m,
                mock: f.mock_location.unwrap_or(false),
            },
        )
    });
    let photos = photos.into_iter().map(|p| {
        feature(
            point(p.longitude, p.latitude),
            Place::Photo {
                visit_id: p.visit_id,
                kind: p.kind,
                sha256: p.sha256,
                taken_at: p.taken_at,
            },
        )
    });
    HouseholdPlaces {
        kind: FeatureCollectionType::FeatureCollection,
        features: desa.into_iter().chain(visits).chain(photos).collect(),
    }
}

/// One area's figures from its counts.
#[must_use]
pub fn area_indicators(code: &str, name: &str, c: &DesaCounts) -> AreaIndicators {
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
        suppressed: false,
    }
}

/// A household's score with the answers that decided each criterion.
#[must_use]
pub fn score(
    household_id: Uuid,
    version: i64,
    score: &Score,
    computed_at: DateTime<Utc>,
) -> HouseholdScore {
    HouseholdScore {
        household_id,
        version,
        met: u32::try_from(score.met).unwrap_or(u32::MAX),
        unknown: u32::try_from(score.unknown).unwrap_or(u32::MAX),
        verdict: verdict_name(score.verdict).to_owned(),
        criteria: score
            .criteria
            .iter()
            .map(|c| CriterionView {
                code: c.criterion.code().to_owned(),
                met: c.met,
                evidence: c.evidence.iter().cloned().collect(),
            })
            .collect(),
        computed_at,
    }
}

/// A photo a visit names, stored or still awaited.
#[must_use]
pub fn household_photo(p: VisitPhoto) -> HouseholdPhoto {
    HouseholdPhoto {
        visit_id: p.visit_id,
        kind: p.kind,
        sha256: p.sha256,
        status: if p.size.is_some() {
            PhotoStatus::Stored
        } else {
            PhotoStatus::Pending
        },
        size: p.size.and_then(|s| u64::try_from(s).ok()),
        visit_ended_at: p.visit_ended_at,
    }
}
