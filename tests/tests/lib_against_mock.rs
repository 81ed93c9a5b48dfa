//! The library against the mock server over real HTTP on 127.0.0.1: app-token
//! minting and caching, user-token validation and scope checks, input checks
//! before sending, typed decoding, and that no secret ever shows in `Debug`,
//! `Display` or an error.

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use ttv_helix::{App, Error, Helix, Secret, User};
use ttv_mock::{MockConfig, MockServer};
use ttv_tests::{start_mock, MockClientConfig};

fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).expect("clock after 1970").as_secs()
}

fn cache_file(helix: &Helix<App>) -> PathBuf {
    helix.token_cache_file().expect("a cache dir is configured").to_path_buf()
}

fn read_json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).expect("cache file exists")).expect("cache file is JSON")
}

/// The app token the client cached, as the mock issued it.
fn cached_token(path: &Path) -> String {
    read_json(path)["access_token"].as_str().expect("access_token is a string").to_owned()
}

/// Writes a cache file by hand, in the format the runtime writes.
fn write_cache(path: &Path, mock: &MockServer, access_token: &str, expires_at: u64) {
    let v = serde_json::json!({
        "client_id": mock.client_id(),
        "oauth2_url": mock.oauth2_url(),
        "access_token": access_token,
        "expires_at": expires_at,
    });
    std::fs::create_dir_all(path.parent().expect("file in a folder")).expect("create cache dir");
    std::fs::write(path, serde_json::to_vec(&v).expect("serializes")).expect("write cache file");
}

/// `Display` and `Debug` of `value` contain none of `secrets`.
#[track_caller]
fn assert_hides<T: std::fmt::Debug>(value: &T, display: Option<String>, secrets: &[&str]) {
    let debug = format!("{value:?}");
    for text in std::iter::once(&debug).chain(display.as_ref()) {
        for secret in secrets {
            assert!(!secret.is_empty());
            assert!(!text.contains(secret), "a secret leaked into {text:?}");
        }
    }
}

#[track_caller]
fn assert_error_hides(error: &Error, secrets: &[&str]) {
    assert_hides(error, Some(error.to_string()), secrets);
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).expect("metadata").permissions().mode() & 0o777
}

#[tokio::test]
async fn app_token_is_minted_once_and_cached_privately_across_clients() {
    let mock = start_mock(MockConfig::default()).await;
    let tmp = tempfile::tempdir().expect("tempdir");
    // A folder that does not exist yet, so the runtime creates it (0700).
    let dir = tmp.path().join("ttv-cache");
    let cfg = mock.client_config_cached_in(&dir);

    let first = Helix::app(cfg.clone()).expect("app client");
    let users = first.get_users().login(["ninja"]).send().await.expect("first call");
    assert_eq!(users.data[0].login, "ninja");
    assert_eq!(mock.stats().app_tokens_minted, 1);

    let second = Helix::app(cfg.clone()).expect("app client");
    let users = second.get_users().login(["pokimane"]).send().await.expect("second client");
    assert_eq!(users.data[0].login, "pokimane");
    assert_eq!(mock.stats().app_tokens_minted, 1, "the second client reuses the cached token");

    let path = cache_file(&first);
    assert_eq!(path, cache_file(&second));
    assert_eq!(path.parent(), Some(dir.as_path()));
    #[cfg(unix)]
    {
        assert_eq!(mode(&path), 0o600, "cache file is owner-only");
        assert_eq!(mode(&dir), 0o700, "cache folder is owner-only");
    }
    let contents = std::fs::read_to_string(&path).expect("cache file");
    assert!(!contents.contains(mock.client_secret()), "the client secret is not cached");
    let token = cached_token(&path);
    assert_eq!(token.len(), 30);

    let secrets = [mock.client_secret(), token.as_str()];
    assert_hides(&first, None, &secrets);
    assert_hides(&cfg, None, &secrets);
    assert_hides(&users, None, &secrets);
}

#[tokio::test]
async fn a_corrupt_cache_file_leads_to_a_fresh_token() {
    let mock = start_mock(MockConfig::default()).await;
    let tmp = tempfile::tempdir().expect("tempdir");
    let helix = Helix::app(mock.client_config_cached_in(tmp.path())).expect("app client");
    let path = cache_file(&helix);
    std::fs::write(&path, b"\x00{not json at all").expect("write garbage");

    let games = helix.get_top_games().first(3).send().await.expect("works despite the garbage");
    assert_eq!(games.data.len(), 3);
    assert_eq!(mock.stats().app_tokens_minted, 1);
    // The garbage was replaced by the new token.
    assert_eq!(cached_token(&path).len(), 30);
}

#[tokio::test]
async fn a_cached_token_near_expiry_is_reminted() {
    let mock = start_mock(MockConfig::default()).await;
    let tmp = tempfile::tempdir().expect("tempdir");
    let cfg = mock.client_config_cached_in(tmp.path());
    let path = cache_file(&Helix::app(cfg.clone()).expect("app client"));

    // Control: a hand-written cache file with an hour left is used as is,
    // which shows the file format below is the one the runtime reads.
    let lasting = mock.issue_app_token();
    write_cache(&path, &mock, &lasting, now() + 3600);
    let helix = Helix::app(cfg.clone()).expect("app client");
    helix.get_users().login(["ninja"]).send().await.expect("call with the cached token");
    assert_eq!(mock.stats().app_tokens_minted, 0, "a token with an hour left is reused");
    assert_eq!(cached_token(&path), lasting);

    // One minute left is under the five-minute margin: mint a new one.
    let expiring = mock.issue_app_token();
    write_cache(&path, &mock, &expiring, now() + 60);
    let helix = Helix::app(cfg).expect("app client");
    helix.get_users().login(["ninja"]).send().await.expect("call with a new token");
    assert_eq!(mock.stats().app_tokens_minted, 1, "a token with a minute left is re-minted");
    let fresh = cached_token(&path);
    assert_ne!(fresh, expiring);
    assert!(read_json(&path)["expires_at"].as_u64().expect("expires_at") > now() + 3600);
}

#[tokio::test]
async fn a_revoked_app_token_is_reminted_after_one_401() {
    let mock = start_mock(MockConfig::default()).await;
    let tmp = tempfile::tempdir().expect("tempdir");
    let helix = Helix::app(mock.client_config_cached_in(tmp.path())).expect("app client");
    helix.get_users().login(["ninja"]).send().await.expect("first call");
    let path = cache_file(&helix);
    let old = cached_token(&path);
    assert_eq!(mock.stats().app_tokens_minted, 1);

    mock.expire_token(&old);
    let before = mock.stats().helix_requests;
    let users = helix.get_users().login(["shroud"]).send().await.expect("recovers from the 401");
    assert_eq!(users.data[0].login, "shroud");
    let stats = mock.stats();
    assert_eq!(stats.app_tokens_minted, 2);
    assert_eq!(stats.helix_requests - before, 2, "one 401, then one retry");
    let new = cached_token(&path);
    assert_ne!(new, old, "the new token replaced the refused one on disk");

    // A second client reading the cache gets the new token, not the dead one.
    let other = Helix::app(mock.client_config_cached_in(tmp.path())).expect("app client");
    other.get_users().login(["ninja"]).send().await.expect("uses the new cached token");
    assert_eq!(mock.stats().app_tokens_minted, 2);
    assert_hides(&helix, None, &[&old, &new, mock.client_secret()]);
}

#[tokio::test]
async fn the_cache_is_keyed_by_client_id() {
    let mock = start_mock(MockConfig::default()).await;
    let tmp = tempfile::tempdir().expect("tempdir");
    let ours = Helix::app(mock.client_config_cached_in(tmp.path())).expect("app client");
    ours.get_users().login(["ninja"]).send().await.expect("call");
    let ours_file = cache_file(&ours);
    let token = cached_token(&ours_file);

    let mut cfg = mock.client_config_cached_in(tmp.path());
    cfg.client_id = "someotherclientid0000000000000".into();
    let theirs = Helix::app(cfg).expect("app client");
    let theirs_file = cache_file(&theirs);
    assert_ne!(ours_file, theirs_file);
    assert_eq!(ours_file.parent(), theirs_file.parent());

    // Even a copy of our token under their name is not used for another client
    // id: the file records the client id it was minted for.
    std::fs::copy(&ours_file, &theirs_file).expect("copy");
    let err = theirs.get_users().login(["ninja"]).send().await.expect_err("the mock knows no such client");
    assert!(matches!(err, Error::OAuth { status: 400, .. }), "{err:?}");
    assert!(err.to_string().contains("invalid client"), "{err}");
    assert!(err.to_string().contains("check the client id"), "{err}");
    assert!(!err.to_string().contains("TWITCH_"), "the library names no environment variable: {err}");
    assert_error_hides(&err, &[mock.client_secret(), &token]);
    assert_eq!(cached_token(&ours_file), token, "our cache file is untouched");
    assert_eq!(mock.stats().app_tokens_minted, 1);
}

#[tokio::test]
async fn user_tokens_are_validated_on_start() {
    let mock = start_mock(MockConfig::default()).await;
    let tmp = tempfile::tempdir().expect("tempdir");
    let cfg = mock.client_config_cached_in(tmp.path());

    let bogus = "thisisnotatokenthemockknows000";
    let err = Helix::user(cfg.clone(), Secret::new(bogus)).await.expect_err("unknown token");
    assert!(matches!(err, Error::UserTokenRefused { status: 401, profile: None, .. }), "{err:?}");
    assert!(!err.to_string().contains("TWITCH_USER_TOKEN"), "no CLI advice from the library: {err}");
    assert_error_hides(&err, &[bogus, mock.client_secret()]);

    let expired = mock.issue_user_token("ninja", &["user:read:follows"]);
    mock.expire_token(&expired);
    let err = Helix::user(cfg.clone(), Secret::new(expired.as_str())).await.expect_err("expired token");
    assert!(matches!(err, Error::UserTokenRefused { .. }), "{err:?}");
    assert_error_hides(&err, &[&expired, mock.client_secret()]);

    let good = mock.issue_user_token("ninja", &["user:read:follows"]);
    let helix = Helix::user(cfg.clone(), Secret::new(good.as_str())).await.expect("valid token");
    assert_eq!(helix.user_id(), mock.user_id("ninja").expect("ninja exists"));
    assert_eq!(helix.token_info().login.as_deref(), Some("ninja"));
    assert_eq!(helix.token_info().scopes, ["user:read:follows"]);
    assert_eq!(mock.stats().validate_calls, 3);
    assert_hides(&helix, None, &[&good, mock.client_secret()]);
    assert_hides(&cfg, None, &[mock.client_secret()]);
}

#[tokio::test]
async fn a_missing_scope_is_caught_before_sending() {
    let mock = start_mock(MockConfig::default()).await;
    let tmp = tempfile::tempdir().expect("tempdir");
    let token = mock.issue_user_token("ninja", &["chat:read"]);
    let helix =
        Helix::user(mock.client_config_cached_in(tmp.path()), Secret::new(token.as_str())).await.expect("valid token");

    let before = mock.stats().helix_requests;
    let err = helix.get_followed_streams(helix.user_id()).send().await.expect_err("scope is missing");
    match &err {
        Error::MissingScope { endpoint, missing } => {
            assert_eq!(*endpoint, "Get Followed Streams");
            assert_eq!(missing, "user:read:follows");
        }
        other => panic!("expected MissingScope, got {other:?}"),
    }
    assert!(err.to_string().contains("user:read:follows"), "{err}");
    assert_eq!(mock.stats().helix_requests, before, "nothing was sent");
    assert_error_hides(&err, &[&token, mock.client_secret()]);

    // With the check off the request goes out and Twitch (the mock) refuses it.
    let mut cfg = mock.client_config_cached_in(tmp.path());
    cfg.check_scopes = false;
    let helix = Helix::user(cfg, Secret::new(token.as_str())).await.expect("valid token");
    let err = helix.get_followed_streams(helix.user_id()).send().await.expect_err("the mock refuses it");
    match &err {
        Error::Unauthorized { status, message, .. } => {
            assert_eq!(*status, 401);
            assert!(message.contains("user:read:follows"), "{message}");
        }
        other => panic!("expected Unauthorized, got {other:?}"),
    }
    assert_eq!(mock.stats().helix_requests, before + 1, "sent once, not retried");
    assert_error_hides(&err, &[&token, mock.client_secret()]);

    // The granted scope makes the same call work.
    let token = mock.issue_user_token("ninja", &["user:read:follows"]);
    let helix =
        Helix::user(mock.client_config_cached_in(tmp.path()), Secret::new(token.as_str())).await.expect("valid token");
    let followed = helix.get_followed_streams(helix.user_id()).send().await.expect("scope granted");
    assert!(followed.data.iter().all(|s| s.r#type == "live"), "{followed:?}");
}

#[tokio::test]
async fn parameters_that_must_name_the_token_user_are_checked_before_sending() {
    let mock = start_mock(MockConfig::default()).await;
    let tmp = tempfile::tempdir().expect("tempdir");
    let token = mock.issue_user_token("ninja", &["user:read:follows"]);
    let helix =
        Helix::user(mock.client_config_cached_in(tmp.path()), Secret::new(token.as_str())).await.expect("valid token");
    let someone_else = mock.user_id("pokimane").expect("in the data set");

    let before = mock.stats().helix_requests;
    let err = helix.get_followed_streams(someone_else.as_str()).send().await.expect_err("not the token's user");
    match &err {
        Error::InvalidInput { endpoint, message } => {
            assert_eq!(*endpoint, "Get Followed Streams");
            assert!(message.contains("`user_id` must be the id of the token's user"), "{message}");
            assert!(message.contains(helix.user_id()) && message.contains(&someone_else), "{message}");
        }
        other => panic!("expected InvalidInput, got {other:?}"),
    }
    assert_eq!(mock.stats().helix_requests, before, "nothing was sent");

    // The mock refuses it as Twitch does, for a request that skips the check.
    let raw = ttv_helix::RawRequest::new(ttv_helix::meta::HttpMethod::Get, "/streams/followed")
        .query("user_id", someone_else.as_str());
    match helix.send_raw(&raw).await.expect_err("Twitch refuses it") {
        Error::Unauthorized { status: 401, message, .. } => {
            assert!(message.contains("user_id must match the user ID"), "{message}")
        }
        other => panic!("expected Unauthorized, got {other:?}"),
    }
    helix.get_followed_streams(helix.user_id()).send().await.expect("the token's own user");
}

#[tokio::test]
async fn an_app_token_must_name_whom_get_users_is_about() {
    let mock = start_mock(MockConfig::default()).await;
    let tmp = tempfile::tempdir().expect("tempdir");
    let app = Helix::app(mock.client_config_cached_in(tmp.path())).expect("app client");
    let before = mock.stats().helix_requests;
    match app.get_users().send().await.expect_err("no id, no login, no user") {
        Error::InvalidInput { endpoint, message } => {
            assert_eq!(endpoint, "Get Users");
            assert!(message.contains("with an app token, give at least one of `id`, `login`"), "{message}");
        }
        other => panic!("expected InvalidInput, got {other:?}"),
    }
    assert_eq!(mock.stats().helix_requests, before, "nothing was sent");
    // Twitch (the mock) refuses it too, for a request that skips the check.
    let raw = ttv_helix::RawRequest::new(ttv_helix::meta::HttpMethod::Get, "/users");
    match app.send_raw(&raw).await.expect_err("Twitch refuses it") {
        Error::Helix { status: 400, message, .. } => assert!(message.contains("id or login"), "{message}"),
        other => panic!("expected a 400, got {other:?}"),
    }
    // A user token stands for its own user.
    let token = mock.issue_user_token("ninja", &[]);
    let user = Helix::user(mock.client_config_cached_in(tmp.path()), Secret::new(token)).await.expect("valid token");
    let me = user.get_users().send().await.expect("the token's user");
    assert_eq!(me.data.first().map(|u| u.login.as_str()), Some("ninja"));
}

#[tokio::test]
async fn invalid_input_is_refused_before_sending() {
    let mock = start_mock(MockConfig::default()).await;
    let tmp = tempfile::tempdir().expect("tempdir");
    let helix = Helix::app(mock.client_config_cached_in(tmp.path())).expect("app client");

    let err = helix.get_top_games().first(101).send().await.expect_err("first above 100");
    assert!(matches!(err, Error::InvalidInput { endpoint: "Get Top Games", .. }), "{err:?}");
    assert!(err.to_string().contains("`first`"), "{err}");

    // A list over its maximum is refused where splitting it would change the
    // meaning (Get Streams pages; Get Users would split it: see transport.rs).
    let ids: Vec<String> = (0..150).map(|i| (10_001 + i).to_string()).collect();
    let err = helix.get_streams().user_id(&ids).send().await.expect_err("150 ids");
    assert!(matches!(err, Error::InvalidInput { .. }), "{err:?}");
    assert!(err.to_string().contains("`user_id`") && err.to_string().contains("150"), "{err}");

    let err = helix.get_users().login(["ninja", "not a login"]).send().await.expect_err("bad login");
    assert!(matches!(err, Error::InvalidInput { .. }), "{err:?}");
    let text = err.to_string();
    assert!(text.contains("\"not a login\" is not a Twitch login name"), "{text}");

    let err = helix.get_clips().send().await.expect_err("one of broadcaster_id, game_id, id");
    assert!(err.to_string().contains("give exactly one of"), "{err}");

    assert_error_hides(&err, &[mock.client_secret()]);

    let stats = mock.stats();
    assert_eq!((stats.helix_requests, stats.app_tokens_minted), (0, 0), "nothing was sent, not even a token request");
}

#[tokio::test]
async fn answers_decode_into_typed_responses() {
    let mock = start_mock(MockConfig::default()).await;
    let tmp = tempfile::tempdir().expect("tempdir");
    let app = Helix::app(mock.client_config_cached_in(tmp.path())).expect("app client");

    let users = app.get_users().login(["ninja", "pokimane"]).send().await.expect("get users");
    let logins: Vec<&str> = users.data.iter().map(|u| u.login.as_str()).collect();
    assert_eq!(logins, ["ninja", "pokimane"]);
    assert_eq!(users.data[0].id, mock.user_id("ninja").expect("ninja"));
    assert_eq!(users.data[1].id, mock.user_id("pokimane").expect("pokimane"));
    let reversed = app.get_users().login(["pokimane", "ninja"]).send().await.expect("get users");
    let logins: Vec<&str> = reversed.data.iter().map(|u| u.login.as_str()).collect();
    assert_eq!(logins, ["pokimane", "ninja"], "answers come in request order");

    let found = app.search_channels("arcomage").live_only(true).send().await.expect("search channels");
    assert_eq!(found.data.len(), 1, "{found:?}");
    assert_eq!(found.data[0].broadcaster_login, "arcomage");
    assert!(found.data[0].is_live);

    let token = mock.issue_user_token("ninja", &["channel:manage:broadcast"]);
    let user: Helix<User> =
        Helix::user(mock.client_config_cached_in(tmp.path()), Secret::new(token.as_str())).await.expect("user client");
    let done =
        user.modify_channel_information(user.user_id()).title("arcomage rematch").send().await.expect("204 No Content");
    assert!(done.data.is_empty());

    // A 400 from Helix keeps the status, Twitch's message and the endpoint.
    mock.faults().push(ttv_mock::Fault::new(ttv_mock::FaultKind::Status(400)).on("/helix/users").times(1));
    let err = app.get_users().login(["ninja"]).send().await.expect_err("Helix answers 400");
    match &err {
        Error::Helix { endpoint, status, error, message, .. } => {
            assert_eq!(*status, 400);
            assert_eq!(error, "Bad Request");
            assert!(endpoint.contains("Get Users"), "{endpoint}");
            assert!(message.contains("injected a 400"), "{message}");
        }
        other => panic!("expected a Helix error, got {other:?}"),
    }
    let text = err.to_string();
    assert!(text.contains("Get Users (GET /users): 400 Bad Request: ttv-mock injected a 400"), "{text}");

    let app_token = cached_token(&cache_file(&app));
    let secrets = [mock.client_secret(), token.as_str(), app_token.as_str()];
    assert_error_hides(&err, &secrets);
    assert_hides(&app, None, &secrets);
    assert_hides(&user, None, &secrets);
}
