//! Inventory: the active account's VPCs, vSwitches, security groups and load balancers. Live.

use crate::api::inventory::get_inventory;
use crate::ui::app::SessionCtx;
use crate::ui::live::use_live;
use crate::ui::widgets::{CopyButton, ErrorBanner};
use leptos::prelude::*;

#[component]
pub fn InventoryPage() -> impl IntoView {
    let ctx = expect_context::<SessionCtx>();
    let live = use_live();
    let region = move || {
        ctx.session
            .get()
            .and_then(|s| s.ok())
            .map(|s| s.region)
            .unwrap_or_default()
    };
    let inventory = Resource::new(move || (region(), live.get()), |(r, _)| get_inventory(r));
    let th = "py-2 pr-4 font-medium";
    view! {
        <h1 class="text-xl font-semibold">"Inventory"</h1>
        <Transition fallback=|| view! { <p class="mt-4 text-slate-500">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match inventory.await {
                    Err(e) => view! { <ErrorBanner error=e/> }.into_any(),
                    Ok(inv) => view! {
                        <section class="mt-6">
                            <h2 class="text-lg font-semibold">"Load balancers"</h2>
                            <table class="mt-2 w-full text-sm" id="load-balancers">
                                <thead class="text-left text-slate-500"><tr>
                                    <th class=th>"Name / id"</th><th class=th>"Type"</th><th class=th>"Zones"</th>
                                    <th class=th>"VPC"</th><th class=th>"IP version"</th><th class=th>"PrivateLink"</th>
                                </tr></thead>
                                <tbody>
                                    {inv.load_balancers.into_iter().map(|l| view! {
                                        <tr class="border-t border-slate-200 dark:border-slate-800">
                                            <td class="py-2 pr-4">{l.name}<br/><span class="font-mono text-xs text-slate-500">{l.id.clone()}</span><CopyButton text=l.id/></td>
                                            <td class="pr-4">{l.lb_type.label()}</td>
                                            <td class="pr-4">{l.zones.join(", ")}</td>
                                            <td class="pr-4 font-mono text-xs">{l.vpc_id}</td>
                                            <td class="pr-4">{if l.dual_stack { "Dual-stack" } else { "IPv4" }}</td>
                                            <td class="pr-4">{if l.privatelink_supported { "Supported" } else { "Not supported" }}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </section>
                        <section class="mt-8">
                            <h2 class="text-lg font-semibold">"VPCs"</h2>
                            <table class="mt-2 w-full text-sm" id="vpcs">
                                <thead class="text-left text-slate-500"><tr>
                                    <th class=th>"Name / id"</th><th class=th>"IPv4 CIDR"</th><th class=th>"IPv6 CIDR"</th>
                                </tr></thead>
                                <tbody>
                                    {inv.vpcs.into_iter().map(|v| view! {
                                        <tr class="border-t border-slate-200 dark:border-slate-800">
                                            <td class="py-2 pr-4">{v.name}<br/><span class="font-mono text-xs text-slate-500">{v.id}</span></td>
                                            <td class="pr-4 font-mono text-xs">{v.cidr}</td>
                                            <td class="pr-4 font-mono text-xs">{v.ipv6_cidr.unwrap_or_else(|| "—".into())}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </section>
                        <section class="mt-8">
                            <h2 class="text-lg font-semibold">"vSwitches"</h2>
                            <table class="mt-2 w-full text-sm" id="vswitches">
                                <thead class="text-left text-slate-500"><tr>
                                    <th class=th>"Name / id"</th><th class=th>"Zone"</th><th class=th>"CIDR"</th>
                                    <th class=th>"Free IPs"</th><th class=th>"VPC"</th>
                                </tr></thead>
                                <tbody>
                                    {inv.vswitches.into_iter().map(|v| view! {
                                        <tr class="border-t border-slate-200 dark:border-slate-800">
                                            <td class="py-2 pr-4">{v.name}<br/><span class="font-mono text-xs text-slate-500">{v.id}</span></td>
                                            <td class="pr-4">{v.zone_id}</td>
                                            <td class="pr-4 font-mono text-xs">{v.cidr}</td>
                                            <td class="pr-4">{v.free_ips}</td>
                                            <td class="pr-4 font-mono text-xs">{v.vpc_id}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </section>
                        <section class="mt-8">
                            <h2 class="text-lg font-semibold">"Security groups"</h2>
                            <table class="mt-2 w-full text-sm" id="security-groups">
                                <thead class="text-left text-slate-500"><tr>
                                    <th class=th>"Name / id"</th><th class=th>"Type"</th><th class=th>"VPC"</th>
                                </tr></thead>
                                <tbody>
                                    {inv.security_groups.into_iter().map(|s| view! {
                                        <tr class="border-t border-slate-200 dark:border-slate-800">
                                            <td class="py-2 pr-4">{s.name}<br/><span class="font-mono text-xs text-slate-500">{s.id}</span></td>
                                            <td class="pr-4">{s.sg_type}</td>
                                            <td class="pr-4 font-mono text-xs">{s.vpc_id}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </section>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}
