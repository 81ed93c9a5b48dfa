//! The checked model (IR) every emitter reads. Built only by [`crate::validate`],
//! so emitters can trust it: names are unique, types resolve, groups name real params.

use crate::spec::{Auth, Method, TokenKind};
use crate::typeexpr::TypeExpr;

#[derive(Debug, Clone)]
pub struct Model {
    pub endpoints: Vec<Endpoint>,
    pub types: Vec<TypeDef>,
}

#[derive(Debug, Clone)]
pub struct Endpoint {
    /// The reference's name, e.g. "Get Users".
    pub name: String,
    /// snake_case method name, e.g. `get_users`.
    pub method_name: String,
    /// PascalCase request type name, e.g. `GetUsers`.
    pub type_name: String,
    /// kebab-case CLI verb, e.g. `get-users`.
    pub verb: String,
    pub aliases: Vec<String>,
    pub summary: String,
    pub doc_url: String,
    pub method: Method,
    pub path: String,
    pub auth: Auth,
    pub scopes_all: Vec<String>,
    pub scopes_any: Vec<String>,
    pub scopes_optional: Vec<String>,
    /// Query and path parameters first, then body fields, each in spec order.
    pub params: Vec<Param>,
    pub one_of: Vec<Vec<String>>,
    pub at_least_one_of: Vec<Vec<String>>,
    /// Groups of which at most one may be given.
    pub at_most_one_of: Vec<Vec<String>>,
    /// Like `at_least_one_of`, for requests sent with an app token only.
    pub app_token_at_least_one_of: Vec<Vec<String>>,
    pub max_total: Option<(Vec<String>, u32)>,
    pub response: Response,
    pub deprecated: bool,
    pub mock_source: Option<String>,
    pub mock_filters: Vec<(String, MockFilter)>,
    /// `(field path, values with an app token, values with a user token)`.
    pub token_values: Vec<(String, Vec<String>, Vec<String>)>,
    /// Aspects where the OpenAPI description is knowingly wrong, with the reason.
    pub reference_differs: Vec<(String, String)>,
}

/// What an endpoint answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Response {
    /// 204 No Content.
    NoContent,
    /// `{"data": ...}` with items of this type (a named type or a primitive).
    Data { item: TypeExpr, paginated: bool, single: bool },
    /// A text body of this media type.
    Text { content_type: String },
}

impl Response {
    pub fn is_paginated(&self) -> bool {
        matches!(self, Response::Data { paginated: true, .. })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    Query,
    Path,
    Body,
}

#[derive(Debug, Clone)]
pub struct Param {
    /// The API's name.
    pub name: String,
    /// The Rust field name (snake_case, keywords escaped by the emitter).
    pub field: String,
    pub location: Location,
    pub ty: TypeExpr,
    pub required: bool,
    pub max: Option<u32>,
    pub range: Option<(i64, i64)>,
    pub summary: String,
    pub deprecated: bool,
    /// Must be the id of the token's user, when the token is a user token.
    pub token_user: bool,
    /// The closed set of values (empty: any value).
    pub values: Vec<String>,
    /// Character limits of a string, or of each string of a list.
    pub min_length: Option<u32>,
    pub max_length: Option<u32>,
    /// Only a request sent with this kind of token may give it.
    pub token: Option<TokenKind>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MockFilter {
    Eq(String),
    Contains(String),
    Flag(String),
    FollowedBy(String),
}

#[derive(Debug, Clone)]
pub struct TypeDef {
    pub name: String,
    pub summary: String,
    pub fields: Vec<Field>,
}

#[derive(Debug, Clone)]
pub struct Field {
    /// The JSON name.
    pub name: String,
    /// The Rust field name.
    pub field: String,
    pub ty: TypeExpr,
    pub summary: String,
    pub deprecated: bool,
    /// Other JSON names accepted when decoding (Twitch is not always consistent).
    pub also: Vec<String>,
    /// The closed set of values the reference lists (empty: any value).
    pub values: Vec<String>,
    /// The generated enum for `values` (one per distinct set, named after the
    /// first type and field that list it) and its variant for each value, in order.
    pub value_enum: Option<ValueEnum>,
}

/// A generated Rust enum for a closed value set of an answer field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueEnum {
    pub name: String,
    /// `(wire value, variant name)`.
    pub variants: Vec<(String, String)>,
}

/// The variant that keeps a value the spec does not list.
pub const UNKNOWN_VARIANT: &str = "Unknown";

pub const DOC_BASE: &str = "https://dev.twitch.tv/docs/api/reference";
