//! Demo and reference data compiled into the binary from `fixtures/`.

use chrono::Utc;
use sea_orm::DatabaseConnection;

use crate::accounts::{self, NewUserError, UserSpec};
use crate::areas::{self, AreaFile, ImportError};
use crate::domain::form::{Form, FormDefinition};
use crate::store::forms::{self, Published};
use crate::store::{StoreError, users};

/// The survey form "Survei Rumah Tangga e-Kemiskinan", version 1.
pub const SURVEY_FORM_V1: &str = include_str!("../../fixtures/forms/survei-rt.v1.json");

/// The province and kabupaten of the demo region (codes without boundaries).
pub const DEMO_AREAS_CSV: &str = include_str!("../../fixtures/areas/demo.csv");

/// A small demo region: two kecamatan of Luwu Utara with three desa/kelurahan each. Real
/// codes and names; the boundaries are simple rectangles drawn for the demo, not the
/// official ones.
pub const DEMO_AREAS_GEOJSON: &str = include_str!("../../fixtures/areas/demo.geojson");

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

/// Loads the demo areas through the same import as `ekemiskinan areas import` (idempotent:
/// existing areas are updated). Returns how many.
pub async fn demo_areas(db: &DatabaseConnection) -> Result<usize, SeedError> {
    let files = [
        AreaFile {
            name: "fixtures/areas/demo.csv".to_owned(),
            bytes: DEMO_AREAS_CSV.as_bytes().to_vec(),
        },
        AreaFile {
            name: "fixtures/areas/demo.geojson".to_owned(),
            bytes: DEMO_AREAS_GEOJSON.as_bytes().to_vec(),
        },
    ];
    let summary = areas::import(db, &files, |_, _| {})
        .await
        .map_err(|e| match e {
            ImportError::Invalid(_) => SeedError::Fixture("areas/demo.*", e.to_string()),
            ImportError::Store(e) => SeedError::Store(e),
        })?;
    Ok(summary.created + summary.updated)
}

/// The demo users: one per role. (username, name shown to people, role, area)
pub const DEMO_USERS: [(&str, &str, &str, &str); 4] = [
    (
        "demo-tksk",
        "Andi (TKSK Malangke)",
        "enumerator",
        "73.22.01",
    ),
    (
        "demo-supervisor",
        "Sitti (Supervisor Dinsos)",
        "supervisor",
        "73.22",
    ),
    ("demo-analis", "Rahmat (Analis Bappeda)", "analyst", "73.22"),
    ("demo-admin", "Admin Dinsos", "admin", "73.22"),
];

/// Seeds areas, the form and the demo users (users that exist are left alone). Returns the
/// usernames created.
pub async fn demo(db: &DatabaseConnection, password: &str) -> Result<Vec<String>, SeedError> {
    demo_areas(db).await?;
    publish_survey_form(db).await?;
    let mut created = Vec::new();
    for (username, display_name, role, area) in DEMO_USERS {
        if users::find_with_hash(db, username).await?.is_some() {
            continue;
        }
        let areas = [area.to_owned()];
        let spec = UserSpec {
            username,
            display_name,
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
