//! Getting a user token (feature `login`): the device code flow (works for
//! Public clients, which have no secret) and the authorization code flow
//! (needs the secret; the redirect comes back to
//! [`super::redirect::RedirectListener`]). Refreshing, validating and revoking
//! are in [`super::oauth`] and need no feature.
//!
//! Every request sends its secrets in a form body, never in a URL, so no log
//! line (ours or the HTTP stack's) can show them.

use super::oauth::{decode_error, parse_grant, post_form, OAuthClient, TokenGrant};
use super::store::StoredUserToken;
use super::{clamp_lifetime, now, oauth_error_message};
use crate::secret::Secret;
use crate::Error;
use serde::Deserialize;
use std::time::{Duration, Instant};

/// The device code grant type (RFC 8628).
pub const DEVICE_GRANT_TYPE: &str = "urn:ietf:params:oauth:grant-type:device_code";
/// RFC 8628: `slow_down` adds five seconds to the polling interval.
const SLOW_DOWN_STEP: Duration = Duration::from_secs(5);
/// Device polls never come faster than this, whatever the server asks for.
const MIN_POLL_INTERVAL: Duration = Duration::from_secs(1);
/// Nor slower: a larger interval would outlast the code.
const MAX_POLL_INTERVAL: Duration = Duration::from_secs(60);
/// The longest device code lifetime believed (Twitch's is 30 minutes).
const MAX_DEVICE_LIFETIME_SECS: u64 = 3600;

/// A started device code login: show `verification_uri` and `user_code` to
/// the user, then [`OAuthClient::finish_device_flow`].
#[non_exhaustive]
pub struct DeviceAuthorization {
    /// Secret: identifies this login when polling.
    pub device_code: Secret,
    /// What the user types on Twitch's activation page (not secret).
    pub user_code: String,
    /// The page where the user enters `user_code` and approves the login.
    pub verification_uri: String,
    /// How long to wait between polls, as Twitch asked (bounded).
    pub interval: Duration,
    /// How long the device code stays usable (bounded).
    pub expires_in: Duration,
    /// The scopes asked for, stored with the token once approved.
    pub scopes: Vec<String>,
    issued: Instant,
}

impl std::fmt::Debug for DeviceAuthorization {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.debug_struct("DeviceAuthorization")
            .field("device_code", &self.device_code)
            .field("user_code", &self.user_code)
            .field("verification_uri", &self.verification_uri)
            .field("interval", &self.interval)
            .field("expires_in", &self.expires_in)
            .finish()
    }
}

/// One poll of a device code login.
#[derive(Debug)]
#[non_exhaustive]
pub enum DevicePoll {
    /// Not approved yet: poll again after the interval.
    Pending,
    /// Polling too fast: add five seconds to the interval.
    SlowDown,
    /// Approved: the user's token.
    Done(Box<StoredUserToken>),
}

#[derive(Deserialize)]
struct DeviceAnswer {
    device_code: Secret,
    user_code: String,
    verification_uri: String,
    #[serde(default = "default_interval")]
    interval: u64,
    #[serde(default = "default_device_lifetime")]
    expires_in: u64,
}

fn default_interval() -> u64 {
    5
}

fn default_device_lifetime() -> u64 {
    1800
}

impl OAuthClient {
    /// `POST /oauth2/device`: starts a device code login for these scopes.
    pub async fn start_device_flow(&self, scopes: &[String]) -> Result<DeviceAuthorization, Error> {
        const WHAT: &str = "Device login";
        let scope = scopes.join(" ");
        let fields = [("client_id", self.config.client_id.as_str()), ("scopes", scope.as_str())];
        let (status, body) = post_form(&self.http, &self.config, WHAT, "/device", &fields).await?;
        if !(200..300).contains(&status) {
            return Err(Error::OAuth {
                what: "device login",
                status,
                message: format!("{}; check the client id and the scopes", oauth_error_message(&body)),
            });
        }
        let answer: DeviceAnswer = serde_json::from_slice(&body).map_err(|e| decode_error(WHAT, &e))?;
        Ok(DeviceAuthorization {
            device_code: answer.device_code,
            user_code: answer.user_code,
            verification_uri: answer.verification_uri,
            interval: poll_interval(Duration::from_secs(answer.interval)),
            expires_in: Duration::from_secs(answer.expires_in.min(MAX_DEVICE_LIFETIME_SECS)),
            scopes: scopes.to_vec(),
            issued: Instant::now(),
        })
    }

    /// Asks once whether the device login was approved.
    pub async fn poll_device_once(&self, device: &DeviceAuthorization) -> Result<DevicePoll, Error> {
        const WHAT: &str = "Device login";
        let scope = device.scopes.join(" ");
        let fields = [
            ("client_id", self.config.client_id.as_str()),
            ("scopes", scope.as_str()),
            ("device_code", device.device_code.expose()),
            ("grant_type", DEVICE_GRANT_TYPE),
        ];
        let (status, body) = post_form(&self.http, &self.config, WHAT, "/token", &fields).await?;
        if (200..300).contains(&status) {
            let grant = parse_grant(WHAT, &body)?;
            return Ok(DevicePoll::Done(Box::new(self.complete(grant).await?)));
        }
        let message = oauth_error_message(&body);
        match message.as_str() {
            "authorization_pending" => Ok(DevicePoll::Pending),
            "slow_down" => Ok(DevicePoll::SlowDown),
            _ => {
                let expired = matches!(message.as_str(), "expired_token" | "invalid device code")
                    && device.issued.elapsed() + device.interval + Duration::from_secs(2) >= device.expires_in;
                let message = if expired {
                    format!(
                        "the code expired before it was approved ({message}; it was valid for {} s); log in again \
                         and enter the code sooner",
                        device.expires_in.as_secs()
                    )
                } else if message == "access_denied" {
                    "the login was refused on Twitch (access_denied)".to_owned()
                } else {
                    format!("{message}; log in again")
                };
                Err(Error::OAuth { what: "device login", status, message })
            }
        }
    }

    /// Polls at the interval Twitch asked for until the login is approved,
    /// refused or expired: `authorization_pending` keeps polling, `slow_down`
    /// adds five seconds to the interval.
    pub async fn finish_device_flow(&self, device: &DeviceAuthorization) -> Result<StoredUserToken, Error> {
        let lifetime = device.expires_in.min(Duration::from_secs(MAX_DEVICE_LIFETIME_SECS));
        let deadline = device.issued + lifetime;
        // The fields are public: clamp again whatever was set.
        let mut interval = poll_interval(device.interval);
        let mut polls = 0u32;
        loop {
            // The last poll happens at the deadline, so the server says how it ended.
            let wait = interval.min(deadline.saturating_duration_since(Instant::now()));
            tokio::time::sleep(wait).await;
            polls += 1;
            match self.poll_device_once(device).await? {
                DevicePoll::Done(token) => return Ok(*token),
                DevicePoll::Pending => tracing::debug!(polls, "device login: not approved yet"),
                DevicePoll::SlowDown => {
                    interval = poll_interval(interval.saturating_add(SLOW_DOWN_STEP));
                    tracing::debug!(polls, interval_secs = interval.as_secs(), "device login: asked to slow down");
                }
            }
            if Instant::now() >= deadline {
                return Err(Error::OAuth {
                    what: "device login",
                    status: 400,
                    message: format!(
                        "the code expired before it was approved (it was valid for {} s); log in again and enter \
                         the code sooner",
                        device.expires_in.as_secs()
                    ),
                });
            }
        }
    }

    /// The page to send the user to for the authorization code flow.
    pub fn authorize_url(&self, redirect_uri: &str, scopes: &[String], state: &str) -> String {
        let scope = scopes.join(" ");
        let query = ttv_meta::form::form(&[
            ("client_id", &self.config.client_id),
            ("redirect_uri", redirect_uri),
            ("response_type", "code"),
            ("scope", &scope),
            ("state", state),
        ]);
        format!("{}/authorize?{query}", self.config.oauth2_url)
    }

    /// The `authorization_code` grant: needs the client secret.
    pub async fn exchange_code(&self, code: &Secret, redirect_uri: &str) -> Result<StoredUserToken, Error> {
        const WHAT: &str = "Browser login";
        let secret = self
            .config
            .client_secret
            .as_ref()
            .ok_or(Error::NoClientSecret { needed_for: crate::error::SecretNeed::CodeExchange })?;
        let fields = [
            ("client_id", self.config.client_id.as_str()),
            ("client_secret", secret.expose()),
            ("code", code.expose()),
            ("grant_type", "authorization_code"),
            ("redirect_uri", redirect_uri),
        ];
        let (status, body) = post_form(&self.http, &self.config, WHAT, "/token", &fields).await?;
        if !(200..300).contains(&status) {
            return Err(Error::OAuth {
                what: "authorization code",
                status,
                message: format!(
                    "{}; check the client secret and that the redirect URL {redirect_uri} is registered for the app",
                    oauth_error_message(&body)
                ),
            });
        }
        let grant = parse_grant(WHAT, &body)?;
        self.complete(grant).await
    }

    /// A fresh grant becomes a stored token once Twitch says whose it is.
    async fn complete(&self, grant: TokenGrant) -> Result<StoredUserToken, Error> {
        let info = self.validate(&grant.access_token).await?;
        let issued = now();
        let expires_in = if grant.expires_in > 0 { grant.expires_in } else { info.expires_in };
        Ok(StoredUserToken {
            client_id: self.config.client_id.clone(),
            oauth2_url: self.config.oauth2_url.clone(),
            access_token: grant.access_token,
            refresh_token: grant.refresh_token,
            expires_at: if expires_in > 0 { issued.saturating_add(clamp_lifetime(expires_in)) } else { 0 },
            obtained_at: issued,
            scopes: if info.scopes.is_empty() { grant.scopes } else { info.scopes },
            login: info.login,
            user_id: info.user_id,
        })
    }
}

/// The interval between device polls, within [`MIN_POLL_INTERVAL`] and [`MAX_POLL_INTERVAL`].
fn poll_interval(asked: Duration) -> Duration {
    asked.clamp(MIN_POLL_INTERVAL, MAX_POLL_INTERVAL)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    #[test]
    fn absurd_intervals_are_clamped() {
        assert_eq!(poll_interval(Duration::ZERO), MIN_POLL_INTERVAL);
        assert_eq!(poll_interval(Duration::from_secs(u64::MAX)), MAX_POLL_INTERVAL);
    }

    #[test]
    fn the_authorize_url_carries_every_parameter_encoded() {
        let mut config = Config::new("cid");
        config.oauth2_url = "http://127.0.0.1:9/oauth2".into();
        let client = OAuthClient::new(config).unwrap();
        let url =
            client.authorize_url("http://localhost:3000", &["chat:read".into(), "user:read:follows".into()], "st");
        assert_eq!(
            url,
            "http://127.0.0.1:9/oauth2/authorize?client_id=cid&redirect_uri=http%3A%2F%2Flocalhost%3A3000\
             &response_type=code&scope=chat%3Aread%20user%3Aread%3Afollows&state=st"
        );
    }
}
