//! Values a field may take with each kind of token (from the spec's
//! `token_values`): EventSub delivers to webhooks and conduits for app tokens
//! and to WebSockets for user tokens, and Twitch refuses other pairings.
//! Also parameters only one kind of token may give (the spec's `token`, in
//! `ParamMeta::only_with`): Send Chat Message's `for_source_only`.

use crate::input::Prepared;
use crate::Error;
use ttv_meta::{AuthClass, EndpointMeta};

/// Refuses, before sending, a value the token kind (`"app"`/`"user"`) may not use.
pub fn check(meta: &'static EndpointMeta, kind: &str, prepared: &Prepared) -> Result<(), Error> {
    check_only_with(meta, kind, prepared)?;
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

/// A parameter the spec limits to one kind of token, given with the other.
fn check_only_with(meta: &'static EndpointMeta, kind: &str, prepared: &Prepared) -> Result<(), Error> {
    for p in meta.params {
        let needed = match p.only_with {
            Some(AuthClass::App) => "app",
            Some(AuthClass::User) => "user",
            _ => continue,
        };
        if needed != kind && prepared.value(p.name).is_some() {
            let article = |k: &str| if k == "app" { "an app" } else { "a user" };
            return Err(Error::InvalidInput {
                endpoint: meta.name,
                message: format!(
                    "`{}` is only valid with {} token; this request goes out with {} token",
                    p.name,
                    article(needed),
                    article(kind)
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

    #[test]
    fn app_only_parameters_are_refused_with_a_user_token() {
        let send = crate::test_meta::find("send-chat-message").expect("written out");
        let prepared =
            |body: serde_json::Value| Prepared { path: "/chat/messages".into(), query: vec![], body: Some(body) };
        let with_flag = prepared(json!({"broadcaster_id": "1", "message": "hi", "for_source_only": true}));
        let err = check(send, "user", &with_flag).unwrap_err().to_string();
        assert!(
            err.contains("`for_source_only` is only valid with an app token; this request goes out with a user token"),
            "{err}"
        );
        assert!(check(send, "app", &with_flag).is_ok());
        assert!(check(send, "user", &prepared(json!({"broadcaster_id": "1", "message": "hi"}))).is_ok());
    }
}
