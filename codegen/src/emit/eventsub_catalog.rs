//! The EventSub catalog as static data (`SUBSCRIPTION_TYPES`): each
//! subscription type's condition fields, scopes, transports and the shape of
//! its event. The library includes it in `ttv_helix::eventsub` (for `ttv
//! events types`), and the mock builds triggered events from it.

use super::meta::{type_meta_in, type_static};
use crate::eventsub_model::Subscription;
use crate::model::Model;
use proc_macro2::TokenStream;
use quote::quote;

/// The whole `eventsub_catalog.rs`: an `event_meta` module and `SUBSCRIPTION_TYPES`.
pub fn catalog(model: &Model) -> String {
    let types_path = quote!(super::event_meta);
    let subs = &model.eventsub.subscriptions;
    let types = subs.iter().map(|s| &s.event).chain(&model.eventsub.types).map(|t| type_meta_in(t, &types_path));
    let entries = subs.iter().map(entry);
    super::render(quote! {
        /// The shape of each event type and of the types events are made of.
        pub mod event_meta {
            #[allow(unused_imports)]
            use ttv_meta::{FieldMeta, Shape, TypeMeta};
            #(#types)*
        }

        /// Every subscription type and version in the spec, in spec order.
        pub static SUBSCRIPTION_TYPES: &[ttv_meta::SubscriptionMeta] = &[#(#entries),*];
    })
}

fn groups(groups: &[Vec<String>]) -> TokenStream {
    let inner = groups.iter().map(|g| quote!(&[#(#g),*]));
    quote!(&[#(#inner),*])
}

fn entry(s: &Subscription) -> TokenStream {
    let (ty, version, summary) = (&s.ty, &s.version, &s.summary);
    let event = type_static(&s.event.name);
    let status = s.status.as_str();
    let status = (status != "stable").then(|| quote!(.status(#status)));
    let transports = s.transports.iter().map(|t| t.as_str());
    let condition = s.condition.iter().map(|c| {
        let (name, summary) = (&c.name, &c.summary);
        let required = c.required.then(|| quote!(.required()));
        let token_user = c.token_user.then(|| quote!(.token_user()));
        quote!(ttv_meta::ConditionFieldMeta::new(#name, #summary) #required #token_user)
    });
    let one_of = (!s.one_of.is_empty()).then(|| {
        let g = groups(&s.one_of);
        quote!(.one_of(#g))
    });
    let scopes = (!s.scopes.is_empty()).then(|| {
        let g = groups(&s.scopes);
        quote!(.scopes(#g))
    });
    let batched = s.batched.then(|| quote!(.batched()));
    quote! {
        ttv_meta::SubscriptionMeta::new(#ty, #version, #summary, &event_meta::#event)
            #status
            .transports(&[#(#transports),*])
            .condition(&[#(#condition),*])
            #one_of #scopes #batched
    }
}
