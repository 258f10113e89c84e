//! Photos: the answer to "does the server already have this photo?".

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

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
