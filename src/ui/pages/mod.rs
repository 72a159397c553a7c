//! One module per console page.

pub mod activity;
pub mod catalogue;
pub mod connection_queue;
pub mod demo;
pub mod endpoint_detail;
pub mod endpoints;
pub mod gateway;
pub mod inventory;
pub mod overview;
pub mod service_detail;
pub mod services;
pub mod signin;
