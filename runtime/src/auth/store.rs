//! Where user tokens live between runs.
//!
//! [`TokenStore`] is the interface: load, save and delete a token by profile
//! name, plus a lock that keeps two processes from refreshing the same token at
//! once. `FileStore` (feature `file-store`, in [`super::file_store`]) keeps
//! them in private files; [`MemoryStore`]
//! keeps tokens in memory, for tests and for applications that persist them
//! themselves (implement the trait to keep them in a database or a keyring).

use crate::secret::Secret;
use crate::Error;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Mutex;

/// A user access token with what is needed to refresh it and to say whose it is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct StoredUserToken {
    /// The application the token was issued to.
    pub client_id: String,
    /// The OAuth server that issued it (a mock's tokens never go to Twitch).
    pub oauth2_url: String,
    /// The secret that authorizes Helix calls; never shown by `Debug`.
    pub access_token: Secret,
    /// Absent for tokens that cannot be refreshed (e.g. implicit grant).
    #[serde(default)]
    pub refresh_token: Option<Secret>,
    /// Unix seconds when the access token expires; 0 when unknown or never.
    #[serde(default)]
    pub expires_at: u64,
    /// Unix seconds when the access token was issued.
    #[serde(default)]
    pub obtained_at: u64,
    #[serde(default)]
    /// The scopes the user granted, as Twitch reported them.
    pub scopes: Vec<String>,
    #[serde(default)]
    /// The login (user name) of the user the token belongs to, when known.
    pub login: Option<String>,
    #[serde(default)]
    /// The id of the user the token belongs to, when known.
    pub user_id: Option<String>,
}

impl StoredUserToken {
    /// A token `client_id` got from the OAuth server at `oauth2_url`, with
    /// nothing else known yet; add the rest with the `with_*` methods (a
    /// custom [`TokenStore`] builds the tokens it loads this way).
    pub fn new(client_id: impl Into<String>, oauth2_url: impl Into<String>, access_token: Secret) -> StoredUserToken {
        StoredUserToken {
            client_id: client_id.into(),
            oauth2_url: oauth2_url.into(),
            access_token,
            refresh_token: None,
            expires_at: 0,
            obtained_at: 0,
            scopes: Vec::new(),
            login: None,
            user_id: None,
        }
    }

    /// The refresh token, so the client can renew the access token.
    pub fn with_refresh_token(mut self, refresh_token: Secret) -> StoredUserToken {
        self.refresh_token = Some(refresh_token);
        self
    }

    /// Unix seconds when the access token expires (0: unknown or never).
    pub fn with_expires_at(mut self, expires_at: u64) -> StoredUserToken {
        self.expires_at = expires_at;
        self
    }

    /// Unix seconds when the access token was issued (sizes the refresh margin).
    pub fn with_obtained_at(mut self, obtained_at: u64) -> StoredUserToken {
        self.obtained_at = obtained_at;
        self
    }

    /// The scopes the token was granted.
    pub fn with_scopes<S: Into<String>>(mut self, scopes: impl IntoIterator<Item = S>) -> StoredUserToken {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// The login of the user the token belongs to.
    pub fn with_login(mut self, login: impl Into<String>) -> StoredUserToken {
        self.login = Some(login.into());
        self
    }

    /// The id of the user the token belongs to.
    pub fn with_user_id(mut self, user_id: impl Into<String>) -> StoredUserToken {
        self.user_id = Some(user_id.into());
        self
    }

    /// Seconds the access token has left (0 when expired; `None` when unknown).
    pub fn expires_in(&self) -> Option<u64> {
        (self.expires_at != 0).then(|| self.expires_at.saturating_sub(super::now()))
    }

    /// Whether it is worth refreshing now: less than five minutes left (or a
    /// quarter of the token's life, for short-lived tokens).
    pub fn needs_refresh(&self) -> bool {
        if self.expires_at == 0 {
            return false;
        }
        let lifetime = self.expires_at.saturating_sub(self.obtained_at);
        let margin = if self.obtained_at == 0 {
            super::app_token::REFRESH_MARGIN_SECS
        } else {
            (lifetime / 4).min(super::app_token::REFRESH_MARGIN_SECS)
        };
        super::now().saturating_add(margin) >= self.expires_at
    }

    /// Whether the access token is past its expiry.
    pub fn is_expired(&self) -> bool {
        self.expires_at != 0 && super::now() >= self.expires_at
    }
}

/// Held while a profile's token is being refreshed or replaced; dropping it
/// lets the next process or task in.
#[must_use = "the lock is released when this is dropped"]
pub struct StoreLock(#[allow(dead_code)] Option<Box<dyn Send + Sync>>);

impl StoreLock {
    /// A lock that guards nothing across processes (the in-process lock still applies).
    pub fn none() -> StoreLock {
        StoreLock(None)
    }

    /// Wraps whatever releases the lock when dropped (a locked file, a guard).
    pub fn new(guard: impl Send + Sync + 'static) -> StoreLock {
        StoreLock(Some(Box::new(guard)))
    }
}

impl std::fmt::Debug for StoreLock {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("StoreLock")
    }
}

/// Where user tokens are kept, by profile name. Calls are blocking and short;
/// the client runs [`lock`](TokenStore::lock) on a blocking thread.
pub trait TokenStore: Send + Sync + 'static {
    /// The profile's token; `Ok(None)` when there is none, an error when it
    /// cannot be read (say what to do: usually log in again).
    fn load(&self, profile: &str) -> Result<Option<StoredUserToken>, Error>;

    /// Replaces the profile's token; must be durable when it returns, since a
    /// refreshed token is saved before it is used.
    fn save(&self, profile: &str, token: &StoredUserToken) -> Result<(), Error>;

    /// Forgets the profile's token; returns whether there was one.
    fn delete(&self, profile: &str) -> Result<bool, Error>;

    /// The profiles that have a token (possibly unreadable), sorted.
    fn profiles(&self) -> Result<Vec<String>, Error> {
        Ok(Vec::new())
    }

    /// Waits until no one else (in any process) is changing this profile's
    /// token. The default guards nothing across processes.
    fn lock(&self, profile: &str) -> Result<StoreLock, Error> {
        let _ = profile;
        Ok(StoreLock::none())
    }

    /// Where the profile's token is kept, for messages (`None` if not a file).
    fn location(&self, profile: &str) -> Option<PathBuf> {
        let _ = profile;
        None
    }
}

/// The default profile name.
pub const DEFAULT_PROFILE: &str = "default";

/// Profile names become file names: letters, digits, `-`, `_` and `.`, not leading.
pub fn check_profile_name(profile: &str) -> Result<(), Error> {
    let ok = !profile.is_empty()
        && profile.len() <= 64
        && !profile.starts_with('.')
        && profile.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok {
        Ok(())
    } else {
        Err(Error::Config(format!(
            "`{profile}` is not a usable profile name: use up to 64 letters, digits, `-`, `_` or `.`"
        )))
    }
}

/// Tokens in memory only: for tests, and for applications that persist them
/// some other way (read them back with [`TokenStore::load`]).
#[derive(Debug, Default)]
pub struct MemoryStore {
    tokens: Mutex<BTreeMap<String, StoredUserToken>>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> MemoryStore {
        MemoryStore::default()
    }
}

impl TokenStore for MemoryStore {
    fn load(&self, profile: &str) -> Result<Option<StoredUserToken>, Error> {
        Ok(self.tokens.lock().unwrap_or_else(|e| e.into_inner()).get(profile).cloned())
    }

    fn save(&self, profile: &str, token: &StoredUserToken) -> Result<(), Error> {
        self.tokens.lock().unwrap_or_else(|e| e.into_inner()).insert(profile.to_owned(), token.clone());
        Ok(())
    }

    fn delete(&self, profile: &str) -> Result<bool, Error> {
        Ok(self.tokens.lock().unwrap_or_else(|e| e.into_inner()).remove(profile).is_some())
    }

    fn profiles(&self) -> Result<Vec<String>, Error> {
        Ok(self.tokens.lock().unwrap_or_else(|e| e.into_inner()).keys().cloned().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// When the test tokens were issued (in 2030, so none has expired).
    const ISSUED: u64 = 1_900_000_000;

    fn token(access: &str) -> StoredUserToken {
        StoredUserToken {
            client_id: "cid".into(),
            oauth2_url: "http://127.0.0.1:1/oauth2".into(),
            access_token: Secret::new(access),
            refresh_token: Some(Secret::new("refresh-secret-1")),
            // Fixed times: two tokens made a second apart must still be equal.
            expires_at: ISSUED + 3600,
            obtained_at: ISSUED,
            scopes: vec!["chat:read".into()],
            login: Some("ninja".into()),
            user_id: Some("10001".into()),
        }
    }

    #[test]
    fn the_builder_sets_every_field_a_custom_store_needs() {
        let built = StoredUserToken::new("cid", "http://127.0.0.1:1/oauth2", Secret::new("access-secret-2"))
            .with_refresh_token(Secret::new("refresh-secret-1"))
            .with_expires_at(ISSUED + 3600)
            .with_obtained_at(ISSUED)
            .with_scopes(["chat:read"])
            .with_login("ninja")
            .with_user_id("10001");
        assert_eq!(built, token("access-secret-2"));
        let bare = StoredUserToken::new("cid", "http://127.0.0.1:1/oauth2", Secret::new("a"));
        assert_eq!((bare.refresh_token, bare.expires_at, bare.login), (None, 0, None));
    }

    #[test]
    fn debug_hides_tokens() {
        let t = token("access-secret-9");
        let shown = format!("{t:?}");
        assert!(!shown.contains("access-secret-9") && !shown.contains("refresh-secret-1"), "{shown}");
    }
}
