//! Survey form definitions as published (`GET /v1/forms/{id}/{version}`, the JSON in
//! `fixtures/forms/`): sections of questions with their types, choices and constraints, and the
//! photos a survey asks for. The server validates answers against them; the phone renders them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A form definition as published (the JSON in `fixtures/forms/`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct FormDefinition {
    /// Stable form id, e.g. `survei-rt`.
    pub id: String,
    /// Version number, increasing.
    pub version: i32,
    /// Title shown to people.
    pub title: String,
    /// Household-level questions.
    pub household_fields: Vec<FieldDef>,
    /// Questions asked about each member.
    pub member_fields: Vec<FieldDef>,
    /// Photos the survey asks for.
    #[serde(default)]
    pub photos: Vec<PhotoDef>,
}

/// One question. (No `deny_unknown_fields`: serde does not support it with `flatten`.)
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", ts(optional_fields = nullable))]
pub struct FieldDef {
    /// Machine name, `[a-z0-9_]`.
    pub name: String,
    /// Question text.
    pub label: String,
    /// Section of the form (lokasi, perumahan, aset…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub section: Option<String>,
    /// Type and constraints.
    #[serde(flatten)]
    pub kind: FieldKind,
    /// Must be answered in a complete visit.
    #[serde(default)]
    pub required: bool,
    /// Who owns the answer when two people disagree.
    #[serde(default)]
    pub owner: FieldOwner,
}

/// Who owns a field's value in a conflict.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FieldOwner {
    /// An ordinary answer: last writer (in server order) wins.
    #[default]
    Answer,
    /// Set by supervisors: a field worker does not overwrite a supervisor's value.
    Supervisor,
}

/// A question's type and constraints.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FieldKind {
    /// Free text.
    Text {
        /// Longest accepted answer, in characters.
        #[serde(default = "default_max_length")]
        max_length: usize,
        /// When set, the answer must be exactly this many digits (NIK, No KK: 16).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        digits: Option<usize>,
    },
    /// A whole number.
    Integer {
        /// Smallest accepted value.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<i64>,
        /// Largest accepted value.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<i64>,
    },
    /// A number with decimals.
    Decimal {
        /// Smallest accepted value.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<f64>,
        /// Largest accepted value.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<f64>,
    },
    /// One of the choices, answered with its code.
    Select {
        /// The choices with their national answer codes.
        choices: Vec<Choice>,
    },
    /// Any number of the choices, answered with an array of codes.
    MultiSelect {
        /// The choices with their national answer codes.
        choices: Vec<Choice>,
    },
    /// A calendar date, `YYYY-MM-DD`.
    Date,
    /// Yes or no.
    Boolean,
}

/// 500 characters.
fn default_max_length() -> usize {
    500
}

/// One answer choice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct Choice {
    /// National answer code.
    pub code: i64,
    /// Text shown to people.
    pub label: String,
}

/// A photo the survey asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct PhotoDef {
    /// Photo kind, e.g. `tampak_depan`.
    pub kind: String,
    /// Text shown to people.
    pub label: String,
    /// Must be taken in a complete visit.
    #[serde(default)]
    pub required: bool,
}

/// A published form, without its questions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FormSummary {
    /// Stable form id, e.g. `survei-rt`.
    pub id: String,
    /// Its newest published version.
    pub version: i32,
    /// Title shown to people.
    pub title: String,
    /// When that version was published.
    pub published_at: DateTime<Utc>,
}

/// `GET /v1/forms`: the newest published version of every form, by id; new surveys use it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FormList {
    /// The forms.
    pub forms: Vec<FormSummary>,
}
