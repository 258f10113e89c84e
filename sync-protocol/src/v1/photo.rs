//! Photos: the answer to "does the server already have this photo?".

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// `GET /v1/photos/{sha256}` when the server has the photo.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
#[serde(rename_all = "snake_case")]
pub enum PhotoStatus {
    /// Named by a visit, not uploaded yet.
    Pending,
    /// Uploaded and verified.
    Stored,
}

/// One photo of a household's visits: `GET /v1/households/{id}/photos`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
