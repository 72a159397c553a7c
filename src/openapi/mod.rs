//! The cloud API adapter: Alibaba Cloud PrivateLink OpenAPI 2020-04-15 (RPC style, `POST /`).
//! It verifies signatures, parses parameters, calls the operation layer and shapes responses.

pub mod actions;
pub mod handler;
pub mod keys;
pub mod nonces;
pub mod params;
pub mod sign;
pub mod throttle;
pub mod wire;

pub use handler::intercept;
