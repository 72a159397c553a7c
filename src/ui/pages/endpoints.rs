//! Consumer: the endpoints list (filter, sort, pages) and the create form (find a service by name,
//! VPC, security groups, zones). Live.

use crate::api::endpoints::*;
use crate::api::inventory::get_inventory;
use crate::domain::console::{
    EndpointColumn, ListPage, NewEndpointForm, ZoneChoice, endpoint_label,
};
use crate::domain::model::EndpointView;
use crate::ui::live::use_live_for;
use crate::ui::pages::catalogue::ServicePicker;
use crate::ui::session::use_region;
use crate::ui::style::*;
use crate::ui::table::{FilterBox, ListView, Pager, SortHeader};
use crate::ui::toast::notify;
use crate::ui::widgets::{ActionButton, ConnectionBadge, EmptyState, ErrorBanner, StatusBadge};
use leptos::prelude::*;
use leptos_router::components::A;

/// The active account's endpoints and the create form.
#[component]
pub fn EndpointsPage() -> impl IntoView {
    let live = use_live_for(&["endpoint", "connection", "service", "demo"]);
    let region = use_region();
    let create = ServerAction::<CreateEndpoint>::new();
    notify(create, |e| {
        let next = if e.awaiting_decision {
            "pending acceptance, waiting for the provider to accept"
        } else {
            "connecting"
        };
        format!("Endpoint {} created — {next}.", e.id)
    });
    let list = ListView::new(EndpointColumn::Name);
    let endpoints = Resource::new(
        move || (list.query(region()), live.get(), create.version().get()),
        |(q, _, _)| list_my_endpoints(q),
    );
    view! {
        <div class="flex flex-wrap items-center justify-between gap-3">
            <h1 class="text-xl font-semibold">"Endpoints"</h1>
            <FilterBox list=list placeholder="Filter by name or id"/>
        </div>
        <Transition fallback=|| view! { <p class="mt-4 text-slate-500">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match endpoints.await {
                    Err(e) => view! { <div class="mt-4"><ErrorBanner error=e/></div> }.into_any(),
                    Ok(page) if page.total == 0 && list.filter.get_untracked().trim().is_empty() => view! { <EmptyState name="endpoints" title=format!("No endpoints in {}", region()) hint="Create one below to reach a provider's service from your VPC, or pick a service under Available services." action="Create an endpoint" focus="endpoint-service"/> }.into_any(),
                    Ok(page) => view! { <EndpointsTable page=page list=list/> }.into_any(),
                }
            })}
        </Transition>
        <CreateForm create=create/>
    }
}

/// One page of the endpoints table.
#[component]
fn EndpointsTable(page: ListPage<EndpointView>, list: ListView<EndpointColumn>) -> impl IntoView {
    let shown = page.items.len();
    view! {
        <table class="mt-4 w-full text-sm" id="endpoints-table">
            <thead class="text-left text-slate-500"><tr>
                <SortHeader list=list column=EndpointColumn::Name label="Endpoint"/>
                <SortHeader list=list column=EndpointColumn::Type label="Type"/>
                <SortHeader list=list column=EndpointColumn::Service label="Service"/>
                <SortHeader list=list column=EndpointColumn::Status label="Status"/>
                <SortHeader list=list column=EndpointColumn::Connection label="Connection"/>
                <SortHeader list=list column=EndpointColumn::Vpc label="VPC"/>
            </tr></thead>
            <tbody>{page.items.into_iter().map(|e| view! { <EndpointRow endpoint=e/> }).collect_view()}</tbody>
        </table>
        <Pager pages=list.pages matching=page.total shown=shown next_token=page.next_token/>
    }
}

/// One endpoint in the list.
#[component]
fn EndpointRow(endpoint: EndpointView) -> impl IntoView {
    let e = endpoint;
    let label = endpoint_label(&e).to_string();
    view! {
        <tr class=TR>
            <td class="py-2 pr-4"><A href=format!("/endpoints/{}", e.id) attr:class=LINK>{label}</A>
                <br/><span class="font-mono text-xs text-slate-500">{e.id.clone()}</span></td>
            <td class="pr-4">{e.endpoint_type.clone()}</td>
            <td class="pr-4 font-mono text-xs">{e.service_name.clone()}</td>
            <td class="pr-4"><StatusBadge status=e.status/></td>
            <td class="pr-4" data-connection=e.id.clone()><ConnectionBadge status=e.connection_status awaiting_decision=e.awaiting_decision/></td>
            <td class="pr-4 font-mono text-xs">{e.vpc_id.clone()}</td>
        </tr>
    }
}

/// Creates an endpoint: service by name or id, VPC, security groups and one vSwitch per zone.
#[component]
fn CreateForm(create: ServerAction<CreateEndpoint>) -> impl IntoView {
    let region = use_region();
    let scope = crate::ui::session::use_scope();
    let inventory = Resource::new(scope, |(_, r)| get_inventory(r));
    let service = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let endpoint_type = RwSignal::new("Interface".to_string());
    let vpc = RwSignal::new(String::new());
    let sgs = RwSignal::new(Vec::<String>::new());
    let zones = RwSignal::new(Vec::<ZoneChoice>::new());
    view! {
        <section class=format!("mt-8 {CARD} text-sm") id="create-endpoint">
            <h2 class="text-lg font-semibold">"Create an endpoint"</h2>
            <div class="mt-3 grid gap-3 md:grid-cols-2">
                <label class="flex flex-col gap-1">"Service name or id"
                    <input class=INPUT id="endpoint-service" placeholder="com.aliyuncs.privatelink.cn-hangzhou.epsrv-…" prop:value=service on:input=move |ev| service.set(event_target_value(&ev))/></label>
                <ServicePicker service=service endpoint_type=endpoint_type/>
                <label class="flex flex-col gap-1">"Endpoint name"
                    <input class=INPUT id="endpoint-name" placeholder="orders" prop:value=name on:input=move |ev| name.set(event_target_value(&ev))/></label>
                <label class="flex flex-col gap-1">"Type"
                    <select class=INPUT id="endpoint-type" prop:value=endpoint_type on:change=move |ev| endpoint_type.set(event_target_value(&ev))>
                        <option value="Interface">"Interface (NLB, ALB, CLB services)"</option>
                        <option value="GatewayLoadBalancer">"Gateway Load Balancer (GWLB services)"</option>
                        <option value="Reverse">"Reverse (Alibaba Cloud services)"</option>
                    </select></label>
            </div>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let inv = inventory.await.unwrap_or_default();
                    let vpcs = inv.vpcs.clone();
                    let inv2 = inv.clone();
                    view! {
                        <label class="mt-3 flex flex-col gap-1">"VPC"
                            <select class=INPUT id="endpoint-vpc" on:change=move |ev| {
                                let chosen = event_target_value(&ev);
                                // Security groups and vSwitches belong to one VPC: start over when it changes.
                                if chosen != vpc.get_untracked() { vpc.set(chosen); sgs.set(vec![]); zones.set(vec![]); }
                            }>
                                <option value="">"Choose a VPC"</option>
                                {vpcs.into_iter().map(|v| view! { <option value=v.id.clone()>{format!("{} ({}, {})", v.name, v.id, v.cidr)}</option> }).collect_view()}
                            </select></label>
                        {move || {
                            let v = vpc.get();
                            let inv = inv2.clone();
                            (!v.is_empty()).then(|| view! {
                                <div class="mt-3 grid gap-3 md:grid-cols-2">
                                    <fieldset id="endpoint-sgs"><legend class="font-medium">"Security groups"</legend>
                                        {inv.security_groups.into_iter().filter(|g| g.vpc_id == v).map(|g| { let id = g.id.clone(); view! {
                                            <label class="flex items-center gap-2"><input type="checkbox" value=g.id.clone() on:change=move |ev| {
                                                let on = event_target_checked(&ev); sgs.update(|s| { s.retain(|x| *x != id); if on { s.push(id.clone()); } });
                                            }/>{format!("{} ({})", g.name, g.id)}</label>
                                        }}).collect_view()}
                                    </fieldset>
                                    <fieldset id="endpoint-zones"><legend class="font-medium">"Zones (one ENI per zone)"</legend>
                                        {inv.vswitches.into_iter().filter(|s| s.vpc_id == v).map(|s| { let choice = ZoneChoice { zone_id: s.zone_id.clone(), vswitch_id: s.id.clone(), ip: None }; view! {
                                            <label class="flex items-center gap-2"><input type="checkbox" value=format!("{}@{}", s.zone_id, s.id) on:change=move |ev| {
                                                let on = event_target_checked(&ev); zones.update(|z| { z.retain(|x| *x != choice); if on { z.push(choice.clone()); } });
                                            }/>{format!("{} — vSwitch {} ({}, {} free)", s.zone_id, s.name, s.cidr, s.free_ips)}</label>
                                        }}).collect_view()}
                                    </fieldset>
                                </div>
                            })
                        }}
                    }.into_any()
                })}
            </Transition>
            <div class="mt-4">
                <ActionButton attr:id="create-endpoint-submit" label="Create endpoint" pending=create.pending() on_click=move |_| {
                    create.dispatch(CreateEndpoint { form: NewEndpointForm { region: region(), service: service.get(), vpc_id: vpc.get(), security_group_ids: sgs.get(), zones: zones.get(), name: name.get(), endpoint_type: endpoint_type.get() } });
                }/>
            </div>
        </section>
    }
}
