//! Spec corrections seen through the CLI: what the reference got wrong must
//! not make a verb unusable.

use ttv_tests::{mock, run, Cli};

/// The reference marks `unban_request_id` as "must be the token's user" (a
/// copy-paste slip): the id of an unban request is sent as given.
#[test]
fn resolve_unban_requests_sends_the_request_id_as_given() {
    let mock = mock();
    let cli = Cli::new(&mock);
    let token = mock.issue_user_token("ninja", &["moderator:manage:unban_requests"]);
    let out = run(cli.ttv().env("TWITCH_USER_TOKEN", &token).args([
        "resolve-unban-requests",
        "--broadcaster-id",
        "12345",
        "--unban-request-id",
        "92af127c-7326-4483-a52b-b0da0be61c01",
        "--status",
        "approved",
    ]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.json()[0]["status"], "approved");
    // Without it the verb says the flag is missing; it never fills in the user's id.
    let out = run(cli.ttv().env("TWITCH_USER_TOKEN", &token).args([
        "resolve-unban-requests",
        "--broadcaster-id",
        "12345",
        "--status",
        "approved",
    ]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("--unban-request-id"), "{}", out.stderr);
}

/// Only reads are split into several requests: sending a write twice (once
/// per batch) would repeat its effect. Checked across the whole spec.
#[test]
fn every_endpoint_a_batch_may_split_is_a_get() {
    let split: Vec<_> = ttv_helix::ENDPOINTS.iter().filter(|e| ttv_helix::__private::splittable(e)).collect();
    assert!(!split.is_empty(), "the spec has endpoints a batch splits (e.g. get-users)");
    for e in split {
        assert_eq!(e.http_method, ttv_helix::meta::HttpMethod::Get, "{}", e.name);
    }
}
