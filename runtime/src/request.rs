//! Sending one request: the generic path every generated method goes through.

use crate::client::{Client, Inner, Tokens};
use crate::input::Prepared;
use crate::response::Response;
use crate::token::{AuthClassMarker, Permits, TokenKind};
use crate::Error;
use futures_util::future::BoxFuture;
use serde::de::DeserializeOwned;
use serde::Serialize;
use ttv_meta::{AuthClass, HttpMethod};
use ttv_meta::{EndpointMeta, ResponseMeta};

/// A request type generated from the spec.
pub trait Endpoint: Serialize + Clone + Send + Sync + 'static {
    /// The type of each element of the answer's `data`.
    type Item: DeserializeOwned + Serialize + Send + 'static;
    /// What `send` returns: `Response<Item>` for JSON, `String` for text answers.
    type Output: Decode;
    /// The token class it accepts: [`crate::User`], [`crate::App`], [`crate::AppOrUser`],
    /// [`crate::Extension`] or [`crate::NoToken`].
    type Auth: AuthClassMarker;
    /// The endpoint's facts from the spec: path, method, parameters, scopes, limits.
    fn meta() -> &'static EndpointMeta;
}

/// Turns an answer's body into an endpoint's output type.
pub trait Decode: Sized + Send + 'static {
    /// Decodes one answer's body; errors name the endpoint and the failing field.
    fn decode(meta: &EndpointMeta, body: &[u8]) -> Result<Self, Error>;
    /// Joins, in order, the answers of a request the client split into
    /// several (an id list longer than one request takes).
    fn merge(parts: Vec<Self>) -> Self;
}

impl<T: DeserializeOwned + Send + 'static> Decode for Response<T> {
    fn decode(meta: &EndpointMeta, body: &[u8]) -> Result<Self, Error> {
        if matches!(meta.response, ResponseMeta::NoContent) || body.is_empty() {
            return Ok(Response { data: Vec::new(), pagination: None, total: None, extra: Default::default() });
        }
        // The fast path; the JSON path of an error is worked out only when there is one.
        serde_json::from_slice(body).map_err(|plain| {
            let (path, message) = item_error::<T>(body)
                .or_else(|| envelope_error(body))
                .unwrap_or_else(|| (".".into(), plain.to_string()));
            Error::Decode { endpoint: meta.name.into(), path, message }
        })
    }

    fn merge(parts: Vec<Self>) -> Self {
        let mut parts = parts.into_iter();
        let Some(mut first) = parts.next() else {
            return Response { data: Vec::new(), pagination: None, total: None, extra: Default::default() };
        };
        for part in parts {
            first.data.extend(part.data);
        }
        first.pagination = None;
        first
    }
}

/// `data` items are decoded one by one (it may be one object or a list), which
/// hides where inside an item decoding failed; this finds the item and the
/// path within it, e.g. `data[3].id`.
fn item_error<T: DeserializeOwned>(body: &[u8]) -> Option<(String, String)> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    let items = match value.get("data")? {
        serde_json::Value::Array(items) => items.iter().enumerate().map(|(i, v)| (Some(i), v)).collect(),
        other => vec![(None, other)],
    };
    for (i, item) in items {
        if let Err(e) = serde_path_to_error::deserialize::<_, T>(item) {
            let inner = e.path().to_string();
            let mut path = match i {
                Some(i) => format!("data[{i}]"),
                None => "data".to_owned(),
            };
            if inner != "." {
                path.push('.');
                path.push_str(&inner);
            }
            return Some((path, e.inner().to_string()));
        }
    }
    None
}

/// Where an answer that is not about one item fails to decode: not JSON, or a
/// `pagination` or `total` of the wrong shape. Not generic (the items are
/// skipped), so it is compiled once here rather than for every answer type.
fn envelope_error(body: &[u8]) -> Option<(String, String)> {
    let mut de = serde_json::Deserializer::from_slice(body);
    match serde_path_to_error::deserialize::<_, Response<serde::de::IgnoredAny>>(&mut de) {
        Err(e) => Some((e.path().to_string(), e.inner().to_string())),
        Ok(_) => None,
    }
}

/// Text answers (`text/calendar`) come back as they were sent.
impl Decode for String {
    fn decode(meta: &EndpointMeta, body: &[u8]) -> Result<Self, Error> {
        String::from_utf8(body.to_vec()).map_err(|_| Error::Decode {
            endpoint: meta.name.into(),
            path: ".".into(),
            message: "the text answer is not UTF-8".into(),
        })
    }

    fn merge(parts: Vec<Self>) -> Self {
        parts.concat()
    }
}

impl<T: TokenKind> Client<T> {
    /// Sends any request type; the generated methods are shorthands for this.
    pub async fn send<E: Endpoint>(&self, request: &E) -> Result<E::Output, Error>
    where
        T: Permits<E::Auth>,
    {
        let meta = E::meta();
        let mut parts = self.inner.execute_request(meta, request, E::Output::decode).await?;
        if parts.len() == 1 {
            return Ok(parts.remove(0));
        }
        Ok(E::Output::merge(parts))
    }

    /// Like [`send`](Client::send) but returns the JSON answer as sent (`null` for
    /// 204; a text answer becomes a JSON string).
    pub async fn send_json<E: Endpoint>(&self, request: &E) -> Result<serde_json::Value, Error>
    where
        T: Permits<E::Auth>,
    {
        let meta = E::meta();
        let mut parts = self.inner.execute_request(meta, request, json_answer).await?;
        if parts.len() == 1 {
            return Ok(parts.remove(0));
        }
        Ok(crate::batch::merge_json(parts))
    }
}

/// One answer as JSON: `null` for 204, a string for a text answer.
pub(crate) fn json_answer(meta: &EndpointMeta, body: &[u8]) -> Result<serde_json::Value, Error> {
    if body.is_empty() {
        return Ok(serde_json::Value::Null);
    }
    if let ResponseMeta::Text { .. } = meta.response {
        return String::decode(meta, body).map(serde_json::Value::String);
    }
    serde_json::from_slice(body).map_err(|plain| {
        let mut de = serde_json::Deserializer::from_slice(body);
        let path = match serde_path_to_error::deserialize::<_, serde_json::Value>(&mut de) {
            Err(e) => e.path().to_string(),
            Ok(_) => ".".into(),
        };
        Error::Decode { endpoint: meta.name.into(), path, message: plain.to_string() }
    })
}

impl Inner {
    /// Checks scopes, sends, re-mints an app token (or refreshes a user token) once after a 401, and turns
    /// Helix's error bodies into [`Error`]s. Returns the raw body.
    ///
    /// Boxed, so that this path (tokens, rate limit, retries, HTTP) is compiled
    /// once here: an `async fn` is compiled where its future is polled, and the
    /// generic callers would otherwise copy all of it into every program.
    pub(crate) fn execute<'a>(
        &'a self,
        meta: &'static EndpointMeta,
        prepared: &'a Prepared,
    ) -> BoxFuture<'a, Result<Vec<u8>, Error>> {
        Box::pin(self.checked(meta, prepared))
    }

    async fn checked(&self, meta: &'static EndpointMeta, prepared: &Prepared) -> Result<Vec<u8>, Error> {
        crate::token_values::check(meta, self.tokens.kind(), prepared)?;
        match self.token_user_id() {
            Some(user_id) => crate::input::check_token_user(meta, user_id, prepared)?,
            None if matches!(self.tokens, Tokens::App(_)) => crate::input::check_app_token_groups(meta, prepared)?,
            None => {}
        }
        if self.config.check_scopes {
            if let Some(missing) = self.scopes().and_then(|granted| meta.missing_scopes(granted)) {
                return Err(Error::MissingScope { endpoint: meta.name, missing });
            }
        }
        // Endpoints that take no token get none: nothing secret leaves for nothing.
        let body = self.send_authorized(&Target::of(meta), meta.auth != AuthClass::NoToken, prepared).await?;
        match meta.refused {
            Some(refused) => crate::refused::check(meta.name, refused, body),
            None => Ok(body),
        }
    }

    /// Sends with the client's token (when `with_token`), renewing it once
    /// after a 401 that says it expired, and turns an error status into an [`Error`].
    /// Boxed for the reason [`execute`](Inner::execute) is.
    pub(crate) fn authorized<'a>(
        &'a self,
        target: &'a Target<'a>,
        with_token: bool,
        prepared: &'a Prepared,
    ) -> BoxFuture<'a, Result<Vec<u8>, Error>> {
        Box::pin(self.send_authorized(target, with_token, prepared))
    }

    async fn send_authorized(
        &self,
        target: &Target<'_>,
        with_token: bool,
        prepared: &Prepared,
    ) -> Result<Vec<u8>, Error> {
        let mut retried_token = false;
        loop {
            let token = if with_token { Some(self.bearer().await?) } else { None };
            let (status, body) = self.transport(target, prepared, token.as_ref().map(|t| t.expose())).await?;
            if status == 401 && !retried_token {
                if let (Tokens::App(app), Some(token)) = (&self.tokens, &token) {
                    // The cached token may have been revoked or expired early.
                    app.invalidate(token).await;
                    retried_token = true;
                    continue;
                }
                // User tokens (auth/user_tokens.rs): if Twitch refused an expired or
                // revoked token, refresh it (one refresh in flight) and retry once.
                // A 401 for a missing scope does not refresh: the token still validates.
                if let (Tokens::User(user), Some(token)) = (&self.tokens, &token) {
                    if user.on_unauthorized(&self.http, &self.config, token).await? {
                        retried_token = true;
                        continue;
                    }
                }
            }
            if (200..300).contains(&status) {
                if target.body_due && status != 204 && body.iter().all(u8::is_ascii_whitespace) {
                    // An empty 200 is not "no results": Twitch always sends JSON there.
                    return Err(Error::Decode {
                        endpoint: target.label(),
                        path: ".".into(),
                        message: format!("the answer ({status}) is empty where JSON was due"),
                    });
                }
                return Ok(body);
            }
            return Err(helix_error(target, status, &body));
        }
    }
}

/// What the transport and error messages know of the endpoint a request is for.
pub(crate) struct Target<'a> {
    /// The reference's name ("Get Users"); empty for a raw request.
    pub name: &'static str,
    pub method: HttpMethod,
    /// The spec's path (`/users`), or the raw request's.
    pub path: &'a str,
    /// Whether a 2xx answer other than 204 must carry a body (JSON or text):
    /// endpoints that answer with data, and raw GETs.
    pub body_due: bool,
}

impl Target<'_> {
    pub fn of(meta: &EndpointMeta) -> Target<'_> {
        let body_due = !matches!(meta.response, ResponseMeta::NoContent);
        Target { name: meta.name, method: meta.http_method, path: meta.path, body_due }
    }

    /// How errors name the endpoint: `Get Users (GET /users)`, or `GET /users` for a raw request.
    pub fn label(&self) -> String {
        if self.name.is_empty() {
            format!("{} {}", self.method.as_str(), self.path)
        } else {
            format!("{} ({} {})", self.name, self.method.as_str(), self.path)
        }
    }

    /// The name alone, for log lines and transport errors.
    pub fn short(&self) -> std::borrow::Cow<'_, str> {
        if self.name.is_empty() {
            self.label().into()
        } else {
            self.name.into()
        }
    }
}

/// Helix errors look like `{"error": "Unauthorized", "status": 401, "message": "..."}`.
fn helix_error(target: &Target<'_>, status: u16, body: &[u8]) -> Error {
    let v: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
    let text = |k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or_default().to_owned();
    let mut message = text("message");
    if message.is_empty() {
        message = if !v.is_object() {
            String::from_utf8_lossy(body).chars().take(200).collect()
        } else if target.name.is_empty() && status == 404 {
            "Helix has no such path (see https://dev.twitch.tv/docs/api/reference)".into()
        } else {
            "Twitch sent no message".into()
        };
    }
    // One line, whatever the body held.
    let message = message.split_whitespace().collect::<Vec<_>>().join(" ");
    let endpoint = target.label();
    if status == 401 {
        return Error::Unauthorized { endpoint, status, message };
    }
    let mut error = text("error");
    if error.is_empty() {
        error = http::StatusCode::from_u16(status).ok().and_then(|s| s.canonical_reason()).unwrap_or("Error").into();
    }
    // Whatever else the body says (a 409's existing `id`) stays reachable.
    let mut fields = match v {
        serde_json::Value::Object(map) => map,
        _ => serde_json::Map::new(),
    };
    for known in ["error", "status", "message"] {
        fields.remove(known);
    }
    Error::Helix { endpoint, status, error, message, fields: Box::new(fields) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    struct Item {
        #[allow(dead_code)]
        id: String,
    }

    fn decode_error(body: &str) -> (String, String) {
        let meta = crate::test_meta::find("get-users").expect("fixture");
        match <Response<Item> as Decode>::decode(meta, body.as_bytes()) {
            Err(Error::Decode { path, message, .. }) => (path, message),
            other => panic!("expected a decode error, got {other:?}"),
        }
    }

    #[test]
    fn decode_errors_say_where_in_an_item_around_it_or_that_it_is_not_json() {
        let (path, message) = decode_error(r#"{"data": [{"id": "1"}, {"id": 2}]}"#);
        assert_eq!(path, "data[1].id", "{message}");
        let (path, message) = decode_error(r#"{"data": [{"id": "1"}], "total": "many"}"#);
        assert_eq!(path, "total", "the envelope check names the field: {message}");
        let (path, _) = decode_error("<html>busy</html>");
        assert_eq!(path, ".", "not JSON at all");
    }
}
