//! Enums for the closed value sets of answer fields. Twitch adds values
//! without notice, so each enum is `#[non_exhaustive]` and keeps a value it
//! does not list in `Unknown(String)`: decoding never fails on one, and the
//! value goes back out exactly as it came.

use super::{doc, type_ident};
use crate::model::{Model, ValueEnum, UNKNOWN_VARIANT};
use crate::typeexpr::TypeExpr;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use std::collections::BTreeSet;

/// Every distinct enum the model's types name, in spec order.
pub fn all(model: &Model) -> TokenStream {
    let mut seen = BTreeSet::new();
    let enums = model
        .types
        .iter()
        .flat_map(|t| &t.fields)
        .filter_map(|f| f.value_enum.as_ref())
        .filter(|e| seen.insert(e.name.clone()))
        .map(value_enum);
    quote!(#(#enums)*)
}

/// The field's Rust type with its strings replaced by the enum (`Vec<PollStatus>`, `Option<...>`).
pub fn field_type(ty: &TypeExpr, enum_name: &str) -> TokenStream {
    match ty {
        TypeExpr::List(t) => {
            let t = field_type(t, enum_name);
            quote!(Vec<#t>)
        }
        TypeExpr::Optional(t) => {
            let t = field_type(t, enum_name);
            quote!(Option<#t>)
        }
        _ => {
            let name = type_ident(enum_name);
            quote!(crate::types::#name)
        }
    }
}

fn value_enum(e: &ValueEnum) -> TokenStream {
    let name = type_ident(&e.name);
    let unknown = format_ident!("{}", UNKNOWN_VARIANT);
    let wire: Vec<&String> = e.variants.iter().map(|(v, _)| v).collect();
    let variants: Vec<_> = e.variants.iter().map(|(_, n)| format_ident!("{}", n)).collect();
    let variant_docs = wire.iter().map(|v| doc(&format!("`\"{v}\"`")));
    let listed = wire.iter().map(|v| format!("`{v}`")).collect::<Vec<_>>().join(", ");
    let type_doc = doc(&format!(
        "One of {listed}, or a value Twitch added since ([`{}::{UNKNOWN_VARIANT}`], kept as sent).",
        e.name
    ));
    quote! {
        #type_doc
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #(#variant_docs #variants,)*
            /// A value the spec does not list (yet), exactly as Twitch sent it.
            #unknown(String),
        }

        impl #name {
            /// The value as Twitch writes it.
            pub fn as_str(&self) -> &str {
                match self {
                    #(Self::#variants => #wire,)*
                    Self::#unknown(other) => other,
                }
            }
        }

        impl From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#wire => Self::#variants,)*
                    other => Self::#unknown(other.to_owned()),
                }
            }
        }

        impl From<String> for #name {
            fn from(value: String) -> Self {
                match Self::from(value.as_str()) {
                    Self::#unknown(_) => Self::#unknown(value),
                    known => known,
                }
            }
        }

        /// A missing field reads as the empty value.
        impl Default for #name {
            fn default() -> Self {
                Self::from("")
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl PartialEq<str> for #name {
            fn eq(&self, other: &str) -> bool {
                self.as_str() == other
            }
        }

        impl PartialEq<&str> for #name {
            fn eq(&self, other: &&str) -> bool {
                self.as_str() == *other
            }
        }

        impl Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                String::deserialize(deserializer).map(Self::from)
            }
        }
    }
}
