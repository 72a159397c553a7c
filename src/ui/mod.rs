//! The console UI (Leptos components), rendered on the server and hydrated in the browser.

pub mod app;
pub mod layout;
pub mod live;
pub mod pages;
pub mod style;
pub mod widgets;
