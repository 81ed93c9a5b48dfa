//! [`Wanted`]: one subscription a session should hold, and the checks made
//! before anything is sent, so that what Twitch would refuse is refused here
//! with an error that says why: the transport, the condition field that must
//! be the token's user, the scopes, and the session's limits (300
//! subscriptions; a cost of 10 across the user's WebSocket subscriptions,
//! where a subscription costs 1 unless its condition names the token's user).

use super::decode::Subscription;
use crate::Error;
use serde_json::Value;
use ttv_meta::eventsub::SubscriptionMeta;

/// The most enabled subscriptions one WebSocket session may hold.
pub const MAX_SUBSCRIPTIONS: usize = 300;
/// The most cost a user's WebSocket subscriptions may add up to.
pub const MAX_TOTAL_COST: u32 = 10;

/// Names the session's own checks in [`Error::InvalidInput`].
const SESSION: &str = "EventSub WebSocket";

/// One subscription wanted on a WebSocket session: a type, its version and a condition.
///
/// Made from a typed condition ([`Wanted::of`], e.g. ttv-helix's
/// `ChannelChatMessageV1Condition`) or from the catalog and JSON
/// ([`Wanted::from_meta`], what the `ttv` CLI does).
#[derive(Debug, Clone, PartialEq)]
pub struct Wanted {
    subscription_type: &'static str,
    version: &'static str,
    condition: Value,
    scopes: &'static [&'static [&'static str]],
    token_user: Option<&'static str>,
    transports: &'static [&'static str],
    /// Required condition fields, when the catalog entry is known.
    required: Vec<&'static str>,
}

impl Wanted {
    /// The subscription of `S`'s type and version with this condition; the
    /// rules checked before sending are `S`'s constants.
    pub fn of<S: Subscription>(condition: &S) -> Wanted {
        Wanted {
            subscription_type: S::TYPE,
            version: S::VERSION,
            // A derived condition of strings always serializes; anything else
            // is refused as "not an object" by the checks.
            condition: serde_json::to_value(condition).unwrap_or(Value::Null),
            scopes: S::SCOPES,
            token_user: S::TOKEN_USER,
            transports: S::TRANSPORTS,
            required: Vec::new(),
        }
    }

    /// The subscription a catalog entry describes, with `condition` as JSON
    /// (an object of the condition's fields).
    pub fn from_meta(meta: &'static SubscriptionMeta, condition: Value) -> Wanted {
        Wanted {
            subscription_type: meta.type_name,
            version: meta.version,
            condition,
            scopes: meta.scopes,
            token_user: meta.token_user_field(),
            transports: meta.transports,
            required: meta.condition.iter().filter(|c| c.required).map(|c| c.name).collect(),
        }
    }

    /// Twitch's type name, e.g. `channel.chat.message`.
    pub fn subscription_type(&self) -> &str {
        self.subscription_type
    }

    /// Twitch's version, e.g. `1`.
    pub fn version(&self) -> &str {
        self.version
    }

    /// The condition as it is sent.
    pub fn condition(&self) -> &Value {
        &self.condition
    }

    /// Whether a subscription Twitch describes is this one: the same type,
    /// version and condition (a field Twitch writes as `""` or `null` counts as absent).
    pub(crate) fn matches(&self, subscription_type: &str, version: &str, condition: &Value) -> bool {
        self.subscription_type == subscription_type
            && self.version == version
            && same_condition(&self.condition, condition)
    }

    /// 0 when a value of the condition is the token's user id, else 1 (Twitch's rule).
    pub(crate) fn cost(&self, token_user_id: &str) -> u32 {
        let names_the_user = self.fields().any(|(_, v)| v.as_str() == Some(token_user_id));
        u32::from(!names_the_user)
    }

    fn fields(&self) -> impl Iterator<Item = (&String, &Value)> {
        self.condition.as_object().into_iter().flatten()
    }

    fn field(&self, name: &str) -> Option<&str> {
        self.condition.get(name).and_then(Value::as_str).filter(|v| !v.is_empty())
    }

    /// The checks that need no token: `transport` is one the type is
    /// delivered over, the condition is an object with its required fields.
    pub(crate) fn check_shape(&self, transport: &str) -> Result<(), Error> {
        let t = self.subscription_type;
        let invalid = |message: String| Error::InvalidInput { endpoint: t, message };
        if !self.transports.contains(&transport) {
            return Err(invalid(format!(
                "v{} is not delivered over {transport} (only {})",
                self.version,
                self.transports.join(", ")
            )));
        }
        if !self.condition.is_object() {
            return Err(invalid("the condition must be a JSON object of the condition's fields".into()));
        }
        if let Some(missing) = self.required.iter().find(|f| self.field(f).is_none()) {
            return Err(invalid(format!("the condition needs {missing}")));
        }
        Ok(())
    }

    /// The checks of this one subscription against the token (`scopes`:
    /// `None` skips the scope check).
    pub(crate) fn check(&self, token_user_id: &str, scopes: Option<&[String]>) -> Result<(), Error> {
        let t = self.subscription_type;
        let invalid = |message: String| Error::InvalidInput { endpoint: t, message };
        if !self.transports.contains(&"websocket") {
            return Err(invalid(format!(
                "v{} is not delivered over WebSocket (only {}); use a webhook or conduit with an app token",
                self.version,
                self.transports.join(", ")
            )));
        }
        if !self.condition.is_object() {
            return Err(invalid("the condition must be a JSON object of the condition's fields".into()));
        }
        if let Some(missing) = self.required.iter().find(|f| self.field(f).is_none()) {
            return Err(invalid(format!("the condition needs {missing}")));
        }
        if let Some(field) = self.token_user {
            match self.field(field) {
                Some(id) if id == token_user_id => {}
                Some(id) => {
                    return Err(invalid(format!(
                        "the condition's {field} must be the token's user ({token_user_id}), not {id}: over a \
                         WebSocket Twitch delivers it only to that user's token"
                    )))
                }
                None => {
                    return Err(invalid(format!("the condition needs {field}, the token's user ({token_user_id})")))
                }
            }
        }
        if let Some(granted) = scopes {
            if let Some(missing) = missing_scopes(self.scopes, granted) {
                return Err(Error::MissingScope { endpoint: t, missing });
            }
        }
        Ok(())
    }
}

/// The session's limits over all wanted subscriptions, before the next one is added.
pub(crate) fn check_room(wanted: &[Wanted], next: &Wanted, token_user_id: &str) -> Result<(), Error> {
    let t = next.subscription_type;
    if wanted.iter().any(|w| w.matches(next.subscription_type, next.version, &next.condition)) {
        return Err(Error::InvalidInput {
            endpoint: t,
            message: format!("v{} with this condition is already wanted on the session", next.version),
        });
    }
    if wanted.len() >= MAX_SUBSCRIPTIONS {
        return Err(Error::InvalidInput {
            endpoint: SESSION,
            message: format!(
                "a session holds at most {MAX_SUBSCRIPTIONS} subscriptions; open another session for {t} v{}",
                next.version
            ),
        });
    }
    let cost: u32 = wanted.iter().chain([next]).map(|w| w.cost(token_user_id)).sum();
    if cost > MAX_TOTAL_COST {
        return Err(Error::InvalidInput {
            endpoint: SESSION,
            message: format!(
                "{t} v{} would bring the cost to {cost}, over the {MAX_TOTAL_COST} Twitch allows a user's WebSocket \
                 subscriptions (each whose condition does not name the token's user {token_user_id} costs 1)",
                next.version
            ),
        });
    }
    Ok(())
}

/// The scope groups not met by `granted`, as `a or b, and c`; `None` when all are.
fn missing_scopes(groups: &[&[&str]], granted: &[String]) -> Option<String> {
    let has = |s: &&str| granted.iter().any(|g| g == s);
    let missing: Vec<String> = groups.iter().filter(|g| !g.iter().any(has)).map(|g| g.join(" or ")).collect();
    (!missing.is_empty()).then(|| missing.join(", and "))
}

/// Conditions compare field by field; Twitch fills unset fields with `""`.
fn same_condition(a: &Value, b: &Value) -> bool {
    let set = |v: &Value| -> Vec<(String, Value)> {
        let mut fields: Vec<(String, Value)> = v
            .as_object()
            .into_iter()
            .flatten()
            .filter(|(_, v)| !v.is_null() && v.as_str() != Some(""))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        fields.sort_by(|x, y| x.0.cmp(&y.0));
        fields
    };
    set(a) == set(b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;
    use serde_json::json;
    use ttv_meta::eventsub::ConditionFieldMeta;

    #[derive(Serialize)]
    struct ChatMessage {
        broadcaster_user_id: String,
        user_id: String,
    }

    impl Subscription for ChatMessage {
        const TYPE: &'static str = "channel.chat.message";
        const VERSION: &'static str = "1";
        const SCOPES: &'static [&'static [&'static str]] = &[&["user:read:chat"]];
        const TOKEN_USER: Option<&'static str> = Some("user_id");
        const TRANSPORTS: &'static [&'static str] = &["webhook", "websocket", "conduit"];
        type Event = Value;
    }

    fn chat(broadcaster: &str, user: &str) -> Wanted {
        Wanted::of(&ChatMessage { broadcaster_user_id: broadcaster.into(), user_id: user.into() })
    }

    static EVENT: ttv_meta::TypeMeta = ttv_meta::TypeMeta::new("Event", &[]);
    const FIELDS: &[ConditionFieldMeta] = &[ConditionFieldMeta::new("client_id", "").required()];
    static GRANT: SubscriptionMeta = SubscriptionMeta::new("user.authorization.grant", "1", "", &EVENT)
        .transports(&["webhook", "conduit"])
        .condition(FIELDS);
    static FOLLOW_FIELDS: &[ConditionFieldMeta] = &[
        ConditionFieldMeta::new("broadcaster_user_id", "").required(),
        ConditionFieldMeta::new("moderator_user_id", "").required().token_user(),
    ];
    static FOLLOW: SubscriptionMeta = SubscriptionMeta::new("channel.follow", "2", "", &EVENT)
        .condition(FOLLOW_FIELDS)
        .scopes(&[&["moderator:read:followers"]]);

    #[test]
    fn a_typed_condition_gives_its_types_rules() {
        let w = chat("1", "9");
        assert_eq!((w.subscription_type(), w.version()), ("channel.chat.message", "1"));
        assert_eq!(w.condition(), &json!({"broadcaster_user_id": "1", "user_id": "9"}));
        assert!(w.check("9", Some(&["user:read:chat".into()])).is_ok());
    }

    #[test]
    fn the_token_user_field_must_be_the_tokens_user() {
        let err = chat("1", "2").check("9", None).unwrap_err().to_string();
        assert!(
            err.starts_with("channel.chat.message: the condition's user_id must be the token's user (9), not 2"),
            "{err}"
        );
        let err = Wanted::from_meta(&FOLLOW, json!({"broadcaster_user_id": "1", "moderator_user_id": "9"}))
            .check("8", None)
            .unwrap_err();
        assert!(err.to_string().contains("moderator_user_id must be the token's user (8)"), "{err}");
    }

    #[test]
    fn scopes_are_checked_when_given() {
        let err = chat("1", "9").check("9", Some(&["chat:read".into()])).unwrap_err();
        assert!(
            matches!(&err, Error::MissingScope { endpoint: "channel.chat.message", missing } if missing == "user:read:chat")
        );
        assert!(chat("1", "9").check("9", None).is_ok(), "the check can be off");
        let groups: &[&[&str]] = &[&["a", "b"], &["c"]];
        assert_eq!(missing_scopes(groups, &["b".into()]), Some("c".into()));
        assert_eq!(missing_scopes(groups, &[]), Some("a or b, and c".into()));
    }

    #[test]
    fn webhook_only_types_and_missing_fields_are_refused() {
        let err = Wanted::from_meta(&GRANT, json!({"client_id": "x"})).check("9", None).unwrap_err().to_string();
        assert!(err.contains("not delivered over WebSocket (only webhook, conduit)"), "{err}");
        let err = Wanted::from_meta(&FOLLOW, json!({"moderator_user_id": "9"})).check("9", None).unwrap_err();
        assert!(err.to_string().ends_with("the condition needs broadcaster_user_id"), "{err}");
        let err = Wanted::from_meta(&FOLLOW, json!(["9"])).check("9", None).unwrap_err();
        assert!(err.to_string().contains("must be a JSON object"), "{err}");
    }

    #[test]
    fn cost_counts_subscriptions_that_do_not_name_the_token_user() {
        assert_eq!(chat("9", "9").cost("9"), 0);
        assert_eq!(chat("1", "2").cost("9"), 1);
        let mut wanted = Vec::new();
        for b in 0..10 {
            let w = Wanted::from_meta(
                &FOLLOW,
                json!({"broadcaster_user_id": (100 + b).to_string(), "moderator_user_id": "m"}),
            );
            check_room(&wanted, &w, "9").unwrap();
            wanted.push(w);
        }
        let free = chat("1", "9");
        check_room(&wanted, &free, "9").expect("naming the token's user costs nothing");
        let eleventh = Wanted::from_meta(&FOLLOW, json!({"broadcaster_user_id": "99", "moderator_user_id": "m"}));
        let err = check_room(&wanted, &eleventh, "9").unwrap_err().to_string();
        assert!(err.contains("would bring the cost to 11, over the 10"), "{err}");
        let again = check_room(&wanted, &wanted[3].clone(), "9").unwrap_err().to_string();
        assert!(again.contains("already wanted"), "{again}");
    }

    #[test]
    fn a_session_holds_at_most_300() {
        let wanted: Vec<Wanted> = (0..300).map(|b| chat(&b.to_string(), "9")).collect();
        let err = check_room(&wanted, &chat("x", "9"), "9").unwrap_err().to_string();
        assert!(err.contains("at most 300 subscriptions"), "{err}");
    }

    #[test]
    fn conditions_match_ignoring_fields_twitch_leaves_empty() {
        let w = chat("1", "9");
        assert!(w.matches("channel.chat.message", "1", &json!({"user_id": "9", "broadcaster_user_id": "1", "x": ""})));
        assert!(!w.matches("channel.chat.message", "1", &json!({"user_id": "9", "broadcaster_user_id": "2"})));
        assert!(!w.matches("channel.chat.message", "2", w.condition()));
    }
}
