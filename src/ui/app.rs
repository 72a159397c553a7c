//! The HTML shell and the router.

use super::layout::Layout;
use super::live::provide_live_events;
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
use leptos_meta::{MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::path;

/// The whole HTML document rendered by the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    // Every page gets a Content-Security-Policy with this response's nonce (leptos_axum makes a
    // fresh one per response and puts it on the hydration and streaming scripts).
    #[cfg(feature = "ssr")]
    if let (Some(nonce), Some(res)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) && let Ok(csp) =
        axum::http::HeaderValue::from_str(&crate::server::security::page_csp(&nonce))
    {
        res.insert_header(axum::http::header::CONTENT_SECURITY_POLICY, csp);
    }
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                // Apply the theme before first paint: the one picked with the toggle (localStorage),
                // else the system's preference, followed while it changes.
                <script nonce=leptos::nonce::use_nonce()>
                    "try{var m=matchMedia('(prefers-color-scheme: dark)'),f=function(){var t=localStorage.getItem('linkyard-theme');document.documentElement.classList.toggle('dark',t?t==='dark':m.matches)};f();m.addEventListener('change',f)}catch(e){}"
                </script>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body class="bg-slate-50 text-slate-900 dark:bg-slate-950 dark:text-slate-100 antialiased">
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_live_events();
    Effect::new(move |_| {
        // Effects run only in the browser, after hydration: tests wait for this marker.
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
    view! {
        <Stylesheet id="leptos" href="/pkg/linkyard.css"/>
        <Title text="Linkyard"/>
        <Router>
            <Routes fallback=|| view! { <p class="p-8">"Page not found."</p> }>
                <Route path=path!("/signin") view=SignInPage/>
                <ParentRoute path=path!("") view=Layout>
                    <Route path=path!("") view=OverviewPage/>
                    <Route path=path!("inventory") view=InventoryPage/>
                    <Route path=path!("services") view=ServicesPage/>
                    <Route path=path!("services/:id") view=ServiceDetailPage/>
                    <Route path=path!("available-services") view=AvailableServicesPage/>
                    <Route path=path!("endpoints") view=EndpointsPage/>
                    <Route path=path!("endpoints/:id") view=EndpointDetailPage/>
                    <Route path=path!("gateway-endpoints") view=GatewayEndpointsPage/>
                    <Route path=path!("gateway-endpoints/:id") view=GatewayEndpointDetailPage/>
                    <Route path=path!("activity") view=ActivityPage/>
                    <Route path=path!("demo") view=DemoPage/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}
