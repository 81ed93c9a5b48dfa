//! The `ttv` binary's EventSub and chat commands against the mock over real
//! sockets: `ttv events listen` in the background, events made with
//! `ttv events trigger` (or the mock's controls), over `ws://` and over
//! `wss://` with the test CA; `ttv chat read` and `ttv chat send`.
//!
//! Timeouts only guard against hangs; nothing here is timed.

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::Value;
use ttv_mock::{MockConfig, MockServer, MockTls};
use ttv_tests::eventsub::{ids, Background, Controls, Ended, EVENTSUB_SCOPES, PATIENCE};
use ttv_tests::{run, workspace_root, Cli};

/// ninja's user token for `mock`, and a CLI home pointed at its Helix and WebSocket.
struct Listener {
    mock: MockServer,
    cli: Cli,
    token: String,
    /// Extra variables (the test CA for a TLS mock).
    env: Vec<(&'static str, String)>,
}

impl Listener {
    fn new(mock: MockServer) -> Listener {
        let token = mock.issue_user_token("ninja", EVENTSUB_SCOPES);
        let cli = Cli::new(&mock);
        Listener { mock, cli, token, env: Vec::new() }
    }

    /// `ttv args…` with the user token and the mock's WebSocket URL.
    fn ttv<const N: usize>(&self, args: [&str; N]) -> Command {
        let mut cmd = self.cli.ttv();
        cmd.env("TWITCH_USER_TOKEN", &self.token).env("TWITCH_EVENTSUB_WEBSOCKET_URL", self.mock.eventsub_url());
        for (key, value) in &self.env {
            cmd.env(key, value);
        }
        cmd.args(args);
        cmd
    }

    /// No secret the mock handed out appears in what a run printed.
    fn assert_no_secret(&self, printed: &str) {
        for secret in self.mock.issued_secrets() {
            assert!(!printed.contains(&secret), "a token was printed: {printed}");
        }
    }
}

/// The NDJSON lines of `ttv events listen`, each checked for its fields.
fn events(ended: &Ended) -> Vec<Value> {
    ended
        .lines
        .iter()
        .map(|line| {
            let v: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
            let mut keys: Vec<&str> = v.as_object().expect("an object").keys().map(String::as_str).collect();
            keys.sort_unstable();
            assert_eq!(keys, ["event", "message_id", "subscription_id", "timestamp", "type", "version"], "{line}");
            v
        })
        .collect()
}

/// Checks the lines of a `channel.follow` listener on ninja's channel.
fn assert_follows(lines: &[Value], message_ids: &[String], subscription_id: Option<&str>) {
    let printed: Vec<&str> = lines.iter().filter_map(|l| l["message_id"].as_str()).collect();
    assert_eq!(printed, message_ids, "exactly the delivered messages, in order");
    for line in lines {
        assert_eq!((line["type"].as_str(), line["version"].as_str()), (Some("channel.follow"), Some("2")), "{line}");
        if let Some(id) = subscription_id {
            assert_eq!(line["subscription_id"], id, "{line}");
        }
        let stamp = line["timestamp"].as_str().unwrap_or_default();
        assert!(stamp.len() > 20 && stamp.ends_with('Z') && stamp.contains('T'), "RFC 3339: {stamp}");
        let event = &line["event"];
        assert_eq!(event["broadcaster_user_login"], "ninja", "{line}");
        assert!(event["user_id"].is_string() && event["followed_at"].is_string(), "{line}");
    }
}

const COUNT: usize = 7;

#[test]
fn events_listen_prints_exactly_the_triggered_events_as_ndjson() {
    let l = Listener::new(ttv_tests::mock());
    let controls = Controls::of(&l.mock);
    let count = COUNT.to_string();
    let mut listener = Background::spawn(&mut l.ttv([
        "events",
        "listen",
        "channel.follow",
        "--broadcaster-user-id",
        "ninja",
        "--count",
        &count,
    ]));
    let session = listener.until_subscribed(&controls);
    let subscription = ids(&session["subscriptions"]);
    assert_eq!(subscription.len(), 1, "{session}");

    let trigger = run(&mut l.ttv(["events", "trigger", "channel.follow", "--count", &count]));
    assert_eq!(trigger.code, 0, "{}", trigger.stderr);
    let answer = trigger.json();
    assert_eq!(answer["delivered"], COUNT, "{answer}");
    let sent = ids(&answer["message_ids"]);

    let ended = listener.wait();
    assert_eq!(ended.code, 0, "{}", ended.stderr);
    let lines = events(&ended);
    assert_eq!(lines.len(), COUNT, "{:?}", ended.lines);
    assert_follows(&lines, &sent, Some(&subscription[0]));
    // On its way out the listener deleted its subscription.
    assert!(controls.sessions().iter().all(|s| ids(&s["subscriptions"]).is_empty()), "{:?}", controls.sessions());
}

fn fixture(name: &str) -> PathBuf {
    workspace_root().join("tests/fixtures/tls").join(name)
}

#[test]
fn events_listen_works_over_wss_with_the_test_ca() {
    let read = |name: &str| std::fs::read(fixture(name)).expect("TLS fixture");
    let tls = MockTls { cert_chain_pem: read("server.pem"), key_pem: read("server.key") };
    let mock = MockServer::start_background(MockConfig { tls: Some(tls), ..MockConfig::default() }).expect("starts");
    assert!(mock.eventsub_url().starts_with("wss://127.0.0.1:"), "{}", mock.eventsub_url());
    let mut l = Listener::new(mock);
    l.env.push(("SSL_CERT_FILE", fixture("ca.pem").display().to_string()));
    let count = COUNT.to_string();
    let listener = Background::spawn(&mut l.ttv([
        "events",
        "listen",
        "channel.follow",
        "--broadcaster-user-id",
        "ninja",
        "--count",
        &count,
    ]));

    // The controls are behind the same TLS: trigger one at a time (also
    // through `ttv`) until the listener is subscribed, then the rest.
    let deadline = Instant::now() + PATIENCE;
    let mut sent = Vec::new();
    while sent.is_empty() {
        assert!(Instant::now() < deadline, "the listener never subscribed");
        let trigger = run(&mut l.ttv(["events", "trigger", "channel.follow"]));
        assert_eq!(trigger.code, 0, "{}", trigger.stderr);
        sent = ids(&trigger.json()["message_ids"]);
        if sent.is_empty() {
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    let rest = (COUNT - sent.len()).to_string();
    let trigger = run(&mut l.ttv(["events", "trigger", "channel.follow", "--count", &rest]));
    assert_eq!(trigger.code, 0, "{}", trigger.stderr);
    sent.extend(ids(&trigger.json()["message_ids"]));
    assert_eq!(sent.len(), COUNT);

    let ended = listener.wait();
    assert_eq!(ended.code, 0, "{}", ended.stderr);
    let lines = events(&ended);
    assert_eq!(lines.len(), COUNT, "{:?}", ended.lines);
    assert_follows(&lines, &sent, None);
    assert!(l.mock.stats().http2_requests > 0, "Helix went over TLS (HTTP/2)");
}

#[test]
fn events_listen_verbose_tells_the_sessions_steps_and_prints_no_token() {
    let l = Listener::new(ttv_tests::mock());
    let controls = Controls::of(&l.mock);
    let mut listener = Background::spawn(&mut l.ttv([
        "-v",
        "events",
        "listen",
        "channel.follow",
        "--broadcaster-user-id",
        "ninja",
        "--count",
        "1",
    ]));
    let session = listener.until_subscribed(&controls);
    let sent = controls.trigger(serde_json::json!({"type": "channel.follow"}));
    assert_eq!(sent.len(), 1);
    let ended = listener.wait();
    assert_eq!(ended.code, 0, "{}", ended.stderr);
    let id = session["id"].as_str().unwrap_or_default();
    assert!(ended.stderr.contains(&format!("session {id} welcomed")), "{}", ended.stderr);
    assert!(ended.stderr.contains("subscribed to channel.follow v2"), "{}", ended.stderr);
    assert_follows(&events(&ended), &sent, None);
    l.assert_no_secret(&ended.stderr);
    l.assert_no_secret(&ended.lines.join("\n"));
}

#[test]
fn chat_send_reaches_chat_read_and_a_repeat_is_refused_as_a_duplicate() {
    let l = Listener::new(ttv_tests::mock());
    let controls = Controls::of(&l.mock);
    let users = l.cli.run(["get-users", "--login", "ninja"]);
    assert_eq!(users.code, 0, "{}", users.stderr);
    let name = users.json()[0]["display_name"].as_str().expect("a display name").to_owned();

    let mut reader = Background::spawn(&mut l.ttv(["chat", "read", "pokimane", "--count", "1"]));
    reader.until_subscribed(&controls);
    let text = "hello from the end-to-end test";
    let sent = run(&mut l.ttv(["chat", "send", "pokimane", text]));
    assert_eq!(sent.code, 0, "{}", sent.stderr);

    let ended = reader.wait();
    assert_eq!(ended.code, 0, "{}", ended.stderr);
    assert_eq!(ended.lines.len(), 1, "{:?}", ended.lines);
    let line = &ended.lines[0];
    assert!(line.contains(text) && line.contains(&format!("<{name}>")), "{line}");

    let again = run(&mut l.ttv(["chat", "send", "pokimane", text]));
    assert_eq!(again.code, 9, "refused: {} {}", again.stdout, again.stderr);
    assert!(again.stderr.contains("msg_duplicate"), "{}", again.stderr);
    l.assert_no_secret(&format!("{}{}{}", sent.stdout, sent.stderr, again.stderr));
}
