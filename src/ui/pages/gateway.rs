//! Gateway endpoints (OSS): the list with a create form (VPC, name, policy, route tables) and a
//! detail page (route tables, name and policy, delete). Live.

use crate::api::gateway::*;
use crate::api::inventory::get_inventory;
use crate::domain::ApiError;
use crate::domain::gateway::{
    GatewayEndpointEdit, GatewayEndpointView, NewGatewayEndpointForm, RouteTableChange,
    oss_gateway_service,
};
use crate::domain::model::Lookup;
use crate::ui::live::use_live_for;
use crate::ui::resource_events::ResourceEvents;
use crate::ui::session::use_region;
use crate::ui::style::*;
use crate::ui::toast::notify;
use crate::ui::widgets::{
    ActionButton, ConfirmButton, CopyButton, EmptyState, ErrorBanner, MissingObject, StatusBadge,
    sections_hidden,
};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};

/// The active account's gateway endpoints and the create form.
#[component]
pub fn GatewayEndpointsPage() -> impl IntoView {
    let live = use_live_for(&["gateway", "inventory"]);
    let region = use_region();
    let create = ServerAction::<CreateGatewayEndpoint>::new();
    notify(create, |g| format!("Gateway endpoint {} created", g.id));
    let list = Resource::new(
        move || (region(), live.get()),
        |(r, _)| list_gateway_endpoints(r),
    );
    view! {
        <h1 class="text-xl font-semibold">"Gateway endpoints"</h1>
        <p class="text-sm text-slate-500">"Route your VPC's traffic to OSS through its route tables instead of the internet, under an endpoint policy."</p>
        <Transition fallback=|| view! { <p class="mt-4 text-slate-500">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Err(e) => view! { <div class="mt-4"><ErrorBanner error=e/></div> }.into_any(),
                    Ok(all) if all.is_empty() => view! { <EmptyState name="gateway-endpoints" title=format!("No gateway endpoints in {}", region()) hint="Create one to reach OSS from a VPC without the internet." action="Create a gateway endpoint" focus="gateway-name"/> }.into_any(),
                    Ok(all) => view! {
                        <table class="mt-4 w-full text-sm" id="gateway-endpoints-table">
                            <thead class="text-left text-slate-500"><tr>
                                <th class=TH>"Gateway endpoint"</th><th class=TH>"Service"</th><th class=TH>"VPC"</th>
                                <th class=TH>"Route tables"</th><th class=TH>"Status"</th><th class=TH>"Created"</th>
                            </tr></thead>
                            <tbody>{all.into_iter().map(|g| view! { <GatewayRow gateway=g/> }).collect_view()}</tbody>
                        </table>
                    }.into_any(),
                }
            })}
        </Transition>
        <CreateGatewayForm create=create/>
    }
}

/// One gateway endpoint in the list.
#[component]
fn GatewayRow(gateway: GatewayEndpointView) -> impl IntoView {
    let g = gateway;
    let label = if g.name.is_empty() {
        g.id.clone()
    } else {
        g.name.clone()
    };
    view! {
        <tr class=TR data-gateway=g.id.clone()>
            <td class="py-2 pr-4"><A href=format!("/gateway-endpoints/{}", g.id) attr:class=LINK>{label}</A>
                <br/><span class="font-mono text-xs text-slate-500">{g.id.clone()}</span></td>
            <td class="pr-4 font-mono text-xs">{g.service_name.clone()}</td>
            <td class="pr-4 font-mono text-xs">{g.vpc_id.clone()}</td>
            <td class="pr-4 font-mono text-xs">{g.route_tables.join(", ")}</td>
            <td class="pr-4"><StatusBadge status=g.status/></td>
            <td class="pr-4 font-mono text-xs">{g.created_at.clone()}</td>
        </tr>
    }
}

/// VPC, name, optional policy and the route tables to associate.
#[component]
fn CreateGatewayForm(create: ServerAction<CreateGatewayEndpoint>) -> impl IntoView {
    let region = use_region();
    let scope = crate::ui::session::use_scope();
    let inventory = Resource::new(scope, |(_, r)| get_inventory(r));
    let vpc = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let policy = RwSignal::new(String::new());
    let chosen = RwSignal::new(Vec::<String>::new());
    let route_tables = Resource::new(
        move || vpc.get(),
        |v| async move {
            if v.is_empty() {
                Ok(Vec::new())
            } else {
                gateway_route_tables(v).await
            }
        },
    );
    let submit = move |_| {
        create.dispatch(CreateGatewayEndpoint {
            form: NewGatewayEndpointForm {
                region: region(),
                vpc_id: vpc.get(),
                name: name.get(),
                policy_document: policy.get(),
                route_tables: chosen.get(),
            },
        });
    };
    view! {
        <section class=format!("mt-8 {CARD} text-sm") id="create-gateway">
            <h2 class="text-lg font-semibold">"Create a gateway endpoint"</h2>
            <p class="mt-1"><span class="text-slate-500">"Service: "</span>
                <span class="font-mono" id="gateway-service">{move || oss_gateway_service(&region())}</span></p>
            <div class="mt-3 grid gap-3 md:grid-cols-2">
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        let inv = inventory.await.unwrap_or_default();
                        view! {
                            <label class="flex flex-col gap-1">"VPC"
                                <select class=INPUT id="gateway-vpc" on:change=move |ev| { vpc.set(event_target_value(&ev)); chosen.set(Vec::new()); }>
                                    <option value="">"Choose a VPC"</option>
                                    {inv.vpcs.into_iter().map(|v| view! { <option value=v.id.clone() selected=vpc.get_untracked() == v.id>{format!("{} ({})", v.name, v.id)}</option> }).collect_view()}
                                </select></label>
                        }
                    })}
                </Transition>
                <label class="flex flex-col gap-1">"Name"
                    <input class=INPUT id="gateway-name" placeholder="oss-access" prop:value=name on:input=move |ev| name.set(event_target_value(&ev))/></label>
            </div>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match route_tables.await {
                        Err(e) => view! { <div class="mt-3"><ErrorBanner error=e/></div> }.into_any(),
                        Ok(tables) if tables.is_empty() => ().into_any(),
                        Ok(tables) => view! {
                            <fieldset class="mt-3" id="gateway-route-tables"><legend class="font-medium">"Route tables to associate"</legend>
                                {tables.into_iter().map(|t| {
                                    let value = t.clone();
                                    view! {
                                        <label class="flex items-center gap-2"><input type="checkbox" value=t.clone()
                                            on:change=move |ev| {
                                                let on = event_target_checked(&ev);
                                                chosen.update(|c| { c.retain(|x| *x != value); if on { c.push(value.clone()); } });
                                            }/><span class="font-mono text-xs">{t}</span></label>
                                    }
                                }).collect_view()}
                            </fieldset>
                        }.into_any(),
                    }
                })}
            </Transition>
            <label class="mt-3 flex flex-col gap-1">"Policy (optional JSON; empty allows everything)"
                <textarea class=format!("{INPUT} h-28 font-mono text-xs") id="gateway-policy" prop:value=policy on:input=move |ev| policy.set(event_target_value(&ev))></textarea></label>
            <div class="mt-4"><ActionButton attr:id="gateway-create" label="Create gateway endpoint" pending=create.pending() on_click=submit/></div>
        </section>
    }
}

/// One gateway endpoint: what it routes, its route tables, name and policy; delete.
#[component]
pub fn GatewayEndpointDetailPage() -> impl IntoView {
    let params = use_params_map();
    let id = Signal::derive(move || params.with(|p| p.get("id").unwrap_or_default()));
    let live = use_live_for(&["gateway", "inventory"]);
    let detail = Resource::new(
        move || (id.get(), live.get()),
        |(id, _)| gateway_endpoint(id),
    );
    let delete = ServerAction::<DeleteGatewayEndpoint>::new();
    notify(delete, |_| "Gateway endpoint is being deleted".to_string());
    let navigate = use_navigate();
    Effect::new(move |_| {
        if matches!(delete.value().get(), Some(Ok(_))) {
            navigate("/gateway-endpoints", Default::default());
        }
    });
    view! {
        <A href="/gateway-endpoints" attr:class="text-sm text-slate-500 hover:underline">"← Gateway endpoints"</A>
        <Transition fallback=|| view! { <p class="mt-4 text-slate-500">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Err(e) => view! { <div class="mt-4"><ErrorBanner error=e/></div> }.into_any(),
                    Ok(Lookup::Deleted { at }) => view! { <MissingObject kind="gateway endpoint" id=id.get() deleted_at=Some(at) back=("/gateway-endpoints", "Gateway endpoints")/> }.into_any(),
                    Ok(Lookup::NotFound) => view! { <MissingObject kind="gateway endpoint" id=id.get() deleted_at=None back=("/gateway-endpoints", "Gateway endpoints")/> }.into_any(),
                    Ok(Lookup::Found(g)) => view! {
                        <h1 class="mt-2 text-xl font-semibold flex items-center gap-3">
                            {if g.name.is_empty() { g.id.clone() } else { g.name.clone() }}<StatusBadge status=g.status/>
                        </h1>
                        <section class="mt-4 space-y-1 text-sm" id="gateway-overview">
                            <p><span class="text-slate-500">"Gateway endpoint id: "</span><span class="font-mono">{g.id.clone()}</span><CopyButton text=g.id.clone()/></p>
                            <p><span class="text-slate-500">"Service: "</span><span class="font-mono">{g.service_name.clone()}</span><CopyButton text=g.service_name.clone()/></p>
                            <p><span class="text-slate-500">"VPC: "</span><span class="font-mono">{g.vpc_id.clone()}</span></p>
                            <p><span class="text-slate-500">"Destination routed: "</span><span class="font-mono" id="gateway-prefix">{g.prefix_cidr.clone()}</span></p>
                            <p><span class="text-slate-500">"Created: "</span><span class="font-mono">{g.created_at.clone()}</span></p>
                        </section>
                    }.into_any(),
                }
            })}
        </Transition>
        <div hidden=sections_hidden(detail)>
            <GatewayRouteTables gateway_id=id/>
            <GatewaySettings detail=detail gateway_id=id/>
            <h2 class="mt-8 font-semibold">"Events"</h2>
            <div class="mt-2"><ResourceEvents target=id/></div>
            <section class="mt-8">
                <ConfirmButton attr:id="delete-gateway" label="Delete gateway endpoint"
                    question="Delete this gateway endpoint? Its routes leave the route tables."
                    pending=delete.pending() on_confirm=move |_| { delete.dispatch(DeleteGatewayEndpoint { id: id.get() }); }/>
            </section>
        </div>
    }
}

/// The gateway endpoint's data, refetched on every live change.
type GatewayDetail = Resource<Result<Lookup<GatewayEndpointView>, ApiError>>;

/// The VPC's route tables, each associated with the endpoint or not.
#[component]
fn GatewayRouteTables(gateway_id: Signal<String>) -> impl IntoView {
    let change = ServerAction::<SetGatewayRouteTable>::new();
    notify(change, |_| "Route table association changed".to_string());
    let live = use_live_for(&["gateway", "inventory"]);
    let tables = Resource::new(
        move || (gateway_id.get(), live.get()),
        |(id, _)| async move {
            let Lookup::Found(g) = gateway_endpoint(id).await? else {
                return Ok((Vec::new(), Vec::new()));
            };
            let all = gateway_route_tables(g.vpc_id).await?;
            Ok::<_, ApiError>((all, g.route_tables))
        },
    );
    view! {
        <section class="mt-6" id="gateway-route-table-list">
            <h2 class="font-semibold">"Route tables"</h2>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let Ok((all, associated_tables)) = tables.await else { return ().into_any() };
                    if all.is_empty() {
                        return view! { <EmptyState name="route-tables" title="No route tables in this VPC" hint="Route tables come with the VPC's vSwitches." action="Open the inventory" href="/inventory"/> }.into_any();
                    }
                    view! {
                        <table class="mt-2 w-full text-sm"><thead class="text-left text-slate-500"><tr>
                            <th class=TH>"Route table"</th><th class=TH>"Associated"</th><th class=TH><span class="sr-only">"Actions"</span></th>
                        </tr></thead>
                        <tbody>{all.into_iter().map(|t| {
                            let associated = associated_tables.contains(&t);
                            let table = t.clone();
                            let busy = t.clone();
                            let pending = Signal::derive(move || change.pending().get() && change.input().with(|i| i.as_ref().is_some_and(|i| i.change.route_table == busy)));
                            view! {
                                <tr class=TR data-route-table=t.clone()>
                                    <td class="py-1 pr-4 font-mono text-xs">{t.clone()}</td>
                                    <td class="pr-4">{if associated { "Yes" } else { "No" }}</td>
                                    <td class="py-1"><ActionButton quiet=true label=if associated { "Dissociate" } else { "Associate" } pending=pending
                                        on_click=move |_| { change.dispatch(SetGatewayRouteTable { change: RouteTableChange { id: gateway_id.get(), route_table: table.clone(), associate: !associated } }); }/></td>
                                </tr>
                            }
                        }).collect_view()}</tbody></table>
                    }.into_any()
                })}
            </Transition>
        </section>
    }
}

/// Name and policy, edited together.
#[component]
fn GatewaySettings(detail: GatewayDetail, gateway_id: Signal<String>) -> impl IntoView {
    let save = ServerAction::<UpdateGatewayEndpoint>::new();
    notify(save, |_| "Gateway endpoint saved".to_string());
    let name = RwSignal::new(None::<String>);
    let policy = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        if matches!(save.value().get(), Some(Ok(_))) {
            name.set(None);
            policy.set(None);
        }
    });
    view! {
        <section class=format!("mt-6 {CARD} text-sm") id="gateway-settings">
            <h2 class="font-semibold">"Name and policy"</h2>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let Ok(Lookup::Found(g)) = detail.await else { return ().into_any() };
                    let (saved_name, saved_policy) = (g.name.clone(), g.policy_document.clone().unwrap_or_default());
                    let submit = {
                        let (saved_name, saved_policy) = (saved_name.clone(), saved_policy.clone());
                        move |_| {
                            save.dispatch(UpdateGatewayEndpoint { form: GatewayEndpointEdit {
                                id: gateway_id.get(),
                                name: name.get().unwrap_or_else(|| saved_name.clone()),
                                policy_document: policy.get().unwrap_or_else(|| saved_policy.clone()),
                            } });
                        }
                    };
                    view! {
                        <label class="mt-2 flex flex-col gap-1">"Name"
                            <input class=INPUT id="gateway-edit-name" prop:value=move || name.get().unwrap_or_else(|| saved_name.clone())
                                on:input=move |ev| name.set(Some(event_target_value(&ev)))/></label>
                        <label class="mt-2 flex flex-col gap-1">"Policy (empty allows everything)"
                            <textarea class=format!("{INPUT} h-40 font-mono text-xs") id="gateway-edit-policy"
                                prop:value=move || policy.get().unwrap_or_else(|| saved_policy.clone())
                                on:input=move |ev| policy.set(Some(event_target_value(&ev)))></textarea></label>
                        <div class="mt-2"><ActionButton attr:id="gateway-save" label="Save" pending=save.pending() on_click=submit/></div>
                    }.into_any()
                })}
            </Transition>
        </section>
    }
}
