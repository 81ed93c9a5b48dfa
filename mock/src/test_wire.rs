//! Requests and answers without a socket, for unit tests of the handlers:
//! a [`MockRequest`] as the server would build it, and an answer's JSON body.

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method};
use axum::response::Response;
use serde_json::Value;

use crate::request::MockRequest;

/// `target` is a path with an optional `?query`.
pub fn request(method: &str, target: &str, headers: &[(&str, &str)], body: &str) -> MockRequest {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let mut map = HeaderMap::new();
    for (k, v) in headers {
        let name = HeaderName::from_bytes(k.as_bytes()).expect("a header name");
        map.append(name, HeaderValue::from_str(v).expect("a header value"));
    }
    MockRequest {
        method: Method::from_bytes(method.as_bytes()).expect("a method"),
        path: path.to_owned(),
        query: query.to_owned(),
        headers: map,
        body: Bytes::from(body.to_owned()),
    }
}

/// The answer's body as JSON (`null` when it is not JSON).
pub async fn json(response: Response) -> Value {
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.expect("a body in memory");
    serde_json::from_slice(&bytes).unwrap_or(Value::Null)
}
