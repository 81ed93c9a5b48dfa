//! The envelope Helix wraps answers in.

use serde::{Deserialize, Serialize};

/// One answer: `data`, and for paginated endpoints the cursor of the next page.
/// Top-level fields other than `data`, `pagination` and `total` are kept in `extra`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(bound(deserialize = "T: serde::de::DeserializeOwned", serialize = "T: Serialize"))]
pub struct Response<T> {
    #[serde(default = "Vec::new")]
    pub data: Vec<T>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pagination: Option<Pagination>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<i64>,
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl<T> Response<T> {
    /// The cursor for the next page, when there is one.
    pub fn cursor(&self) -> Option<&str> {
        self.pagination.as_ref().and_then(|p| p.cursor.as_deref()).filter(|c| !c.is_empty())
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Pagination {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
}

/// The item type of endpoints that answer 204 No Content.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoContent {}

/// The last rate-limit figures Helix sent (`Ratelimit-*` headers).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RateLimit {
    pub limit: u32,
    pub remaining: u32,
    /// Unix seconds when the bucket refills.
    pub reset: u64,
}
