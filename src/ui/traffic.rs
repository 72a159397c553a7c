//! The live traffic chart of an endpoint's zone ENIs: about one sample a second of the last two
//! minutes, each direction as a line, with the limit in force drawn dashed. Shown on the
//! endpoint page and, compact, on the provider's connection row.

use crate::api::endpoints::endpoint_traffic;
use crate::domain::dataplane::{TrafficView, ZoneTrafficView};
use crate::ui::style::HINT;
use leptos::prelude::*;

/// A signal that counts up once a second in the browser while somebody is signed in (static on
/// the server), so the chart stops polling the moment the user signs out.
fn every_second() -> ReadSignal<u64> {
    let (tick, set_tick) = signal(0u64);
    let live = crate::ui::live::use_live_state();
    Effect::new(move |_| {
        if let Ok(h) = set_interval_with_handle(
            move || {
                if live.is_none_or(|l| l.signed_in_untracked()) {
                    set_tick.update(|t| *t += 1)
                }
            },
            std::time::Duration::from_secs(1),
        ) {
            on_cleanup(move || h.clear());
        }
    });
    tick
}

/// Formats Mbit/s for the chart labels.
fn mbps(v: f64) -> String {
    if v >= 1000.0 {
        format!("{:.2} Gbit/s", v / 1000.0)
    } else {
        format!("{v:.1} Mbit/s")
    }
}

/// The chart of every zone of `endpoint_id` (`compact`: one small chart per zone, no legend).
/// Rendered in the browser only (the server renders nothing), so the page hydrates the same
/// whatever the traffic did meanwhile.
#[component]
pub fn TrafficChart(
    #[prop(into)] endpoint_id: Signal<String>,
    #[prop(optional)] compact: bool,
    /// Whether the endpoint exists (a memo): no polling for a deleted one. Read after mount only.
    #[prop(optional)]
    active: Option<Memo<bool>>,
) -> impl IntoView {
    let mounted = RwSignal::new(false);
    Effect::new(move |_| mounted.set(true));
    view! {
        <div class="traffic-chart" data-traffic=move || endpoint_id.get()>
            {move || (mounted.get() && active.is_none_or(|a| a.get())).then(|| view! { <LiveTraffic endpoint_id=endpoint_id compact=compact/> })}
        </div>
    }
}

#[component]
fn LiveTraffic(endpoint_id: Signal<String>, compact: bool) -> impl IntoView {
    let tick = every_second();
    let traffic = Resource::new(
        move || (endpoint_id.get(), tick.get()),
        |(id, _)| endpoint_traffic(id),
    );
    view! {
        // Read, not awaited: a chart the page re-creates (a refetch above it) must not leave a
        // future behind that wakes up on its disposed resource.
        <Transition fallback=|| ()>
            {move || traffic.get().map(|answer| match answer {
                Ok(TrafficView { zones, .. }) if !zones.is_empty() => zones
                    .into_iter()
                    .map(|z| view! { <ZoneChart zone=z compact=compact/> })
                    .collect_view()
                    .into_any(),
                Ok(_) => (!compact).then(|| view! {
                    <p class=HINT>"No traffic path: the service's load balancer has no listener, or the data plane is off."</p>
                }).into_any(),
                Err(_) => ().into_any(),
            })}
        </Transition>
    }
}

#[component]
fn ZoneChart(zone: ZoneTrafficView, compact: bool) -> impl IntoView {
    let (w, h) = if compact {
        (160.0, 40.0)
    } else {
        (560.0, 120.0)
    };
    let samples = &zone.samples;
    let peak = samples
        .iter()
        .map(|s| s.in_mbps.max(s.out_mbps))
        .fold(zone.limit_mbps, f64::max)
        .max(1.0)
        * 1.15;
    let slots = 60usize;
    let shown = &samples[samples.len().saturating_sub(slots)..];
    let x = |i: usize| w * (i + slots - shown.len()) as f64 / (slots - 1) as f64;
    let y = |v: f64| h - h * v / peak;
    let line = |f: fn(&crate::domain::dataplane::TrafficSample) -> f64| {
        shown
            .iter()
            .enumerate()
            .map(|(i, s)| format!("{:.1},{:.1}", x(i), y(f(s))))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let (now_in, now_out) = shown.last().map_or((0.0, 0.0), |s| (s.in_mbps, s.out_mbps));
    let limit_y = y(zone.limit_mbps);
    let summary = format!(
        "{}: in {} · out {} · limit {} · {} connection(s)",
        zone.zone_id,
        mbps(now_in),
        mbps(now_out),
        if zone.limit_mbps > 0.0 {
            mbps(zone.limit_mbps)
        } else {
            "not serving".into()
        },
        zone.connections
    );
    view! {
        <figure class="mt-2" data-zone=zone.zone_id.clone() data-in=format!("{now_in:.3}") data-limit=format!("{}", zone.limit_mbps)>
            <svg width=w height=h viewBox=format!("0 0 {w} {h}") role="img" aria-label=summary.clone()
                class="rounded border border-slate-200 bg-white dark:border-slate-700 dark:bg-slate-900">
                {(zone.limit_mbps > 0.0).then(|| view! {
                    <line x1="0" x2=w y1=limit_y y2=limit_y stroke="#dc2626" stroke-dasharray="4 3" stroke-width="1"/>
                })}
                <polyline points=line(|s| s.in_mbps) fill="none" stroke="#2563eb" stroke-width="1.5"/>
                <polyline points=line(|s| s.out_mbps) fill="none" stroke="#16a34a" stroke-width="1.5"/>
            </svg>
            <figcaption class=HINT>{summary}
                {(!compact).then(|| view! {
                    <span>" — blue: consumer → provider, green: provider → consumer, dashed red: the limit each direction runs at"</span>
                })}
            </figcaption>
        </figure>
    }
}
