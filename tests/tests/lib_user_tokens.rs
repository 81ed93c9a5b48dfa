//! User tokens against the mock over real HTTP: stored profiles that refresh
//! themselves on expiry and after a 401 (then retry once), refresh tokens that
//! rotate and are saved before the new access token is used, one refresh for
//! many concurrent callers, the store trait implemented outside the crate,
//! hourly validation, and the errors that say what to do.

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ttv_helix::{Error, FileStore, Helix, Secret, StoredUserToken, TokenStore, User, UserTokenSource};
use ttv_helix::{OAuthClient, StoreLock};
use ttv_mock::{MockConfig, MockServer, MockStats};
use ttv_tests::{start_mock, MockClientConfig};

const SCOPES: &[&str] = &["user:read:follows"];

async fn mock() -> Arc<MockServer> {
    Arc::new(start_mock(MockConfig::default()).await)
}

fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).expect("clock after 1970").as_secs()
}

/// A stored token as `ttv auth login` leaves it; `expires_at` in the past
/// makes the client refresh before first use.
fn stored(mock: &MockServer, access: &str, refresh: &str, expires_at: u64) -> StoredUserToken {
    StoredUserToken::new(mock.client_id(), mock.oauth2_url(), Secret::new(access))
        .with_refresh_token(Secret::new(refresh))
        .with_expires_at(expires_at)
        .with_obtained_at(expires_at.saturating_sub(4 * 3600))
        .with_scopes(SCOPES.iter().copied())
        .with_login("ninja")
        .with_user_id(mock.user_id("ninja").expect("the mock knows ninja"))
}

/// A token store written outside the crate: tokens in memory, and for each
/// save the mock's counters at that moment, to prove when it happened.
struct RecordingStore {
    mock: Arc<MockServer>,
    tokens: Mutex<Option<StoredUserToken>>,
    saves: Mutex<Vec<(StoredUserToken, MockStats)>>,
    fail_saves: bool,
}

impl RecordingStore {
    fn new(mock: &Arc<MockServer>, token: StoredUserToken) -> Arc<RecordingStore> {
        Arc::new(RecordingStore {
            mock: mock.clone(),
            tokens: Mutex::new(Some(token)),
            saves: Mutex::new(Vec::new()),
            fail_saves: false,
        })
    }

    fn current(&self) -> StoredUserToken {
        self.tokens.lock().unwrap().clone().expect("a token is stored")
    }

    fn saves(&self) -> Vec<(StoredUserToken, MockStats)> {
        self.saves.lock().unwrap().clone()
    }
}

impl TokenStore for RecordingStore {
    fn load(&self, _profile: &str) -> Result<Option<StoredUserToken>, Error> {
        Ok(self.tokens.lock().unwrap().clone())
    }

    fn save(&self, _profile: &str, token: &StoredUserToken) -> Result<(), Error> {
        if self.fail_saves {
            return Err(Error::Config("the disk is full".into()));
        }
        self.saves.lock().unwrap().push((token.clone(), self.mock.stats()));
        *self.tokens.lock().unwrap() = Some(token.clone());
        Ok(())
    }

    fn delete(&self, _profile: &str) -> Result<bool, Error> {
        Ok(self.tokens.lock().unwrap().take().is_some())
    }

    fn lock(&self, _profile: &str) -> Result<StoreLock, Error> {
        Ok(StoreLock::none())
    }
}

async fn followed(helix: &Helix<User>) -> Result<serde_json::Value, Error> {
    helix.get_followed_streams(helix.user_id()).send_json().await
}

#[tokio::test]
async fn an_expired_stored_token_is_refreshed_and_the_rotation_saved_before_use() {
    let mock = mock().await;
    let (access, refresh) = mock.issue_user_tokens("ninja", SCOPES);
    let store = RecordingStore::new(&mock, stored(&mock, &access, &refresh, now() - 10));

    let helix =
        Helix::user_from_store(mock.client_config(), store.clone(), "default").await.expect("refreshes at start");
    assert_eq!(helix.token_info().login.as_deref(), Some("ninja"));
    assert_eq!(mock.stats().refreshes, 1);

    let saves = store.saves();
    assert_eq!(saves.len(), 1, "one save: the rotated pair");
    let (saved, stats_at_save) = &saves[0];
    // Saved before the new token was used: not even validated yet at that moment.
    assert_eq!((stats_at_save.validate_calls, stats_at_save.helix_requests), (0, 0));
    assert_ne!(saved.access_token.expose(), access);
    let new_refresh = saved.refresh_token.clone().expect("a refresh token");
    assert_ne!(new_refresh.expose(), refresh);
    assert!(!mock.is_refresh_token_valid(&refresh), "the old refresh token is spent");
    assert!(mock.is_refresh_token_valid(new_refresh.expose()));
    assert!(saved.expires_at > now() + 3600);

    // The token in use is the one saved.
    assert_eq!(helix.access_token().await.unwrap(), saved.access_token);
    followed(&helix).await.expect("the refreshed token works");
    assert_eq!(mock.stats().refreshes, 1);
}

#[tokio::test]
async fn a_refreshed_token_that_cannot_be_saved_is_not_used() {
    let mock = mock().await;
    let (access, refresh) = mock.issue_user_tokens("ninja", SCOPES);
    let store = Arc::new(RecordingStore {
        mock: mock.clone(),
        tokens: Mutex::new(Some(stored(&mock, &access, &refresh, now() - 10))),
        saves: Mutex::new(Vec::new()),
        fail_saves: true,
    });
    let err = Helix::user_from_store(mock.client_config(), store.clone(), "default").await.expect_err("cannot save");
    assert!(matches!(err, Error::Config(_)), "{err:?}");
    assert!(err.to_string().contains("not used") && err.to_string().contains("disk is full"), "{err}");
    assert_eq!(mock.stats().refreshes, 1);
    assert_eq!((mock.stats().validate_calls, mock.stats().helix_requests), (0, 0), "the new token never went out");
    assert_eq!(store.current().access_token.expose(), access, "the store is unchanged");
}

#[tokio::test]
async fn a_refused_token_is_refreshed_and_the_request_retried_once() {
    let mock = mock().await;
    let (access, refresh) = mock.issue_user_tokens("ninja", SCOPES);
    let store = RecordingStore::new(&mock, stored(&mock, &access, &refresh, now() + 3 * 3600));
    let helix = Helix::user_from_store(mock.client_config(), store.clone(), "default").await.expect("valid token");
    assert_eq!(mock.stats().refreshes, 0, "a fresh token is not refreshed");

    // Twitch ends the token early (revoked, or expired before its time).
    mock.expire_token(&access);
    let before = mock.stats().helix_requests;
    followed(&helix).await.expect("refreshed and retried");
    assert_eq!(mock.stats().refreshes, 1);
    assert_eq!(mock.stats().helix_requests - before, 2, "the refused request and its one retry");
    let (saved, at_save) = store.saves().pop().expect("saved");
    assert_eq!(at_save.helix_requests - before, 1, "saved before the retry went out");
    assert_eq!(helix.access_token().await.unwrap(), saved.access_token);

    // Tokens minted from now on are born expired: the retry fails too, and
    // there is exactly one refresh and one retry, no loop.
    mock.set_token_lifetime(Duration::ZERO);
    mock.expire_token(saved.access_token.expose());
    let before = mock.stats().helix_requests;
    let err = followed(&helix).await.expect_err("the new token is refused as well");
    assert!(matches!(err, Error::Unauthorized { status: 401, .. }), "{err:?}");
    assert_eq!(mock.stats().refreshes, 2);
    assert_eq!(mock.stats().helix_requests - before, 2);
}

#[tokio::test]
async fn a_missing_scope_401_does_not_refresh() {
    let mock = mock().await;
    let (access, refresh) = mock.issue_user_tokens("ninja", &[]);
    let store = RecordingStore::new(&mock, stored(&mock, &access, &refresh, now() + 3 * 3600));
    let mut cfg = mock.client_config();
    cfg.check_scopes = false;
    let helix = Helix::user_from_store(cfg, store, "default").await.expect("valid token");
    let err = followed(&helix).await.expect_err("missing scope");
    assert!(err.to_string().contains("user:read:follows"), "{err}");
    assert_eq!(mock.stats().refreshes, 0);
}

#[tokio::test]
async fn concurrent_callers_share_one_refresh() {
    let mock = mock().await;
    let (access, refresh) = mock.issue_user_tokens("ninja", SCOPES);
    let dir = tempfile::tempdir().unwrap();
    let files = Arc::new(FileStore::new(dir.path()));
    files.save("default", &stored(&mock, &access, &refresh, now() + 3 * 3600)).unwrap();

    // Two clients on the same profile file stand for two processes; each is
    // used by several tasks at once.
    let a = Helix::user_from_store(mock.client_config(), files.clone(), "default").await.unwrap();
    let b = Helix::user_from_store(mock.client_config(), files.clone(), "default").await.unwrap();
    mock.expire_token(&access);
    let calls = (0..8).map(|i| {
        let helix = if i % 2 == 0 { a.clone() } else { b.clone() };
        async move { followed(&helix).await.map(|_| ()) }
    });
    for call in futures::future::join_all(calls).await {
        call.expect("every call succeeds");
    }
    assert_eq!(mock.stats().refreshes, 1, "one refresh for two clients and eight calls");
    let saved = files.load("default").unwrap().unwrap();
    assert_eq!(a.access_token().await.unwrap(), saved.access_token);
    assert_eq!(b.access_token().await.unwrap(), saved.access_token);
}

#[tokio::test]
async fn refresh_failures_say_whether_to_log_in_again_or_retry() {
    let mock = mock().await;
    let (access, refresh) = mock.issue_user_tokens("ninja", SCOPES);
    // Used once already (say by another machine): now refused.
    let dir = tempfile::tempdir().unwrap();
    let files = Arc::new(FileStore::new(dir.path()));
    files.save("default", &stored(&mock, &access, &refresh, now() - 10)).unwrap();
    let first = Helix::user_from_store(mock.client_config(), files.clone(), "default").await.unwrap();
    files.save("default", &stored(&mock, &access, &refresh, now() - 10)).unwrap();
    let err =
        Helix::user_from_store(mock.client_config(), files.clone(), "default").await.expect_err("spent refresh token");
    assert!(
        matches!(&err, Error::RefreshRefused { status: 400, profile: Some(p), .. } if p == "default"),
        "says which profile must log in again: {err:?}"
    );
    let text = err.to_string();
    assert!(text.contains("Invalid refresh token") && text.contains("no longer valid"), "{text}");
    for secret in [access.as_str(), refresh.as_str(), mock.client_secret()] {
        assert!(!text.contains(secret) && !format!("{err:?}").contains(secret));
    }
    drop(first);

    // Twitch cannot be reached: retry, and the stored token is left alone.
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead_url = format!("http://{}/oauth2", dead.local_addr().unwrap());
    drop(dead);
    let mut cfg = mock.client_config();
    cfg.oauth2_url = dead_url.clone();
    let mut offline = stored(&mock, "a", "r", now() - 10);
    offline.oauth2_url = dead_url;
    files.save("offline", &offline).unwrap();
    let err = Helix::user_from_store(cfg, files.clone(), "offline").await.expect_err("no server");
    assert!(matches!(err, Error::Network { .. }), "{err:?}");
    assert!(err.to_string().contains("try again"), "{err}");
    assert_eq!(files.load("offline").unwrap().unwrap(), offline);
}

#[tokio::test]
async fn a_corrupt_or_missing_profile_says_to_log_in() {
    let mock = mock().await;
    let dir = tempfile::tempdir().unwrap();
    let files = Arc::new(FileStore::new(dir.path()));
    let err = Helix::user_from_store(mock.client_config(), files.clone(), "default").await.expect_err("nothing stored");
    assert!(matches!(&err, Error::NotLoggedIn { profile } if profile == "default"), "{err:?}");
    assert!(!err.to_string().contains("ttv auth"), "no CLI advice from the library: {err}");

    std::fs::write(files.path("default").unwrap(), b"{\"access_token\": \"half").unwrap();
    let err = Helix::user_from_store(mock.client_config(), files.clone(), "default").await.expect_err("corrupt");
    let text = err.to_string();
    assert!(matches!(&err, Error::CorruptTokenFile { profile, .. } if profile == "default"), "{err:?}");
    assert!(text.contains("corrupt") && text.contains("profile `default`"), "{text}");
    assert_eq!(mock.stats().validate_calls, 0);
}

#[tokio::test]
async fn a_supplied_token_without_refresh_token_says_it_cannot_refresh() {
    let mock = mock().await;
    mock.set_token_lifetime(Duration::from_secs(2));
    let token = mock.issue_user_token("ninja", SCOPES);
    let helix = Helix::user(mock.client_config(), Secret::new(token.as_str())).await.expect("valid for 2 s");
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let err = followed(&helix).await.expect_err("expired");
    let text = err.to_string();
    assert!(matches!(err, Error::UserTokenExpired { profile: None, .. }), "a supplied token: {err:?}");
    assert!(text.contains("cannot be refreshed") && !text.contains("TWITCH_USER_TOKEN"), "{text}");
    assert!(!text.contains(&token));
    assert_eq!(mock.stats().helix_requests, 0, "known expired: not sent");
}

#[tokio::test]
async fn a_supplied_token_with_a_refresh_token_refreshes_in_memory() {
    let mock = mock().await;
    let (access, refresh) = mock.issue_user_tokens("ninja", SCOPES);
    let source =
        UserTokenSource::supplied(Secret::new(access.as_str())).with_refresh_token(Secret::new(refresh.as_str()));
    let helix = Helix::user_with(mock.client_config(), source).await.unwrap();
    mock.expire_token(&access);
    followed(&helix).await.expect("refreshed");
    assert_eq!(mock.stats().refreshes, 1);
}

#[tokio::test]
async fn tokens_are_validated_at_start_and_again_when_the_last_check_is_old() {
    let mock = mock().await;
    let (access, refresh) = mock.issue_user_tokens("ninja", SCOPES);
    let store = RecordingStore::new(&mock, stored(&mock, &access, &refresh, now() + 3 * 3600));
    let source = UserTokenSource::stored(store, "default").revalidate_every(Duration::from_millis(300));
    let helix = Helix::user_with(mock.client_config(), source).await.unwrap();
    assert_eq!(mock.stats().validate_calls, 1, "validated at start");
    followed(&helix).await.unwrap();
    followed(&helix).await.unwrap();
    assert_eq!(mock.stats().validate_calls, 1, "recently validated: not again");
    tokio::time::sleep(Duration::from_millis(400)).await;
    followed(&helix).await.unwrap();
    assert_eq!(mock.stats().validate_calls, 2, "validated again once the last check was old");

    // A periodic validation that finds the token revoked refreshes it first.
    mock.expire_token(&access);
    tokio::time::sleep(Duration::from_millis(400)).await;
    let before = mock.stats().helix_requests;
    followed(&helix).await.unwrap();
    assert_eq!(mock.stats().refreshes, 1);
    assert_eq!(mock.stats().helix_requests - before, 1, "no 401 round trip");
}

#[tokio::test]
async fn the_device_flow_in_the_library() {
    let mock = Arc::new(
        MockServer::start(MockConfig { device_interval: 0, device_polls_before_approval: 1, ..MockConfig::default() })
            .await
            .unwrap(),
    );
    let mut cfg = mock.client_config();
    // Public clients have no secret; the device flow does not need one.
    cfg.client_secret = None;
    let oauth = OAuthClient::new(cfg.clone()).unwrap();
    let device = oauth.start_device_flow(&["chat:read".into()]).await.unwrap();
    assert!(!format!("{device:?}").contains(device.device_code.expose()));
    let token = oauth.finish_device_flow(&device).await.unwrap();
    assert_eq!(token.login.as_deref(), Some("ninja"));
    assert_eq!(token.scopes, ["chat:read"]);
    assert!(token.refresh_token.is_some());
    let debug = format!("{token:?}");
    assert!(!debug.contains(token.access_token.expose()));

    // And it refreshes without a secret too.
    let source =
        UserTokenSource::supplied(token.access_token.clone()).with_refresh_token(token.refresh_token.clone().unwrap());
    let helix = Helix::user_with(cfg, source).await.unwrap();
    mock.expire_token(token.access_token.expose());
    helix.validate().await.expect_err("validate does not refresh by itself");
    helix.get_users().login(["ninja"]).send_json().await.expect("refreshed after the 401");
    assert_eq!(mock.stats().refreshes, 1);
    assert!(!format!("{helix:?}").contains(token.access_token.expose()));
}
