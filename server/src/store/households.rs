//! Households, the merged record, and their snapshots for pull.

use std::collections::HashMap;
use std::fmt::Write;

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, FromQueryResult, QueryFilter, QueryOrder,
    QuerySelect, Statement, Value,
};
use sync_protocol::merge::{Record, Stamp};
use sync_protocol::v1::ReviewStatus;
use uuid::Uuid;

use super::batch::WriteBatch;
use super::entities::{family, household, member};
use super::{StoreError, from_json, json_text, json_text_or_null, stamps_from_json, stamps_text};

/// A household as the merge rules see it.
#[derive(Debug, Clone, PartialEq)]
pub struct HouseholdRow {
    /// Id, made on the phone.
    pub id: Uuid,
    /// Desa/kelurahan code.
    pub area_code: String,
    /// Who last set the area, at which version.
    pub area_stamp: Option<Stamp>,
    /// Form id.
    pub form_id: String,
    /// Form version.
    pub form_version: i32,
    /// Current version.
    pub version: i64,
    /// Answers, their stamps, and the soft-delete tombstone. With [`Load::Head`] only the
    /// tombstone is loaded.
    pub record: Record,
    /// Whether `record.fields` and `record.stamps` were loaded.
    pub answers_loaded: bool,
    /// Where it stands in review. Set by the server only, never through push.
    pub review: ReviewStatus,
    /// Its current decision, if a supervisor decided on it.
    pub review_id: Option<Uuid>,
}

/// Which columns to load. Member, family and visit mutations need only the head; the answers
/// (sixty fields and their stamps) are read only when they are merged or checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Load {
    /// Everything but the answers and their stamps.
    Head,
    /// Everything.
    Full,
}

/// Which groups of columns a mutation changed; the version and `updated_at` always change.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[expect(
    clippy::struct_excessive_bools,
    reason = "independent column groups, each written or not"
)]
pub struct Dirty {
    /// Answers and their stamps.
    pub answers: bool,
    /// The soft-delete tombstone.
    pub tombstone: bool,
    /// The area and its stamp.
    pub area: bool,
    /// The review status (and the decision, and since when it holds).
    pub review: bool,
}

#[derive(Debug, FromQueryResult)]
struct Head {
    id: Uuid,
    area_code: String,
    area_stamp: Option<serde_json::Value>,
    form_id: String,
    form_version: i32,
    version: i64,
    tombstone: Option<serde_json::Value>,
    review_status: String,
    review_id: Option<Uuid>,
}

fn from_head(
    h: Head,
    fields: Option<(serde_json::Value, serde_json::Value)>,
) -> Result<HouseholdRow, StoreError> {
    let answers_loaded = fields.is_some();
    let (fields, stamps) = match fields {
        Some((fields, stamps)) => (
            from_json(fields, "household.fields")?,
            stamps_from_json(stamps, "household.stamps")?,
        ),
        None => Default::default(),
    };
    Ok(HouseholdRow {
        id: h.id,
        area_code: h.area_code,
        area_stamp: h
            .area_stamp
            .map(|s| from_json(s, "household.area_stamp"))
            .transpose()?,
        form_id: h.form_id,
        form_version: h.form_version,
        version: h.version,
        record: Record {
            fields,
            stamps,
            tombstone: h
                .tombstone
                .map(|t| from_json(t, "household.tombstone"))
                .transpose()?,
        },
        answers_loaded,
        review: ReviewStatus::parse(&h.review_status),
        review_id: h.review_id,
    })
}

fn to_row(m: household::Model) -> Result<HouseholdRow, StoreError> {
    let head = Head {
        id: m.id,
        area_code: m.area_code,
        area_stamp: m.area_stamp,
        form_id: m.form_id,
        form_version: m.form_version,
        version: m.version,
        tombstone: m.tombstone,
        review_status: m.review_status,
        review_id: m.review_id,
    };
    from_head(head, Some((m.fields, m.stamps)))
}

async fn load(
    db: &impl ConnectionTrait,
    id: Uuid,
    load: Load,
    lock: bool,
) -> Result<Option<HouseholdRow>, StoreError> {
    match load {
        Load::Full => {
            let mut query = household::Entity::find_by_id(id);
            if lock {
                query = query.lock_exclusive();
            }
            query.one(db).await?.map(to_row).transpose()
        }
        Load::Head => {
            // Most pushes read this: written out once (see `devices`).
            const HEAD: &str = "SELECT id, area_code, area_stamp, form_id, form_version, version, \
                tombstone, review_status, review_id FROM household WHERE id = $1";
            let backend = db.get_database_backend();
            let mut sql = HEAD.to_owned();
            // SQLite has no row locks: its transaction holds the database's write lock.
            if lock && backend == DbBackend::Postgres {
                sql.push_str(" FOR UPDATE");
            }
            let statement = Statement::from_sql_and_values(backend, sql, [id.into()]);
            let head = Head::find_by_statement(statement).one(db).await?;
            head.map(|h| from_head(h, None)).transpose()
        }
    }
}

/// Loads a household and locks its row until the transaction ends (PostgreSQL). On SQLite the
/// transaction already holds the database's write lock.
pub async fn lock(
    db: &impl ConnectionTrait,
    id: Uuid,
    what: Load,
) -> Result<Option<HouseholdRow>, StoreError> {
    load(db, id, what, true).await
}

/// Loads a household without locking.
pub async fn find(
    db: &impl ConnectionTrait,
    id: Uuid,
    what: Load,
) -> Result<Option<HouseholdRow>, StoreError> {
    load(db, id, what, false).await
}

/// Inserts a new household unless one with its id exists. Returns whether it was inserted.
pub async fn insert(
    db: &impl ConnectionTrait,
    row: &HouseholdRow,
    created_by: Uuid,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    // Every survey starts with one: written out once (see `devices`).
    const INSERT: &str = "INSERT INTO household (id, area_code, area_stamp, form_id, form_version, \
        version, fields, stamps, tombstone, review_status, created_by, created_at, updated_at, \
        review_since) \
        VALUES ($1, $2, $3::json, $4, $5, $6, $7::jsonb, $8::json, $9::json, $10, $11, $12, $12, \
        $12) \
        ON CONFLICT (id) DO NOTHING";
    let statement = super::statement(
        db.get_database_backend(),
        INSERT,
        [
            row.id.into(),
            row.area_code.as_str().into(),
            json_text_or_null(row.area_stamp.as_ref()),
            row.form_id.as_str().into(),
            row.form_version.into(),
            row.version.into(),
            json_text(&row.record.fields),
            stamps_text(&row.record.stamps),
            json_text_or_null(row.record.tombstone.as_ref()),
            row.review.as_str().into(),
            created_by.into(),
            now.into(),
        ],
    );
    Ok(db.execute_raw(statement).await?.rows_affected() > 0)
}

/// Queues the write of the version, `updated_at`, and the column groups marked dirty.
pub fn save(
    batch: &mut WriteBatch,
    row: &HouseholdRow,
    dirty: Dirty,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    // Every mutation ends with one: the SQL is assembled here rather than by sea-query (see
    // `devices`). At most sixteen texts, one per combination of groups.
    let mut sql = String::from("UPDATE household SET version = $1, updated_at = $2");
    let mut values: Vec<Value> = vec![row.version.into(), now.into()];
    // `cast` as `sql` explains: "::json", "::jsonb" or nothing.
    let mut set = |column: &str, value: Value, cast: &str| {
        values.push(value);
        write!(sql, ", {column} = ${}{cast}", values.len())
            .expect("writing to a String cannot fail");
    };
    if dirty.answers {
        if !row.answers_loaded {
            return Err(StoreError::Corrupt(format!(
                "bug: answers of {} changed without being loaded",
                row.id
            )));
        }
        set("fields", json_text(&row.record.fields), "::jsonb");
        set("stamps", stamps_text(&row.record.stamps), "::json");
    }
    if dirty.tombstone {
        set(
            "tombstone",
            json_text_or_null(row.record.tombstone.as_ref()),
            "::json",
        );
    }
    if dirty.area {
        set("area_code", row.area_code.as_str().into(), "");
        set(
            "area_stamp",
            json_text_or_null(row.area_stamp.as_ref()),
            "::json",
        );
    }
    if dirty.review {
        set("review_status", row.review.as_str().into(), "");
        set("review_id", row.review_id.into(), "");
        set("review_since", now.into(), "");
    }
    values.push(row.id.into());
    write!(sql, " WHERE id = ${}", values.len()).expect("writing to a String cannot fail");
    batch.push_sql(&sql, values);
    Ok(())
}

/// The newest stamp written after `base` by another device in anything the household owns
/// (its members and families). The household's own record is checked by the caller.
pub async fn owned_concurrent_stamp(
    db: &impl ConnectionTrait,
    household_id: Uuid,
    base: i64,
    device: Uuid,
) -> Result<Option<Stamp>, StoreError> {
    let members = member::Entity::find()
        .filter(member::Column::HouseholdId.eq(household_id))
        .all(db)
        .await?;
    let families = family::Entity::find()
        .filter(family::Column::HouseholdId.eq(household_id))
        .all(db)
        .await?;
    let mut newest: Option<Stamp> = None;
    let mut consider = |stamp: Option<&Stamp>| {
        if let Some(s) = stamp.filter(|s| s.version > base && s.writer.device_id != device)
            && newest.as_ref().is_none_or(|n| s.version > n.version)
        {
            newest = Some(s.clone());
        }
    };
    for m in members {
        let record = Record {
            fields: sync_protocol::v1::Fields::new(),
            stamps: stamps_from_json(m.stamps, "member.stamps")?,
            tombstone: m
                .tombstone
                .map(|t| from_json(t, "member.tombstone"))
                .transpose()?,
        };
        consider(record.concurrent_stamp(base, device));
    }
    for f in families {
        let stamp: Option<Stamp> = f
            .no_kk_stamp
            .map(|s| from_json(s, "family.no_kk_stamp"))
            .transpose()?;
        consider(stamp.as_ref());
    }
    Ok(newest)
}

/// Whether `user` wrote a value the household holds now: one of its answers (loaded with
/// [`Load::Full`]), its area, its delete, or an answer, removal or No KK of its members and
/// families. A supervisor who did may not approve it (four eyes).
pub async fn written_by(
    db: &impl ConnectionTrait,
    row: &HouseholdRow,
    user: Uuid,
) -> Result<bool, StoreError> {
    let by = |s: &Stamp| s.writer.user_id == user;
    if !row.answers_loaded {
        return Err(StoreError::Corrupt(format!(
            "bug: authorship of {} asked without its answers",
            row.id
        )));
    }
    if row.record.stamps.values().any(by)
        || row.area_stamp.iter().any(by)
        || row.record.tombstone.iter().any(by)
    {
        return Ok(true);
    }
    let members = member::Entity::find()
        .filter(member::Column::HouseholdId.eq(row.id))
        .all(db)
        .await?;
    for m in members {
        let stamps = stamps_from_json(m.stamps, "member.stamps")?;
        let tombstone: Option<Stamp> = m
            .tombstone
            .map(|t| from_json(t, "member.tombstone"))
            .transpose()?;
        if stamps.values().any(by) || tombstone.iter().any(by) {
            return Ok(true);
        }
    }
    let families = family::Entity::find()
        .filter(family::Column::HouseholdId.eq(row.id))
        .all(db)
        .await?;
    for f in families {
        let stamp: Option<Stamp> = f
            .no_kk_stamp
            .map(|s| from_json(s, "family.no_kk_stamp"))
            .transpose()?;
        if stamp.iter().any(by) {
            return Ok(true);
        }
    }
    Ok(false)
}

/// A household as pull and the office read it: its current state, families and members.
#[derive(Debug, Clone, PartialEq)]
pub struct Current {
    /// Id.
    pub id: Uuid,
    /// Desa/kelurahan code.
    pub area_code: String,
    /// Form id.
    pub form_id: String,
    /// Form version.
    pub form_version: i32,
    /// Current version.
    pub version: i64,
    /// Soft-deleted.
    pub deleted: bool,
    /// Review status.
    pub review: ReviewStatus,
    /// Answers.
    pub fields: sync_protocol::v1::Fields,
    /// Families: id and current No KK, oldest first.
    pub families: Vec<(Uuid, Option<String>)>,
    /// Members, removed ones included, oldest first.
    pub members: Vec<CurrentMember>,
    /// When the server last changed it.
    pub updated_at: DateTime<Utc>,
}

/// A member as [`Current`] holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct CurrentMember {
    /// Id.
    pub id: Uuid,
    /// The family (KK) the member is listed on.
    pub family_id: Option<Uuid>,
    /// Answers.
    pub fields: sync_protocol::v1::Fields,
    /// Soft-removed.
    pub removed: bool,
}

/// The current state of the given households, with members and families (three queries).
pub async fn current(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, Current>, StoreError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let households = household::Entity::find()
        .filter(household::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    let families = family::Entity::find()
        .filter(family::Column::HouseholdId.is_in(ids.iter().copied()))
        .order_by_asc(family::Column::CreatedAt)
        .order_by_asc(family::Column::Id)
        .all(db)
        .await?;
    let members = member::Entity::find()
        .filter(member::Column::HouseholdId.is_in(ids.iter().copied()))
        .order_by_asc(member::Column::CreatedAt)
        .order_by_asc(member::Column::Id)
        .all(db)
        .await?;
    let mut out = HashMap::with_capacity(households.len());
    for h in households {
        out.insert(
            h.id,
            Current {
                id: h.id,
                area_code: h.area_code,
                form_id: h.form_id,
                form_version: h.form_version,
                version: h.version,
                deleted: h.tombstone.is_some(),
                review: ReviewStatus::parse(&h.review_status),
                fields: from_json(h.fields, "household.fields")?,
                families: Vec::new(),
                members: Vec::new(),
                updated_at: h.updated_at,
            },
        );
    }
    for f in families {
        if let Some(c) = out.get_mut(&f.household_id) {
            c.families.push((f.id, f.no_kk));
        }
    }
    for m in members {
        if let Some(c) = out.get_mut(&m.household_id) {
            c.members.push(CurrentMember {
                id: m.id,
                family_id: m.family_id,
                fields: from_json(m.fields, "member.fields")?,
                removed: m.tombstone.is_some(),
            });
        }
    }
    Ok(out)
}

/// The desa of these households, by id (ids not stored are left out).
pub async fn area_codes(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> Result<std::collections::HashMap<Uuid, String>, StoreError> {
    Ok(household::Entity::find()
        .select_only()
        .columns([household::Column::Id, household::Column::AreaCode])
        .filter(household::Column::Id.is_in(ids.iter().copied()))
        .into_tuple::<(Uuid, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}
