//! Activity: the audit log with filters (account, action, resource, time) and CSV export. Live.

use crate::api::activity::activity;
use crate::domain::activity::ActivityQuery;
use crate::ui::live::use_live_any;
use crate::ui::style::*;
use crate::ui::widgets::{CopyButton, EmptyState, ErrorBanner};
use leptos::prelude::*;

#[component]
pub fn ActivityPage() -> impl IntoView {
    let live = use_live_any();
    let actor = RwSignal::new(String::new());
    let action = RwSignal::new(String::new());
    let target = RwSignal::new(String::new());
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let filters = move || ActivityQuery {
        actor: actor.get(),
        action: action.get(),
        target: target.get(),
        from: from.get(),
        to: to.get(),
    };
    let rows = Resource::new(move || (filters(), live.get()), |(q, _)| activity(q));
    let csv_href = move || {
        let q = filters();
        let q: String = [
            ("actor", q.actor),
            ("action", q.action),
            ("target", q.target),
            ("from", q.from),
            ("to", q.to),
        ]
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", v.replace('&', "%26").replace(' ', "%20")))
        .collect::<Vec<_>>()
        .join("&");
        format!("/activity.csv?{q}")
    };
    let field = move |label: &'static str,
                      id: &'static str,
                      sig: RwSignal<String>,
                      kind: &'static str,
                      hint: &'static str| {
        view! {
            <label class="flex flex-col gap-1 text-sm">{label}
                <input class=INPUT id=id type=kind placeholder=hint prop:value=sig on:change=move |ev| sig.set(event_target_value(&ev))/>
            </label>
        }
    };
    view! {
        <div class="flex items-center justify-between">
            <h1 class="text-xl font-semibold">"Activity"</h1>
            <a class=BUTTON_QUIET id="export-csv" href=csv_href download="linkyard-activity.csv">"Export CSV"</a>
        </div>
        <div class="mt-4 flex flex-wrap gap-3" id="activity-filters">
            {field("Account", "filter-actor", actor, "text", "16-digit id or system")}
            {field("Action", "filter-action", action, "text", "e.g. EnableVpcEndpointConnection")}
            {field("Resource", "filter-target", target, "text", "id or part of it")}
            {field("From", "filter-from", from, "date", "")}
            {field("To", "filter-to", to, "date", "")}
        </div>
        <Transition fallback=|| view! { <p class="mt-4 text-slate-500">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match rows.await {
                    Err(e) => view! { <div class="mt-4"><ErrorBanner error=e/></div> }.into_any(),
                    Ok(list) if list.is_empty() => view! { <EmptyState name="activity" title="No activity matches these filters" hint="Changes by this account, from the console or the API, are recorded here. Widen or clear the filters above." action="Change the filters" focus="filter-actor"/> }.into_any(),
                    Ok(list) => view! {
                        // Wide: scrolls inside its own box at narrow widths, not the page.
                        <div class="mt-4 overflow-x-auto"><table class="w-full text-sm" id="activity-log">
                            <thead class="text-left text-slate-500"><tr>
                                <th class=TH>"Time (UTC)"</th><th class=TH>"Who"</th><th class=TH>"What happened"</th>
                                <th class=TH>"Resource"</th><th class=TH>"Request id"</th>
                            </tr></thead>
                            <tbody>{list.into_iter().map(|r| {
                                let what = crate::domain::activity::headline(&r.action, &r.target, &r.summary);
                                let who = crate::domain::activity::actor_label(&r.actor);
                                view! {
                                <tr class="border-t border-slate-200 dark:border-slate-800 align-top">
                                    <td class="py-1 pr-4 font-mono text-xs whitespace-nowrap">{r.at}</td>
                                    <td class="pr-4 text-xs whitespace-nowrap">{who}<span class="block text-slate-600 dark:text-slate-300">{r.source}</span></td>
                                    <td class="pr-4">
                                        <span data-headline="">{what}</span>
                                        <span class="block text-xs text-slate-600 dark:text-slate-300">
                                            <span class="font-mono" data-action="">{r.action}</span>{(!r.summary.is_empty()).then(|| format!(" · {}", r.summary))}
                                        </span>
                                    </td>
                                    <td class="pr-4"><IdCell id=r.target/></td>
                                    <td class="pr-4"><IdCell id=r.request_id/></td>
                                </tr>
                            }}).collect_view()}</tbody>
                        </table></div>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

/// A long id on one line: truncated with the whole id in its title, and a copy button.
#[component]
fn IdCell(id: String) -> impl IntoView {
    if id.is_empty() {
        return view! { <span></span> }.into_any();
    }
    view! {
        <span class="inline-flex items-center gap-1 whitespace-nowrap">
            <span class="inline-block max-w-[11rem] truncate align-bottom font-mono text-xs" title=id.clone()>{id.clone()}</span>
            <CopyButton text=id/>
        </span>
    }
    .into_any()
}
