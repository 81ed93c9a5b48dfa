//! The library's generated half: response types, request types with their
//! builder setters, one method per endpoint on `Helix<T>`, and the meta table.

use super::{doc, endpoint_doc, ident, kept_struct, param_doc, param_type, rust_type, type_ident};
use crate::model::{Endpoint, Model, Param, Response, TypeDef};
use crate::typeexpr::{Prim, TypeExpr};
use proc_macro2::TokenStream;
use quote::quote;

/// The whole `endpoints.rs` of ttv-helix.
pub fn library(model: &Model) -> String {
    let types = model.types.iter().map(type_def);
    let enums = super::value_enum::all(model);
    let requests = model.endpoints.iter().map(request);
    let methods = model.endpoints.iter().map(method);
    let setters = model.endpoints.iter().map(setters);
    let meta = super::meta::table(model);
    let shell = super::shell::client_shell();
    super::render(quote! {
        #shell

        /// Response and body types from the spec's `types` section.
        pub mod types {
            use serde::{Deserialize, Serialize};
            #(#types)*
            #enums
        }

        /// One request type per endpoint: its query, path and body parameters.
        pub mod requests {
            use serde::Serialize;
            #(#requests)*
        }

        impl<T: ttv_runtime::TokenKind> crate::Helix<T> {
            #(#methods)*
        }

        #(#setters)*

        #meta
    })
}

/// Code that names a deprecated request type must not warn inside the library itself.
fn allow_deprecated(e: &Endpoint) -> Option<TokenStream> {
    e.deprecated.then(|| quote!(#[allow(deprecated)]))
}

fn type_def(t: &TypeDef) -> TokenStream {
    let fields = t.fields.iter().map(|f| {
        let ty = match &f.value_enum {
            Some(e) => super::value_enum::field_type(&f.ty, &e.name),
            None => rust_type(&f.ty),
        };
        kept_struct::field(f, ty, None)
    });
    kept_struct::kept_struct(&t.name, if t.summary.is_empty() { &t.name } else { &t.summary }, fields)
}

fn request(e: &Endpoint) -> TokenStream {
    let name = type_ident(&e.type_name);
    let request_doc = doc(&format!("Parameters of **{}**.\n\n{}", e.name, endpoint_doc(e)));
    let fields = e.params.iter().map(|p| {
        let field = ident(&p.field);
        let ty = param_type(p);
        let rename = (p.field != p.name).then(|| {
            let n = &p.name;
            quote!(#[serde(rename = #n)])
        });
        let serde = if p.ty.is_list() {
            quote!(#[serde(default, skip_serializing_if = "Vec::is_empty")])
        } else if !p.required {
            quote!(#[serde(default, skip_serializing_if = "Option::is_none")])
        } else {
            quote!()
        };
        let doc = doc(&param_doc(p));
        quote! {
            #doc
            #rename
            #serde
            pub #field: #ty,
        }
    });
    let (item, output) = match &e.response {
        Response::Data { item, .. } => {
            let item = rust_type(item);
            (item.clone(), quote!(ttv_runtime::Response<#item>))
        }
        Response::NoContent => (quote!(ttv_runtime::NoContent), quote!(ttv_runtime::Response<ttv_runtime::NoContent>)),
        Response::Text { .. } => (quote!(String), quote!(String)),
    };
    let auth = super::auth_marker(e.auth);
    let meta = super::meta::endpoint_static(e);
    let deprecated = e.deprecated.then(|| quote!(#[deprecated(note = "deprecated by Twitch")]));
    let allow = allow_deprecated(e);
    // Only paginated endpoints get `Call::pages` and `Call::items`.
    let paginated = e.response.is_paginated().then(|| {
        quote! {
            #allow
            impl ttv_runtime::Paginated for #name {}
        }
    });
    let builder = request_builder(e);
    quote! {
        #request_doc
        #deprecated
        #[derive(Debug, Clone, Default, PartialEq, Serialize)]
        #[cfg_attr(feature = "deserialize-requests", derive(serde::Deserialize))]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
        }

        #builder

        #allow
        impl ttv_runtime::Endpoint for #name {
            type Item = #item;
            type Output = #output;
            type Auth = #auth;
            fn meta() -> &'static ttv_meta::EndpointMeta {
                &crate::endpoints::#meta
            }
        }

        #paginated
    }
}

/// How a value of this type is taken as a function argument.
fn arg_type(ty: &TypeExpr) -> TokenStream {
    match ty.required() {
        TypeExpr::Prim(Prim::String | Prim::DateTime) => quote!(impl Into<String>),
        TypeExpr::List(inner) => {
            let item = arg_type(inner);
            quote!(impl IntoIterator<Item = #item>)
        }
        other => rust_type(other),
    }
}

/// Converts the argument `v` of [`arg_type`] into the field's value.
fn arg_convert(ty: &TypeExpr, v: &proc_macro2::Ident) -> TokenStream {
    match ty.required() {
        TypeExpr::Prim(Prim::String | Prim::DateTime) => quote!(#v.into()),
        TypeExpr::List(inner) => match inner.required() {
            TypeExpr::Prim(Prim::String | Prim::DateTime) => quote!(#v.into_iter().map(Into::into).collect()),
            _ => quote!(#v.into_iter().collect()),
        },
        _ => quote!(#v),
    }
}

/// `field: value`, or just `field` when the value is the same-named argument.
fn init(p: &Param) -> TokenStream {
    let f = ident(&p.field);
    let value = assign(p, &f);
    if f == value.to_string() {
        quote!(#f)
    } else {
        quote!(#f: #value)
    }
}

fn assign(p: &Param, v: &proc_macro2::Ident) -> TokenStream {
    let convert = arg_convert(&p.ty, v);
    if p.required || p.ty.is_list() {
        convert
    } else {
        quote!(Some(#convert))
    }
}

fn method(e: &Endpoint) -> TokenStream {
    let name = ident(&e.method_name);
    let request = type_ident(&e.type_name);
    let auth = super::auth_marker(e.auth);
    let required: Vec<&Param> = e.params.iter().filter(|p| p.required).collect();
    let args = required.iter().map(|p| {
        let a = ident(&p.field);
        let ty = arg_type(&p.ty);
        quote!(#a: #ty)
    });
    let names = required.iter().map(|p| ident(&p.field));
    let mut doc = format!("**{}**: {}", e.name, endpoint_doc(e));
    if !required.is_empty() {
        doc.push_str("\n\nRequired: ");
        doc.push_str(&required.iter().map(|p| format!("`{}`", p.name)).collect::<Vec<_>>().join(", "));
        doc.push('.');
    }
    let doc = super::doc(&doc);
    let deprecated = e.deprecated.then(|| quote!(#[deprecated(note = "deprecated by Twitch")]));
    let allow = allow_deprecated(e);
    quote! {
        #doc
        #deprecated
        #allow
        pub fn #name(&self, #(#args),*) -> crate::Call<'_, T, crate::requests::#request>
        where
            T: ttv_runtime::Permits<#auth>,
        {
            crate::Call::new(&self.0, crate::requests::#request::new(#(#names),*))
        }
    }
}

fn setters(e: &Endpoint) -> TokenStream {
    let request = type_ident(&e.type_name);
    let optional: Vec<&Param> = e.params.iter().filter(|p| !p.required).collect();
    if optional.is_empty() {
        return quote!();
    }
    let fns = optional.iter().map(|p| {
        let f = ident(&p.field);
        let ty = arg_type(&p.ty);
        let doc = doc(&param_doc(p));
        quote! {
            #doc
            pub fn #f(mut self, value: #ty) -> Self {
                self.request = self.request.#f(value);
                self
            }
        }
    });
    let allow = allow_deprecated(e);
    quote! {
        #allow
        impl<T: ttv_runtime::TokenKind> crate::Call<'_, T, crate::requests::#request> {
            #(#fns)*
        }
    }
}

/// `new` with the required parameters and one setter per optional one, on
/// the request type itself: requests are `#[non_exhaustive]`, so that a
/// parameter Twitch adds later is not a breaking change.
fn request_builder(e: &Endpoint) -> TokenStream {
    let name = type_ident(&e.type_name);
    let required: Vec<&Param> = e.params.iter().filter(|p| p.required).collect();
    let args = required.iter().map(|p| {
        let a = ident(&p.field);
        let ty = arg_type(&p.ty);
        quote!(#a: #ty)
    });
    let inits = required.iter().map(|p| init(p));
    let rest = (required.len() < e.params.len()).then(|| quote!(..Default::default()));
    let setters = e.params.iter().filter(|p| !p.required).map(|p| {
        let f = ident(&p.field);
        let ty = arg_type(&p.ty);
        let v = quote::format_ident!("value");
        let value = assign(p, &v);
        let doc = doc(&param_doc(p));
        quote! {
            #doc
            pub fn #f(mut self, value: #ty) -> Self {
                self.#f = #value;
                self
            }
        }
    });
    let allow = allow_deprecated(e);
    quote! {
        #allow
        impl #name {
            /// The request with its required parameters; the others are set with the methods below.
            pub fn new(#(#args),*) -> Self {
                #name {
                    #(#inits,)*
                    #rest
                }
            }

            #(#setters)*
        }
    }
}
