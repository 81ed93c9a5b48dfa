//! The EventSub WebSocket over real sockets: tungstenite clients against
//! `/ws`, subscriptions through Helix, and the `/mock/eventsub/` controls.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;

use crate::config::MockConfig;
use crate::server::MockServer;
use crate::test_http::{helix, send, Reply};

/// Guards against hangs only; nothing here is timed.
const PATIENCE: Duration = Duration::from_secs(20);

const SCOPES: &[&str] = &["user:read:chat", "user:write:chat", "moderator:read:followers"];

fn server() -> MockServer {
    MockServer::start_background(MockConfig { users: 30, games: 2, ..MockConfig::default() }).expect("start mock")
}

fn control(server: &MockServer, path: &str, body: Value) -> Reply {
    let body = body.to_string();
    let headers = [("Content-Type", "application/json")];
    send(server.addr(), "POST", &format!("/mock/eventsub/{path}"), &headers, body.as_bytes())
}

fn timers(server: &MockServer, body: Value) {
    assert_eq!(control(server, "timers", body).status, 200);
}

fn sessions(server: &MockServer) -> Value {
    send(server.addr(), "GET", "/mock/eventsub/sessions", &[], b"").json()
}

/// Create EventSub Subscription over the WebSocket transport.
fn create(server: &MockServer, token: &str, session: &str, ty: &str, version: &str, condition: Value) -> Reply {
    let body = json!({"type": ty, "version": version, "condition": condition,
                      "transport": {"method": "websocket", "session_id": session}});
    helix(server, "POST", "/eventsub/subscriptions", token, &body.to_string())
}

fn subscribe(server: &MockServer, token: &str, session: &str, ty: &str, version: &str, condition: Value) -> Value {
    let reply = create(server, token, session, ty, version, condition);
    assert_eq!(reply.status, 202, "{}", String::from_utf8_lossy(&reply.body));
    reply.json()["data"][0].clone()
}

fn listed(server: &MockServer, token: &str) -> Value {
    helix(server, "GET", "/eventsub/subscriptions", token, "").json()
}

/// One frame as the tests see it.
#[derive(Debug)]
enum Frame {
    Json(Value),
    Ping,
    Close(Option<u16>),
    /// The stream ended (or broke) without a close frame.
    End,
}

async fn frame<S: AsyncRead + AsyncWrite + Unpin>(ws: &mut WebSocketStream<S>) -> Frame {
    let next = tokio::time::timeout(PATIENCE, ws.next()).await.expect("a frame within the guard");
    match next {
        None | Some(Err(_)) => Frame::End,
        Some(Ok(Message::Text(t))) => Frame::Json(serde_json::from_str(t.as_str()).expect("JSON text")),
        Some(Ok(Message::Close(f))) => Frame::Close(f.map(|f| u16::from(f.code))),
        Some(Ok(_)) => Frame::Ping,
    }
}

/// The next message that is no keepalive.
async fn message<S: AsyncRead + AsyncWrite + Unpin>(ws: &mut WebSocketStream<S>) -> Value {
    loop {
        match frame(ws).await {
            Frame::Json(v) if v["metadata"]["message_type"] == "session_keepalive" => {}
            Frame::Json(v) => return v,
            Frame::Ping => {}
            other => panic!("the connection ended instead: {other:?}"),
        }
    }
}

/// How the connection ends: the close frame's code, `None` for no close frame.
async fn end<S: AsyncRead + AsyncWrite + Unpin>(ws: &mut WebSocketStream<S>) -> Option<u16> {
    loop {
        match frame(ws).await {
            Frame::Close(code) => return code,
            Frame::End => return None,
            _ => {}
        }
    }
}

type Client = WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn connect(url: &str) -> (Client, Value) {
    let (mut ws, _) = tokio_tungstenite::connect_async(url).await.expect("the WebSocket opens");
    let welcome = message(&mut ws).await;
    (ws, welcome)
}

fn session_id(welcome: &Value) -> String {
    welcome["payload"]["session"]["id"].as_str().expect("a session id").to_owned()
}

async fn connected(server: &MockServer) -> (Client, String) {
    let (ws, welcome) = connect(&server.eventsub_url()).await;
    (ws, session_id(&welcome))
}

/// Polls the sessions control until `check` holds for the session (or the guard ends).
async fn session_until(server: &MockServer, id: &str, check: impl Fn(&Value) -> bool) -> Value {
    let deadline = tokio::time::Instant::now() + PATIENCE;
    loop {
        let all = sessions(server);
        let found = all["data"].as_array().into_iter().flatten().find(|s| s["id"] == id).cloned();
        if let Some(s) = found.filter(|s| check(s)) {
            return s;
        }
        assert!(tokio::time::Instant::now() < deadline, "session {id} never got there: {all}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn status_of(server: &MockServer, token: &str, id: &str) -> Option<String> {
    let list = listed(server, token);
    let found = list["data"].as_array().into_iter().flatten().find(|s| s["id"] == id).cloned();
    found.and_then(|s| s["status"].as_str().map(str::to_owned))
}

async fn status_until(server: &MockServer, token: &str, id: &str, want: &str) {
    let deadline = tokio::time::Instant::now() + PATIENCE;
    while status_of(server, token, id).as_deref() != Some(want) {
        assert!(tokio::time::Instant::now() < deadline, "{id} never became {want}: {}", listed(server, token));
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn a_welcome_names_a_fresh_session_and_its_keepalive() {
    let server = server();
    assert!(server.eventsub_url().starts_with("ws://127.0.0.1:") && server.eventsub_url().ends_with("/ws"));
    let (_a, first) = connect(&server.eventsub_url()).await;
    assert_eq!(first["metadata"]["message_type"], "session_welcome");
    let session = &first["payload"]["session"];
    assert_eq!(
        (session["status"].as_str(), session["keepalive_timeout_seconds"].as_u64()),
        (Some("connected"), Some(10))
    );
    assert!(session["reconnect_url"].is_null());
    let stamp = first["metadata"]["message_timestamp"].as_str().unwrap_or_default();
    assert_eq!(stamp.split_once('.').map(|(_, f)| f.len()), Some(10), "nine digits and Z: {stamp}");
    let (_b, second) = connect(&format!("{}?keepalive_timeout_seconds=3", server.eventsub_url())).await;
    assert_ne!(session_id(&first), session_id(&second), "each connection its own session");
    assert_eq!(second["payload"]["session"]["keepalive_timeout_seconds"], 10, "clamped to 10..600");
    let (_c, third) = connect(&format!("{}?keepalive_timeout_seconds=42", server.eventsub_url())).await;
    assert_eq!(third["payload"]["session"]["keepalive_timeout_seconds"], 42);
    let (_d, big) = connect(&format!("{}?keepalive_timeout_seconds=9999", server.eventsub_url())).await;
    assert_eq!(big["payload"]["session"]["keepalive_timeout_seconds"], 600);
}

#[tokio::test]
async fn idle_connections_get_keepalives_and_pings_and_client_data_closes_with_4001() {
    let server = server();
    timers(&server, json!({"keepalive_ms": 300, "welcome_window_ms": 60_000}));
    let (mut ws, welcome) = connect(&format!("{}?keepalive_timeout_seconds=42", server.eventsub_url())).await;
    assert_eq!(welcome["payload"]["session"]["keepalive_timeout_seconds"], json!(0.3), "the timer wins");
    let (mut keepalive, mut ping) = (None, false);
    while keepalive.is_none() || !ping {
        match frame(&mut ws).await {
            Frame::Json(v) => keepalive = Some(v),
            Frame::Ping => ping = true,
            other => panic!("{other:?}"),
        }
    }
    let keepalive = keepalive.unwrap_or_default();
    assert_eq!(keepalive["metadata"]["message_type"], "session_keepalive");
    assert_eq!(keepalive["payload"], json!({}));
    ws.send(Message::text("hello")).await.expect("send");
    assert_eq!(end(&mut ws).await, Some(4001));
    let id = session_id(&welcome);
    session_until(&server, &id, |s| s["status"] == "disconnected" && s["connections"] == 0).await;
}

#[tokio::test]
async fn no_subscription_within_the_welcome_window_closes_with_4003() {
    let server = server();
    timers(&server, json!({"welcome_window_ms": 200}));
    let (mut ws, _) = connected(&server).await;
    assert_eq!(end(&mut ws).await, Some(4003));
    // A subscription in time keeps it open past the window.
    let token = server.issue_user_token("ninja", &[]);
    timers(&server, json!({"welcome_window_ms": 1500}));
    let (mut ws, id) = connected(&server).await;
    subscribe(&server, &token, &id, "stream.online", "1", json!({"broadcaster_user_id": "10001"}));
    tokio::time::sleep(Duration::from_millis(1600)).await;
    let done = control(&server, "trigger", json!({"type": "stream.online"})).json();
    assert_eq!(done["delivered"], 1, "{done}");
    assert_eq!(message(&mut ws).await["metadata"]["message_type"], "notification");
}

#[tokio::test]
async fn websocket_subscriptions_follow_twitchs_rules() {
    let server = server();
    let token = server.issue_user_token("ninja", SCOPES);
    let (_ws, id) = connected(&server).await;
    let online = |b: &str| json!({"broadcaster_user_id": b});

    let missing = helix(&server, "POST", "/eventsub/subscriptions", &token,
        &json!({"type": "stream.online", "version": "1", "condition": online("10001"), "transport": {"method": "websocket"}}).to_string());
    assert_eq!(missing.status, 400, "no session_id");
    let unknown = create(&server, &token, "AQoQnope", "stream.online", "1", online("10001"));
    assert_eq!(unknown.status, 400);
    assert!(unknown.json()["message"].as_str().unwrap_or_default().contains("does not exist"), "{:?}", unknown.json());
    let app = create(&server, &server.issue_app_token(), &id, "stream.online", "1", online("10001"));
    assert_eq!(app.status, 400, "an app token cannot use a WebSocket");
    let unscoped = server.issue_user_token("ninja", &[]);
    let follow = json!({"broadcaster_user_id": "10001", "moderator_user_id": "10001"});
    assert_eq!(create(&server, &unscoped, &id, "channel.follow", "2", follow.clone()).status, 403, "missing scope");
    let other = json!({"broadcaster_user_id": "10001", "moderator_user_id": "10002"});
    assert_eq!(create(&server, &token, &id, "channel.follow", "2", other).status, 403, "not the token's user");

    let made = subscribe(&server, &token, &id, "channel.follow", "2", follow.clone());
    assert_eq!((made["status"].as_str(), made["cost"].as_u64()), (Some("enabled"), Some(0)), "{made}");
    assert_eq!(made["transport"]["session_id"], json!(id));
    let again = create(&server, &token, &id, "channel.follow", "2", follow);
    assert_eq!((again.status, again.json()["id"].clone()), (409, made["id"].clone()));

    // Cost: 1 for each other broadcaster, 10 in all per user; 0 still fits.
    for b in 10002..10012 {
        let made = subscribe(&server, &token, &id, "stream.online", "1", online(&b.to_string()));
        assert_eq!(made["cost"], 1);
    }
    let over = create(&server, &token, &id, "stream.online", "1", online("10020"));
    assert_eq!(over.status, 429, "{:?}", over.json());
    subscribe(&server, &token, &id, "stream.online", "1", online("10001"));
    let list = listed(&server, &token);
    assert_eq!(
        (list["total"].as_u64(), list["total_cost"].as_u64(), list["max_total_cost"].as_u64()),
        (Some(12), Some(10), Some(10))
    );
    let others = listed(&server, &server.issue_user_token("shroud", &[]));
    assert_eq!(others["total"], 0, "another user sees none of them: {others}");
    // Deleting one frees its cost.
    let first = list["data"][0]["id"].as_str().unwrap_or_default().to_owned();
    let one_cost = list["data"][0]["cost"].as_u64();
    assert_eq!(helix(&server, "DELETE", &format!("/eventsub/subscriptions?id={first}"), &token, "").status, 204);
    assert_eq!(listed(&server, &token)["total"], 11);
    if one_cost == Some(1) {
        subscribe(&server, &token, &id, "stream.online", "1", online("10020"));
    }
}

#[tokio::test]
async fn a_user_may_hold_three_sessions_with_subscriptions() {
    let server = server();
    let token = server.issue_user_token("ninja", &[]);
    let me = json!({"broadcaster_user_id": "10001"});
    let mut open = Vec::new();
    for ty in ["stream.online", "stream.offline", "channel.update"] {
        let (ws, id) = connected(&server).await;
        let version = if ty == "channel.update" { "2" } else { "1" };
        subscribe(&server, &token, &id, ty, version, me.clone());
        open.push(ws);
    }
    let (_ws, fourth) = connected(&server).await;
    let refused = create(&server, &token, &fourth, "user.update", "1", json!({"user_id": "10001"}));
    assert_eq!(refused.status, 429, "{:?}", refused.json());
}

#[tokio::test]
async fn a_trigger_sends_one_notification_per_matching_subscription_in_twitchs_shape() {
    let server = server();
    let token = server.issue_user_token("ninja", SCOPES);
    let (mut ws, id) = connected(&server).await;
    let condition = json!({"broadcaster_user_id": "10001", "moderator_user_id": "10001"});
    let sub = subscribe(&server, &token, &id, "channel.follow", "2", condition.clone());
    subscribe(&server, &token, &id, "stream.online", "1", json!({"broadcaster_user_id": "10002"}));

    let done = control(&server, "trigger", json!({"type": "channel.follow", "count": 2})).json();
    assert_eq!(done["delivered"], 2, "{done}");
    let ids: Vec<Value> = done["message_ids"].as_array().cloned().unwrap_or_default();
    for want in &ids {
        let n = message(&mut ws).await;
        assert_eq!(&n["metadata"]["message_id"], want);
        let keys: Vec<&String> = n["metadata"].as_object().map(|m| m.keys().collect()).unwrap_or_default();
        assert_eq!(
            keys,
            ["message_id", "message_type", "message_timestamp", "subscription_type", "subscription_version"]
        );
        assert_eq!(
            (n["metadata"]["subscription_type"].as_str(), n["metadata"]["subscription_version"].as_str()),
            (Some("channel.follow"), Some("2"))
        );
        let s = &n["payload"]["subscription"];
        assert_eq!(
            (s["id"].clone(), s["status"].as_str(), s["condition"].clone()),
            (sub["id"].clone(), Some("enabled"), condition.clone())
        );
        assert_eq!(s["transport"], json!({"method": "websocket", "session_id": id}));
        let event = &n["payload"]["event"];
        assert_eq!(
            (event["broadcaster_user_id"].as_str(), event["broadcaster_user_login"].as_str()),
            (Some("10001"), Some("ninja"))
        );
        assert!(event["user_id"].is_string() && event["followed_at"].is_string(), "{event}");
    }
    assert_ne!(ids[0], ids[1]);

    // Conditions filter, overrides merge, and age moves the timestamp back.
    let none =
        control(&server, "trigger", json!({"type": "stream.online", "condition": {"broadcaster_user_id": "10009"}}))
            .json();
    assert_eq!(none["delivered"], 0);
    let old = control(
        &server,
        "trigger",
        json!({"type": "stream.online", "age_seconds": 3600, "event": {"type": "premiere"}}),
    )
    .json();
    assert_eq!(old["delivered"], 1);
    let n = message(&mut ws).await;
    assert_eq!(n["payload"]["event"]["type"], "premiere");
    assert_eq!(n["payload"]["event"]["broadcaster_user_id"], "10002");
    let stamp = n["metadata"]["message_timestamp"].as_str().unwrap_or_default().to_owned();
    assert!(stamp < crate::rfc3339::format_unix(now_secs() - 3000), "an hour old: {stamp}");

    let unknown = control(&server, "trigger", json!({"type": "channel.nope"}));
    assert_eq!(unknown.status, 404);
    assert_eq!(
        unknown.json(),
        json!({"error": "Not Found", "status": 404, "message": "unknown subscription type channel.nope"})
    );
}

fn now_secs() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

#[tokio::test]
async fn a_reconnect_hands_the_session_over_to_the_new_connection() {
    let server = server();
    let token = server.issue_user_token("ninja", &[]);
    let (mut old, id) = connected(&server).await;
    let sub = subscribe(&server, &token, &id, "stream.online", "1", json!({"broadcaster_user_id": "10001"}));
    let asked = control(&server, &format!("sessions/{id}/reconnect"), json!({}));
    assert_eq!(asked.status, 200);
    let notice = message(&mut old).await;
    assert_eq!(notice["metadata"]["message_type"], "session_reconnect");
    let url = notice["payload"]["session"]["reconnect_url"].as_str().unwrap_or_default().to_owned();
    assert!(url.starts_with(&server.eventsub_url()) && url.contains("?reconnect="), "{url}");
    assert_eq!(notice["payload"]["session"]["id"], json!(id));
    assert!(notice["payload"]["session"]["keepalive_timeout_seconds"].is_null());
    session_until(&server, &id, |s| s["status"] == "reconnecting").await;

    // Until the new connection is welcomed, events go to the old one.
    assert_eq!(control(&server, "trigger", json!({"type": "stream.online"})).json()["delivered"], 1);
    assert_eq!(message(&mut old).await["metadata"]["message_type"], "notification");

    let (mut new, welcome) = connect(&url).await;
    assert_eq!(session_id(&welcome), id, "the same session");
    assert_eq!(end(&mut old).await, Some(1000), "the old connection closes normally");
    let done = control(&server, "trigger", json!({"type": "stream.online"})).json();
    assert_eq!(done["delivered"], 1);
    let n = message(&mut new).await;
    assert_eq!(n["metadata"]["message_id"], done["message_ids"][0]);
    let s = session_until(&server, &id, |s| s["status"] == "connected" && s["connections"] == 1).await;
    assert_eq!(s["subscriptions"], json!([sub["id"]]), "still bound: {s}");
    assert_eq!(status_of(&server, &token, sub["id"].as_str().unwrap_or_default()).as_deref(), Some("enabled"));

    // A reconnect URL works once.
    let (mut twice, _) = tokio_tungstenite::connect_async(url.as_str()).await.expect("opens");
    assert_eq!(end(&mut twice).await, Some(4007));
}

#[tokio::test]
async fn a_reconnect_left_undone_closes_with_4004_and_its_url_then_gives_4007() {
    let server = server();
    let token = server.issue_user_token("ninja", &[]);
    timers(&server, json!({"reconnect_grace_ms": 300}));
    let (mut old, id) = connected(&server).await;
    let sub = subscribe(&server, &token, &id, "stream.online", "1", json!({"broadcaster_user_id": "10001"}));
    let url = control(&server, &format!("sessions/{id}/reconnect"), json!({})).json()["reconnect_url"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert_eq!(end(&mut old).await, Some(4004));
    status_until(&server, &token, sub["id"].as_str().unwrap_or_default(), "websocket_failed_to_reconnect").await;
    let (mut late, _) = tokio_tungstenite::connect_async(url.as_str()).await.expect("opens");
    assert_eq!(end(&mut late).await, Some(4007));
}

#[tokio::test]
async fn a_dropped_session_disables_its_subscriptions_after_the_orphan_grace() {
    let server = server();
    let token = server.issue_user_token("ninja", &[]);
    let online = json!({"broadcaster_user_id": "10001"});

    // With a close code: its status.
    let (mut ws, id) = connected(&server).await;
    let sub = subscribe(&server, &token, &id, "stream.online", "1", online.clone());
    assert_eq!(control(&server, &format!("sessions/{id}/drop"), json!({"code": 4000})).status, 200);
    assert_eq!(end(&mut ws).await, Some(4000));
    status_until(&server, &token, sub["id"].as_str().unwrap_or_default(), "websocket_internal_error").await;
    assert_eq!(control(&server, "trigger", json!({"type": "stream.online"})).json()["delivered"], 0);
    assert_eq!(create(&server, &token, &id, "stream.online", "1", online.clone()).status, 400, "the session is gone");

    // Without one: a TCP close, status websocket_disconnected.
    let (mut ws, id) = connected(&server).await;
    let sub = subscribe(&server, &token, &id, "stream.online", "1", online.clone());
    control(&server, &format!("sessions/{id}/drop"), json!({}));
    assert_eq!(end(&mut ws).await, None, "no close frame");
    status_until(&server, &token, sub["id"].as_str().unwrap_or_default(), "websocket_disconnected").await;

    // With an orphan grace the dead session's subscription still counts (409).
    timers(&server, json!({"orphan_grace_ms": 800}));
    let (mut ws, id) = connected(&server).await;
    let orphan = subscribe(&server, &token, &id, "stream.online", "1", online.clone());
    control(&server, &format!("sessions/{id}/drop"), json!({"code": 4006}));
    assert_eq!(end(&mut ws).await, Some(4006));
    session_until(&server, &id, |s| s["status"] == "disconnected").await;
    let (_fresh, fresh) = connected(&server).await;
    let clash = create(&server, &token, &fresh, "stream.online", "1", online.clone());
    assert_eq!((clash.status, clash.json()["id"].clone()), (409, orphan["id"].clone()), "the orphan still counts");
    status_until(&server, &token, orphan["id"].as_str().unwrap_or_default(), "websocket_network_error").await;
    subscribe(&server, &token, &fresh, "stream.online", "1", online);
}

#[tokio::test]
async fn a_silenced_connection_stays_open_without_keepalives() {
    let server = server();
    let token = server.issue_user_token("ninja", &[]);
    timers(&server, json!({"keepalive_ms": 100}));
    let (mut ws, id) = connected(&server).await;
    subscribe(&server, &token, &id, "stream.online", "1", json!({"broadcaster_user_id": "10001"}));
    assert_eq!(control(&server, &format!("sessions/{id}/silence"), json!({})).status, 200);
    // Frames already on their way, then nothing: well past many keepalive periods.
    tokio::time::sleep(Duration::from_millis(200)).await;
    while let Ok(Some(_)) = tokio::time::timeout(Duration::from_millis(50), ws.next()).await {}
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(control(&server, "trigger", json!({"type": "stream.online"})).json()["delivered"], 1);
    match frame(&mut ws).await {
        Frame::Json(v) => assert_eq!(v["metadata"]["message_type"], "notification", "no keepalive came first: {v}"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn revocations_remove_the_subscription_and_resends_repeat_the_message() {
    let server = server();
    let token = server.issue_user_token("ninja", &[]);
    let (mut ws, id) = connected(&server).await;
    let sub = subscribe(&server, &token, &id, "stream.online", "1", json!({"broadcaster_user_id": "10001"}));
    control(&server, "trigger", json!({"type": "stream.online"}));
    let first = message(&mut ws).await;
    let resent = control(&server, "resend", json!({})).json();
    assert_eq!(resent["message_ids"][0], first["metadata"]["message_id"]);
    assert_eq!(message(&mut ws).await, first, "same id, same timestamp, same event");
    let by_id = control(&server, "resend", json!({"message_id": first["metadata"]["message_id"]}));
    assert_eq!(by_id.json()["delivered"], 1);
    assert_eq!(message(&mut ws).await, first);
    assert_eq!(control(&server, "resend", json!({"message_id": "nope"})).status, 404);

    let sub_id = sub["id"].as_str().unwrap_or_default();
    let revoked = control(&server, &format!("subscriptions/{sub_id}/revoke"), json!({"status": "user_removed"}));
    assert_eq!(revoked.json()["delivered"], 1);
    let r = message(&mut ws).await;
    assert_eq!(r["metadata"]["message_type"], "revocation");
    assert_eq!(
        (r["payload"]["subscription"]["id"].as_str(), r["payload"]["subscription"]["status"].as_str()),
        (Some(sub_id), Some("user_removed"))
    );
    assert!(r["payload"].get("event").is_none());
    assert_eq!(status_of(&server, &token, sub_id), None, "removed");
    assert_eq!(control(&server, &format!("subscriptions/{sub_id}/revoke"), json!({})).status, 404);
}

#[tokio::test]
async fn a_sent_chat_message_reaches_chat_subscriptions() {
    let server = server();
    let token = server.issue_user_token("ninja", SCOPES);
    let (mut ws, id) = connected(&server).await;
    subscribe(
        &server,
        &token,
        &id,
        "channel.chat.message",
        "1",
        json!({"broadcaster_user_id": "10002", "user_id": "10001"}),
    );
    let body = json!({"broadcaster_id": "10002", "sender_id": "10001", "message": "hello chat"}).to_string();
    let sent = helix(&server, "POST", "/chat/messages", &token, &body);
    assert_eq!(sent.status, 200, "{}", String::from_utf8_lossy(&sent.body));
    let sent = sent.json()["data"][0].clone();
    let n = message(&mut ws).await;
    let event = &n["payload"]["event"];
    assert_eq!(n["metadata"]["subscription_type"], "channel.chat.message");
    assert_eq!(
        (event["chatter_user_id"].as_str(), event["chatter_user_login"].as_str()),
        (Some("10001"), Some("ninja"))
    );
    assert_eq!(event["broadcaster_user_id"], "10002");
    assert_eq!(event["message"]["text"], "hello chat");
    assert_eq!(
        event["message"]["fragments"],
        json!([{"type": "text", "text": "hello chat", "cheermote": null, "emote": null, "mention": null}])
    );
    assert_eq!(
        (event["message_type"].as_str(), event["message_id"].clone()),
        (Some("text"), sent["message_id"].clone())
    );
    // Another channel's message is not theirs.
    let elsewhere = json!({"broadcaster_id": "10003", "sender_id": "10001", "message": "psst"}).to_string();
    helix(&server, "POST", "/chat/messages", &token, &elsewhere);
    control(&server, "trigger", json!({"type": "channel.chat.message", "event": {"message": {"text": "marker"}}}));
    assert_eq!(message(&mut ws).await["payload"]["event"]["message"]["text"], "marker");
}

#[tokio::test]
async fn the_sessions_control_lists_each_session_with_its_user_and_subscriptions() {
    let server = server();
    let token = server.issue_user_token("ninja", &[]);
    let (_ws, id) = connected(&server).await;
    let s = session_until(&server, &id, |_| true).await;
    assert_eq!(s, json!({"id": id, "status": "connected", "user_id": null, "connections": 1, "subscriptions": []}));
    let sub = subscribe(&server, &token, &id, "stream.online", "1", json!({"broadcaster_user_id": "10001"}));
    let s = session_until(&server, &id, |_| true).await;
    assert_eq!((s["user_id"].as_str(), s["subscriptions"].clone()), (Some("10001"), json!([sub["id"]])));
    let bad = control(&server, "sessions/AQoQnope/drop", json!({}));
    assert_eq!(bad.status, 404);
    assert_eq!(control(&server, &format!("sessions/{id}/drop"), json!({"code": 1000})).status, 400);
}

#[tokio::test]
async fn wss_works_when_the_mock_serves_tls() {
    use std::sync::Arc;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/tls");
    let read = |name: &str| std::fs::read(dir.join(name)).expect("TLS fixture");
    let tls = crate::config::MockTls { cert_chain_pem: read("server.pem"), key_pem: read("server.key") };
    let server =
        MockServer::start_background(MockConfig { tls: Some(tls), users: 10, games: 2, ..MockConfig::default() })
            .expect("start mock");
    assert!(server.eventsub_url().starts_with("wss://127.0.0.1:"), "{}", server.eventsub_url());

    use rustls::pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore::empty();
    for cert in rustls::pki_types::CertificateDer::pem_slice_iter(&read("ca.pem")) {
        roots.add(cert.expect("a PEM certificate")).expect("a CA");
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
    let tcp = tokio::net::TcpStream::connect(server.addr()).await.expect("connect");
    let name = rustls::pki_types::ServerName::try_from("127.0.0.1").expect("a name");
    let stream = tokio_rustls::TlsConnector::from(Arc::new(config)).connect(name, tcp).await.expect("TLS");
    let (mut ws, _) =
        tokio_tungstenite::client_async(server.eventsub_url(), stream).await.expect("the WebSocket opens");
    let welcome = message(&mut ws).await;
    assert_eq!(welcome["metadata"]["message_type"], "session_welcome");
    assert_eq!(welcome["payload"]["session"]["status"], "connected");
}
