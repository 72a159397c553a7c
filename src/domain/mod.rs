//! Pure PrivateLink domain: ids, regions, statuses, limits, DNS names and the error type.
//! No I/O here; this module also compiles into the browser bundle.

pub mod account;
pub mod error;
pub mod event;
pub mod inventory;
pub mod region;
pub mod status;

pub use error::ApiError;
