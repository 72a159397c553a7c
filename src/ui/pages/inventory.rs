//! Inventory: the active account's VPCs, vSwitches, security groups and load balancers in the
//! region, with forms to create them and deletes that ask first (and explain a refusal while
//! something still uses the item). Live.

use crate::api::inventory::*;
use crate::domain::ApiError;
use crate::domain::dataplane::ListenerView;
use crate::domain::inventory::{
    InventoryView, LbType, ListenerForm, ListenerRef, NewLoadBalancerForm, NewSecurityGroupForm,
    NewVSwitchForm, NewVpcForm, VpcView,
};
use crate::domain::region::region as region_info;
use crate::ui::live::use_live_for;
use crate::ui::session::use_region;
use crate::ui::style::*;
use crate::ui::toast::notify;
use crate::ui::widgets::{ActionButton, ConfirmButton, CopyButton, EmptyState, ErrorBanner};
use leptos::prelude::*;

/// The create actions, the shared delete action and which item the last delete was about.
#[derive(Clone, Copy)]
struct InventoryActions {
    create_vpc: ServerAction<CreateVpc>,
    create_vswitch: ServerAction<CreateVswitch>,
    create_security_group: ServerAction<CreateSecurityGroup>,
    create_load_balancer: ServerAction<CreateLoadBalancer>,
    delete: ServerAction<DeleteInventoryItem>,
    /// The id of the item the last delete was for, to show a refusal on its row.
    deleting: RwSignal<Option<String>>,
    set_listener: ServerAction<SetListener>,
    delete_listener: ServerAction<DeleteListener>,
    /// Every listener of the account's load balancers.
    listeners: Resource<Result<Vec<ListenerView>, ApiError>>,
}

/// What is typed into the create forms; kept while the lists refresh.
#[derive(Clone, Copy, Default)]
struct InventoryDrafts {
    vpc_name: RwSignal<String>,
    vpc_cidr: RwSignal<String>,
    vpc_ipv6: RwSignal<String>,
    vsw_vpc: RwSignal<String>,
    vsw_zone: RwSignal<String>,
    vsw_name: RwSignal<String>,
    vsw_cidr: RwSignal<String>,
    sg_vpc: RwSignal<String>,
    sg_name: RwSignal<String>,
    lb_type: RwSignal<String>,
    lb_vpc: RwSignal<String>,
    lb_zones: RwSignal<Vec<String>>,
    lb_name: RwSignal<String>,
    lb_dual_stack: RwSignal<bool>,
}

/// The inventory page.
#[component]
pub fn InventoryPage() -> impl IntoView {
    let live = use_live_for(&["inventory", "endpoint", "gateway", "service"]);
    let region = use_region();
    let drafts = InventoryDrafts::default();
    drafts.lb_type.set("nlb".into());
    let actions = InventoryActions {
        create_vpc: ServerAction::new(),
        create_vswitch: ServerAction::new(),
        create_security_group: ServerAction::new(),
        create_load_balancer: ServerAction::new(),
        delete: ServerAction::new(),
        deleting: RwSignal::new(None),
        set_listener: ServerAction::new(),
        delete_listener: ServerAction::new(),
        listeners: Resource::new(move || live.get(), |_| my_listeners()),
    };
    notify(actions.set_listener, |l| {
        format!("Listener {} of {} → {}", l.port, l.lb_id, l.backend)
    });
    notify(actions.delete_listener, |_| "Listener removed".to_string());
    notify(actions.create_vpc, move |v| {
        drafts.vpc_name.set(String::new());
        drafts.vpc_cidr.set(String::new());
        drafts.vpc_ipv6.set(String::new());
        format!("VPC {} created", v.id)
    });
    notify(actions.create_vswitch, move |v| {
        drafts.vsw_name.set(String::new());
        drafts.vsw_cidr.set(String::new());
        format!("vSwitch {} created", v.id)
    });
    notify(actions.create_security_group, move |g| {
        drafts.sg_name.set(String::new());
        format!("Security group {} created", g.id)
    });
    notify(actions.create_load_balancer, move |l| {
        drafts.lb_name.set(String::new());
        format!("Load balancer {} created", l.id)
    });
    notify(actions.delete, |_| "Deleted".to_string());
    let inventory = Resource::new(move || (region(), live.get()), |(r, _)| get_inventory(r));
    view! {
        <h1 class="text-xl font-semibold">"Inventory"</h1>
        <p class="text-sm text-slate-500">"The network PrivateLink builds on: load balancers back endpoint services; endpoints get an ENI in a vSwitch of your VPC."</p>
        <Transition fallback=|| view! { <p class="mt-4 text-slate-500">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match inventory.await {
                    Err(e) => view! { <div class="mt-4"><ErrorBanner error=e/></div> }.into_any(),
                    Ok(inv) => view! {
                        <LoadBalancerSection inv=inv.clone() actions=actions drafts=drafts/>
                        <VpcSection vpcs=inv.vpcs.clone() actions=actions drafts=drafts/>
                        <VSwitchSection inv=inv.clone() actions=actions drafts=drafts/>
                        <SecurityGroupSection inv=inv actions=actions drafts=drafts/>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The delete button of an inventory row, with the refusal shown under it.
#[component]
fn DeleteItem(id: String, actions: InventoryActions) -> impl IntoView {
    let pending_id = id.clone();
    let pending = Signal::derive(move || {
        actions.delete.pending().get()
            && actions.deleting.with(|d| d.as_deref() == Some(&pending_id))
    });
    let refusal_id = id.clone();
    let refusal = move || -> Option<ApiError> {
        if actions.deleting.with(|d| d.as_deref() != Some(&refusal_id)) {
            return None;
        }
        actions.delete.value().get().and_then(|r| r.err())
    };
    let question = format!("Delete {id}?");
    view! {
        <ConfirmButton label="Delete" question=question pending=pending on_confirm=move |_| {
            actions.deleting.set(Some(id.clone()));
            actions.delete.dispatch(DeleteInventoryItem { id: id.clone() });
        }/>
        {move || refusal().map(|e| view! { <div class="mt-1 max-w-md text-xs" data-refusal=""><ErrorBanner error=e/></div> })}
    }
}

/// A `<select>` of the account's VPCs bound to `chosen`.
#[component]
fn VpcPicker(vpcs: Vec<VpcView>, chosen: RwSignal<String>, id: &'static str) -> impl IntoView {
    view! {
        <label class="flex flex-col gap-1">"VPC"
            <select class=INPUT id=id on:change=move |ev| chosen.set(event_target_value(&ev))>
                <option value="">"Choose a VPC"</option>
                {vpcs.into_iter().map(|v| {
                    let selected = chosen.get_untracked() == v.id;
                    view! { <option value=v.id.clone() selected=selected>{format!("{} ({})", v.name, v.id)}</option> }
                }).collect_view()}
            </select>
        </label>
    }
}

/// The zones of the current region.
fn region_zones() -> Vec<&'static str> {
    let region = use_region();
    region_info(&region())
        .map(|r| r.zones.to_vec())
        .unwrap_or_default()
}

#[component]
fn VpcSection(
    vpcs: Vec<VpcView>,
    actions: InventoryActions,
    drafts: InventoryDrafts,
) -> impl IntoView {
    let region = use_region();
    let create = move |_| {
        actions.create_vpc.dispatch(CreateVpc {
            form: NewVpcForm {
                region: region(),
                name: drafts.vpc_name.get(),
                cidr: drafts.vpc_cidr.get(),
                ipv6_cidr: drafts.vpc_ipv6.get(),
            },
        });
    };
    view! {
        <section class="mt-8">
            <h2 class="text-lg font-semibold">"VPCs"</h2>
            {if vpcs.is_empty() {
                view! { <EmptyState name="vpcs" title=format!("No VPCs in {}", use_region()()) hint="A VPC is the private network your vSwitches, load balancers and endpoints live in." action="Create a VPC" focus="vpc-name"/> }.into_any()
            } else { view! {
            <table class="mt-2 w-full text-sm" id="vpcs">
                <thead class="text-left text-slate-500"><tr>
                    <th class=TH>"Name / id"</th><th class=TH>"IPv4 CIDR"</th><th class=TH>"IPv6 CIDR"</th>
                    <th class=TH title="Queries to this loopback address (on the DNS port, 5353 by default) see the custom service domains of this VPC's endpoints">"DNS resolver"</th>
                    <th class=TH><span class="sr-only">"Actions"</span></th>
                </tr></thead>
                <tbody>
                    {vpcs.into_iter().map(|v| view! {
                        <tr class=TR data-item=v.id.clone()>
                            <td class="py-2 pr-4">{v.name}<br/><span class="font-mono text-xs text-slate-500">{v.id.clone()}</span><CopyButton text=v.id.clone()/></td>
                            <td class="pr-4 font-mono text-xs">{v.cidr}</td>
                            <td class="pr-4 font-mono text-xs">{v.ipv6_cidr.unwrap_or_else(|| "—".into())}</td>
                            <td class="pr-4 font-mono text-xs" data-resolver="">{v.resolver_ip.clone().unwrap_or_else(|| "—".into())}
                                {v.resolver_ip.map(|ip| view! { <CopyButton text=ip/> })}</td>
                            <td class="py-2"><DeleteItem id=v.id.clone() actions=actions/></td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            }.into_any() }}
            <div class=format!("mt-3 {CARD} flex flex-wrap items-end gap-3 text-sm") id="create-vpc">
                <label class="flex flex-col gap-1">"Name"<input class=INPUT id="vpc-name" placeholder="staging" prop:value=drafts.vpc_name on:input=move |ev| drafts.vpc_name.set(event_target_value(&ev))/></label>
                <label class="flex flex-col gap-1">"IPv4 CIDR"<input class=INPUT id="vpc-cidr" placeholder="10.20.0.0/16" prop:value=drafts.vpc_cidr on:input=move |ev| drafts.vpc_cidr.set(event_target_value(&ev))/></label>
                <label class="flex flex-col gap-1">"IPv6 CIDR (optional)"<input class=INPUT id="vpc-ipv6" placeholder="2408:4000:2000::/56" prop:value=drafts.vpc_ipv6 on:input=move |ev| drafts.vpc_ipv6.set(event_target_value(&ev))/></label>
                <ActionButton attr:id="vpc-create" label="Create VPC" pending=actions.create_vpc.pending() on_click=create/>
            </div>
        </section>
    }
}

#[component]
fn VSwitchSection(
    inv: InventoryView,
    actions: InventoryActions,
    drafts: InventoryDrafts,
) -> impl IntoView {
    let create = move |_| {
        actions.create_vswitch.dispatch(CreateVswitch {
            form: NewVSwitchForm {
                vpc_id: drafts.vsw_vpc.get(),
                zone_id: drafts.vsw_zone.get(),
                name: drafts.vsw_name.get(),
                cidr: drafts.vsw_cidr.get(),
            },
        });
    };
    view! {
        <section class="mt-8">
            <h2 class="text-lg font-semibold">"vSwitches"</h2>
            {if inv.vswitches.is_empty() {
                view! { <EmptyState name="vswitches" title=format!("No vSwitches in {}", use_region()()) hint="Endpoints place one ENI per zone in a vSwitch; create one in each zone you need." action="Create a vSwitch" focus="vsw-vpc"/> }.into_any()
            } else { view! {
            <table class="mt-2 w-full text-sm" id="vswitches">
                <thead class="text-left text-slate-500"><tr>
                    <th class=TH>"Name / id"</th><th class=TH>"Zone"</th><th class=TH>"CIDR"</th>
                    <th class=TH>"Free IPs"</th><th class=TH>"VPC"</th><th class=TH><span class="sr-only">"Actions"</span></th>
                </tr></thead>
                <tbody>
                    {inv.vswitches.into_iter().map(|v| view! {
                        <tr class=TR data-item=v.id.clone()>
                            <td class="py-2 pr-4">{v.name}<br/><span class="font-mono text-xs text-slate-500">{v.id.clone()}</span></td>
                            <td class="pr-4">{v.zone_id}</td>
                            <td class="pr-4 font-mono text-xs">{v.cidr}</td>
                            <td class="pr-4">{v.free_ips}</td>
                            <td class="pr-4 font-mono text-xs">{v.vpc_id}</td>
                            <td class="py-2"><DeleteItem id=v.id.clone() actions=actions/></td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            }.into_any() }}
            <div class=format!("mt-3 {CARD} flex flex-wrap items-end gap-3 text-sm") id="create-vswitch">
                <VpcPicker vpcs=inv.vpcs chosen=drafts.vsw_vpc id="vsw-vpc"/>
                <label class="flex flex-col gap-1">"Zone"
                    <select class=INPUT id="vsw-zone" on:change=move |ev| drafts.vsw_zone.set(event_target_value(&ev))>
                        <option value="">"Choose a zone"</option>
                        {region_zones().into_iter().map(|z| view! { <option value=z selected=drafts.vsw_zone.get_untracked() == z>{z}</option> }).collect_view()}
                    </select></label>
                <label class="flex flex-col gap-1">"Name"<input class=INPUT id="vsw-name" prop:value=drafts.vsw_name on:input=move |ev| drafts.vsw_name.set(event_target_value(&ev))/></label>
                <label class="flex flex-col gap-1">"CIDR (inside the VPC's)"<input class=INPUT id="vsw-cidr" placeholder="10.20.1.0/24" prop:value=drafts.vsw_cidr on:input=move |ev| drafts.vsw_cidr.set(event_target_value(&ev))/></label>
                <ActionButton attr:id="vsw-create" label="Create vSwitch" pending=actions.create_vswitch.pending() on_click=create/>
            </div>
        </section>
    }
}

#[component]
fn SecurityGroupSection(
    inv: InventoryView,
    actions: InventoryActions,
    drafts: InventoryDrafts,
) -> impl IntoView {
    let create = move |_| {
        actions.create_security_group.dispatch(CreateSecurityGroup {
            form: NewSecurityGroupForm {
                vpc_id: drafts.sg_vpc.get(),
                name: drafts.sg_name.get(),
            },
        });
    };
    view! {
        <section class="mt-8">
            <h2 class="text-lg font-semibold">"Security groups"</h2>
            {if inv.security_groups.is_empty() {
                view! { <EmptyState name="security-groups" title=format!("No security groups in {}", use_region()()) hint="Endpoints need a security group for their ENIs." action="Create a security group" focus="sg-vpc"/> }.into_any()
            } else { view! {
            <table class="mt-2 w-full text-sm" id="security-groups">
                <thead class="text-left text-slate-500"><tr>
                    <th class=TH>"Name / id"</th><th class=TH>"Type"</th><th class=TH>"VPC"</th><th class=TH><span class="sr-only">"Actions"</span></th>
                </tr></thead>
                <tbody>
                    {inv.security_groups.into_iter().map(|s| view! {
                        <tr class=TR data-item=s.id.clone()>
                            <td class="py-2 pr-4">{s.name}<br/><span class="font-mono text-xs text-slate-500">{s.id.clone()}</span></td>
                            <td class="pr-4">{s.sg_type}</td>
                            <td class="pr-4 font-mono text-xs">{s.vpc_id}</td>
                            <td class="py-2"><DeleteItem id=s.id.clone() actions=actions/></td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            }.into_any() }}
            <div class=format!("mt-3 {CARD} flex flex-wrap items-end gap-3 text-sm") id="create-security-group">
                <VpcPicker vpcs=inv.vpcs chosen=drafts.sg_vpc id="sg-vpc"/>
                <label class="flex flex-col gap-1">"Name"<input class=INPUT id="sg-name" prop:value=drafts.sg_name on:input=move |ev| drafts.sg_name.set(event_target_value(&ev))/></label>
                <ActionButton attr:id="sg-create" label="Create security group" pending=actions.create_security_group.pending() on_click=create/>
            </div>
        </section>
    }
}

#[component]
fn LoadBalancerSection(
    inv: InventoryView,
    actions: InventoryActions,
    drafts: InventoryDrafts,
) -> impl IntoView {
    let create = move |_| {
        actions.create_load_balancer.dispatch(CreateLoadBalancer {
            form: NewLoadBalancerForm {
                vpc_id: drafts.lb_vpc.get(),
                // The select offers only `LbType::ALL`, so its value always parses.
                lb_type: drafts.lb_type.get().parse().unwrap_or(LbType::Nlb),
                name: drafts.lb_name.get(),
                zones: drafts.lb_zones.get(),
                dual_stack: drafts.lb_dual_stack.get(),
            },
        });
    };
    view! {
        <section class="mt-6">
            <h2 class="text-lg font-semibold">"Load balancers"</h2>
            {if inv.load_balancers.is_empty() {
                view! { <EmptyState name="load-balancers" title=format!("No load balancers in {}", use_region()()) hint="Endpoint services are published from load balancers (NLB, ALB, CLB, GWLB)." action="Create a load balancer" focus="lb-type"/> }.into_any()
            } else { view! {
            <table class="mt-2 w-full text-sm" id="load-balancers">
                <thead class="text-left text-slate-500"><tr>
                    <th class=TH>"Name / id"</th><th class=TH>"Type"</th><th class=TH>"Zones"</th>
                    <th class=TH>"VPC"</th><th class=TH>"IP version"</th><th class=TH>"PrivateLink"</th><th class=TH><span class="sr-only">"Actions"</span></th>
                </tr></thead>
                <tbody>
                    {inv.load_balancers.into_iter().map(|l| view! {
                        <tr class=TR data-item=l.id.clone()>
                            <td class="py-2 pr-4">{l.name}<br/><span class="font-mono text-xs text-slate-500">{l.id.clone()}</span><CopyButton text=l.id.clone()/></td>
                            <td class="pr-4">{l.lb_type.label()}</td>
                            <td class="pr-4">{l.zones.join(", ")}</td>
                            <td class="pr-4 font-mono text-xs">{l.vpc_id}</td>
                            <td class="pr-4">{if l.dual_stack { "Dual-stack" } else { "IPv4" }}</td>
                            <td class="pr-4">{if l.privatelink_supported { "Supported" } else { "Not supported" }}</td>
                            <td class="py-2"><DeleteItem id=l.id.clone() actions=actions/></td>
                        </tr>
                        <tr data-listeners-of=l.id.clone()>
                            <td colspan="7" class="pb-3 pl-4 text-xs">
                                <span class="text-slate-500">"Listeners (TCP port → backend the data plane forwards to):"</span>
                                <Listeners lb_id=l.id.clone() actions=actions/>
                            </td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            }.into_any() }}
            <div class=format!("mt-3 {CARD} flex flex-wrap items-end gap-3 text-sm") id="create-load-balancer">
                <label class="flex flex-col gap-1">"Type"
                    <select class=INPUT id="lb-type" on:change=move |ev| drafts.lb_type.set(event_target_value(&ev))>
                        {["nlb", "alb", "clb", "gwlb"].into_iter().map(|t| view! {
                            <option value=t selected=drafts.lb_type.get_untracked() == t>{t.to_uppercase()}</option>
                        }).collect_view()}
                    </select></label>
                <VpcPicker vpcs=inv.vpcs chosen=drafts.lb_vpc id="lb-vpc"/>
                <fieldset class="flex flex-col gap-1" id="lb-zones"><legend>"Zones"</legend>
                    <div class="flex flex-wrap gap-2">
                        {region_zones().into_iter().map(|z| view! {
                            <label class="flex items-center gap-1"><input type="checkbox" value=z
                                prop:checked=move || drafts.lb_zones.with(|c| c.iter().any(|x| x == z))
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    drafts.lb_zones.update(|c| { c.retain(|x| x != z); if on { c.push(z.to_string()); } });
                                }/>{z}</label>
                        }).collect_view()}
                    </div>
                </fieldset>
                <label class="flex flex-col gap-1">"Name"<input class=INPUT id="lb-name" prop:value=drafts.lb_name on:input=move |ev| drafts.lb_name.set(event_target_value(&ev))/></label>
                <label class="flex items-center gap-1"><input type="checkbox" id="lb-dual-stack" prop:checked=drafts.lb_dual_stack on:change=move |ev| drafts.lb_dual_stack.set(event_target_checked(&ev))/>"Dual-stack"</label>
                <ActionButton attr:id="lb-create" label="Create load balancer" pending=actions.create_load_balancer.pending() on_click=create/>
            </div>
        </section>
    }
}

/// A load balancer's listeners, each removable, and a form to add one (or re-point a port).
#[component]
fn Listeners(lb_id: String, actions: InventoryActions) -> impl IntoView {
    let port = RwSignal::new(String::new());
    let backend = RwSignal::new(String::new());
    let mine = lb_id.clone();
    let add_for = lb_id.clone();
    let add = move |_| {
        actions.set_listener.dispatch(SetListener {
            form: ListenerForm {
                lb_id: add_for.clone(),
                port: port.get(),
                backend: backend.get(),
            },
        });
    };
    view! {
        <Transition fallback=|| ()>
            {move || {
                let mine = mine.clone();
                Suspend::new(async move {
                    let list = actions.listeners.await.unwrap_or_default();
                    list.into_iter().filter(|l| l.lb_id == mine).map(|l| {
                        let (lb, p) = (l.lb_id.clone(), l.port);
                        view! {
                            <div class="flex items-center gap-2" data-listener=l.port.to_string()>
                                <span class="font-mono">{format!("{} → {}", l.port, l.backend)}</span>
                                <button type="button" class="text-red-700 underline dark:text-red-300"
                                    aria-label=format!("Remove listener {p}")
                                    on:click=move |_| { actions.delete_listener.dispatch(DeleteListener { listener: ListenerRef { lb_id: lb.clone(), port: p } }); }>
                                    "Remove"</button>
                            </div>
                        }
                    }).collect_view()
                })
            }}
        </Transition>
        <div class="mt-1 flex flex-wrap items-center gap-1" data-listener-form=lb_id.clone()>
            <input class=format!("{INPUT} w-20") placeholder="8080" aria-label="Listener port"
                prop:value=port on:input=move |ev| port.set(event_target_value(&ev))/>
            <input class=format!("{INPUT} w-36") placeholder="127.0.0.1:18080" aria-label="Backend address"
                prop:value=backend on:input=move |ev| backend.set(event_target_value(&ev))/>
            <ActionButton label="Add" quiet=true pending=actions.set_listener.pending() on_click=add/>
        </div>
    }
}
