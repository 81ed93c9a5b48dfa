//! Closed value sets, string length limits, at-most-one-of groups and
//! token-kind rules from the spec, seen through the CLI against the mock:
//! what Twitch would refuse with a 400 is refused before sending, exit 2.

use ttv_tests::{mock, run, Cli};

#[test]
fn a_status_outside_its_set_is_refused_naming_the_flag_and_the_values() {
    let mock = mock();
    let cli = Cli::new(&mock);
    let token = mock.issue_user_token("ninja", &["channel:manage:polls"]);
    let before = mock.stats().helix_requests;
    let out = run(cli.ttv().env("TWITCH_USER_TOKEN", &token).args(["end-poll", "--id", "x", "--status", "FOO"]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("--status"), "{}", out.stderr);
    assert!(out.stderr.contains("TERMINATED") && out.stderr.contains("ARCHIVED"), "{}", out.stderr);
    assert_eq!(mock.stats().helix_requests, before, "nothing was sent");
}

#[test]
fn a_status_outside_its_set_in_a_json_body_is_refused_too() {
    let mock = mock();
    let cli = Cli::new(&mock);
    let token = mock.issue_user_token("ninja", &["channel:manage:polls"]);
    let before = mock.stats().helix_requests;
    let out =
        run(cli.ttv().env("TWITCH_USER_TOKEN", &token).args(["end-poll", "--body", r#"{"id": "x", "status": "FOO"}"#]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("`status` must be one of TERMINATED, ARCHIVED"), "{}", out.stderr);
    assert_eq!(mock.stats().helix_requests, before, "nothing was sent");
}

#[test]
fn help_lists_the_values_of_a_closed_set_and_the_length_limits() {
    let mock = mock();
    let cli = Cli::new(&mock);
    let out = cli.run(["end-poll", "--help"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("TERMINATED") && out.stdout.contains("ARCHIVED"), "{}", out.stdout);
    let out = cli.run(["send-chat-message", "--help"]);
    assert!(out.stdout.contains("up to 500 characters") && out.stdout.contains("app token only"), "{}", out.stdout);
}

#[test]
fn a_600_character_chat_message_is_refused_before_sending() {
    let mock = mock();
    let cli = Cli::new(&mock);
    let token = mock.issue_user_token("ninja", &["user:write:chat"]);
    let id = mock.user_id("ninja").expect("the mock has ninja");
    let before = mock.stats().helix_requests;
    let long = "x".repeat(600);
    let out = run(cli.ttv().env("TWITCH_USER_TOKEN", &token).args([
        "send-chat-message",
        "--broadcaster-id",
        &id,
        "--message",
        &long,
    ]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("`message` takes at most 500 characters, got 600"), "{}", out.stderr);
    assert_eq!(mock.stats().helix_requests, before, "nothing was sent");
    let out = run(cli.ttv().env("TWITCH_USER_TOKEN", &token).args([
        "send-chat-message",
        "--broadcaster-id",
        &id,
        "--message",
        &"x".repeat(500),
    ]));
    assert_eq!(out.code, 0, "500 characters are fine: {}", out.stderr);
}

#[test]
fn a_100_character_poll_title_is_refused_before_sending() {
    let mock = mock();
    let cli = Cli::new(&mock);
    let token = mock.issue_user_token("ninja", &["channel:manage:polls"]);
    let before = mock.stats().helix_requests;
    let title = "t".repeat(100);
    let out = run(cli.ttv().env("TWITCH_USER_TOKEN", &token).args([
        "create-poll",
        "--title",
        &title,
        "--choices",
        r#"{"title": "yes"}"#,
        "--choices",
        r#"{"title": "no"}"#,
        "--duration",
        "60",
    ]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("`title` takes at most 60 characters, got 100"), "{}", out.stderr);
    assert_eq!(mock.stats().helix_requests, before, "nothing was sent");
}

#[test]
fn eventsub_subscription_filters_are_at_most_one() {
    let mock = mock();
    let cli = Cli::new(&mock);
    let before = mock.stats().helix_requests;
    let out = cli.run(["get-eventsub-subscriptions", "--status", "enabled", "--type", "channel.follow"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("--status") && out.stderr.contains("--type"), "{}", out.stderr);
    let out = cli.run(["get-eventsub-subscriptions", "--type", "channel.follow", "--user-id", "1"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert_eq!(mock.stats().helix_requests, before, "nothing was sent");
    let out = cli.run(["get-eventsub-subscriptions", "--status", "enabled"]);
    assert_eq!(out.code, 0, "one filter is fine: {}", out.stderr);
    let out = cli.run(["get-eventsub-subscriptions", "--status", "on"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("webhook_callback_verification_pending"), "{}", out.stderr);
}

#[test]
fn for_source_only_is_refused_with_a_user_token() {
    let mock = mock();
    let cli = Cli::new(&mock);
    let token = mock.issue_user_token("ninja", &["user:write:chat"]);
    let id = mock.user_id("ninja").expect("the mock has ninja");
    let before = mock.stats().helix_requests;
    let out = run(cli.ttv().env("TWITCH_USER_TOKEN", &token).args([
        "send-chat-message",
        "--broadcaster-id",
        &id,
        "--sender-id",
        &id,
        "--message",
        "hi",
        "--for-source-only",
    ]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("`for_source_only` is only valid with an app token"), "{}", out.stderr);
    assert_eq!(mock.stats().helix_requests, before, "nothing was sent");
}

#[test]
fn limits_inside_body_objects_and_integer_sets_are_refused_before_sending() {
    let mock = mock();
    let cli = Cli::new(&mock);
    let token = mock.issue_user_token("ninja", &["channel:manage:polls", "moderator:manage:chat_settings"]);
    let before = mock.stats().helix_requests;
    let long = "x".repeat(26);
    let out = run(cli.ttv().env("TWITCH_USER_TOKEN", &token).args([
        "create-poll",
        "--title",
        "Next game?",
        "--duration",
        "60",
        "--choices",
        r#"{"title": "Celeste"}"#,
        "--choices",
        &format!(r#"{{"title": "{long}"}}"#),
    ]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("`choices[1].title` takes at most 25 characters, got 26"), "{}", out.stderr);
    // The chat delay takes 2, 4 or 6 seconds: clap refuses others and lists them.
    let out = run(cli.ttv().env("TWITCH_USER_TOKEN", &token).args([
        "update-chat-settings",
        "--broadcaster-id",
        "10001",
        "--non-moderator-chat-delay-duration",
        "5",
    ]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("[possible values: 2, 4, 6]"), "{}", out.stderr);
    assert_eq!(mock.stats().helix_requests, before, "nothing was sent");
    let out = run(cli.ttv().env("TWITCH_USER_TOKEN", &token).args([
        "update-chat-settings",
        "--broadcaster-id",
        "10001",
        "--non-moderator-chat-delay-duration",
        "4",
    ]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.json()[0]["non_moderator_chat_delay_duration"], 4, "{}", out.stdout);
}
