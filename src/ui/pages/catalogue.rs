//! Consumer: "Available services" — the services this account may connect to in the region
//! (its own, those whitelisting it, Alibaba Cloud's), searched and paged on the server; each row
//! opens the create form with the service chosen. Also the create form's service picker.

use crate::api::catalogue::available_services;
use crate::domain::catalogue::{CatalogueEntry, CataloguePage, CatalogueQuery};
use crate::domain::region::region;
use crate::domain::state::ResourceStatus;
use crate::ui::live::use_live_for;
use crate::ui::session::{SessionCtx, use_region};
use crate::ui::style::*;
use crate::ui::widgets::{ErrorBanner, StatusBadge};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

/// Rows per page of the Available services table.
const PAGE_SIZE: u32 = 20;
/// Services offered by the create form's picker (it narrows as the name is typed).
const PICKER_SIZE: u32 = 50;

/// The region's name for people ("China (Hangzhou)"), or its id.
fn region_name(id: &str) -> String {
    region(id).map_or_else(|| id.to_string(), |r| r.local_name.to_string())
}

/// The link that opens the create form with `service_name` chosen.
pub fn create_link(service_name: &str) -> String {
    format!("/endpoints?service={service_name}")
}

/// The Available services page.
#[component]
pub fn AvailableServicesPage() -> impl IntoView {
    let live = use_live_for(&["service", "demo"]);
    let region = use_region();
    let search = RwSignal::new(String::new());
    let page = RwSignal::new(1u32);
    let services = Resource::new(
        move || (region(), search.get(), page.get(), live.get()),
        |(region, search, page, _)| {
            available_services(CatalogueQuery {
                region,
                search,
                page,
                page_size: PAGE_SIZE,
            })
        },
    );
    view! {
        <div class="flex flex-wrap items-center justify-between gap-3">
            <h1 class="text-xl font-semibold">"Available services"</h1>
            <input type="search" class=INPUT id="catalogue-search" aria-label="Search available services"
                placeholder="Search by name, id, description or provider"
                prop:value=search on:input=move |ev| { search.set(event_target_value(&ev)); page.set(1); }/>
        </div>
        <p class=format!("mt-1 {HINT}")>{move || format!(
            "Endpoint services you may connect to in {}: your own, those whose providers whitelisted your account, and Alibaba Cloud's.",
            region_name(&region()))}</p>
        <Transition fallback=|| view! { <p class="mt-4 text-slate-500">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match services.await {
                    Err(e) => view! { <div class="mt-4"><ErrorBanner error=e/></div> }.into_any(),
                    Ok(p) if p.items.is_empty() => view! { <EmptyCatalogue search=search page=page/> }.into_any(),
                    Ok(p) => view! { <CatalogueTable page=p pager=page/> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// What an empty page says, with the action that fills it.
#[component]
fn EmptyCatalogue(search: RwSignal<String>, page: RwSignal<u32>) -> impl IntoView {
    let region = use_region();
    let ctx = expect_context::<SessionCtx>();
    let account = move || {
        ctx.session
            .get()
            .and_then(|s| s.ok())
            .and_then(|s| s.info.active)
            .map(|a| a.id)
            .unwrap_or_default()
    };
    let q = search.get_untracked();
    view! {
        <div class="mt-4 text-sm" id="catalogue-empty">
            {if q.trim().is_empty() {
                view! {
                    <p>{move || format!("No endpoint services are available to you in {} yet.", region_name(&region()))}</p>
                    <p class=format!("mt-1 {HINT}")>{move || format!(
                        "Ask the service's provider to add your account id {} to its whitelist, or publish your own service.", account())}</p>
                    <A href="/services" attr:class=format!("mt-2 inline-block {BUTTON_QUIET}")>"Publish a service"</A>
                }.into_any()
            } else {
                view! {
                    <p>{move || format!("No available service in {} matches “{}”.", region_name(&region()), q.trim())}</p>
                    <button class=format!("mt-2 {BUTTON_QUIET}") id="catalogue-clear"
                        on:click=move |_| { search.set(String::new()); page.set(1); }>"Clear the search"</button>
                }.into_any()
            }}
        </div>
    }
}

/// One page of services and the pager.
#[component]
fn CatalogueTable(page: CataloguePage, pager: RwSignal<u32>) -> impl IntoView {
    let first = (page.page.saturating_sub(1) as u64) * u64::from(page.page_size) + 1;
    let last = first + page.items.len() as u64 - 1;
    let (current, pages, total) = (page.page, page.pages(), page.total);
    let (at_first, at_last) = (current <= 1, current >= pages);
    view! {
        <table class="mt-4 w-full text-sm" id="catalogue-table">
            <thead class="text-left text-slate-500"><tr>
                <th class=TH>"Service"</th><th class=TH>"Provider"</th><th class=TH>"Type"</th>
                <th class=TH>"Zones"</th><th class=TH>"Acceptance"</th><th class=TH>"IP version"</th><th class=TH><span class="sr-only">"Action"</span></th>
            </tr></thead>
            <tbody>{page.items.into_iter().map(|s| view! { <CatalogueRow service=s/> }).collect_view()}</tbody>
        </table>
        <div class="mt-3 flex items-center gap-3 text-sm" id="catalogue-pager">
            <span class=HINT>{format!("{first}–{last} of {total}")}</span>
            <button class=BUTTON_QUIET id="catalogue-prev" disabled=at_first on:click=move |_| pager.update(|p| *p = p.saturating_sub(1).max(1))>"Previous"</button>
            <span class=HINT>{format!("Page {current} of {pages}")}</span>
            <button class=BUTTON_QUIET id="catalogue-next" disabled=at_last on:click=move |_| pager.update(|p| *p += 1)>"Next"</button>
        </div>
    }
}

/// One available service.
#[component]
fn CatalogueRow(service: CatalogueEntry) -> impl IntoView {
    let s = service;
    let provider = if s.managed {
        "Alibaba Cloud".to_string()
    } else if s.provider_name.is_empty() {
        s.provider_id.clone()
    } else {
        s.provider_name.clone()
    };
    let provider_note = if s.own {
        format!("{} · your service", s.provider_id)
    } else if s.managed {
        "managed service".to_string()
    } else {
        s.provider_id.clone()
    };
    let kind = if s.service_type == "GatewayLoadBalancer" {
        "Gateway Load Balancer endpoint"
    } else {
        "Interface endpoint"
    };
    let zones = if s.zones.is_empty() {
        "—".to_string()
    } else {
        s.zones.join(", ")
    };
    view! {
        <tr class=TR data-service=s.id.clone()>
            <td class="py-2 pr-4">
                <span class="font-medium">{if s.description.is_empty() { s.id.clone() } else { s.description.clone() }}</span>
                {(s.status != ResourceStatus::Active).then(|| view! { <span class="ml-2"><StatusBadge status=s.status/></span> })}
                <br/><span class="font-mono text-xs break-all">{s.name.clone()}</span>
                <br/><span class="font-mono text-xs text-slate-500">{s.id.clone()}</span>
            </td>
            <td class="pr-4">{provider}<br/><span class="font-mono text-xs text-slate-500">{provider_note}</span></td>
            <td class="pr-4">{s.resource_type.to_uppercase()}<br/><span class=HINT>{kind}</span></td>
            <td class="pr-4 text-xs">{zones}</td>
            <td class="pr-4">{s.acceptance()}</td>
            <td class="pr-4">{s.ip_version()}</td>
            <td class="py-2"><A href=create_link(&s.name) attr:class=format!("inline-block whitespace-nowrap {BUTTON_QUIET}") attr:data-create=s.id.clone()>"Create endpoint"</A></td>
        </tr>
    }
}

/// The create form's service chooser: pick one of the available services (narrowed by what is
/// typed in `service`), which also sets the endpoint type it needs; typing a name stays possible.
/// A `service` query parameter (the Available services page's "Create endpoint") chooses one.
#[component]
pub fn ServicePicker(service: RwSignal<String>, endpoint_type: RwSignal<String>) -> impl IntoView {
    let query = use_query_map();
    let from_query = move || query.with(|q| q.get("service")).unwrap_or_default();
    Effect::new(move |_| {
        let chosen = from_query();
        if !chosen.is_empty() {
            service.set(chosen);
            #[cfg(feature = "hydrate")]
            if let Some(form) = document().get_element_by_id("create-endpoint") {
                form.scroll_into_view();
            }
        }
    });
    let live = use_live_for(&["service", "demo"]);
    let region = use_region();
    let options = Resource::new(
        move || (region(), service.get(), live.get()),
        |(region, search, _)| {
            available_services(CatalogueQuery {
                region,
                search: search.trim().to_string(),
                page: 1,
                page_size: PICKER_SIZE,
            })
        },
    );
    view! {
        <label class="flex flex-col gap-1">"Or pick an available service"
            <Transition fallback=|| view! { <select class=INPUT disabled=true><option>"Loading…"</option></select> }>
                {move || Suspend::new(async move {
                    let page = options.await.unwrap_or_default();
                    let items = page.items.clone();
                    let more = page.total > items.len() as u64;
                    let placeholder = match (items.len(), more) {
                        (0, _) => "No available service matches the name".to_string(),
                        (n, false) => format!("Choose one of {n} available services"),
                        (n, true) => format!("Choose one of the first {n} of {} (type to narrow)", page.total),
                    };
                    let chosen = items.clone();
                    view! {
                        <select class=INPUT id="endpoint-service-pick" on:change=move |ev| {
                            let name = event_target_value(&ev);
                            if let Some(s) = chosen.iter().find(|s| s.name == name) {
                                endpoint_type.set(s.service_type.clone());
                                service.set(name);
                            }
                        }>
                            <option value="">{placeholder}</option>
                            {items.into_iter().map(|s| {
                                let selected = s.name == service.get_untracked().trim();
                                let who = if s.managed { "Alibaba Cloud".to_string() } else { s.provider_name.clone() };
                                let label = format!("{} — {} ({}, {})", if s.description.is_empty() { &s.id } else { &s.description }, who, s.resource_type.to_uppercase(), s.acceptance().to_lowercase());
                                view! { <option value=s.name.clone() selected=selected>{label}</option> }
                            }).collect_view()}
                        </select>
                    }.into_any()
                })}
            </Transition>
        </label>
    }
}
