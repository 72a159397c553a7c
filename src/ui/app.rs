//! The HTML shell and the router.

use super::layout::Layout;
use super::live::provide_live_events;
use super::routes;
use leptos::prelude::*;
use leptos_meta::{MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{Lazy, path};

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
    view! {
        <Stylesheet id="leptos" href="/pkg/linkyard.css"/>
        <Title text="Linkyard"/>
        <Router>
            <Routes fallback=|| {
                routes::mark_hydrated();
                view! { <p class="p-8">"Page not found."</p> }
            }>
                <Route path=path!("/signin") view={Lazy::<routes::SignIn>::new()}/>
                <ParentRoute path=path!("") view=Layout>
                    <Route path=path!("") view={Lazy::<routes::Overview>::new()}/>
                    <Route path=path!("inventory") view={Lazy::<routes::Inventory>::new()}/>
                    <Route path=path!("services") view={Lazy::<routes::Services>::new()}/>
                    <Route path=path!("services/:id") view={Lazy::<routes::ServiceDetail>::new()}/>
                    <Route path=path!("available-services") view={Lazy::<routes::AvailableServices>::new()}/>
                    <Route path=path!("endpoints") view={Lazy::<routes::Endpoints>::new()}/>
                    <Route path=path!("endpoints/:id") view={Lazy::<routes::EndpointDetail>::new()}/>
                    <Route path=path!("gateway-endpoints") view={Lazy::<routes::GatewayEndpoints>::new()}/>
                    <Route path=path!("gateway-endpoints/:id") view={Lazy::<routes::GatewayEndpointDetail>::new()}/>
                    <Route path=path!("activity") view={Lazy::<routes::Activity>::new()}/>
                    <Route path=path!("demo") view={Lazy::<routes::Demo>::new()}/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}
