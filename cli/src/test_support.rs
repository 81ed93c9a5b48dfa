//! What the unit tests share: a mock Twitch on 127.0.0.1, the credentials
//! that reach it, a run context over them, and tokens stored as a login
//! would store them. Only compiled for tests with the `mock` feature.

use crate::context::{Ctx, TokenChoice};
use crate::credentials::Credentials;
use crate::paging::Paging;
use std::path::Path;
use std::sync::Arc;
use ttv_helix::{Config, FileStore, Secret, StoredUserToken};
use ttv_mock::{MockConfig, MockServer};

/// A fresh mock on 127.0.0.1 with the default data set.
pub async fn mock() -> MockServer {
    MockServer::start(MockConfig::default()).await.expect("the mock starts on 127.0.0.1")
}

/// The mock's client id and secret and URLs; no token cache on disk.
pub fn config(mock: &MockServer) -> Config {
    let mut config = Config::new(mock.client_id());
    config.client_secret = Some(Secret::new(mock.client_secret().to_owned()));
    config.helix_url = mock.helix_url();
    config.oauth2_url = mock.oauth2_url();
    config.cache_dir = None;
    config
}

/// Credentials for the mock, with `user_token` as TWITCH_USER_TOKEN would give it.
pub fn credentials(mock: &MockServer, user_token: Option<String>) -> Credentials {
    Credentials { config: config(mock), user_token: user_token.map(Secret::new), extension: None }
}

/// A context on `creds` with the profile `profile` kept in `state` (none: no store).
pub fn ctx(creds: Credentials, choice: TokenChoice, profile: &str, state: Option<&Path>) -> Ctx {
    ctx_paging(creds, choice, profile, state, None)
}

/// [`ctx`] following cursors as `paging` says.
pub fn ctx_paging(
    creds: Credentials,
    choice: TokenChoice,
    profile: &str,
    state: Option<&Path>,
    paging: Option<Paging>,
) -> Ctx {
    let store = state.map(|dir| Arc::new(FileStore::new(dir)));
    Ctx::new(creds, choice, profile.to_owned(), store, paging, false)
}

/// A token for `login` issued by the mock, as `ttv auth login` stores it.
pub fn stored_token(mock: &MockServer, login: &str, scopes: &[&str]) -> StoredUserToken {
    let (access, refresh) = mock.issue_user_tokens(login, scopes);
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("after 1970").as_secs();
    let token = StoredUserToken::new(mock.client_id(), mock.oauth2_url(), Secret::new(access))
        .with_refresh_token(Secret::new(refresh))
        .with_expires_at(now + 3600)
        .with_obtained_at(now)
        .with_scopes(scopes.iter().copied())
        .with_login(login);
    match mock.user_id(login) {
        Some(id) => token.with_user_id(id),
        None => token,
    }
}

/// Saves `token` under `profile` in the store folder `state`.
pub fn save(state: &Path, profile: &str, token: &StoredUserToken) {
    use ttv_helix::TokenStore;
    FileStore::new(state).save(profile, token).expect("the token is saved");
}
