//! What `endpoints.yaml` says about each EventSub subscription type and
//! version, as static data: the catalog `ttv events types` prints, and what
//! the mock builds triggered events from.

use crate::endpoint::TypeMeta;

/// One condition field of a subscription type.
#[derive(Debug, PartialEq)]
#[non_exhaustive]
pub struct ConditionFieldMeta {
    /// Twitch's name, e.g. `broadcaster_user_id`.
    pub name: &'static str,
    /// Every subscription must give it (fields of a one-of group are not required).
    pub required: bool,
    /// Over a user token, it must hold the token's user id.
    pub token_user: bool,
    /// The spec's one-line description.
    pub summary: &'static str,
}

impl ConditionFieldMeta {
    /// An optional field named `name`.
    pub const fn new(name: &'static str, summary: &'static str) -> ConditionFieldMeta {
        ConditionFieldMeta { name, required: false, token_user: false, summary }
    }

    /// Marks it required.
    pub const fn required(mut self) -> ConditionFieldMeta {
        self.required = true;
        self
    }

    /// Marks it as the token's user.
    pub const fn token_user(mut self) -> ConditionFieldMeta {
        self.token_user = true;
        self
    }
}

/// One EventSub subscription type at one version.
#[derive(Debug, PartialEq)]
#[non_exhaustive]
pub struct SubscriptionMeta {
    /// Twitch's type name, e.g. `channel.chat.message`.
    pub type_name: &'static str,
    /// Twitch's version, e.g. `1` (or `beta`).
    pub version: &'static str,
    /// `stable`, `beta` or `deprecated`.
    pub status: &'static str,
    /// The spec's one-line description.
    pub summary: &'static str,
    /// `webhook`, `websocket`, `conduit`: the transports Twitch delivers it over.
    pub transports: &'static [&'static str],
    /// The condition's fields, in spec order.
    pub condition: &'static [ConditionFieldMeta],
    /// Groups of condition fields of which exactly one must be given.
    pub one_of: &'static [&'static [&'static str]],
    /// Scopes as all-of groups of alternatives.
    pub scopes: &'static [&'static [&'static str]],
    /// Notifications carry `events[]` (batches) instead of one `event`.
    pub batched: bool,
    /// The event's fields and their shapes.
    pub event: &'static TypeMeta,
}

impl SubscriptionMeta {
    /// A stable type delivered over every transport, with no condition or scopes yet.
    pub const fn new(
        type_name: &'static str,
        version: &'static str,
        summary: &'static str,
        event: &'static TypeMeta,
    ) -> SubscriptionMeta {
        SubscriptionMeta {
            type_name,
            version,
            status: "stable",
            summary,
            transports: &["webhook", "websocket", "conduit"],
            condition: &[],
            one_of: &[],
            scopes: &[],
            batched: false,
            event,
        }
    }

    /// Sets the status (`stable`, `beta`, `deprecated`).
    pub const fn status(mut self, status: &'static str) -> SubscriptionMeta {
        self.status = status;
        self
    }

    /// Sets the transports.
    pub const fn transports(mut self, transports: &'static [&'static str]) -> SubscriptionMeta {
        self.transports = transports;
        self
    }

    /// Sets the condition fields.
    pub const fn condition(mut self, condition: &'static [ConditionFieldMeta]) -> SubscriptionMeta {
        self.condition = condition;
        self
    }

    /// Sets the one-of groups.
    pub const fn one_of(mut self, one_of: &'static [&'static [&'static str]]) -> SubscriptionMeta {
        self.one_of = one_of;
        self
    }

    /// Sets the scopes.
    pub const fn scopes(mut self, scopes: &'static [&'static [&'static str]]) -> SubscriptionMeta {
        self.scopes = scopes;
        self
    }

    /// Marks notifications as batched.
    pub const fn batched(mut self) -> SubscriptionMeta {
        self.batched = true;
        self
    }

    /// The condition field that must be the user token's user, if any.
    pub fn token_user_field(&self) -> Option<&'static str> {
        self.condition.iter().find(|c| c.token_user).map(|c| c.name)
    }

    /// Whether it can be delivered over `transport` (`websocket`, ...).
    pub fn supports(&self, transport: &str) -> bool {
        self.transports.contains(&transport)
    }
}

/// Finds a type's entry in a catalog: the given version, or the newest
/// non-deprecated one (numeric versions compared as numbers) when `version` is `None`.
pub fn find<'a>(
    catalog: &'a [SubscriptionMeta],
    type_name: &str,
    version: Option<&str>,
) -> Option<&'a SubscriptionMeta> {
    let mut of_type = catalog.iter().filter(|s| s.type_name == type_name);
    match version {
        Some(v) => of_type.find(|s| s.version == v),
        None => of_type.max_by_key(|s| (s.status != "deprecated", s.version.parse::<u32>().unwrap_or(0))),
    }
}
