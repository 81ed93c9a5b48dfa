//! Faults a test injects to see how a client copes: error statuses, 429 with
//! rate-limit headers, slow answers, bodies that do not decode, and dropped
//! connections. Faults wait in a queue; each request takes the first one
//! whose route matches, before any handler runs, so every endpoint can be
//! made to fail the same way.
//!
//! ```no_run
//! # fn demo(mock: &ttv_mock::MockServer) {
//! use ttv_mock::{Fault, FaultKind};
//! // The next two requests to Get Users answer 503, then all is well again.
//! mock.faults().push(Fault::new(FaultKind::Status(503)).on("/helix/users").times(2));
//! # }
//! ```

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::body::Body;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use serde_json::Value;

use crate::conn::Hangup;
use crate::helix_error;

/// What goes wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FaultKind {
    /// An error status with Helix's error body (500, 502, 503, ...).
    Status(u16),
    /// 429 with `Ratelimit-Limit`, `Ratelimit-Remaining: 0` and a
    /// `Ratelimit-Reset` this far in the future (rounded up to the second).
    TooManyRequests {
        /// How long until the bucket refills, as `Ratelimit-Reset` says.
        reset_after: Duration,
    },
    /// The answer comes this much later (then normally).
    Delay(Duration),
    /// The real answer with a JSON syntax error (its first `:` removed).
    Malformed,
    /// The real answer with a field of the wrong type: the first string field
    /// of the first `data` item becomes a number.
    WrongType,
    /// The real answer cut in half (a consistent `Content-Length`, so the
    /// HTTP exchange succeeds and the JSON ends early).
    Truncated,
    /// The connection is closed without any answer.
    DropConnection,
}

/// One fault waiting in the queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    /// Path it applies to (`/helix/users`), or with a trailing `*` a prefix
    /// (`/helix/*`); `None`: every request under `/helix`.
    pub route: Option<String>,
    /// What goes wrong.
    pub kind: FaultKind,
    /// How many matching requests it hits (`usize::MAX`: all of them).
    pub times: usize,
    /// How many matching requests it lets through first.
    pub skip: usize,
}

impl Fault {
    /// Hits the next Helix request, once.
    pub fn new(kind: FaultKind) -> Fault {
        Fault { route: None, kind, times: 1, skip: 0 }
    }

    /// Only requests to this path (or, with a trailing `*`, under this prefix).
    pub fn on(mut self, route: impl Into<String>) -> Fault {
        self.route = Some(route.into());
        self
    }

    /// Hits this many matching requests instead of one.
    pub fn times(mut self, times: usize) -> Fault {
        self.times = times;
        self
    }

    /// Every matching request, until [`Faults::clear`].
    pub fn always(self) -> Fault {
        self.times(usize::MAX)
    }

    /// Lets `n` matching requests through before hitting.
    pub fn after(mut self, n: usize) -> Fault {
        self.skip = n;
        self
    }

    fn matches(&self, path: &str) -> bool {
        match &self.route {
            None => path == "/helix" || path.starts_with("/helix/"),
            Some(r) => match r.strip_suffix('*') {
                Some(prefix) => path.starts_with(prefix),
                None => path == r,
            },
        }
    }
}

/// The fault queue of one server (`MockServer::faults`).
#[derive(Debug, Default)]
pub struct Faults {
    queue: Mutex<VecDeque<Fault>>,
    injected: AtomicU64,
}

impl Faults {
    /// Queues `fault` behind those already waiting.
    pub fn push(&self, fault: Fault) {
        self.lock().push_back(fault);
    }

    /// Removes every fault still waiting.
    pub fn clear(&self) {
        self.lock().clear();
    }

    /// How many requests were hit by a fault so far.
    pub fn injected(&self) -> u64 {
        self.injected.load(Ordering::Relaxed)
    }

    /// Faults still waiting (with hits left).
    pub fn pending(&self) -> usize {
        self.lock().len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, VecDeque<Fault>> {
        self.queue.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The fault for a request to `path`, if one is due; counts it.
    pub(crate) fn take(&self, path: &str) -> Option<FaultKind> {
        let mut queue = self.lock();
        let i = queue.iter().position(|f| f.matches(path))?;
        let fault = &mut queue[i];
        if fault.skip > 0 {
            fault.skip -= 1;
            return None;
        }
        let kind = fault.kind.clone();
        if fault.times != usize::MAX {
            fault.times = fault.times.saturating_sub(1);
        }
        if fault.times == 0 {
            queue.remove(i);
        }
        self.injected.fetch_add(1, Ordering::Relaxed);
        Some(kind)
    }
}

/// Faults that act before the handler: an answer in its place, a pause, or a
/// hang-up. `None`: go on to the handler (then [`after`]).
pub(crate) async fn before(fault: Option<&FaultKind>, bucket_size: u32, hangup: Option<&Hangup>) -> Option<Response> {
    match fault? {
        FaultKind::Status(code) => {
            let status = StatusCode::from_u16(*code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            Some(helix_error::error(status, format!("ttv-mock injected a {code}")))
        }
        FaultKind::TooManyRequests { reset_after } => {
            let reset = (SystemTime::now() + *reset_after).duration_since(UNIX_EPOCH).unwrap_or_default();
            let reset = reset.as_secs() + u64::from(reset.subsec_nanos() > 0);
            Some(helix_error::too_many_requests(bucket_size, reset))
        }
        FaultKind::Delay(d) => {
            tokio::time::sleep(*d).await;
            None
        }
        FaultKind::DropConnection => match hangup {
            Some(h) => {
                h.hang_up();
                // The connection is dropped under us; this never answers.
                std::future::pending::<()>().await;
                None
            }
            None => Some(helix_error::error(StatusCode::INTERNAL_SERVER_ERROR, "ttv-mock cannot drop this connection")),
        },
        FaultKind::Malformed | FaultKind::WrongType | FaultKind::Truncated => None,
    }
}

/// Faults that spoil the handler's answer.
pub(crate) async fn after(fault: Option<&FaultKind>, response: Response) -> Response {
    let Some(kind @ (FaultKind::Malformed | FaultKind::WrongType | FaultKind::Truncated)) = fault else {
        return response;
    };
    let (mut parts, body) = response.into_parts();
    let Ok(body) = axum::body::to_bytes(body, usize::MAX).await else {
        return helix_error::error(StatusCode::INTERNAL_SERVER_ERROR, "ttv-mock could not read its own answer");
    };
    let spoiled = match kind {
        FaultKind::Malformed => malformed(&body),
        FaultKind::WrongType => wrong_type(&body),
        _ => body[..body.len() / 2].to_vec(),
    };
    parts.headers.insert(header::CONTENT_LENGTH, HeaderValue::from(spoiled.len()));
    Response::from_parts(parts, Body::from(spoiled))
}

fn malformed(body: &[u8]) -> Vec<u8> {
    match body.iter().position(|&b| b == b':') {
        Some(i) => [&body[..i], &body[i + 1..]].concat(),
        None => b"{\"data\": [nope".to_vec(),
    }
}

fn wrong_type(body: &[u8]) -> Vec<u8> {
    let Ok(mut v) = serde_json::from_slice::<Value>(body) else { return malformed(body) };
    let item = match v.get_mut("data") {
        Some(Value::Array(items)) => items.first_mut(),
        Some(item @ Value::Object(_)) => Some(item),
        _ => None,
    };
    let field = item.and_then(Value::as_object_mut).and_then(|m| m.values_mut().find(|f| f.is_string()));
    match field {
        Some(f) => *f = Value::from(12345),
        // Nothing to spoil inside: `data` itself becomes a number.
        None => v["data"] = Value::from(12345),
    }
    serde_json::to_vec(&v).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_match_routes_and_count_down() {
        let f = Faults::default();
        f.push(Fault::new(FaultKind::Status(503)).on("/helix/users").times(2));
        f.push(Fault::new(FaultKind::Malformed).on("/helix/streams*").after(1));
        assert_eq!(f.take("/helix/games"), None);
        assert_eq!(f.take("/helix/users"), Some(FaultKind::Status(503)));
        assert_eq!(f.take("/helix/streams/key"), None, "skipped once");
        assert_eq!(f.take("/helix/streams/key"), Some(FaultKind::Malformed));
        assert_eq!(f.take("/helix/users"), Some(FaultKind::Status(503)));
        assert_eq!(f.take("/helix/users"), None);
        assert_eq!((f.injected(), f.pending()), (3, 0));
        f.push(Fault::new(FaultKind::Truncated).always());
        assert!(f.take("/oauth2/token").is_none(), "global faults are for Helix");
        for _ in 0..5 {
            assert_eq!(f.take("/helix/x"), Some(FaultKind::Truncated));
        }
        f.clear();
        assert_eq!(f.take("/helix/x"), None);
    }

    #[test]
    fn spoiled_bodies() {
        let body = br#"{"data":[{"id":"1","n":2}]}"#;
        assert!(serde_json::from_slice::<Value>(&malformed(body)).is_err());
        let wrong: Value = serde_json::from_slice(&wrong_type(body)).unwrap();
        assert_eq!(wrong["data"][0]["id"], 12345);
        let empty: Value = serde_json::from_slice(&wrong_type(br#"{"data":[]}"#)).unwrap();
        assert_eq!(empty["data"], 12345);
    }
}
