//! What a photo is and what is derived from it: the real format, EXIF, thumbnails and a
//! perceptual hash. Pure and blocking (CPU-bound): callers run it on a blocking thread.

pub mod exif;
pub mod format;
pub mod phash;
pub mod render;

pub use self::exif::ExifData;
pub use self::format::{ImageFormat, Inspection, Limits, Rejection, inspect};
pub use self::render::{DecodeError, Rendered};

/// Everything learned from one photo.
#[derive(Debug, Clone, PartialEq)]
pub struct Analysis {
    /// The real format.
    pub format: ImageFormat,
    /// Its EXIF, if it has any readable EXIF.
    pub exif: Option<ExifData>,
    /// Why the EXIF could not be read, if it is malformed.
    pub exif_error: Option<String>,
    /// Thumbnails and hash; `Err` when the pixels cannot be decoded (HEIC is recognised but not
    /// decoded).
    pub rendered: Result<Rendered, DecodeError>,
}

/// Inspects, reads EXIF and renders. `Err` only for files that are not acceptable images.
pub fn analyse(bytes: &[u8], limits: &Limits) -> Result<Analysis, Rejection> {
    let inspection = inspect(bytes, limits)?;
    let (exif, exif_error) = exif::read(bytes);
    let orientation = exif.as_ref().map_or(1, |e| e.orientation);
    let rendered = render::render(
        bytes,
        inspection.format,
        inspection.size,
        orientation,
        limits,
    );
    Ok(Analysis {
        format: inspection.format,
        exif,
        exif_error,
        rendered,
    })
}
