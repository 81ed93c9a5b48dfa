//! The checked model (IR) every emitter reads. Built only by [`crate::validate`],
//! so emitters can trust it: names are unique, types resolve, groups name real params.

use crate::spec::{Auth, Method, TokenKind};
use crate::typeexpr::TypeExpr;

/// The whole checked spec: what every emitter reads.
#[derive(Debug, Clone)]
pub struct Model {
    /// The endpoints, in spec order.
    pub endpoints: Vec<Endpoint>,
    /// The named types of the `types` section, in spec order.
    pub types: Vec<TypeDef>,
    /// The EventSub subscription types and their event types.
    pub eventsub: crate::eventsub_model::EventSub,
}

/// One endpoint, with every name the emitters need already derived.
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
    /// Other CLI verbs that mean the same endpoint.
    pub aliases: Vec<String>,
    /// The reference's one-line description.
    pub summary: String,
    /// The full link to the endpoint's section of the reference.
    pub doc_url: String,
    /// The HTTP method.
    pub method: Method,
    /// The path under the Helix base URL, with `{param}` placeholders.
    pub path: String,
    /// The token class it accepts.
    pub auth: Auth,
    /// Scopes the token needs all of.
    pub scopes_all: Vec<String>,
    /// Scopes of which the token needs at least one.
    pub scopes_any: Vec<String>,
    /// Scopes that are not needed but make the answer say more.
    pub scopes_optional: Vec<String>,
    /// Query and path parameters first, then body fields, each in spec order.
    pub params: Vec<Param>,
    /// Groups of parameters of which a request may give only one.
    pub one_of: Vec<Vec<String>>,
    /// Groups of parameters of which a request must give at least one.
    pub at_least_one_of: Vec<Vec<String>>,
    /// Groups of which at most one may be given.
    pub at_most_one_of: Vec<Vec<String>>,
    /// Like `at_least_one_of`, for requests sent with an app token only.
    pub app_token_at_least_one_of: Vec<Vec<String>>,
    /// A limit shared by several list parameters: (parameters, most values together).
    pub max_total: Option<(Vec<String>, u32)>,
    /// What it answers.
    pub response: Response,
    /// Whether Twitch has deprecated it.
    pub deprecated: bool,
    /// Whether Twitch calls it beta.
    pub beta: bool,
    /// Twitch removed it; every request is answered with this.
    pub gone: Option<Gone>,
    /// A 2xx answer whose item has this boolean field `false` was not carried
    /// out; the second field says why: (flag, reason).
    pub refused: Option<(String, String)>,
    /// Spec `mock.source`: the data set the mock answers it from.
    pub mock_source: Option<String>,
    /// How the mock filters its rows by each parameter.
    pub mock_filters: Vec<(String, MockFilter)>,
    /// `(field path, values with an app token, values with a user token)`.
    pub token_values: Vec<(String, Vec<String>, Vec<String>)>,
    /// Aspects where the OpenAPI description is knowingly wrong, with the reason.
    pub reference_differs: Vec<(String, String)>,
    /// When Twitch added it (`YYYY-MM-DD`), for endpoints newer than the OpenAPI snapshot.
    pub since: Option<String>,
}

/// What a removed endpoint answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gone {
    /// The HTTP status (404 or 410).
    pub status: u16,
    /// When Twitch removed it, `YYYY-MM`.
    pub since: String,
}

impl Gone {
    /// The reason phrase of the status, as Twitch's error bodies spell it.
    pub fn reason(&self) -> &'static str {
        if self.status == 404 {
            "Not Found"
        } else {
            "Gone"
        }
    }
}

/// What an endpoint answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Response {
    /// 204 No Content.
    NoContent,
    /// `{"data": ...}` with items of this type (a named type or a primitive).
    Data {
        /// The type of each item.
        item: TypeExpr,
        /// Whether answers come in pages with a cursor.
        paginated: bool,
        /// Twitch sends `data` as one object rather than a list.
        single: bool,
    },
    /// A text body of this media type.
    Text {
        /// The media type, e.g. `text/calendar`.
        content_type: String,
    },
}

impl Response {
    /// Whether answers come in pages with a cursor.
    pub fn is_paginated(&self) -> bool {
        matches!(self, Response::Data { paginated: true, .. })
    }
}

/// Where a parameter travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    /// In the URL's query string.
    Query,
    /// In the URL's path, replacing a `{name}` placeholder.
    Path,
    /// A field of the JSON body.
    Body,
}

/// One request parameter or body field.
#[derive(Debug, Clone)]
pub struct Param {
    /// The API's name.
    pub name: String,
    /// The Rust field name (snake_case, keywords escaped by the emitter).
    pub field: String,
    /// Where it travels.
    pub location: Location,
    /// Its type.
    pub ty: TypeExpr,
    /// Whether every request must give it.
    pub required: bool,
    /// Most values a list takes in one request.
    pub max: Option<u32>,
    /// Inclusive bounds for an integer.
    pub range: Option<(i64, i64)>,
    /// The one-line description.
    pub summary: String,
    /// Whether Twitch has deprecated it.
    pub deprecated: bool,
    /// Must be the id of the token's user, when the token is a user token.
    pub token_user: bool,
    /// The closed set of values (empty: any value).
    pub values: Vec<String>,
    /// Fewest characters of a string, or of each string of a list.
    pub min_length: Option<u32>,
    /// Most characters of a string, or of each string of a list.
    pub max_length: Option<u32>,
    /// Only a request sent with this kind of token may give it.
    pub token: Option<TokenKind>,
}

/// How the mock matches a parameter's value against a row of its data set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MockFilter {
    /// Spec `eq: FIELD`: the row's field equals the parameter.
    Eq(String),
    /// Spec `contains: FIELD`: the row's field contains the parameter (a search).
    Contains(String),
    /// Spec `flag: FIELD`: the parameter is a yes/no filter on the row's field.
    Flag(String),
    /// Spec `followed_by: FIELD`: rows tied by a follow to the user the parameter names.
    FollowedBy(String),
}

/// A named type from the spec's `types` section.
#[derive(Debug, Clone)]
pub struct TypeDef {
    /// Its name, also the generated Rust type's.
    pub name: String,
    /// The one-line description.
    pub summary: String,
    /// Its fields, in spec order.
    pub fields: Vec<Field>,
}

/// One field of a named type.
#[derive(Debug, Clone)]
pub struct Field {
    /// The JSON name.
    pub name: String,
    /// The Rust field name.
    pub field: String,
    /// Its type.
    pub ty: TypeExpr,
    /// The one-line description.
    pub summary: String,
    /// Whether Twitch has deprecated it.
    pub deprecated: bool,
    /// Other JSON names accepted when decoding (Twitch is not always consistent).
    pub also: Vec<String>,
    /// The closed set of values the reference lists (empty: any value).
    pub values: Vec<String>,
    /// Character limits of a string field sent in a request body.
    pub min_length: Option<u32>,
    /// See `min_length`.
    pub max_length: Option<u32>,
    /// The generated enum for `values` (one per distinct set, named after the
    /// first type and field that list it) and its variant for each value, in order.
    pub value_enum: Option<ValueEnum>,
}

/// A generated Rust enum for a closed value set of an answer field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueEnum {
    /// The enum's Rust name (`PollStatus`).
    pub name: String,
    /// `(wire value, variant name)`.
    pub variants: Vec<(String, String)>,
}

/// The variant that keeps a value the spec does not list.
pub const UNKNOWN_VARIANT: &str = "Unknown";

/// Where the reference lives; spec `doc` anchors are relative to it.
pub const DOC_BASE: &str = "https://dev.twitch.tv/docs/api/reference";
