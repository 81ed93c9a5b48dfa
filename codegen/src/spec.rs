//! The YAML format as written by people: parsed strictly (unknown keys are errors),
//! checked and lowered into the [`crate::model`] by [`crate::validate`].

use indexmap::IndexMap;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use std::fmt;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpecFile {
    pub version: u32,
    pub endpoints: Vec<EndpointSpec>,
    #[serde(default)]
    pub types: IndexMap<String, TypeSpec>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum Method {
    GET,
    POST,
    PUT,
    PATCH,
    DELETE,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Auth {
    App,
    User,
    Either,
    /// A JWT signed with the extension's secret.
    Extension,
    /// No token at all.
    None,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EndpointSpec {
    pub name: String,
    pub summary: String,
    pub doc: String,
    pub method: Method,
    pub path: String,
    pub auth: Auth,
    #[serde(default, deserialize_with = "scopes")]
    pub scopes: ScopesSpec,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub deprecated: bool,
    #[serde(default, deserialize_with = "field_map")]
    pub params: IndexMap<String, FieldSpec>,
    #[serde(default)]
    pub one_of: Vec<Vec<String>>,
    #[serde(default)]
    pub at_least_one_of: Vec<Vec<String>>,
    /// Groups of which at most one may be given (Twitch answers 400 to several).
    #[serde(default)]
    pub at_most_one_of: Vec<Vec<String>>,
    /// Groups of which an app token request must give one (a user token
    /// stands for its own user instead).
    #[serde(default)]
    pub app_token_at_least_one_of: Vec<Vec<String>>,
    #[serde(default)]
    pub max_total: Option<MaxTotalSpec>,
    #[serde(default, deserialize_with = "field_map")]
    pub body: IndexMap<String, FieldSpec>,
    #[serde(default)]
    pub response: ResponseSpec,
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
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScopesSpec {
    #[serde(default)]
    pub all: Vec<String>,
    #[serde(default)]
    pub any: Vec<String>,
    #[serde(default)]
    pub optional: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenValuesSpec {
    #[serde(default)]
    pub app: Vec<String>,
    #[serde(default)]
    pub user: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MaxTotalSpec {
    pub params: Vec<String>,
    pub max: u32,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResponseSpec {
    #[serde(default)]
    pub item: Option<String>,
    #[serde(default)]
    pub paginated: bool,
    /// `data` is one object rather than a list.
    #[serde(default)]
    pub single: bool,
    /// The answer is text of this media type (e.g. `text/calendar`), not JSON.
    #[serde(default)]
    pub text: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MockSpec {
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub filters: IndexMap<String, String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TypeSpec {
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(deserialize_with = "field_map")]
    pub fields: IndexMap<String, FieldSpec>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum In {
    Query,
    Path,
}

/// A parameter, body field or response field. In YAML either just its type
/// (`login: string`) or this long form.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldSpec {
    #[serde(rename = "type")]
    pub ty: String,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub max: Option<u32>,
    #[serde(default)]
    pub range: Option<[i64; 2]>,
    #[serde(default, rename = "in")]
    pub location: Option<In>,
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default)]
    pub deprecated: bool,
    /// The id of the token's user (Twitch: "must match the user ID in the token").
    #[serde(default)]
    pub token_user: bool,
    /// Other spellings Twitch sends for a response field (`URL` for `url`).
    #[serde(default)]
    pub also: Vec<String>,
    /// The closed set of values the reference lists (strings, or lists of strings).
    #[serde(default)]
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
    App,
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

fn field_map<'de, D: Deserializer<'de>>(d: D) -> Result<IndexMap<String, FieldSpec>, D::Error> {
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
