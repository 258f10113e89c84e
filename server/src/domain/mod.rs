//! Domain types and rules. Nothing here knows about HTTP or the database.

pub mod actor;
pub mod area;
pub mod area_file;
pub mod area_index;
pub mod boundary;
pub mod credentials;
pub mod csv_text;
pub mod dtsen;
pub mod form;
pub mod history;
pub mod identity;
pub mod quality;
pub mod role;
pub mod scope;
pub mod scoring;
pub mod sha256;
