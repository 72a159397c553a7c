//! Demo: reset to the scenario, a guided tour that follows what has been done, and fault injection
//! (zone outage, overdue payment). Live.

use crate::api::demo::*;
use crate::ui::app::use_region;
use crate::ui::live::use_live;
use crate::ui::style::*;
use crate::ui::widgets::{ErrorBanner, StatusBadge};
use leptos::prelude::*;
use leptos_router::components::A;

/// The tour: (title, what to do, where, the action that completes it).
const TOUR: &[(&str, &str, &str, &str)] = &[
    (
        "Publish a service",
        "As Northwind, publish a service from a load balancer.",
        "/services",
        "CreateVpcEndpointService",
    ),
    (
        "Whitelist a consumer",
        "Open the service and add Contoso's account id 1000000000000002 to its whitelist.",
        "/services",
        "AddUserToVpcEndpointService",
    ),
    (
        "Request a connection",
        "Add Contoso (+ Account), switch to it, and create an endpoint to the service by its name.",
        "/endpoints",
        "CreateVpcEndpoint",
    ),
    (
        "Accept it",
        "Switch back to Northwind; the request waits in the service's Connections. Accept it with a bandwidth.",
        "/services",
        "EnableVpcEndpointConnection",
    ),
    (
        "Set the bandwidth",
        "Change the connected endpoint's limit with the bandwidth editor.",
        "/services",
        "UpdateVpcEndpointConnectionAttribute",
    ),
];

#[component]
pub fn DemoPage() -> impl IntoView {
    let live = use_live();
    let region = use_region();
    let reset = ServerAction::<ResetDemo>::new();
    let outage = ServerAction::<ZoneOutage>::new();
    let overdue = ServerAction::<OverduePayment>::new();
    let data = Resource::new(
        move || {
            (
                region(),
                live.get(),
                reset.version().get(),
                outage.version().get(),
                overdue.version().get(),
            )
        },
        |(r, ..)| demo_state(r),
    );
    let error = move || {
        [
            reset.value().get().and_then(|r| r.err()),
            outage.value().get().and_then(|r| r.err()),
            overdue.value().get().and_then(|r| r.err()),
        ]
        .into_iter()
        .flatten()
        .next()
    };
    view! {
        <h1 class="text-xl font-semibold">"Demo"</h1>
        {move || error().map(|e| view! { <div class="mt-3"><ErrorBanner error=e/></div> })}
        <Transition fallback=|| view! { <p class="mt-4 text-slate-500">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let d = match data.await {
                    Ok(d) => d,
                    Err(e) => return view! { <div class="mt-4"><ErrorBanner error=e/></div> }.into_any(),
                };
                let done = d.done_actions.clone();
                let last = d.connected_endpoint.clone();
                let has_last = last.is_some();
                view! {
                    <section class="mt-4 rounded-lg border border-slate-200 dark:border-slate-800 bg-white dark:bg-slate-900 p-4" id="tour">
                        <h2 class="font-semibold">"Guided tour"</h2>
                        <ol class="mt-2 space-y-2 text-sm">
                            {TOUR.iter().enumerate().map(|(i, (title, what, href, action))| {
                                let ok = done.iter().any(|a| a == action);
                                view! {
                                    <li class="flex items-start gap-2" data-step=i data-done=ok.to_string()>
                                        <span class=if ok { "text-emerald-600" } else { "text-slate-400" }>{if ok { "✔" } else { "○" }}</span>
                                        <span><strong>{format!("{}. {title}", i + 1)}</strong>" — "{*what}" "
                                            <A href=*href attr:class="text-orange-700 dark:text-orange-300 hover:underline">"Go"</A></span>
                                    </li>
                                }
                            }).collect_view()}
                            <li class="flex items-start gap-2" data-step="5" data-done=has_last.to_string()>
                                <span class=if has_last { "text-emerald-600" } else { "text-slate-400" }>{if has_last { "✔" } else { "○" }}</span>
                                <span><strong>"6. Resolve the domain"</strong>" — open the connected endpoint and see what its domain resolves to. "
                                    {last.map(|id| view! { <A href=format!("/endpoints/{id}") attr:class="text-orange-700 dark:text-orange-300 hover:underline">"Open it"</A> })}</span>
                            </li>
                        </ol>
                    </section>
                    <section class="mt-6 rounded-lg border border-slate-200 dark:border-slate-800 p-4 text-sm" id="faults">
                        <h2 class="font-semibold">"Fault injection"</h2>
                        <p class="text-slate-500">"Take a zone down and watch its address leave the endpoint's DNS answer; bring it back and watch it return."</p>
                        <div class="mt-2 flex flex-wrap gap-2">
                            {d.zones.into_iter().map(|(zone, down)| {
                                let z = zone.clone();
                                view! {
                                    <button class=if down { BUTTON } else { BUTTON_QUIET } data-zone=zone.clone() data-down=down.to_string()
                                        on:click=move |_| { outage.dispatch(ZoneOutage { zone_id: z.clone(), down: !down }); }>
                                        {if down { format!("{zone} is DOWN — recover") } else { format!("Take {zone} down") }}
                                    </button>
                                }
                            }).collect_view()}
                        </div>
                        <p class="mt-4 text-slate-500">"An overdue payment locks the account's services and endpoints and drops their connections; paying reconnects them."</p>
                        <table class="mt-2 text-sm"><tbody>
                            {d.accounts.into_iter().map(|(id, name, status)| {
                                let locked = status != "Normal";
                                let a = id.clone();
                                view! {
                                    <tr data-account=id.clone()>
                                        <td class="py-1 pr-4">{format!("{name} ({id})")}</td>
                                        <td class="pr-4"><StatusBadge status=status.clone()/></td>
                                        <td><button class=BUTTON_QUIET on:click=move |_| { overdue.dispatch(OverduePayment { account_id: a.clone(), overdue: !locked }); }>
                                            {if locked { "Pay the bill" } else { "Make payment overdue" }}</button></td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody></table>
                    </section>
                    <section class="mt-6 rounded-lg border border-red-200 dark:border-red-900 p-4 text-sm">
                        <h2 class="font-semibold">"Reset"</h2>
                        <p class="text-slate-500">{format!("Delete everything and load scenario `{}` again. You stay signed in.", d.scenario.clone().unwrap_or_default())}</p>
                        <button class="mt-2 rounded border border-red-300 px-3 py-1.5 text-red-700 hover:bg-red-50" id="reset-demo"
                            disabled=move || reset.pending().get()
                            on:click=move |_| {
                                #[cfg(feature = "hydrate")]
                                if !window().confirm_with_message("Reset the demo? Everything created since the start is deleted.").unwrap_or(false) { return; }
                                reset.dispatch(ResetDemo {});
                            }>{move || if reset.pending().get() { "Resetting…" } else { "Reset demo" }}</button>
                    </section>
                }.into_any()
            })}
        </Transition>
    }
}
