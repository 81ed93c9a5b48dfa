//! Getting, caching and checking access tokens.

pub mod app_token;
pub mod extension;
pub mod file;
pub mod folders;
pub mod interrupt;
pub mod login;
pub mod redirect;
pub mod store;
pub mod user_tokens;
pub mod validate;

pub use login::{DeviceAuthorization, DevicePoll, OAuthClient};
pub use redirect::RedirectListener;
pub use store::{FileStore, MemoryStore, Salvaged, StoreLock, StoredUserToken, TokenStore, DEFAULT_PROFILE};
pub use user_tokens::UserTokenSource;
pub use validate::TokenInfo;

use std::time::{SystemTime, UNIX_EPOCH};

/// Seconds since the Unix epoch.
pub(crate) fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

/// Twitch's OAuth error bodies come as `{status, message}` (and sometimes `error`).
pub(crate) fn oauth_error_message(body: &[u8]) -> String {
    let v: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
    v.get("message")
        .and_then(|m| m.as_str())
        .or_else(|| v.get("error_description").and_then(|m| m.as_str()))
        .or_else(|| v.get("error").and_then(|m| m.as_str()))
        .map(str::to_owned)
        .unwrap_or_else(|| String::from_utf8_lossy(body).chars().take(200).collect())
}
