//! The Events tab of the detail pages: the audit entries about one service or endpoint. Live.

use crate::api::activity::activity;
use crate::domain::activity::ActivityQuery;
use crate::ui::live::use_live_any;
use crate::ui::style::{TH, TR};
use crate::ui::widgets::{EmptyState, ErrorBanner};
use leptos::prelude::*;

/// Audit entries whose target is (or contains) `target`, newest first.
#[component]
pub fn ResourceEvents(#[prop(into)] target: Signal<String>) -> impl IntoView {
    let live = use_live_any();
    let events = Resource::new(
        move || (target.get(), live.get()),
        |(target, _)| {
            activity(ActivityQuery {
                target,
                ..Default::default()
            })
        },
    );
    view! {
        <Transition fallback=|| view! { <p class="text-slate-500">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match events.await {
                    Err(e) => view! { <ErrorBanner error=e/> }.into_any(),
                    Ok(rows) if rows.is_empty() => view! { <EmptyState name="events" title="No events recorded yet" hint="Every change to it, from the console or the API, appears here as it happens."/> }.into_any(),
                    Ok(rows) => view! {
                        <table class="w-full text-sm" data-events="">
                            <thead class="text-left text-slate-500"><tr>
                                <th class=TH>"Time (UTC)"</th><th class=TH>"Who"</th><th class=TH>"What happened"</th>
                            </tr></thead>
                            <tbody>{rows.into_iter().map(|r| {
                                let what = crate::domain::activity::headline(&r.action, &r.target, &r.summary);
                                let who = crate::domain::activity::actor_label(&r.actor);
                                view! {
                                <tr class=TR>
                                    <td class="py-1 pr-4 font-mono text-xs whitespace-nowrap align-top">{r.at}</td>
                                    <td class="pr-4 text-xs whitespace-nowrap align-top">{who}<span class="block text-slate-600 dark:text-slate-300">{r.source}</span></td>
                                    <td class="pr-4">{what}
                                        <span class="block text-xs text-slate-600 dark:text-slate-300"><span class="font-mono">{r.action}</span>{(!r.summary.is_empty()).then(|| format!(" · {}", r.summary))}</span>
                                    </td>
                                </tr>
                            }}).collect_view()}</tbody>
                        </table>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}
