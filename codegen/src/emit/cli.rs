//! The CLI's generated half: its verb table (verb names and aliases exist only
//! for the CLI, so the library's metadata carries none) and one dispatch arm
//! per verb, each calling the typed library request with the token class the
//! endpoint needs.

use super::meta::endpoint_static;
use super::{notes, type_ident};
use crate::model::{Endpoint, Model, Response};
use crate::spec::Auth;
use crate::typeexpr::TypeExpr;
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
        /// One CLI verb: its name, other spellings, the endpoint it calls, and
        /// what its `--help` adds to the endpoint's facts.
        pub struct Verb {
            pub verb: &'static str,
            pub aliases: &'static [&'static str],
            pub endpoint: &'static ttv_helix::meta::EndpointMeta,
            pub beta: bool,
            pub help: &'static str,
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
        let (verb, aliases, beta) = (&e.verb, &e.aliases, e.beta);
        let endpoint = endpoint_static(e);
        let help = verb_help(model, e);
        quote! {
            #verb_type {
                verb: #verb,
                aliases: &[#(#aliases),*],
                endpoint: &ttv_helix::endpoints::#endpoint,
                beta: #beta,
                help: #help,
            },
        }
    });
    quote! {
        /// Every CLI verb with its aliases and endpoint, in spec order.
        pub static VERBS: &[#verb_type] = &[#(#entries)*];
    }
}

/// What a verb's `--help` says beyond the endpoint's metadata: its status at
/// Twitch, its parameter groups (as flags), and the fields of its answer.
/// Built here rather than at run time so the CLI carries one string per verb,
/// not the answer types.
pub fn verb_help(model: &Model, e: &Endpoint) -> String {
    let mut parts = Vec::new();
    let mut notes = notes::status(e);
    notes.extend(notes::groups(e, |p| format!("--{}", p.replace('_', "-"))));
    if !notes.is_empty() {
        parts.push(notes.join("\n"));
    }
    // A removed endpoint answers nothing but its error.
    if e.gone.is_none() {
        parts.push(answer_help(model, &e.response));
    }
    parts.join("\n\n")
}

/// `Answer: ...` and, for a named item type, one line per field:
/// name, spec type and summary, in aligned columns.
fn answer_help(model: &Model, response: &Response) -> String {
    let (item, paginated, single) = match response {
        Response::NoContent => return "Answer: 204 No Content.".to_owned(),
        Response::Text { content_type } => return format!("Answer: {content_type} text."),
        Response::Data { item, paginated, single } => (item, *paginated, *single),
    };
    let what = if single { format!("one {item}") } else { format!("a list of {item}") };
    let pages = if paginated { ", in pages (--all follows them)" } else { "" };
    let mut help = format!("Answer: {what}{pages}");
    let fields = match item.required() {
        TypeExpr::Named(name) => model.types.iter().find(|t| &t.name == name).map(|t| &t.fields),
        _ => None,
    };
    let Some(fields) = fields.filter(|f| !f.is_empty()) else {
        help.push('.');
        return help;
    };
    help.push(':');
    let types: Vec<String> = fields.iter().map(|f| f.ty.to_string()).collect();
    let name_width = fields.iter().map(|f| f.name.len()).max().unwrap_or(0);
    let type_width = types.iter().map(String::len).max().unwrap_or(0);
    for (f, ty) in fields.iter().zip(&types) {
        let mut summary = f.summary.clone();
        if f.deprecated {
            summary.push_str(if summary.is_empty() { "[deprecated]" } else { " [deprecated]" });
        }
        let line = format!("  {:name_width$}  {:type_width$}  {summary}", f.name, ty);
        help.push('\n');
        help.push_str(line.trim_end());
    }
    help
}
