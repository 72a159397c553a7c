//! Pure PrivateLink domain: ids, regions, statuses, limits, DNS names and the error type.
//! No I/O here; this module also compiles into the browser bundle.

pub mod account;
pub mod activity;
pub mod bandwidth;
pub mod catalogue;
pub mod console;
pub mod dataplane;
pub mod demo;
pub mod error;
pub mod errors;
pub mod event;
pub mod gateway;
pub mod inventory;
pub mod model;
pub mod names;
pub mod plan;
pub mod redirect;
pub mod region;
pub mod state;
pub mod status;
pub mod tour;
pub mod validate;

pub use error::ApiError;
