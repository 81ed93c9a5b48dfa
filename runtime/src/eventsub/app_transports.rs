//! Subscribing with the transports an app token uses: webhooks (Twitch posts
//! each event to a callback, signed with a secret) and conduits (Twitch
//! spreads the events over the conduit's shards). Both take an app client; a
//! user client does not compile (`T: Permits<App>`). What the spec says is
//! checked before sending: the transport is one the type is delivered over,
//! the condition's required fields are there, the callback is HTTPS, and the
//! secret is 10 to 100 ASCII characters ([`WebhookSecret`]).

use super::wanted::Wanted;
use crate::client::Client;
use crate::token::{App, Permits, TokenKind};
use crate::{Error, RawRequest, Secret};
use serde::Deserialize;
use serde_json::{json, Value};
use ttv_meta::HttpMethod;

/// A webhook's secret: 10 to 100 ASCII characters, as Twitch requires. It
/// signs each delivery (HMAC-SHA256); it is kept out of `Debug` and errors.
#[derive(Clone)]
pub struct WebhookSecret(Secret);

impl WebhookSecret {
    /// The secret, or an error saying what Twitch would refuse in it (never the secret itself).
    pub fn new(secret: impl Into<String>) -> Result<WebhookSecret, Error> {
        let secret = secret.into();
        let invalid = |message: String| Error::InvalidInput { endpoint: "Create EventSub Subscription", message };
        if !secret.is_ascii() || secret.chars().any(|c| c.is_ascii_control()) {
            return Err(invalid("a webhook secret must be printable ASCII".into()));
        }
        if !(10..=100).contains(&secret.len()) {
            return Err(invalid(format!("a webhook secret must be 10 to 100 characters, not {}", secret.len())));
        }
        Ok(WebhookSecret(Secret::new(secret)))
    }

    /// The secret, for signing checks.
    pub fn expose(&self) -> &str {
        self.0.expose()
    }
}

impl std::fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WebhookSecret([redacted])")
    }
}

/// A subscription Twitch created, as Create EventSub Subscription answers it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct CreatedSubscription {
    /// Twitch's subscription id.
    pub id: String,
    /// `enabled`, or `webhook_callback_verification_pending` until the callback answers the challenge.
    #[serde(default)]
    pub status: String,
    /// The type name.
    #[serde(rename = "type")]
    pub subscription_type: String,
    /// The version.
    pub version: String,
    /// The condition, as Twitch keeps it.
    #[serde(default)]
    pub condition: Value,
    /// Where events go (never the secret: Twitch does not send it back).
    #[serde(default)]
    pub transport: Value,
    /// What it costs against `max_total_cost`.
    #[serde(default)]
    pub cost: u64,
}

impl<T: TokenKind> Client<T> {
    /// Creates `wanted` with the webhook transport: Twitch posts its events
    /// to `callback` (HTTPS; `http://` only to a loopback host, for mocks),
    /// signed with `secret`. App clients only.
    pub async fn subscribe_webhook(
        &self,
        wanted: &Wanted,
        callback: &str,
        secret: &WebhookSecret,
    ) -> Result<CreatedSubscription, Error>
    where
        T: Permits<App>,
    {
        wanted.check_shape("webhook")?;
        check_callback(callback)?;
        let transport = json!({"method": "webhook", "callback": callback, "secret": secret.expose()});
        self.create(wanted, transport).await
    }

    /// Creates `wanted` with the conduit transport: Twitch delivers its
    /// events to the shards of `conduit_id`. App clients only.
    pub async fn subscribe_conduit(&self, wanted: &Wanted, conduit_id: &str) -> Result<CreatedSubscription, Error>
    where
        T: Permits<App>,
    {
        wanted.check_shape("conduit")?;
        if conduit_id.trim().is_empty() {
            return Err(Error::InvalidInput {
                endpoint: "Create EventSub Subscription",
                message: "the conduit id is empty".into(),
            });
        }
        self.create(wanted, json!({"method": "conduit", "conduit_id": conduit_id})).await
    }

    async fn create(&self, wanted: &Wanted, transport: Value) -> Result<CreatedSubscription, Error> {
        let body = json!({
            "type": wanted.subscription_type(),
            "version": wanted.version(),
            "condition": wanted.condition(),
            "transport": transport,
        });
        let answer = self.send_raw(&RawRequest::new(HttpMethod::Post, "/eventsub/subscriptions").body(body)).await?;
        let item = answer.pointer("/data/0").cloned().unwrap_or(Value::Null);
        serde_json::from_value(item).map_err(|e| Error::Decode {
            endpoint: "Create EventSub Subscription".into(),
            path: "data[0]".into(),
            message: e.to_string(),
        })
    }
}

/// Twitch calls back over HTTPS only; plain HTTP is let through to a loopback
/// host, where a mock or a local test receiver listens.
fn check_callback(callback: &str) -> Result<(), Error> {
    let invalid = |message: String| Error::InvalidInput { endpoint: "Create EventSub Subscription", message };
    let (scheme, rest) = callback.split_once("://").ok_or_else(|| invalid("the callback is not a URL".into()))?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    let host = if host.starts_with('[') {
        host.split(']').next().map(|h| &h[1..]).unwrap_or(host)
    } else {
        host.split(':').next().unwrap_or(host)
    };
    match scheme.to_ascii_lowercase().as_str() {
        "https" if !host.is_empty() => Ok(()),
        "http" if matches!(host, "127.0.0.1" | "localhost" | "::1") => Ok(()),
        _ => Err(invalid(format!(
            "Twitch calls webhooks back over HTTPS only; {scheme}:// is allowed only for a loopback host"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_is_ten_to_a_hundred_printable_ascii_characters_and_never_shown() {
        assert!(WebhookSecret::new("0123456789").is_ok());
        assert!(WebhookSecret::new("x".repeat(100)).is_ok());
        let short = WebhookSecret::new("short").unwrap_err().to_string();
        assert!(short.contains("10 to 100 characters, not 5") && !short.contains("short\""), "{short}");
        assert!(WebhookSecret::new("x".repeat(101)).is_err());
        assert!(WebhookSecret::new("geheimnis-ü-1234").unwrap_err().to_string().contains("ASCII"));
        let secret = WebhookSecret::new("s3cret-value-here").expect("valid");
        assert!(!format!("{secret:?}").contains("s3cret"));
    }

    #[test]
    fn callbacks_are_https_or_loopback_http() {
        assert!(check_callback("https://example.com/eventsub").is_ok());
        assert!(check_callback("http://127.0.0.1:8080/cb").is_ok());
        assert!(check_callback("http://[::1]:8080/cb").is_ok());
        assert!(check_callback("http://example.com/cb").is_err());
        assert!(check_callback("http://127.0.0.1.evil.example/cb").is_err());
        assert!(check_callback("ftp://example.com/").is_err());
        assert!(check_callback("example.com").is_err());
    }
}
