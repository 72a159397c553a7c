//! Tags of a service or endpoint on its Overview tab: chips with a remove button and a form to
//! add one.

use crate::api::tags::{TagResource, UntagResource};
use crate::domain::console::{TagEntry, TagRemoval};
use crate::ui::style::{CARD, HINT, INPUT};
use crate::ui::toast::notify;
use crate::ui::widgets::ActionButton;
use leptos::prelude::*;

/// The tag actions and the add form's text, created once per page (outside the live-refreshed
/// part) so a refresh keeps what is being typed.
#[derive(Clone, Copy)]
pub struct TagForm {
    add: ServerAction<TagResource>,
    remove: ServerAction<UntagResource>,
    key: RwSignal<String>,
    value: RwSignal<String>,
}

impl TagForm {
    /// Creates the actions with their toasts.
    pub fn with_toasts() -> Self {
        let form = Self {
            add: ServerAction::new(),
            remove: ServerAction::new(),
            key: RwSignal::new(String::new()),
            value: RwSignal::new(String::new()),
        };
        notify(form.add, |_| "Tag saved".to_string());
        notify(form.remove, |_| "Tag removed".to_string());
        Effect::new(move |_| {
            if matches!(form.add.value().get(), Some(Ok(_))) {
                form.key.set(String::new());
                form.value.set(String::new());
            }
        });
        form
    }
}

/// The tags of one resource (`resource_type` VpcEndpointService or VpcEndpoint).
#[component]
pub fn TagsEditor(
    resource_type: &'static str,
    #[prop(into)] resource_id: Signal<String>,
    tags: Vec<(String, String)>,
    form: TagForm,
) -> impl IntoView {
    let add = move |_| {
        form.add.dispatch(TagResource {
            tag: TagEntry {
                resource_type: resource_type.to_string(),
                resource_id: resource_id.get(),
                key: form.key.get().trim().to_string(),
                value: form.value.get().trim().to_string(),
            },
        });
    };
    view! {
        <section class=format!("mt-6 {CARD} text-sm") id="tags">
            <h2 class="font-semibold">"Tags"</h2>
            {if tags.is_empty() {
                view! { <p class=HINT>"No tags yet."</p> }.into_any()
            } else {
                view! {
                    <ul class="mt-2 flex flex-wrap gap-2">
                        {tags.into_iter().map(|(k, v)| {
                            let key = k.clone();
                            view! {
                                <li class="inline-flex items-center gap-1 rounded-full bg-slate-100 px-2 py-0.5 text-xs dark:bg-slate-800" data-tag=k.clone()>
                                    <span class="font-medium">{k.clone()}</span>
                                    {(!v.is_empty()).then(|| view! { <span>{format!("= {v}")}</span> })}
                                    <button type="button" class="rounded px-1 hover:bg-slate-200 dark:hover:bg-slate-700 focus-visible:outline-2 focus-visible:outline-orange-500"
                                        aria-label=format!("Remove tag {k}")
                                        disabled=move || form.remove.pending().get()
                                        on:click=move |_| {
                                            form.remove.dispatch(UntagResource {
                                                tag: TagRemoval {
                                                    resource_type: resource_type.to_string(),
                                                    resource_id: resource_id.get(),
                                                    key: key.clone(),
                                                },
                                            });
                                        }>"✕"</button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <div class="mt-3 flex flex-wrap items-center gap-2">
                <input class=INPUT id="tag-key" placeholder="Key" aria-label="Tag key" prop:value=form.key on:input=move |ev| form.key.set(event_target_value(&ev))/>
                <input class=INPUT id="tag-value" placeholder="Value" aria-label="Tag value" prop:value=form.value on:input=move |ev| form.value.set(event_target_value(&ev))/>
                <ActionButton attr:id="tag-add" label="Add tag" quiet=true pending=form.add.pending() on_click=add/>
            </div>
        </section>
    }
}
