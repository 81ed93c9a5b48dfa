//! The Helix side of a session: create the wanted subscriptions on it, list
//! the user's subscriptions, delete one, and clear away subscriptions of
//! earlier sessions that stand in the way (409 / 429).
//!
//! Listing and deleting go through the client's transport (its token, the
//! rate-limit bucket, the retries). Creating is sent once through the same
//! token and bucket: the transport retries every 429, but a 429 from Create
//! EventSub Subscription with points left in the bucket is Twitch's
//! subscription limit (cost, count, sessions), which only deleting helps; a
//! 429 that emptied the bucket is waited out as the transport would.

use super::events::SubscriptionInfo;
use super::wanted::Wanted;
use crate::client::{Inner, Tokens};
use crate::http_client::Outgoing;
use crate::input::Prepared;
use crate::request::Target;
use crate::transport::ratelimit;
use crate::Error;
use serde::Deserialize;
use serde_json::{json, Value};
use ttv_meta::HttpMethod;

const PATH: &str = "/eventsub/subscriptions";
const CREATE: &str = "Create EventSub Subscription";
/// Bounds listing (100 a page), so a broken cursor cannot loop.
const MAX_PAGES: usize = 50;

/// A subscription as Get EventSub Subscriptions lists it.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Listed {
    #[serde(flatten)]
    pub info: SubscriptionInfo,
    #[serde(default)]
    pub transport: ListedTransport,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct ListedTransport {
    #[serde(default)]
    pub method: String,
    #[serde(default)]
    pub session_id: Option<String>,
}

/// Creates `wanted` on `session_id`; returns Twitch's subscription id.
pub(crate) async fn create(inner: &Inner, wanted: &Wanted, session_id: &str) -> Result<String, Error> {
    let body = json!({
        "type": wanted.subscription_type(),
        "version": wanted.version(),
        "condition": wanted.condition(),
        "transport": {"method": "websocket", "session_id": session_id},
    });
    let answer = send_once(inner, &body).await?;
    let id = answer.pointer("/data/0/id").and_then(Value::as_str).unwrap_or_default();
    if id.is_empty() {
        return Err(Error::Decode {
            endpoint: label(CREATE, "POST"),
            path: "data[0].id".into(),
            message: "the answer names no subscription id".into(),
        });
    }
    Ok(id.to_owned())
}

/// Whether a failed create might succeed once old subscriptions are gone.
pub(crate) fn in_the_way(error: &Error) -> bool {
    matches!(error, Error::Helix { status: 409 | 429, .. } | Error::RateLimited { .. })
}

/// Every subscription the token's user has (for a user token: its WebSocket ones).
pub(crate) async fn list(inner: &Inner) -> Result<Vec<Listed>, Error> {
    let target = Target { name: "Get EventSub Subscriptions", method: HttpMethod::Get, path: PATH, body_due: true };
    let mut prepared = Prepared { path: PATH.into(), query: Vec::new(), body: None };
    let mut out = Vec::new();
    for _ in 0..MAX_PAGES {
        let body = inner.authorized(&target, true, &prepared).await?;
        let page: Page = serde_json::from_slice(&body).map_err(|e| Error::Decode {
            endpoint: target.label(),
            path: ".".into(),
            message: e.to_string(),
        })?;
        let empty = page.data.is_empty();
        out.extend(page.data);
        let cursor = page.pagination.cursor.filter(|c| !c.is_empty() && Some(c.as_str()) != prepared.after());
        match cursor {
            Some(cursor) if !empty => prepared.set_after(cursor),
            _ => break,
        }
    }
    Ok(out)
}

#[derive(Deserialize)]
struct Page {
    #[serde(default)]
    data: Vec<Listed>,
    #[serde(default)]
    pagination: Pagination,
}

#[derive(Default, Deserialize)]
struct Pagination {
    #[serde(default)]
    cursor: Option<String>,
}

/// Deletes subscription `id`; one already gone (404) counts as deleted.
pub(crate) async fn delete(inner: &Inner, id: &str) -> Result<(), Error> {
    let target =
        Target { name: "Delete EventSub Subscription", method: HttpMethod::Delete, path: PATH, body_due: false };
    let prepared = Prepared { path: PATH.into(), query: vec![("id".into(), id.to_owned())], body: None };
    match inner.authorized(&target, true, &prepared).await {
        Ok(_) | Err(Error::Helix { status: 404, .. }) => Ok(()),
        Err(e) => Err(e),
    }
}

/// Deletes the user's WebSocket subscriptions on sessions other than `live`
/// that are this program's: ids it created on earlier sessions (`ours`), or
/// the same type, version and condition as one it wants. Others' are left
/// alone. Returns how many were deleted.
pub(crate) async fn delete_orphans(
    inner: &Inner,
    live: &str,
    wanted: &[Wanted],
    ours: &[String],
) -> Result<usize, Error> {
    let orphans: Vec<String> = list(inner)
        .await?
        .into_iter()
        .filter(|s| s.transport.method == "websocket" && s.transport.session_id.as_deref() != Some(live))
        .filter(|s| {
            ours.contains(&s.info.id)
                || wanted.iter().any(|w| w.matches(&s.info.subscription_type, &s.info.version, &s.info.condition))
        })
        .map(|s| s.info.id)
        .collect();
    for id in &orphans {
        delete(inner, id).await?;
    }
    tracing::debug!(count = orphans.len(), "eventsub: deleted subscriptions of earlier sessions");
    Ok(orphans.len())
}

/// One POST through the token and its bucket, without the transport's 429 retries.
async fn send_once(inner: &Inner, body: &Value) -> Result<Value, Error> {
    let url = format!("{}{PATH}", inner.config.helix_url);
    let bytes = serde_json::to_vec(body).unwrap_or_default();
    let mut renewed = false;
    let mut waited = 0;
    loop {
        let token = inner.bearer().await?;
        let key = ratelimit::bucket_key(Some(token.expose()));
        let permit = inner.limiter.acquire(key, CREATE, &|_: std::time::Duration| {}).await;
        let out = Outgoing::new(http::Method::POST, &url)
            .header("client-id", &inner.config.client_id)
            .header("authorization", format!("Bearer {}", token.expose()))
            .body("application/json", bytes.clone());
        let answer = inner.http.send(CREATE, &inner.config, out).await?;
        let figures = ratelimit::figures(&answer.headers);
        permit.answered(figures);
        tracing::debug!(status = answer.status, "eventsub: {CREATE}");
        match answer.status {
            200..=299 => {
                return serde_json::from_slice(&answer.body).map_err(|e| Error::Decode {
                    endpoint: label(CREATE, "POST"),
                    path: ".".into(),
                    message: e.to_string(),
                })
            }
            401 if !renewed => {
                renewed = true;
                if let Tokens::User(user) = &inner.tokens {
                    if user.on_unauthorized(&inner.http, &inner.config, &token).await? {
                        continue;
                    }
                }
            }
            // The bucket itself is empty: the limiter now holds the next try until its reset.
            429 if figures.is_some_and(|f| f.remaining == 0) && waited < inner.config.max_retries => {
                waited += 1;
                continue;
            }
            _ => {}
        }
        return Err(helix_error(answer.status, &answer.body));
    }
}

fn label(name: &str, method: &str) -> String {
    format!("{name} ({method} {PATH})")
}

/// Twitch's `{error, status, message}` as an [`Error`], the other fields kept.
fn helix_error(status: u16, body: &[u8]) -> Error {
    let endpoint = label(CREATE, "POST");
    let mut fields = match serde_json::from_slice(body) {
        Ok(Value::Object(map)) => map,
        _ => serde_json::Map::new(),
    };
    let mut text = |k: &str| match fields.remove(k) {
        Some(Value::String(s)) => s.split_whitespace().collect::<Vec<_>>().join(" "),
        _ => String::new(),
    };
    let mut message = text("message");
    let mut error = text("error");
    fields.remove("status");
    if message.is_empty() {
        message = "Twitch sent no message".into();
    }
    if status == 401 {
        return Error::Unauthorized { endpoint, status, message };
    }
    if error.is_empty() {
        error = http::StatusCode::from_u16(status).ok().and_then(|s| s.canonical_reason()).unwrap_or("Error").into();
    }
    Error::Helix { endpoint, status, error, message, fields: Box::new(fields) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_keep_twitchs_message_and_other_fields() {
        let e =
            helix_error(409, br#"{"error":"Conflict","status":409,"message":"subscription already exists","id":"x"}"#);
        assert_eq!(
            e.to_string(),
            "Create EventSub Subscription (POST /eventsub/subscriptions): 409 Conflict: subscription already exists"
        );
        assert_eq!(e.helix_field("id"), Some(&json!("x")));
        assert!(in_the_way(&e));
        let e = helix_error(429, b"");
        assert!(matches!(&e, Error::Helix { status: 429, error, .. } if error == "Too Many Requests"), "{e:?}");
        assert!(in_the_way(&e));
        assert!(!in_the_way(&helix_error(400, br#"{"message":"bad"}"#)));
        assert!(matches!(helix_error(401, b"{}"), Error::Unauthorized { status: 401, .. }));
    }
}
