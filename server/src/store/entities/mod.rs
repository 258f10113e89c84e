//! sea-orm entities, one per table. They stay inside `store`: the rest of the server sees
//! domain types. (Entities never derive `Serialize`.)

pub mod app_user;
pub mod area;
pub mod audit_log;
pub mod conflict;
pub mod device;
pub mod dtsen_decile;
pub mod family;
pub mod family_kk_history;
pub mod form;
pub mod household;
pub mod household_position;
pub mod household_score;
pub mod login_throttle;
pub mod member;
pub mod photo;
pub mod photo_analysis;
pub mod quality_flag;
pub mod receipt;
pub mod review;
pub mod session;
pub mod sync_change;
pub mod upload;
pub mod upload_chunk;
pub mod user_area;
pub mod visit;
pub mod visit_check;
pub mod visit_photo;
