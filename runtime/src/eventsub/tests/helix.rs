//! A small fake of the Helix calls a session makes (and `/oauth2/validate`
//! for the user token), over HTTP/1.1 on 127.0.0.1: subscriptions are kept
//! in memory, and a test can script the answers to creates.

use serde_json::{json, Value};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The token's user.
pub const USER: &str = "19571641";

/// A subscription the fake holds.
#[derive(Debug, Clone)]
pub struct Sub {
    pub id: String,
    pub subscription_type: String,
    pub version: String,
    pub condition: Value,
    pub session_id: String,
}

#[derive(Debug, Default)]
pub struct State {
    pub subs: Vec<Sub>,
    /// Every create request's body, in arrival order.
    pub creates: Vec<Value>,
    /// Every deleted id.
    pub deletes: Vec<String>,
    /// Answers for the next creates (status, body); a success when empty.
    pub scripted: VecDeque<(u16, Value)>,
    /// Creates are answered only once this many are in flight together (then no more are held).
    pub hold_until: usize,
    in_flight: usize,
    next_id: u32,
}

pub struct FakeHelix {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    pub state: Arc<Mutex<State>>,
}

impl FakeHelix {
    pub async fn start(scopes: &[&str]) -> FakeHelix {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let state = Arc::new(Mutex::new(State::default()));
        let shared = Shared {
            state: state.clone(),
            scopes: scopes.iter().map(|s| s.to_string()).collect(),
            in_flight: Arc::new(tokio::sync::Notify::new()),
        };
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve(stream, shared.clone()));
            }
        });
        FakeHelix { base, state }
    }

    pub fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap()
    }

    /// The subscriptions held for `session_id`, as (type, id).
    pub fn on_session(&self, session_id: &str) -> Vec<(String, String)> {
        let mut subs: Vec<_> = self
            .lock()
            .subs
            .iter()
            .filter(|s| s.session_id == session_id)
            .map(|s| (s.subscription_type.clone(), s.id.clone()))
            .collect();
        subs.sort();
        subs
    }

    /// The subscription JSON a message carries for the held subscription of `type` on `session_id`.
    pub fn payload_of(&self, subscription_type: &str, session_id: &str) -> Value {
        let state = self.lock();
        let sub = state
            .subs
            .iter()
            .find(|s| s.subscription_type == subscription_type && s.session_id == session_id)
            .unwrap_or_else(|| panic!("no {subscription_type} on {session_id}"));
        subscription_json(sub)
    }
}

#[derive(Clone)]
struct Shared {
    state: Arc<Mutex<State>>,
    scopes: Vec<String>,
    in_flight: Arc<tokio::sync::Notify>,
}

pub fn subscription_json(sub: &Sub) -> Value {
    json!({
        "id": sub.id, "status": "enabled", "type": sub.subscription_type, "version": sub.version,
        "condition": sub.condition, "created_at": "2026-01-01T00:00:00.000000000Z", "cost": 0,
        "transport": {"method": "websocket", "session_id": sub.session_id, "connected_at": "2026-01-01T00:00:00.000000000Z"},
    })
}

/// One HTTP/1.1 connection, kept alive.
async fn serve(mut stream: TcpStream, shared: Shared) {
    let mut buf = Vec::new();
    loop {
        let Some(head_end) = read_until_head(&mut stream, &mut buf).await else { return };
        let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
        let length = head
            .lines()
            .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().to_owned()))
            .and_then(|v| v.parse::<usize>().ok())
            .unwrap_or(0);
        while buf.len() < head_end + length {
            let mut chunk = [0u8; 4096];
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
        let body: Value = serde_json::from_slice(&buf[head_end..head_end + length]).unwrap_or(Value::Null);
        buf.drain(..head_end + length);
        let mut request_line = head.lines().next().unwrap_or_default().split(' ');
        let (method, target) =
            (request_line.next().unwrap_or_default().to_owned(), request_line.next().unwrap_or_default().to_owned());
        let (status, answer) = answer(&shared, &method, &target, body).await;
        let text = if answer.is_null() { String::new() } else { answer.to_string() };
        let reset = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() + 60;
        let response = format!(
            "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nratelimit-limit: 800\r\nratelimit-remaining: 799\r\nratelimit-reset: {reset}\r\n\r\n{text}",
            text.len()
        );
        if stream.write_all(response.as_bytes()).await.is_err() {
            return;
        }
    }
}

/// Reads until the end of a request head; its length, or `None` when the connection ended.
async fn read_until_head(stream: &mut TcpStream, buf: &mut Vec<u8>) -> Option<usize> {
    loop {
        if let Some(at) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            return Some(at + 4);
        }
        let mut chunk = [0u8; 4096];
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return None,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
}

fn error(status: u16, message: &str) -> (u16, Value) {
    (status, json!({"error": "Error", "status": status, "message": message}))
}

async fn answer(shared: &Shared, method: &str, target: &str, body: Value) -> (u16, Value) {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    match (method, path) {
        ("GET", "/oauth2/validate") => (
            200,
            json!({"client_id": "cid", "login": "ninja", "user_id": USER, "scopes": shared.scopes, "expires_in": 3600}),
        ),
        ("POST", "/helix/eventsub/subscriptions") => create(shared, body).await,
        ("GET", "/helix/eventsub/subscriptions") => {
            let state = shared.state.lock().unwrap();
            let data: Vec<Value> = state.subs.iter().map(subscription_json).collect();
            (200, json!({"data": data, "total": data.len(), "total_cost": 0, "max_total_cost": 10, "pagination": {}}))
        }
        ("DELETE", "/helix/eventsub/subscriptions") => {
            let id = query.strip_prefix("id=").unwrap_or_default().to_owned();
            let mut state = shared.state.lock().unwrap();
            let before = state.subs.len();
            state.subs.retain(|s| s.id != id);
            let found = state.subs.len() < before;
            state.deletes.push(id);
            if found {
                (204, Value::Null)
            } else {
                error(404, "subscription not found")
            }
        }
        _ => error(404, "no such path in the fake"),
    }
}

async fn create(shared: &Shared, body: Value) -> (u16, Value) {
    // Held until `hold_until` creates are in flight: a session that sent them
    // one by one would never get an answer (and the test would fail).
    {
        let mut state = shared.state.lock().unwrap();
        state.creates.push(body.clone());
        state.in_flight += 1;
    }
    let waited = tokio::time::timeout(Duration::from_secs(20), async {
        loop {
            let notified = shared.in_flight.notified();
            {
                let mut state = shared.state.lock().unwrap();
                if state.in_flight >= state.hold_until {
                    // Released: every held create goes on, and later ones are not held.
                    state.hold_until = 0;
                    shared.in_flight.notify_waiters();
                    return;
                }
            }
            notified.await;
        }
    })
    .await;
    let out = {
        let mut state = shared.state.lock().unwrap();
        let out = if waited.is_err() {
            error(500, "the creates were not sent concurrently")
        } else if let Some(scripted) = state.scripted.pop_front() {
            scripted
        } else {
            state.next_id += 1;
            let sub = Sub {
                id: format!("sub-{}", state.next_id),
                subscription_type: body["type"].as_str().unwrap_or_default().to_owned(),
                version: body["version"].as_str().unwrap_or_default().to_owned(),
                condition: body["condition"].clone(),
                session_id: body["transport"]["session_id"].as_str().unwrap_or_default().to_owned(),
            };
            let data = subscription_json(&sub);
            state.subs.push(sub);
            (202, json!({"data": [data], "total": 1, "total_cost": 0, "max_total_cost": 10}))
        };
        state.in_flight -= 1;
        out
    };
    out
}
