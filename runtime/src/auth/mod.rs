//! Getting, caching and checking access tokens.

pub mod app_token;
pub mod extension;
#[cfg(feature = "file-store")]
pub mod file;
#[cfg(feature = "file-store")]
pub mod file_store;
#[cfg(feature = "file-store")]
pub mod folders;
pub mod interrupt;
#[cfg(feature = "login")]
pub mod login;
pub mod oauth;
#[cfg(feature = "login")]
pub mod redirect;
pub mod store;
pub mod user_tokens;
pub mod validate;

#[cfg(feature = "file-store")]
pub use file_store::{FileStore, Salvaged};
#[cfg(feature = "login")]
pub use login::{DeviceAuthorization, DevicePoll};
pub use oauth::OAuthClient;
#[cfg(feature = "login")]
pub use redirect::RedirectListener;
pub use store::{MemoryStore, StoreLock, StoredUserToken, TokenStore};
pub use user_tokens::UserTokenSource;
pub use validate::TokenInfo;

use crate::config::{Config, Wait, WaitHook, WaitReason};
use crate::http_client::{HttpClient, Outgoing};
use crate::Error;
use std::time::{SystemTime, UNIX_EPOCH};

/// Seconds since the Unix epoch.
pub(crate) fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

/// The longest token lifetime believed: a year. Twitch's app tokens last
/// about two months and user tokens hours; a larger `expires_in` is a broken
/// or hostile answer, and taken as this so that `now + expires_in` never wraps.
pub(crate) const MAX_TOKEN_LIFETIME_SECS: u64 = 365 * 24 * 3600;

/// An `expires_in` as believed (see [`MAX_TOKEN_LIFETIME_SECS`]).
pub(crate) fn clamp_lifetime(expires_in: u64) -> u64 {
    expires_in.min(MAX_TOKEN_LIFETIME_SECS)
}

/// Sends one OAuth request (`build` makes it afresh for each try) and reads
/// the answer within [`Config::max_answer_bytes`], never following a redirect.
///
/// A 5xx, a refused or dropped connection and a timeout are retried with the
/// backoff of Helix requests, up to [`Config::max_retries`] and within
/// [`Config::deadline`]: for every OAuth request this is safe. Minting, device
/// polls, validation and revocation may be repeated freely; a refresh or code
/// exchange that Twitch carried out without us getting the answer is lost
/// either way, and the repeat is then only refused as the original would be.
/// What is still failing after the retries is an [`Error::Network`] ("Twitch
/// could not be reached or failed") or [`Error::Timeout`], never an error
/// about the credentials. Other statuses are returned with their body.
pub(crate) async fn oauth_send<'a>(
    http: &HttpClient,
    config: &Config,
    what: &str,
    build: impl Fn() -> Outgoing<'a>,
) -> Result<(u16, Vec<u8>), Error> {
    let attempts = async {
        let mut retry = 0u32;
        loop {
            let failure = match http.send(what, config, build()).await {
                Ok(answer) => {
                    tracing::debug!(what, status = answer.status, "oauth request");
                    if answer.status < 500 {
                        return Ok((answer.status, answer.body));
                    }
                    Error::Network {
                        endpoint: what.to_owned(),
                        source: None,
                        message: format!(
                            "Twitch could not be reached or failed: the OAuth server answered {} {}",
                            answer.status,
                            http::StatusCode::from_u16(answer.status)
                                .ok()
                                .and_then(|s| s.canonical_reason())
                                .unwrap_or("")
                        ),
                    }
                }
                Err(e) => match e {
                    Error::Network { endpoint, message, source } => Error::Network {
                        endpoint,
                        source,
                        message: format!("Twitch could not be reached or failed ({message})"),
                    },
                    other => other,
                },
            };
            if !matches!(failure, Error::Network { .. } | Error::Timeout { .. }) || retry >= config.max_retries {
                return Err(failure);
            }
            retry += 1;
            let wait = crate::transport::retry::backoff(config, retry);
            tracing::debug!(what, retry, wait_ms = wait.as_millis() as u64, error = %failure, "oauth retry");
            let why = WaitReason::Retry(failure.to_string());
            WaitHook::notify(config.on_wait.as_ref(), &Wait { endpoint: what.to_owned(), duration: wait, reason: why });
            tokio::time::sleep(wait).await;
        }
    };
    // Past the deadline the tries count as one long timeout.
    tokio::time::timeout(config.deadline, attempts)
        .await
        .unwrap_or_else(|_| Err(Error::Timeout { endpoint: what.to_owned(), seconds: config.deadline.as_secs() }))
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
