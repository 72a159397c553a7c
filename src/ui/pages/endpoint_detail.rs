//! Consumer: one endpoint in tabs — Overview (domains, DNS answer, connection, bandwidth per zone,
//! VPCs resolving the custom domain, tags, delete), Zones & ENIs, Bandwidth (requests for more),
//! Security groups, Policy (Alibaba Cloud services) and Events. Live.

use crate::api::bandwidth::{RequestBandwidth, bandwidth_requests};
use crate::api::dns_links::{SetVpcDnsLink, vpc_dns_links};
use crate::api::endpoints::*;
use crate::api::inventory::get_inventory;
use crate::domain::ApiError;
use crate::domain::bandwidth::BandwidthRequestForm;
use crate::domain::console::{DnsLinkChange, EndpointPolicyForm};
use crate::domain::model::{EndpointView, Lookup};
use crate::ui::live::use_live_for;
use crate::ui::resource_events::ResourceEvents;
use crate::ui::style::*;
use crate::ui::tabs::{TabList, TabPanel, TabSpec, use_tab};
use crate::ui::tags::{TagForm, TagsEditor};
use crate::ui::toast::notify;
use crate::ui::traffic::TrafficChart;
use crate::ui::widgets::{
    ActionButton, ConfirmButton, ConnectionBadge, CopyButton, EmptyState, ErrorBanner,
    MissingObject, RequestStatusBadge, StatusBadge, sections_hidden,
};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};

/// The endpoint detail's data, refetched on every live change.
type EndpointDetail = Resource<Result<Lookup<EndpointDetailView>, ApiError>>;

const ENDPOINT_TABS: &[TabSpec] = &[
    ("overview", "Overview"),
    ("zones", "Zones & ENIs"),
    ("bandwidth", "Bandwidth"),
    ("security-groups", "Security groups"),
    ("policy", "Policy"),
    ("events", "Events"),
];

/// One endpoint, its sections in tabs; `?tab=` picks the section.
#[component]
pub fn EndpointDetailPage() -> impl IntoView {
    let params = use_params_map();
    let id = Signal::derive(move || params.with(|p| p.get("id").unwrap_or_default()));
    let live = use_live_for(&["endpoint", "connection", "service", "demo"]);
    let detail: EndpointDetail = Resource::new(
        move || (id.get(), live.get()),
        |(id, _)| endpoint_detail(id),
    );
    let tab = use_tab("overview");
    view! {
        <A href="/endpoints" attr:class="text-sm text-slate-500 hover:underline">"← Endpoints"</A>
        <Transition fallback=|| view! { <p class="mt-4 text-slate-500">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Err(e) => view! { <div class="mt-4"><ErrorBanner error=e/></div> }.into_any(),
                    Ok(Lookup::Deleted { at }) => view! { <MissingObject kind="endpoint" id=id.get() deleted_at=Some(at) back=("/endpoints", "Endpoints")/> }.into_any(),
                    Ok(Lookup::NotFound) => view! { <MissingObject kind="endpoint" id=id.get() deleted_at=None back=("/endpoints", "Endpoints")/> }.into_any(),
                    Ok(Lookup::Found(d)) => view! {
                        <h1 class="mt-2 text-xl font-semibold flex items-center gap-3">
                            {if d.endpoint.name.is_empty() { d.endpoint.id.clone() } else { d.endpoint.name.clone() }}
                            <StatusBadge status=d.endpoint.status/>
                        </h1>
                    }.into_any(),
                }
            })}
        </Transition>
        <div hidden=sections_hidden(detail)>
            <TabList tabs=ENDPOINT_TABS active=tab label="Endpoint sections"/>
            <TabPanel name="overview" active=tab><EndpointOverview detail=detail endpoint_id=id/></TabPanel>
            <TabPanel name="zones" active=tab><ZonesAndEnis detail=detail/></TabPanel>
            <TabPanel name="bandwidth" active=tab><BandwidthRequests detail=detail endpoint_id=id/></TabPanel>
            <TabPanel name="security-groups" active=tab><EndpointSecurityGroups detail=detail/></TabPanel>
            <TabPanel name="policy" active=tab><PolicyEditor detail=detail endpoint_id=id/></TabPanel>
            <TabPanel name="events" active=tab><ResourceEvents target=id/></TabPanel>
        </div>
    }
}

/// Domains, what the domain resolves to now, the connection and the bandwidth of each zone; tags;
/// delete.
#[component]
fn EndpointOverview(detail: EndpointDetail, endpoint_id: Signal<String>) -> impl IntoView {
    let delete = ServerAction::<DeleteEndpoint>::new();
    notify(delete, |_| "Endpoint is being deleted".to_string());
    let navigate = use_navigate();
    Effect::new(move |_| {
        if matches!(delete.value().get(), Some(Ok(_))) {
            navigate("/endpoints", Default::default());
        }
    });
    let tag_form = TagForm::with_toasts();
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let Ok(Lookup::Found(d)) = detail.await else { return ().into_any() };
                let e = d.endpoint;
                let unenforced = d.connection.as_ref().is_some_and(|k| k.elastic);
                view! {
                    <section class="space-y-1 text-sm" id="endpoint-overview">
                        <p><span class="text-slate-500">"Endpoint id: "</span><span class="font-mono">{e.id.clone()}</span><CopyButton text=e.id.clone()/></p>
                        <p><span class="text-slate-500">"Service: "</span><span class="font-mono">{e.service_name.clone()}</span><CopyButton text=e.service_name.clone()/></p>
                        <p><span class="text-slate-500">"Endpoint domain: "</span><span class="font-mono" id="endpoint-domain">{e.domain.clone()}</span><CopyButton text=e.domain.clone()/></p>
                        <p id="dns-answer"><span class="text-slate-500">"Resolves now to: "</span>
                            <span class="font-mono">{if d.dns.addresses.is_empty() { "no address".to_string() } else { d.dns.addresses.join(", ") }}</span>
                            {(!d.dns.withheld_zones.is_empty()).then(|| view! { <span class="ml-2 text-amber-700 dark:text-amber-300">{format!("(withheld, unhealthy: {})", d.dns.withheld_zones.join(", "))}</span> })}</p>
                        <ConnectionSummary endpoint=e.clone()/>
                        <p><span class="text-slate-500">"Bandwidth limit: "</span>{format!("{} Mbit/s", e.bandwidth)}
                            {unenforced.then(|| view! {
                                <span class=HINT>" — not enforced while the provider leaves the connection elastic; each zone runs at the bandwidth below"</span>
                            })}</p>
                        <p><span class="text-slate-500">"Resource group: "</span><span class="font-mono" id="resource-group">{e.resource_group_id.clone()}</span></p>
                        {d.connection.map(|k| view! { <p class=HINT>{format!("Connection last changed {}", k.modified_at)}</p> })}
                    </section>
                    <h2 class="mt-6 font-semibold">"Bandwidth per zone"</h2>
                    <table class="mt-2 w-full text-sm" id="zone-bandwidth"><thead class="text-left text-slate-500"><tr>
                        <th class=TH>"Zone"</th><th class=TH>"Zone domain"</th><th class=TH>"Bandwidth in force"</th><th class=TH>"Maximum"</th>
                    </tr></thead>
                    <tbody>{d.zones.into_iter().map(|z| view! {
                        <tr class=TR>
                            <td class="py-1 pr-4">{z.zone_id.clone()}</td>
                            <td class="pr-4 font-mono text-xs">{z.domain.clone()}<CopyButton text=z.domain.clone()/></td>
                            <td class="pr-4">{format!("{} Mbit/s", z.bandwidth_mbps)}</td>
                            <td class="pr-4">{format!("{} Mbit/s", z.max_bandwidth_mbps)}</td>
                        </tr>
                    }).collect_view()}</tbody></table>
                    <TagsEditor resource_type="VpcEndpoint" resource_id=endpoint_id tags=e.tags.clone() form=tag_form/>
                }.into_any()
            })}
        </Transition>
        <section class="mt-6" id="endpoint-traffic">
            <h2 class="font-semibold">"Traffic"</h2>
            <p class=HINT>"Live, per zone ENI: what the data plane carries through each zone's local address, updated every second."</p>
            <TrafficChart endpoint_id=endpoint_id active=Memo::new(move |_| matches!(detail.get(), Some(Ok(Lookup::Found(_)))))/>
        </section>
        <CustomDomainResolvers endpoint_id=endpoint_id/>
        <section class="mt-6">
            <ConfirmButton attr:id="delete-endpoint" label="Delete endpoint"
                question="Delete this endpoint and its zones? Its connection ends."
                pending=delete.pending()
                on_confirm=move |_| { delete.dispatch(DeleteEndpoint { endpoint_id: endpoint_id.get() }); }/>
        </section>
    }
}

/// The connection status and, when there is one, why it is not connected.
#[component]
fn ConnectionSummary(endpoint: EndpointView) -> impl IntoView {
    let e = endpoint;
    view! {
        <p id="endpoint-connection"><span class="text-slate-500">"Connection: "</span><ConnectionBadge status=e.connection_status awaiting_decision=e.awaiting_decision/>
            {e.awaiting_decision.then(|| view! { <span class="ml-2 text-slate-500">"Waiting for the service provider to accept."</span> })}
            {e.reject_reason.clone().map(|r| view! { <span class="ml-2 text-red-700 dark:text-red-300" id="reject-reason">{format!("Provider's reason: {r}")}</span> })}</p>
    }
}

/// Each zone's ENI, address, domain, status and health.
#[component]
fn ZonesAndEnis(detail: EndpointDetail) -> impl IntoView {
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let Ok(Lookup::Found(d)) = detail.await else { return ().into_any() };
                if d.zones.is_empty() {
                    return view! { <EmptyState name="zones" title="No zones" hint="The endpoint has no ENI left; it is being deleted or its zones were removed."/> }.into_any();
                }
                view! {
                    <table class="w-full text-sm" id="endpoint-zones-table"><thead class="text-left text-slate-500"><tr>
                        <th class=TH>"Zone"</th><th class=TH>"vSwitch"</th><th class=TH>"ENI / IP"</th><th class=TH>"Local address"</th><th class=TH>"Status"</th><th class=TH>"Health"</th><th class=TH>"Serving resource"</th>
                    </tr></thead>
                    <tbody>{d.zones.into_iter().map(|z| view! {
                        <tr class=TR>
                            <td class="py-1 pr-4">{z.zone_id.clone()}</td>
                            <td class="pr-4 font-mono text-xs">{z.vswitch_id.clone()}</td>
                            <td class="pr-4 font-mono text-xs">{z.eni_id.clone()}<br/>{z.ip.clone()}{z.ipv6.clone().map(|v6| view! { <br/>{v6} })}</td>
                            <td class="pr-4 font-mono text-xs" data-local-ip="">{z.local_ip.clone().unwrap_or_else(|| "—".into())}</td>
                            <td class="pr-4"><StatusBadge status=z.status/></td>
                            <td class="pr-4">{if z.healthy { "Healthy" } else { "Unhealthy (DNS record removed)" }}</td>
                            <td class="pr-4 font-mono text-xs">{z.resource_id.clone().unwrap_or_else(|| "—".into())}</td>
                        </tr>
                    }).collect_view()}</tbody></table>
                }.into_any()
            })}
        </Transition>
    }
}

/// The security groups on the endpoint's ENIs.
#[component]
fn EndpointSecurityGroups(detail: EndpointDetail) -> impl IntoView {
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let Ok(Lookup::Found(d)) = detail.await else { return ().into_any() };
                if d.security_groups.is_empty() {
                    return view! { <EmptyState name="security-groups" title="No security groups" hint="This endpoint type needs none."/> }.into_any();
                }
                view! {
                    <table class="w-full text-sm" id="endpoint-sgs-table"><thead class="text-left text-slate-500"><tr>
                        <th class=TH>"Security group"</th><th class=TH>"Status"</th>
                    </tr></thead>
                    <tbody>{d.security_groups.into_iter().map(|g| view! {
                        <tr class=TR><td class="py-1 pr-4 font-mono text-xs">{g.sg_id}</td><td class="pr-4"><StatusBadge status=g.status/></td></tr>
                    }).collect_view()}</tbody></table>
                }.into_any()
            })}
        </Transition>
    }
}

/// The endpoint policy (only interface endpoints of Alibaba Cloud services have one): edit and
/// save it, or go back to the default.
#[component]
fn PolicyEditor(detail: EndpointDetail, endpoint_id: Signal<String>) -> impl IntoView {
    let save = ServerAction::<UpdateEndpointPolicy>::new();
    notify(save, |_| "Policy saved".to_string());
    let draft = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        if matches!(save.value().get(), Some(Ok(_))) {
            draft.set(None);
        }
    });
    let dispatch = move |reset: bool| {
        save.dispatch(UpdateEndpointPolicy {
            form: EndpointPolicyForm {
                endpoint_id: endpoint_id.get(),
                policy_document: draft.get().unwrap_or_default(),
                reset,
            },
        });
    };
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let Ok(Lookup::Found(d)) = detail.await else { return ().into_any() };
                let Some(policy) = d.endpoint.policy_document.clone() else {
                    return view! { <p class="text-sm text-slate-500" id="policy-none">"Endpoint policies apply only to interface endpoints of Alibaba Cloud services; this endpoint has none."</p> }.into_any();
                };
                let shown = policy.clone();
                view! {
                    <section class="text-sm" id="endpoint-policy">
                        <p class=HINT>"Which requests through this endpoint the Alibaba Cloud service allows (JSON policy document)."</p>
                        <textarea class=format!("{INPUT} mt-2 h-64 w-full font-mono text-xs") aria-label="Policy document"
                            prop:value=move || draft.get().unwrap_or_else(|| shown.clone())
                            on:input=move |ev| draft.set(Some(event_target_value(&ev)))></textarea>
                        <div class="mt-2 flex gap-2">
                            <ActionButton label="Save policy" pending=save.pending() disabled=Signal::derive(move || draft.with(Option::is_none)) on_click=move |_| dispatch(false)/>
                            <ActionButton label="Restore the default policy" quiet=true pending=save.pending() on_click=move |_| dispatch(true)/>
                        </div>
                    </section>
                }.into_any()
            })}
        </Transition>
    }
}

/// Ask the operator for more per-zone bandwidth than the maximum, and the requests made so far.
#[component]
fn BandwidthRequests(detail: EndpointDetail, endpoint_id: Signal<String>) -> impl IntoView {
    let live = use_live_for(&["endpoint", "connection"]);
    let ask = ServerAction::<RequestBandwidth>::new();
    notify(ask, |r| {
        format!("Asked for {} Mbit/s per zone; the operator decides", r.mbps)
    });
    let mbps = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    Effect::new(move |_| {
        if matches!(ask.value().get(), Some(Ok(_))) {
            mbps.set(String::new());
            reason.set(String::new());
        }
    });
    let requests = Resource::new(
        move || (endpoint_id.get(), live.get()),
        |(id, _)| bandwidth_requests(id),
    );
    let submit = move |_| {
        ask.dispatch(RequestBandwidth {
            form: BandwidthRequestForm {
                endpoint_id: endpoint_id.get(),
                mbps: mbps.get().trim().parse().unwrap_or(0),
                reason: reason.get(),
            },
        });
    };
    view! {
        <section class="text-sm" id="bandwidth-requests">
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let Ok(Lookup::Found(d)) = detail.await else { return ().into_any() };
                    let max = d.zones.iter().map(|z| z.max_bandwidth_mbps).max().unwrap_or_default();
                    view! { <p>{format!("Per-zone maximum now: {max} Mbit/s. Ask for more (up to {} Mbit/s) with a reason; the operator grants or denies it.", crate::domain::bandwidth::REQUEST_MAX_MBPS)}</p> }.into_any()
                })}
            </Transition>
            <div class=format!("mt-3 {CARD} flex flex-wrap items-end gap-3")>
                <label class="flex flex-col gap-1">"Mbit/s per zone"
                    <input class=INPUT type="number" id="bandwidth-request-mbps" prop:value=mbps on:input=move |ev| mbps.set(event_target_value(&ev))/></label>
                <label class="flex flex-1 flex-col gap-1">"Reason"
                    <input class=INPUT id="bandwidth-request-reason" placeholder="Black Friday traffic" prop:value=reason on:input=move |ev| reason.set(event_target_value(&ev))/></label>
                <ActionButton attr:id="bandwidth-request-submit" label="Request more bandwidth" pending=ask.pending() on_click=submit/>
            </div>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match requests.await {
                        Err(e) => view! { <div class="mt-3"><ErrorBanner error=e/></div> }.into_any(),
                        Ok(list) if list.is_empty() => view! { <EmptyState name="bandwidth-requests" title="No bandwidth requests yet" hint="Ask for more per-zone bandwidth with the form above." action="Request more bandwidth" focus="bandwidth-request-mbps"/> }.into_any(),
                        Ok(list) => view! {
                            <table class="mt-3 w-full" id="bandwidth-request-list"><thead class="text-left text-slate-500"><tr>
                                <th class=TH>"Asked"</th><th class=TH>"Mbit/s per zone"</th><th class=TH>"Reason"</th><th class=TH>"Status"</th><th class=TH>"Decided"</th>
                            </tr></thead>
                            <tbody>{list.into_iter().map(|r| view! {
                                <tr class=TR data-request=r.id>
                                    <td class="py-1 pr-4 font-mono text-xs">{r.created_at}</td><td class="pr-4">{r.mbps}</td><td class="pr-4">{r.reason}</td>
                                    <td class="pr-4"><RequestStatusBadge status=r.status/></td>
                                    <td class="pr-4 font-mono text-xs">{r.decided_at.unwrap_or_else(|| "—".into())}</td>
                                </tr>
                            }).collect_view()}</tbody></table>
                        }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// For endpoints with private DNS: the other VPCs that may resolve the service's custom domain.
#[component]
fn CustomDomainResolvers(endpoint_id: Signal<String>) -> impl IntoView {
    let live = use_live_for(&["endpoint", "inventory"]);
    let link = ServerAction::<SetVpcDnsLink>::new();
    notify(link, |_| "VPC DNS link changed".to_string());
    let chosen = RwSignal::new(String::new());
    // (the endpoint's VPC, the links into it), or None when private DNS is off.
    let links = Resource::new(
        move || (endpoint_id.get(), live.get()),
        |(id, _)| async move {
            let Lookup::Found(d) = endpoint_detail(id).await? else {
                return Ok(None);
            };
            if !d.endpoint.private_dns_enabled {
                return Ok::<_, ApiError>(None);
            }
            let vpc = d.endpoint.vpc_id;
            let linked = vpc_dns_links(vpc.clone()).await?;
            Ok(Some((vpc, linked)))
        },
    );
    let scope = crate::ui::session::use_scope();
    let inventory = Resource::new(scope, |(_, r)| get_inventory(r));
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let Ok(Some((target, linked))) = links.await else { return ().into_any() };
                let vpcs = inventory.await.map(|i| i.vpcs).unwrap_or_default();
                let linked_ids: Vec<String> = linked.iter().map(|l| l.vpc_id.clone()).collect();
                let candidates: Vec<_> = vpcs.into_iter().filter(|v| v.id != target && !linked_ids.contains(&v.id)).collect();
                let target_add = target.clone();
                view! {
                    <section class=format!("mt-6 {CARD} text-sm") id="dns-resolvers">
                        <h2 class="font-semibold">"VPCs that can resolve the custom domain"</h2>
                        <p class=HINT>{format!("Besides {target}, these VPCs of yours resolve the service's custom domain to this endpoint.")}</p>
                        <ul class="mt-2 space-y-1">
                            {linked.into_iter().map(|l| {
                                let (vpc, target) = (l.vpc_id.clone(), target.clone());
                                view! {
                                    <li class="flex items-center gap-3" data-dns-link=l.vpc_id.clone()><span class="font-mono text-xs">{l.vpc_id.clone()}</span>
                                        <ConfirmButton label="Remove" question=format!("Stop {} resolving the custom domain?", l.vpc_id) pending=link.pending()
                                            on_confirm=move |_| { link.dispatch(SetVpcDnsLink { change: DnsLinkChange { vpc_id: vpc.clone(), target_vpc_id: target.clone(), link: false } }); }/></li>
                                }
                            }).collect_view()}
                        </ul>
                        <div class="mt-3 flex flex-wrap items-end gap-2">
                            <select class=INPUT id="dns-link-vpc" aria-label="VPC to add" on:change=move |ev| chosen.set(event_target_value(&ev))>
                                <option value="">"Choose a VPC"</option>
                                {candidates.into_iter().map(|v| view! { <option value=v.id.clone()>{format!("{} ({})", v.name, v.id)}</option> }).collect_view()}
                            </select>
                            <ActionButton attr:id="dns-link-add" label="Let it resolve" quiet=true pending=link.pending()
                                on_click=move |_| { link.dispatch(SetVpcDnsLink { change: DnsLinkChange { vpc_id: chosen.get(), target_vpc_id: target_add.clone(), link: true } }); }/>
                        </div>
                    </section>
                }.into_any()
            })}
        </Transition>
    }
}
