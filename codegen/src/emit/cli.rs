//! The CLI's generated half: its verb table (verb names and aliases exist only
//! for the CLI, so the library's metadata carries none) and one dispatch arm
//! per verb, each calling the typed library request with the token class the
//! endpoint needs.

use super::meta::endpoint_static;
use super::type_ident;
use crate::model::Model;
use crate::spec::Auth;
use proc_macro2::TokenStream;
use quote::quote;

/// The whole `verbs.rs` of the `ttv` binary. It expects `crate::verb::Verb`,
/// `crate::context::{Ctx, Outcome}`, `crate::error::CliError` and `crate::args::Args`.
pub fn verbs(model: &Model) -> String {
    let table = verb_table(model, quote!(crate::verb::Verb));
    let arms = model.endpoints.iter().map(|e| {
        let verb = &e.verb;
        let request = type_ident(&e.type_name);
        let call = match e.auth {
            Auth::User => quote!(call_user),
            Auth::App => quote!(call_app),
            Auth::Either => quote!(call_either),
            Auth::Extension => quote!(call_extension),
            Auth::None => quote!(call_public),
        };
        quote!(#verb => ctx.#call::<ttv_helix::requests::#request>(args).await,)
    });
    super::render(quote! {
        #table

        /// Runs the endpoint whose verb is `verb` (already resolved from aliases).
        #[allow(deprecated)]
        pub async fn dispatch(
            ctx: &crate::context::Ctx,
            verb: &str,
            args: &crate::args::Args<'_>,
        ) -> Result<crate::outcome::Outcome, crate::error::CliError> {
            match verb {
                #(#arms)*
                other => Err(crate::error::CliError::UnknownVerb(other.to_owned())),
            }
        }
    })
}

/// A self-contained verb lookup for crates that drive the CLI from outside
/// (the end-to-end tests): its own `Verb` type, `VERBS`, and `verb_of`.
pub fn verb_lookup(model: &Model) -> String {
    let table = verb_table(model, quote!(Verb));
    super::render(quote! {
        /// One CLI verb: its name, other spellings, and the endpoint it calls.
        pub struct Verb {
            pub verb: &'static str,
            pub aliases: &'static [&'static str],
            pub endpoint: &'static ttv_helix::meta::EndpointMeta,
        }

        #table

        /// The CLI verb that calls `endpoint`.
        pub fn verb_of(endpoint: &ttv_helix::meta::EndpointMeta) -> &'static str {
            VERBS.iter().find(|v| v.endpoint.name == endpoint.name).map_or("", |v| v.verb)
        }
    })
}

/// `pub static VERBS: &[<verb_type>]`, one entry per endpoint in spec order,
/// each pointing at the library's `ttv_helix::endpoints::<NAME>`.
fn verb_table(model: &Model, verb_type: TokenStream) -> TokenStream {
    let entries = model.endpoints.iter().map(|e| {
        let (verb, aliases) = (&e.verb, &e.aliases);
        let endpoint = endpoint_static(e);
        quote! {
            #verb_type { verb: #verb, aliases: &[#(#aliases),*], endpoint: &ttv_helix::endpoints::#endpoint },
        }
    });
    quote! {
        /// Every CLI verb with its aliases and endpoint, in spec order.
        pub static VERBS: &[#verb_type] = &[#(#entries)*];
    }
}
