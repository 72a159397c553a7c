//! The console UI (Leptos components), rendered on the server and hydrated in the browser.

pub mod app;
pub mod format;
pub mod layout;
pub mod live;
pub mod pages;
pub mod resource_events;
pub mod routes;
pub mod session;
pub mod style;
pub mod table;
pub mod tabs;
pub mod tags;
pub mod toast;
pub mod traffic;
pub mod widgets;
