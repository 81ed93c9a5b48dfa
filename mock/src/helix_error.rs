//! Helix's error answers: `{"error": <reason>, "status": <code>, "message": ...}`
//! and the 429 with its rate-limit headers. Shared by the Helix handler, the
//! server's own refusals and injected faults.

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

/// A Helix error answer not yet rendered, so `Result`s stay small.
#[derive(Debug)]
pub struct HelixError {
    status: StatusCode,
    message: String,
    /// More top-level fields of the body (a 409's existing `id`).
    fields: Vec<(&'static str, serde_json::Value)>,
}

impl HelixError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> HelixError {
        HelixError { status, message: message.into(), fields: Vec::new() }
    }

    /// Adds a top-level field to the error body, as Twitch's 409 for an
    /// existing EventSub subscription carries its `id`.
    pub fn with_field(mut self, name: &'static str, value: serde_json::Value) -> HelixError {
        self.fields.push((name, value));
        self
    }
}

impl IntoResponse for HelixError {
    fn into_response(self) -> Response {
        let mut body = json!({
            "error": self.status.canonical_reason().unwrap_or("Error"),
            "status": self.status.as_u16(),
            "message": self.message,
        });
        for (name, value) in self.fields {
            body[name] = value;
        }
        (self.status, Json(body)).into_response()
    }
}

/// Twitch's error body as an answer.
pub fn error(status: StatusCode, message: impl Into<String>) -> Response {
    HelixError::new(status, message).into_response()
}

/// The `Ratelimit-*` headers Helix sends on every answer.
pub fn rate_limit_headers(response: &mut Response, limit: u32, remaining: u32, reset: u64) {
    let headers = response.headers_mut();
    headers.insert("ratelimit-limit", HeaderValue::from(limit));
    headers.insert("ratelimit-remaining", HeaderValue::from(remaining));
    headers.insert("ratelimit-reset", HeaderValue::from(reset));
}

/// Twitch's 429: the error body and an empty bucket that refills at `reset` (Unix seconds).
pub fn too_many_requests(limit: u32, reset: u64) -> Response {
    let mut response = error(StatusCode::TOO_MANY_REQUESTS, "Too Many Requests");
    rate_limit_headers(&mut response, limit, 0, reset);
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    async fn body(response: Response) -> Value {
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.expect("body");
        serde_json::from_slice(&bytes).expect("JSON")
    }

    #[tokio::test]
    async fn errors_carry_the_reason_the_status_and_the_message() {
        let response = error(StatusCode::BAD_REQUEST, "Missing required parameter \"id\"");
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        assert_eq!(
            body(response).await,
            json!({"error": "Bad Request", "status": 400, "message": "Missing required parameter \"id\""})
        );
    }

    #[tokio::test]
    async fn too_many_requests_empties_the_bucket_in_its_headers() {
        let response = too_many_requests(800, 1_700_000_060);
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        let header = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
        assert_eq!(header("ratelimit-limit").as_deref(), Some("800"));
        assert_eq!(header("ratelimit-remaining").as_deref(), Some("0"));
        assert_eq!(header("ratelimit-reset").as_deref(), Some("1700000060"));
        assert_eq!(body(response).await["error"], json!("Too Many Requests"));
    }
}
