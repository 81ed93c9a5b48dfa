//! Values a field may take with each kind of token (from the spec's
//! `token_values`): EventSub delivers to webhooks and conduits for app tokens
//! and to WebSockets for user tokens, and Twitch refuses other pairings.

use crate::input::Prepared;
use crate::Error;
use ttv_meta::EndpointMeta;

/// Refuses, before sending, a value the token kind (`"app"`/`"user"`) may not use.
pub fn check(meta: &'static EndpointMeta, kind: &str, prepared: &Prepared) -> Result<(), Error> {
    for rule in meta.token_values {
        let allowed = match kind {
            "app" => rule.app,
            "user" => rule.user,
            _ => continue,
        };
        let Some(value) = prepared.value(rule.field) else { continue };
        if !allowed.contains(&value.as_str()) {
            let other = if kind == "app" { "a user" } else { "an app" };
            return Err(Error::InvalidInput {
                endpoint: meta.name,
                message: format!(
                    "`{}` = `{value}` needs {other} token; with {} token use one of: {}",
                    rule.field,
                    if kind == "app" { "an app" } else { "a user" },
                    allowed.join(", ")
                ),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn eventsub() -> &'static EndpointMeta {
        crate::test_meta::find("create-eventsub-subscription").expect("the spec has Create EventSub Subscription")
    }

    fn prepared(method: &str) -> Prepared {
        Prepared {
            path: "/eventsub/subscriptions".into(),
            query: vec![],
            body: Some(json!({"type": "channel.follow", "transport": {"method": method}})),
        }
    }

    #[test]
    fn transports_follow_the_token_kind() {
        assert!(check(eventsub(), "app", &prepared("webhook")).is_ok());
        assert!(check(eventsub(), "app", &prepared("conduit")).is_ok());
        assert!(check(eventsub(), "user", &prepared("websocket")).is_ok());
        let err = check(eventsub(), "app", &prepared("websocket")).unwrap_err().to_string();
        assert!(err.contains("needs a user token"), "{err}");
        let err = check(eventsub(), "user", &prepared("webhook")).unwrap_err().to_string();
        assert!(err.contains("needs an app token"), "{err}");
    }
}
