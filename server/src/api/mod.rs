//! HTTP handlers, one module per resource. Handlers extract, call a use case, and map.

pub mod areas;
pub mod auth;
pub mod budget;
pub mod conflicts;
pub mod exports;
pub mod extract;
pub mod forms;
pub mod health;
pub mod households;
pub mod indicators;
pub mod map;
pub mod openapi;
pub mod photos;
pub mod reviews;
pub mod sync;
pub mod uploads;
pub mod users;
