//! The meta table: each endpoint's spec as static data (`ttv_helix::ENDPOINTS`),
//! read by the runtime's checks, the CLI's verbs and the mock's routes.

use crate::model::{Endpoint, Location, MockFilter, Model, Response, TypeDef};
use crate::spec::{Auth, Method};
use crate::typeexpr::{Prim, TypeExpr};
use heck::ToShoutySnakeCase;
use proc_macro2::{Ident, TokenStream};

use quote::{format_ident, quote};

fn type_static(name: &str) -> Ident {
    format_ident!("{}", name.to_shouty_snake_case())
}

/// Tokens for the `type_meta` and `endpoint_meta` modules and `ENDPOINTS`.
pub fn table(model: &Model) -> TokenStream {
    let types = model.types.iter().map(type_meta);
    let entries = model.endpoints.iter().map(endpoint_meta);
    quote! {
        /// The shape of every spec type, for the mock server and for checks.
        pub mod type_meta {
            use crate::meta::{FieldMeta, Shape, TypeMeta};
            #(#types)*
        }

        /// Every endpoint in the spec, in spec order.
        pub static ENDPOINTS: &[crate::meta::EndpointMeta] = {
            use crate::meta::*;
            &[#(#entries),*]
        };
    }
}

fn shape(ty: &TypeExpr) -> TokenStream {
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
            quote!(Shape::Object(&crate::type_meta::#s))
        }
        TypeExpr::List(t) => {
            let t = shape(t);
            quote!(Shape::List(&#t))
        }
        TypeExpr::Optional(t) => {
            let t = shape(t);
            quote!(Shape::Optional(&#t))
        }
    }
}

fn type_meta(t: &TypeDef) -> TokenStream {
    let s = type_static(&t.name);
    let name = &t.name;
    let fields = t.fields.iter().map(|f| {
        let n = &f.name;
        let sh = shape(&f.ty);
        quote!(FieldMeta { name: #n, shape: #sh })
    });
    quote! {
        pub static #s: TypeMeta = TypeMeta { name: #name, fields: &[#(#fields),*] };
    }
}

fn strs(items: &[String]) -> TokenStream {
    quote!(&[#(#items),*])
}

fn endpoint_meta(e: &Endpoint) -> TokenStream {
    let (name, method_name, verb, summary, doc_url, path) =
        (&e.name, &e.method_name, &e.verb, &e.summary, &e.doc_url, &e.path);
    let aliases = strs(&e.aliases);
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
        let location = match p.location {
            Location::Query => quote!(Location::Query),
            Location::Path => quote!(Location::Path),
            Location::Body => quote!(Location::Body),
        };
        let sh = shape(&p.ty);
        let required = p.required;
        let max = match p.max {
            Some(m) => quote!(Some(#m)),
            None => quote!(None),
        };
        let range = match p.range {
            Some((lo, hi)) => quote!(Some((#lo, #hi))),
            None => quote!(None),
        };
        let summary = &p.summary;
        let deprecated = p.deprecated;
        let token_user = p.token_user;
        quote! {
            ParamMeta { name: #name, location: #location, shape: #sh, required: #required, max: #max,
                        range: #range, summary: #summary, deprecated: #deprecated, token_user: #token_user }
        }
    });
    let groups = |gs: &[Vec<String>]| {
        let gs = gs.iter().map(|g| strs(g));
        quote!(&[#(#gs),*])
    };
    let one_of = groups(&e.one_of);
    let at_least_one_of = groups(&e.at_least_one_of);
    let app_token_at_least_one_of = groups(&e.app_token_at_least_one_of);
    let max_total = match &e.max_total {
        Some((names, max)) => {
            let names = strs(names);
            quote!(Some((#names, #max)))
        }
        None => quote!(None),
    };
    let response = match &e.response {
        Response::Data { item, paginated, single } => {
            let item = shape(item);
            quote!(ResponseMeta::Data { item: #item, paginated: #paginated, single: #single })
        }
        Response::NoContent => quote!(ResponseMeta::NoContent),
        Response::Text { content_type } => quote!(ResponseMeta::Text { content_type: #content_type }),
    };
    let token_values = e.token_values.iter().map(|(field, app, user)| {
        let (app, user) = (strs(app), strs(user));
        quote!(TokenValues { field: #field, app: #app, user: #user })
    });
    let deprecated = e.deprecated;
    let source = match &e.mock_source {
        Some(s) => quote!(Some(#s)),
        None => quote!(None),
    };
    let filters = e.mock_filters.iter().map(|(p, f)| {
        let f = match f {
            MockFilter::Eq(x) => quote!(MockFilter::Eq(#x)),
            MockFilter::Contains(x) => quote!(MockFilter::Contains(#x)),
            MockFilter::Flag(x) => quote!(MockFilter::Flag(#x)),
            MockFilter::FollowedBy(x) => quote!(MockFilter::FollowedBy(#x)),
        };
        quote!((#p, #f))
    });
    quote! {
        EndpointMeta {
            name: #name,
            method_name: #method_name,
            verb: #verb,
            aliases: #aliases,
            summary: #summary,
            doc_url: #doc_url,
            http_method: #http_method,
            path: #path,
            auth: #auth,
            scopes_all: #all,
            scopes_any: #any,
            scopes_optional: #optional,
            params: &[#(#params),*],
            one_of: #one_of,
            at_least_one_of: #at_least_one_of,
            app_token_at_least_one_of: #app_token_at_least_one_of,
            max_total: #max_total,
            response: #response,
            deprecated: #deprecated,
            mock: MockMeta { source: #source, filters: &[#(#filters),*] },
            token_values: &[#(#token_values),*],
        }
    }
}
