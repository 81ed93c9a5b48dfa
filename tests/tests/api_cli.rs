//! `ttv api` (any Helix request) and `ttv completions` against the mock over
//! real HTTP: the escape hatch goes through the same token, retry and error
//! handling as the generated verbs, and never sends the token elsewhere.

use ttv_mock::{Fault, FaultKind};
use ttv_tests::{mock, run, Cli};

#[test]
fn api_prints_the_whole_answer_of_any_path() {
    let mock = mock();
    let cli = Cli::new(&mock);
    let out = cli.run(["api", "/users", "-q", "login=ninja", "-q", "login=pokimane"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let answer = out.json();
    let logins: Vec<&str> = answer["data"].as_array().unwrap().iter().map(|u| u["login"].as_str().unwrap()).collect();
    assert_eq!(logins, ["ninja", "pokimane"]);
    // The query may ride on the path; the envelope (pagination) is kept.
    let page = cli.run(["api", "GET", "/streams?first=2"]);
    assert_eq!(page.code, 0, "{}", page.stderr);
    let page = page.json();
    assert_eq!(page["data"].as_array().map(Vec::len), Some(2));
    assert!(page["pagination"]["cursor"].is_string(), "{page}");
    // -o ndjson prints the data items, one a line.
    let nd = cli.run(["-o", "ndjson", "api", "/users?login=ninja&login=pokimane"]);
    assert_eq!(nd.stdout.lines().count(), 2, "{}", nd.stdout);
}

#[test]
fn api_sends_bodies_with_the_user_token() {
    let mock = mock();
    let cli = Cli::new(&mock);
    let token = mock.issue_user_token("ninja", &["channel:manage:broadcast"]);
    let id = mock.user_id("ninja").unwrap();
    let broadcaster = format!("broadcaster_id={id}");
    let patch = run(cli.ttv().env("TWITCH_USER_TOKEN", &token).args([
        "api",
        "PATCH",
        "/channels",
        "-q",
        &broadcaster,
        "--body",
        r#"{"title": "set through ttv api"}"#,
    ]));
    assert_eq!(patch.code, 0, "{}", patch.stderr);
    let channel = cli.run(["get-channel-information", "--broadcaster-id", &id]);
    assert_eq!(channel.json()[0]["title"], "set through ttv api");
}

#[test]
fn api_errors_are_twitchs_with_the_usual_exit_codes() {
    let mock = mock();
    let cli = Cli::new(&mock);
    let missing = cli.run(["api", "/no/such/endpoint"]);
    assert_eq!(missing.code, 5, "{}", missing.stderr);
    assert!(missing.stderr.contains("GET /no/such/endpoint: 404 Not Found"), "{}", missing.stderr);
    // A user-only endpoint with the app token: Twitch's 401, exit 4.
    let refused = cli.run(["api", "/streams/followed", "-q", "user_id=10001"]);
    assert_eq!(refused.code, 4, "{}", refused.stderr);
    let bad_method = cli.run(["api", "FETCH", "/users"]);
    assert_eq!(bad_method.code, 2, "{}", bad_method.stderr);
    assert!(bad_method.stderr.contains("GET, POST, PUT, PATCH or DELETE"), "{}", bad_method.stderr);
}

#[test]
fn api_never_sends_the_token_outside_the_helix_url() {
    let mock = mock();
    let cli = Cli::new(&mock);
    let before = mock.stats().helix_requests;
    for path in ["http://127.0.0.1:9/helix/users", "/../oauth2/revoke"] {
        let out = cli.run(["api", path]);
        assert_eq!(out.code, 2, "{path}: {}", out.stderr);
        assert!(out.stderr.contains("give a path under the Helix URL"), "{}", out.stderr);
    }
    assert_eq!(mock.stats().helix_requests, before, "nothing was sent");
}

#[test]
fn api_requests_are_retried_and_logged_without_the_token() {
    let mock = mock();
    let cli = Cli::new(&mock);
    // Mint the app token first so the log below is the request's alone.
    assert_eq!(cli.run(["api", "/games/top"]).code, 0);
    mock.faults().push(Fault::new(FaultKind::Status(503)).on("/helix/users").times(1));
    let before = mock.stats().helix_requests;
    let out = cli.run(["-v", "api", "/users", "-q", "login=ninja"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(mock.faults().injected(), 1, "one 503");
    assert_eq!(mock.stats().helix_requests - before, 1, "then the retry was answered");
    assert!(out.stderr.contains("helix retry"), "{}", out.stderr);
    assert!(out.stderr.contains("Bearer [redacted]"), "{}", out.stderr);
    let cached = std::fs::read_dir(cli.home().join("cache")).unwrap().next().unwrap().unwrap().path();
    let cached: serde_json::Value = serde_json::from_slice(&std::fs::read(cached).unwrap()).unwrap();
    let token = cached["access_token"].as_str().expect("a cached token");
    assert!(!out.stderr.contains(token), "the token leaked into the log");
}

#[test]
fn completions_need_no_credentials() {
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(ttv_tests::ttv_bin())
        .env_clear()
        .env("HOME", dir.path())
        .args(["completions", "bash"])
        .output()
        .expect("ttv runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let script = String::from_utf8(out.stdout).unwrap();
    assert!(script.contains("get-users") && script.contains("api"), "a bash script for every verb");
}

#[test]
fn api_follows_cursors_like_a_paginated_verb() {
    let mock = mock();
    let cli = Cli::new(&mock);
    let raw = cli.run(["-o", "ndjson", "api", "/streams", "-q", "first=100", "--all"]);
    assert_eq!(raw.code, 0, "{}", raw.stderr);
    let verb = cli.run(["-o", "ndjson", "get-streams", "--all"]);
    assert!(raw.stdout.lines().count() > 100, "more than one page");
    assert_eq!(raw.stdout, verb.stdout, "the same items in the same order");
    // A cap stops early and says how to go on.
    let capped = cli.run(["-o", "ndjson", "api", "/streams", "-q", "first=5", "--max-items", "10"]);
    assert_eq!(capped.stdout.lines().count(), 10);
    assert!(capped.stderr.contains("repeat with -q after="), "{}", capped.stderr);
}
