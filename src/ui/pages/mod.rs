//! One module per console page.

pub mod inventory;
pub mod overview;
pub mod signin;
