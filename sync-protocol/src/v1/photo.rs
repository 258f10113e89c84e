//! Photos: the answer to "does the server already have this photo?".

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// `GET /v1/photos/{sha256}` when the server has the photo.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", ts(optional_fields = nullable))]
pub struct PhotoInfo {
    /// Lower-case hex SHA-256 of the file.
    pub sha256: String,
    /// Size in bytes.
    pub size: u64,
    /// When the server stored it.
    pub stored_at: DateTime<Utc>,
}

/// Whether the server has a photo a visit names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PhotoStatus {
    /// Named by a visit, not uploaded yet.
    Pending,
    /// Uploaded and verified.
    Stored,
}

/// One photo of a household's visits: `GET /v1/households/{id}/photos`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", ts(optional_fields = nullable))]
pub struct HouseholdPhoto {
    /// The visit that names it.
    pub visit_id: Uuid,
    /// What it shows (`tampak_depan`, `lantai`…).
    pub kind: String,
    /// Lower-case hex SHA-256 of the file.
    pub sha256: String,
    /// `pending` until the phone has uploaded it.
    pub status: PhotoStatus,
    /// Size in bytes, once stored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    /// When the visit ended on the phone.
    pub visit_ended_at: DateTime<Utc>,
}

/// Where a stored photo stands in the image pipeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Processing {
    /// Waiting for (or being handled by) a worker.
    Queued,
    /// Analysed: thumbnails, EXIF and perceptual hash are there.
    Done,
    /// Kept but not decoded (HEIC): EXIF only, no thumbnails.
    Unsupported,
    /// Could not be analysed; `error` says why.
    Failed,
}

/// `GET /v1/photos/{sha256}/details`: what the server learned from a photo.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", ts(optional_fields = nullable))]
pub struct PhotoDetails {
    /// Lower-case hex SHA-256 of the file.
    pub sha256: String,
    /// Size in bytes.
    pub size: u64,
    /// When the server stored it.
    pub stored_at: DateTime<Utc>,
    /// Pipeline state.
    pub processing: Processing,
    /// Why processing failed or is limited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Real format read from the bytes: `jpeg`, `png`, `webp`, `heic`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    /// Width as seen (EXIF orientation applied).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub width: Option<u32>,
    /// Height as seen (EXIF orientation applied).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub height: Option<u32>,
    /// EXIF time taken, camera clock: `YYYY-MM-DDTHH:MM:SS`, with `±HH:MM` when the camera
    /// recorded its offset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taken_at: Option<String>,
    /// EXIF GPS latitude.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latitude: Option<f64>,
    /// EXIF GPS longitude.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub longitude: Option<f64>,
    /// EXIF orientation (1–8).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub orientation: Option<u16>,
    /// EXIF make and model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub camera: Option<String>,
    /// Why the EXIF could not be read (the photo is processed anyway).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exif_error: Option<String>,
    /// 64-bit perceptual hash, 16 hex digits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phash: Option<String>,
}

/// `GET /v1/photos/{sha256}/similar`: a photo of another household that looks alike.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", ts(optional_fields = nullable))]
pub struct SimilarPhoto {
    /// The similar photo.
    pub sha256: String,
    /// Bits its perceptual hash differs in (0 = the same picture).
    pub distance: u32,
    /// The household whose visit names it.
    pub household_id: Uuid,
    /// The visit that names it.
    pub visit_id: Uuid,
    /// What it shows.
    pub kind: String,
}
