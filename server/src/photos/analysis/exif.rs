//! EXIF as phone cameras write it: when the photo was taken, where, which way up, and with
//! which camera. Malformed EXIF (broken IFD offsets, loops, wrong types) is reported, never
//! fatal: the photo is still a photo.

use exif::{In, Reader, Tag, Value};

/// What the EXIF says.
#[derive(Debug, Clone, PartialEq)]
pub struct ExifData {
    /// Local time on the camera's clock, `YYYY-MM-DDTHH:MM:SS` (EXIF has no time zone unless
    /// `OffsetTimeOriginal` is set, which is then appended).
    pub taken_at: Option<String>,
    /// Latitude and longitude in degrees.
    pub gps: Option<(f64, f64)>,
    /// EXIF orientation 1–8 (1 when absent).
    pub orientation: u16,
    /// Make and model, e.g. `samsung SM-A155F`.
    pub camera: Option<String>,
}

/// No EXIF: no time, no place, upright as stored.
impl Default for ExifData {
    fn default() -> Self {
        Self {
            taken_at: None,
            gps: None,
            orientation: 1,
            camera: None,
        }
    }
}

/// Reads the EXIF of a JPEG, PNG, WebP or HEIF file: what could be read, and why not all of
/// it. `(None, None)` when there is none. A fault in one place (a next-IFD offset where none
/// belongs, a field of the wrong type) is reported but does not cost the time and place the
/// rest holds; `(None, Some(reason))` when nothing could be read.
#[must_use]
pub fn read(bytes: &[u8]) -> (Option<ExifData>, Option<String>) {
    let mut problem = None;
    let exif = match Reader::new()
        .continue_on_error(true)
        .read_from_container(&mut std::io::Cursor::new(bytes))
        .or_else(|e| {
            e.distill_partial_result(|errors| {
                problem = errors.first().map(ToString::to_string);
            })
        }) {
        Ok(exif) => exif,
        Err(exif::Error::NotFound(_)) => return (None, None),
        Err(e) => return (None, Some(e.to_string())),
    };
    if exif.fields().next().is_none() {
        return (None, problem);
    }
    let text = |tag: Tag| -> Option<String> {
        match &exif.get_field(tag, In::PRIMARY)?.value {
            Value::Ascii(parts) => {
                let raw = parts.first()?;
                let clean: String = String::from_utf8_lossy(raw)
                    .chars()
                    .filter(|c| !c.is_control())
                    .take(64)
                    .collect();
                let clean = clean.trim().to_owned();
                (!clean.is_empty()).then_some(clean)
            }
            _ => None,
        }
    };
    let taken_at = exif
        .get_field(Tag::DateTimeOriginal, In::PRIMARY)
        .or_else(|| exif.get_field(Tag::DateTime, In::PRIMARY))
        .and_then(|f| match &f.value {
            Value::Ascii(parts) => exif::DateTime::from_ascii(parts.first()?).ok(),
            _ => None,
        })
        .filter(|d| (1..=12).contains(&d.month) && (1..=31).contains(&d.day))
        .map(|d| {
            let mut at = format!(
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
                d.year, d.month, d.day, d.hour, d.minute, d.second
            );
            if let Some(offset) = text(Tag::OffsetTimeOriginal)
                .filter(|o| o.len() == 6 && (o.starts_with('+') || o.starts_with('-')))
            {
                at.push_str(&offset);
            }
            at
        });
    let orientation = exif
        .get_field(Tag::Orientation, In::PRIMARY)
        .and_then(|f| f.value.get_uint(0))
        .and_then(|o| u16::try_from(o).ok())
        .filter(|o| (1..=8).contains(o))
        .unwrap_or(1);
    let camera = match (text(Tag::Make), text(Tag::Model)) {
        (Some(make), Some(model)) if model.starts_with(&make) => Some(model),
        (Some(make), Some(model)) => Some(format!("{make} {model}")),
        (make, model) => make.or(model),
    };
    let gps =
        coordinate(&exif, Tag::GPSLatitude, Tag::GPSLatitudeRef, *b"NS", 90.0).zip(coordinate(
            &exif,
            Tag::GPSLongitude,
            Tag::GPSLongitudeRef,
            *b"EW",
            180.0,
        ));
    let data = ExifData {
        taken_at,
        gps,
        orientation,
        camera,
    };
    (Some(data), problem)
}

/// Degrees from EXIF's degrees/minutes/seconds rationals, negative for `S` or `W`. None without
/// a reference (`[positive, negative]`, e.g. `NS`): a place in the wrong hemisphere would be
/// worse than none, and most of Indonesia lies south of the equator.
fn coordinate(
    exif: &exif::Exif,
    tag: Tag,
    reference: Tag,
    [positive, negative]: [u8; 2],
    max: f64,
) -> Option<f64> {
    let Value::Rational(parts) = &exif.get_field(tag, In::PRIMARY)?.value else {
        return None;
    };
    let part = |i: usize| {
        parts
            .get(i)
            .filter(|r| r.denom != 0)
            .map(exif::Rational::to_f64)
    };
    let degrees = part(0)? + part(1).unwrap_or(0.0) / 60.0 + part(2).unwrap_or(0.0) / 3600.0;
    let Value::Ascii(parts) = &exif.get_field(reference, In::PRIMARY)?.value else {
        return None;
    };
    let letter = *parts.first()?.first()?;
    let sign = if letter == positive {
        1.0
    } else if letter == negative {
        -1.0
    } else {
        return None;
    };
    let value = sign * degrees;
    (value.is_finite() && value.abs() <= max).then_some(value)
}
