//! A scripted EventSub WebSocket server on 127.0.0.1: each test accepts the
//! client's connections one by one and says what Twitch would say, as
//! Twitch's JSON messages.

use crate::eventsub::timestamp;
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::handshake::server::{Request, Response};
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;

/// Bounds every wait of a test, so that a bug fails it instead of hanging it.
pub const PATIENCE: Duration = Duration::from_secs(20);

pub struct Server {
    /// `ws://127.0.0.1:PORT/ws`.
    pub url: String,
    conns: mpsc::UnboundedReceiver<Conn>,
}

pub struct Conn {
    /// The request's path and query.
    pub path: String,
    ws: WebSocketStream<TcpStream>,
}

impl Server {
    pub async fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("ws://{}/ws", listener.local_addr().unwrap());
        let (tx, conns) = mpsc::unbounded_channel();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let path = Arc::new(Mutex::new(String::new()));
                let seen = path.clone();
                // The error type is tungstenite's, as accept_hdr_async wants it.
                #[allow(clippy::result_large_err)]
                let callback = move |request: &Request, response: Response| {
                    *seen.lock().unwrap() = request.uri().to_string();
                    Ok(response)
                };
                if let Ok(ws) = tokio_tungstenite::accept_hdr_async(stream, callback).await {
                    let path = path.lock().unwrap().clone();
                    let _ = tx.send(Conn { path, ws });
                }
            }
        });
        Server { url, conns }
    }

    /// The next connection the client opens.
    pub async fn accept(&mut self) -> Conn {
        tokio::time::timeout(PATIENCE, self.conns.recv()).await.expect("the client connects").expect("listening")
    }

    /// Whether the client opened another connection (without waiting).
    pub fn connected_again(&mut self) -> bool {
        self.conns.try_recv().is_ok()
    }
}

impl Conn {
    pub async fn send(&mut self, message: Value) {
        self.ws.send(Message::text(message.to_string())).await.expect("the client reads");
    }

    pub async fn welcome(&mut self, session_id: &str, keepalive_seconds: f64) {
        let session = json!({"id": session_id, "status": "connected", "connected_at": now_text(),
            "keepalive_timeout_seconds": keepalive_seconds, "reconnect_url": null, "recovery_url": null});
        self.send(message("session_welcome", &format!("welcome-{session_id}"), json!({"session": session}))).await;
    }

    pub async fn reconnect(&mut self, session_id: &str, url: &str) {
        let session = json!({"id": session_id, "status": "reconnecting", "connected_at": now_text(),
            "keepalive_timeout_seconds": null, "reconnect_url": url});
        self.send(message("session_reconnect", "reconnect-1", json!({"session": session}))).await;
    }

    pub async fn ping(&mut self, payload: &'static [u8]) {
        self.ws.send(Message::Ping(payload.into())).await.expect("the client reads");
    }

    pub async fn close(&mut self, code: u16) {
        let frame = CloseFrame { code: CloseCode::from(code), reason: "".into() };
        let _ = self.ws.send(Message::Close(Some(frame))).await;
    }

    /// The next frame the client sent; `None` when the connection ended.
    pub async fn sent_by_client(&mut self) -> Option<Message> {
        match tokio::time::timeout(PATIENCE, self.ws.next()).await.expect("the client sends or closes") {
            Some(Ok(m)) => Some(m),
            _ => None,
        }
    }

    /// Everything the client sends until the connection ends: only Pongs and a Close are allowed.
    pub async fn only_pongs_until_closed(&mut self) -> usize {
        let mut pongs = 0;
        while let Some(frame) = self.sent_by_client().await {
            match frame {
                Message::Pong(_) => pongs += 1,
                Message::Close(_) => {}
                other => panic!("the client sent {other:?}"),
            }
        }
        pongs
    }
}

/// A message of `kind` with `payload`, sent now.
pub fn message(kind: &str, id: &str, payload: Value) -> Value {
    json!({"metadata": {"message_id": id, "message_type": kind, "message_timestamp": now_text()}, "payload": payload})
}

/// A notification for `subscription` (as Helix answered it), sent `age` ago.
pub fn notification(id: &str, subscription: &Value, event: Value, age: Duration) -> Value {
    let sent = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs_f64() - age.as_secs_f64();
    json!({
        "metadata": {"message_id": id, "message_type": "notification", "message_timestamp": timestamp::format(sent),
            "subscription_type": subscription["type"], "subscription_version": subscription["version"]},
        "payload": {"subscription": subscription, "event": event},
    })
}

/// A batched notification: `events[]` of `{id, data}`.
pub fn batched(id: &str, subscription: &Value, items: &[(&str, Value)]) -> Value {
    let events: Vec<Value> = items.iter().map(|(id, data)| json!({"id": id, "data": data})).collect();
    let mut n = notification(id, subscription, Value::Null, Duration::ZERO);
    n["payload"] = json!({"subscription": subscription, "events": events});
    n
}

pub fn revocation(id: &str, subscription: &Value, status: &str) -> Value {
    let mut sub = subscription.clone();
    sub["status"] = json!(status);
    message("revocation", id, json!({"subscription": sub}))
}

fn now_text() -> String {
    timestamp::format(SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs_f64())
}
