//! The console frame: top bar (brand, region picker, account switcher, theme) and side navigation.

use super::session::SessionCtx;
use super::toast::{ToastRegion, provide_toasts};
use crate::api::session::{ConsoleSession, SetRegion, SignOut, SwitchAccount, get_session};
use crate::domain::region::region_views;
use leptos::prelude::*;
use leptos_router::components::{A, Outlet, Redirect};
use leptos_router::hooks::use_location;

/// Frame for every signed-in page; sends anonymous visitors to the sign-in page.
#[component]
pub fn Layout() -> impl IntoView {
    let toasts = provide_toasts();
    let version = RwSignal::new(0u32);
    let session = Resource::new(move || version.get(), |_| get_session());
    let ctx = SessionCtx { session, version };
    provide_context(ctx);
    // The live event stream follows who is signed in (opens after sign-in, reopens on changes).
    let live = crate::ui::live::use_live_state();
    Effect::new(move |_| {
        let (Some(live), Some(result)) = (live, ctx.session.get()) else {
            return;
        };
        let who = result.ok().and_then(|s| {
            let active = s.info.active?.id;
            let ids = s.info.signed_in.into_iter().map(|a| a.id).collect();
            Some((ids, active))
        });
        live.follow_session(who);
    });
    let location = use_location();
    // A refetched session that says nobody is signed in any more goes to the sign-in page.
    let navigate = leptos_router::hooks::use_navigate();
    Effect::new(move |_| {
        if let Some(r) = ctx.session.get()
            && !r.is_ok_and(|s| s.info.active.is_some())
        {
            let next = location.pathname.get_untracked();
            navigate(&format!("/signin?next={next}"), Default::default());
        }
    });
    view! {
        <Suspense fallback=|| view! { <div class="p-8 text-slate-500">"Loading…"</div> }>
            {move || Suspend::new(async move {
                // Read once, untracked: a refetch (account or region switch) must not re-create
                // the frame and the page in the Outlet, whose pending reads would then run on
                // disposed resources. The top bar and the navigation follow `current` instead.
                let first = leptos::reactive::computed::ScopedFuture::new_untracked(ctx.session.into_future()).await;
                match first {
                    Ok(s) if s.info.active.is_some() => {
                        let current = Memo::new(move |_| {
                            ctx.session.get().and_then(Result::ok).unwrap_or_else(|| s.clone())
                        });
                        view! {
                            <div class="min-h-screen flex flex-col">
                                <TopBar session=current/>
                                <div class="flex flex-1 min-w-0">
                                    <Nav session=current/>
                                    <main class="flex-1 min-w-0 p-4 lg:p-6 max-w-7xl" id="main">
                                        <Outlet/>
                                    </main>
                                </div>
                            </div>
                        }
                        .into_any()
                    }
                    _ => {
                        let next = location.pathname.get_untracked();
                        view! { <Redirect path=format!("/signin?next={next}")/> }.into_any()
                    }
                }
            })}
        </Suspense>
        <ToastRegion toasts=toasts/>
    }
}

#[component]
fn TopBar(session: Memo<ConsoleSession>) -> impl IntoView {
    let live = crate::ui::live::use_live_state();
    let ctx = expect_context::<SessionCtx>();
    let set_region = ServerAction::<SetRegion>::new();
    let switch = ServerAction::<SwitchAccount>::new();
    let sign_out = ServerAction::<SignOut>::new();
    // Refetch the session once a switch finished.
    Effect::new(move |_| {
        if set_region.version().get() > 0 || switch.version().get() > 0 {
            ctx.version.update(|v| *v += 1);
        }
    });
    let active = move || session.with(|s| s.info.active.clone().unwrap_or_default_view().id);
    let region = move || session.with(|s| s.region.clone());
    let accounts = move || session.with(|s| s.info.signed_in.clone());
    let demo = move || session.with(|s| s.info.demo_mode);
    view! {
        <header class="min-h-14 flex flex-wrap items-center gap-x-4 gap-y-2 px-4 py-2 border-b border-slate-200 dark:border-slate-800 bg-white dark:bg-slate-900">
            <a href="/" class="font-semibold text-lg tracking-tight text-orange-700 dark:text-orange-400">"Linkyard"</a>
            <span class="text-xs text-slate-500 hidden xl:inline">"PrivateLink console"</span>
            <label class="lg:ml-6 text-sm flex items-center gap-2">
                <span class="text-slate-500 sr-only lg:not-sr-only">"Region"</span>
                <select
                    id="region-picker"
                    class="rounded border border-slate-300 dark:border-slate-700 bg-transparent px-2 py-1"
                    on:change=move |ev| {
                        set_region.dispatch(SetRegion { region: event_target_value(&ev) });
                    }
                >
                    {region_views()
                        .into_iter()
                        .map(|r| {
                            let id = r.id.clone();
                            let selected = move || region() == id;
                            view! { <option value=r.id.clone() selected=selected.clone() prop:selected=selected>{format!("{} ({})", r.local_name, r.id)}</option> }
                        })
                        .collect_view()}
                </select>
            </label>
            <div class="ml-auto flex flex-wrap items-center gap-3 text-sm">
                <label class="flex min-w-0 items-center gap-2">
                    <span class="text-slate-500 sr-only lg:not-sr-only">"Account"</span>
                    <select
                        id="account-switcher"
                        class="max-w-56 rounded border border-slate-300 dark:border-slate-700 bg-transparent px-2 py-1 xl:max-w-none"
                        on:change=move |ev| {
                            switch.dispatch(SwitchAccount { account_id: event_target_value(&ev) });
                        }
                    >
                        {move || accounts()
                            .into_iter()
                            .map(|a| {
                                let id = a.id.clone();
                                let selected = move || active() == id;
                                view! { <option value=a.id.clone() selected=selected.clone() prop:selected=selected>{format!("{} · {}", a.name, a.id)}</option> }
                            })
                            .collect_view()}
                    </select>
                </label>
                {move || demo().then(|| view! {
                    <a href="/signin?add=1" class="text-orange-700 dark:text-orange-400 hover:underline" id="add-account">"+ Account"</a>
                })}
                <LiveIndicator/>
                <PendingBadge/>
                <ThemeToggle/>
                <button
                    id="sign-out"
                    class="whitespace-nowrap rounded px-2 py-1 hover:bg-slate-100 dark:hover:bg-slate-800"
                    on:click=move |_| {
                        // Stop live updates first: the sign-out's own event must not make open
                        // pages refetch with a session that is already gone.
                        if let Some(live) = live {
                            live.follow_session(None);
                        }
                        sign_out.dispatch(SignOut {});
                    }
                >
                    "Sign out"
                </button>
            </div>
        </header>
    }
}

trait OrDefaultView {
    fn unwrap_or_default_view(self) -> crate::domain::account::AccountView;
}

impl OrDefaultView for Option<crate::domain::account::AccountView> {
    fn unwrap_or_default_view(self) -> crate::domain::account::AccountView {
        self.unwrap_or(crate::domain::account::AccountView {
            id: String::new(),
            name: String::new(),
        })
    }
}

/// How many endpoint connections wait for the active provider's decision; links to the services.
#[component]
fn PendingBadge() -> impl IntoView {
    let live = crate::ui::live::use_live_for(&["connection", "endpoint", "service", "demo"]);
    let ctx = expect_context::<SessionCtx>();
    let count = Resource::new(
        move || (live.get(), ctx.version.get()),
        |_| crate::api::services::pending_decisions(),
    );
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let n = count.await.unwrap_or(0);
                (n > 0).then(|| view! {
                    <A href="/services" attr:id="pending-badge" attr:class="rounded-full bg-amber-100 px-2 py-0.5 text-xs font-medium text-amber-800 dark:bg-amber-900/40 dark:text-amber-300"
                        attr:title="Endpoint connections waiting for your decision">
                        {format!("{n} waiting")}
                    </A>
                })
            })}
        </Transition>
    }
}

/// Whether live updates are on: a dot with a word, so a dropped stream is never silent.
#[component]
fn LiveIndicator() -> impl IntoView {
    use crate::ui::live::LiveStatus;
    let live = crate::ui::live::use_live_state();
    let status = move || live.map(|l| l.status.get()).unwrap_or(LiveStatus::Off);
    let (dot, word, title) = (
        move || match status() {
            LiveStatus::Live => "inline-block h-2 w-2 rounded-full bg-emerald-500",
            LiveStatus::Connecting => {
                "inline-block h-2 w-2 rounded-full bg-amber-500 animate-pulse"
            }
            LiveStatus::Off => "inline-block h-2 w-2 rounded-full bg-slate-400",
        },
        move || match status() {
            LiveStatus::Live => "Live",
            LiveStatus::Connecting => "Reconnecting…",
            LiveStatus::Off => "Live updates off",
        },
        move || match status() {
            LiveStatus::Live => "Changes appear here as they happen",
            LiveStatus::Connecting => {
                "The live update stream dropped; reconnecting. Pages refresh once it is back."
            }
            LiveStatus::Off => "Live updates are off: pages show what they loaded",
        },
    );
    view! {
        <span id="live-status" class="flex items-center gap-1 text-xs text-slate-600 dark:text-slate-300"
            data-status=move || format!("{:?}", status()).to_lowercase() title=title role="status">
            <span class=dot aria-hidden="true"></span>
            <span class="hidden lg:inline">{word}</span>
        </span>
    }
}

/// Light/dark switch; the choice is kept in localStorage.
#[component]
fn ThemeToggle() -> impl IntoView {
    let toggle = move |_| {
        #[cfg(feature = "hydrate")]
        {
            if let Some(root) = document().document_element() {
                let list = root.class_list();
                let dark = !list.contains("dark");
                let _ = if dark {
                    list.add_1("dark")
                } else {
                    list.remove_1("dark")
                };
                if let Ok(Some(store)) = window().local_storage() {
                    let _ = store.set_item("linkyard-theme", if dark { "dark" } else { "light" });
                }
            }
        }
    };
    view! {
        <button
            id="theme-toggle"
            class="rounded px-2 py-1 hover:bg-slate-100 dark:hover:bg-slate-800"
            title="Switch light/dark theme"
            aria-label="Switch light or dark theme"
            on:click=toggle
        >
            "◐"
        </button>
    }
}

#[component]
fn Nav(session: Memo<ConsoleSession>) -> impl IntoView {
    let link = "block rounded px-3 py-2 text-sm hover:bg-slate-100 dark:hover:bg-slate-800 aria-[current=page]:bg-orange-50 aria-[current=page]:text-orange-700 dark:aria-[current=page]:bg-slate-800 dark:aria-[current=page]:text-orange-300";
    view! {
        <nav class="w-40 lg:w-56 shrink-0 border-r border-slate-200 dark:border-slate-800 p-3 space-y-1 bg-white dark:bg-slate-900" aria-label="Main">
            <A href="/" exact=true attr:class=link>"Overview"</A>
            <p class="px-3 pt-4 pb-1 text-xs uppercase tracking-wide text-slate-500 dark:text-slate-400">"Provider"</p>
            <A href="/services" attr:class=link>"Endpoint services"</A>
            <p class="px-3 pt-4 pb-1 text-xs uppercase tracking-wide text-slate-500 dark:text-slate-400">"Consumer"</p>
            <A href="/available-services" attr:class=link>"Available services"</A>
            <A href="/endpoints" attr:class=link>"Endpoints"</A>
            <A href="/gateway-endpoints" attr:class=link>"Gateway endpoints"</A>
            <p class="px-3 pt-4 pb-1 text-xs uppercase tracking-wide text-slate-500 dark:text-slate-400">"Network"</p>
            <A href="/inventory" attr:class=link>"Inventory"</A>
            <A href="/activity" attr:class=link>"Activity"</A>
            {move || session.with(|s| s.info.demo_mode).then(|| view! { <A href="/demo" attr:class=link>"Demo"</A> })}
        </nav>
    }
}
