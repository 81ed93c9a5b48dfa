//! Sessions over real sockets on 127.0.0.1: a scripted WebSocket server
//! (server.rs) says what Twitch would, and a fake Helix (helix.rs) holds the
//! subscriptions. Every wait is bounded by [`server::PATIENCE`]; nothing
//! asserts how long anything took.

mod helix;
mod server;

use super::*;
use crate::{Client, Config, Error, Secret, User};
use futures_util::StreamExt;
use helix::{FakeHelix, USER};
use serde_json::{json, Value};
use server::{batched, notification, revocation, Conn, Server, PATIENCE};
use std::time::Duration;
use ttv_meta::eventsub::{ConditionFieldMeta, SubscriptionMeta};
use ttv_meta::TypeMeta;

static EVENT: TypeMeta = TypeMeta::new("Event", &[]);
static FOLLOW_CONDITION: &[ConditionFieldMeta] = &[
    ConditionFieldMeta::new("broadcaster_user_id", "").required(),
    ConditionFieldMeta::new("moderator_user_id", "").required().token_user(),
];
static FOLLOW: SubscriptionMeta = SubscriptionMeta::new("channel.follow", "2", "", &EVENT)
    .condition(FOLLOW_CONDITION)
    .scopes(&[&["moderator:read:followers"]]);
static ONLINE_CONDITION: &[ConditionFieldMeta] = &[ConditionFieldMeta::new("broadcaster_user_id", "").required()];
static ONLINE: SubscriptionMeta = SubscriptionMeta::new("stream.online", "1", "", &EVENT).condition(ONLINE_CONDITION);
static GRANT: SubscriptionMeta =
    SubscriptionMeta::new("user.authorization.grant", "1", "", &EVENT).transports(&["webhook", "conduit"]);

fn follow(broadcaster: &str) -> Wanted {
    Wanted::from_meta(&FOLLOW, json!({"broadcaster_user_id": broadcaster, "moderator_user_id": USER}))
}

fn online(broadcaster: &str) -> Wanted {
    Wanted::from_meta(&ONLINE, json!({"broadcaster_user_id": broadcaster}))
}

async fn client(helix: &FakeHelix) -> Client<User> {
    let config = Config::new("cid")
        .with_helix_url(format!("{}/helix", helix.base))
        .with_oauth2_url(format!("{}/oauth2", helix.base))
        .with_cache_dir(None);
    Client::user(config, Secret::new("user-token")).await.expect("the fake validates the token")
}

/// A builder for `server` with short backoffs.
fn builder(client: &Client<User>, server: &Server) -> WebSocketBuilder<Value> {
    client
        .eventsub_websocket::<Value>()
        .url(server.url.clone())
        .reconnect_backoff(Duration::from_millis(10), Duration::from_millis(50))
}

/// The next item of the stream, which must come.
async fn next(ws: &mut WebSocket<Value>) -> Result<SessionEvent<Value>, Error> {
    tokio::time::timeout(PATIENCE, ws.next()).await.expect("the session yields").expect("the stream goes on")
}

/// Items up to the next notification, which is returned with the lifecycle events before it.
async fn next_notification(ws: &mut WebSocket<Value>) -> (Vec<Lifecycle>, Notification<Value>) {
    let mut before = Vec::new();
    loop {
        match next(ws).await.expect("no error") {
            SessionEvent::Notification(n) => return (before, n),
            SessionEvent::Lifecycle(l) => before.push(l),
            other => panic!("unexpected {other:?}"),
        }
    }
}

/// Lifecycle events until (and with) the first that `last` accepts.
async fn lifecycle_until(ws: &mut WebSocket<Value>, last: impl Fn(&Lifecycle) -> bool) -> Vec<Lifecycle> {
    let mut seen = Vec::new();
    loop {
        match next(ws).await.expect("no error") {
            SessionEvent::Lifecycle(l) => {
                let done = last(&l);
                seen.push(l);
                if done {
                    return seen;
                }
            }
            other => panic!("unexpected {other:?} after {seen:?}"),
        }
    }
}

/// The events after the last lost connection.
fn after_loss(events: &[Lifecycle]) -> &[Lifecycle] {
    let last = events.iter().rposition(|l| matches!(l, Lifecycle::ConnectionLost { .. }));
    last.map_or(events, |i| &events[i + 1..])
}

fn subscribed_types(events: &[Lifecycle]) -> Vec<String> {
    let mut types: Vec<String> = events
        .iter()
        .filter_map(|l| match l {
            Lifecycle::Subscribed { subscription_type, .. } => Some(subscription_type.clone()),
            _ => None,
        })
        .collect();
    types.sort();
    types
}

/// Accepts a connection and welcomes it as `session_id`.
async fn welcomed(server: &mut Server, session_id: &str, keepalive: f64) -> Conn {
    let mut conn = server.accept().await;
    conn.welcome(session_id, keepalive).await;
    conn
}

#[tokio::test]
async fn connect_creates_every_subscription_at_once_then_only_answers_pings() {
    let helix = FakeHelix::start(&["moderator:read:followers"]).await;
    helix.lock().hold_until = 2;
    let mut server = Server::start().await;
    let client = client(&helix).await;
    let connecting = builder(&client, &server)
        .keepalive_timeout(Duration::from_secs(5))
        .subscribe(follow("1"))
        .unwrap()
        .subscribe(online("2"))
        .unwrap()
        .connect();
    let (ws, mut conn) = tokio::join!(connecting, async {
        let mut conn = server.accept().await;
        conn.welcome("S1", 10.0).await;
        conn
    });
    let mut ws = ws.expect("connected");
    assert!(conn.path.ends_with("/ws?keepalive_timeout_seconds=10"), "clamped to 10: {}", conn.path);
    // Both were created, concurrently (the fake answers only once both are in flight), before connect returned.
    assert_eq!(
        helix.on_session("S1").iter().map(|s| s.0.as_str()).collect::<Vec<_>>(),
        ["channel.follow", "stream.online"]
    );
    assert_eq!(ws.session_id(), "S1");
    let creates = helix.lock().creates.clone();
    assert_eq!(creates[0]["transport"], json!({"method": "websocket", "session_id": "S1"}));

    let opening = [next(&mut ws).await.unwrap(), next(&mut ws).await.unwrap(), next(&mut ws).await.unwrap()];
    let opening: Vec<Lifecycle> = opening
        .into_iter()
        .map(|e| match e {
            SessionEvent::Lifecycle(l) => l,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(opening[0], Lifecycle::Welcome { session_id: "S1".into() });
    assert_eq!(subscribed_types(&opening), ["channel.follow", "stream.online"]);

    conn.ping(b"still there?").await;
    assert_eq!(
        conn.sent_by_client().await,
        Some(tokio_tungstenite::tungstenite::Message::Pong(b"still there?"[..].into()))
    );
    let sub = helix.payload_of("channel.follow", "S1");
    conn.send(notification("n1", &sub, json!({"user_id": "7"}), Duration::ZERO)).await;
    let (_, n) = next_notification(&mut ws).await;
    assert_eq!((n.message_id.as_str(), n.event.clone()), ("n1", json!({"user_id": "7"})));
    assert_eq!(n.subscription.subscription_type, "channel.follow");
    assert_eq!(n.subscription.condition, json!({"broadcaster_user_id": "1", "moderator_user_id": USER}));

    let ((), pongs) = tokio::join!(ws.close(), conn.only_pongs_until_closed());
    assert_eq!(pongs, 0, "the one Pong was read above; nothing but a Close followed");
    assert!(helix.lock().subs.is_empty(), "close deleted the session's subscriptions");
    assert_eq!(helix.lock().deletes.len(), 2);
}

#[tokio::test]
async fn notifications_come_in_order_split_without_duplicates_or_stale_ones() {
    let helix = FakeHelix::start(&[]).await;
    let mut server = Server::start().await;
    let client = client(&helix).await;
    let (ws, conn) = tokio::join!(
        builder(&client, &server).subscribe(online("2")).unwrap().connect(),
        welcomed(&mut server, "S1", 10.0)
    );
    let (mut ws, mut conn) = (ws.unwrap(), conn);
    let sub = helix.payload_of("stream.online", "S1");
    let event = |n: u32| json!({"broadcaster_user_id": "2", "n": n});
    conn.send(notification("m1", &sub, event(1), Duration::ZERO)).await;
    conn.send(notification("m1", &sub, event(1), Duration::ZERO)).await; // a resend: same id
    conn.send(batched("m2", &sub, &[("e1", event(2)), ("e2", event(3))])).await;
    conn.send(batched("m2-again", &sub, &[("e1", event(2)), ("e2", event(3))])).await;
    conn.send(notification("m3", &sub, event(4), Duration::from_secs(11 * 60))).await; // a replay
    conn.send(notification("m4", &sub, event(5), Duration::ZERO)).await;
    let mut got = Vec::new();
    while got.last().map(|(id, _): &(String, Value)| id.as_str()) != Some("m4") {
        let (_, n) = next_notification(&mut ws).await;
        got.push((n.message_id, n.event));
    }
    let ids: Vec<&str> = got.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(ids, ["m1", "e1", "e2", "m4"]);
    assert_eq!(got.iter().map(|(_, e)| e["n"].as_u64().unwrap()).collect::<Vec<_>>(), [1, 2, 3, 5]);
    drop(ws);
    assert_eq!(conn.only_pongs_until_closed().await, 0);
}

#[tokio::test]
async fn silence_past_the_watchdog_is_a_lost_connection_and_a_new_session() {
    let helix = FakeHelix::start(&[]).await;
    let mut server = Server::start().await;
    let client = client(&helix).await;
    // A mock's fast timer: half a second (the watchdog allows one second).
    let (ws, _silent) = tokio::join!(
        builder(&client, &server).subscribe(online("2")).unwrap().connect(),
        welcomed(&mut server, "S1", 0.5)
    );
    let mut ws = ws.unwrap();
    let (seen, mut conn2) = tokio::join!(
        lifecycle_until(&mut ws, |l| matches!(l, Lifecycle::NewSession { .. })),
        welcomed(&mut server, "S2", 10.0)
    );
    let lost = seen.iter().find_map(|l| match l {
        Lifecycle::ConnectionLost { reason } => Some(reason.clone()),
        _ => None,
    });
    let lost = lost.expect("the loss was reported");
    assert!(lost.starts_with("no message or ping for 1.0 s (keepalive 0.5 s)"), "{lost}");
    assert!(seen.contains(&Lifecycle::Welcome { session_id: "S2".into() }), "{seen:?}");
    assert_eq!(seen.last(), Some(&Lifecycle::NewSession { session_id: "S2".into() }));
    assert_eq!(helix.on_session("S2").len(), 1, "re-created on the new session");
    assert_eq!(ws.session_id(), "S2");
    let sub = helix.payload_of("stream.online", "S2");
    conn2.send(notification("after", &sub, json!({}), Duration::ZERO)).await;
    assert_eq!(next_notification(&mut ws).await.1.message_id, "after");
}

#[tokio::test]
async fn a_reconnect_moves_to_the_new_url_without_loss_doubles_or_new_subscriptions() {
    let helix = FakeHelix::start(&[]).await;
    let mut server = Server::start().await;
    let client = client(&helix).await;
    let (ws, old) = tokio::join!(
        builder(&client, &server).subscribe(online("2")).unwrap().connect(),
        welcomed(&mut server, "S1", 10.0)
    );
    let (mut ws, mut old) = (ws.unwrap(), old);
    let sub = helix.payload_of("stream.online", "S1");
    let reconnect_url = format!("{}?reconnect=token1", server.url);
    old.send(notification("before", &sub, json!({}), Duration::ZERO)).await;
    old.reconnect("S1", &reconnect_url).await;
    old.send(notification("during", &sub, json!({}), Duration::ZERO)).await;
    let mut new = server.accept().await;
    assert!(new.path.ends_with("/ws?reconnect=token1"), "{}", new.path);
    new.welcome("S1", 10.0).await;
    new.send(notification("during", &sub, json!({}), Duration::ZERO)).await; // also sent on the new socket
    new.send(notification("after", &sub, json!({}), Duration::ZERO)).await;

    let mut ids = Vec::new();
    let mut lifecycle = Vec::new();
    while ids.last().map(String::as_str) != Some("after") {
        let (before, n) = next_notification(&mut ws).await;
        lifecycle.extend(before);
        ids.push(n.message_id);
    }
    assert_eq!(ids, ["before", "during", "after"]);
    assert_eq!(
        lifecycle[2..],
        [Lifecycle::Reconnecting { url: reconnect_url }, Lifecycle::Reconnected { session_id: "S1".into() }]
    );
    // The old socket was closed by the client once the new one was welcomed.
    assert_eq!(old.only_pongs_until_closed().await, 0);
    assert_eq!(helix.lock().creates.len(), 1, "nothing subscribed again");
    assert!(!server.connected_again());
    drop(ws);
    assert_eq!(new.only_pongs_until_closed().await, 0);
}

#[tokio::test]
async fn a_lost_connection_recreates_the_wanted_set_clearing_orphans_on_409_and_429() {
    let helix = FakeHelix::start(&["moderator:read:followers"]).await;
    let mut server = Server::start().await;
    let client = client(&helix).await;
    let connecting =
        builder(&client, &server).subscribe(follow("1")).unwrap().subscribe(online("2")).unwrap().connect();
    let (ws, mut conn) = tokio::join!(connecting, welcomed(&mut server, "S1", 10.0));
    let mut ws = ws.unwrap();
    let old_ids: Vec<String> = helix.on_session("S1").into_iter().map(|(_, id)| id).collect();
    // The old session's subscriptions stay enabled (Twitch's grace): the first creates collide.
    {
        let mut state = helix.lock();
        let conflict = json!({"error": "Conflict", "status": 409, "message": "subscription already exists"});
        let too_many = json!({"error": "Too Many Requests", "status": 429, "message": "total cost exceeded"});
        state.scripted.extend([(409, conflict), (429, too_many)]);
    }
    conn.close(4000).await;
    let (seen, _conn2) = tokio::join!(
        lifecycle_until(&mut ws, |l| matches!(l, Lifecycle::NewSession { .. })),
        welcomed(&mut server, "S2", 10.0)
    );
    let lost = seen.iter().find_map(|l| match l {
        Lifecycle::ConnectionLost { reason } => Some(reason.as_str()),
        _ => None,
    });
    assert_eq!(lost, Some("the server closed the connection with 4000 (internal server error)"));
    assert!(seen.contains(&Lifecycle::OrphansDeleted { count: 2 }), "{seen:?}");
    assert_eq!(subscribed_types(after_loss(&seen)), ["channel.follow", "stream.online"]);
    let mut deleted = helix.lock().deletes.clone();
    deleted.sort();
    assert_eq!(deleted, old_ids);
    assert_eq!(helix.on_session("S2").len(), 2);
    assert_eq!(helix.lock().subs.len(), 2, "only the new session's remain");
}

#[tokio::test]
async fn a_failed_recreate_is_tried_again_on_the_next_session() {
    let helix = FakeHelix::start(&["moderator:read:followers"]).await;
    let mut server = Server::start().await;
    let client = client(&helix).await;
    let connecting =
        builder(&client, &server).subscribe(follow("1")).unwrap().subscribe(online("2")).unwrap().connect();
    let (ws, mut conn) = tokio::join!(connecting, welcomed(&mut server, "S1", 10.0));
    let mut ws = ws.unwrap();
    lifecycle_until(&mut ws, |l| matches!(l, Lifecycle::Subscribed { .. })).await;
    lifecycle_until(&mut ws, |l| matches!(l, Lifecycle::Subscribed { .. })).await;
    helix
        .lock()
        .scripted
        .push_back((503, json!({"error": "Service Unavailable", "status": 503, "message": "try later"})));
    helix.lock().subs.clear(); // Twitch disabled them with the session
    conn.close(4005).await;
    let (seen, conn2) = tokio::join!(
        lifecycle_until(&mut ws, |l| matches!(l, Lifecycle::NewSession { .. })),
        welcomed(&mut server, "S2", 10.0)
    );
    let failed: Vec<&Lifecycle> = seen.iter().filter(|l| matches!(l, Lifecycle::SubscribeFailed { .. })).collect();
    assert_eq!(failed.len(), 1, "{seen:?}");
    let Lifecycle::SubscribeFailed { reason, .. } = failed[0] else { unreachable!() };
    assert!(reason.contains("503 Service Unavailable: try later"), "{reason}");
    assert_eq!(helix.on_session("S2").len(), 1);
    // The session holds one; the next drop re-creates both.
    drop(conn2);
    helix.lock().subs.clear();
    let (seen, _conn3) = tokio::join!(
        lifecycle_until(&mut ws, |l| matches!(l, Lifecycle::NewSession { .. })),
        welcomed(&mut server, "S3", 10.0)
    );
    assert_eq!(subscribed_types(after_loss(&seen)), ["channel.follow", "stream.online"], "{seen:?}");
    assert_eq!(helix.on_session("S3").len(), 2);
}

#[tokio::test]
async fn client_bug_close_codes_end_the_stream_with_the_code_named() {
    for (code, meaning) in [
        (4001, "client sent inbound traffic"),
        (4002, "client failed ping-pong"),
        (4003, "connection unused: no subscription within the welcome window"),
        (4007, "invalid reconnect"),
    ] {
        let helix = FakeHelix::start(&[]).await;
        let mut server = Server::start().await;
        let client = client(&helix).await;
        let (ws, mut conn) = tokio::join!(
            builder(&client, &server).subscribe(online("2")).unwrap().connect(),
            welcomed(&mut server, "S1", 10.0)
        );
        let mut ws = ws.unwrap();
        conn.close(code).await;
        let err = loop {
            match next(&mut ws).await {
                Ok(SessionEvent::Lifecycle(_)) => {}
                Ok(other) => panic!("{other:?}"),
                Err(e) => break e,
            }
        };
        let text = err.to_string();
        assert!(text.starts_with(&format!("the EventSub server closed the session with {code} ({meaning}")), "{text}");
        assert!(matches!(&err, Error::EventSub(e) if e.close_code() == Some(code) && e.is_fatal()), "{err:?}");
        let end = tokio::time::timeout(PATIENCE, ws.next()).await.expect("the stream ends");
        assert!(end.is_none(), "nothing after the fatal error: {end:?}");
        assert!(!server.connected_again(), "no new session after {code}");
    }
}

#[tokio::test]
async fn a_revoked_subscription_is_reported_and_not_created_again() {
    let helix = FakeHelix::start(&["moderator:read:followers"]).await;
    let mut server = Server::start().await;
    let client = client(&helix).await;
    let connecting =
        builder(&client, &server).subscribe(follow("1")).unwrap().subscribe(online("2")).unwrap().connect();
    let (ws, mut conn) = tokio::join!(connecting, welcomed(&mut server, "S1", 10.0));
    let mut ws = ws.unwrap();
    let sub = helix.payload_of("channel.follow", "S1");
    conn.send(revocation("r1", &sub, "authorization_revoked")).await;
    let revoked = loop {
        match next(&mut ws).await.unwrap() {
            SessionEvent::Revocation(r) => break r,
            SessionEvent::Lifecycle(_) => {}
            other => panic!("{other:?}"),
        }
    };
    assert_eq!(revoked.message_id, "r1");
    assert_eq!(
        (revoked.subscription.subscription_type.as_str(), revoked.subscription.status.as_str()),
        ("channel.follow", "authorization_revoked")
    );
    helix.lock().subs.clear();
    conn.close(4006).await;
    let (seen, _conn2) = tokio::join!(
        lifecycle_until(&mut ws, |l| matches!(l, Lifecycle::NewSession { .. })),
        welcomed(&mut server, "S2", 10.0)
    );
    assert_eq!(subscribed_types(after_loss(&seen)), ["stream.online"], "the revoked one stays gone: {seen:?}");
    let creates = helix.lock().creates.iter().filter(|c| c["type"] == "channel.follow").count();
    assert_eq!(creates, 1);
}

#[tokio::test]
async fn limits_and_rules_are_checked_before_anything_is_sent() {
    let helix = FakeHelix::start(&["user:read:chat"]).await;
    let client = client(&helix).await;
    let b = || client.eventsub_websocket::<Value>();
    let err = b().subscribe(follow("1")).unwrap_err();
    assert!(
        matches!(&err, Error::MissingScope { endpoint: "channel.follow", missing } if missing == "moderator:read:followers"),
        "{err:?}"
    );
    let other_moderator = Wanted::from_meta(&FOLLOW, json!({"broadcaster_user_id": "1", "moderator_user_id": "42"}));
    let err = b().subscribe(other_moderator).unwrap_err().to_string();
    assert!(err.contains(&format!("moderator_user_id must be the token's user ({USER}), not 42")), "{err}");
    let err = b().subscribe(Wanted::from_meta(&GRANT, json!({"client_id": "cid"}))).unwrap_err().to_string();
    assert!(err.contains("not delivered over WebSocket"), "{err}");
    let mut ten = b();
    for broadcaster in 0..10 {
        ten = ten.subscribe(online(&broadcaster.to_string())).unwrap();
    }
    let free = online(USER);
    let ten = ten.subscribe(free).expect("the token's own channel costs nothing");
    let err = ten.subscribe(online("99")).unwrap_err().to_string();
    assert!(err.contains("would bring the cost to 11, over the 10"), "{err}");
    let err = b().connect().await.unwrap_err().to_string();
    assert!(err.contains("no subscription was added"), "{err}");

    let unchecked = Config::new("cid")
        .with_helix_url(format!("{}/helix", helix.base))
        .with_oauth2_url(format!("{}/oauth2", helix.base))
        .with_cache_dir(None)
        .with_check_scopes(false);
    let unchecked = Client::user(unchecked, Secret::new("user-token")).await.unwrap();
    assert!(unchecked.eventsub_websocket::<Value>().subscribe(follow("1")).is_ok(), "the scope check can be off");
    assert!(helix.lock().creates.is_empty(), "nothing was sent");
}

#[tokio::test]
async fn plain_ws_is_refused_to_hosts_other_than_loopback() {
    let helix = FakeHelix::start(&[]).await;
    let client = client(&helix).await;
    let err = client
        .eventsub_websocket::<Value>()
        .url("ws://eventsub.example.invalid/ws")
        .subscribe(online("2"))
        .unwrap()
        .connect()
        .await
        .unwrap_err();
    assert!(matches!(&err, Error::Config(m) if m.contains("is ws:// to a host other than 127.0.0.1")), "{err:?}");
    let config = Config::new("cid").with_eventsub_websocket_url("ws://10.1.2.3/ws");
    assert_eq!(config.eventsub_websocket_url, "ws://10.1.2.3/ws", "checked when connecting, not when set");
}

#[tokio::test]
async fn a_subscription_refused_on_the_first_session_fails_connect() {
    let helix = FakeHelix::start(&[]).await;
    helix.lock().scripted.push_back((
        403,
        json!({"error": "Forbidden", "status": 403, "message": "subscription missing proper authorization"}),
    ));
    let mut server = Server::start().await;
    let client = client(&helix).await;
    let (ws, mut conn) = tokio::join!(
        builder(&client, &server).subscribe(online("2")).unwrap().connect(),
        welcomed(&mut server, "S1", 10.0)
    );
    let err = ws.unwrap_err();
    let text = err.to_string();
    assert!(text.starts_with("cannot subscribe to stream.online v1: Create EventSub Subscription"), "{text}");
    assert!(text.ends_with("403 Forbidden: subscription missing proper authorization"), "{text}");
    assert!(std::error::Error::source(&err).is_some(), "Helix's error is kept as the source");
    assert_eq!(conn.only_pongs_until_closed().await, 0);
}

/// Programs spawn sessions on multi-threaded runtimes: the futures and the stream are `Send`.
#[allow(dead_code)]
fn the_session_futures_and_stream_are_send(builder: WebSocketBuilder<Value>, ws: WebSocket<Value>) {
    fn send<T: Send>(_: &T) {}
    send(&builder.connect());
    send(&ws);
    send(&ws.close());
}
