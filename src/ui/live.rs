//! Live updates: one `EventSource` per tab on `/events`; every change bumps a counter that resources
//! depend on, so open pages refetch what they show.

use crate::domain::event::LiveEvent;
use leptos::prelude::*;

/// The latest live event and a counter of all received so far.
#[derive(Clone, Copy)]
pub struct Live {
    pub tick: ReadSignal<u64>,
    pub last: ReadSignal<Option<LiveEvent>>,
}

/// Opens the event stream (browser only) and provides [`Live`] to the tree.
pub fn provide_live_events() {
    let (tick, set_tick) = signal(0u64);
    let (last, set_last) = signal(None::<LiveEvent>);
    provide_context(Live { tick, last });
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        use wasm_bindgen::JsCast;
        use wasm_bindgen::closure::Closure;
        let Ok(es) = web_sys::EventSource::new("/events") else {
            return;
        };
        let on_change =
            Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
                if let Some(Ok(e)) = ev
                    .data()
                    .as_string()
                    .map(|s| serde_json::from_str::<LiveEvent>(&s))
                {
                    set_last.set(Some(e));
                }
                set_tick.update(|t| *t += 1);
            });
        let _ = es.add_event_listener_with_callback("change", on_change.as_ref().unchecked_ref());
        on_change.forget();
        // Changes made between the server render and this subscription (or while reconnecting)
        // were not delivered: refetch once the stream is open.
        let on_open = Closure::<dyn FnMut(web_sys::Event)>::new(move |_: web_sys::Event| {
            set_tick.update(|t| *t += 1);
        });
        let _ = es.add_event_listener_with_callback("open", on_open.as_ref().unchecked_ref());
        on_open.forget();
        let es = send_wrapper::SendWrapper::new(es);
        on_cleanup(move || es.close());
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = (set_tick, set_last);
}

/// The live counter; read it inside a resource's source to refetch on every change.
pub fn use_live() -> ReadSignal<u64> {
    use_context::<Live>()
        .map(|l| l.tick)
        .unwrap_or_else(|| signal(0).0)
}
