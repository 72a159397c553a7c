//! Provider pages: the endpoint services list (with a publish form) and a service's detail page with
//! its settings, resources, whitelist and the connection queue. Live.

use crate::api::inventory::get_inventory;
use crate::api::services::*;
use crate::domain::model::ConnectionView;
use crate::ui::app::use_region;
use crate::ui::live::use_live;
use crate::ui::style::*;
use crate::ui::widgets::{CopyButton, ErrorBanner, StatusBadge};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

/// Endpoint services of the active account, and a form to publish one.
#[component]
pub fn ServicesPage() -> impl IntoView {
    let live = use_live();
    let region = use_region();
    let create = ServerAction::<CreateService>::new();
    let services = Resource::new(
        move || (region(), live.get(), create.version().get()),
        |(r, _, _)| list_my_services(r),
    );
    view! {
        <div class="flex items-center justify-between">
            <h1 class="text-xl font-semibold">"Endpoint services"</h1>
        </div>
        <Transition fallback=|| view! { <p class="mt-4 text-slate-500">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match services.await {
                    Err(e) => view! { <ErrorBanner error=e/> }.into_any(),
                    Ok(list) if list.is_empty() => view! { <p class="mt-4 text-sm text-slate-500">"No endpoint services in this region yet. Publish one below."</p> }.into_any(),
                    Ok(list) => view! {
                        <table class="mt-4 w-full text-sm" id="services-table">
                            <thead class="text-left text-slate-500"><tr>
                                <th class=TH>"Service"</th><th class=TH>"Type"</th><th class=TH>"Status"</th>
                                <th class=TH>"Auto-accept"</th><th class=TH>"Zones"</th><th class=TH>"Connections"</th><th class=TH>"Created"</th>
                            </tr></thead>
                            <tbody>
                                {list.into_iter().map(|s| {
                                    let href = format!("/services/{}", s.id);
                                    view! {
                                        <tr class="border-t border-slate-200 dark:border-slate-800">
                                            <td class="py-2 pr-4"><A href=href attr:class="text-orange-700 dark:text-orange-300 hover:underline">{s.description.clone()}</A>
                                                <br/><span class="font-mono text-xs text-slate-500">{s.id.clone()}</span></td>
                                            <td class="pr-4">{s.resource_type.to_uppercase()}</td>
                                            <td class="pr-4"><StatusBadge status=s.status.clone()/></td>
                                            <td class="pr-4">{if s.auto_accept { "Yes" } else { "No" }}</td>
                                            <td class="pr-4">{s.zones.join(", ")}</td>
                                            <td class="pr-4">{s.connection_count}
                                                {(s.pending_count > 0).then(|| view! { <span class="ml-2 rounded-full bg-amber-100 px-2 text-xs text-amber-800">{format!("{} waiting", s.pending_count)}</span> })}
                                            </td>
                                            <td class="pr-4 font-mono text-xs">{s.created_at.clone()}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any(),
                }
            })}
        </Transition>
        <PublishForm create=create/>
    }
}

/// Step-by-step publish form: type → load balancers and zones of this account → settings.
#[component]
fn PublishForm(create: ServerAction<CreateService>) -> impl IntoView {
    let region = use_region();
    let inventory = Resource::new(region, get_inventory);
    let lb_type = RwSignal::new("nlb".to_string());
    let chosen = RwSignal::new(Vec::<String>::new());
    let description = RwSignal::new(String::new());
    let auto_accept = RwSignal::new(false);
    let submit = move |_| {
        create.dispatch(CreateService {
            region: region(),
            resource_type: lb_type.get(),
            resources: chosen.get(),
            description: description.get(),
            auto_accept: auto_accept.get(),
        });
    };
    view! {
        <section class="mt-8 rounded-lg border border-slate-200 dark:border-slate-800 bg-white dark:bg-slate-900 p-4" id="publish-form">
            <h2 class="text-lg font-semibold">"Publish a service"</h2>
            <p class="text-sm text-slate-500">"1. Choose the load balancer type. 2. Pick load balancers and zones. 3. Describe it."</p>
            <div class="mt-3 flex gap-4 text-sm">
                {["nlb", "alb", "clb", "gwlb"].into_iter().map(|t| view! {
                    <label class="flex items-center gap-1">
                        <input type="radio" name="lb_type" value=t checked=move || lb_type.get() == t
                            on:change=move |_| { lb_type.set(t.to_string()); chosen.set(vec![]); }/>
                        {t.to_uppercase()}
                    </label>
                }).collect_view()}
            </div>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let inv = inventory.await.unwrap_or_default();
                    let want = lb_type.get();
                    let options: Vec<(String, String)> = inv.load_balancers.into_iter()
                        .filter(|l| l.lb_type.as_str() == want && l.privatelink_supported)
                        .flat_map(|l| l.zones.clone().into_iter().map(move |z| (format!("{}@{}", l.id, z), format!("{} ({}) — {}", l.name, l.id, z))))
                        .collect();
                    if options.is_empty() {
                        return view! { <p class="mt-3 text-sm text-slate-500">"This account has no load balancer of this type here."</p> }.into_any();
                    }
                    view! {
                        <div class="mt-3 space-y-1 text-sm" id="resource-choices">
                            {options.into_iter().map(|(value, label)| {
                                let v = value.clone();
                                view! {
                                    <label class="flex items-center gap-2">
                                        <input type="checkbox" value=value.clone()
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
                <input class=INPUT id="service-description" placeholder="Description, e.g. Orders API" prop:value=description
                    on:input=move |ev| description.set(event_target_value(&ev))/>
                <label class="flex items-center gap-1"><input type="checkbox" id="auto-accept" prop:checked=auto_accept
                    on:change=move |ev| auto_accept.set(event_target_checked(&ev))/>"Accept connections automatically"</label>
                <button class=BUTTON id="publish" on:click=submit disabled=move || create.pending().get()>
                    {move || if create.pending().get() { "Publishing…" } else { "Publish" }}
                </button>
            </div>
            {move || create.value().get().map(|r| match r {
                Ok(s) => view! { <p class="mt-3 text-sm text-emerald-700" role="status">{format!("Published {} — it becomes Available in a moment.", s.id)}</p> }.into_any(),
                Err(e) => view! { <div class="mt-3"><ErrorBanner error=e/></div> }.into_any(),
            })}
        </section>
    }
}

/// One service: overview with editable settings, resources, whitelist and connections.
#[component]
pub fn ServiceDetailPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let live = use_live();
    let update = ServerAction::<UpdateService>::new();
    let add_user = ServerAction::<AddWhitelist>::new();
    let remove_user = ServerAction::<RemoveWhitelist>::new();
    let accept = ServerAction::<AcceptConnection>::new();
    let reject = ServerAction::<RejectConnection>::new();
    let bandwidth = ServerAction::<SetBandwidth>::new();
    let versions = move || {
        (
            update.version().get(),
            add_user.version().get(),
            remove_user.version().get(),
            accept.version().get(),
            reject.version().get(),
            bandwidth.version().get(),
        )
    };
    let detail = Resource::new(
        move || (id(), live.get(), versions()),
        |(id, _, _)| service_detail(id),
    );
    let last_error = move || {
        [
            update.value().get().and_then(|r| r.err()),
            add_user.value().get().and_then(|r| r.err()),
            remove_user.value().get().and_then(|r| r.err()),
            accept.value().get().and_then(|r| r.err()),
            reject.value().get().and_then(|r| r.err()),
            bandwidth.value().get().and_then(|r| r.err()),
        ]
        .into_iter()
        .flatten()
        .next()
    };
    view! {
        <A href="/services" attr:class="text-sm text-slate-500 hover:underline">"← Endpoint services"</A>
        {move || last_error().map(|e| view! { <div class="mt-3"><ErrorBanner error=e/></div> })}
        <Transition fallback=|| view! { <p class="mt-4 text-slate-500">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Err(e) => view! { <div class="mt-4"><ErrorBanner error=e/></div> }.into_any(),
                    Ok(d) => {
                        let s = d.service.clone();
                        let sid = s.id.clone();
                        let desc = RwSignal::new(s.description.clone());
                        let auto = RwSignal::new(s.auto_accept);
                        let bw = RwSignal::new(s.connect_bandwidth.to_string());
                        let sid_save = sid.clone();
                        let new_user = RwSignal::new(String::new());
                        let new_label = RwSignal::new(String::new());
                        let sid_add = sid.clone();
                        view! {
                            <h1 class="mt-2 text-xl font-semibold flex items-center gap-3">{s.description.clone()}<StatusBadge status=s.status.clone()/>
                                {(s.business_status != "Normal").then(|| view! { <StatusBadge status=s.business_status.clone()/> })}</h1>
                            <section class="mt-4 grid grid-cols-1 gap-2 text-sm" id="service-overview">
                                <p><span class="text-slate-500">"Service id: "</span><span class="font-mono">{s.id.clone()}</span><CopyButton text=s.id.clone()/></p>
                                <p><span class="text-slate-500">"Service name: "</span><span class="font-mono" id="service-name">{s.name.clone()}</span><CopyButton text=s.name.clone()/></p>
                                <p><span class="text-slate-500">"Service domain: "</span><span class="font-mono">{s.domain.clone()}</span><CopyButton text=s.domain.clone()/></p>
                                <p><span class="text-slate-500">"Type: "</span>{format!("{} ({})", s.service_type, s.resource_type.to_uppercase())}
                                   <span class="ml-4 text-slate-500">"Zones: "</span>{s.zones.join(", ")}
                                   <span class="ml-4 text-slate-500">"IP version: "</span>{s.address_ip_version.clone()}</p>
                            </section>
                            <section class="mt-6 rounded-lg border border-slate-200 dark:border-slate-800 p-4 text-sm" id="service-settings">
                                <h2 class="font-semibold">"Settings"</h2>
                                <div class="mt-2 flex flex-wrap items-center gap-3">
                                    <input class=INPUT prop:value=desc on:input=move |ev| desc.set(event_target_value(&ev)) aria-label="Description"/>
                                    <label class="flex items-center gap-1"><input type="checkbox" id="settings-auto-accept" prop:checked=auto on:change=move |ev| auto.set(event_target_checked(&ev))/>"Auto-accept"</label>
                                    <label class="flex items-center gap-1">"Default connection bandwidth"
                                        <input class=INPUT type="number" min="100" max="10240" id="settings-bandwidth" prop:value=bw on:input=move |ev| bw.set(event_target_value(&ev))/>"Mbit/s"</label>
                                    <button class=BUTTON id="save-settings" disabled=move || update.pending().get() on:click=move |_| {
                                        update.dispatch(UpdateService { service_id: sid_save.clone(), description: desc.get(), auto_accept: auto.get(), connect_bandwidth: bw.get().parse().unwrap_or(0) });
                                    }>{move || if update.pending().get() { "Saving…" } else { "Save" }}</button>
                                </div>
                            </section>
                            <section class="mt-6" id="service-resources">
                                <h2 class="font-semibold">"Resources by zone"</h2>
                                <table class="mt-2 w-full text-sm"><thead class="text-left text-slate-500"><tr><th class=TH>"Zone"</th><th class=TH>"Resource"</th><th class=TH>"Type"</th><th class=TH>"Endpoints served"</th></tr></thead>
                                <tbody>{d.resources.into_iter().map(|r| view! {
                                    <tr class="border-t border-slate-200 dark:border-slate-800"><td class="py-1 pr-4">{r.zone_id}</td><td class="pr-4 font-mono text-xs">{r.resource_id}</td><td class="pr-4">{r.resource_type.to_uppercase()}</td><td>{r.related_endpoints}</td></tr>
                                }).collect_view()}</tbody></table>
                            </section>
                            <section class="mt-6" id="service-whitelist">
                                <h2 class="font-semibold">"Whitelist"</h2>
                                <p class="text-xs text-slate-500">"Your own account is always allowed. Add account ids or ARNs (acs:ram:*:<id>:*)."</p>
                                <div class="mt-2 flex gap-2 text-sm">
                                    <input class=INPUT id="whitelist-subject" placeholder="Account id or ARN" prop:value=new_user on:input=move |ev| new_user.set(event_target_value(&ev))/>
                                    <input class=INPUT id="whitelist-label" placeholder="Label" prop:value=new_label on:input=move |ev| new_label.set(event_target_value(&ev))/>
                                    <button class=BUTTON id="whitelist-add" on:click=move |_| {
                                        add_user.dispatch(AddWhitelist { service_id: sid_add.clone(), subject: new_user.get(), label: new_label.get() });
                                    }>"Add"</button>
                                </div>
                                <table class="mt-2 w-full text-sm"><thead class="text-left text-slate-500"><tr><th class=TH>"Account"</th><th class=TH>"Label"</th><th class=TH>"Added by"</th><th class=TH>"Added"</th><th></th></tr></thead>
                                <tbody>{d.whitelist.into_iter().map(|w| {
                                    let sid = sid.clone();
                                    let uid = w.user_id.clone();
                                    view! {
                                        <tr class="border-t border-slate-200 dark:border-slate-800">
                                            <td class="py-1 pr-4 font-mono text-xs">{w.user_id.clone()}</td><td class="pr-4">{w.label}</td><td class="pr-4 font-mono text-xs">{w.added_by}</td><td class="pr-4 font-mono text-xs">{w.added_at}</td>
                                            <td><button class=BUTTON_QUIET on:click=move |_| {
                                                #[cfg(feature = "hydrate")]
                                                if !window().confirm_with_message(&format!("Remove {uid} from the whitelist? Existing connections stay.")).unwrap_or(false) { return; }
                                                remove_user.dispatch(RemoveWhitelist { service_id: sid.clone(), user_id: uid.clone() });
                                            }>"Remove"</button></td>
                                        </tr>
                                    }
                                }).collect_view()}</tbody></table>
                            </section>
                            <section class="mt-6" id="service-connections">
                                <h2 class="font-semibold">"Connections"</h2>
                                {if d.connections.is_empty() {
                                    view! { <p class="text-sm text-slate-500">"No endpoint has connected yet."</p> }.into_any()
                                } else {
                                    view! {
                                        <table class="mt-2 w-full text-sm"><thead class="text-left text-slate-500"><tr>
                                            <th class=TH>"Endpoint"</th><th class=TH>"Consumer"</th><th class=TH>"Zones"</th><th class=TH>"Since"</th><th class=TH>"Status"</th><th class=TH>"Bandwidth"</th><th class=TH>"Decision"</th>
                                        </tr></thead>
                                        <tbody>{d.connections.into_iter().map(|k| view! { <ConnectionRow k=k service_id=sid.clone() accept=accept reject=reject bandwidth=bandwidth/> }).collect_view()}</tbody></table>
                                    }.into_any()
                                }}
                            </section>
                        }.into_any()
                    }
                }
            })}
        </Transition>
    }
}

/// One row of the accept/reject queue with its bandwidth editor.
#[component]
fn ConnectionRow(
    k: ConnectionView,
    service_id: String,
    accept: ServerAction<AcceptConnection>,
    reject: ServerAction<RejectConnection>,
    bandwidth: ServerAction<SetBandwidth>,
) -> impl IntoView {
    let bw = RwSignal::new(k.bandwidth.to_string());
    let reason = RwSignal::new(String::new());
    // Accept is offered for any Disconnected connection (also a rejected one, to change one's mind).
    let waiting = k.status == "Disconnected";
    let connected = k.status == "Connected";
    let ep = k.endpoint_id.clone();
    let (sid1, sid2, sid3) = (service_id.clone(), service_id.clone(), service_id);
    let (ep1, ep2, ep3) = (ep.clone(), ep.clone(), ep.clone());
    let zones = k
        .zones
        .iter()
        .map(|z| format!("{} ({})", z.zone_id, z.status))
        .collect::<Vec<_>>()
        .join(", ");
    view! {
        <tr class="border-t border-slate-200 dark:border-slate-800 align-top" data-endpoint=ep.clone()>
            <td class="py-2 pr-4 font-mono text-xs">{ep.clone()}<br/>{k.endpoint_name.clone()}</td>
            <td class="pr-4 font-mono text-xs">{k.endpoint_owner_id.clone()}</td>
            <td class="pr-4 text-xs">{zones}</td>
            <td class="pr-4 font-mono text-xs">{k.created_at.clone()}</td>
            <td class="pr-4"><StatusBadge status=if k.awaiting_decision { "Wait".to_string() } else { k.status.clone() }/>
                {k.reason.clone().map(|r| view! { <p class="text-xs text-slate-500">{r}</p> })}</td>
            <td class="pr-4 text-xs">
                <input class=INPUT type="number" min=k.min_bandwidth max=k.max_bandwidth prop:value=bw on:input=move |ev| bw.set(event_target_value(&ev)) aria-label="Bandwidth in Mbit/s"/>
                <p class="text-slate-500">{format!("{}–{} Mbit/s per zone", k.min_bandwidth, k.max_bandwidth)}</p>
                {connected.then(|| view! { <button class=BUTTON_QUIET on:click=move |_| {
                    bandwidth.dispatch(SetBandwidth { service_id: sid3.clone(), endpoint_id: ep3.clone(), bandwidth: bw.get().parse().unwrap_or(0) });
                }>"Set limit"</button> })}
            </td>
            <td class="text-xs space-y-1">
                {waiting.then(|| view! {
                    <button class=BUTTON data-action="accept" on:click=move |_| {
                        accept.dispatch(AcceptConnection { service_id: sid1.clone(), endpoint_id: ep1.clone(), bandwidth: bw.get().parse().unwrap_or(0) });
                    }>"Accept"</button>
                })}
                {(waiting || connected).then(|| view! {
                    <input class=INPUT placeholder="Reason (optional)" prop:value=reason on:input=move |ev| reason.set(event_target_value(&ev))/>
                    <button class=BUTTON_QUIET data-action="reject" on:click=move |_| {
                        #[cfg(feature = "hydrate")]
                        if connected {
                            let typed = window().prompt_with_message(&format!("Type {} to disconnect it", ep2)).ok().flatten().unwrap_or_default();
                            if typed != ep2 { return; }
                        }
                        reject.dispatch(RejectConnection { service_id: sid2.clone(), endpoint_id: ep2.clone(), reason: reason.get() });
                    }>{if connected { "Disconnect" } else { "Reject" }}</button>
                })}
            </td>
        </tr>
    }
}
