//! A request as the handlers see it: read in full before any handler runs,
//! so the OAuth and Helix sides (and the fault injection) share one type.

use axum::body::Bytes;
use axum::http::{HeaderMap, Method};

#[derive(Debug, Clone)]
pub struct MockRequest {
    pub method: Method,
    /// Path without the query, e.g. `/helix/users`.
    pub path: String,
    /// Raw query string without `?` (empty when none).
    pub query: String,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl MockRequest {
    /// A header's value, when present and text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn headers_are_found_by_any_case_and_must_be_text() {
        let mut headers = HeaderMap::new();
        headers.insert("client-id", HeaderValue::from_static("abc"));
        headers.insert("x-binary", HeaderValue::from_bytes(b"\xff\xfe").expect("opaque bytes are a header value"));
        let req = MockRequest {
            method: Method::GET,
            path: "/helix/users".into(),
            query: String::new(),
            headers,
            body: Bytes::new(),
        };
        assert_eq!(req.header("Client-Id"), Some("abc"));
        assert_eq!(req.header("x-binary"), None);
        assert_eq!(req.header("authorization"), None);
    }
}
