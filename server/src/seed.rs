//! Demo and reference data compiled into the binary from `fixtures/`.

use chrono::Utc;
use sea_orm::{DatabaseConnection, TransactionTrait};

use crate::accounts::{self, NewUserError, UserSpec};
use crate::domain::area::AreaCode;
use crate::domain::form::{Form, FormDefinition};
use crate::store::forms::{self, Published};
use crate::store::{StoreError, areas, users};

/// The survey form "Survei Rumah Tangga e-Kemiskinan", version 1.
pub const SURVEY_FORM_V1: &str = include_str!("../../fixtures/forms/survei-rt.v1.json");

/// A small demo region: two kecamatan of Luwu Utara with three desa/kelurahan each.
pub const DEMO_AREAS_CSV: &str = include_str!("../../fixtures/areas/demo.csv");

/// Seeding failed.
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    /// A fixture is malformed (a bug in the fixtures).
    #[error("fixture {0} tidak valid: {1}")]
    Fixture(&'static str, String),
    /// A different form is already published under the same id and version.
    #[error("formulir {0} versi {1} sudah diterbitkan dengan isi berbeda")]
    FormConflict(String, i32),
    /// Creating a demo user failed.
    #[error(transparent)]
    User(#[from] NewUserError),
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The survey form, parsed and checked.
pub fn survey_form() -> Result<FormDefinition, SeedError> {
    let definition: FormDefinition = serde_json::from_str(SURVEY_FORM_V1)
        .map_err(|e| SeedError::Fixture("forms/survei-rt.v1.json", e.to_string()))?;
    Form::new(definition.clone())
        .map_err(|e| SeedError::Fixture("forms/survei-rt.v1.json", e.to_string()))?;
    Ok(definition)
}

/// Publishes the survey form (idempotent).
pub async fn publish_survey_form(db: &DatabaseConnection) -> Result<(), SeedError> {
    let form = survey_form()?;
    match forms::publish(db, &form, Utc::now()).await? {
        Published::Created | Published::Unchanged => Ok(()),
        Published::Conflicting => Err(SeedError::FormConflict(form.id, form.version)),
    }
}

/// Loads the demo areas (idempotent: existing areas are updated). Returns how many.
pub async fn demo_areas(db: &DatabaseConnection) -> Result<usize, SeedError> {
    let now = Utc::now();
    let txn = db.begin().await.map_err(StoreError::from)?;
    let mut count = 0;
    for line in DEMO_AREAS_CSV
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
    {
        let (code, name) = line
            .split_once(',')
            .ok_or_else(|| SeedError::Fixture("areas/demo.csv", format!("baris {line:?}")))?;
        let code = AreaCode::parse(code)
            .map_err(|e| SeedError::Fixture("areas/demo.csv", e.to_string()))?;
        areas::upsert(
            &txn,
            &code,
            name.trim(),
            Some("fixtures/areas/demo.csv"),
            now,
        )
        .await?;
        count += 1;
    }
    txn.commit().await.map_err(StoreError::from)?;
    Ok(count)
}

/// The demo users: one per role. (username, role, areas)
pub const DEMO_USERS: [(&str, &str, &str); 4] = [
    ("demo-tksk", "enumerator", "73.22.01"),
    ("demo-supervisor", "supervisor", "73.22"),
    ("demo-analis", "analyst", "73.22"),
    ("demo-admin", "admin", "73.22"),
];

/// Seeds areas, the form and the demo users (users that exist are left alone). Returns the
/// usernames created.
pub async fn demo(db: &DatabaseConnection, password: &str) -> Result<Vec<String>, SeedError> {
    demo_areas(db).await?;
    publish_survey_form(db).await?;
    let mut created = Vec::new();
    for (username, role, area) in DEMO_USERS {
        if users::find_with_hash(db, username).await?.is_some() {
            continue;
        }
        let areas = [area.to_owned()];
        let spec = UserSpec {
            username,
            display_name: "",
            role,
            areas: &areas,
            password,
        };
        accounts::create_user(db, spec, None, Utc::now()).await?;
        created.push(username.to_owned());
    }
    Ok(created)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_survey_form_fixture_is_a_valid_form_with_about_sixty_questions() {
        let form = survey_form().expect("fixture is valid");
        assert!(
            form.household_fields.len() >= 60,
            "{}",
            form.household_fields.len()
        );
        assert!(form.member_fields.iter().any(|f| f.name == "nik"));
    }
}
