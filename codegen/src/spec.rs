//! The YAML format as written by people: parsed strictly (unknown keys are errors),
//! checked and lowered into the [`crate::model`] by [`crate::validate`].

use indexmap::IndexMap;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use std::fmt;

/// The whole `endpoints.yaml` file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpecFile {
    /// The format's version; only 1 exists.
    pub version: u32,
    /// The endpoints, in the order they are emitted.
    pub endpoints: Vec<EndpointSpec>,
    /// Named types, by PascalCase name.
    #[serde(default)]
    pub types: IndexMap<String, TypeSpec>,
    /// The EventSub subscription types (see `eventsub_spec`).
    #[serde(default)]
    pub eventsub: crate::eventsub_spec::EventSubSpec,
}

/// The HTTP method, spelled as in the spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum Method {
    /// `GET`.
    GET,
    /// `POST`.
    POST,
    /// `PUT`.
    PUT,
    /// `PATCH`.
    PATCH,
    /// `DELETE`.
    DELETE,
}

/// The token an endpoint accepts, as the spec spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Auth {
    /// An app access token only.
    App,
    /// A user access token only.
    User,
    /// An app or a user access token.
    Either,
    /// A JWT signed with the extension's secret.
    Extension,
    /// No token at all.
    None,
}

/// One endpoint as written in the spec.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EndpointSpec {
    /// The reference's name, e.g. `Get Users`; every other name derives from it.
    pub name: String,
    /// The one-line description.
    pub summary: String,
    /// The anchor of its section in the reference.
    pub doc: String,
    /// The HTTP method.
    pub method: Method,
    /// The path under the Helix base URL.
    pub path: String,
    /// The token it accepts.
    pub auth: Auth,
    /// The scopes the token needs (a list means all of them).
    #[serde(default, deserialize_with = "scopes")]
    pub scopes: ScopesSpec,
    /// Other CLI verbs for it.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Whether Twitch has deprecated it.
    #[serde(default)]
    pub deprecated: bool,
    /// Whether Twitch calls it beta (it may change or go away without notice).
    #[serde(default)]
    pub beta: bool,
    /// Twitch removed it: what it answers now, and since when.
    #[serde(default)]
    pub gone: Option<GoneSpec>,
    /// A 2xx answer can still say it was not done (a boolean field of the item is false).
    #[serde(default)]
    pub refused: Option<RefusedSpec>,
    /// Query and path parameters, by API name.
    #[serde(default, deserialize_with = "field_map")]
    pub params: IndexMap<String, FieldSpec>,
    /// Groups of parameters of which a request may give only one.
    #[serde(default)]
    pub one_of: Vec<Vec<String>>,
    /// Groups of parameters of which a request must give at least one.
    #[serde(default)]
    pub at_least_one_of: Vec<Vec<String>>,
    /// Groups of which at most one may be given (Twitch answers 400 to several).
    #[serde(default)]
    pub at_most_one_of: Vec<Vec<String>>,
    /// Groups of which an app token request must give one (a user token
    /// stands for its own user instead).
    #[serde(default)]
    pub app_token_at_least_one_of: Vec<Vec<String>>,
    /// A limit shared by several list parameters.
    #[serde(default)]
    pub max_total: Option<MaxTotalSpec>,
    /// JSON body fields, by API name.
    #[serde(default, deserialize_with = "field_map")]
    pub body: IndexMap<String, FieldSpec>,
    /// What it answers.
    #[serde(default)]
    pub response: ResponseSpec,
    /// How the mock answers it.
    #[serde(default)]
    pub mock: Option<MockSpec>,
    /// Values a field may take with each kind of token, e.g. EventSub's
    /// `transport.method`: webhook and conduit with an app token, websocket with a user token.
    #[serde(default)]
    pub token_values: IndexMap<String, TokenValuesSpec>,
    /// Where we decided the OpenAPI description of Helix is wrong: aspect
    /// (`method`, `path`, `auth`, `scopes`, `required`) -> why. `coverage` accepts these.
    #[serde(default)]
    pub reference_differs: IndexMap<String, String>,
    /// The date (`YYYY-MM-DD`) Twitch added the endpoint, for endpoints newer
    /// than the OpenAPI snapshot; `coverage` lists them apart.
    #[serde(default)]
    pub since: Option<String>,
}

/// How a 2xx answer says the request was not carried out (Send Chat Message:
/// `{when_false: is_sent, reason: drop_reason}`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RefusedSpec {
    /// The boolean field of the answer's item that is `false` when Twitch did not do it.
    pub when_false: String,
    /// The item's field that says why.
    pub reason: String,
}

/// What a removed endpoint answers (Get Stream Tags: `{status: 410, since: 2023-07}`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GoneSpec {
    /// The HTTP status Twitch answers every request with (404 or 410).
    pub status: u16,
    /// When Twitch removed it, as `YYYY-MM`.
    pub since: String,
}

/// The scopes an endpoint's token needs.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScopesSpec {
    /// Needed, all of them.
    #[serde(default)]
    pub all: Vec<String>,
    /// Needed, at least one of them.
    #[serde(default)]
    pub any: Vec<String>,
    /// Not needed; they make the answer say more.
    #[serde(default)]
    pub optional: Vec<String>,
}

/// The values a field may take with each kind of token.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenValuesSpec {
    /// With an app token.
    #[serde(default)]
    pub app: Vec<String>,
    /// With a user token.
    #[serde(default)]
    pub user: Vec<String>,
}

/// A limit shared by several list parameters.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MaxTotalSpec {
    /// The list parameters that share it.
    pub params: Vec<String>,
    /// The most values they take together.
    pub max: u32,
}

/// What an endpoint answers, as written in the spec.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResponseSpec {
    /// The type of each `data` item; absent for 204 No Content.
    #[serde(default)]
    pub item: Option<String>,
    /// Whether answers come in pages with a cursor.
    #[serde(default)]
    pub paginated: bool,
    /// `data` is one object rather than a list.
    #[serde(default)]
    pub single: bool,
    /// The answer is text of this media type (e.g. `text/calendar`), not JSON.
    #[serde(default)]
    pub text: Option<String>,
}

/// How the mock answers an endpoint.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MockSpec {
    /// The data set it answers from.
    #[serde(default)]
    pub source: Option<String>,
    /// By parameter: how it filters the rows (`eq: FIELD`, `contains: FIELD`, ...).
    #[serde(default)]
    pub filters: IndexMap<String, String>,
}

/// A named type as written in the spec.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TypeSpec {
    /// The one-line description.
    #[serde(default)]
    pub summary: Option<String>,
    /// Its fields, by JSON name.
    #[serde(deserialize_with = "field_map")]
    pub fields: IndexMap<String, FieldSpec>,
}

/// Where a parameter travels, when not in the query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum In {
    /// In the query string (the default).
    Query,
    /// In the path, replacing `{name}`.
    Path,
}

/// A parameter, body field or response field. In YAML either just its type
/// (`login: string`) or this long form.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldSpec {
    /// Its type, in the spec's type language (`string`, `[User]`, `datetime?`).
    #[serde(rename = "type")]
    pub ty: String,
    /// Whether every request must give it.
    #[serde(default)]
    pub required: bool,
    /// Most values a list takes in one request.
    #[serde(default)]
    pub max: Option<u32>,
    /// Inclusive bounds for an integer.
    #[serde(default)]
    pub range: Option<[i64; 2]>,
    /// Where it travels (`in:`); the query when absent.
    #[serde(default, rename = "in")]
    pub location: Option<In>,
    /// The one-line description.
    #[serde(default)]
    pub summary: Option<String>,
    /// Whether Twitch has deprecated it.
    #[serde(default)]
    pub deprecated: bool,
    /// The id of the token's user (Twitch: "must match the user ID in the token").
    #[serde(default)]
    pub token_user: bool,
    /// Other spellings Twitch sends for a response field (`URL` for `url`).
    #[serde(default)]
    pub also: Vec<String>,
    /// The closed set of values the reference lists (for strings, lists of
    /// strings and integers; an integer's are kept as their decimal text).
    #[serde(default, deserialize_with = "scalars")]
    pub values: Vec<String>,
    /// Fewest characters a string (or each string of a list) may have.
    #[serde(default)]
    pub min_length: Option<u32>,
    /// Most characters a string (or each string of a list) may have.
    #[serde(default)]
    pub max_length: Option<u32>,
    /// The parameter may be given only with this kind of token (`for_source_only`: app).
    #[serde(default)]
    pub token: Option<TokenKind>,
}

/// A kind of access token, for parameters that only one kind may send.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenKind {
    /// An app access token.
    App,
    /// A user access token.
    User,
}

/// `name: type` or `name: {type: ..., ...}`; the long form keeps serde's exact error.
struct AnyField(FieldSpec);

impl<'de> Deserialize<'de> for AnyField {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = AnyField;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a type such as `string` or a map with `type`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<AnyField, E> {
                Ok(AnyField(FieldSpec { ty: v.to_owned(), ..FieldSpec::default() }))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<AnyField, A::Error> {
                FieldSpec::deserialize(de::value::MapAccessDeserializer::new(map)).map(AnyField)
            }
        }
        d.deserialize_any(V)
    }
}

/// A list of strings or whole numbers, each as its text.
fn scalars<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Scalar {
        Text(String),
        Whole(i64),
    }
    let items: Vec<Scalar> = Deserialize::deserialize(d)?;
    Ok(items
        .into_iter()
        .map(|s| match s {
            Scalar::Text(t) => t,
            Scalar::Whole(n) => n.to_string(),
        })
        .collect())
}

pub(crate) fn field_map<'de, D: Deserializer<'de>>(d: D) -> Result<IndexMap<String, FieldSpec>, D::Error> {
    let map: IndexMap<String, AnyField> = Deserialize::deserialize(d)?;
    Ok(map.into_iter().map(|(k, v)| (k, v.0)).collect())
}

/// `scopes: [a, b]` (all of them) or `scopes: {all, any, optional}`.
fn scopes<'de, D: Deserializer<'de>>(d: D) -> Result<ScopesSpec, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = ScopesSpec;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a list of scopes or a map with `all`, `any`, `optional`")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<ScopesSpec, A::Error> {
            let all = Vec::<String>::deserialize(de::value::SeqAccessDeserializer::new(seq))?;
            Ok(ScopesSpec { all, ..ScopesSpec::default() })
        }
        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<ScopesSpec, A::Error> {
            ScopesSpec::deserialize(de::value::MapAccessDeserializer::new(map))
        }
    }
    d.deserialize_any(V)
}
