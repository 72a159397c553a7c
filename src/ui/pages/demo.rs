//! Demo: reset to the scenario, a guided tour that follows what has been done, fault injection
//! (zone outage, overdue payment) and the operator's desk for bandwidth requests. Live.

use crate::api::bandwidth::{DecideBandwidthRequest, pending_bandwidth_requests};
use crate::api::demo::*;
use crate::domain::bandwidth::BandwidthDecision;
use crate::domain::state::BusinessStatus;
use crate::domain::tour::STEP_ACTIONS;
use crate::ui::live::{use_live_any, use_live_for};
use crate::ui::session::use_region;
use crate::ui::style::*;
use crate::ui::toast::notify;
use crate::ui::widgets::{
    ActionButton, ConfirmButton, EmptyState, ErrorBanner, RequestStatusBadge, StatusBadge,
};
use leptos::prelude::*;
use leptos_router::components::A;

/// The tour's steps before the last: (title, what to do, where), in the words of the scenario's
/// cast (its provider and consumer by name); the action that completes each is in
/// [`STEP_ACTIONS`], in the same order.
fn tour_steps(
    cast: Option<&TourCast>,
) -> [(&'static str, String, &'static str); STEP_ACTIONS.len()] {
    let (provider, consumer, consumer_id) = match cast {
        Some(c) => (
            c.provider.name.clone(),
            c.consumer.name.clone(),
            c.consumer.id.clone(),
        ),
        None => (
            "the provider".into(),
            "the consumer".into(),
            "the consumer's account id".into(),
        ),
    };
    [
        (
            "Publish a service",
            format!("As {provider}, publish a service from a load balancer."),
            "/services",
        ),
        (
            "Whitelist a consumer",
            format!(
                "Open the service and add {consumer}'s account id {consumer_id} to its whitelist."
            ),
            "/services",
        ),
        (
            "Request a connection",
            format!(
                "Add {consumer} (+ Account), switch to it, and create an endpoint to the service by its name."
            ),
            "/endpoints",
        ),
        (
            "Accept it",
            format!(
                "Switch back to {provider}; the request waits in the service's Connections. Accept it with a bandwidth."
            ),
            "/services",
        ),
        (
            "Set the bandwidth",
            "Change the connected endpoint's limit with the bandwidth editor.".to_string(),
            "/services",
        ),
    ]
}

#[component]
pub fn DemoPage() -> impl IntoView {
    let live = use_live_any();
    let region = use_region();
    let reset = ServerAction::<ResetDemo>::new();
    let outage = ServerAction::<ZoneOutage>::new();
    let overdue = ServerAction::<OverduePayment>::new();
    let traffic = ServerAction::<DemoTraffic>::new();
    let delay = ServerAction::<TransitionDelay>::new();
    let delay_typed = RwSignal::new(String::new());
    let data = Resource::new(
        move || {
            (
                region(),
                live.get(),
                reset.version().get(),
                outage.version().get(),
                overdue.version().get(),
                traffic.version().get(),
                delay.version().get(),
            )
        },
        |(r, ..)| demo_state(r),
    );
    notify(reset, |_| "Demo reset to its scenario".to_string());
    notify(outage, |_| "Zone availability changed".to_string());
    notify(overdue, |_| "Payment status changed".to_string());
    notify(traffic, |on| {
        if *on {
            "Traffic generator started"
        } else {
            "Traffic generator stopped"
        }
        .to_string()
    });
    notify(delay, |ms| format!("Transitions now take {ms} ms"));
    view! {
        <h1 class="text-xl font-semibold">"Demo"</h1>
        <Transition fallback=|| view! { <p class="mt-4 text-slate-500">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let d = match data.await {
                    Ok(d) => d,
                    Err(e) => return view! { <div class="mt-4"><ErrorBanner error=e/></div> }.into_any(),
                };
                let progress = d.progress.clone();
                let refused = d.global_tools_refused.clone();
                let last = d.progress.connected_endpoint.clone();
                let has_last = progress.step_done(STEP_ACTIONS.len());
                let generator = last.clone();
                let running = d.traffic_running;
                view! {
                    <section class="mt-4 rounded-lg border border-slate-200 dark:border-slate-800 bg-white dark:bg-slate-900 p-4" id="tour">
                        <h2 class="font-semibold">"Guided tour"</h2>
                        <ol class="mt-2 space-y-2 text-sm">
                            {tour_steps(d.tour.as_ref()).into_iter().enumerate().map(|(i, (title, what, href))| {
                                let ok = progress.step_done(i);
                                view! {
                                    <li class="flex items-start gap-2" data-step=i data-done=ok.to_string()>
                                        <span class=if ok { "text-emerald-600" } else { "text-slate-400" }>{if ok { "✔" } else { "○" }}</span>
                                        <span><strong>{format!("{}. {title}", i + 1)}</strong>" — "{what}" "
                                            <A href=href attr:class="text-orange-700 dark:text-orange-300 underline">"Go"</A></span>
                                    </li>
                                }
                            }).collect_view()}
                            <li class="flex items-start gap-2" data-step="5" data-done=has_last.to_string()>
                                <span class=if has_last { "text-emerald-600" } else { "text-slate-400" }>{if has_last { "✔" } else { "○" }}</span>
                                <span><strong>"6. Resolve the domain"</strong>" — open the connected endpoint and see what its domain resolves to. "
                                    {last.map(|id| view! { <A href=format!("/endpoints/{id}") attr:class="text-orange-700 dark:text-orange-300 underline">"Open it"</A> })}</span>
                            </li>
                        </ol>
                    </section>
                    <section class="mt-6 rounded-lg border border-slate-200 dark:border-slate-800 p-4 text-sm" id="faults">
                        <h2 class="font-semibold">"Fault injection"</h2>
                        <p class="text-slate-500">"Take a zone down and watch its address leave the endpoint's DNS answer; bring it back and watch it return."</p>
                        {refused.map(|why| view! { <p id="demo-access" class="mt-2 text-amber-700 dark:text-amber-300">{why}</p> })}
                        <div class="mt-2 flex flex-wrap gap-2">
                            {d.zones.into_iter().map(|(zone, down)| {
                                let z = zone.clone();
                                let label = if down { format!("{zone} is DOWN — recover") } else { format!("Take {zone} down") };
                                let busy = zone.clone();
                                let pending = Signal::derive(move || outage.pending().get() && outage.input().with(|i| i.as_ref().is_some_and(|i| i.outage.zone_id == busy)));
                                view! {
                                    <ActionButton attr:data-zone=zone.clone() attr:data-down=down.to_string() quiet=!down label=label pending=pending
                                        on_click=move |_| { outage.dispatch(ZoneOutage { outage: ZoneOutageSwitch { zone_id: z.clone(), down: !down } }); }/>
                                }
                            }).collect_view()}
                        </div>
                        <p class="mt-4 text-slate-500">"An overdue payment locks the account's services and endpoints and drops their connections; paying reconnects them."</p>
                        <table class="mt-2 text-sm"><tbody>
                            {d.accounts.into_iter().map(|(id, name, status)| {
                                let locked = status != BusinessStatus::Normal;
                                let a = id.clone();
                                let busy = id.clone();
                                let pending = Signal::derive(move || overdue.pending().get() && overdue.input().with(|i| i.as_ref().is_some_and(|i| i.payment.account_id == busy)));
                                view! {
                                    <tr data-account=id.clone()>
                                        <td class="py-1 pr-4">{format!("{name} ({id})")}</td>
                                        <td class="pr-4"><StatusBadge status=status/></td>
                                        <td><ActionButton quiet=true label=if locked { "Pay the bill" } else { "Make payment overdue" } pending=pending
                                            on_click=move |_| { overdue.dispatch(OverduePayment { payment: OverdueSwitch { account_id: a.clone(), overdue: !locked } }); }/></td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody></table>
                    </section>
                    <section class="mt-6 rounded-lg border border-slate-200 dark:border-slate-800 p-4 text-sm" id="traffic-generator">
                        <h2 class="font-semibold">"Traffic generator"</h2>
                        <p class="text-slate-500">"A built-in backend behind the service's listener and a client that sends through every zone ENI of the connected endpoint as fast as the limit allows. Change the bandwidth, take a zone down or disconnect, and watch the chart on the endpoint's page."</p>
                        {match generator {
                            None => view! { <p class="mt-2 text-slate-500">"Connect an endpoint first (tour steps 3–4)."</p> }.into_any(),
                            Some(ep) => {
                                let id = ep.clone();
                                view! {
                                    <div class="mt-2 flex items-center gap-2">
                                        <ActionButton attr:id="traffic-toggle" quiet=running
                                            label=if running { "Stop traffic" } else { "Start traffic" }
                                            pending=traffic.pending()
                                            on_click=move |_| { traffic.dispatch(DemoTraffic { switch: TrafficSwitch { endpoint_id: id.clone(), on: !running } }); }/>
                                        <a class="font-mono text-xs underline" href=format!("/endpoints/{ep}")>{ep.clone()}</a>
                                    </div>
                                    <p class=HINT>"The endpoint's page charts the traffic of each zone live, with the limit."</p>
                                }.into_any()
                            }
                        }}
                    </section>
                    <section class=format!("mt-6 {CARD} text-sm") id="transition-speed">
                        <h2 class="font-semibold">"Transition speed"</h2>
                        <p class="text-slate-500">{format!("Creating, Connecting, Modifying and the other in-between states last {} ms. Slow them down to watch each one; changes already under way keep their pace.", d.transition_delay_ms)}</p>
                        <div class="mt-2 flex flex-wrap items-end gap-2">
                            <label class="flex flex-col gap-1">"Transition delay (ms)"
                                <input class=INPUT type="number" min="0" id="transition-delay" placeholder=d.transition_delay_ms.to_string()
                                    prop:value=delay_typed on:input=move |ev| delay_typed.set(event_target_value(&ev))/></label>
                            <ActionButton attr:id="set-transition-delay" label="Set" pending=delay.pending()
                                on_click=move |_| {
                                    let ms = delay_typed.get_untracked().trim().parse().unwrap_or(-1);
                                    delay.dispatch(TransitionDelay { delay_ms: ms });
                                }/>
                        </div>
                    </section>
                    <section class="mt-6 rounded-lg border border-red-200 dark:border-red-900 p-4 text-sm" id="reset">
                        <h2 class="font-semibold">"Reset"</h2>
                        <p class="text-slate-500">{format!("Delete everything and load scenario `{}` again. You stay signed in.", d.scenario.clone().unwrap_or_default())}</p>
                        <div class="mt-2">
                            <ConfirmButton attr:id="reset-demo" label="Reset demo"
                                question="Reset the demo? Everything created since the start is deleted."
                                pending=reset.pending() on_confirm=move |_| { reset.dispatch(ResetDemo {}); }/>
                        </div>
                    </section>
                }.into_any()
            })}
        </Transition>
        <OperatorBandwidthDesk/>
    }
}

/// The operator's desk: bandwidth increase requests waiting for a grant or a denial.
#[component]
fn OperatorBandwidthDesk() -> impl IntoView {
    let live = use_live_for(&["endpoint", "connection"]);
    let decide = ServerAction::<DecideBandwidthRequest>::new();
    notify(decide, |_| "Bandwidth request decided".to_string());
    let pending = Resource::new(move || live.get(), |_| pending_bandwidth_requests());
    view! {
        <section class=format!("mt-6 {CARD} text-sm") id="operator-bandwidth">
            <h2 class="font-semibold">"Operator: bandwidth increase requests"</h2>
            <p class="text-slate-500">"Consumers ask for more per-zone bandwidth than the maximum; as the operator, grant or deny."</p>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match pending.await {
                        Err(e) => view! { <div class="mt-2"><ErrorBanner error=e/></div> }.into_any(),
                        Ok(list) if list.is_empty() => view! { <EmptyState name="operator-requests" title="No bandwidth requests waiting" hint="Consumers ask on an endpoint's Bandwidth tab; their requests wait here for a decision."/> }.into_any(),
                        Ok(list) => view! {
                            <table class="mt-2 w-full"><thead class="text-left text-slate-500"><tr>
                                <th class=TH>"Endpoint"</th><th class=TH>"Account"</th><th class=TH>"Mbit/s per zone"</th><th class=TH>"Reason"</th><th class=TH>"Status"</th><th class=TH><span class="sr-only">"Decision"</span></th>
                            </tr></thead>
                            <tbody>{list.into_iter().map(|r| {
                                let id = r.id;
                                let busy = Signal::derive(move || decide.pending().get() && decide.input().with(|i| i.as_ref().is_some_and(|i| i.decision.id == id)));
                                view! {
                                    <tr class=TR data-request=id>
                                        <td class="py-1 pr-4 font-mono text-xs">{r.endpoint_id}</td><td class="pr-4 font-mono text-xs">{r.account_id}</td>
                                        <td class="pr-4">{r.mbps}</td><td class="pr-4">{r.reason}</td><td class="pr-4"><RequestStatusBadge status=r.status/></td>
                                        <td class="py-1 flex gap-2">
                                            <ActionButton attr:data-action="grant" label="Grant" pending=busy on_click=move |_| { decide.dispatch(DecideBandwidthRequest { decision: BandwidthDecision { id, grant: true } }); }/>
                                            <ActionButton attr:data-action="deny" label="Deny" quiet=true pending=busy on_click=move |_| { decide.dispatch(DecideBandwidthRequest { decision: BandwidthDecision { id, grant: false } }); }/>
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}</tbody></table>
                        }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}
