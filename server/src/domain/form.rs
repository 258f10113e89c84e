//! Survey forms: versioned definitions and the validation of answers against them.
//!
//! A published (id, version) never changes; answers are checked against the version the phone
//! used. Validation returns every problem at once, field by field, so a phone can show them all.

use std::collections::HashMap;

use serde_json::Value;
use sync_protocol::merge::FieldPolicy;
pub use sync_protocol::v1::form::{
    Choice, FieldDef, FieldKind, FieldOwner, FormDefinition, PhotoDef,
};
use sync_protocol::v1::{FieldError, FieldErrorCode, Fields};

/// A definition that cannot be published.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("definisi formulir tidak valid: {0}")]
pub struct InvalidForm(pub String);

/// A published form, indexed for validation.
#[derive(Debug, Clone)]
pub struct Form {
    definition: FormDefinition,
    household: HashMap<String, usize>,
    member: HashMap<String, usize>,
}

impl Form {
    /// Checks a definition and indexes it.
    pub fn new(definition: FormDefinition) -> Result<Self, InvalidForm> {
        let household = index(&definition.household_fields, "household_fields")?;
        let member = index(&definition.member_fields, "member_fields")?;
        if definition.version < 1 {
            return Err(InvalidForm("version harus 1 atau lebih".into()));
        }
        Ok(Self {
            definition,
            household,
            member,
        })
    }

    /// The definition as published.
    #[must_use]
    pub fn definition(&self) -> &FormDefinition {
        &self.definition
    }

    /// Checks household answers. With `complete`, required questions must be answered.
    #[must_use]
    pub fn check_household(
        &self,
        fields: &Fields,
        prefix: &str,
        complete: bool,
    ) -> Vec<FieldError> {
        check(
            &self.definition.household_fields,
            &self.household,
            fields,
            prefix,
            complete,
        )
    }

    /// Checks member answers. With `complete`, required questions must be answered.
    #[must_use]
    pub fn check_member(&self, fields: &Fields, prefix: &str, complete: bool) -> Vec<FieldError> {
        check(
            &self.definition.member_fields,
            &self.member,
            fields,
            prefix,
            complete,
        )
    }

    /// Whether the form has a household question named `name`.
    #[must_use]
    pub fn has_household_field(&self, name: &str) -> bool {
        self.household.contains_key(name)
    }

    /// Whether the form has a member question named `name`.
    #[must_use]
    pub fn has_member_field(&self, name: &str) -> bool {
        self.member.contains_key(name)
    }

    /// The household answers in `fields` that the form gives to supervisors, as errors:
    /// field workers may not write them.
    #[must_use]
    pub fn supervisor_household_fields(&self, fields: &Fields, prefix: &str) -> Vec<FieldError> {
        owned_by_supervisor(
            &self.definition.household_fields,
            &self.household,
            fields,
            prefix,
        )
    }

    /// The member answers in `fields` that the form gives to supervisors, as errors.
    #[must_use]
    pub fn supervisor_member_fields(&self, fields: &Fields, prefix: &str) -> Vec<FieldError> {
        owned_by_supervisor(&self.definition.member_fields, &self.member, fields, prefix)
    }

    /// The conflict policy of a household field.
    #[must_use]
    pub fn household_policy(&self, name: &str) -> FieldPolicy {
        policy(&self.definition.household_fields, &self.household, name)
    }

    /// The conflict policy of a member field.
    #[must_use]
    pub fn member_policy(&self, name: &str) -> FieldPolicy {
        policy(&self.definition.member_fields, &self.member, name)
    }
}

fn index(fields: &[FieldDef], what: &str) -> Result<HashMap<String, usize>, InvalidForm> {
    let mut map = HashMap::new();
    for (i, f) in fields.iter().enumerate() {
        let valid_name = !f.name.is_empty()
            && f.name.len() <= 64
            && f.name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if !valid_name {
            return Err(InvalidForm(format!(
                "{what}: nama field {:?} tidak valid",
                f.name
            )));
        }
        if let FieldKind::Select { choices } | FieldKind::MultiSelect { choices } = &f.kind
            && choices.is_empty()
        {
            return Err(InvalidForm(format!("{what}.{}: pilihan kosong", f.name)));
        }
        if map.insert(f.name.clone(), i).is_some() {
            return Err(InvalidForm(format!("{what}: field {:?} ganda", f.name)));
        }
    }
    Ok(map)
}

fn policy(defs: &[FieldDef], index: &HashMap<String, usize>, name: &str) -> FieldPolicy {
    match index.get(name).map(|&i| defs[i].owner) {
        Some(FieldOwner::Supervisor) => FieldPolicy::PreferSupervisor,
        _ => FieldPolicy::LastWriterWins,
    }
}

fn owned_by_supervisor(
    defs: &[FieldDef],
    index: &HashMap<String, usize>,
    fields: &Fields,
    prefix: &str,
) -> Vec<FieldError> {
    fields
        .keys()
        .filter(|name| {
            index
                .get(name.as_str())
                .is_some_and(|&i| defs[i].owner == FieldOwner::Supervisor)
        })
        .map(|name| {
            FieldError::new(
                format!("{prefix}.{name}"),
                FieldErrorCode::OwnedBySupervisor,
                "jawaban ini diisi oleh supervisor, bukan petugas lapangan",
            )
        })
        .collect()
}

/// A field name as a rejection echoes it: whole up to 64 characters (the longest a form's name
/// may be), cut there otherwise — a phone that sent 500 KB of name gets none of it back.
fn shown(name: &str) -> std::borrow::Cow<'_, str> {
    const LONGEST: usize = 64;
    match name.char_indices().nth(LONGEST) {
        None => name.into(),
        Some((cut, _)) => format!("{}…", &name[..cut]).into(),
    }
}

fn check(
    defs: &[FieldDef],
    index: &HashMap<String, usize>,
    fields: &Fields,
    prefix: &str,
    complete: bool,
) -> Vec<FieldError> {
    let mut errors = Vec::new();
    for (name, value) in fields {
        let path = format!("{prefix}.{}", shown(name));
        let Some(&i) = index.get(name) else {
            errors.push(FieldError::new(
                path,
                FieldErrorCode::UnknownField,
                "formulir tidak memiliki pertanyaan ini",
            ));
            continue;
        };
        if !value.is_null()
            && let Err((code, message)) = check_value(&defs[i].kind, value)
        {
            errors.push(FieldError::new(path, code, message));
        }
    }
    if complete {
        for def in defs.iter().filter(|d| d.required) {
            if fields.get(&def.name).is_none_or(Value::is_null) {
                errors.push(FieldError::new(
                    format!("{prefix}.{}", def.name),
                    FieldErrorCode::Required,
                    format!("wajib diisi: {}", def.label),
                ));
            }
        }
    }
    errors
}

fn check_value(kind: &FieldKind, value: &Value) -> Result<(), (FieldErrorCode, String)> {
    let wrong = |expected: &str| {
        (
            FieldErrorCode::WrongType,
            format!("harus berupa {expected}"),
        )
    };
    match kind {
        FieldKind::Text { max_length, digits } => {
            let s = value.as_str().ok_or_else(|| wrong("teks"))?;
            if s.chars().count() > *max_length {
                return Err((
                    FieldErrorCode::TooLong,
                    format!("maksimal {max_length} karakter"),
                ));
            }
            if let Some(n) = digits
                && (s.len() != *n || !s.bytes().all(|b| b.is_ascii_digit()))
            {
                return Err((
                    FieldErrorCode::InvalidFormat,
                    format!("harus {n} digit angka"),
                ));
            }
            Ok(())
        }
        FieldKind::Integer { min, max } => {
            let n = value.as_i64().ok_or_else(|| wrong("bilangan bulat"))?;
            in_range(n, *min, *max)
        }
        FieldKind::Decimal { min, max } => {
            let n = value
                .as_f64()
                .filter(|n| n.is_finite())
                .ok_or_else(|| wrong("angka"))?;
            in_range(n, *min, *max)
        }
        FieldKind::Select { choices } => {
            let code = value
                .as_i64()
                .ok_or_else(|| wrong("kode pilihan (angka)"))?;
            is_choice(choices, code)
        }
        FieldKind::MultiSelect { choices } => {
            let codes = value
                .as_array()
                .ok_or_else(|| wrong("daftar kode pilihan"))?;
            for code in codes {
                is_choice(
                    choices,
                    code.as_i64().ok_or_else(|| wrong("daftar kode pilihan"))?,
                )?;
            }
            Ok(())
        }
        FieldKind::Date => {
            let s = value
                .as_str()
                .ok_or_else(|| wrong("tanggal (YYYY-MM-DD)"))?;
            chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map(|_| ())
                .map_err(|_| {
                    (
                        FieldErrorCode::InvalidFormat,
                        "harus tanggal yang ada, format YYYY-MM-DD".into(),
                    )
                })
        }
        FieldKind::Boolean => value
            .as_bool()
            .map(|_| ())
            .ok_or_else(|| wrong("ya/tidak (true/false)")),
    }
}

fn in_range<T: PartialOrd + std::fmt::Display + Copy>(
    n: T,
    min: Option<T>,
    max: Option<T>,
) -> Result<(), (FieldErrorCode, String)> {
    let below = min.is_some_and(|m| n < m);
    let above = max.is_some_and(|m| n > m);
    if below || above {
        let bound = |b: Option<T>| b.map_or_else(|| "-".to_owned(), |v| v.to_string());
        return Err((
            FieldErrorCode::OutOfRange,
            format!("harus di antara {} dan {}", bound(min), bound(max)),
        ));
    }
    Ok(())
}

fn is_choice(choices: &[Choice], code: i64) -> Result<(), (FieldErrorCode, String)> {
    if choices.iter().any(|c| c.code == code) {
        Ok(())
    } else {
        Err((
            FieldErrorCode::InvalidChoice,
            format!("kode {code} bukan salah satu pilihan"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn form() -> Form {
        let definition: FormDefinition = serde_json::from_value(json!({
            "id": "t", "version": 1, "title": "Uji",
            "household_fields": [
                {"name": "luas_lantai_m2", "label": "Luas lantai", "type": "decimal", "min": 1.0, "max": 5000.0, "required": true},
                {"name": "jenis_lantai", "label": "Jenis lantai", "type": "select", "choices": [{"code": 1, "label": "Keramik"}, {"code": 9, "label": "Tanah"}]},
                {"name": "catatan_supervisor", "label": "Catatan", "type": "text", "owner": "supervisor"}
            ],
            "member_fields": [
                {"name": "nik", "label": "NIK", "type": "text", "digits": 16},
                {"name": "tanggal_lahir", "label": "Tanggal lahir", "type": "date"}
            ]
        }))
        .expect("valid definition");
        Form::new(definition).expect("valid form")
    }

    #[test]
    fn valid_answers_pass_and_null_clears_without_error() {
        let fields = Fields::from([
            ("luas_lantai_m2".to_owned(), json!(36.5)),
            ("jenis_lantai".to_owned(), json!(9)),
            ("catatan_supervisor".to_owned(), Value::Null),
        ]);
        assert!(form().check_household(&fields, "fields", true).is_empty());
    }

    #[test]
    fn every_invalid_answer_is_reported_with_its_path_and_code() {
        let fields = Fields::from([
            ("luas_lantai_m2".to_owned(), json!("besar")),
            ("jenis_lantai".to_owned(), json!(4)),
            ("warna_rumah".to_owned(), json!("biru")),
        ]);
        let errors = form().check_household(&fields, "fields", false);
        let codes: Vec<(String, FieldErrorCode)> =
            errors.into_iter().map(|e| (e.field, e.code)).collect();
        assert_eq!(
            codes,
            vec![
                (
                    "fields.jenis_lantai".to_owned(),
                    FieldErrorCode::InvalidChoice
                ),
                (
                    "fields.luas_lantai_m2".to_owned(),
                    FieldErrorCode::WrongType
                ),
                (
                    "fields.warna_rumah".to_owned(),
                    FieldErrorCode::UnknownField
                ),
            ]
        );
    }

    #[test]
    fn a_complete_visit_must_answer_required_questions() {
        let errors = form().check_household(&Fields::new(), "answers", true);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].code, FieldErrorCode::Required);
    }

    #[test]
    fn member_dates_and_digit_texts_are_checked() {
        let fields = Fields::from([
            ("nik".to_owned(), json!("73220112345")),
            ("tanggal_lahir".to_owned(), json!("2001-02-30")),
        ]);
        let errors = form().check_member(&fields, "fields", false);
        assert!(
            errors
                .iter()
                .all(|e| e.code == FieldErrorCode::InvalidFormat),
            "{errors:?}"
        );
        assert_eq!(errors.len(), 2);
    }

    #[test]
    fn supervisor_owned_fields_prefer_the_supervisor() {
        let form = form();
        assert_eq!(
            form.household_policy("catatan_supervisor"),
            FieldPolicy::PreferSupervisor
        );
        assert_eq!(
            form.household_policy("jenis_lantai"),
            FieldPolicy::LastWriterWins
        );
    }
}
