//! The wire format of id.twitch.tv's OAuth endpoints: form fields (from the
//! query string or the body, as Twitch accepts both) and the OAuth service's
//! error shape, `{"status": <code>, "message": ...}`, which differs from Helix's.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;
use ttv_meta::form;

use crate::request::MockRequest;

/// An OAuth error answer.
pub fn error(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({ "status": status.as_u16(), "message": message }))).into_response()
}

/// Form fields from the query string and the body; the body wins on conflict.
pub fn fields(req: &MockRequest) -> Vec<(String, String)> {
    let mut all = form::parse_pairs(&req.query);
    all.extend(form::parse_pairs(&String::from_utf8_lossy(&req.body)));
    all
}

/// The last non-empty value of a field.
pub fn field<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields.iter().rev().find(|(k, v)| k == name && !v.is_empty()).map(|(_, v)| v.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Bytes;
    use axum::http::{HeaderMap, Method};

    fn request(query: &str, body: &str) -> MockRequest {
        MockRequest {
            method: Method::POST,
            path: "/oauth2/token".into(),
            query: query.into(),
            headers: HeaderMap::new(),
            body: Bytes::from(body.to_owned()),
        }
    }

    #[test]
    fn the_body_wins_over_the_query_and_empty_values_do_not_count() {
        let f = fields(&request("client_id=q&scope=a+b&grant_type=x", "client_id=b&grant_type="));
        assert_eq!(field(&f, "client_id"), Some("b"));
        assert_eq!(field(&f, "scope"), Some("a b"));
        assert_eq!(field(&f, "grant_type"), Some("x"), "an empty value in the body leaves the query's");
        assert_eq!(field(&f, "absent"), None);
    }

    #[tokio::test]
    async fn errors_have_the_oauth_shape() {
        let response = error(StatusCode::FORBIDDEN, "invalid client secret");
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.expect("body");
        let v: serde_json::Value = serde_json::from_slice(&bytes).expect("JSON");
        assert_eq!(v, json!({"status": 403, "message": "invalid client secret"}));
    }
}
