//! Provider: the endpoint services list (filter, sort, pages) and the publish form. Live.

use crate::api::inventory::get_inventory;
use crate::api::services::{CreateService, list_my_services};
use crate::domain::console::{ListPage, NewServiceForm, ResourceChoice, ServiceColumn};
use crate::domain::model::ServiceView;
use crate::ui::live::use_live_for;
use crate::ui::session::use_region;
use crate::ui::style::*;
use crate::ui::table::{FilterBox, ListView, Pager, SortHeader};
use crate::ui::toast::notify;
use crate::ui::widgets::{ActionButton, EmptyState, ErrorBanner, StatusBadge};
use leptos::prelude::*;
use leptos_router::components::A;

/// Endpoint services of the active account, and a form to publish one.
#[component]
pub fn ServicesPage() -> impl IntoView {
    let live = use_live_for(&["service", "connection", "endpoint"]);
    let region = use_region();
    let create = ServerAction::<CreateService>::new();
    notify(create, |s| {
        format!("Service published: {} becomes Available in a moment.", s.id)
    });
    let list = ListView::new(ServiceColumn::Created);
    let services = Resource::new(
        move || (list.query(region()), live.get(), create.version().get()),
        |(q, _, _)| list_my_services(q),
    );
    view! {
        <div class="flex flex-wrap items-center justify-between gap-3">
            <h1 class="text-xl font-semibold">"Endpoint services"</h1>
            <FilterBox list=list placeholder="Filter by name or id"/>
        </div>
        <Transition fallback=|| view! { <p class="mt-4 text-slate-500">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match services.await {
                    Err(e) => view! { <div class="mt-4"><ErrorBanner error=e/></div> }.into_any(),
                    Ok(page) if page.total == 0 && list.filter.get_untracked().trim().is_empty() => view! { <EmptyState name="services" title=format!("No endpoint services in {}", region()) hint="Publish one from your load balancers so that other accounts reach it privately." action="Publish a service" focus="lb-type-nlb"/> }.into_any(),
                    Ok(page) => view! { <ServicesTable page=page list=list/> }.into_any(),
                }
            })}
        </Transition>
        <PublishForm create=create/>
    }
}

/// One page of the services table.
#[component]
fn ServicesTable(page: ListPage<ServiceView>, list: ListView<ServiceColumn>) -> impl IntoView {
    let shown = page.items.len();
    view! {
        <table class="mt-4 w-full text-sm" id="services-table">
            <thead class="text-left text-slate-500"><tr>
                <SortHeader list=list column=ServiceColumn::Name label="Service"/>
                <SortHeader list=list column=ServiceColumn::Type label="Type"/>
                <SortHeader list=list column=ServiceColumn::Status label="Status"/>
                <SortHeader list=list column=ServiceColumn::Auto label="Auto-accept"/>
                <th class=TH>"Zones"</th>
                <SortHeader list=list column=ServiceColumn::Connections label="Connections"/>
                <SortHeader list=list column=ServiceColumn::Created label="Created"/>
            </tr></thead>
            <tbody>
                {page.items.into_iter().map(|s| view! { <ServiceRow service=s/> }).collect_view()}
            </tbody>
        </table>
        <Pager pages=list.pages matching=page.total shown=shown next_token=page.next_token/>
    }
}

/// One service in the list.
#[component]
fn ServiceRow(service: ServiceView) -> impl IntoView {
    let s = service;
    view! {
        <tr class=TR>
            <td class="py-2 pr-4"><A href=format!("/services/{}", s.id) attr:class=LINK>{s.description.clone()}</A>
                <br/><span class="font-mono text-xs text-slate-500">{s.id.clone()}</span></td>
            <td class="pr-4">{s.resource_type.to_uppercase()}</td>
            <td class="pr-4"><StatusBadge status=s.status/></td>
            <td class="pr-4">{if s.auto_accept { "Yes" } else { "No" }}</td>
            <td class="pr-4">{s.zones.join(", ")}</td>
            <td class="pr-4">{s.connection_count}
                {(s.pending_count > 0).then(|| view! {
                    <A href=format!("/services/{}?tab=connections", s.id)
                        attr:class="ml-2 rounded-full bg-amber-100 px-2 text-xs text-amber-800 dark:bg-amber-900/40 dark:text-amber-300">
                        {format!("{} waiting", s.pending_count)}
                    </A>
                })}
            </td>
            <td class="pr-4 font-mono text-xs">{s.created_at.clone()}</td>
        </tr>
    }
}

/// Step-by-step publish form: type → load balancers and zones of this account → settings.
#[component]
fn PublishForm(create: ServerAction<CreateService>) -> impl IntoView {
    let region = use_region();
    let scope = crate::ui::session::use_scope();
    let inventory = Resource::new(scope, |(_, r)| get_inventory(r));
    let lb_type = RwSignal::new("nlb".to_string());
    let chosen = RwSignal::new(Vec::<ResourceChoice>::new());
    let description = RwSignal::new(String::new());
    let auto_accept = RwSignal::new(false);
    let submit = move |_| {
        create.dispatch(CreateService {
            form: NewServiceForm {
                region: region(),
                resource_type: lb_type.get(),
                resources: chosen.get(),
                description: description.get(),
                auto_accept: auto_accept.get(),
            },
        });
    };
    view! {
        <section class=format!("mt-8 {CARD}") id="publish-form">
            <h2 class="text-lg font-semibold">"Publish a service"</h2>
            <p class="text-sm text-slate-500">"1. Choose the load balancer type. 2. Pick load balancers and zones. 3. Describe it."</p>
            <div class="mt-3 flex gap-4 text-sm" role="radiogroup" aria-label="Load balancer type">
                {["nlb", "alb", "clb", "gwlb"].into_iter().map(|t| view! {
                    <label class="flex items-center gap-1">
                        <input type="radio" name="lb_type" value=t id=format!("lb-type-{t}") checked=move || lb_type.get() == t
                            on:change=move |_| { lb_type.set(t.to_string()); chosen.set(vec![]); }/>
                        {t.to_uppercase()}
                    </label>
                }).collect_view()}
            </div>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let inv = inventory.await.unwrap_or_default();
                    let want = lb_type.get();
                    let options: Vec<(ResourceChoice, String)> = inv.load_balancers.into_iter()
                        .filter(|l| l.lb_type.as_str() == want && l.privatelink_supported)
                        .flat_map(|l| l.zones.clone().into_iter().map(move |z| (ResourceChoice { resource_id: l.id.clone(), zone_id: z.clone() }, format!("{} ({}) — {}", l.name, l.id, z))))
                        .collect();
                    if options.is_empty() {
                        return view! { <p class="mt-3 text-sm text-slate-500">"This account has no load balancer of this type here."</p> }.into_any();
                    }
                    view! {
                        <div class="mt-3 space-y-1 text-sm" id="resource-choices">
                            {options.into_iter().map(|(choice, label)| {
                                let value = format!("{}@{}", choice.resource_id, choice.zone_id);
                                let v = choice;
                                view! {
                                    <label class="flex items-center gap-2">
                                        <input type="checkbox" value=value
                                            on:change=move |ev| {
                                                let on = event_target_checked(&ev);
                                                chosen.update(|c| { c.retain(|x| *x != v); if on { c.push(v.clone()); } });
                                            }/>
                                        {label}
                                    </label>
                                }
                            }).collect_view()}
                        </div>
                    }.into_any()
                })}
            </Transition>
            <div class="mt-3 flex flex-wrap items-center gap-3 text-sm">
                <input class=INPUT id="service-description" placeholder="Description, e.g. Orders API" aria-label="Description" prop:value=description
                    on:input=move |ev| description.set(event_target_value(&ev))/>
                <label class="flex items-center gap-1"><input type="checkbox" id="auto-accept" prop:checked=auto_accept
                    on:change=move |ev| auto_accept.set(event_target_checked(&ev))/>"Accept connections automatically"</label>
                <ActionButton attr:id="publish" label="Publish" pending=create.pending() on_click=submit/>
            </div>
        </section>
    }
}
