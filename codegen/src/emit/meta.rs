//! The meta table: each endpoint's spec as static data (`ttv_helix::ENDPOINTS`),
//! read by the runtime's checks and the CLI's verbs. The pieces are public so
//! that the mock's emitter ([`super::mock`]) builds its own table from the same
//! endpoint statics, adding what only it needs.

use std::collections::BTreeSet;

use crate::model::{Endpoint, Location, Model, Response, TypeDef};
use crate::spec::{Auth, Method, TokenKind};
use crate::typeexpr::{Prim, TypeExpr};
use heck::ToShoutySnakeCase;
use proc_macro2::{Ident, TokenStream};

use quote::{format_ident, quote};

/// The static name of a type's meta, e.g. `CHANNEL_BAN_V1_EVENT`.
pub fn type_static(name: &str) -> Ident {
    format_ident!("{}", name.to_shouty_snake_case())
}

/// The static name of an endpoint's meta, e.g. `GET_USERS`.
pub fn endpoint_static(e: &Endpoint) -> Ident {
    format_ident!("{}", e.method_name.to_shouty_snake_case())
}

/// Tokens for the library's `type_meta` and `endpoints` modules and `ENDPOINTS`.
/// Its `type_meta` holds only the types request parameters are made of.
pub fn table(model: &Model) -> TokenStream {
    let types = type_meta_module(model, model.endpoints.iter().flat_map(|e| e.params.iter().map(|p| &p.ty)));
    let endpoints = endpoints_module(model);
    let names = model.endpoints.iter().map(endpoint_static);
    quote! {
        #types

        #endpoints

        /// Every endpoint in the spec, in spec order.
        pub static ENDPOINTS: &[&ttv_meta::EndpointMeta] = &[#(&endpoints::#names),*];
    }
}

/// The `type_meta` module: a `TypeMeta` static for each named type that
/// `roots` use, directly or through fields, in spec order.
pub fn type_meta_module<'a>(model: &'a Model, roots: impl IntoIterator<Item = &'a TypeExpr>) -> TokenStream {
    let used = used_types(model, roots);
    let types = model.types.iter().filter(|t| used.contains(t.name.as_str())).map(type_meta);
    quote! {
        /// The shape of each spec type this table names.
        pub mod type_meta {
            #[allow(unused_imports)]
            use ttv_meta::{FieldMeta, Shape, TypeMeta};
            #(#types)*
        }
    }
}

/// The `endpoints` module: one `EndpointMeta` static per endpoint. Its
/// shapes name types as `super::type_meta::X`, so it sits beside that module.
pub fn endpoints_module(model: &Model) -> TokenStream {
    let entries = model.endpoints.iter().map(endpoint_meta);
    quote! {
        /// What the spec says about each endpoint, one static per endpoint.
        pub mod endpoints {
            use ttv_meta::*;
            #(#entries)*
        }
    }
}

/// Names of the types `roots` use, followed through the fields of each.
fn used_types<'a>(model: &'a Model, roots: impl IntoIterator<Item = &'a TypeExpr>) -> BTreeSet<&'a str> {
    let mut used = BTreeSet::new();
    let mut todo: Vec<&TypeExpr> = roots.into_iter().collect();
    while let Some(ty) = todo.pop() {
        match ty {
            TypeExpr::Prim(_) => {}
            TypeExpr::List(t) | TypeExpr::Optional(t) => todo.push(t),
            TypeExpr::Named(n) => {
                if used.insert(n.as_str()) {
                    if let Some(t) = model.types.iter().find(|t| &t.name == n) {
                        todo.extend(t.fields.iter().map(|f| &f.ty));
                    }
                }
            }
        }
    }
    used
}

/// A `Shape` expression; named types are reached through the `types` path
/// (`super::type_meta` from a sibling module, `type_meta` beside it).
pub fn shape(ty: &TypeExpr, types: &TokenStream) -> TokenStream {
    match ty {
        TypeExpr::Prim(p) => match p {
            Prim::String => quote!(Shape::String),
            Prim::Integer => quote!(Shape::Integer),
            Prim::Number => quote!(Shape::Number),
            Prim::Boolean => quote!(Shape::Boolean),
            Prim::DateTime => quote!(Shape::DateTime),
            Prim::Json => quote!(Shape::Json),
        },
        TypeExpr::Named(n) => {
            let s = type_static(n);
            quote!(Shape::Object(&#types::#s))
        }
        TypeExpr::List(t) => {
            let t = shape(t, types);
            quote!(Shape::List(&#t))
        }
        TypeExpr::Optional(t) => {
            let t = shape(t, types);
            quote!(Shape::Optional(&#t))
        }
    }
}

fn type_meta(t: &TypeDef) -> TokenStream {
    type_meta_in(t, &quote!(super::type_meta))
}

/// A `TypeMeta` static for `t`, whose fields name other types through `types`.
pub fn type_meta_in(t: &TypeDef, types: &TokenStream) -> TokenStream {
    let s = type_static(&t.name);
    let name = &t.name;
    let fields = t.fields.iter().map(|f| {
        let n = &f.name;
        let sh = shape(&f.ty, types);
        let values = (!f.values.is_empty()).then(|| {
            let v = strs(&f.values);
            quote!(.values(#v))
        });
        let min_length = f.min_length.map(|n| quote!(.min_length(#n)));
        let max_length = f.max_length.map(|n| quote!(.max_length(#n)));
        quote!(FieldMeta::new(#n, #sh) #values #min_length #max_length)
    });
    let doc = format!(" The fields of the spec type `{name}` and their shapes.");
    quote! {
        #[doc = #doc]
        pub static #s: TypeMeta = TypeMeta::new(#name, &[#(#fields),*]);
    }
}

fn strs(items: &[String]) -> TokenStream {
    quote!(&[#(#items),*])
}

fn endpoint_meta(e: &Endpoint) -> TokenStream {
    let (name, method_name, summary, doc_url, path) = (&e.name, &e.method_name, &e.summary, &e.doc_url, &e.path);
    let http_method = match e.method {
        Method::GET => quote!(HttpMethod::Get),
        Method::POST => quote!(HttpMethod::Post),
        Method::PUT => quote!(HttpMethod::Put),
        Method::PATCH => quote!(HttpMethod::Patch),
        Method::DELETE => quote!(HttpMethod::Delete),
    };
    let auth = match e.auth {
        Auth::User => quote!(AuthClass::User),
        Auth::App => quote!(AuthClass::App),
        Auth::Either => quote!(AuthClass::Either),
        Auth::Extension => quote!(AuthClass::Extension),
        Auth::None => quote!(AuthClass::NoToken),
    };
    let (all, any, optional) = (strs(&e.scopes_all), strs(&e.scopes_any), strs(&e.scopes_optional));
    let params = e.params.iter().map(|p| {
        let name = &p.name;
        let constructor = match p.location {
            Location::Query => quote!(query),
            Location::Path => quote!(path),
            Location::Body => quote!(body),
        };
        let sh = shape(&p.ty, &quote!(super::type_meta));
        let required = p.required.then(|| quote!(.required()));
        let max = p.max.map(|m| quote!(.max(#m)));
        let range = p.range.map(|(lo, hi)| quote!(.range(#lo, #hi)));
        let summary = (!p.summary.is_empty()).then(|| {
            let s = &p.summary;
            quote!(.summary(#s))
        });
        let deprecated = p.deprecated.then(|| quote!(.deprecated()));
        let token_user = p.token_user.then(|| quote!(.token_user()));
        let values = (!p.values.is_empty()).then(|| {
            let v = strs(&p.values);
            quote!(.values(#v))
        });
        let min_length = p.min_length.map(|n| quote!(.min_length(#n)));
        let max_length = p.max_length.map(|n| quote!(.max_length(#n)));
        let only_with = p.token.map(|t| match t {
            TokenKind::App => quote!(.only_with(AuthClass::App)),
            TokenKind::User => quote!(.only_with(AuthClass::User)),
        });
        quote!(ParamMeta::#constructor(#name, #sh) #required #max #range #summary #deprecated #token_user
            #values #min_length #max_length #only_with)
    });
    let groups = |gs: &[Vec<String>]| {
        let gs = gs.iter().map(|g| strs(g));
        quote!(&[#(#gs),*])
    };
    let one_of = groups(&e.one_of);
    let at_least_one_of = groups(&e.at_least_one_of);
    let at_most_one_of = groups(&e.at_most_one_of);
    let app_token_at_least_one_of = groups(&e.app_token_at_least_one_of);
    let response = match &e.response {
        Response::Data { paginated, single, .. } => {
            quote!(ResponseMeta::Data { paginated: #paginated, single: #single })
        }
        Response::NoContent => quote!(ResponseMeta::NoContent),
        Response::Text { content_type } => quote!(ResponseMeta::Text { content_type: #content_type }),
    };
    let token_values = e.token_values.iter().map(|(field, app, user)| {
        let (app, user) = (strs(app), strs(user));
        quote!(TokenValues::new(#field, #app, #user))
    });
    // Only what differs from `EndpointMeta::new`'s defaults is written out.
    let docs = quote!(.docs(#summary, #doc_url));
    let scopes = (!(e.scopes_all.is_empty() && e.scopes_any.is_empty() && e.scopes_optional.is_empty()))
        .then(|| quote!(.scopes(#all, #any, #optional)));
    let params = (!e.params.is_empty()).then(|| quote!(.params(&[#(#params),*])));
    let one_of = (!e.one_of.is_empty()).then(|| quote!(.one_of(#one_of)));
    let at_least_one_of = (!e.at_least_one_of.is_empty()).then(|| quote!(.at_least_one_of(#at_least_one_of)));
    let at_most_one_of = (!e.at_most_one_of.is_empty()).then(|| quote!(.at_most_one_of(#at_most_one_of)));
    let app_token_at_least_one_of = (!e.app_token_at_least_one_of.is_empty())
        .then(|| quote!(.app_token_at_least_one_of(#app_token_at_least_one_of)));
    let max_total = e.max_total.as_ref().map(|(names, max)| {
        let names = strs(names);
        quote!(.max_total(#names, #max))
    });
    let deprecated = e.deprecated.then(|| quote!(.deprecated()));
    let refused = e.refused.as_ref().map(|(flag, reason)| quote!(.refused(#flag, #reason)));
    let token_values = (!e.token_values.is_empty()).then(|| quote!(.token_values(&[#(#token_values),*])));
    let static_name = endpoint_static(e);
    let doc = super::doc(&format!("**{name}**: {summary}"));
    quote! {
        #doc
        pub static #static_name: EndpointMeta =
            EndpointMeta::new(#name, #method_name, #http_method, #path, #auth, #response)
                #docs #scopes #params #one_of #at_least_one_of #at_most_one_of #app_token_at_least_one_of
                #max_total #deprecated #token_values #refused;
    }
}
