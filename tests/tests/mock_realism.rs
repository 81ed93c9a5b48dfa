//! The mock teaches what Twitch does, through the real `ttv` binary: `email`
//! only for a user token's own user with `user:read:email`; created polls,
//! predictions, rewards, EventSub subscriptions and blocked terms appear in
//! the next list and can be ended or deleted, while unknown ids answer 404
//! (exit 5, a Helix error); chat messages are sent; the EventSub list carries
//! its totals; made-up values have Twitch's shapes and times are in order.

use serde_json::{json, Value};
use ttv_mock::MockServer;
use ttv_tests::{mock, run, Cli, Run};

/// Exit code of a Helix error other than a refused token (README).
const HELIX_ERROR: i32 = 5;

fn as_user(cli: &Cli, token: &str, args: &[&str]) -> Run {
    run(cli.ttv().env("TWITCH_USER_TOKEN", token).args(args))
}

/// The one item of a create or end answer, whether printed alone or in a list.
fn one(out: &Run) -> Value {
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    match out.json() {
        Value::Array(mut items) => items.remove(0),
        v => v,
    }
}

fn ids(out: &Run) -> Vec<String> {
    assert_eq!(out.code, 0, "{}", out.stderr);
    let list = out.json();
    list.as_array().into_iter().flatten().filter_map(|i| i["id"].as_str().map(str::to_owned)).collect()
}

fn is_uuid(s: &str) -> bool {
    let lens: Vec<usize> = s.split('-').map(str::len).collect();
    lens == [8, 4, 4, 4, 12] && s.chars().all(|c| c == '-' || c.is_ascii_hexdigit())
}

fn setup(scopes: &[&str]) -> (MockServer, Cli, String) {
    let mock = mock();
    let cli = Cli::new(&mock);
    let token = mock.issue_user_token("ninja", scopes);
    (mock, cli, token)
}

#[test]
fn email_goes_only_to_a_scoped_user_token_for_its_own_user() {
    let (mock, cli, _) = setup(&[]);
    let emails = |out: Run| -> Vec<bool> {
        assert_eq!(out.code, 0, "{}", out.stderr);
        out.json().as_array().into_iter().flatten().map(|u| u.get("email").is_some_and(|e| !e.is_null())).collect()
    };
    let args = ["get-users", "--login=ninja,pokimane"];
    assert_eq!(emails(cli.run(args)), [false, false], "an app token sees no e-mail");
    let plain = mock.issue_user_token("ninja", &[]);
    assert_eq!(emails(as_user(&cli, &plain, &args)), [false, false], "a user token without user:read:email");
    let scoped = mock.issue_user_token("ninja", &["user:read:email"]);
    assert_eq!(emails(as_user(&cli, &scoped, &args)), [true, false], "its own user only");
}

#[test]
fn a_created_poll_is_listed_ended_and_unknown_polls_are_404() {
    let (_mock, cli, token) = setup(&["channel:manage:polls"]);
    let body = r#"{"title":"Best map?","choices":[{"title":"Dust"},{"title":"Mirage"}],"duration":60}"#;
    let poll = one(&as_user(&cli, &token, &["create-poll", "--body", body]));
    let id = poll["id"].as_str().unwrap_or_default().to_owned();
    assert!(is_uuid(&id), "{poll}");
    assert_ne!(poll["id"], poll["broadcaster_id"]);
    assert_eq!(poll["status"], "ACTIVE");
    assert_eq!(poll["ended_at"], Value::Null, "an active poll has not ended");
    assert_eq!(poll["choices"][1]["title"], "Mirage");
    assert!(is_uuid(poll["choices"][0]["id"].as_str().unwrap_or_default()));

    assert_eq!(ids(&as_user(&cli, &token, &["get-polls"])), std::slice::from_ref(&id));
    let ended = one(&as_user(&cli, &token, &["end-poll", "--id", &id, "--status", "TERMINATED"]));
    assert_eq!(ended["status"], "TERMINATED");
    let (started, ended_at) = (ended["started_at"].as_str().unwrap_or(""), ended["ended_at"].as_str().unwrap_or(""));
    assert!(!started.is_empty() && started <= ended_at, "{ended}");

    let nope = as_user(&cli, &token, &["end-poll", "--id", "nope", "--status", "TERMINATED"]);
    assert_eq!(nope.code, HELIX_ERROR, "{}", nope.stderr);
    assert!(nope.stderr.contains("404"), "{}", nope.stderr);
}

#[test]
fn a_created_prediction_is_listed_and_ended_and_unknown_ones_are_404() {
    let (_mock, cli, token) = setup(&["channel:manage:predictions"]);
    let body = r#"{"title":"Win?","outcomes":[{"title":"Yes"},{"title":"No"}],"prediction_window":120}"#;
    let made = one(&as_user(&cli, &token, &["create-prediction", "--body", body]));
    let id = made["id"].as_str().unwrap_or_default().to_owned();
    assert!(is_uuid(&id) && made["status"] == "ACTIVE", "{made}");
    assert_eq!((&made["outcomes"][0]["color"], &made["outcomes"][1]["color"]), (&json!("BLUE"), &json!("PINK")));
    assert_eq!(ids(&as_user(&cli, &token, &["get-predictions"])), std::slice::from_ref(&id));
    let ended = one(&as_user(&cli, &token, &["end-prediction", "--id", &id, "--status", "CANCELED"]));
    assert_eq!(ended["status"], "CANCELED");
    assert!(ended["ended_at"].as_str().unwrap_or("") >= made["created_at"].as_str().unwrap_or("~"), "{ended}");
    let nope = as_user(&cli, &token, &["end-prediction", "--id", "nope", "--status", "CANCELED"]);
    assert_eq!(nope.code, HELIX_ERROR, "{}", nope.stderr);
}

#[test]
fn a_created_reward_is_listed_and_deleted_and_unknown_ones_are_404() {
    let (_mock, cli, token) = setup(&["channel:manage:redemptions"]);
    let made = one(&as_user(&cli, &token, &["create-custom-rewards", "--body", r#"{"title":"Hydrate","cost":100}"#]));
    let id = made["id"].as_str().unwrap_or_default().to_owned();
    assert!(is_uuid(&id) && made["title"] == "Hydrate" && made["cost"] == 100, "{made}");
    assert_eq!(made["is_enabled"], true);
    assert_eq!(ids(&as_user(&cli, &token, &["get-custom-reward"])), std::slice::from_ref(&id));
    assert_eq!(as_user(&cli, &token, &["delete-custom-reward", "--id", &id]).code, 0);
    assert!(ids(&as_user(&cli, &token, &["get-custom-reward"])).is_empty());
    let again = as_user(&cli, &token, &["delete-custom-reward", "--id", &id]);
    assert_eq!(again.code, HELIX_ERROR, "a deleted reward is gone: {}", again.stderr);
}

#[test]
fn blocked_terms_are_kept_removed_and_unknown_ones_are_404() {
    let (_mock, cli, token) = setup(&["moderator:manage:blocked_terms"]);
    let channel = ["--broadcaster-id", "10001"];
    let made = one(&as_user(&cli, &token, &[&["add-blocked-term"][..], &channel, &["--text", "spoiler"]].concat()));
    let id = made["id"].as_str().unwrap_or_default().to_owned();
    assert!(is_uuid(&id) && made["text"] == "spoiler", "{made}");
    assert_eq!(
        ids(&as_user(&cli, &token, &[&["get-blocked-terms"][..], &channel].concat())),
        std::slice::from_ref(&id)
    );
    let remove = |id: &str| as_user(&cli, &token, &[&["remove-blocked-term"][..], &channel, &["--id", id]].concat());
    assert_eq!(remove(&id).code, 0);
    assert!(ids(&as_user(&cli, &token, &[&["get-blocked-terms"][..], &channel].concat())).is_empty());
    assert_eq!(remove("nope").code, HELIX_ERROR);
}

#[test]
fn eventsub_subscriptions_are_kept_with_their_totals_and_transport() {
    // A webhook subscription, with the app token (WebSocket ones need a live
    // session: tests/tests/eventsub_websocket.rs and the mock's own tests).
    let (_mock, cli, _) = setup(&[]);
    let body = json!({
        "type": "stream.online", "version": "1",
        "condition": {"broadcaster_user_id": "10001"},
        "transport": {"method": "webhook", "callback": "https://example.com/eventsub", "secret": "a-secret-of-ours"},
    })
    .to_string();
    let made = one(&cli.run(["create-eventsub-subscription", "--body", &body]));
    let id = made["id"].as_str().unwrap_or_default().to_owned();
    assert!(is_uuid(&id), "{made}");
    assert_eq!(made["transport"]["callback"], "https://example.com/eventsub");
    assert!(made["transport"].get("secret").is_none(), "the secret is never sent back: {made}");
    assert!(made["transport"].get("session_id").is_none(), "no session on a webhook: {made}");

    let list = cli.run(["api", "/eventsub/subscriptions"]);
    assert_eq!(list.code, 0, "{}", list.stderr);
    let list = list.json();
    assert_eq!(list["data"][0]["id"], json!(id));
    assert_eq!(list["total"].as_u64(), Some(1), "{list}");
    assert!(list["total_cost"].is_u64() && list["max_total_cost"].is_u64(), "{list}");

    assert_eq!(cli.run(["delete-eventsub-subscription", "--id", &id]).code, 0);
    let list = cli.run(["api", "/eventsub/subscriptions"]).json();
    assert_eq!((list["data"].as_array().map(Vec::len), list["total"].as_u64()), (Some(0), Some(0)));
    let nope = cli.run(["delete-eventsub-subscription", "--id", &id]);
    assert_eq!(nope.code, HELIX_ERROR, "{}", nope.stderr);
}

#[test]
fn chat_messages_are_sent() {
    let (_mock, cli, token) = setup(&["user:write:chat"]);
    let sent = one(&as_user(&cli, &token, &["send-chat-message", "--broadcaster-id", "10002", "--message", "hi"]));
    assert_eq!(sent["is_sent"], true, "{sent}");
    assert!(sent.get("drop_reason").is_none_or(Value::is_null), "{sent}");
    assert!(is_uuid(sent["message_id"].as_str().unwrap_or_default()), "{sent}");
    // The same text again within 30 s: Twitch drops it, and ttv says so (exit 9).
    let again = as_user(&cli, &token, &["send-chat-message", "--broadcaster-id", "10002", "--message", "hi"]);
    assert_eq!(again.code, 9, "{}\n{}", again.stdout, again.stderr);
    assert!(again.stderr.contains("msg_duplicate") && again.stderr.contains("identical"), "{}", again.stderr);
    assert!(again.stdout.is_empty(), "nothing printed as if sent: {}", again.stdout);
}
