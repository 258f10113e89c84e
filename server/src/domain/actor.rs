//! The authenticated user on whose behalf a request runs.

use uuid::Uuid;

use super::role::Role;
use super::scope::Scope;

/// Who is acting: identity, role and areas.
#[derive(Debug, Clone)]
pub struct Actor {
    /// User id.
    pub id: Uuid,
    /// Username.
    pub username: String,
    /// Role.
    pub role: Role,
    /// Assigned areas.
    pub scope: Scope,
}
