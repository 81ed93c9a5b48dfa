//! The CLI's generated half: one dispatch arm per verb, each calling the typed
//! library request with the token class the endpoint needs.

use super::type_ident;
use crate::model::Model;
use crate::spec::Auth;
use quote::quote;

/// The whole `verbs.rs` of the `ttv` binary. It expects `crate::run::{Ctx, Outcome, CliError}` and `crate::args::Args`.
pub fn verbs(model: &Model) -> String {
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
        /// Runs the endpoint whose verb is `verb` (already resolved from aliases).
        #[allow(deprecated)]
        pub async fn dispatch(
            ctx: &crate::run::Ctx,
            verb: &str,
            args: &crate::args::Args<'_>,
        ) -> Result<crate::run::Outcome, crate::run::CliError> {
            match verb {
                #(#arms)*
                other => Err(crate::run::CliError::UnknownVerb(other.to_owned())),
            }
        }
    })
}
