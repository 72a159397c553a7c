//! The sign-in page (also used to add another account to the session in demo mode).

use crate::api::session::SignIn;
use crate::ui::widgets::ErrorBanner;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn SignInPage() -> impl IntoView {
    let action = ServerAction::<SignIn>::new();
    // Nobody is signed in on this page (or another account is being added): no event stream
    // until the layout reports the new session.
    let live = crate::ui::live::use_live_state();
    Effect::new(move |_| {
        if let Some(live) = live {
            live.follow_session(None);
        }
    });
    let query = use_query_map();
    let next = move || query.with(|q| q.get("next")).unwrap_or_else(|| "/".into());
    let adding = move || query.with(|q| q.get("add")).is_some();
    view! {
        <main class="min-h-screen flex items-center justify-center p-6">
            <div class="w-full max-w-sm rounded-lg border border-slate-200 dark:border-slate-800 bg-white dark:bg-slate-900 p-6 shadow-sm">
                <h1 class="text-2xl font-semibold text-orange-700 dark:text-orange-400">"Linkyard"</h1>
                <p class="mt-1 text-sm text-slate-500">
                    {move || if adding() { "Sign in to another account; you can switch between them from the top bar." } else { "Sign in with your account id and password." }}
                </p>
                <ActionForm action=action attr:class="mt-6 space-y-4">
                    <input type="hidden" name="form[next]" value=next/>
                    <label class="block text-sm">
                        <span class="text-slate-600 dark:text-slate-300">"Account id"</span>
                        <input
                            name="form[account_id]"
                            id="account_id"
                            required
                            inputmode="numeric"
                            autocomplete="username"
                            placeholder="16 digits, e.g. 1000000000000001"
                            class="mt-1 w-full rounded border border-slate-300 dark:border-slate-700 bg-transparent px-3 py-2"
                        />
                    </label>
                    <label class="block text-sm">
                        <span class="text-slate-600 dark:text-slate-300">"Password"</span>
                        <input
                            name="form[password]"
                            id="password"
                            type="password"
                            required
                            autocomplete="current-password"
                            class="mt-1 w-full rounded border border-slate-300 dark:border-slate-700 bg-transparent px-3 py-2"
                        />
                    </label>
                    <button
                        type="submit"
                        id="sign-in"
                        class="w-full rounded bg-orange-700 px-3 py-2 font-medium text-white hover:bg-orange-800 disabled:opacity-60"
                        disabled=move || action.pending().get()
                    >
                        {move || if action.pending().get() { "Signing in…" } else { "Sign in" }}
                    </button>
                </ActionForm>
                {move || action.value().get().and_then(|r| r.err()).map(|e| view! { <div class="mt-4"><ErrorBanner error=e/></div> })}
                <p class="mt-6 text-xs text-slate-500">
                    "Demo accounts and passwords are printed by the run command and listed in the README."
                </p>
            </div>
        </main>
    }
}
