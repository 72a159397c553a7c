//! Filter, sort and pages for the list tables. The server filters, sorts and cuts the page
//! (`domain::console::ListQuery`, `ConnectionsQuery`); the browser keeps what the user chose and
//! the tokens of the pages it went through (for "Previous").

use crate::domain::console::{EndpointColumn, ListQuery, PAGE_SIZE, ServiceColumn};
use crate::ui::style::{BUTTON_QUIET, INPUT, TH};
use leptos::prelude::*;

/// A sortable column of a console list, and its name in the page (`data-sort`).
pub trait Column: Copy + PartialEq + Send + Sync + 'static {
    fn key(self) -> &'static str;
}

impl Column for EndpointColumn {
    fn key(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::Type => "type",
            Self::Service => "service",
            Self::Status => "status",
            Self::Connection => "connection",
            Self::Vpc => "vpc",
        }
    }
}

impl Column for ServiceColumn {
    fn key(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::Type => "type",
            Self::Status => "status",
            Self::Auto => "auto",
            Self::Connections => "connections",
            Self::Created => "created",
        }
    }
}

/// The tokens of the pages of a list opened so far, for "Previous": the last one is the page
/// shown, `None` the first page.
#[derive(Clone, Copy)]
pub struct PageTrail(RwSignal<Vec<Option<String>>>);

impl Default for PageTrail {
    fn default() -> Self {
        Self(RwSignal::new(vec![None]))
    }
}

impl PageTrail {
    /// The token of the page shown (tracked, so a resource refetches when it changes).
    pub fn token(&self) -> Option<String> {
        self.0.with(|p| p.last().cloned().flatten())
    }

    /// Back to the first page.
    pub fn first_page(&self) {
        self.0.set(vec![None]);
    }

    /// Zero-based index of the first row of the page shown.
    pub fn first_row(&self) -> usize {
        self.0.with(|p| p.len().saturating_sub(1)) * PAGE_SIZE as usize
    }

    /// Opens the page before the one shown.
    pub fn previous(&self) {
        self.0.update(|p| {
            if p.len() > 1 {
                p.pop();
            }
        });
    }

    /// Opens the page that `token` names (the shown page's next).
    pub fn next(&self, token: String) {
        self.0.update(|p| p.push(Some(token)));
    }
}

/// What the user chose for one table: filter text, sort column and direction, and the pages
/// opened so far.
pub struct ListView<C: Column> {
    pub filter: RwSignal<String>,
    /// Column and ascending?
    pub sort: RwSignal<(C, bool)>,
    pub pages: PageTrail,
}

impl<C: Column> Clone for ListView<C> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<C: Column> Copy for ListView<C> {}

impl<C: Column> ListView<C> {
    /// A list sorted by `column`, ascending, on its first page.
    pub fn new(column: C) -> Self {
        Self {
            filter: RwSignal::new(String::new()),
            sort: RwSignal::new((column, true)),
            pages: PageTrail::default(),
        }
    }

    /// The page to ask the server for (tracks the choices, so a resource refetches on change).
    pub fn query(&self, region: String) -> ListQuery<C> {
        let (sort, ascending) = self.sort.get();
        ListQuery {
            region,
            filter: self.filter.get().trim().to_string(),
            sort,
            descending: !ascending,
            next_token: self.pages.token(),
            max_results: PAGE_SIZE,
        }
    }

    /// Back to the first page (after the filter or the order changed).
    pub fn first_page(&self) {
        self.pages.first_page();
    }
}

/// The text box that filters a list.
#[component]
pub fn FilterBox<C: Column>(list: ListView<C>, #[prop(into)] placeholder: String) -> impl IntoView {
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
                list.first_page();
            }
        />
    }
}

/// A column header that sorts the list when clicked (again: the other way round).
#[component]
pub fn SortHeader<C: Column>(list: ListView<C>, column: C, label: &'static str) -> impl IntoView {
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
                data-sort=column.key()
                on:click=move |_| {
                    list.sort.update(|(c, asc)| {
                        if *c == column {
                            *asc = !*asc;
                        } else {
                            *c = column;
                            *asc = true;
                        }
                    });
                    list.first_page();
                }
            >
                {label}
                <span aria-hidden="true">{move || match state() { "ascending" => "▲", "descending" => "▼", _ => "↕" }}</span>
            </button>
        </th>
    }
}

/// "21–40 of 57" with previous and next buttons; `next_token` is the shown page's.
#[component]
pub fn Pager(
    pages: PageTrail,
    matching: u64,
    shown: usize,
    next_token: Option<String>,
) -> impl IntoView {
    let first = pages.first_row();
    let range = if matching == 0 {
        "No matches".to_string()
    } else {
        format!("{}–{} of {matching}", first + 1, first + shown)
    };
    let has_next = next_token.is_some();
    view! {
        <nav class="mt-2 flex items-center gap-2 text-sm text-slate-500" aria-label="Pages">
            <span data-pager-range="">{range}</span>
            <button type="button" class=BUTTON_QUIET disabled=first == 0
                on:click=move |_| pages.previous()>"Previous"</button>
            <button type="button" class=BUTTON_QUIET disabled=!has_next
                on:click=move |_| {
                    if let Some(token) = next_token.clone() {
                        pages.next(token);
                    }
                }>"Next"</button>
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
