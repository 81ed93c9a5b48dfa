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

/// The static name of an endpoint's meta, e.g. `GET_USERS`.
pub fn endpoint_static(e: &Endpoint) -> Ident {
    format_ident!("{}", e.method_name.to_shouty_snake_case())
}

/// Tokens for the `type_meta` and `endpoints` modules and `ENDPOINTS`.
pub fn table(model: &Model) -> TokenStream {
    let types = model.types.iter().map(type_meta);
    let entries = model.endpoints.iter().map(endpoint_meta);
    let names = model.endpoints.iter().map(endpoint_static);
    quote! {
        /// The shape of every spec type, for the mock server and for checks.
        pub mod type_meta {
            use ttv_meta::{FieldMeta, Shape, TypeMeta};
            #(#types)*
        }

        /// What the spec says about each endpoint, one static per endpoint.
        pub mod endpoints {
            use ttv_meta::*;
            #(#entries)*
        }

        /// Every endpoint in the spec, in spec order.
        pub static ENDPOINTS: &[&ttv_meta::EndpointMeta] = &[#(&endpoints::#names),*];
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
            quote!(Shape::Object(&super::type_meta::#s))
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
        quote!(FieldMeta::new(#n, #sh))
    });
    quote! {
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
        let sh = shape(&p.ty);
        let required = p.required.then(|| quote!(.required()));
        let max = p.max.map(|m| quote!(.max(#m)));
        let range = p.range.map(|(lo, hi)| quote!(.range(#lo, #hi)));
        let summary = (!p.summary.is_empty()).then(|| {
            let s = &p.summary;
            quote!(.summary(#s))
        });
        let deprecated = p.deprecated.then(|| quote!(.deprecated()));
        let token_user = p.token_user.then(|| quote!(.token_user()));
        quote!(ParamMeta::#constructor(#name, #sh) #required #max #range #summary #deprecated #token_user)
    });
    let groups = |gs: &[Vec<String>]| {
        let gs = gs.iter().map(|g| strs(g));
        quote!(&[#(#gs),*])
    };
    let one_of = groups(&e.one_of);
    let at_least_one_of = groups(&e.at_least_one_of);
    let app_token_at_least_one_of = groups(&e.app_token_at_least_one_of);
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
        quote!(TokenValues::new(#field, #app, #user))
    });
    let filters = e.mock_filters.iter().map(|(p, f)| {
        let f = match f {
            MockFilter::Eq(x) => quote!(MockFilter::Eq(#x)),
            MockFilter::Contains(x) => quote!(MockFilter::Contains(#x)),
            MockFilter::Flag(x) => quote!(MockFilter::Flag(#x)),
            MockFilter::FollowedBy(x) => quote!(MockFilter::FollowedBy(#x)),
        };
        quote!((#p, #f))
    });
    // Only what differs from `EndpointMeta::new`'s defaults is written out.
    let docs = quote!(.docs(#summary, #doc_url));
    let scopes = (!(e.scopes_all.is_empty() && e.scopes_any.is_empty() && e.scopes_optional.is_empty()))
        .then(|| quote!(.scopes(#all, #any, #optional)));
    let params = (!e.params.is_empty()).then(|| quote!(.params(&[#(#params),*])));
    let one_of = (!e.one_of.is_empty()).then(|| quote!(.one_of(#one_of)));
    let at_least_one_of = (!e.at_least_one_of.is_empty()).then(|| quote!(.at_least_one_of(#at_least_one_of)));
    let app_token_at_least_one_of = (!e.app_token_at_least_one_of.is_empty())
        .then(|| quote!(.app_token_at_least_one_of(#app_token_at_least_one_of)));
    let max_total = e.max_total.as_ref().map(|(names, max)| {
        let names = strs(names);
        quote!(.max_total(#names, #max))
    });
    let deprecated = e.deprecated.then(|| quote!(.deprecated()));
    let mock = (e.mock_source.is_some() || !e.mock_filters.is_empty()).then(|| {
        let source = match &e.mock_source {
            Some(s) => quote!(Some(#s)),
            None => quote!(None),
        };
        quote!(.mock(MockMeta::new(#source, &[#(#filters),*])))
    });
    let token_values = (!e.token_values.is_empty()).then(|| quote!(.token_values(&[#(#token_values),*])));
    let static_name = endpoint_static(e);
    let doc = super::doc(&format!("**{name}**: {summary}"));
    quote! {
        #doc
        pub static #static_name: EndpointMeta =
            EndpointMeta::new(#name, #method_name, #http_method, #path, #auth, #response)
                #docs #scopes #params #one_of #at_least_one_of #app_token_at_least_one_of
                #max_total #deprecated #mock #token_values;
    }
}
