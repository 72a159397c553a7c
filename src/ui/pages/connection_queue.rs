//! The provider's connection queue (service detail, Connections tab), a page at a time: accept
//! with a bandwidth, reject with a reason, accept or reject the selected rows of the page at
//! once, disconnect after typing the endpoint id, and the bandwidth editor with its allowed range.

use crate::api::services::*;
use crate::domain::console::{
    BatchDecision, ConnectionBandwidth, ConnectionRejection, ConnectionsQuery, PAGE_SIZE,
};
use crate::domain::model::{ConnectionView, Lookup};
use crate::domain::status::console_status;
use crate::ui::format::age;
use crate::ui::live::use_live_for;
use crate::ui::style::*;
use crate::ui::table::{PageTrail, Pager, RowDrafts};
use crate::ui::toast::{ToastBody, notify, use_toasts};
use crate::ui::traffic::TrafficChart;
use crate::ui::widgets::{ActionButton, ConfirmButton, ConnectionBadge, EmptyState, ErrorBanner};
use leptos::prelude::*;

/// The single-connection actions every row uses.
#[derive(Clone, Copy)]
struct RowActions {
    accept: ServerAction<AcceptConnection>,
    reject: ServerAction<RejectConnection>,
    disconnect: ServerAction<RejectConnection>,
    bandwidth: ServerAction<SetBandwidth>,
}

/// What the user selected and typed in the queue; survives live refreshes of the table.
#[derive(Clone, Copy, Default)]
struct QueueState {
    /// Endpoint ids ticked for a batch decision.
    selected: RwSignal<Vec<String>>,
    /// Bandwidth typed per row (Mbit/s).
    bandwidths: RowDrafts,
    /// Reject reason typed per row.
    reasons: RowDrafts,
    /// Bandwidth and reason of the batch bar.
    batch_bandwidth: RwSignal<String>,
    batch_reason: RwSignal<String>,
    /// Rows the last batch could not decide, with why.
    failures: RwSignal<Vec<BatchOutcome>>,
    /// The row whose bandwidth was sent last (rolled back when refused).
    last_bandwidth_row: RwSignal<String>,
}

/// True while `action` runs for `endpoint_id`.
fn running_for<S>(action: ServerAction<S>, endpoint_id: String, of: fn(&S) -> &str) -> Signal<bool>
where
    S: leptos::server_fn::ServerFn<Error = crate::domain::ApiError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    Signal::derive(move || {
        action.pending().get()
            && action
                .input()
                .with(|i| i.as_ref().is_some_and(|i| of(i) == endpoint_id))
    })
}

/// The accept/reject queue of one service, a page at a time; `default_bandwidth` is what the
/// service gives a connection it accepts (the batch bar's placeholder).
#[component]
pub fn ConnectionQueue(
    service_id: Signal<String>,
    default_bandwidth: Signal<i64>,
) -> impl IntoView {
    let live = use_live_for(&["endpoint", "connection", "service", "demo"]);
    let pages = PageTrail::default();
    let queue = Resource::new(
        move || (service_id.get(), pages.token(), live.get()),
        |(service_id, next_token, _)| {
            service_connections(ConnectionsQuery {
                service_id,
                next_token,
                max_results: PAGE_SIZE,
            })
        },
    );
    let actions = RowActions {
        accept: ServerAction::new(),
        reject: ServerAction::new(),
        disconnect: ServerAction::new(),
        bandwidth: ServerAction::new(),
    };
    notify(actions.accept, |_| "Connection accepted".to_string());
    notify(actions.reject, |_| "Connection rejected".to_string());
    notify(actions.disconnect, |_| "Endpoint disconnected".to_string());
    notify(actions.bandwidth, |_| "Bandwidth limit changed".to_string());
    let batch = ServerAction::<DecideConnections>::new();
    let state = QueueState::default();
    announce_batch(batch, state);
    // A refused bandwidth goes back to the value in force (the toast says why).
    for refused in [
        Signal::derive(move || matches!(actions.bandwidth.value().get(), Some(Err(_)))),
        Signal::derive(move || matches!(actions.accept.value().get(), Some(Err(_)))),
    ] {
        Effect::new(move |_| {
            if refused.get() {
                state
                    .bandwidths
                    .clear(&state.last_bandwidth_row.get_untracked());
            }
        });
    }
    // The latest answer, read by the rows: a live refresh updates rows in place (keyed by
    // endpoint id) instead of replacing the table, so a click never lands on a row being replaced.
    let error = Memo::new(move |_| queue.with(|r| r.as_ref().and_then(|r| r.clone().err())));
    let connections = Memo::new(move |_| {
        queue.with(|r| match r {
            Some(Ok(Lookup::Found(q))) => q.connections.items.clone(),
            _ => Vec::new(),
        })
    });
    let now = Memo::new(move |_| {
        queue.with(|r| match r {
            Some(Ok(Lookup::Found(q))) => q.now.clone(),
            _ => String::new(),
        })
    });
    // How many connections the service has, the rows shown and the next page's token.
    let pager = Memo::new(move |_| {
        queue.with(|r| match r {
            Some(Ok(Lookup::Found(q))) => Some((
                q.connections.total,
                q.connections.items.len(),
                q.connections.next_token.clone(),
            )),
            _ => None,
        })
    });
    let waiting = Memo::new(move |_| {
        connections.with(|list| {
            list.iter()
                .filter(|k| k.decidable)
                .map(|k| k.endpoint_id.clone())
                .collect::<Vec<_>>()
        })
    });
    view! {
        <section id="service-connections">
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    // Waits for the first answer only (untracked): later answers reach the rows
                    // through the memos above without rebuilding this view.
                    let _ = leptos::reactive::computed::ScopedFuture::new_untracked(queue.into_future()).await;
                    view! {
                        {move || error.get().map(|e| view! { <ErrorBanner error=e/> })}
                        {move || match pager.get().map(|(total, _, _)| total == 0) {
                            None => ().into_any(),
                            Some(true) => view! { <EmptyState name="connections" title="No endpoint connections yet" hint="Accounts on the whitelist connect by creating an endpoint with this service's name (Overview)." action="Manage the whitelist" href="?tab=whitelist"/> }.into_any(),
                            Some(false) => view! {
                                <BatchBar service_id=service_id waiting=waiting default_bandwidth=default_bandwidth batch=batch state=state/>
                                <div class="mt-3 overflow-x-auto"><table class="w-full text-sm">
                                    <thead class="text-left text-slate-500"><tr>
                                        <th class="py-2 pr-2"><SelectAll waiting=waiting state=state/></th>
                                        <th class=TH>"Consumer account"</th><th class=TH>"Endpoint"</th><th class=TH>"Zones"</th><th class=TH>"Age"</th>
                                        <th class=TH>"Status"</th><th class=TH>"Bandwidth"</th><th class=TH>"Decision"</th>
                                    </tr></thead>
                                    <tbody>
                                        <For each=move || connections.get() key=|k| k.endpoint_id.clone() children=move |k: ConnectionView| {
                                            let id = k.endpoint_id.clone();
                                            let row = Memo::new(move |_| {
                                                connections
                                                    .with(|list| list.iter().find(|x| x.endpoint_id == id).cloned())
                                                    .unwrap_or_else(|| k.clone())
                                            });
                                            view! { <ConnectionRow row=row now=now service_id=service_id actions=actions state=state/> }
                                        }/>
                                    </tbody>
                                </table></div>
                                {move || pager.get().map(|(total, shown, next_token)| view! {
                                    <Pager pages=pages matching=total shown=shown next_token=next_token/>
                                })}
                            }.into_any(),
                        }}
                    }.into_any()
                })}
            </Transition>
        </section>
    }
}

/// Toasts for a batch decision (a summary, then one per refused row) and the row marks.
fn announce_batch(batch: ServerAction<DecideConnections>, state: QueueState) {
    let toasts = use_toasts();
    Effect::new(move |seen: Option<usize>| {
        let version = batch.version().get();
        if seen.is_some_and(|s| version > s) {
            match batch.value().get_untracked() {
                Some(Ok(outcomes)) => {
                    let done = outcomes.iter().filter(|o| o.error.is_none()).count();
                    if done > 0 {
                        toasts.show(ToastBody::Success(format!(
                            "Decided {done} of {} selected connections",
                            outcomes.len()
                        )));
                    }
                    for o in outcomes.iter().filter(|o| o.error.is_some()) {
                        toasts.show(ToastBody::Failure {
                            subject: Some(o.endpoint_id.clone()),
                            error: o
                                .error
                                .clone()
                                .unwrap_or_else(crate::domain::ApiError::internal),
                        });
                    }
                    state.selected.set(Vec::new());
                    state
                        .failures
                        .set(outcomes.into_iter().filter(|o| o.error.is_some()).collect());
                }
                Some(Err(error)) => toasts.show(ToastBody::Failure {
                    subject: None,
                    error,
                }),
                None => {}
            }
        }
        version
    });
}

/// "2 selected" with the batch's bandwidth and reason and the two batch buttons.
#[component]
fn BatchBar(
    service_id: Signal<String>,
    /// Endpoint ids waiting for a decision.
    waiting: Memo<Vec<String>>,
    default_bandwidth: Signal<i64>,
    batch: ServerAction<DecideConnections>,
    state: QueueState,
) -> impl IntoView {
    let chosen = move || {
        let selected = state.selected.get();
        waiting.with(|w| {
            selected
                .into_iter()
                .filter(|id| w.contains(id))
                .collect::<Vec<_>>()
        })
    };
    let chosen = Signal::derive(chosen);
    let decide = move |accept: bool| {
        state.failures.set(Vec::new());
        batch.dispatch(DecideConnections {
            form: BatchDecision {
                service_id: service_id.get(),
                endpoint_ids: chosen.get(),
                accept,
                bandwidth: state
                    .batch_bandwidth
                    .get()
                    .trim()
                    .parse()
                    .unwrap_or_else(|_| default_bandwidth.get()),
                reason: state.batch_reason.get(),
            },
        });
    };
    let nothing = Signal::derive(move || chosen.with(|c| c.is_empty()));
    view! {
        <div class="flex flex-wrap items-end gap-3 rounded border border-slate-200 dark:border-slate-800 px-3 py-2 text-sm" id="batch-bar">
            <span class="self-center font-medium" id="selected-count">{move || format!("{} selected", chosen.with(Vec::len))}</span>
            <label class="flex flex-col gap-1">"Bandwidth (Mbit/s)"
                <input class=INPUT type="number" placeholder=move || default_bandwidth.get().to_string() prop:value=state.batch_bandwidth
                    on:input=move |ev| state.batch_bandwidth.set(event_target_value(&ev))/></label>
            <ActionButton attr:id="accept-selected" label="Accept selected" pending=batch.pending() disabled=nothing on_click=move |_| decide(true)/>
            <label class="flex flex-col gap-1">"Reason (optional)"
                <input class=INPUT prop:value=state.batch_reason on:input=move |ev| state.batch_reason.set(event_target_value(&ev))/></label>
            <ActionButton attr:id="reject-selected" label="Reject selected" quiet=true pending=batch.pending() disabled=nothing on_click=move |_| decide(false)/>
        </div>
    }
}

/// The header checkbox: ticks every connection waiting for a decision.
#[component]
fn SelectAll(waiting: Memo<Vec<String>>, state: QueueState) -> impl IntoView {
    let everything = move || {
        waiting.with(|all| {
            !all.is_empty() && state.selected.with(|s| all.iter().all(|id| s.contains(id)))
        })
    };
    view! {
        <input type="checkbox" aria-label="Select every waiting connection" disabled=move || waiting.with(Vec::is_empty)
            prop:checked=everything
            on:change=move |ev| {
                let on = event_target_checked(&ev);
                state.selected.set(if on { waiting.get() } else { Vec::new() });
            }/>
    }
}

/// One connection: who asks, where, since when, its status and the provider's controls. Its
/// cells follow `row` in place; only the parts whose inputs changed are rebuilt.
#[component]
fn ConnectionRow(
    row: Memo<ConnectionView>,
    now: Memo<String>,
    service_id: Signal<String>,
    actions: RowActions,
    state: QueueState,
) -> impl IntoView {
    // The row's key: it never changes for this row.
    let (ep, owner) = row.with_untracked(|k| (k.endpoint_id.clone(), k.endpoint_owner_id.clone()));
    let decision =
        Memo::new(move |_| row.with(|k| (k.decidable, k.adjustable, k.bandwidth.to_string())));
    let waiting = move || decision.with(|d| d.0);
    let badge = Memo::new(move |_| row.with(|k| (k.status, k.awaiting_decision)));
    let editor = Memo::new(move |_| row.with(EditorFacts::of));
    let zones = move || {
        row.with(|k| {
            k.zones
                .iter()
                .map(|z| format!("{} ({})", z.zone_id, console_status(z.status.as_str()).0))
                .collect::<Vec<_>>()
                .join(", ")
        })
    };
    let failure = {
        let ep = ep.clone();
        move || {
            state.failures.with(|f| {
                f.iter()
                    .find(|o| o.endpoint_id == ep)
                    .and_then(|o| o.error.clone())
            })
        }
    };
    let tick = {
        let ep = ep.clone();
        move |ev| {
            let on = event_target_checked(&ev);
            state.selected.update(|s| {
                s.retain(|x| *x != ep);
                if on {
                    s.push(ep.clone());
                }
            });
        }
    };
    let ticked = {
        let ep = ep.clone();
        move || state.selected.with(|s| s.contains(&ep))
    };
    let select_label = format!("Select {ep}");
    let select_key = ep.clone();
    let controls_ep = ep.clone();
    let chart_ep = ep.clone();
    view! {
        <tr class=format!("{TR} align-top") data-endpoint=ep.clone()>
            <td class="py-2 pr-2">
                {move || waiting().then(|| view! {
                    <input type="checkbox" data-select=select_key.clone() aria-label=select_label.clone() prop:checked=ticked.clone() on:change=tick.clone()/>
                })}
            </td>
            <td class="py-2 pr-4 font-mono text-xs">{owner}</td>
            <td class="py-2 pr-4 font-mono text-xs">{ep.clone()}<br/>{move || row.with(|k| k.endpoint_name.clone())}</td>
            <td class="py-2 pr-4 text-xs">{zones}</td>
            <td class="py-2 pr-4 text-xs" title=move || row.with(|k| k.created_at.clone())>{move || row.with(|k| now.with(|n| age(&k.created_at, n)))}</td>
            <td class="py-2 pr-4">{move || { let (status, awaiting) = badge.get(); view! { <ConnectionBadge status=status awaiting_decision=awaiting/> } }}
                {move || row.with(|k| k.reason.clone()).map(|r| view! { <p class=HINT>{r}</p> })}
                {move || failure().map(|e| view! { <div class="mt-1 text-xs" data-row-error=""><ErrorBanner error=e/></div> })}
            </td>
            <td class="py-2 pr-4 text-xs">{move || view! { <BandwidthEditor facts=editor.get() service_id=service_id actions=actions state=state/> }}
                {move || decision.with(|d| d.1).then(|| view! { <TrafficChart endpoint_id=chart_ep.clone() compact=true/> })}</td>
            <td class="py-2 text-xs">{move || {
                let (waiting, connected, current_bandwidth) = decision.get();
                view! { <DecisionControls endpoint_id=controls_ep.clone() current_bandwidth=current_bandwidth waiting=waiting connected=connected service_id=service_id actions=actions state=state/> }
            }}</td>
        </tr>
    }
}

/// What the bandwidth editor shows of a connection (it is rebuilt only when one of these changes).
#[derive(Debug, Clone, PartialEq)]
struct EditorFacts {
    endpoint_id: String,
    bandwidth: i64,
    min: i64,
    max: i64,
    /// "cn-hangzhou-h 2048, cn-hangzhou-i 2048".
    zone_max: String,
    elastic: bool,
    elastic_zone_mbps: i64,
    connected: bool,
}

impl EditorFacts {
    fn of(k: &ConnectionView) -> Self {
        Self {
            endpoint_id: k.endpoint_id.clone(),
            bandwidth: k.bandwidth,
            min: k.min_bandwidth,
            max: k.max_bandwidth,
            zone_max: k
                .zones
                .iter()
                .map(|z| format!("{} {}", z.zone_id, z.max_bandwidth_mbps))
                .collect::<Vec<_>>()
                .join(", "),
            elastic: k.elastic,
            elastic_zone_mbps: k.elastic_zone_mbps,
            connected: k.adjustable,
        }
    }
}

/// The throttle input with the allowed range and each zone's maximum; "Set limit" once connected.
#[component]
fn BandwidthEditor(
    facts: EditorFacts,
    service_id: Signal<String>,
    actions: RowActions,
    state: QueueState,
) -> impl IntoView {
    let k = facts;
    let ep = k.endpoint_id.clone();
    let current = k.bandwidth.to_string();
    let value = {
        let (ep, current) = (ep.clone(), current.clone());
        move || state.bandwidths.get(&ep, &current)
    };
    let zone_max = k.zone_max.clone();
    let pending = running_for(actions.bandwidth, ep.clone(), |i| &i.form.endpoint_id);
    let set_limit = {
        let (ep, current) = (ep.clone(), current.clone());
        move |_| {
            state.last_bandwidth_row.set(ep.clone());
            actions.bandwidth.dispatch(SetBandwidth {
                form: ConnectionBandwidth {
                    service_id: service_id.get(),
                    endpoint_id: ep.clone(),
                    bandwidth: state
                        .bandwidths
                        .get(&ep, &current)
                        .trim()
                        .parse()
                        .unwrap_or(0),
                },
            });
        }
    };
    let typed = ep.clone();
    let enforcement = if k.elastic {
        view! { <span>{format!("Elastic: this limit is recorded but not enforced; each zone scales up to {} Mbit/s", k.elastic_zone_mbps)}</span> }.into_any()
    } else {
        let value = value.clone();
        view! { <span>{move || format!("Enforced: each zone's ENI is held to {} Mbit/s", value())}</span> }.into_any()
    };
    view! {
        <input class=format!("{INPUT} w-28") type="number" min=k.min max=k.max aria-label="Bandwidth in Mbit/s"
            prop:value=value on:input=move |ev| state.bandwidths.set(&typed, event_target_value(&ev))/>
        <p class=HINT>{format!("Allowed {}–{} Mbit/s", k.min, k.max)}</p>
        {(!zone_max.is_empty()).then(|| view! { <p class=HINT>{format!("Per-zone maximum: {zone_max}")}</p> })}
        <p class=HINT data-enforcement=if k.elastic { "elastic" } else { "enforced" }>{enforcement}</p>
        {k.connected.then(|| view! {
            <div class="mt-1"><ActionButton label="Set limit" quiet=true pending=pending on_click=set_limit/></div>
        })}
    }
}

/// Accept (with the row's bandwidth), reject (with a reason) or disconnect (typed confirmation).
#[component]
fn DecisionControls(
    endpoint_id: String,
    /// The bandwidth shown in the row's editor until something else is typed.
    current_bandwidth: String,
    waiting: bool,
    connected: bool,
    service_id: Signal<String>,
    actions: RowActions,
    state: QueueState,
) -> impl IntoView {
    let ep = endpoint_id;
    let accepting = running_for(actions.accept, ep.clone(), |i| &i.form.endpoint_id);
    let rejecting = running_for(actions.reject, ep.clone(), |i| &i.form.endpoint_id);
    let disconnecting = running_for(actions.disconnect, ep.clone(), |i| &i.form.endpoint_id);
    let accept = {
        let ep = ep.clone();
        move |_| {
            state.last_bandwidth_row.set(ep.clone());
            actions.accept.dispatch(AcceptConnection {
                form: ConnectionBandwidth {
                    service_id: service_id.get(),
                    endpoint_id: ep.clone(),
                    bandwidth: state
                        .bandwidths
                        .get(&ep, &current_bandwidth)
                        .trim()
                        .parse()
                        .unwrap_or(0),
                },
            });
        }
    };
    let reject = {
        let ep = ep.clone();
        move |_| {
            actions.reject.dispatch(RejectConnection {
                form: ConnectionRejection {
                    service_id: service_id.get(),
                    endpoint_id: ep.clone(),
                    reason: state.reasons.get(&ep, ""),
                },
            });
        }
    };
    let disconnect = {
        let ep = ep.clone();
        move |_| {
            actions.disconnect.dispatch(RejectConnection {
                form: ConnectionRejection {
                    service_id: service_id.get(),
                    endpoint_id: ep.clone(),
                    reason: state.reasons.get(&ep, ""),
                },
            });
        }
    };
    let reason_value = {
        let ep = ep.clone();
        move || state.reasons.get(&ep, "")
    };
    let reason_key = ep.clone();
    view! {
        <div class="flex flex-col items-start gap-1">
            {waiting.then(|| view! {
                <ActionButton attr:data-action="accept" label="Accept" pending=accepting on_click=accept/>
            })}
            {(waiting || connected).then(|| view! {
                <input class=INPUT placeholder="Reason (optional)" aria-label="Reason" prop:value=reason_value
                    on:input=move |ev| state.reasons.set(&reason_key, event_target_value(&ev))/>
            })}
            {waiting.then(|| view! {
                <ActionButton attr:data-action="reject" label="Reject" quiet=true pending=rejecting on_click=reject/>
            })}
            {connected.then(|| view! {
                <ConfirmButton attr:data-action="disconnect" label="Disconnect" typed=ep.clone()
                    question=format!("Disconnect {ep}? Its traffic stops. Type the endpoint id to confirm:")
                    pending=disconnecting on_confirm=disconnect/>
            })}
        </div>
    }
}
