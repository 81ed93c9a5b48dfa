//! The library's EventSub WebSocket session against the mock over real
//! sockets: a `Helix<User>` opens the session on the mock's `/ws`, creates its
//! subscriptions through the mock's Helix, and the tests drive the mock's
//! controls (trigger, reconnect, drop, silence, resend, revoke, timers, fault
//! injection) to check what reaches the caller: exact message-id sets, the
//! session ids, the lifecycle and what the mock holds afterwards.
//!
//! Timeouts only guard against hangs; the mock's timers are set small so
//! that watchdogs and grace periods pass quickly.

use std::collections::HashSet;
use std::time::Duration;

use futures::StreamExt;
use serde_json::{json, Value};
use ttv_helix::eventsub::{
    ChannelFollowV2Condition, DecodeEvent, Event, EventSubError, Lifecycle, Notification, SessionEvent,
    StreamOnlineV1Condition, Wanted, WebSocket, WebSocketBuilder,
};
use ttv_helix::meta::HttpMethod;
use ttv_helix::{Error, Helix, RawRequest, Secret, User};
use ttv_mock::{Fault, FaultKind, MockServer};
use ttv_tests::eventsub::{ids, Controls, EVENTSUB_SCOPES, PATIENCE};
use ttv_tests::MockClientConfig;

/// A mock, its controls, and ninja's user client pointed at its WebSocket.
struct Setup {
    mock: MockServer,
    controls: Controls,
    helix: Helix<User>,
    /// ninja's user id (the token's user).
    me: String,
}

async fn setup() -> Setup {
    let mock = ttv_tests::mock();
    let controls = Controls::of(&mock);
    let token = mock.issue_user_token("ninja", EVENTSUB_SCOPES);
    let config = mock.client_config().with_eventsub_websocket_url(mock.eventsub_url());
    let helix = Helix::user(config, Secret::new(token.as_str())).await.expect("the user token validates");
    let me = mock.user_id("ninja").expect("ninja is in the data set");
    Setup { mock, controls, helix, me }
}

impl Setup {
    /// A session builder with a short reconnect backoff.
    fn builder<E: DecodeEvent>(&self) -> WebSocketBuilder<E> {
        self.helix.eventsub_websocket::<E>().reconnect_backoff(Duration::from_millis(10), Duration::from_millis(200))
    }

    /// `channel.follow` v2 of ninja's own channel (cost 0).
    fn follow(&self) -> Wanted {
        Wanted::of(&ChannelFollowV2Condition::new(self.me.as_str(), self.me.as_str()))
    }

    /// A session wanting only [`Setup::follow`].
    async fn follow_session(&self) -> WebSocket<Value> {
        let builder = self.builder::<Value>().subscribe(self.follow()).expect("a valid subscription");
        builder.connect().await.expect("the session opens")
    }

    /// Get EventSub Subscriptions with the user token.
    async fn listed(&self) -> Value {
        let request = RawRequest::new(HttpMethod::Get, "/eventsub/subscriptions");
        self.helix.send_raw(&request).await.expect("Get EventSub Subscriptions")
    }

    /// The listed subscriptions' ids, sorted.
    async fn listed_ids(&self) -> Vec<String> {
        let listed = self.listed().await;
        let mut all: Vec<String> = listed["data"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| s["id"].as_str())
            .map(str::to_owned)
            .collect();
        all.sort();
        all
    }
}

/// `stream.online` of another broadcaster than ninja (cost 1).
fn online(broadcaster: u32) -> Wanted {
    Wanted::of(&StreamOnlineV1Condition::new(broadcaster.to_string()))
}

/// The next item of the stream; panics when it ends, fails, or nothing comes.
async fn next<E: std::fmt::Debug>(ws: &mut WebSocket<E>) -> SessionEvent<E> {
    match tokio::time::timeout(PATIENCE, ws.next()).await {
        Ok(Some(Ok(event))) => event,
        Ok(Some(Err(e))) => panic!("the session failed: {e}"),
        Ok(None) => panic!("the session ended"),
        Err(_) => panic!("nothing came within {PATIENCE:?}"),
    }
}

/// The next notification; lifecycle events on the way go to `seen`.
async fn notification<E: std::fmt::Debug>(ws: &mut WebSocket<E>, seen: &mut Vec<Lifecycle>) -> Notification<E> {
    loop {
        match next(ws).await {
            SessionEvent::Notification(n) => return n,
            SessionEvent::Lifecycle(l) => seen.push(l),
            other => panic!("expected a notification, got {other:?}"),
        }
    }
}

/// Lifecycle events up to and including the first that `last` accepts; a
/// notification on the way fails the test.
async fn lifecycle_until(ws: &mut WebSocket<Value>, last: impl Fn(&Lifecycle) -> bool) -> Vec<Lifecycle> {
    let mut seen = Vec::new();
    loop {
        match next(ws).await {
            SessionEvent::Lifecycle(l) => {
                let done = last(&l);
                seen.push(l);
                if done {
                    return seen;
                }
            }
            other => panic!("expected lifecycle events, got {other:?} after {seen:?}"),
        }
    }
}

/// What came after the first lifecycle event that `from` accepts (all of
/// `seen` when none does).
fn after(seen: &[Lifecycle], from: impl Fn(&Lifecycle) -> bool) -> &[Lifecycle] {
    match seen.iter().position(from) {
        Some(i) => &seen[i + 1..],
        None => seen,
    }
}

fn subscribed_ids(seen: &[Lifecycle]) -> Vec<String> {
    let mut out: Vec<String> = seen
        .iter()
        .filter_map(|l| match l {
            Lifecycle::Subscribed { id, .. } => Some(id.clone()),
            _ => None,
        })
        .collect();
    out.sort();
    out
}

/// Triggers one marker event and reads up to it: every notification before
/// it is returned (what arrived late or twice).
async fn up_to_marker(s: &Setup, ws: &mut WebSocket<Value>, ty: &str) -> Vec<String> {
    let marker = s.controls.trigger(json!({"type": ty}));
    assert_eq!(marker.len(), 1, "one subscription takes the marker");
    let mut before = Vec::new();
    let mut seen = Vec::new();
    loop {
        let n = notification(ws, &mut seen).await;
        if n.message_id == marker[0] {
            return before;
        }
        before.push(n.message_id);
    }
}

const TRIGGERS: usize = 300;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reconnect_under_continuous_triggering_loses_and_doubles_nothing() {
    let s = setup().await;
    let mut ws = s.follow_session().await;
    let session = ws.session_id();
    let subs = ids(&s.controls.session(&session).expect("the session is listed")["subscriptions"]);
    assert_eq!(subs.len(), 1, "{subs:?}");

    // One control call per event; the reconnect goes out a third of the way in.
    let (controls, id) = (s.controls, session.clone());
    let triggering = tokio::task::spawn_blocking(move || {
        let mut sent = Vec::new();
        for i in 0..TRIGGERS {
            if i == TRIGGERS / 3 {
                controls.session_control(&id, "reconnect", json!({}));
            }
            let got = controls.trigger(json!({"type": "channel.follow"}));
            assert_eq!(got.len(), 1, "trigger {i} went to the one subscription");
            sent.extend(got);
        }
        sent
    });
    let mut received = Vec::new();
    let mut seen = Vec::new();
    while received.len() < TRIGGERS {
        match tokio::time::timeout(PATIENCE / 2, notification(&mut ws, &mut seen)).await {
            Ok(n) => received.push(n.message_id),
            Err(_) => {
                let sent = triggering.await.expect("the triggers ran");
                let lost: Vec<usize> = (0..sent.len()).filter(|i| !received.contains(&sent[*i])).collect();
                panic!("{} of {TRIGGERS} never arrived, triggers {lost:?}; lifecycle {seen:?}", lost.len());
            }
        }
    }
    let sent = triggering.await.expect("the triggers ran");
    let late = up_to_marker(&s, &mut ws, "channel.follow").await;
    assert!(late.is_empty(), "nothing more after all {TRIGGERS} (no duplicates): {late:?}");

    let unique: HashSet<&String> = received.iter().collect();
    assert_eq!(unique.len(), received.len(), "each message once");
    assert_eq!(unique, sent.iter().collect::<HashSet<_>>(), "exactly the messages the mock delivered");
    assert!(seen.iter().any(|l| matches!(l, Lifecycle::Reconnecting { .. })), "{seen:?}");
    assert!(seen.contains(&Lifecycle::Reconnected { session_id: session.clone() }), "{seen:?}");
    assert!(
        !seen.iter().any(|l| matches!(l, Lifecycle::ConnectionLost { .. } | Lifecycle::NewSession { .. })),
        "a handover, not a new session: {seen:?}"
    );
    let handover = after(&seen, |l| matches!(l, Lifecycle::Reconnecting { .. }));
    assert!(subscribed_ids(handover).is_empty(), "nothing subscribed again: {seen:?}");
    assert_eq!(ws.session_id(), session, "the session id is kept");
    let after = s.controls.session_until("after the handover", |x| x["id"] == session && x["connections"] == 1);
    assert_eq!((after["status"].as_str(), ids(&after["subscriptions"])), (Some("connected"), subs.clone()));
    assert_eq!(s.listed_ids().await, subs, "Get EventSub Subscriptions shows the same one");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keepalive_silence_opens_a_new_session_with_the_wanted_set() {
    let s = setup().await;
    // A one-second keepalive: the client's watchdog fires after two.
    s.controls.timers(json!({"keepalive_ms": 1000}));
    let mut ws = s.follow_session().await;
    let first = ws.session_id();
    let opening = lifecycle_until(&mut ws, |l| matches!(l, Lifecycle::Subscribed { .. })).await;
    let old_sub = subscribed_ids(&opening);
    s.controls.session_control(&first, "silence", json!({}));

    let seen = lifecycle_until(&mut ws, |l| matches!(l, Lifecycle::NewSession { .. })).await;
    let lost = seen.iter().position(|l| matches!(l, Lifecycle::ConnectionLost { .. }));
    assert_eq!(lost, Some(0), "the watchdog fired first: {seen:?}");
    let second = ws.session_id();
    assert_ne!(second, first);
    assert_eq!(seen.last(), Some(&Lifecycle::NewSession { session_id: second.clone() }));
    let new_sub = subscribed_ids(&seen);
    assert_eq!(new_sub.len(), 1, "the wanted one, created again: {seen:?}");
    assert_ne!(new_sub, old_sub);
    let listed = s.controls.session(&second).expect("the new session is listed");
    assert_eq!(ids(&listed["subscriptions"]), new_sub);

    let sent = s.controls.trigger(json!({"type": "channel.follow"}));
    assert_eq!(sent.len(), 1, "delivered to the new session only");
    let n = notification(&mut ws, &mut Vec::new()).await;
    assert_eq!((n.message_id, n.subscription.id), (sent[0].clone(), new_sub[0].clone()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missed_welcome_window_fails_with_4003() {
    let s = setup().await;
    s.controls.timers(json!({"welcome_window_ms": 200}));
    s.mock.faults().push(Fault::new(FaultKind::Delay(Duration::from_secs(2))).on("/helix/eventsub/subscriptions"));
    let builder = s.builder::<Value>().subscribe(s.follow()).expect("a valid subscription");
    let err = builder.connect().await.expect_err("the window closed before the subscription was made");
    assert!(matches!(&err, Error::EventSub(EventSubError::Closed { code: 4003, .. })), "closed with 4003: {err:?}");
    let text = err.to_string();
    assert!(text.contains("4003") && text.contains("welcome window"), "{text}");
    assert_eq!(s.mock.faults().injected(), 1, "the create was the slow one");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resent_message_is_delivered_once() {
    let s = setup().await;
    let mut ws = s.follow_session().await;
    let sent = s.controls.trigger(json!({"type": "channel.follow"}));
    let first = notification(&mut ws, &mut Vec::new()).await;
    assert_eq!(vec![first.message_id.clone()], sent);
    let resent = s.controls.post("resend", json!({}));
    assert_eq!((resent["delivered"].as_u64(), ids(&resent["message_ids"])), (Some(1), sent.clone()));
    let by_id = s.controls.post("resend", json!({"message_id": first.message_id}));
    assert_eq!(by_id["delivered"], 1);
    let between = up_to_marker(&s, &mut ws, "channel.follow").await;
    assert!(between.is_empty(), "the two resends were dropped: {between:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_older_than_ten_minutes_is_dropped() {
    let s = setup().await;
    let mut ws = s.follow_session().await;
    let old = s.controls.trigger(json!({"type": "channel.follow", "age_seconds": 700}));
    let fresh = s.controls.trigger(json!({"type": "channel.follow"}));
    assert_eq!((old.len(), fresh.len()), (1, 1), "both were sent");
    let n = notification(&mut ws, &mut Vec::new()).await;
    assert_eq!(n.message_id, fresh[0], "the old one ({}) never arrives", old[0]);
    let between = up_to_marker(&s, &mut ws, "channel.follow").await;
    assert!(between.is_empty(), "{between:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revocation_reaches_the_caller_with_its_reason() {
    let s = setup().await;
    let mut ws = s.follow_session().await;
    let sub = subscribed_ids(&lifecycle_until(&mut ws, |l| matches!(l, Lifecycle::Subscribed { .. })).await);
    let done = s.controls.post(&format!("subscriptions/{}/revoke", sub[0]), json!({"status": "user_removed"}));
    assert_eq!(done["delivered"], 1);
    match next(&mut ws).await {
        SessionEvent::Revocation(r) => {
            assert_eq!(r.message_id, ids(&done["message_ids"])[0]);
            assert_eq!((r.subscription.id.as_str(), r.subscription.status.as_str()), (sub[0].as_str(), "user_removed"));
            assert_eq!(
                (r.subscription.subscription_type.as_str(), r.subscription.version.as_str()),
                ("channel.follow", "2")
            );
        }
        other => panic!("expected the revocation, got {other:?}"),
    }
    assert!(s.controls.trigger(json!({"type": "channel.follow"})).is_empty(), "the subscription is gone");
    assert!(s.listed_ids().await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_409_from_its_own_orphan_deletes_it_and_the_new_session_works() {
    let s = setup().await;
    // A dead session's subscriptions stay enabled for a minute, as at Twitch.
    s.controls.timers(json!({"orphan_grace_ms": 60_000}));
    let mut ws = s.follow_session().await;
    let first = ws.session_id();
    let old = subscribed_ids(&lifecycle_until(&mut ws, |l| matches!(l, Lifecycle::Subscribed { .. })).await);
    s.controls.session_control(&first, "drop", json!({}));

    let seen = lifecycle_until(&mut ws, |l| matches!(l, Lifecycle::NewSession { .. })).await;
    assert!(matches!(seen.first(), Some(Lifecycle::ConnectionLost { .. })), "{seen:?}");
    assert!(seen.contains(&Lifecycle::OrphansDeleted { count: 1 }), "the 409 met its own orphan: {seen:?}");
    let new = subscribed_ids(&seen);
    assert_eq!(new.len(), 1, "{seen:?}");
    assert_ne!(new, old);
    let second = ws.session_id();
    assert_ne!(second, first);
    assert_eq!(s.listed_ids().await, new, "the orphan is gone, the new one is there");
    assert_eq!(s.listed().await["data"][0]["transport"]["session_id"], json!(second));

    let sent = s.controls.trigger(json!({"type": "channel.follow"}));
    assert_eq!(sent.len(), 1);
    assert_eq!(notification(&mut ws, &mut Vec::new()).await.message_id, sent[0]);
}

/// Ten other broadcasters' `stream.online`: a cost of 10, all the budget.
fn ten_online() -> Vec<Wanted> {
    (10_002..10_012).map(online).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_budget_of_orphans_is_deleted_and_created_again() {
    let s = setup().await;
    s.controls.timers(json!({"orphan_grace_ms": 60_000}));
    let mut builder = s.builder::<Value>();
    for w in ten_online() {
        builder = builder.subscribe(w).expect("within the budget");
    }
    let mut ws = builder.connect().await.expect("the session opens");
    let first = ws.session_id();
    let listed = s.listed().await;
    assert_eq!((listed["total"].as_u64(), listed["total_cost"].as_u64()), (Some(10), Some(10)), "{listed}");
    let old = s.listed_ids().await;
    s.controls.session_control(&first, "drop", json!({}));

    // The orphans still count: each re-create is refused (409, as the
    // duplicate check comes before the cost check), all ten are deleted.
    let seen = lifecycle_until(&mut ws, |l| matches!(l, Lifecycle::NewSession { .. })).await;
    let renewal = after(&seen, |l| matches!(l, Lifecycle::ConnectionLost { .. }));
    assert!(renewal.contains(&Lifecycle::OrphansDeleted { count: 10 }), "{seen:?}");
    let new = subscribed_ids(renewal);
    assert_eq!(new.len(), 10, "{seen:?}");
    assert!(new.iter().all(|id| !old.contains(id)), "ten new ones");
    let listed = s.listed().await;
    assert_eq!((listed["total"].as_u64(), listed["total_cost"].as_u64()), (Some(10), Some(10)), "{listed}");
    assert_eq!(s.listed_ids().await, new);
    let second = ws.session_id();
    assert!(listed["data"].as_array().into_iter().flatten().all(|x| x["transport"]["session_id"] == second));

    let sent: HashSet<String> = s.controls.trigger(json!({"type": "stream.online"})).into_iter().collect();
    assert_eq!(sent.len(), 10, "one per broadcaster");
    let mut got = HashSet::new();
    while got.len() < sent.len() {
        got.insert(notification(&mut ws, &mut Vec::new()).await.message_id);
    }
    assert_eq!(got, sent);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_from_dead_sessions_of_this_program_deletes_them_and_the_session_works() {
    let s = setup().await;
    s.controls.timers(json!({"orphan_grace_ms": 60_000}));
    // Three earlier runs, each gone without closing its session: its
    // subscription still counts, so the user holds three sessions.
    let mut dead = Vec::new();
    for b in [10_002, 10_003, 10_004] {
        let ws = s.builder::<Value>().subscribe(online(b)).expect("valid").connect().await.expect("opens");
        dead.push(ws.session_id());
        drop(ws);
    }
    for id in &dead {
        s.controls.session_until("disconnected", |x| x["id"] == *id && x["status"] == "disconnected");
    }
    assert_eq!(s.listed_ids().await.len(), 3, "the orphans are enabled still");

    // Another program's new subscription: 429 (three sessions), and none of
    // the three is its own, so none is deleted and the session is refused.
    let other = s.builder::<Value>().subscribe(online(10_005)).expect("valid").connect().await;
    let err = other.expect_err("a fourth session is refused");
    assert!(matches!(&err, Error::EventSub(EventSubError::Subscribe { .. })), "{err:?}");
    assert!(err.to_string().contains("429"), "{err}");
    assert_eq!(s.listed_ids().await.len(), 3, "another program's subscriptions are left alone");

    // This program (the same subscriptions and one more): the 429 and the
    // 409s lead to deleting the three, then all four are created.
    let mut builder = s.builder::<Value>();
    for b in [10_002, 10_003, 10_004, 10_005] {
        builder = builder.subscribe(online(b)).expect("valid");
    }
    let mut ws = builder.connect().await.expect("the session opens once the orphans are gone");
    let mut seen = Vec::new();
    while subscribed_ids(&seen).len() < 4 {
        seen.extend(lifecycle_until(&mut ws, |l| matches!(l, Lifecycle::Subscribed { .. })).await);
    }
    assert!(seen.contains(&Lifecycle::OrphansDeleted { count: 3 }), "{seen:?}");
    assert_eq!(s.listed_ids().await, subscribed_ids(&seen));
    let sent: HashSet<String> = s.controls.trigger(json!({"type": "stream.online"})).into_iter().collect();
    assert_eq!(sent.len(), 4);
    let mut got = HashSet::new();
    while got.len() < 4 {
        got.insert(notification(&mut ws, &mut Vec::new()).await.message_id);
    }
    assert_eq!(got, sent);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_eleventh_cost_one_subscription_is_refused_before_anything_is_sent() {
    let s = setup().await;
    let before = s.mock.stats().helix_requests;
    let mut builder = s.builder::<Value>();
    for w in ten_online() {
        builder = builder.subscribe(w).expect("within the budget");
    }
    let err = builder.subscribe(online(10_012)).expect_err("over the budget");
    assert!(matches!(&err, Error::InvalidInput { .. }), "{err:?}");
    let text = err.to_string();
    assert!(text.contains("cost to 11") && text.contains("10"), "{text}");
    assert_eq!(s.mock.stats().helix_requests, before, "no request reached the mock");
    assert!(s.controls.sessions().is_empty(), "no socket was opened");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cost_429_from_helix_is_its_error_at_once_not_a_rate_limit_wait() {
    // Ten cost-1 subscriptions fill the budget; an eleventh sent by hand gets
    // Twitch's 429 while the points bucket is far from empty. No wait lifts
    // that limit, so the transport must not wait for a reset or retry.
    let s = setup().await;
    let mut builder = s.builder::<Value>();
    for w in ten_online() {
        builder = builder.subscribe(w).expect("within the budget");
    }
    let session = builder.connect().await.expect("ten subscriptions");
    let body = json!({
        "type": "stream.online", "version": "1", "condition": {"broadcaster_user_id": "10012"},
        "transport": {"method": "websocket", "session_id": session.session_id()},
    });
    let request = RawRequest::new(HttpMethod::Post, "/eventsub/subscriptions").body(body);
    let before = s.mock.stats().helix_requests;
    let answer = tokio::time::timeout(PATIENCE, s.helix.send_raw(&request)).await.expect("an answer, not a wait");
    match answer {
        Err(Error::Helix { status: 429, message, .. }) => assert!(message.contains("cost"), "{message}"),
        other => panic!("Twitch's 429 as the error: {other:?}"),
    }
    assert_eq!(s.mock.stats().helix_requests, before + 1, "sent once, not retried");
    assert!(s.helix.rate_limit().is_some_and(|r| r.remaining > 0), "the bucket was never empty");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_triggered_follow_decodes_as_the_typed_event() {
    let s = setup().await;
    let builder = s.builder::<Event>().subscribe(s.follow()).expect("valid");
    let mut ws = builder.connect().await.expect("the session opens");
    let sent = s.controls.trigger(json!({"type": "channel.follow"}));
    let n = notification(&mut ws, &mut Vec::new()).await;
    assert_eq!(n.message_id, sent[0]);
    match n.event {
        Event::ChannelFollowV2(e) => {
            assert_eq!((e.broadcaster_user_id.as_str(), e.broadcaster_user_login.as_str()), (s.me.as_str(), "ninja"));
            assert!(!e.user_id.is_empty() && !e.followed_at.is_empty(), "{e:?}");
        }
        other => panic!("expected ChannelFollowV2, got {other:?}"),
    }
    ws.close().await;
    assert!(s.listed_ids().await.is_empty(), "close deleted its subscription");
}
