//! Requests the spec does not describe (yet): any method and path under the
//! Helix URL, sent through the same transport as the generated methods (the
//! client's token, renewed after a 401; the rate-limit bucket; retries;
//! Helix's errors). The escape hatch behind `ttv api`.
//!
//! What the spec would add is missing here by nature: no compile-time token
//! class, no scope check, no input checks, no typed answer. When an endpoint
//! is used for real, it belongs in `endpoints.yaml`.

use crate::client::Client;
use crate::input::Prepared;
use crate::request::Target;
use crate::token::TokenKind;
use crate::Error;
use futures_util::Stream;
use serde_json::Value;
use ttv_meta::HttpMethod;

/// Names raw requests in [`Error::InvalidInput`].
const RAW: &str = "Raw request";

/// One request to a path under the Helix base URL, e.g. `GET /users?login=ninja`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RawRequest {
    /// The HTTP method.
    pub method: HttpMethod,
    /// The path under the Helix base URL, starting with `/` (`/users`), without a query.
    pub path: String,
    /// Query pairs in order; a repeated key sends a list.
    pub query: Vec<(String, String)>,
    /// The JSON body, for methods that take one.
    pub body: Option<Value>,
}

impl RawRequest {
    /// A request of `method` to `path` (e.g. `/users`), with no query and no body yet.
    pub fn new(method: HttpMethod, path: impl Into<String>) -> RawRequest {
        RawRequest { method, path: path.into(), query: Vec::new(), body: None }
    }

    /// Adds one query pair; repeat a key for a list (`login=a&login=b`).
    pub fn query(mut self, key: impl Into<String>, value: impl Into<String>) -> RawRequest {
        self.query.push((key.into(), value.into()));
        self
    }

    /// The JSON body.
    pub fn body(mut self, body: Value) -> RawRequest {
        self.body = Some(body);
        self
    }
}

impl<T: TokenKind> Client<T> {
    /// Sends a request that no generated method covers, with this client's
    /// token, and returns the answer as sent: its JSON (the whole envelope,
    /// `data` and `pagination` included), `null` for an empty body, or a
    /// string for a body that is text but not JSON. Error statuses come back
    /// as [`Error::Helix`] / [`Error::Unauthorized`] with Twitch's message.
    ///
    /// The path must stay under the Helix URL: it is refused, before anything
    /// is sent, when it is a full URL, holds `..`, a backslash, an encoded
    /// slash, backslash, dot or percent sign (`%2f..%2f`), a query (`?`; use
    /// [`RawRequest::query`]) or a fragment, so the token never goes elsewhere.
    pub async fn send_raw(&self, request: &RawRequest) -> Result<Value, Error> {
        self.send_prepared(request.method, &prepared(request)?).await
    }

    async fn send_prepared(&self, method: HttpMethod, prepared: &Prepared) -> Result<Value, Error> {
        let target = Target { name: "", method, path: &prepared.path, body_due: method == HttpMethod::Get };
        let body = self.inner.authorized(&target, true, prepared).await?;
        answer(&target, &body)
    }

    /// [`send_raw`](Client::send_raw) page after page: each answer whole, then
    /// the request again with `after` set to its `pagination.cursor`. Ends as
    /// [`Client::pages`] does: an answer without a cursor, an
    /// empty page, the cursor it was sent with, or an error (yielded last).
    /// Lazy: a page is fetched when the stream is polled.
    pub fn raw_pages<'a>(&'a self, request: &RawRequest) -> impl Stream<Item = Result<Value, Error>> + 'a {
        let method = request.method;
        futures_util::stream::unfold(Some(prepared(request)), move |next| async move {
            let mut prepared = match next? {
                Ok(prepared) => prepared,
                Err(e) => return Some((Err(e), None)),
            };
            let page = match self.send_prepared(method, &prepared).await {
                Ok(page) => page,
                Err(e) => return Some((Err(e), None)),
            };
            let (cursor, empty) = crate::pagination::json_page_facts(&page);
            let next = crate::pagination::next_cursor(cursor, empty, prepared.after()).map(|cursor| {
                prepared.set_after(cursor);
                Ok(prepared)
            });
            Some((Ok(page), next))
        })
    }
}

/// The request as the transport sends it, its path checked.
fn prepared(request: &RawRequest) -> Result<Prepared, Error> {
    Ok(Prepared {
        path: checked_path(&request.path)?,
        query: request.query.iter().map(|(k, v)| (k.clone().into(), v.clone())).collect(),
        body: request.body.clone(),
    })
}

/// `path` with a leading `/`, or why it cannot be sent.
fn checked_path(path: &str) -> Result<String, Error> {
    let invalid = |why: &str| Error::InvalidInput {
        endpoint: RAW,
        message: format!("the path {path:?} {why}; give a path under the Helix URL, such as /users"),
    };
    let path = path.trim();
    if path.contains("://") {
        return Err(invalid("is a full URL (the token is only sent to the configured Helix URL)"));
    }
    if path.contains(['?', '#']) {
        return Err(invalid("holds a query or fragment (pass query pairs separately)"));
    }
    // URL parsers treat `\` as `/` and `%2e%2e` as `..` in http paths.
    if path.contains('\\') {
        return Err(invalid("holds a backslash"));
    }
    // Servers and proxies that decode once more turn `%2f..%2f` into `/../`;
    // no Helix path needs an encoded slash, backslash, dot or percent sign.
    let lower = path.to_ascii_lowercase();
    if let Some(encoded) = ["%2f", "%5c", "%2e", "%25"].into_iter().find(|e| lower.contains(e)) {
        return Err(invalid(&format!("holds {encoded:?}, an encoded `/`, `\\`, `.` or `%`, which could climb out")));
    }
    let dots = |segment: &str| matches!(ttv_meta::form::decode(segment).as_str(), "." | "..");
    if path.split('/').any(dots) {
        return Err(invalid("climbs out of the Helix URL with `..` (or `.`)"));
    }
    if let Some(c) = path.chars().find(|c| c.is_whitespace() || c.is_control() || !c.is_ascii()) {
        return Err(invalid(&format!("holds {c:?}, which a URL path cannot (percent-encode it)")));
    }
    let path = path.trim_start_matches('/');
    if path.is_empty() {
        return Err(invalid("is empty"));
    }
    Ok(format!("/{path}"))
}

fn answer(target: &Target<'_>, body: &[u8]) -> Result<Value, Error> {
    if body.is_empty() {
        return Ok(Value::Null);
    }
    if let Ok(json) = serde_json::from_slice(body) {
        return Ok(json);
    }
    match std::str::from_utf8(body) {
        Ok(text) => Ok(Value::String(text.to_owned())),
        Err(e) => Err(Error::Decode { endpoint: target.label(), path: ".".into(), message: format!("not text: {e}") }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_stay_under_the_helix_url() {
        assert_eq!(checked_path("/users").unwrap(), "/users");
        assert_eq!(checked_path("users").unwrap(), "/users");
        assert_eq!(checked_path(" //eventsub/subscriptions ").unwrap(), "/eventsub/subscriptions");
        assert_eq!(checked_path("/chat/emotes%20set").unwrap(), "/chat/emotes%20set");
        for bad in [
            "https://evil.example/users",
            "/users?login=ninja",
            "/users#x",
            "/../oauth2/token",
            "/%2E%2e/oauth2/token",
            "/users%2f..%2foauth2%2ftoken",
            "/users%2F%2E%2E%2Foauth2",
            "/x%5c..%5coauth2",
            "/x%252e%252e/oauth2",
            "/x/.%2e/y",
            "/x/./y",
            "/x\\..\\oauth2",
            "/a b",
            "",
            "/",
        ] {
            let err = checked_path(bad).expect_err(bad).to_string();
            assert!(err.starts_with("Raw request: the path"), "{err}");
            assert!(err.contains("such as /users"), "{err}");
        }
    }

    #[test]
    fn answers_are_json_text_or_null() {
        let t = Target { name: "", method: HttpMethod::Get, path: "/x", body_due: true };
        assert_eq!(answer(&t, b"").unwrap(), Value::Null);
        assert_eq!(answer(&t, br#"{"data":[]}"#).unwrap(), serde_json::json!({"data": []}));
        assert_eq!(answer(&t, b"BEGIN:VCALENDAR").unwrap(), Value::String("BEGIN:VCALENDAR".into()));
        let err = answer(&t, &[0xff, 0xfe]).unwrap_err().to_string();
        assert!(err.starts_with("GET /x: the response does not decode"), "{err}");
    }
}
