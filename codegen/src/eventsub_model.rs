//! The checked EventSub part of the model: what the emitters read about each
//! subscription type. Built only by [`crate::validate`].

use crate::model::TypeDef;

/// Where Twitch's subscription-types page lives; `doc` anchors are relative to it.
pub const EVENTSUB_DOC_BASE: &str = "https://dev.twitch.tv/docs/eventsub/eventsub-subscription-types/";

/// Every subscription type, and the named types their events use.
#[derive(Debug, Clone, Default)]
pub struct EventSub {
    /// One per type and version, in spec order.
    pub subscriptions: Vec<Subscription>,
    /// The `eventsub.types` section (its own namespace), in spec order.
    pub types: Vec<TypeDef>,
}

/// How far Twitch stands behind a subscription type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Generally available.
    Stable,
    /// Twitch may still change it.
    Beta,
    /// A newer version replaces it; it still works.
    Deprecated,
}

impl Status {
    /// As the spec and the reference spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Stable => "stable",
            Status::Beta => "beta",
            Status::Deprecated => "deprecated",
        }
    }
}

/// A way Twitch delivers notifications.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Transport {
    /// HTTPS callbacks, with an app token.
    Webhook,
    /// A WebSocket session, with a user token.
    Websocket,
    /// A conduit's shards, with an app token.
    Conduit,
}

impl Transport {
    /// All transports, in the order the spec lists them by default.
    pub const ALL: [Transport; 3] = [Transport::Webhook, Transport::Websocket, Transport::Conduit];

    /// As Twitch spells it (`transport.method`).
    pub fn as_str(self) -> &'static str {
        match self {
            Transport::Webhook => "webhook",
            Transport::Websocket => "websocket",
            Transport::Conduit => "conduit",
        }
    }

    /// The transport Twitch spells `name`, if any.
    pub fn parse(name: &str) -> Option<Transport> {
        Transport::ALL.into_iter().find(|t| t.as_str() == name)
    }
}

/// One subscription type at one version.
#[derive(Debug, Clone)]
pub struct Subscription {
    /// Twitch's type name, e.g. `channel.chat.message`.
    pub ty: String,
    /// Twitch's version, e.g. `1` or `beta`.
    pub version: String,
    /// The Rust name both generated structs start with, e.g. `ChannelChatMessageV1`.
    pub type_name: String,
    /// The one-line description.
    pub summary: String,
    /// The full link to its section of Twitch's page.
    pub doc_url: String,
    /// Stable, beta or deprecated.
    pub status: Status,
    /// Where it can be delivered.
    pub transports: Vec<Transport>,
    /// Notifications carry a list of events.
    pub batched: bool,
    /// The condition's fields, in spec order (all strings).
    pub condition: Vec<ConditionField>,
    /// Groups of condition fields of which exactly one is given.
    pub one_of: Vec<Vec<String>>,
    /// Scopes as all-of groups of alternatives (each inner list: one of these).
    pub scopes: Vec<Vec<String>>,
    /// With an app token: per condition field, what its user (or value) must satisfy.
    pub app_token: Vec<(String, AppTokenRule)>,
    /// The event's fields, as a named type (`name` is the event struct's).
    pub event: TypeDef,
    /// Where the spec knowingly differs from Twitch's reference, with the reason.
    pub reference_differs: Vec<(String, String)>,
}

impl Subscription {
    /// The condition field whose user must be the user token's user, if any.
    pub fn token_user_field(&self) -> Option<&str> {
        self.condition.iter().find(|c| c.token_user).map(|c| c.name.as_str())
    }

    /// The generated condition struct's name.
    pub fn condition_type(&self) -> String {
        format!("{}Condition", self.type_name)
    }
}

/// One field of a subscription's condition.
#[derive(Debug, Clone)]
pub struct ConditionField {
    /// Twitch's name.
    pub name: String,
    /// The Rust field name.
    pub field: String,
    /// Every subscription must give it.
    pub required: bool,
    /// Over a user token, it must be the id of the token's user.
    pub token_user: bool,
    /// The one-line description.
    pub summary: String,
}

/// What the app-token rule asks of one condition field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AppTokenRule {
    /// The user in the field must have authorized the client id with these scopes
    /// (all-of groups of alternatives; [`MODERATOR_OF`] alternatives name a field).
    Grant(Vec<Vec<String>>),
    /// The field holds the app token's client id.
    TokenClient,
    /// The field names something the app token's client owns (a conduit), when given.
    OwnedByTokenClient,
    /// The field names an organization one of whose members owns the app token's client.
    OwnsTokenClient,
}

/// An app-token alternative `moderator(FIELD)`: "or the user in FIELD moderates the channel".
pub const MODERATOR_OF: &str = "moderator";
