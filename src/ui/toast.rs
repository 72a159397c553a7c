//! Toasts: short notices at the corner of the screen that say how an action ended. The layout
//! provides [`Toasts`] and renders [`ToastRegion`]; pages call [`notify`] once per server action.

use crate::domain::ApiError;
use crate::ui::widgets::ErrorBanner;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

/// How long a toast stays before it dismisses itself.
const TOAST_LIFETIME: std::time::Duration = std::time::Duration::from_secs(5);

/// What a toast says: a success sentence, or an operation's error (with what it was about when
/// one action touched several things).
#[derive(Debug, Clone, PartialEq)]
pub enum ToastBody {
    Success(String),
    Failure {
        subject: Option<String>,
        error: ApiError,
    },
}

/// One notice on screen.
#[derive(Debug, Clone, PartialEq)]
pub struct Toast {
    pub id: u64,
    pub body: ToastBody,
}

/// The toasts on screen, shared through context.
#[derive(Clone, Copy)]
pub struct Toasts {
    shown: RwSignal<Vec<Toast>>,
    next_id: StoredValue<u64>,
}

impl Toasts {
    /// Shows a toast and schedules its dismissal.
    pub fn show(&self, body: ToastBody) {
        let id = self.next_id.get_value();
        self.next_id.set_value(id + 1);
        self.shown.update(|t| t.push(Toast { id, body }));
        let this = *self;
        set_timeout(move || this.dismiss(id), TOAST_LIFETIME);
    }

    /// Removes a toast (its close button, or the timer).
    pub fn dismiss(&self, id: u64) {
        self.shown.try_update(|t| t.retain(|x| x.id != id));
    }
}

/// Makes [`Toasts`] available to the subtree (called by the layout).
pub fn provide_toasts() -> Toasts {
    let toasts = Toasts {
        shown: RwSignal::new(Vec::new()),
        next_id: StoredValue::new(0),
    };
    provide_context(toasts);
    toasts
}

/// The toasts of the layout.
pub fn use_toasts() -> Toasts {
    expect_context::<Toasts>()
}

/// Shows a toast each time `action` finishes: `success(output)` when it worked, the error
/// (readable sentence and code) when it did not. Call it once, where the action is created.
pub fn notify<S>(action: ServerAction<S>, success: impl Fn(&S::Output) -> String + 'static)
where
    S: ServerFn<Error = ApiError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    let toasts = use_toasts();
    Effect::new(move |seen: Option<usize>| {
        let version = action.version().get();
        if seen.is_some_and(|s| version > s) {
            let outcome = action.value().get_untracked();
            match outcome {
                Some(Ok(out)) => toasts.show(ToastBody::Success(success(&out))),
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

/// The corner of the screen where toasts appear; announced politely to screen readers.
#[component]
pub fn ToastRegion(toasts: Toasts) -> impl IntoView {
    view! {
        <div
            id="toasts"
            aria-live="polite"
            class="fixed bottom-4 right-4 z-50 flex w-96 max-w-[calc(100vw-2rem)] flex-col gap-2"
        >
            <For each=move || toasts.shown.get() key=|t| t.id let:toast>
                <ToastCard toast=toast toasts=toasts/>
            </For>
        </div>
    }
}

/// One toast with its close button.
#[component]
fn ToastCard(toast: Toast, toasts: Toasts) -> impl IntoView {
    let id = toast.id;
    let close = view! {
        <button
            type="button"
            class="shrink-0 rounded px-1.5 text-slate-500 hover:bg-slate-200 dark:hover:bg-slate-700 focus-visible:outline-2 focus-visible:outline-orange-500"
            aria-label="Close notice"
            data-toast-close=""
            on:click=move |_| toasts.dismiss(id)
        >
            "✕"
        </button>
    };
    match toast.body {
        ToastBody::Success(text) => view! {
            <div
                role="status"
                data-toast="success"
                class="flex items-start gap-2 rounded-lg border border-emerald-300 bg-emerald-50 px-3 py-2 text-sm text-emerald-900 shadow-lg dark:border-emerald-800 dark:bg-emerald-950 dark:text-emerald-100"
            >
                <span aria-hidden="true">"✔"</span>
                <p class="flex-1">{text}</p>
                {close}
            </div>
        }
        .into_any(),
        ToastBody::Failure { subject, error } => view! {
            <div data-toast="error" class="flex items-start gap-2 rounded-lg bg-white shadow-lg dark:bg-slate-900">
                <div class="flex-1">
                    {subject.map(|s| view! { <p class="px-3 pt-2 font-mono text-xs text-slate-500">{s}</p> })}
                    <ErrorBanner error=error/>
                </div>
                {close}
            </div>
        }
        .into_any(),
    }
}
