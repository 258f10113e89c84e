//! Realistic survey data generated from the survey form itself, so it always fits the form.

use std::sync::LazyLock;

use chrono::{Duration, Utc};
use ekemiskinan::domain::form::{FieldDef, FieldKind, FormDefinition};
use rand::Rng;
use serde_json::{Value, json};
use sync_protocol::v1::{
    AddMember, CreateHousehold, Fields, GpsFix, Op, PhotoRef, PutFamily, RecordVisit,
};
use uuid::Uuid;

/// Desa Pattimang, kecamatan Malangke.
pub const PATTIMANG: &str = "73.22.01.2001";
/// Desa Malangke, kecamatan Malangke.
pub const MALANGKE: &str = "73.22.01.2002";
/// Kelurahan Bone Bone, kecamatan Bone Bone.
pub const BONE_BONE: &str = "73.22.02.1001";
/// Kecamatan Malangke.
pub const KEC_MALANGKE: &str = "73.22.01";
/// Kecamatan Bone Bone.
pub const KEC_BONE_BONE: &str = "73.22.02";
/// Kabupaten Luwu Utara.
pub const LUWU_UTARA: &str = "73.22";

/// The survey form fixture (parsed once).
#[must_use]
pub fn form() -> &'static FormDefinition {
    static FORM: LazyLock<FormDefinition> =
        LazyLock::new(|| ekemiskinan::seed::survey_form().expect("survey form fixture is valid"));
    &FORM
}

fn value_for(def: &FieldDef, rng: &mut impl Rng) -> Value {
    match &def.kind {
        FieldKind::Text { max_length, digits } => {
            if let Some(n) = digits {
                Value::String(
                    (0..*n)
                        .map(|_| char::from(b'0' + rng.random_range(0..10u8)))
                        .collect(),
                )
            } else {
                let words = [
                    "Jl. Poros Malangke",
                    "Dusun Tengah",
                    "Lorong Masjid",
                    "Dekat sekolah",
                ];
                let s = format!(
                    "{} {}",
                    words[rng.random_range(0..words.len())],
                    rng.random_range(1..200)
                );
                Value::String(s.chars().take(*max_length).collect())
            }
        }
        FieldKind::Integer { min, max } => {
            let lo = min.unwrap_or(0);
            let hi = max.unwrap_or(1000).min(lo + 1000);
            json!(rng.random_range(lo..=hi))
        }
        FieldKind::Decimal { min, max } => {
            let lo = min.unwrap_or(0.0);
            let hi = max.unwrap_or(1000.0).min(lo + 500.0);
            json!((rng.random_range(lo..=hi) * 10.0).round() / 10.0)
        }
        FieldKind::Select { choices } => json!(choices[rng.random_range(0..choices.len())].code),
        FieldKind::MultiSelect { choices } => {
            let picked: Vec<i64> = choices
                .iter()
                .filter(|_| rng.random_bool(0.1))
                .map(|c| c.code)
                .collect();
            json!(picked)
        }
        FieldKind::Date => {
            let days = rng.random_range(0..365 * 80);
            json!(
                (Utc::now() - Duration::days(days))
                    .format("%Y-%m-%d")
                    .to_string()
            )
        }
        FieldKind::Boolean => json!(rng.random_bool(0.5)),
    }
}

/// A complete set of household answers (every question answered, supervisor fields aside).
#[must_use]
pub fn household_answers(rng: &mut impl Rng) -> Fields {
    form()
        .household_fields
        .iter()
        .filter(|f| f.owner == ekemiskinan::domain::form::FieldOwner::Answer)
        .map(|f| (f.name.clone(), value_for(f, rng)))
        .collect()
}

/// A complete set of member answers.
#[must_use]
pub fn member_answers(rng: &mut impl Rng) -> Fields {
    form()
        .member_fields
        .iter()
        .map(|f| (f.name.clone(), value_for(f, rng)))
        .collect()
}

/// `create_household` with complete answers.
#[must_use]
pub fn create_household(id: Uuid, area: &str, rng: &mut impl Rng) -> Op {
    Op::CreateHousehold(CreateHousehold {
        household_id: id,
        area_code: area.to_owned(),
        form_id: "survei-rt".to_owned(),
        form_version: 1,
        fields: household_answers(rng),
    })
}

/// A whole first visit as a phone records it: the household, one family, `members` members and
/// the visit with GPS and photos.
#[must_use]
pub fn survey(area: &str, members: usize, rng: &mut impl Rng) -> (Uuid, Vec<Op>) {
    let household_id = Uuid::new_v4();
    let family_id = Uuid::new_v4();
    let mut ops = vec![create_household(household_id, area, rng)];
    let no_kk: String = format!("7322{:012}", rng.random_range(0..1_000_000_000_000u64));
    ops.push(Op::PutFamily(PutFamily {
        household_id,
        family_id,
        base_version: 0,
        no_kk: Some(no_kk),
    }));
    for _ in 0..members {
        ops.push(Op::AddMember(AddMember {
            household_id,
            member_id: Uuid::new_v4(),
            base_version: 0,
            family_id: Some(family_id),
            fields: member_answers(rng),
        }));
    }
    let ended = Utc::now();
    let answers = match &ops[0] {
        Op::CreateHousehold(c) => c.fields.clone(),
        _ => Fields::new(),
    };
    ops.push(Op::RecordVisit(RecordVisit {
        visit_id: Uuid::new_v4(),
        household_id,
        form_id: "survei-rt".to_owned(),
        form_version: 1,
        started_at: ended - Duration::minutes(35),
        ended_at: ended,
        answers,
        gps: Some(GpsFix {
            latitude: -2.80 + rng.random_range(-0.01..0.01),
            longitude: 120.40 + rng.random_range(-0.01..0.01),
            accuracy_m: rng.random_range(3.0..25.0),
            mock: false,
            fixed_at: Some(ended - Duration::minutes(30)),
        }),
        photos: ["tampak_depan", "lantai", "dinding", "atap"]
            .iter()
            .map(|kind| PhotoRef {
                sha256: format!("{:064x}", rng.random::<u128>()),
                kind: (*kind).to_owned(),
            })
            .collect(),
    }));
    (household_id, ops)
}
