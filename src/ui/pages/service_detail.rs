//! Provider: one endpoint service in tabs — Overview (names, settings edited in place, tags),
//! Resources by zone, Whitelist, Connections (the accept/reject queue) and Events. Live.

use crate::api::services::*;
use crate::domain::ApiError;
use crate::domain::bandwidth::{CONNECT_BANDWIDTH_MAX, CONNECT_BANDWIDTH_MIN};
use crate::domain::console::{ServiceSettings, WhitelistEntry, WhitelistRemoval};
use crate::domain::model::{Lookup, ServiceView, WhitelistView};
use crate::domain::state::BusinessStatus;
use crate::ui::live::use_live_for;
use crate::ui::pages::connection_queue::ConnectionQueue;
use crate::ui::resource_events::ResourceEvents;
use crate::ui::style::*;
use crate::ui::tabs::{TabList, TabPanel, TabSpec, use_tab};
use crate::ui::tags::{TagForm, TagsEditor};
use crate::ui::toast::notify;
use crate::ui::widgets::{
    ActionButton, ConfirmButton, CopyButton, EmptyState, ErrorBanner, MissingObject, StatusBadge,
    sections_hidden,
};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

/// The service detail's data, refetched on every live change.
type ServiceDetail = Resource<Result<Lookup<ServiceDetailView>, ApiError>>;

const SERVICE_TABS: &[TabSpec] = &[
    ("overview", "Overview"),
    ("resources", "Resources"),
    ("whitelist", "Whitelist"),
    ("connections", "Connections"),
    ("events", "Events"),
];

/// One service, its sections in tabs; `?tab=` picks the section.
#[component]
pub fn ServiceDetailPage() -> impl IntoView {
    let params = use_params_map();
    let id = Signal::derive(move || params.with(|p| p.get("id").unwrap_or_default()));
    let live = use_live_for(&["endpoint", "connection", "service", "demo"]);
    let detail: ServiceDetail =
        Resource::new(move || (id.get(), live.get()), |(id, _)| service_detail(id));
    let tab = use_tab("overview");
    let default_bandwidth = Signal::derive(move || {
        detail.with(|r| match r {
            Some(Ok(Lookup::Found(d))) => d.service.connect_bandwidth,
            _ => 0,
        })
    });
    view! {
        <A href="/services" attr:class="text-sm text-slate-500 hover:underline">"← Endpoint services"</A>
        <Transition fallback=|| view! { <p class="mt-4 text-slate-500">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Err(e) => view! { <div class="mt-4"><ErrorBanner error=e/></div> }.into_any(),
                    Ok(Lookup::Found(d)) => view! { <ServiceHeading service=d.service/> }.into_any(),
                    Ok(Lookup::Deleted { at }) => view! { <MissingObject kind="endpoint service" id=id.get() deleted_at=Some(at) back=("/services", "Endpoint services")/> }.into_any(),
                    Ok(Lookup::NotFound) => view! { <MissingObject kind="endpoint service" id=id.get() deleted_at=None back=("/services", "Endpoint services")/> }.into_any(),
                }
            })}
        </Transition>
        <div hidden=sections_hidden(detail)>
            <TabList tabs=SERVICE_TABS active=tab label="Service sections"/>
            <TabPanel name="overview" active=tab><ServiceOverview detail=detail service_id=id/></TabPanel>
            <TabPanel name="resources" active=tab><ResourcesByZone detail=detail/></TabPanel>
            <TabPanel name="whitelist" active=tab><WhitelistPanel detail=detail service_id=id/></TabPanel>
            <TabPanel name="connections" active=tab><ConnectionQueue service_id=id default_bandwidth=default_bandwidth/></TabPanel>
            <TabPanel name="events" active=tab><ResourceEvents target=id/></TabPanel>
        </div>
    }
}

/// Name and statuses above the tabs.
#[component]
fn ServiceHeading(service: ServiceView) -> impl IntoView {
    let s = service;
    view! {
        <h1 class="mt-2 text-xl font-semibold flex items-center gap-3">{s.description.clone()}<StatusBadge status=s.status/>
            {(s.business_status != BusinessStatus::Normal).then(|| view! { <StatusBadge status=s.business_status/> })}</h1>
    }
}

/// What is typed into the settings form while editing.
#[derive(Clone, Copy)]
struct SettingsDraft {
    description: RwSignal<String>,
    auto_accept: RwSignal<bool>,
    bandwidth: RwSignal<String>,
}

/// Names with copy buttons, settings (edited in place), tags and resource group.
#[component]
fn ServiceOverview(detail: ServiceDetail, service_id: Signal<String>) -> impl IntoView {
    let update = ServerAction::<UpdateService>::new();
    notify(update, |_| "Settings saved".to_string());
    let tag_form = TagForm::with_toasts();
    let editing = RwSignal::new(false);
    let draft = SettingsDraft {
        description: RwSignal::new(String::new()),
        auto_accept: RwSignal::new(false),
        bandwidth: RwSignal::new(String::new()),
    };
    Effect::new(move |_| {
        if matches!(update.value().get(), Some(Ok(_))) {
            editing.set(false);
        }
    });
    let save = move |_| {
        update.dispatch(UpdateService {
            form: ServiceSettings {
                service_id: service_id.get(),
                description: draft.description.get(),
                auto_accept: draft.auto_accept.get(),
                connect_bandwidth: draft.bandwidth.get().trim().parse().unwrap_or(0),
            },
        });
    };
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let Ok(Lookup::Found(d)) = detail.await else { return ().into_any() };
                let s = d.service;
                let shown = s.clone();
                let start_editing = {
                    let s = s.clone();
                    move |_| {
                        draft.description.set(s.description.clone());
                        draft.auto_accept.set(s.auto_accept);
                        draft.bandwidth.set(s.connect_bandwidth.to_string());
                        editing.set(true);
                    }
                };
                view! {
                    <section class="grid grid-cols-1 gap-2 text-sm" id="service-overview">
                        <p><span class="text-slate-500">"Service id: "</span><span class="font-mono">{s.id.clone()}</span><CopyButton text=s.id.clone()/></p>
                        <p><span class="text-slate-500">"Service name: "</span><span class="font-mono" id="service-name">{s.name.clone()}</span><CopyButton text=s.name.clone()/></p>
                        <p><span class="text-slate-500">"Service domain: "</span><span class="font-mono">{s.domain.clone()}</span><CopyButton text=s.domain.clone()/></p>
                        <p><span class="text-slate-500">"Type: "</span>{format!("{} ({})", s.service_type, s.resource_type.to_uppercase())}
                           <span class="ml-4 text-slate-500">"Zones: "</span>{s.zones.join(", ")}
                           <span class="ml-4 text-slate-500">"IP version: "</span>{s.address_ip_version.as_str()}</p>
                        <p><span class="text-slate-500">"Resource group: "</span><span class="font-mono" id="resource-group">{s.resource_group_id.clone()}</span></p>
                    </section>
                    <section class=format!("mt-6 {CARD} text-sm") id="service-settings">
                        <h2 class="font-semibold">"Settings"</h2>
                        <Show when=move || editing.get() fallback=move || view! {
                            <dl class="mt-2 grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1">
                                <dt class="text-slate-500">"Description"</dt><dd>{shown.description.clone()}</dd>
                                <dt class="text-slate-500">"Auto-accept"</dt><dd id="settings-auto-accept-value">{if shown.auto_accept { "Yes" } else { "No" }}</dd>
                                <dt class="text-slate-500">"Default connection bandwidth"</dt><dd>{format!("{} Mbit/s", shown.connect_bandwidth)}</dd>
                            </dl>
                            <button type="button" class=format!("mt-3 {BUTTON_QUIET}") id="edit-settings" on:click=start_editing.clone()>"Edit settings"</button>
                        }>
                            <div class="mt-2 flex flex-wrap items-end gap-3">
                                <label class="flex flex-col gap-1">"Description"
                                    <input class=INPUT id="settings-description" prop:value=draft.description on:input=move |ev| draft.description.set(event_target_value(&ev))/></label>
                                <label class="flex items-center gap-1"><input type="checkbox" id="settings-auto-accept" prop:checked=draft.auto_accept on:change=move |ev| draft.auto_accept.set(event_target_checked(&ev))/>"Accept connections automatically"</label>
                                <label class="flex flex-col gap-1">"Default connection bandwidth (Mbit/s)"
                                    <input class=INPUT type="number" min=CONNECT_BANDWIDTH_MIN max=CONNECT_BANDWIDTH_MAX id="settings-bandwidth" prop:value=draft.bandwidth on:input=move |ev| draft.bandwidth.set(event_target_value(&ev))/>
                                    <span class=HINT>{format!("{CONNECT_BANDWIDTH_MIN}–{CONNECT_BANDWIDTH_MAX} Mbit/s")}</span></label>
                                <ActionButton attr:id="save-settings" label="Save" pending=update.pending() on_click=save/>
                                <button type="button" class=BUTTON_QUIET on:click=move |_| editing.set(false)>"Cancel"</button>
                            </div>
                        </Show>
                    </section>
                    <TagsEditor resource_type="VpcEndpointService" resource_id=service_id tags=s.tags.clone() form=tag_form/>
                }.into_any()
            })}
        </Transition>
    }
}

/// The load balancers behind the service, one row per zone.
#[component]
fn ResourcesByZone(detail: ServiceDetail) -> impl IntoView {
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let Ok(Lookup::Found(d)) = detail.await else { return ().into_any() };
                view! {
                    <table class="w-full text-sm" id="service-resources"><thead class="text-left text-slate-500"><tr>
                        <th class=TH>"Zone"</th><th class=TH>"Resource"</th><th class=TH>"Type"</th><th class=TH>"VPC"</th><th class=TH>"Endpoints served"</th>
                    </tr></thead>
                    <tbody>{d.resources.into_iter().map(|r| view! {
                        <tr class=TR><td class="py-1 pr-4">{r.zone_id}</td><td class="pr-4 font-mono text-xs">{r.resource_id}</td>
                            <td class="pr-4">{r.resource_type.to_uppercase()}</td><td class="pr-4 font-mono text-xs">{r.vpc_id}</td><td>{r.related_endpoints}</td></tr>
                    }).collect_view()}</tbody></table>
                }.into_any()
            })}
        </Transition>
    }
}

/// Accounts allowed to connect: add by account id or ARN with a label; remove after confirming.
#[component]
fn WhitelistPanel(detail: ServiceDetail, service_id: Signal<String>) -> impl IntoView {
    let add = ServerAction::<AddWhitelist>::new();
    let remove = ServerAction::<RemoveWhitelist>::new();
    notify(add, |w| {
        format!("Account {} added to the whitelist", w.user_id)
    });
    notify(remove, |_| "Removed from the whitelist".to_string());
    let subject = RwSignal::new(String::new());
    let label = RwSignal::new(String::new());
    Effect::new(move |_| {
        if matches!(add.value().get(), Some(Ok(_))) {
            subject.set(String::new());
            label.set(String::new());
        }
    });
    let submit = move |_| {
        add.dispatch(AddWhitelist {
            form: WhitelistEntry {
                service_id: service_id.get(),
                subject: subject.get(),
                label: label.get(),
            },
        });
    };
    view! {
        <section id="service-whitelist">
            <p class=HINT>"Your own account is always allowed. Add account ids or ARNs (acs:ram:*:<id>:*)."</p>
            <div class="mt-2 flex flex-wrap gap-2 text-sm">
                <input class=INPUT id="whitelist-subject" placeholder="Account id or ARN" aria-label="Account id or ARN" prop:value=subject on:input=move |ev| subject.set(event_target_value(&ev))/>
                <input class=INPUT id="whitelist-label" placeholder="Label" aria-label="Label" prop:value=label on:input=move |ev| label.set(event_target_value(&ev))/>
                <ActionButton attr:id="whitelist-add" label="Add" pending=add.pending() on_click=submit/>
            </div>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let Ok(Lookup::Found(d)) = detail.await else { return ().into_any() };
                    if d.whitelist.is_empty() {
                        return view! { <EmptyState name="whitelist" title="No accounts on the whitelist" hint="Only your own account may connect. Add the account ids that may create endpoints to this service." action="Add an account" focus="whitelist-subject"/> }.into_any();
                    }
                    view! {
                        <table class="mt-2 w-full text-sm"><thead class="text-left text-slate-500"><tr>
                            <th class=TH>"Account"</th><th class=TH>"Label"</th><th class=TH>"Added by"</th><th class=TH>"Added"</th><th class=TH><span class="sr-only">"Actions"</span></th>
                        </tr></thead>
                        <tbody>{d.whitelist.into_iter().map(|w| view! { <WhitelistRow entry=w service_id=service_id remove=remove/> }).collect_view()}</tbody></table>
                    }.into_any()
                })}
            </Transition>
        </section>
    }
}

/// One whitelisted account with its remove button.
#[component]
fn WhitelistRow(
    entry: WhitelistView,
    service_id: Signal<String>,
    remove: ServerAction<RemoveWhitelist>,
) -> impl IntoView {
    let user = entry.user_id.clone();
    let pending_user = user.clone();
    let pending = Signal::derive(move || {
        remove.pending().get()
            && remove
                .input()
                .with(|i| i.as_ref().is_some_and(|i| i.form.user_id == pending_user))
    });
    let question = format!("Remove {user} from the whitelist? Existing connections stay.");
    view! {
        <tr class=TR data-whitelisted=entry.user_id.clone()>
            <td class="py-1 pr-4 font-mono text-xs">{entry.user_id.clone()}</td><td class="pr-4">{entry.label}</td>
            <td class="pr-4 font-mono text-xs">{entry.added_by}</td><td class="pr-4 font-mono text-xs">{entry.added_at}</td>
            <td class="py-1"><ConfirmButton label="Remove" question=question pending=pending on_confirm=move |_| {
                remove.dispatch(RemoveWhitelist { form: WhitelistRemoval { service_id: service_id.get(), user_id: user.clone() } });
            }/></td>
        </tr>
    }
}
