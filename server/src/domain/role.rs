//! User roles and what each may do.

use std::fmt;
use std::str::FromStr;

use sync_protocol::merge::Authority;

/// A user's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// TKSK field worker: surveys households offline and syncs.
    Enumerator,
    /// Dinas Sosial supervisor: reviews, resolves conflicts, may edit supervisor-owned fields.
    Supervisor,
    /// Agency analyst: reads indicators and lists; never writes survey data.
    Analyst,
    /// Administrator: users, area assignments, forms, imports.
    Admin,
}

impl Role {
    /// All roles, for listings and tests.
    pub const ALL: [Role; 4] = [
        Role::Enumerator,
        Role::Supervisor,
        Role::Analyst,
        Role::Admin,
    ];

    /// The name stored in the database and shown on the wire.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Enumerator => "enumerator",
            Role::Supervisor => "supervisor",
            Role::Analyst => "analyst",
            Role::Admin => "admin",
        }
    }

    /// Whether the role may push mutations (write survey data through sync).
    #[must_use]
    pub fn may_push(self) -> bool {
        matches!(self, Role::Enumerator | Role::Supervisor | Role::Admin)
    }

    /// Whether the role may pull households to a device.
    #[must_use]
    pub fn may_pull(self) -> bool {
        matches!(self, Role::Enumerator | Role::Supervisor | Role::Admin)
    }

    /// Whether the role may read conflicts and household details in the office.
    #[must_use]
    pub fn may_review(self) -> bool {
        matches!(self, Role::Supervisor | Role::Admin)
    }

    /// Whether the role may export household lists (masked, unless it may also see
    /// identities).
    #[must_use]
    pub fn may_export(self) -> bool {
        matches!(self, Role::Supervisor | Role::Analyst | Role::Admin)
    }

    /// Whether the role may receive NIK and No KK unmasked in exports (it verifies them);
    /// analysts never do.
    #[must_use]
    pub fn may_see_identity(self) -> bool {
        matches!(self, Role::Supervisor | Role::Admin)
    }

    /// Whether the role may manage users and their areas.
    #[must_use]
    pub fn may_administer(self) -> bool {
        self == Role::Admin
    }

    /// The authority the role's writes carry in the merge rules.
    #[must_use]
    pub fn authority(self) -> Authority {
        match self {
            Role::Supervisor | Role::Admin => Authority::Supervisor,
            Role::Enumerator | Role::Analyst => Authority::FieldWorker,
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The text is not one of the four roles.
#[derive(Debug, thiserror::Error)]
#[error("peran tidak dikenal: {0:?} (pilihan: enumerator, supervisor, analyst, admin)")]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| UnknownRole(s.to_owned()))
    }
}
