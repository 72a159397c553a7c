//! Consumer pages: the endpoints list, the create form (find a service by name, VPC, security
//! groups, zones) and an endpoint's detail page with domains, DNS answer, connection and zones. Live.

use crate::api::endpoints::*;
use crate::api::inventory::get_inventory;
use crate::ui::app::use_region;
use crate::ui::live::use_live;
use crate::ui::style::*;
use crate::ui::widgets::{CopyButton, ErrorBanner, StatusBadge};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

/// The active account's endpoints and the create form.
#[component]
pub fn EndpointsPage() -> impl IntoView {
    let live = use_live();
    let region = use_region();
    let create = ServerAction::<CreateEndpoint>::new();
    let endpoints = Resource::new(
        move || (region(), live.get(), create.version().get()),
        |(r, _, _)| list_my_endpoints(r),
    );
    view! {
        <h1 class="text-xl font-semibold">"Endpoints"</h1>
        <Transition fallback=|| view! { <p class="mt-4 text-slate-500">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match endpoints.await {
                    Err(e) => view! { <ErrorBanner error=e/> }.into_any(),
                    Ok(list) if list.is_empty() => view! { <p class="mt-4 text-sm text-slate-500">"No endpoints in this region yet. Create one below."</p> }.into_any(),
                    Ok(list) => view! {
                        <table class="mt-4 w-full text-sm" id="endpoints-table">
                            <thead class="text-left text-slate-500"><tr>
                                <th class=TH>"Endpoint"</th><th class=TH>"Type"</th><th class=TH>"Service"</th><th class=TH>"Status"</th><th class=TH>"Connection"</th><th class=TH>"VPC"</th>
                            </tr></thead>
                            <tbody>{list.into_iter().map(|e| { let href = format!("/endpoints/{}", e.id); let label = if e.name.is_empty() { e.id.clone() } else { e.name.clone() }; view! {
                                <tr class="border-t border-slate-200 dark:border-slate-800">
                                    <td class="py-2 pr-4"><A href=href attr:class="text-orange-700 dark:text-orange-300 hover:underline">{label}</A>
                                        <br/><span class="font-mono text-xs text-slate-500">{e.id.clone()}</span></td>
                                    <td class="pr-4">{e.endpoint_type.clone()}</td>
                                    <td class="pr-4 font-mono text-xs">{e.service_name.clone()}</td>
                                    <td class="pr-4"><StatusBadge status=e.status.clone()/></td>
                                    <td class="pr-4" data-connection=e.id.clone()><StatusBadge status=e.connection_status.clone()/></td>
                                    <td class="pr-4 font-mono text-xs">{e.vpc_id.clone()}</td>
                                </tr>
                            }}).collect_view()}</tbody>
                        </table>
                    }.into_any(),
                }
            })}
        </Transition>
        <CreateForm create=create/>
    }
}

#[component]
fn CreateForm(create: ServerAction<CreateEndpoint>) -> impl IntoView {
    let region = use_region();
    let inventory = Resource::new(region, get_inventory);
    let service = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let endpoint_type = RwSignal::new("Interface".to_string());
    let vpc = RwSignal::new(String::new());
    let sgs = RwSignal::new(Vec::<String>::new());
    let zones = RwSignal::new(Vec::<String>::new());
    view! {
        <section class="mt-8 rounded-lg border border-slate-200 dark:border-slate-800 bg-white dark:bg-slate-900 p-4 text-sm" id="create-endpoint">
            <h2 class="text-lg font-semibold">"Create an endpoint"</h2>
            <div class="mt-3 grid gap-3 md:grid-cols-2">
                <label class="flex flex-col gap-1">"Service name or id"
                    <input class=INPUT id="endpoint-service" placeholder="com.aliyuncs.privatelink.cn-hangzhou.epsrv-…" prop:value=service on:input=move |ev| service.set(event_target_value(&ev))/></label>
                <label class="flex flex-col gap-1">"Endpoint name"
                    <input class=INPUT id="endpoint-name" placeholder="orders" prop:value=name on:input=move |ev| name.set(event_target_value(&ev))/></label>
                <label class="flex flex-col gap-1">"Type"
                    <select class=INPUT id="endpoint-type" on:change=move |ev| endpoint_type.set(event_target_value(&ev))>
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
                            <select class=INPUT id="endpoint-vpc" on:change=move |ev| { vpc.set(event_target_value(&ev)); sgs.set(vec![]); zones.set(vec![]); }>
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
                                        {inv.vswitches.into_iter().filter(|s| s.vpc_id == v).map(|s| { let value = format!("{}@{}", s.zone_id, s.id); view! {
                                            <label class="flex items-center gap-2"><input type="checkbox" value=value.clone() on:change=move |ev| {
                                                let on = event_target_checked(&ev); zones.update(|z| { z.retain(|x| *x != value); if on { z.push(value.clone()); } });
                                            }/>{format!("{} — vSwitch {} ({}, {} free)", s.zone_id, s.name, s.cidr, s.free_ips)}</label>
                                        }}).collect_view()}
                                    </fieldset>
                                </div>
                            })
                        }}
                    }.into_any()
                })}
            </Transition>
            <button class=format!("mt-4 {BUTTON}") id="create-endpoint-submit" disabled=move || create.pending().get() on:click=move |_| {
                create.dispatch(CreateEndpoint { region: region(), service_name: service.get().trim().to_string(), vpc_id: vpc.get(), security_group_ids: sgs.get(), zones: zones.get(), name: name.get(), endpoint_type: endpoint_type.get() });
            }>{move || if create.pending().get() { "Creating…" } else { "Create endpoint" }}</button>
            {move || create.value().get().map(|r| match r {
                Ok(e) => view! { <p class="mt-3 text-emerald-700" role="status">{format!("Created {}. Connection: {}.", e.id, if e.connection_status == "Disconnected" { "waiting for the provider to accept" } else { "connecting" })}</p> }.into_any(),
                Err(e) => view! { <div class="mt-3"><ErrorBanner error=e/></div> }.into_any(),
            })}
        </section>
    }
}

/// One endpoint: domains, the DNS answer now, connection status and reason, zones and ENIs.
#[component]
pub fn EndpointDetailPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let live = use_live();
    let delete = ServerAction::<DeleteEndpoint>::new();
    let detail = Resource::new(
        move || (id(), live.get(), delete.version().get()),
        |(id, _, _)| endpoint_detail(id),
    );
    view! {
        <A href="/endpoints" attr:class="text-sm text-slate-500 hover:underline">"← Endpoints"</A>
        {move || delete.value().get().and_then(|r| r.err()).map(|e| view! { <div class="mt-3"><ErrorBanner error=e/></div> })}
        <Transition fallback=|| view! { <p class="mt-4 text-slate-500">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Err(e) => view! { <div class="mt-4"><ErrorBanner error=e/></div> }.into_any(),
                    Ok(d) => {
                        let e = d.endpoint.clone();
                        let eid = e.id.clone();
                        let k = d.connection.clone();
                        view! {
                            <h1 class="mt-2 text-xl font-semibold flex items-center gap-3">{if e.name.is_empty() { e.id.clone() } else { e.name.clone() }}<StatusBadge status=e.status.clone()/></h1>
                            <section class="mt-4 space-y-1 text-sm" id="endpoint-overview">
                                <p><span class="text-slate-500">"Endpoint id: "</span><span class="font-mono">{e.id.clone()}</span><CopyButton text=e.id.clone()/></p>
                                <p><span class="text-slate-500">"Service: "</span><span class="font-mono">{e.service_name.clone()}</span></p>
                                <p><span class="text-slate-500">"Endpoint domain: "</span><span class="font-mono" id="endpoint-domain">{e.domain.clone()}</span><CopyButton text=e.domain.clone()/></p>
                                <p id="dns-answer"><span class="text-slate-500">"Resolves now to: "</span>
                                    <span class="font-mono">{if d.dns.addresses.is_empty() { "no address".to_string() } else { d.dns.addresses.join(", ") }}</span>
                                    {(!d.dns.withheld_zones.is_empty()).then(|| view! { <span class="ml-2 text-amber-700">{format!("(withheld, unhealthy: {})", d.dns.withheld_zones.join(", "))}</span> })}</p>
                                <p id="endpoint-connection"><span class="text-slate-500">"Connection: "</span><StatusBadge status=e.connection_status.clone()/>
                                    {(e.connection_status == "Disconnected" && e.reject_reason.is_none()).then(|| view! { <span class="ml-2 text-slate-500">"Waiting for the service provider to accept."</span> })}
                                    {e.reject_reason.clone().map(|r| view! { <span class="ml-2 text-red-700" id="reject-reason">{format!("Provider's reason: {r}")}</span> })}</p>
                                <p><span class="text-slate-500">"Bandwidth limit: "</span>{format!("{} Mbit/s", e.bandwidth)}</p>
                                <p><span class="text-slate-500">"Security groups: "</span>{d.security_groups.iter().map(|g| format!("{} ({})", g.sg_id, g.status)).collect::<Vec<_>>().join(", ")}</p>
                            </section>
                            <section class="mt-6" id="endpoint-zones-table">
                                <h2 class="font-semibold">"Zones & ENIs"</h2>
                                <table class="mt-2 w-full text-sm"><thead class="text-left text-slate-500"><tr>
                                    <th class=TH>"Zone"</th><th class=TH>"Zone domain"</th><th class=TH>"ENI / IP"</th><th class=TH>"Status"</th><th class=TH>"Health"</th><th class=TH>"Bandwidth in force"</th>
                                </tr></thead>
                                <tbody>{d.zones.into_iter().map(|z| view! {
                                    <tr class="border-t border-slate-200 dark:border-slate-800">
                                        <td class="py-1 pr-4">{z.zone_id.clone()}</td>
                                        <td class="pr-4 font-mono text-xs">{z.domain.clone()}<CopyButton text=z.domain.clone()/></td>
                                        <td class="pr-4 font-mono text-xs">{z.eni_id.clone()}<br/>{z.ip.clone()}</td>
                                        <td class="pr-4"><StatusBadge status=z.status.clone()/></td>
                                        <td class="pr-4">{if z.healthy { "Healthy" } else { "Unhealthy (DNS record removed)" }}</td>
                                        <td class="pr-4">{format!("{} Mbit/s (max {})", z.bandwidth_mbps, z.max_bandwidth_mbps)}</td>
                                    </tr>
                                }).collect_view()}</tbody></table>
                            </section>
                            {k.map(|k| view! { <p class="mt-4 text-xs text-slate-500">{format!("Connection last changed {}", k.modified_at)}</p> })}
                            <button class="mt-6 rounded border border-red-300 px-3 py-1.5 text-sm text-red-700 hover:bg-red-50" id="delete-endpoint" on:click=move |_| {
                                #[cfg(feature = "hydrate")]
                                if !window().confirm_with_message("Delete this endpoint and its zones?").unwrap_or(false) { return; }
                                delete.dispatch(DeleteEndpoint { endpoint_id: eid.clone() });
                            }>"Delete endpoint"</button>
                        }.into_any()
                    }
                }
            })}
        </Transition>
    }
}
