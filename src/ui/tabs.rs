//! Tabs of the detail pages. The chosen tab lives in the URL query (`?tab=connections`), so links
//! open the right tab; the tab list follows the WAI-ARIA pattern (arrow keys, Home, End).

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_location, use_navigate, use_query_map};

/// A tab: the key used in the URL and the label shown.
pub type TabSpec = (&'static str, &'static str);

/// The tab named in the URL query, or `default` when there is none.
pub fn use_tab(default: &'static str) -> Memo<String> {
    let query = use_query_map();
    Memo::new(move |_| {
        query
            .with(|q| q.get("tab"))
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| default.to_string())
    })
}

/// The row of tabs; choosing one rewrites `?tab=` in the URL (without a new history entry).
#[component]
pub fn TabList(
    tabs: &'static [TabSpec],
    active: Memo<String>,
    /// What the tabs are about, for screen readers.
    #[prop(into)]
    label: String,
) -> impl IntoView {
    let navigate = use_navigate();
    let location = use_location();
    let buttons: Vec<NodeRef<leptos::html::Button>> = tabs.iter().map(|_| NodeRef::new()).collect();
    let select = move |key: &str| {
        let path = location.pathname.get_untracked();
        navigate(
            &format!("{path}?tab={key}"),
            NavigateOptions {
                replace: true,
                scroll: false,
                ..Default::default()
            },
        );
    };
    let index_of = move |key: &str| tabs.iter().position(|(k, _)| *k == key).unwrap_or(0);
    let on_keydown = {
        let buttons = buttons.clone();
        let select = select.clone();
        move |ev: leptos::ev::KeyboardEvent| {
            let current = index_of(&active.get_untracked());
            let next = match ev.key().as_str() {
                "ArrowRight" => (current + 1) % tabs.len(),
                "ArrowLeft" => (current + tabs.len() - 1) % tabs.len(),
                "Home" => 0,
                "End" => tabs.len() - 1,
                _ => return,
            };
            ev.prevent_default();
            select(tabs[next].0);
            if let Some(button) = buttons[next].get_untracked() {
                let _ = button.focus();
            }
        }
    };
    view! {
        <div role="tablist" aria-label=label on:keydown=on_keydown
            class="mt-4 flex gap-1 overflow-x-auto border-b border-slate-200 dark:border-slate-800">
            {tabs.iter().zip(buttons).map(|(&(key, text), node)| {
                let select = select.clone();
                let selected = move || active.get() == key;
                view! {
                    <button
                        type="button"
                        role="tab"
                        node_ref=node
                        id=format!("tab-{key}")
                        aria-controls=format!("panel-{key}")
                        aria-selected=move || selected().to_string()
                        tabindex=move || if selected() { "0" } else { "-1" }
                        class="-mb-px border-b-2 px-3 py-2 text-sm whitespace-nowrap border-transparent text-slate-600 hover:text-slate-900 dark:text-slate-400 dark:hover:text-slate-100 aria-selected:border-orange-600 aria-selected:text-orange-700 dark:aria-selected:border-orange-400 dark:aria-selected:text-orange-300 focus-visible:outline-2 focus-visible:outline-orange-500"
                        on:click=move |_| select(key)
                    >
                        {text}
                    </button>
                }
            }).collect_view()}
        </div>
    }
}

/// The content of one tab; hidden (but kept, with what was typed) while another tab is chosen.
#[component]
pub fn TabPanel(
    /// The tab's key in the URL.
    name: &'static str,
    active: Memo<String>,
    children: Children,
) -> impl IntoView {
    view! {
        <div role="tabpanel" id=format!("panel-{name}") aria-labelledby=format!("tab-{name}")
            hidden=move || active.get() != name class="mt-4">
            {children()}
        </div>
    }
}
