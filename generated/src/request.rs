//! Sending one request: the generic path every generated method goes through.

use crate::client::{Helix, Inner, Tokens};
use crate::input::{prepare, Prepared};
use crate::meta::AuthClass;
use crate::meta::{EndpointMeta, HttpMethod, ResponseMeta};
use crate::response::{RateLimit, Response};
use crate::token::{AuthClassMarker, Permits, TokenKind};
use crate::Error;
use serde::de::DeserializeOwned;
use serde::Serialize;

/// A request type generated from the spec.
pub trait Endpoint: Serialize + DeserializeOwned + Clone + Send + Sync + 'static {
    /// The type of each element of the answer's `data`.
    type Item: DeserializeOwned + Serialize + Send + 'static;
    /// What `send` returns: `Response<Item>` for JSON, `String` for text answers.
    type Output: Decode;
    /// The token class it accepts: [`crate::User`], [`crate::App`], [`crate::AppOrUser`],
    /// [`crate::Extension`] or [`crate::NoToken`].
    type Auth: AuthClassMarker;
    fn meta() -> &'static EndpointMeta;
}

/// Turns an answer's body into an endpoint's output type.
pub trait Decode: Sized + Send + 'static {
    fn decode(meta: &EndpointMeta, body: &[u8]) -> Result<Self, Error>;
}

impl<T: DeserializeOwned + Send + 'static> Decode for Response<T> {
    fn decode(meta: &EndpointMeta, body: &[u8]) -> Result<Self, Error> {
        if matches!(meta.response, ResponseMeta::NoContent) || body.is_empty() {
            return Ok(Response { data: Vec::new(), pagination: None, total: None, extra: Default::default() });
        }
        let mut de = serde_json::Deserializer::from_slice(body);
        serde_path_to_error::deserialize(&mut de).map_err(|e| Error::Decode {
            endpoint: meta.name.into(),
            path: e.path().to_string(),
            message: e.inner().to_string(),
        })
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
}

/// A request being built: set optional parameters, then [`send`](Call::send).
#[must_use = "a call does nothing until it is sent"]
pub struct Call<'a, T: TokenKind, E> {
    client: &'a Helix<T>,
    /// The request as it stands; generated setters fill it in.
    pub request: E,
}

impl<'a, T: TokenKind, E: Endpoint> Call<'a, T, E> {
    #[doc(hidden)]
    pub fn new(client: &'a Helix<T>, request: E) -> Self {
        Call { client, request }
    }

    pub fn into_request(self) -> E {
        self.request
    }

    /// Sends the request and decodes the answer.
    pub async fn send(self) -> Result<E::Output, Error>
    where
        T: Permits<E::Auth>,
    {
        self.client.send(&self.request).await
    }

    /// Sends the request and returns the whole JSON answer exactly as Twitch sent it.
    pub async fn send_json(self) -> Result<serde_json::Value, Error>
    where
        T: Permits<E::Auth>,
    {
        self.client.send_json(&self.request).await
    }
}

impl<T: TokenKind> Helix<T> {
    /// Sends any request type; the generated methods are shorthands for this.
    pub async fn send<E: Endpoint>(&self, request: &E) -> Result<E::Output, Error>
    where
        T: Permits<E::Auth>,
    {
        let meta = E::meta();
        let body = self.inner.execute(meta, prepare(meta, request)?).await?;
        E::Output::decode(meta, &body)
    }

    /// Like [`send`](Helix::send) but returns the JSON answer as sent (`null` for
    /// 204; a text answer becomes a JSON string).
    pub async fn send_json<E: Endpoint>(&self, request: &E) -> Result<serde_json::Value, Error>
    where
        T: Permits<E::Auth>,
    {
        let meta = E::meta();
        let body = self.inner.execute(meta, prepare(meta, request)?).await?;
        if body.is_empty() {
            return Ok(serde_json::Value::Null);
        }
        if let ResponseMeta::Text { .. } = meta.response {
            return String::decode(meta, &body).map(serde_json::Value::String);
        }
        serde_json::from_slice(&body).map_err(|e| Error::Decode {
            endpoint: meta.name.into(),
            path: ".".into(),
            message: e.to_string(),
        })
    }
}

impl Inner {
    /// Checks scopes, sends, re-mints an app token once after a 401, and turns
    /// Helix's error bodies into [`Error`]s. Returns the raw body.
    pub(crate) async fn execute(&self, meta: &'static EndpointMeta, prepared: Prepared) -> Result<Vec<u8>, Error> {
        crate::token_values::check(meta, self.tokens.kind(), &prepared)?;
        if self.config.check_scopes {
            if let Some(missing) = self.scopes().and_then(|granted| meta.missing_scopes(granted)) {
                return Err(Error::MissingScope { endpoint: meta.name, missing });
            }
        }
        let mut retried_token = false;
        loop {
            // Endpoints that take no token get none: nothing secret leaves for nothing.
            let token = if meta.auth == AuthClass::NoToken { None } else { Some(self.bearer().await?) };
            let (status, body) = self.send_once(meta, &prepared, token.as_ref().map(|t| t.expose())).await?;
            if status == 401 && !retried_token {
                if let (Tokens::App(app), Some(token)) = (&self.tokens, &token) {
                    // The cached token may have been revoked or expired early.
                    app.invalidate(token).await;
                    retried_token = true;
                    continue;
                }
            }
            if (200..300).contains(&status) {
                return Ok(body);
            }
            return Err(helix_error(meta, status, &body));
        }
    }

    async fn send_once(
        &self,
        meta: &EndpointMeta,
        prepared: &Prepared,
        token: Option<&str>,
    ) -> Result<(u16, Vec<u8>), Error> {
        let url = format!("{}{}", self.config.helix_url, prepared.path);
        let method = match meta.http_method {
            HttpMethod::Get => reqwest::Method::GET,
            HttpMethod::Post => reqwest::Method::POST,
            HttpMethod::Put => reqwest::Method::PUT,
            HttpMethod::Patch => reqwest::Method::PATCH,
            HttpMethod::Delete => reqwest::Method::DELETE,
        };
        let mut req =
            self.http.request(method, &url).query(&prepared.query).header("Client-Id", &self.config.client_id);
        if let Some(token) = token {
            req = req.header("Authorization", format!("Bearer {token}"));
        }
        if let Some(body) = &prepared.body {
            req = req.json(body);
        }
        let started = std::time::Instant::now();
        let resp = req.send().await.map_err(|e| Error::from_reqwest(meta.name, self.config.timeout, e))?;
        let status = resp.status().as_u16();
        self.record_rate_limit(resp.headers());
        let body = resp.bytes().await.map_err(|e| Error::from_reqwest(meta.name, self.config.timeout, e))?;
        tracing::debug!(
            method = meta.http_method.as_str(),
            path = %prepared.path,
            status,
            elapsed_ms = started.elapsed().as_millis() as u64,
            "helix request"
        );
        Ok((status, body.to_vec()))
    }

    fn record_rate_limit(&self, headers: &reqwest::header::HeaderMap) {
        let num = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
        if let (Some(limit), Some(remaining), Some(reset)) =
            (num("ratelimit-limit"), num("ratelimit-remaining"), num("ratelimit-reset"))
        {
            let figures = RateLimit { limit: limit as u32, remaining: remaining as u32, reset };
            *self.rate_limit.lock().unwrap_or_else(|e| e.into_inner()) = Some(figures);
        }
    }
}

/// Helix errors look like `{"error": "Unauthorized", "status": 401, "message": "..."}`.
fn helix_error(meta: &EndpointMeta, status: u16, body: &[u8]) -> Error {
    let v: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
    let text = |k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or_default().to_owned();
    let mut message = text("message");
    if message.is_empty() {
        message = String::from_utf8_lossy(body).chars().take(200).collect();
    }
    let endpoint = format!("{} ({} {})", meta.name, meta.http_method.as_str(), meta.path);
    if status == 401 {
        return Error::Unauthorized { endpoint, status, message };
    }
    let mut error = text("error");
    if error.is_empty() {
        error = reqwest::StatusCode::from_u16(status).ok().and_then(|s| s.canonical_reason()).unwrap_or("Error").into();
    }
    Error::Helix { endpoint, status, error, message }
}
