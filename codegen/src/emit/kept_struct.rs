//! The shape every decoded Twitch type has, for answers and for EventSub
//! events alike: `#[non_exhaustive]`, null read as absent, and the fields the
//! spec does not name kept in `extra`.

use super::{doc, ident, type_ident};
use crate::model::Field;
use proc_macro2::TokenStream;
use quote::quote;

/// The struct `name` with `fields` (from [`field`]) and `extra`.
pub fn kept_struct(name: &str, type_doc: &str, fields: impl Iterator<Item = TokenStream>) -> TokenStream {
    let name = type_ident(name);
    let type_doc = doc(type_doc);
    quote! {
        #type_doc
        #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
        #[serde(default)]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
            /// Fields Twitch sent that the spec does not name yet, kept as sent.
            #[serde(flatten)]
            pub extra: serde_json::Map<String, serde_json::Value>,
        }
    }
}

/// One field of type `ty`: its wire name and aliases, null as absent, and
/// its summary (`note` added after it).
pub fn field(f: &Field, ty: TokenStream, note: Option<&str>) -> TokenStream {
    let field = ident(&f.field);
    let rename = (f.field != f.name).then(|| {
        let n = &f.name;
        quote!(#[serde(rename = #n)])
    });
    let also = f.also.iter().map(|a| quote!(#[serde(alias = #a)]));
    // `null` decodes as absent: `None` for optional fields, the default otherwise.
    let skip_or_null = if f.ty.is_optional() {
        quote!(#[serde(skip_serializing_if = "Option::is_none")])
    } else {
        quote!(#[serde(deserialize_with = "ttv_runtime::__private::or_default")])
    };
    let mut text = if f.summary.is_empty() { format!("`{}`", f.name) } else { f.summary.clone() };
    if let Some(note) = note {
        text.push_str(note);
    }
    if f.deprecated {
        text.push_str("\n\nDeprecated by Twitch; `None` once it is gone.");
    }
    let doc = doc(&text);
    quote! {
        #doc
        #rename
        #(#also)*
        #skip_or_null
        pub #field: #ty,
    }
}
