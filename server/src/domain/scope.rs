//! A user's scope: the areas assigned to them, each covering its descendants.

use std::hash::{DefaultHasher, Hash, Hasher};

use super::area::AreaCode;

/// The areas a user may read and write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    areas: Vec<AreaCode>,
}

impl Scope {
    /// A scope of the given areas (sorted, duplicates removed).
    #[must_use]
    pub fn new(mut areas: Vec<AreaCode>) -> Self {
        areas.sort();
        areas.dedup();
        Self { areas }
    }

    /// The assigned areas.
    #[must_use]
    pub fn areas(&self) -> &[AreaCode] {
        &self.areas
    }

    /// Whether the area with this code lies in the scope.
    #[must_use]
    pub fn covers(&self, area_code: &str) -> bool {
        self.areas.iter().any(|a| a.covers(area_code))
    }

    /// A fingerprint that changes whenever the assigned areas change. Pull cursors carry it so
    /// that a scope change answers `reset`.
    #[must_use]
    pub fn fingerprint(&self) -> u64 {
        // DefaultHasher with `new()` uses fixed keys, so the value is stable across processes
        // of the same build; a change of Rust version at worst resets cursors once.
        let mut hasher = DefaultHasher::new();
        self.areas.hash(&mut hasher);
        hasher.finish()
    }
}
