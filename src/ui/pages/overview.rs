//! Overview: what the active account has in the current region, and recent activity. Live.

use crate::api::inventory::{get_inventory, recent_activity};
use crate::ui::live::{use_live_any, use_live_for};
use crate::ui::session::SessionCtx;
use crate::ui::widgets::{EmptyState, ErrorBanner};
use leptos::prelude::*;

#[component]
pub fn OverviewPage() -> impl IntoView {
    let ctx = expect_context::<SessionCtx>();
    let live = use_live_for(&["inventory", "endpoint", "gateway", "service"]);
    let region = move || {
        ctx.session
            .get()
            .and_then(|s| s.ok())
            .map(|s| s.region)
            .unwrap_or_default()
    };
    let inventory = Resource::new(move || (region(), live.get()), |(r, _)| get_inventory(r));
    let any = use_live_any();
    let activity = Resource::new(move || any.get(), |_| recent_activity(10));
    view! {
        <h1 class="text-xl font-semibold">"Overview"</h1>
        <p class="text-sm text-slate-500">{move || format!("Region {}", region())}</p>
        <Transition fallback=|| view! { <p class="mt-4 text-slate-500">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match inventory.await {
                    Ok(inv) => view! {
                        <div class="mt-4 grid grid-cols-2 md:grid-cols-4 gap-4" id="overview-counts">
                            <Count label="VPCs" value=inv.vpcs.len()/>
                            <Count label="vSwitches" value=inv.vswitches.len()/>
                            <Count label="Security groups" value=inv.security_groups.len()/>
                            <Count label="Load balancers" value=inv.load_balancers.len()/>
                        </div>
                    }.into_any(),
                    Err(e) => view! { <div class="mt-4"><ErrorBanner error=e/></div> }.into_any(),
                }
            })}
        </Transition>
        <h2 class="mt-8 text-lg font-semibold">"Recent activity"</h2>
        <Transition fallback=|| view! { <p class="text-slate-500">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match activity.await {
                    Ok(rows) if rows.is_empty() => view! { <EmptyState name="recent-activity" title="No activity yet" hint="Create something to get started." action="Open the inventory" href="/inventory"/> }.into_any(),
                    Ok(rows) => view! {
                        <table class="mt-2 w-full text-sm" id="activity-table">
                            <thead class="text-left text-slate-500">
                                <tr><th class="py-1">"Time"</th><th>"Action"</th><th>"Target"</th><th>"Source"</th><th>"Summary"</th></tr>
                            </thead>
                            <tbody>
                                {rows.into_iter().map(|r| view! {
                                    <tr class="border-t border-slate-200 dark:border-slate-800">
                                        <td class="py-1 font-mono text-xs">{r.at}</td>
                                        <td>{r.action}</td>
                                        <td class="font-mono text-xs">{r.target}</td>
                                        <td>{r.source}</td>
                                        <td>{r.summary}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any(),
                    Err(e) => view! { <ErrorBanner error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Count(label: &'static str, value: usize) -> impl IntoView {
    view! {
        <div class="rounded-lg border border-slate-200 dark:border-slate-800 bg-white dark:bg-slate-900 p-4">
            <p class="text-xs uppercase tracking-wide text-slate-500">{label}</p>
            <p class="mt-1 text-2xl font-semibold" data-count=label>{value}</p>
        </div>
    }
}
