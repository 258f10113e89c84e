//! Sync protocol version 1: the messages exchanged between the phone and the server.
//!
//! Every URL of this version starts with [`PATH_PREFIX`]. `PROTOCOL.md` at the crate root is the
//! specification; these types are its executable form. New fields are added as `Option` or with
//! `#[serde(default)]` so that older phones keep working.

mod auth;
mod error;
mod flags;
pub mod form;
pub mod map;
pub mod office;
mod photo;
mod pull;
mod push;
mod review;

pub use auth::{LoginRequest, LoginResponse, Me};
pub use error::{ErrorBody, ErrorCode, FieldError, FieldErrorCode};
pub use photo::{HouseholdPhoto, PhotoDetails, PhotoInfo, PhotoStatus, Processing, SimilarPhoto};
pub use pull::{
    Change, FamilySnapshot, HouseholdSnapshot, MemberSnapshot, PullResponse, ResetReason,
};
pub use push::{
    AddMember, ConflictNote, ConflictTarget, CreateHousehold, DeleteHousehold, Fields, GpsFix,
    Kept, MoveHousehold, Mutation, Op, PhotoRef, PushRequest, PushResponse, PutFamily, RawMutation,
    Receipt, ReceiptStatus, RecordVisit, RejectCode, Rejection, RemoveMember, UpdateHousehold,
    UpdateMember,
};
pub use review::{
    BulkApproveRequest, BulkApproveResponse, BulkItem, BulkOutcome, BulkResult, ChangeKind,
    DecideRequest, DecideResponse, Decision, FieldChange, FieldNote, HouseholdHistory, Keep,
    NoteTarget, Person, QueueCounts, QueueItem, QueueOrder, QueuePage, RejectReason, Resolution,
    ResolveRequest, ResolveResponse, ReviewCounts, ReviewStatus, ReviewView, StaleVersion,
    VersionEntry,
};

/// The protocol version number of this module.
pub const VERSION: u32 = 1;

/// Every URL of protocol version 1 starts with this prefix.
pub const PATH_PREFIX: &str = "/v1";

/// The most mutations the server accepts in one push.
pub const MAX_MUTATIONS_PER_PUSH: usize = 500;

/// The largest pull page the server serves.
pub const MAX_PULL_LIMIT: u32 = 1000;

/// The largest Hamming distance `GET /v1/photos/{sha256}/similar` accepts.
pub const MAX_SIMILAR_DISTANCE: u32 = 16;

/// The most missing photo hashes one pull lists.
pub const MAX_MISSING_PHOTOS: usize = 500;

/// The most households one bulk approval takes.
pub const MAX_BULK_APPROVE: usize = 500;

/// The largest review queue page.
pub const MAX_QUEUE_LIMIT: u32 = 200;
