//! One module per console page.

pub mod activity;
pub mod demo;
pub mod endpoints;
pub mod inventory;
pub mod overview;
pub mod services;
pub mod signin;
