//! Pure plans of the long operations: what a request means and which rules it must pass, decided
//! from its input and the facts the operation read, without I/O. The operations in `src/ops` read
//! the facts, call these, and persist the result.

pub mod endpoint;
pub mod service;
