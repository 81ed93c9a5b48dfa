//! The `eventsub:` section of `endpoints.yaml` as written by people: one entry
//! per subscription type and version, parsed strictly like the endpoints.

use crate::spec::{field_map, FieldSpec, TypeSpec};
use indexmap::IndexMap;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use std::fmt;

/// The `eventsub:` section.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventSubSpec {
    /// The subscription types, one per type and version, in the order they are emitted.
    #[serde(default)]
    pub subscriptions: Vec<SubscriptionSpec>,
    /// The named types the events' fields refer to (their own namespace, the `eventsub` module).
    #[serde(default)]
    pub types: IndexMap<String, TypeSpec>,
}

/// One subscription type at one version.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubscriptionSpec {
    /// Twitch's name, e.g. `channel.chat.message`.
    #[serde(rename = "type")]
    pub ty: String,
    /// Twitch's version, as text (`"1"`, `"2"`, `beta`).
    pub version: String,
    /// One line, our own words.
    pub summary: String,
    /// The anchor on Twitch's subscription-types page.
    pub doc: String,
    /// `stable` (the default), `beta` or `deprecated`.
    #[serde(default)]
    pub status: Option<String>,
    /// `webhook`, `websocket`, `conduit`; all three when absent.
    #[serde(default)]
    pub transports: Option<Vec<String>>,
    /// Notifications carry a list of events (`events: [{id, data}]`) rather than one.
    #[serde(default)]
    pub batched: bool,
    /// The condition's fields (strings): `required`, `token_user`, `summary`.
    #[serde(default, deserialize_with = "field_map")]
    pub condition: IndexMap<String, FieldSpec>,
    /// Groups of condition fields of which exactly one is given.
    #[serde(default)]
    pub one_of: Vec<Vec<String>>,
    /// What a user token (or the granting user) needs: a list (all of them) or `{all, any}`.
    #[serde(default)]
    pub scopes: CnfSpec,
    /// With an app token (webhook, conduit): condition field -> what its user must have granted.
    #[serde(default)]
    pub app_token: IndexMap<String, AppTokenRuleSpec>,
    /// The event's fields, as a named type's fields.
    #[serde(default, deserialize_with = "field_map")]
    pub event: IndexMap<String, FieldSpec>,
    /// Where we decided Twitch's reference is wrong or contradicts itself: aspect -> why.
    #[serde(default)]
    pub reference_differs: IndexMap<String, String>,
}

/// Scopes as all-of groups of alternatives: `[a, b]` (a and b), or
/// `{all: [a], any: [b, c]}` (a, and b or c), or `any: [[b, c], [d, e]]` for several groups.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct CnfSpec {
    /// Each of these is needed.
    pub all: Vec<String>,
    /// From each group, one is needed.
    pub any: Vec<Vec<String>>,
}

impl CnfSpec {
    /// The groups in order: each `all` scope as a group of one, then the `any` groups.
    pub fn groups(&self) -> Vec<Vec<String>> {
        self.all.iter().map(|s| vec![s.clone()]).chain(self.any.iter().cloned()).collect()
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CnfMap {
    #[serde(default)]
    all: Vec<String>,
    #[serde(default)]
    any: AnyGroups,
}

/// `any: [a, b]` (one group) or `any: [[a, b], [c, d]]` (several).
#[derive(Default)]
struct AnyGroups(Vec<Vec<String>>);

impl<'de> Deserialize<'de> for AnyGroups {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Item {
            Scope(String),
            Group(Vec<String>),
        }
        let items: Vec<Item> = Deserialize::deserialize(d)?;
        if items.iter().all(|i| matches!(i, Item::Scope(_))) {
            let one: Vec<String> =
                items.into_iter().filter_map(|i| if let Item::Scope(s) = i { Some(s) } else { None }).collect();
            return Ok(AnyGroups(if one.is_empty() { vec![] } else { vec![one] }));
        }
        items
            .into_iter()
            .map(|i| match i {
                Item::Group(g) => Ok(g),
                Item::Scope(s) => Err(de::Error::custom(format!(
                    "`any` is either one list of alternatives or a list of lists; `{s}` mixes the two"
                ))),
            })
            .collect::<Result<_, _>>()
            .map(AnyGroups)
    }
}

impl<'de> Deserialize<'de> for CnfSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = CnfSpec;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list of scopes or a map with `all` and `any`")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<CnfSpec, A::Error> {
                let all = Vec::<String>::deserialize(de::value::SeqAccessDeserializer::new(seq))?;
                Ok(CnfSpec { all, any: Vec::new() })
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<CnfSpec, A::Error> {
                let m = CnfMap::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(CnfSpec { all: m.all, any: m.any.0 })
            }
        }
        d.deserialize_any(V)
    }
}

/// What the app-token rule asks of one condition field.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum AppTokenRuleSpec {
    /// `token_client`: the field is the app token's client id; `owned_by_token_client`: the
    /// field names something (a conduit) of that client; `owns_token_client`: the field names
    /// the organization one of whose members owns that client.
    Relation(String),
    /// The user in the field must have authorized the client id with these scopes.
    /// An alternative `moderator(FIELD)` means "or the user in FIELD is one of its moderators".
    Grant(CnfSpec),
}
