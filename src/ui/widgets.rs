//! Small reusable pieces: status badges, copy buttons, error banners, action buttons that show
//! progress, and the "are you sure?" step of destructive actions.

use crate::domain::ApiError;
use crate::domain::model::Lookup;
use crate::domain::status::{Tone, connection_status, console_status, request_status};
use crate::ui::style::{BUTTON, BUTTON_DANGER, BUTTON_DANGER_SOLID, BUTTON_QUIET, INPUT};
use leptos::prelude::*;

/// A status badge: colour, icon and the console's word for an API status value.
#[component]
pub fn StatusBadge(#[prop(into)] status: String) -> impl IntoView {
    let (label, tone) = console_status(&status);
    view! { <Badge status=status label=label tone=tone/> }
}

/// An endpoint connection's badge, worded the same for provider and consumer ("Pending
/// acceptance" while the provider has not decided); `data-status` keeps the API value.
#[component]
pub fn ConnectionBadge(#[prop(into)] status: String, awaiting_decision: bool) -> impl IntoView {
    let (label, tone) = connection_status(&status, awaiting_decision);
    view! { <Badge status=status label=label tone=tone/> }
}

/// The badge of a bandwidth increase request (waiting for the operator, granted, denied).
#[component]
pub fn RequestStatusBadge(#[prop(into)] status: String) -> impl IntoView {
    let (label, tone) = request_status(&status);
    view! { <Badge status=status label=label tone=tone/> }
}

/// A coloured pill with an icon; `status` (the API value) is kept in `data-status`.
#[component]
fn Badge(status: String, label: &'static str, tone: Tone) -> impl IntoView {
    let (class, icon) = match tone {
        Tone::Good => (
            "bg-emerald-100 text-emerald-800 dark:bg-emerald-900/40 dark:text-emerald-300",
            "●",
        ),
        Tone::Waiting => (
            "bg-amber-100 text-amber-800 dark:bg-amber-900/40 dark:text-amber-300",
            "◷",
        ),
        Tone::Busy => (
            "bg-sky-100 text-sky-800 dark:bg-sky-900/40 dark:text-sky-300",
            "↻",
        ),
        Tone::Idle => (
            "bg-slate-200 text-slate-700 dark:bg-slate-800 dark:text-slate-300",
            "○",
        ),
        Tone::Bad => (
            "bg-red-100 text-red-800 dark:bg-red-900/40 dark:text-red-300",
            "■",
        ),
    };
    let spin = if tone == Tone::Busy {
        "inline-block animate-spin"
    } else {
        ""
    };
    view! {
        <span class=format!("inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium {class}") data-status=status>
            <span class=spin aria-hidden="true">{icon}</span>
            {label}
        </span>
    }
}

/// A button that copies `text` to the clipboard.
#[component]
pub fn CopyButton(#[prop(into)] text: String) -> impl IntoView {
    let copied = RwSignal::new(false);
    let on_click = move |_| {
        #[cfg(feature = "hydrate")]
        {
            let clip = window().navigator().clipboard();
            let _ = clip.write_text(&text);
            copied.set(true);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = &text;
    };
    view! {
        <button
            type="button"
            class="ml-1 rounded px-1.5 py-0.5 text-xs text-slate-500 hover:bg-slate-100 dark:hover:bg-slate-800"
            title="Copy to clipboard"
            on:click=on_click
        >
            {move || if copied.get() { "Copied" } else { "Copy" }}
        </button>
    }
}

/// An error from an operation: the readable sentence plus the Alibaba code.
#[component]
pub fn ErrorBanner(error: ApiError) -> impl IntoView {
    view! {
        <div role="alert" class="rounded border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-800 dark:border-red-800 dark:bg-red-950 dark:text-red-200">
            <p>{error.explain()}</p>
            <p class="mt-1 font-mono text-xs opacity-75">{error.code.clone()}</p>
        </div>
    }
}

/// A button that starts an async action: disabled and reading "Working…" while `pending`.
#[component]
pub fn ActionButton(
    #[prop(into)] label: String,
    /// True while the action this button started is running.
    #[prop(into)]
    pending: Signal<bool>,
    #[prop(into)] on_click: Callback<()>,
    /// Also disabled when this is true (e.g. nothing selected yet).
    #[prop(optional, into)]
    disabled: Signal<bool>,
    /// Secondary look instead of the primary orange.
    #[prop(optional)]
    quiet: bool,
) -> impl IntoView {
    view! {
        <button
            type="button"
            class=if quiet { BUTTON_QUIET } else { BUTTON }
            disabled=move || pending.get() || disabled.get()
            aria-busy=move || pending.get().to_string()
            on:click=move |_| on_click.run(())
        >
            {move || if pending.get() { "Working…".to_string() } else { label.clone() }}
        </button>
    }
}

/// A destructive action that asks first: the button opens an inline "Are you sure?" step. With
/// `typed`, the confirm button only enables once that exact text was typed.
#[component]
pub fn ConfirmButton(
    #[prop(into)] label: String,
    /// What will happen, asked as a question.
    #[prop(into)]
    question: String,
    /// Text the user must type to confirm (for changes that cut live connections).
    #[prop(optional, into)]
    typed: Option<String>,
    #[prop(into)] pending: Signal<bool>,
    #[prop(into)] on_confirm: Callback<()>,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let entered = RwSignal::new(String::new());
    let focus_target = NodeRef::<leptos::html::Input>::new();
    let confirm_button = NodeRef::<leptos::html::Button>::new();
    // Move the keyboard focus into the question when it opens.
    Effect::new(move |_| {
        if open.get() {
            if let Some(input) = focus_target.get() {
                let _ = input.focus();
            } else if let Some(button) = confirm_button.get() {
                let _ = button.focus();
            }
        }
    });
    let must_type = typed.clone();
    let matches = move || must_type.as_ref().is_none_or(|t| entered.with(|e| e == t));
    let close = move || {
        open.set(false);
        entered.set(String::new());
    };
    let confirm_label = format!("Yes, {}", label.to_lowercase());
    view! {
        <span class="inline-flex flex-wrap items-center gap-2" data-confirm-step=move || open.get().to_string()>
            <Show
                when=move || open.get()
                fallback={
                    let label = label.clone();
                    move || view! {
                        <button type="button" class=BUTTON_DANGER disabled=move || pending.get()
                            aria-busy=move || pending.get().to_string()
                            on:click=move |_| open.set(true)>
                            {let label = label.clone(); move || if pending.get() { "Working…".to_string() } else { label.clone() }}
                        </button>
                    }
                }
            >
                <span role="group" aria-label="Confirm" class="inline-flex flex-wrap items-center gap-2 rounded border border-red-200 bg-red-50 px-2 py-1 text-sm dark:border-red-900 dark:bg-red-950"
                    on:keydown=move |ev| if ev.key() == "Escape" { close() }>
                    <span>{question.clone()}</span>
                    {typed.clone().map(|t| view! {
                        <input class=INPUT node_ref=focus_target data-confirm-input=""
                            aria-label=format!("Type {t} to confirm") placeholder=t.clone()
                            prop:value=entered on:input=move |ev| entered.set(event_target_value(&ev))/>
                    })}
                    <button type="button" class=BUTTON_DANGER_SOLID node_ref=confirm_button data-confirm="yes"
                        disabled={let matches = matches.clone(); move || !matches()}
                        on:click=move |_| { on_confirm.run(()); close(); }>
                        {confirm_label.clone()}
                    </button>
                    <button type="button" class=BUTTON_QUIET on:click=move |_| close()>"Cancel"</button>
                </span>
            </Show>
        </span>
    }
}

/// What an empty table shows instead of itself: what is missing, in words ("No load balancers in
/// cn-hangzhou"), and the action that adds one — a button that takes the keyboard focus to the
/// form on this page (`focus`: the id of its first control) or a link to another page (`href`).
#[component]
pub fn EmptyState(
    /// Kept in `data-empty`, for tests.
    name: &'static str,
    #[prop(into)] title: String,
    /// One sentence on what fills the table.
    #[prop(optional, into)]
    hint: Option<String>,
    /// The action's label.
    #[prop(optional, into)]
    action: Option<String>,
    /// The id of the form control the action focuses.
    #[prop(optional)]
    focus: Option<&'static str>,
    /// Or the page the action opens.
    #[prop(optional, into)]
    href: Option<String>,
) -> impl IntoView {
    let button = match (action, focus, href) {
        (Some(label), _, Some(href)) => Some(
            view! { <a href=href class=format!("mt-3 inline-block {BUTTON_QUIET}") data-empty-action="">{label}</a> }
                .into_any(),
        ),
        (Some(label), Some(target), None) => Some(
            view! {
                <button type="button" class=format!("mt-3 {BUTTON_QUIET}") data-empty-action="" aria-controls=target
                    on:click=move |_| focus_control(target)>{label}</button>
            }
            .into_any(),
        ),
        _ => None,
    };
    view! {
        <div class="mt-3 rounded-lg border border-dashed border-slate-300 px-4 py-6 text-center text-sm dark:border-slate-700" data-empty=name>
            <p class="font-medium">{title}</p>
            {hint.map(|h| view! { <p class="mt-1 text-slate-500">{h}</p> })}
            {button}
        </div>
    }
}

/// Scrolls to the control with this id and gives it the keyboard focus.
fn focus_control(id: &str) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        if let Some(el) = document().get_element_by_id(id) {
            el.scroll_into_view();
            if let Ok(el) = el.dyn_into::<leptos::web_sys::HtmlElement>() {
                let _ = el.focus();
            }
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = id;
}

/// What a detail page shows when the signed-in account has no object by that id: deleted (when,
/// with a way back), or not this account's (deleted earlier, or another account's).
#[component]
pub fn MissingObject(
    /// What it is, in words: "endpoint", "endpoint service", "gateway endpoint".
    kind: &'static str,
    id: String,
    /// When this account deleted it, if it did.
    deleted_at: Option<String>,
    /// The list page to go back to, and its name.
    back: (&'static str, &'static str),
) -> impl IntoView {
    let (title, hint) = match deleted_at {
        Some(at) => (
            format!("This {kind} was deleted"),
            format!("{id} was deleted at {at}. It no longer appears in your lists."),
        ),
        None => (
            format!("No {kind} {id} in this account"),
            "It was deleted, or it belongs to another account: if it is one of yours, switch account in the top bar.".to_string(),
        ),
    };
    view! {
        <div class=format!("mt-4 {}", crate::ui::style::CARD) data-missing=kind role="status">
            <h1 class="text-lg font-semibold">{title}</h1>
            <p class="mt-1 text-sm text-slate-600 dark:text-slate-300">{hint}</p>
            <p class="mt-3 text-sm"><leptos_router::components::A href=back.0 attr:class=crate::ui::style::LINK>{format!("Go to {}", back.1)}</leptos_router::components::A></p>
        </div>
    }
}

/// Whether a detail page's sections are hidden: once `detail` loaded in the browser and says
/// there is no such object ([`MissingObject`] says why).
///
/// The server never reads `detail` here, and the browser only after hydration: a resource read
/// outside the page's own `Transition` joins the layout's `Suspense`, which then waits for it and
/// renders its children, the whole page, again; the page makes a new `detail` each time, so on
/// the server that went round until the stream happened to end (pages of megabytes, seconds).
pub fn sections_hidden<T>(detail: Resource<Result<Lookup<T>, ApiError>>) -> impl Fn() -> bool + Copy
where
    T: Send + Sync + 'static,
    Result<Lookup<T>, ApiError>: Send + Sync + 'static,
{
    let hydrated = RwSignal::new(false);
    // Effects run only in the browser, after hydration.
    Effect::new(move |_| hydrated.set(true));
    move || hydrated.get() && detail.with(|r| matches!(r, Some(Ok(l)) if !l.is_found()))
}
