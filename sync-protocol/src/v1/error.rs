//! Error bodies and the stable error codes of the protocol.

use serde::{Deserialize, Serialize};

/// The body of every error response: a stable machine code and a message for people.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", ts(optional_fields = nullable))]
pub struct ErrorBody {
    /// Stable, machine-readable code. Clients branch on this, never on `message`.
    pub code: ErrorCode,
    /// A message for people, in Indonesian.
    pub message: String,
    /// With `sequence_gap`: the seq the server expects next.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_seq: Option<u64>,
    /// With `unsupported_protocol_version`: the versions this server speaks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supported_versions: Option<Vec<u32>>,
    /// With `service_unavailable` and `login_throttled`: seconds to wait before retrying.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_seconds: Option<u64>,
    /// With `invalid_request`: what is wrong, field by field.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "ts", ts(as = "Option<_>", optional))]
    pub fields: Vec<FieldError>,
    /// With `stale_version`: the household's current version and what changed after the
    /// version the request named.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stale: Option<Box<super::StaleVersion>>,
}

impl ErrorBody {
    /// An error body with only a code and a message.
    #[must_use]
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            expected_seq: None,
            supported_versions: None,
            retry_after_seconds: None,
            fields: Vec::new(),
            stale: None,
        }
    }
}

/// Request-level error codes. A request that fails with one of these stored nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The body is not valid JSON.
    MalformedJson,
    /// The JSON is valid but does not have the shape of the message (a wrong type, a missing
    /// field, a bad query parameter).
    InvalidRequest,
    /// The request needs `Content-Type: application/json`.
    UnsupportedMediaType,
    /// The URL names a protocol version this server does not speak.
    UnsupportedProtocolVersion,
    /// The body is larger than the server accepts (before or after decompression).
    PayloadTooLarge,
    /// No bearer token, or one the server does not know.
    Unauthenticated,
    /// The bearer token has expired or was revoked; log in again.
    TokenExpired,
    /// Wrong username or password.
    InvalidCredentials,
    /// Too many failed logins for this username; wait `retry_after_seconds`.
    LoginThrottled,
    /// The user's role may not do this.
    Forbidden,
    /// The area is outside the areas assigned to the user.
    AreaOutOfScope,
    /// The device id is registered to another user.
    DeviceBelongsToAnotherUser,
    /// The push does not start at the seq the server expects; see `expected_seq`.
    SequenceGap,
    /// The seqs in one push are not consecutive.
    BatchNotContiguous,
    /// The push holds more mutations than the server accepts in one request.
    BatchTooLarge,
    /// The pull cursor was not made by this server for this user.
    InvalidCursor,
    /// No such resource (or not visible to this user).
    NotFound,
    /// A resource with this identity already exists.
    AlreadyExists,
    /// A `PATCH` of an upload did not start at the upload's offset; `HEAD` it and resume there.
    UploadOffsetMismatch,
    /// A chunk's `Upload-Checksum`, or the finished file's SHA-256, does not match (HTTP 460).
    /// Nothing of that chunk (or, for the whole file, of the upload) was kept.
    ChecksumMismatch,
    /// Every byte of the upload has arrived, so it can no longer be abandoned (HTTP 409 to a
    /// `DELETE`): it is being completed (stored, or discarded if it is not the declared photo).
    UploadComplete,
    /// A chunk's body stopped arriving for longer than the server waits, or kept arriving
    /// slower than it accepts (HTTP 408). Nothing of that chunk was kept: `HEAD` the upload and
    /// resume at its offset, with smaller chunks when it was slow.
    UploadStalled,
    /// The request's `Tus-Resumable` is missing or not `1.0.0` (HTTP 412).
    TusVersionUnsupported,
    /// The uploaded file is not a JPEG, PNG, WebP or HEIC image, or it is broken or cut short
    /// (HTTP 422). The upload was discarded.
    NotAnImage,
    /// The uploaded image declares more pixels than the server decodes: a decompression bomb
    /// or a huge panorama (HTTP 422). The upload was discarded.
    ImageTooLarge,
    /// The uploaded image also carries another format: an archive, a document, a script
    /// (HTTP 422). The upload was discarded.
    ImagePolyglot,
    /// The photo has not been analysed yet, or could not be (HTTP 409). Try again later.
    PhotoNotReady,
    /// A decision or a settlement named a household version that is no longer current (HTTP
    /// 409); `stale` says what changed since. Nothing was stored: look again, then decide.
    StaleVersion,
    /// A supervisor may not approve a household holding a value they wrote themselves (four
    /// eyes, HTTP 403): another supervisor approves it.
    FourEyes,
    /// The household is deleted (HTTP 409): there is nothing to decide on.
    HouseholdDeleted,
    /// The conflict was settled already (HTTP 409).
    ConflictResolved,
    /// A temporary failure; retry after `retry_after_seconds`. Nothing was stored.
    ServiceUnavailable,
    /// An unexpected server error. Nothing the client can do but retry later.
    Internal,
}

/// A problem with one field of a request or a mutation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", ts(optional_fields = nullable))]
pub struct FieldError {
    /// The path of the field, e.g. `fields.luas_lantai`, `gps.latitude`, `members[2].nik`.
    pub field: String,
    /// What is wrong with it.
    pub code: FieldErrorCode,
    /// A message for people, in Indonesian.
    pub message: String,
}

impl FieldError {
    /// A field error.
    #[must_use]
    pub fn new(field: impl Into<String>, code: FieldErrorCode, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            code,
            message: message.into(),
        }
    }
}

/// Field-level error codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FieldErrorCode {
    /// A required field is missing or null.
    Required,
    /// The value has the wrong JSON type for the field.
    WrongType,
    /// A number outside its allowed range, or a non-finite number.
    OutOfRange,
    /// A value that is not one of the field's choices.
    InvalidChoice,
    /// A text that does not have the required format (dates, NIK, hashes).
    InvalidFormat,
    /// The form has no field with this name.
    UnknownField,
    /// The value is longer than allowed.
    TooLong,
    /// The form gives this answer to supervisors; a field worker may not write it.
    OwnedBySupervisor,
}
