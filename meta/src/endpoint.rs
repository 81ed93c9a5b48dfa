//! What the spec says about each endpoint, as plain data.
//!
//! The structs and `ResponseMeta` are `#[non_exhaustive]`: generated tables
//! build them with the const builders below, so a field added for a new spec
//! feature breaks no one. `HttpMethod`, `AuthClass`, `Location` and `Shape` are
//! closed sets (HTTP methods, the five token classes of the reference, where a
//! parameter travels, the spec's own kinds of value) that only a new generator
//! changes; matching them exhaustively is how callers learn of such a change.
//!
//! The generator writes one [`EndpointMeta`] per endpoint; the runtime uses it
//! to build and check requests, the CLI to build its verbs and help, and the
//! mock server to route and enforce the same rules.

/// HTTP method of an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HttpMethod {
    /// `GET`: reads, never changes anything.
    Get,
    /// `POST`: creates or starts something.
    Post,
    /// `PUT`: replaces a setting.
    Put,
    /// `PATCH`: changes some fields of a resource.
    Patch,
    /// `DELETE`: removes something.
    Delete,
}

impl HttpMethod {
    /// The method as sent on the wire (`GET`).
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Post => "POST",
            HttpMethod::Put => "PUT",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Delete => "DELETE",
        }
    }

    /// `GET`, `get`, ... as a method; `None` for anything else.
    pub fn parse(name: &str) -> Option<HttpMethod> {
        [HttpMethod::Get, HttpMethod::Post, HttpMethod::Put, HttpMethod::Patch, HttpMethod::Delete]
            .into_iter()
            .find(|m| m.as_str().eq_ignore_ascii_case(name))
    }

    /// Safe to send twice: the transport only retries these on 5xx or a dropped connection.
    pub fn is_idempotent(self) -> bool {
        matches!(self, HttpMethod::Get | HttpMethod::Put | HttpMethod::Delete)
    }
}

/// Which access token an endpoint accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuthClass {
    /// A user access token only.
    User,
    /// An app access token only.
    App,
    /// Either kind.
    Either,
    /// A JWT signed with an extension's secret.
    Extension,
    /// No token at all (e.g. the public iCalendar feed).
    NoToken,
}

impl AuthClass {
    /// The token class in words, for error messages and `--help`.
    pub fn describe(self) -> &'static str {
        match self {
            AuthClass::User => "user access token",
            AuthClass::App => "app access token",
            AuthClass::Either => "app or user access token",
            AuthClass::Extension => "extension JWT",
            AuthClass::NoToken => "no token",
        }
    }
}

/// The shape of one value, for parameters, body fields and response fields.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Shape {
    /// Text; also ids, which Twitch sends as strings.
    String,
    /// A whole number.
    Integer,
    /// A floating-point number.
    Number,
    /// `true` or `false`.
    Boolean,
    /// An RFC 3339 timestamp, kept as a string.
    DateTime,
    /// Any JSON value, passed through unchecked.
    Json,
    /// A named type from the spec, with its fields.
    Object(&'static TypeMeta),
    /// A list of values of the inner shape.
    List(&'static Shape),
    /// A value that may be absent or null.
    Optional(&'static Shape),
}

impl Shape {
    /// The shape with any `Optional` wrapper removed.
    pub fn inner(&self) -> &Shape {
        match self {
            Shape::Optional(s) => s.inner(),
            s => s,
        }
    }

    /// Whether it is a list, optional or not.
    pub fn is_list(&self) -> bool {
        matches!(self.inner(), Shape::List(_))
    }

    /// Short human name, as shown in `--help`.
    pub fn describe(&self) -> String {
        match self {
            Shape::String => "string".into(),
            Shape::Integer => "integer".into(),
            Shape::Number => "number".into(),
            Shape::Boolean => "boolean".into(),
            Shape::DateTime => "datetime".into(),
            Shape::Json => "json".into(),
            Shape::Object(t) => t.name.into(),
            Shape::List(s) => format!("[{}]", s.describe()),
            Shape::Optional(s) => format!("{}?", s.describe()),
        }
    }
}

/// A named type from the spec's `types` section.
#[derive(Debug, PartialEq)]
#[non_exhaustive]
pub struct TypeMeta {
    /// The type's name as in the spec (and the generated Rust type).
    pub name: &'static str,
    /// Its fields, in spec order.
    pub fields: &'static [FieldMeta],
}

impl TypeMeta {
    /// A type named `name` with `fields`.
    pub const fn new(name: &'static str, fields: &'static [FieldMeta]) -> TypeMeta {
        TypeMeta { name, fields }
    }
}

/// One field of a named type.
#[derive(Debug, PartialEq)]
#[non_exhaustive]
pub struct FieldMeta {
    /// The field's name on the wire.
    pub name: &'static str,
    /// What the field holds.
    pub shape: Shape,
    /// The closed set of values the reference lists (empty: any value).
    pub values: &'static [&'static str],
    /// The fewest characters a string in it may have, when sent in a body.
    pub min_length: Option<u32>,
    /// The most characters a string in it may have, when sent in a body.
    pub max_length: Option<u32>,
}

impl FieldMeta {
    /// A field named `name` holding `shape`.
    pub const fn new(name: &'static str, shape: Shape) -> FieldMeta {
        FieldMeta { name, shape, values: &[], min_length: None, max_length: None }
    }
    /// The closed set of values Twitch sends in it.
    pub const fn values(mut self, values: &'static [&'static str]) -> FieldMeta {
        self.values = values;
        self
    }
    /// Its lower character limit.
    pub const fn min_length(mut self, min: u32) -> FieldMeta {
        self.min_length = Some(min);
        self
    }
    /// Its upper character limit.
    pub const fn max_length(mut self, max: u32) -> FieldMeta {
        self.max_length = Some(max);
        self
    }
}

/// Where a parameter travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    /// In the URL's query string (`?login=a&login=b`).
    Query,
    /// In the URL's path, replacing a `{name}` placeholder.
    Path,
    /// A field of the JSON body.
    Body,
}

/// One request parameter or body field.
#[derive(Debug, PartialEq)]
#[non_exhaustive]
pub struct ParamMeta {
    /// The API's name (snake_case).
    pub name: &'static str,
    /// Where it travels: query, path or body.
    pub location: Location,
    /// What it holds.
    pub shape: Shape,
    /// Whether every request must give it.
    pub required: bool,
    /// Most values a list takes in one request.
    pub max: Option<u32>,
    /// Inclusive bounds for an integer.
    pub range: Option<(i64, i64)>,
    /// The reference's one-line description, shown in `--help`.
    pub summary: &'static str,
    /// Whether Twitch has deprecated it (still accepted, to be avoided).
    pub deprecated: bool,
    /// Must be the id of the token's user when the token is a user token
    /// (Twitch: "must match the user ID in the access token"). Checked before
    /// sending; `ttv` fills it in when it is required and not given.
    pub token_user: bool,
    /// The closed set of values a string (or each string of a list) takes; empty: any.
    pub values: &'static [&'static str],
    /// Fewest characters of a string (or of each string of a list).
    pub min_length: Option<u32>,
    /// Most characters of a string (or of each string of a list).
    pub max_length: Option<u32>,
    /// Only a request sent with this kind of token ([`AuthClass::App`] or
    /// [`AuthClass::User`]) may give it (Send Chat Message's `for_source_only`: app).
    pub only_with: Option<AuthClass>,
}

/// Const builders, so that a generated table states only what differs from
/// the defaults (optional, no limits, no summary).
impl ParamMeta {
    /// An optional parameter named `name` at `location`, with no limits or summary.
    pub const fn new(name: &'static str, location: Location, shape: Shape) -> ParamMeta {
        ParamMeta {
            name,
            location,
            shape,
            required: false,
            max: None,
            range: None,
            summary: "",
            deprecated: false,
            token_user: false,
            values: &[],
            min_length: None,
            max_length: None,
            only_with: None,
        }
    }
    /// An optional query parameter.
    pub const fn query(name: &'static str, shape: Shape) -> ParamMeta {
        ParamMeta::new(name, Location::Query, shape)
    }
    /// A path parameter (`{name}` in the endpoint's path).
    pub const fn path(name: &'static str, shape: Shape) -> ParamMeta {
        ParamMeta::new(name, Location::Path, shape)
    }
    /// An optional body field.
    pub const fn body(name: &'static str, shape: Shape) -> ParamMeta {
        ParamMeta::new(name, Location::Body, shape)
    }
    /// Every request must give it.
    pub const fn required(mut self) -> ParamMeta {
        self.required = true;
        self
    }
    /// A list takes at most `max` values per request.
    pub const fn max(mut self, max: u32) -> ParamMeta {
        self.max = Some(max);
        self
    }
    /// An integer must lie within `low..=high`.
    pub const fn range(mut self, low: i64, high: i64) -> ParamMeta {
        self.range = Some((low, high));
        self
    }
    /// The one-line description.
    pub const fn summary(mut self, summary: &'static str) -> ParamMeta {
        self.summary = summary;
        self
    }
    /// Marks it deprecated.
    pub const fn deprecated(mut self) -> ParamMeta {
        self.deprecated = true;
        self
    }
    /// Must be the token's own user id (see the field `token_user`).
    pub const fn token_user(mut self) -> ParamMeta {
        self.token_user = true;
        self
    }
    /// The closed set of values it takes; others are refused before sending.
    pub const fn values(mut self, values: &'static [&'static str]) -> ParamMeta {
        self.values = values;
        self
    }
    /// Fewest characters of the string.
    pub const fn min_length(mut self, min: u32) -> ParamMeta {
        self.min_length = Some(min);
        self
    }
    /// Most characters of the string.
    pub const fn max_length(mut self, max: u32) -> ParamMeta {
        self.max_length = Some(max);
        self
    }
    /// Only a request sent with this kind of token may give it.
    pub const fn only_with(mut self, token: AuthClass) -> ParamMeta {
        self.only_with = Some(token);
        self
    }
}

/// What the answer holds.
#[derive(Debug, PartialEq)]
#[non_exhaustive]
pub enum ResponseMeta {
    /// 204 No Content.
    NoContent,
    /// JSON `{"data": [...]}`; the items' type is the generated request's, not metadata.
    Data {
        /// Whether answers come in pages with a cursor (`after`).
        paginated: bool,
        /// Twitch sends `data` as one object rather than a list.
        single: bool,
    },
    /// A text body of this media type (e.g. `text/calendar`).
    Text {
        /// The media type Twitch sends, e.g. `text/calendar`.
        content_type: &'static str,
    },
}

/// Values a body or query field may take with each kind of token (EventSub:
/// webhook and conduit transports with an app token, websocket with a user token).
#[derive(Debug, PartialEq)]
#[non_exhaustive]
pub struct TokenValues {
    /// Dotted path into the request, e.g. `transport.method`.
    pub field: &'static str,
    /// Values allowed with an app token.
    pub app: &'static [&'static str],
    /// Values allowed with a user token.
    pub user: &'static [&'static str],
}

impl TokenValues {
    /// The values `field` may take with an app token and with a user token.
    pub const fn new(field: &'static str, app: &'static [&'static str], user: &'static [&'static str]) -> TokenValues {
        TokenValues { field, app, user }
    }
}

/// Everything the spec says about one endpoint.
#[derive(Debug, PartialEq)]
#[non_exhaustive]
pub struct EndpointMeta {
    /// The reference's name, e.g. "Get Users".
    pub name: &'static str,
    /// The library method, e.g. `get_users`.
    pub method_name: &'static str,
    /// The reference's one-line description of the endpoint.
    pub summary: &'static str,
    /// Full link to the reference section.
    pub doc_url: &'static str,
    /// The HTTP method it is called with.
    pub http_method: HttpMethod,
    /// Path under the Helix base URL, possibly with `{param}` placeholders.
    pub path: &'static str,
    /// The token class it accepts.
    pub auth: AuthClass,
    /// Scopes the token needs all of.
    pub scopes_all: &'static [&'static str],
    /// Scopes of which the token needs at least one.
    pub scopes_any: &'static [&'static str],
    /// Scopes that are not needed but make the answer say more.
    pub scopes_optional: &'static [&'static str],
    /// Its parameters and body fields.
    pub params: &'static [ParamMeta],
    /// Groups of parameters of which a request may give only one.
    pub one_of: &'static [&'static [&'static str]],
    /// Groups of parameters of which a request must give at least one.
    pub at_least_one_of: &'static [&'static [&'static str]],
    /// Groups of which at most one may be given (Get EventSub Subscriptions' filters).
    pub at_most_one_of: &'static [&'static [&'static str]],
    /// Groups of which a request sent with an app token must give one (Get
    /// Users: `id` or `login`; a user token stands for its own user).
    pub app_token_at_least_one_of: &'static [&'static [&'static str]],
    /// A limit shared by several list parameters (Get Users: 100 ids and logins together).
    pub max_total: Option<(&'static [&'static str], u32)>,
    /// What the answer holds.
    pub response: ResponseMeta,
    /// Whether Twitch has deprecated the endpoint.
    pub deprecated: bool,
    /// Per-token-kind limits on field values (EventSub transports).
    pub token_values: &'static [TokenValues],
    /// How a 2xx answer can still say Twitch did not do it (Send Chat Message's `is_sent: false`).
    pub refused: Option<RefusedMeta>,
}

/// A 2xx answer whose item says the request was not carried out: the item's
/// boolean `flag` is `false`, and its `reason` field (an object with `code`
/// and `message`, or a string) says why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RefusedMeta {
    /// The boolean field of the answer's item that is `false` when refused, e.g. `is_sent`.
    pub flag: &'static str,
    /// The field that says why, e.g. `drop_reason`.
    pub reason: &'static str,
}

/// Const builders for generated tables: each endpoint states what it has.
impl EndpointMeta {
    /// An endpoint with its name, method name, HTTP method, path, token class and answer; nothing else set yet.
    pub const fn new(
        name: &'static str,
        method_name: &'static str,
        http_method: HttpMethod,
        path: &'static str,
        auth: AuthClass,
        response: ResponseMeta,
    ) -> EndpointMeta {
        EndpointMeta {
            name,
            method_name,
            summary: "",
            doc_url: "",
            http_method,
            path,
            auth,
            scopes_all: &[],
            scopes_any: &[],
            scopes_optional: &[],
            params: &[],
            one_of: &[],
            at_least_one_of: &[],
            at_most_one_of: &[],
            app_token_at_least_one_of: &[],
            max_total: None,
            response,
            deprecated: false,
            token_values: &[],
            refused: None,
        }
    }
    /// The answer's item says "not done" when its boolean `flag` is false, and why in `reason`.
    pub const fn refused(mut self, flag: &'static str, reason: &'static str) -> EndpointMeta {
        self.refused = Some(RefusedMeta { flag, reason });
        self
    }
    /// The one-line summary and the link to the reference.
    pub const fn docs(mut self, summary: &'static str, doc_url: &'static str) -> EndpointMeta {
        self.summary = summary;
        self.doc_url = doc_url;
        self
    }
    /// Scopes the token needs: all of `all`, one of `any`; `optional` ones add to the answer.
    pub const fn scopes(
        mut self,
        all: &'static [&'static str],
        any: &'static [&'static str],
        optional: &'static [&'static str],
    ) -> EndpointMeta {
        self.scopes_all = all;
        self.scopes_any = any;
        self.scopes_optional = optional;
        self
    }
    /// Its parameters and body fields.
    pub const fn params(mut self, params: &'static [ParamMeta]) -> EndpointMeta {
        self.params = params;
        self
    }
    /// Groups of which a request may give only one.
    pub const fn one_of(mut self, groups: &'static [&'static [&'static str]]) -> EndpointMeta {
        self.one_of = groups;
        self
    }
    /// Groups of which a request must give at least one.
    pub const fn at_least_one_of(mut self, groups: &'static [&'static [&'static str]]) -> EndpointMeta {
        self.at_least_one_of = groups;
        self
    }
    /// Groups of which a request may give at most one.
    pub const fn at_most_one_of(mut self, groups: &'static [&'static [&'static str]]) -> EndpointMeta {
        self.at_most_one_of = groups;
        self
    }
    /// Groups of which a request sent with an app token must give one.
    pub const fn app_token_at_least_one_of(mut self, groups: &'static [&'static [&'static str]]) -> EndpointMeta {
        self.app_token_at_least_one_of = groups;
        self
    }
    /// A limit of `max` values shared by the list parameters `params`.
    pub const fn max_total(mut self, params: &'static [&'static str], max: u32) -> EndpointMeta {
        self.max_total = Some((params, max));
        self
    }
    /// Marks it deprecated.
    pub const fn deprecated(mut self) -> EndpointMeta {
        self.deprecated = true;
        self
    }
    /// Per-token-kind limits on field values.
    pub const fn token_values(mut self, values: &'static [TokenValues]) -> EndpointMeta {
        self.token_values = values;
        self
    }
}

impl EndpointMeta {
    /// The parameter named `name`, if it has one.
    pub fn param(&self, name: &str) -> Option<&ParamMeta> {
        self.params.iter().find(|p| p.name == name)
    }

    /// Whether its answers come in pages with a cursor.
    pub fn is_paginated(&self) -> bool {
        matches!(self.response, ResponseMeta::Data { paginated: true, .. })
    }

    /// Scopes the token lacks, in a form fit for an error message; `None` when it has enough.
    pub fn missing_scopes(&self, granted: &[String]) -> Option<String> {
        let has = |s: &str| granted.iter().any(|g| g == s);
        let missing_all: Vec<&str> = self.scopes_all.iter().copied().filter(|s| !has(s)).collect();
        let any_ok = self.scopes_any.is_empty() || self.scopes_any.iter().any(|s| has(s));
        if missing_all.is_empty() && any_ok {
            return None;
        }
        let mut parts = Vec::new();
        if !missing_all.is_empty() {
            parts.push(missing_all.join(" and "));
        }
        if !any_ok {
            parts.push(format!("one of {}", self.scopes_any.join(", ")));
        }
        Some(parts.join(", and "))
    }

    /// Every scope this endpoint can use, for login hints.
    pub fn scope_summary(&self) -> String {
        let mut parts = Vec::new();
        if !self.scopes_all.is_empty() {
            parts.push(self.scopes_all.join(" + "));
        }
        if !self.scopes_any.is_empty() {
            parts.push(format!("one of {}", self.scopes_any.join(" | ")));
        }
        if !self.scopes_optional.is_empty() {
            parts.push(format!("optional {}", self.scopes_optional.join(", ")));
        }
        if parts.is_empty() {
            "none".into()
        } else {
            parts.join("; ")
        }
    }
}
