//! The library's `eventsub` module: a condition type and an event type per
//! subscription type and version, the nested types of the events, and the
//! `Event` enum of them all. The code stays thin: decoding goes through
//! `ttv_runtime::eventsub::decode_as`, and the structs derive what the answer
//! types derive.

use super::{doc, ident, kept_struct, type_ident};
use crate::eventsub_model::{Status, Subscription};
use crate::model::{Model, TypeDef};
use crate::typeexpr::{Prim, TypeExpr};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// The whole `eventsub.rs` of ttv-helix, included inside its `eventsub` module.
pub fn library(model: &Model) -> String {
    let subs = &model.eventsub.subscriptions;
    let conditions = subs.iter().map(condition);
    let events = subs.iter().map(|s| struct_def(&s.event, &event_doc(s)));
    let types =
        model.eventsub.types.iter().map(|t| struct_def(t, if t.summary.is_empty() { &t.name } else { &t.summary }));
    let event_enum = event_enum(subs);
    super::render(quote! {
        use serde::{Deserialize, Serialize};
        pub use ttv_runtime::eventsub::{
            close_code_meaning, CreatedSubscription, DecodeEvent, EventDecodeError, EventSubError, Lifecycle,
            Notification, Revocation, SessionEvent, Subscription, SubscriptionInfo, UnknownEvent, Wanted,
            WebSocket, WebSocketBuilder, WebhookSecret,
        };

        #(#conditions)*
        #(#events)*
        #(#types)*
        #event_enum
    })
}

/// The Rust type of a spec type inside the `eventsub` module (named types are its own).
fn rust_type(ty: &TypeExpr) -> TokenStream {
    super::rust_type_naming(ty, &|n| quote!(#n))
}

fn status_words(s: &Subscription) -> &'static str {
    match s.status {
        Status::Stable => "",
        Status::Beta => " · **beta**",
        Status::Deprecated => " · **deprecated** by Twitch",
    }
}

fn scope_words(groups: &[Vec<String>]) -> String {
    groups
        .iter()
        .map(|g| g.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(" or "))
        .collect::<Vec<_>>()
        .join(", and ")
}

/// The doc block shared by a subscription's condition and event types.
fn subscription_doc(s: &Subscription) -> String {
    let transports = s.transports.iter().map(|t| t.as_str()).collect::<Vec<_>>().join(", ");
    let mut doc = format!("{}\n\n`{}` v{} · {transports}{}", s.summary, s.ty, s.version, status_words(s));
    if !s.scopes.is_empty() {
        doc.push_str(&format!(" · scopes: {}", scope_words(&s.scopes)));
    }
    if s.batched {
        doc.push_str("\n\nBatched: a notification carries `events: [{id, data}]`; each `data` is one event.");
    }
    doc.push_str(&format!("\n\n[Twitch reference: {}]({})", s.ty, s.doc_url));
    doc
}

fn event_doc(s: &Subscription) -> String {
    format!("The event of **{} v{}**: {}", s.ty, s.version, subscription_doc(s))
}

fn condition(s: &Subscription) -> TokenStream {
    let name = format_ident!("{}", s.condition_type());
    let event = type_ident(&s.event.name);
    let type_doc = doc(&format!("The condition of **{} v{}**: {}", s.ty, s.version, subscription_doc(s)));
    let fields = s.condition.iter().map(|c| {
        let field = ident(&c.field);
        let rename = (c.field != c.name).then(|| {
            let n = &c.name;
            quote!(#[serde(rename = #n)])
        });
        let mut text = if c.summary.is_empty() { format!("`{}`", c.name) } else { c.summary.clone() };
        if c.token_user {
            text.push_str(" Over a WebSocket (user token): the token's user.");
        }
        let doc = doc(&text);
        if c.required {
            quote!(#doc #rename pub #field: String,)
        } else {
            quote!(#doc #rename #[serde(skip_serializing_if = "Option::is_none")] pub #field: Option<String>,)
        }
    });
    let required: Vec<_> = s.condition.iter().filter(|c| c.required).map(|c| ident(&c.field)).collect();
    let rest = (required.len() < s.condition.len()).then(|| quote!(..Default::default()));
    let body = if required.is_empty() {
        quote!(Self::default())
    } else {
        quote!(#name { #(#required: #required.into(),)* #rest })
    };
    let setters = s.condition.iter().filter(|c| !c.required).map(|c| {
        let f = ident(&c.field);
        let doc = doc(&format!("Sets `{}`.", c.name));
        quote! {
            #doc
            pub fn #f(mut self, value: impl Into<String>) -> Self {
                self.#f = Some(value.into());
                self
            }
        }
    });
    let ty = &s.ty;
    let version = &s.version;
    let scopes = s.scopes.iter().map(|g| quote!(&[#(#g),*]));
    let token_user = match s.token_user_field() {
        Some(f) => quote!(Some(#f)),
        None => quote!(None),
    };
    let transports = s.transports.iter().map(|t| t.as_str());
    quote! {
        #type_doc
        #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(default)]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
        }

        impl #name {
            /// The condition with its required fields; the others are set with the methods below.
            pub fn new(#(#required: impl Into<String>),*) -> Self {
                #body
            }

            #(#setters)*
        }

        impl Subscription for #name {
            const TYPE: &'static str = #ty;
            const VERSION: &'static str = #version;
            const SCOPES: &'static [&'static [&'static str]] = &[#(#scopes),*];
            const TOKEN_USER: Option<&'static str> = #token_user;
            const TRANSPORTS: &'static [&'static str] = &[#(#transports),*];
            type Event = #event;
        }
    }
}

/// An event or nested type: the fields as answer types have them, unknown ones in `extra`.
fn struct_def(t: &TypeDef, type_doc: &str) -> TokenStream {
    let fields = t.fields.iter().map(|f| {
        let unknown_json = f.ty == TypeExpr::Optional(Box::new(TypeExpr::Prim(Prim::Json))) && f.summary.is_empty();
        let note = unknown_json.then_some(": kept as sent (no example shows its type).");
        kept_struct::field(f, rust_type(&f.ty), note)
    });
    kept_struct::kept_struct(&t.name, type_doc, fields)
}

fn event_enum(subs: &[Subscription]) -> TokenStream {
    let variants: Vec<_> = subs.iter().map(|s| format_ident!("{}", s.type_name)).collect();
    let events = subs.iter().map(|s| type_ident(&s.event.name));
    let docs = subs.iter().map(|s| doc(&format!("`{}` v{}: {}", s.ty, s.version, s.summary)));
    let types: Vec<&String> = subs.iter().map(|s| &s.ty).collect();
    let versions: Vec<&String> = subs.iter().map(|s| &s.version).collect();
    quote! {
        /// An event of any subscription type, as `Event::decode` reads it. A type or
        /// version the spec does not describe is kept in `Unknown`, never an error.
        /// It serializes as the `event` object alone (unknown fields included).
        #[derive(Debug, Clone, PartialEq, Serialize)]
        #[serde(untagged)]
        #[non_exhaustive]
        #[allow(clippy::large_enum_variant)]
        pub enum Event {
            #(#docs #variants(#events),)*
            /// A type or version the spec does not describe, as sent.
            #[serde(serialize_with = "ttv_runtime::eventsub::serialize_unknown")]
            Unknown(UnknownEvent),
        }

        impl Event {
            /// Decodes a notification's `event` object by its subscription type and version.
            /// An unknown type or version gives `Event::Unknown`; only a known event whose
            /// JSON does not fit its type (text where a number belongs) is an error.
            /// For a batched type, decode each `events[].data`.
            pub fn decode(
                subscription_type: &str,
                version: &str,
                event: serde_json::Value,
            ) -> Result<Event, EventDecodeError> {
                use ttv_runtime::eventsub::decode_as as d;
                let (t, v) = (subscription_type, version);
                Ok(match (t, v) {
                    #((#types, #versions) => Event::#variants(d(t, v, event)?),)*
                    _ => Event::Unknown(UnknownEvent::new(t, v, event)),
                })
            }

            /// Twitch's type name of the event, e.g. `channel.chat.message`.
            pub fn subscription_type(&self) -> &str {
                match self {
                    #(Event::#variants(_) => #types,)*
                    Event::Unknown(u) => &u.subscription_type,
                }
            }

            /// Twitch's version of the event's subscription type.
            pub fn version(&self) -> &str {
                match self {
                    #(Event::#variants(_) => #versions,)*
                    Event::Unknown(u) => &u.version,
                }
            }
        }

        /// A WebSocket session of `Event`s decodes each notification with [`Event::decode`].
        impl DecodeEvent for Event {
            fn decode(
                subscription_type: &str,
                version: &str,
                event: serde_json::Value,
            ) -> Result<Event, EventDecodeError> {
                Event::decode(subscription_type, version, event)
            }
        }
    }
}
