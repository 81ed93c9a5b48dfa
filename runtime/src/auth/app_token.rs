//! App access tokens from the client-credentials grant, cached across runs.
//!
//! The cache file lives in the cache folder, one per client id and OAuth server,
//! mode 0600, written atomically. A token is re-minted when it has less than
//! five minutes left, after Helix answers 401, or when the file is unreadable.
//!
//! One mint per client id across processes: a process about to mint locks
//! the cache folder (as the user-token refresh locks a file) and reads the
//! cache again under the lock, so processes started together use the token
//! the first of them minted.

#[cfg(feature = "file-store")]
use super::file::{create_private_dir, write_private};
use super::{clamp_lifetime, now};
use crate::config::Config;
use crate::http_client::{HttpClient, Outgoing};
use crate::secret::Secret;
use crate::Error;
use http::Method;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use tokio::sync::Mutex;

/// Re-mint when less than this many seconds remain.
pub const REFRESH_MARGIN_SECS: u64 = 300;

#[derive(Clone, Serialize, Deserialize)]
struct CachedToken {
    client_id: String,
    oauth2_url: String,
    access_token: Secret,
    /// Unix seconds.
    expires_at: u64,
}

impl CachedToken {
    fn fresh_for(&self, config: &Config) -> bool {
        self.client_id == config.client_id
            && self.oauth2_url == config.oauth2_url
            && self.expires_at > now() + REFRESH_MARGIN_SECS
    }
}

/// Hands out a valid app token, minting one only when needed. Shared by all
/// tasks of one client: the lock makes concurrent callers wait for one mint.
pub(crate) struct AppTokens {
    current: Mutex<Option<CachedToken>>,
    cache_file: Option<PathBuf>,
}

impl AppTokens {
    pub fn new(config: &Config) -> AppTokens {
        #[cfg(feature = "file-store")]
        let cache_file = config.cache_dir.as_ref().map(|dir| dir.join(cache_file_name(config)));
        // Without the file store the token is kept in memory only.
        #[cfg(not(feature = "file-store"))]
        let cache_file = {
            let _ = config;
            None
        };
        AppTokens { current: Mutex::new(None), cache_file }
    }

    /// A token with at least five minutes left.
    pub async fn get(&self, http: &HttpClient, config: &Config) -> Result<Secret, Error> {
        let mut current = self.current.lock().await;
        if let Some(t) = current.as_ref().filter(|t| t.fresh_for(config)) {
            return Ok(t.access_token.clone());
        }
        if let Some(t) = self.read_cache().filter(|t| t.fresh_for(config)) {
            let token = t.access_token.clone();
            *current = Some(t);
            return Ok(token);
        }
        // Held until the new token is in the cache file (or this fails).
        let _lock = self.lock_across_processes().await;
        if let Some(t) = self.read_cache().filter(|t| t.fresh_for(config)) {
            // Another process minted while this one waited for the lock.
            let token = t.access_token.clone();
            *current = Some(t);
            return Ok(token);
        }
        let minted = mint(http, config).await?;
        self.write_cache(&minted);
        let token = minted.access_token.clone();
        *current = Some(minted);
        Ok(token)
    }

    /// Forgets `used` after Helix refused it, so the next `get` mints a new one.
    pub async fn invalidate(&self, used: &Secret) {
        let mut current = self.current.lock().await;
        if current.as_ref().is_some_and(|t| &t.access_token == used) {
            *current = None;
            if let Some(path) = &self.cache_file {
                let _ = std::fs::remove_file(path);
            }
        }
    }

    /// The token held or cached for this client and OAuth server, whatever
    /// time it has left; mints nothing.
    pub async fn held(&self, config: &Config) -> Option<Secret> {
        let current = self.current.lock().await;
        let mine = |t: &CachedToken| t.client_id == config.client_id && t.oauth2_url == config.oauth2_url;
        current.as_ref().filter(|t| mine(t)).cloned().or_else(|| self.read_cache().filter(mine)).map(|t| t.access_token)
    }

    /// Forgets the token and deletes the cache file; the next `get` mints anew.
    /// Returns whether a file was deleted.
    pub async fn forget(&self) -> std::io::Result<bool> {
        *self.current.lock().await = None;
        match self.cache_file.as_ref().map(std::fs::remove_file) {
            Some(Ok(())) => Ok(true),
            Some(Err(e)) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
            Some(Err(e)) => Err(e),
            None => Ok(false),
        }
    }

    /// Where the token is cached, if anywhere.
    pub fn cache_file(&self) -> Option<&PathBuf> {
        self.cache_file.as_ref()
    }

    /// Seconds the cached token has left, if one is cached for this client and server.
    pub fn cached_expires_in(&self, config: &Config) -> Option<u64> {
        let t = self.read_cache().filter(|t| t.client_id == config.client_id && t.oauth2_url == config.oauth2_url)?;
        Some(t.expires_at.saturating_sub(now()))
    }

    /// The lock that makes minting one process at a time: the cache folder
    /// itself (`flock` on its descriptor), so that no lock file lies beside
    /// the cache. `None` without a cache folder, or when it cannot be locked
    /// (some platforms cannot lock a folder): then each process mints, as it
    /// would without a cache; not worth failing a call for.
    #[cfg(feature = "file-store")]
    async fn lock_across_processes(&self) -> Option<std::fs::File> {
        let dir = self.cache_file.as_ref()?.parent()?.to_path_buf();
        let shown = dir.clone();
        let locked = tokio::task::spawn_blocking(move || -> std::io::Result<std::fs::File> {
            create_private_dir(&dir)?;
            let folder = std::fs::File::open(&dir)?;
            // Released when the descriptor is closed, also if the process dies.
            folder.lock()?;
            Ok(folder)
        })
        .await;
        match locked {
            Ok(Ok(folder)) => Some(folder),
            Ok(Err(e)) => {
                tracing::debug!(folder = %shown.display(), error = %e, "cannot lock the app token cache; minting anyway");
                None
            }
            Err(_) => None,
        }
    }

    #[cfg(not(feature = "file-store"))]
    async fn lock_across_processes(&self) -> Option<std::fs::File> {
        None
    }

    fn read_cache(&self) -> Option<CachedToken> {
        let path = self.cache_file.as_ref()?;
        let bytes = std::fs::read(path).ok()?;
        match serde_json::from_slice(&bytes) {
            Ok(t) => Some(t),
            Err(_) => {
                tracing::warn!(file = %path.display(), "app token cache is unreadable; minting a new token");
                None
            }
        }
    }

    #[cfg(not(feature = "file-store"))]
    fn write_cache(&self, _token: &CachedToken) {}

    #[cfg(feature = "file-store")]
    fn write_cache(&self, token: &CachedToken) {
        let Some(path) = &self.cache_file else { return };
        let bytes = serde_json::to_vec(token).expect("token serializes");
        if let Err(e) = write_private(path, &bytes) {
            // Not fatal: the token still works for this run.
            tracing::warn!(file = %path.display(), error = %e, "cannot cache the app token");
        }
    }
}

/// `app-token-<client id>-<hash of the OAuth URL>.json`: a mock server's tokens
/// never get sent to Twitch, nor the other way round.
#[cfg(feature = "file-store")]
fn cache_file_name(config: &Config) -> String {
    let id: String = config.client_id.chars().filter(|c| c.is_ascii_alphanumeric()).take(64).collect();
    format!("app-token-{id}-{:08x}.json", fnv1a(config.oauth2_url.as_bytes()) as u32)
}

/// A stable hash (std's hasher may change between releases; file names must not).
#[cfg(feature = "file-store")]
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3))
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: Secret,
    expires_in: u64,
}

async fn mint(http: &HttpClient, config: &Config) -> Result<CachedToken, Error> {
    let secret = config
        .client_secret
        .as_ref()
        .ok_or(Error::NoClientSecret { needed_for: crate::error::SecretNeed::AppToken })?;
    let url = format!("{}/token", config.oauth2_url);
    let form = [
        ("client_id", config.client_id.as_str()),
        ("client_secret", secret.expose()),
        ("grant_type", "client_credentials"),
    ];
    let body = ttv_meta::form::form(&form);
    // 5xx and network failures are retried there and never reach the
    // advice about the client id and secret below.
    let (status, bytes) = super::oauth_send(http, config, "App token", || {
        Outgoing::new(Method::POST, &url).body("application/x-www-form-urlencoded", body.clone().into_bytes())
    })
    .await?;
    if !(200..300).contains(&status) {
        return Err(Error::OAuth {
            what: "app token (client credentials)",
            status,
            message: format!("{}; check the client id and the client secret", super::oauth_error_message(&bytes)),
        });
    }
    let got: TokenResponse = serde_json::from_slice(&bytes).map_err(|e| Error::Decode {
        endpoint: "App token".into(),
        path: ".".into(),
        message: e.to_string(),
    })?;
    Ok(CachedToken {
        client_id: config.client_id.clone(),
        oauth2_url: config.oauth2_url.clone(),
        access_token: got.access_token,
        expires_at: now().saturating_add(clamp_lifetime(got.expires_in)),
    })
}

#[cfg(all(test, feature = "file-store"))]
mod tests {
    use super::*;

    #[test]
    fn cache_file_is_keyed_by_client_and_server() {
        let mut a = Config::new("abc-123");
        a.oauth2_url = "http://127.0.0.1:1/oauth2".into();
        let mut b = a.clone();
        b.oauth2_url = "https://id.twitch.tv/oauth2".into();
        assert_ne!(cache_file_name(&a), cache_file_name(&b));
        assert!(cache_file_name(&a).starts_with("app-token-abc123-"));
    }
}
