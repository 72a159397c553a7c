//! Small reusable pieces: status badges, copy buttons and error banners.

use crate::domain::ApiError;
use crate::domain::status::{Tone, console_status};
use leptos::prelude::*;

/// A status badge: colour, icon and the console's word for an API status value.
#[component]
pub fn StatusBadge(#[prop(into)] status: String) -> impl IntoView {
    let (label, tone) = console_status(&status);
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
        <span class=format!("inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium {class}") data-status=status.clone()>
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
