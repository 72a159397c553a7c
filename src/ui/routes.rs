//! The console's pages as lazy routes: with `cargo leptos build --split` (the release build of
//! `scripts/run.sh`) each page's code is a WASM chunk of its own, fetched when the page is first
//! shown, so the first page loads only the shell, the layout and itself. Without `--split` (the
//! debug build) they are ordinary routes whose view is awaited.
//!
//! Each type is one page; `data()` starts nothing because the pages load their data themselves.

use super::pages::activity::ActivityPage;
use super::pages::catalogue::AvailableServicesPage;
use super::pages::demo::DemoPage;
use super::pages::endpoint_detail::EndpointDetailPage;
use super::pages::endpoints::EndpointsPage;
use super::pages::gateway::{GatewayEndpointDetailPage, GatewayEndpointsPage};
use super::pages::service_detail::ServiceDetailPage;
use super::pages::services::ServicesPage;
use super::pages::{inventory::InventoryPage, overview::OverviewPage, signin::SignInPage};
use leptos::prelude::*;
use leptos_router::{LazyRoute, lazy_route};

/// Marks the document once the page's own view has hydrated (`body[data-hydrated]`): a lazy page
/// hydrates after the shell, when its chunk has arrived, and only then answers clicks, so tests
/// and the time-to-interactive bench wait for this marker. Effects run only in the browser.
pub fn mark_hydrated() {
    Effect::new(move |_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
}

/// `/signin`.
pub struct SignIn;

#[lazy_route]
impl LazyRoute for SignIn {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        mark_hydrated();
        view! { <SignInPage/> }.into_any()
    }
}

/// `/`: the Overview.
pub struct Overview;

#[lazy_route]
impl LazyRoute for Overview {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        mark_hydrated();
        view! { <OverviewPage/> }.into_any()
    }
}

/// `/inventory`.
pub struct Inventory;

#[lazy_route]
impl LazyRoute for Inventory {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        mark_hydrated();
        view! { <InventoryPage/> }.into_any()
    }
}

/// `/services`.
pub struct Services;

#[lazy_route]
impl LazyRoute for Services {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        mark_hydrated();
        view! { <ServicesPage/> }.into_any()
    }
}

/// `/services/:id`.
pub struct ServiceDetail;

#[lazy_route]
impl LazyRoute for ServiceDetail {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        mark_hydrated();
        view! { <ServiceDetailPage/> }.into_any()
    }
}

/// `/available-services`.
pub struct AvailableServices;

#[lazy_route]
impl LazyRoute for AvailableServices {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        mark_hydrated();
        view! { <AvailableServicesPage/> }.into_any()
    }
}

/// `/endpoints`.
pub struct Endpoints;

#[lazy_route]
impl LazyRoute for Endpoints {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        mark_hydrated();
        view! { <EndpointsPage/> }.into_any()
    }
}

/// `/endpoints/:id`.
pub struct EndpointDetail;

#[lazy_route]
impl LazyRoute for EndpointDetail {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        mark_hydrated();
        view! { <EndpointDetailPage/> }.into_any()
    }
}

/// `/gateway-endpoints`.
pub struct GatewayEndpoints;

#[lazy_route]
impl LazyRoute for GatewayEndpoints {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        mark_hydrated();
        view! { <GatewayEndpointsPage/> }.into_any()
    }
}

/// `/gateway-endpoints/:id`.
pub struct GatewayEndpointDetail;

#[lazy_route]
impl LazyRoute for GatewayEndpointDetail {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        mark_hydrated();
        view! { <GatewayEndpointDetailPage/> }.into_any()
    }
}

/// `/activity`.
pub struct Activity;

#[lazy_route]
impl LazyRoute for Activity {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        mark_hydrated();
        view! { <ActivityPage/> }.into_any()
    }
}

/// `/demo`.
pub struct Demo;

#[lazy_route]
impl LazyRoute for Demo {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        mark_hydrated();
        view! { <DemoPage/> }.into_any()
    }
}
