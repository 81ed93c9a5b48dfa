//! The surface Twitch added after the OpenAPI snapshot (`since:` entries and
//! the newer parameters and limits), through the library against the mock over
//! real HTTP: pinned chat messages, custom Power-ups, `pin` on Send Chat
//! Message, app tokens and `for_source_only` on Send Chat Announcement, the
//! `conduit_id` filter, the 100-shard limit and the 409 that names the
//! existing EventSub subscription; and `coverage` keeping them apart.

use serde_json::json;
use ttv_helix::meta::HttpMethod;
use ttv_helix::{App, Error, Helix, RawRequest, Secret, User};
use ttv_mock::{MockConfig, MockServer};
use ttv_tests::{start_mock, MockClientConfig};

/// The data set's first user (`ninja`), whom the user tokens belong to.
const NINJA: &str = "10001";

async fn user(mock: &MockServer, scopes: &[&str]) -> Helix<User> {
    let (access, _) = mock.issue_user_tokens("ninja", scopes);
    Helix::user(mock.client_config(), Secret::new(access)).await.expect("a valid user token")
}

fn app(mock: &MockServer) -> Helix<App> {
    Helix::app(mock.client_config()).expect("app client")
}

#[track_caller]
fn assert_refused_before_sending(err: &Error, needle: &str) {
    match err {
        Error::InvalidInput { message, .. } => assert!(message.contains(needle), "{message}"),
        other => panic!("expected the input check to refuse it, got {other:?}"),
    }
}

#[tokio::test]
async fn a_pinned_message_is_pinned_read_updated_and_unpinned() {
    let mock = start_mock(MockConfig::default()).await;
    let helix = user(&mock, &["moderator:manage:chat_messages"]).await;

    let none = helix.get_pinned_chat_message(NINJA, NINJA).send().await.expect("get");
    assert!(none.data.is_empty(), "nothing is pinned yet");

    helix.pin_chat_message(NINJA, NINJA, "msg-1").duration_seconds(300).send().await.expect("pin answers 204");
    let pinned = helix.get_pinned_chat_message(NINJA, NINJA).send().await.expect("get").data;
    assert_eq!(pinned.len(), 1);
    assert_eq!(pinned[0].message_id, "msg-1");
    assert_eq!(pinned[0].broadcaster_id, NINJA);
    assert_eq!(pinned[0].pinned_by_user_login, "ninja");
    let ends = pinned[0].ends_at.clone().expect("a 300 s pin has an end");
    assert!(ends > pinned[0].starts_at, "{ends} after {}", pinned[0].starts_at);

    helix.update_pinned_chat_message(NINJA, NINJA, "msg-1").send().await.expect("update answers 204");
    let pinned = helix.get_pinned_chat_message(NINJA, NINJA).send().await.expect("get").data;
    assert_eq!(pinned[0].ends_at, None, "no duration: pinned until the stream ends");

    let unknown = helix.unpin_chat_message(NINJA, NINJA, "nope").send().await.expect_err("not the pinned message");
    assert!(matches!(unknown, Error::Helix { status: 404, .. }), "{unknown:?}");
    helix.unpin_chat_message(NINJA, NINJA, "msg-1").send().await.expect("unpin answers 204");
    assert!(helix.get_pinned_chat_message(NINJA, NINJA).send().await.expect("get").data.is_empty());
}

#[tokio::test]
async fn pin_durations_and_scopes_are_checked_before_sending() {
    let mock = start_mock(MockConfig::default()).await;
    let helix = user(&mock, &["moderator:manage:chat_messages"]).await;
    let before = mock.stats().helix_requests;
    for seconds in [29, 1801] {
        let err = helix.pin_chat_message(NINJA, NINJA, "m").duration_seconds(seconds).send().await.expect_err("range");
        assert_refused_before_sending(&err, "between 30 and 1800");
    }
    let err = helix.update_pinned_chat_message(NINJA, NINJA, "m").duration_seconds(10).send().await.expect_err("range");
    assert_refused_before_sending(&err, "between 30 and 1800");

    // Reading takes either scope; changing needs the manage one.
    let reader = user(&mock, &["moderator:read:chat_messages"]).await;
    reader.get_pinned_chat_message(NINJA, NINJA).send().await.expect("the read scope is enough to read");
    let err = reader.pin_chat_message(NINJA, NINJA, "m").send().await.expect_err("needs manage");
    assert!(matches!(err, Error::MissingScope { .. }), "{err:?}");
    assert_eq!(mock.stats().helix_requests, before + 1, "only the allowed read reached the mock");
}

#[tokio::test]
async fn custom_power_ups_decode_and_need_bits_read() {
    let mock = start_mock(MockConfig::default()).await;
    let helix = user(&mock, &["bits:read"]).await;
    let ups = helix.get_custom_power_up(NINJA).send().await.expect("power-ups").data;
    assert!(!ups.is_empty());
    assert!(ups.iter().all(|u| u.broadcaster_id == NINJA && u.broadcaster_login == "ninja"), "{ups:?}");

    let without = user(&mock, &[]).await;
    let err = without.get_custom_power_up(NINJA).send().await.expect_err("bits:read is required");
    assert!(matches!(err, Error::MissingScope { .. }), "{err:?}");
}

#[tokio::test]
async fn send_chat_message_takes_pin() {
    let mock = start_mock(MockConfig::default()).await;
    let helix = user(&mock, &["user:write:chat", "moderator:manage:chat_messages"]).await;
    let sent = helix.send_chat_message(NINJA, NINJA, "hello").pin(true).send().await.expect("sent").data;
    assert_eq!(sent.len(), 1);
}

#[tokio::test]
async fn chat_announcements_take_an_app_token_and_for_source_only_only_with_it() {
    let mock = start_mock(MockConfig::default()).await;
    app(&mock)
        .send_chat_announcement(NINJA, NINJA, "hello")
        .for_source_only(false)
        .send()
        .await
        .expect("an app token may announce and choose for_source_only");

    let helix = user(&mock, &["moderator:manage:announcements"]).await;
    helix.send_chat_announcement(NINJA, NINJA, "hello").send().await.expect("a user token still announces");
    let before = mock.stats().helix_requests;
    let err = helix
        .send_chat_announcement(NINJA, NINJA, "hello")
        .for_source_only(true)
        .send()
        .await
        .expect_err("for_source_only is for app tokens");
    assert_refused_before_sending(&err, "for_source_only");
    assert_eq!(mock.stats().helix_requests, before, "refused before sending");

    // The mock refuses it too, as Twitch does (a 400).
    let raw = RawRequest::new(HttpMethod::Post, "/chat/announcements")
        .query("broadcaster_id", NINJA)
        .query("moderator_id", NINJA)
        .query("for_source_only", "true")
        .body(json!({"message": "hello"}));
    let err = helix.send_raw(&raw).await.expect_err("the mock refuses it");
    assert!(matches!(err, Error::Helix { status: 400, .. }), "{err:?}");
}

fn transport(value: serde_json::Value) -> ttv_helix::types::EventSubTransportInput {
    serde_json::from_value(value).expect("a transport")
}

#[tokio::test]
async fn eventsub_subscriptions_filter_by_conduit_and_a_duplicate_names_the_existing_one() {
    let mock = start_mock(MockConfig::default()).await;
    let app = app(&mock);
    let condition = json!({"broadcaster_user_id": NINJA});
    let create = |conduit: &str| {
        app.create_eventsub_subscription(
            "stream.online",
            "1",
            condition.clone(),
            transport(json!({"method": "conduit", "conduit_id": conduit})),
        )
    };
    let first = create("conduit-a").send().await.expect("created").data;
    create("conduit-b").send().await.expect("another conduit is another subscription");

    let err = create("conduit-a").send().await.expect_err("the same subscription again");
    match &err {
        Error::Helix { status: 409, .. } => {}
        other => panic!("expected Twitch's 409, got {other:?}"),
    }
    assert_eq!(err.helix_field("id"), Some(&json!(first[0].id)), "the 409 names the existing subscription");
    assert_eq!(err.helix_field("message"), None, "the known fields stay in their own places");

    let on_a = app.get_eventsub_subscriptions().conduit_id("conduit-a").send().await.expect("list").data;
    assert_eq!(on_a.len(), 1);
    assert_eq!(on_a[0].id, first[0].id);
    let nowhere = app.get_eventsub_subscriptions().conduit_id("conduit-z").send().await.expect("list").data;
    assert!(nowhere.is_empty());

    let before = mock.stats().helix_requests;
    let err = app
        .get_eventsub_subscriptions()
        .conduit_id("conduit-a")
        .status("enabled")
        .send()
        .await
        .expect_err("filters are mutually exclusive");
    assert!(matches!(err, Error::InvalidInput { .. }), "{err:?}");
    assert_eq!(mock.stats().helix_requests, before, "refused before sending");
}

#[tokio::test]
async fn at_most_100_shards_go_in_one_update() {
    let mock = start_mock(MockConfig::default()).await;
    let app = app(&mock);
    let shards = |n: usize| -> Vec<ttv_helix::types::ConduitShardInput> {
        (0..n)
            .map(|i| {
                serde_json::from_value(json!({"id": i.to_string(), "transport": {"method": "webhook",
                    "callback": "https://example.com/cb", "secret": "0123456789"}}))
                .expect("a shard")
            })
            .collect()
    };
    app.update_conduit_shards("conduit-a", shards(100)).send().await.expect("100 shards are fine");
    let before = mock.stats().helix_requests;
    let err = app.update_conduit_shards("conduit-a", shards(101)).send().await.expect_err("101 is too many");
    assert_refused_before_sending(&err, "at most 100");
    assert_eq!(mock.stats().helix_requests, before, "refused before sending");

    // The mock answers 400 to a request that skipped the check, as Twitch does.
    let body = json!({"conduit_id": "conduit-a", "shards": shards(101)});
    let raw = RawRequest::new(HttpMethod::Patch, "/eventsub/conduits/shards").body(body);
    let err = app.send_raw(&raw).await.expect_err("the mock refuses 101 shards");
    assert!(matches!(err, Error::Helix { status: 400, .. }), "{err:?}");
}

/// `coverage` still finds the snapshot's 144 operations with no difference and
/// lists the endpoints marked `since` apart, not as unknown extras.
#[test]
fn coverage_lists_the_newer_endpoints_apart() {
    let file = ttv_tests::workspace_root().join("../shared/helix-reference/openapi.json");
    let Ok(text) = std::fs::read_to_string(&file) else {
        println!("note: {} is absent; skipping", file.display());
        return;
    };
    let reference: serde_json::Value = serde_json::from_str(&text).expect("openapi.json is JSON");
    let model = ttv_codegen::load_file(&ttv_tests::workspace_root().join("endpoints.yaml")).expect("the spec loads");
    let report = ttv_codegen::coverage::compare(&model, &reference);
    assert_eq!((report.covered, report.total), (144, 144), "{report}");
    assert!(report.is_complete(), "{report}");
    let newer: Vec<&str> = report.newer.iter().map(|n| n.split(" (since").next().unwrap_or_default()).collect();
    for name in [
        "Get Pinned Chat Message",
        "Pin Chat Message",
        "Update Pinned Chat Message",
        "Unpin Chat Message",
        "Get Custom Power Up",
    ] {
        assert!(newer.contains(&name), "{name} is not listed as newer: {report}");
    }
    assert!(report.extra.is_empty(), "every endpoint the file lacks is marked `since`: {report}");
}
