//! Filter, sort and pages for the list tables, applied in the browser over the loaded list.

use crate::ui::style::{BUTTON_QUIET, INPUT, TH};
use leptos::prelude::*;

/// Rows per page.
pub const PAGE_SIZE: usize = 20;

/// What the user chose for one table: filter text, sort column and direction, page.
#[derive(Clone, Copy)]
pub struct ListView {
    pub filter: RwSignal<String>,
    /// Column key and ascending?
    pub sort: RwSignal<(&'static str, bool)>,
    /// Zero-based page.
    pub page: RwSignal<usize>,
}

/// One page of a filtered, sorted list, and where it sits in the whole.
pub struct ListPage<T> {
    pub rows: Vec<T>,
    /// Rows that match the filter.
    pub matching: usize,
    /// Zero-based index of the first row shown.
    pub first: usize,
}

impl ListView {
    /// A list sorted by `column`, ascending.
    pub fn new(column: &'static str) -> Self {
        Self {
            filter: RwSignal::new(String::new()),
            sort: RwSignal::new((column, true)),
            page: RwSignal::new(0),
        }
    }

    /// The rows of the current page: those whose `text` contains the filter (ignoring case), in
    /// the order of `sort_key` for the chosen column.
    pub fn apply<T>(
        &self,
        items: &[T],
        text: impl Fn(&T) -> String,
        sort_key: impl Fn(&T, &str) -> String,
    ) -> ListPage<T>
    where
        T: Clone,
    {
        let needle = self.filter.get().trim().to_lowercase();
        let (column, ascending) = self.sort.get();
        let mut rows: Vec<&T> = items
            .iter()
            .filter(|t| needle.is_empty() || text(t).to_lowercase().contains(&needle))
            .collect();
        rows.sort_by_cached_key(|t| sort_key(t, column));
        if !ascending {
            rows.reverse();
        }
        let matching = rows.len();
        let last_page = matching.saturating_sub(1) / PAGE_SIZE;
        let first = self.page.get().min(last_page) * PAGE_SIZE;
        ListPage {
            rows: rows
                .into_iter()
                .skip(first)
                .take(PAGE_SIZE)
                .cloned()
                .collect(),
            matching,
            first,
        }
    }
}

/// The text box that filters a list.
#[component]
pub fn FilterBox(list: ListView, #[prop(into)] placeholder: String) -> impl IntoView {
    view! {
        <input
            type="search"
            class=format!("{INPUT} w-72")
            data-list-filter=""
            aria-label="Filter"
            placeholder=placeholder
            prop:value=list.filter
            on:input=move |ev| {
                list.filter.set(event_target_value(&ev));
                list.page.set(0);
            }
        />
    }
}

/// A column header that sorts the list when clicked (again: the other way round).
#[component]
pub fn SortHeader(list: ListView, column: &'static str, label: &'static str) -> impl IntoView {
    let state = move || {
        let (c, asc) = list.sort.get();
        match (c == column, asc) {
            (false, _) => "none",
            (true, true) => "ascending",
            (true, false) => "descending",
        }
    };
    view! {
        <th class=TH aria-sort=state>
            <button
                type="button"
                class="inline-flex items-center gap-1 font-medium hover:text-slate-900 dark:hover:text-slate-100 focus-visible:outline-2 focus-visible:outline-orange-500"
                data-sort=column
                on:click=move |_| list.sort.update(|(c, asc)| {
                    if *c == column {
                        *asc = !*asc;
                    } else {
                        *c = column;
                        *asc = true;
                    }
                })
            >
                {label}
                <span aria-hidden="true">{move || match state() { "ascending" => "▲", "descending" => "▼", _ => "↕" }}</span>
            </button>
        </th>
    }
}

/// "21–40 of 57" with previous and next buttons.
#[component]
pub fn Pager(list: ListView, matching: usize, first: usize, shown: usize) -> impl IntoView {
    let range = if matching == 0 {
        "No matches".to_string()
    } else {
        format!("{}–{} of {matching}", first + 1, first + shown)
    };
    let has_next = first + shown < matching;
    view! {
        <nav class="mt-2 flex items-center gap-2 text-sm text-slate-500" aria-label="Pages">
            <span data-pager-range="">{range}</span>
            <button type="button" class=BUTTON_QUIET disabled=first == 0
                on:click=move |_| list.page.set((first / PAGE_SIZE).saturating_sub(1))>"Previous"</button>
            <button type="button" class=BUTTON_QUIET disabled=!has_next
                on:click=move |_| list.page.set(first / PAGE_SIZE + 1)>"Next"</button>
        </nav>
    }
}

/// Text typed into per-row inputs, kept by row key so a live refresh of the table keeps it.
#[derive(Clone, Copy)]
pub struct RowDrafts(RwSignal<std::collections::HashMap<String, String>>);

impl Default for RowDrafts {
    fn default() -> Self {
        Self(RwSignal::new(Default::default()))
    }
}

impl RowDrafts {
    /// What was typed for `row`, or `default` when nothing was.
    pub fn get(&self, row: &str, default: &str) -> String {
        self.0
            .with(|m| m.get(row).cloned())
            .unwrap_or_else(|| default.to_string())
    }

    /// Remembers what was typed for `row`.
    pub fn set(&self, row: &str, value: String) {
        self.0.update(|m| {
            m.insert(row.to_string(), value);
        });
    }

    /// Forgets what was typed for `row`: it shows its value in force again.
    pub fn clear(&self, row: &str) {
        self.0.update(|m| {
            m.remove(row);
        });
    }
}
