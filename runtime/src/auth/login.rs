//! Getting a user token: the device code flow (works for Public clients, which
//! have no secret), the authorization code flow (needs the secret; the
//! redirect comes back to [`super::redirect::RedirectListener`]), refreshing,
//! and revoking.
//!
//! Every request sends its secrets in a form body, never in a URL, so no log
//! line (ours or the HTTP stack's) can show them.

use super::store::StoredUserToken;
use super::validate::validate;
use super::{clamp_lifetime, now, oauth_error_message, TokenInfo};
use crate::config::Config;
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

/// Talks to Twitch's OAuth server (`Config::oauth2_url`) for user logins.
#[derive(Debug, Clone)]
pub struct OAuthClient {
    http: reqwest::Client,
    config: Config,
}

/// A started device code login: show `verification_uri` and `user_code` to
/// the user, then [`OAuthClient::finish_device_flow`].
pub struct DeviceAuthorization {
    /// Secret: identifies this login when polling.
    pub device_code: Secret,
    /// What the user types on Twitch's activation page (not secret).
    pub user_code: String,
    pub verification_uri: String,
    pub interval: Duration,
    pub expires_in: Duration,
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
pub enum DevicePoll {
    /// Not approved yet: poll again after the interval.
    Pending,
    /// Polling too fast: add five seconds to the interval.
    SlowDown,
    /// Approved: the user's token.
    Done(Box<StoredUserToken>),
}

/// What the token endpoint answers for the user grants.
#[derive(Debug)]
pub(crate) struct TokenGrant {
    pub access_token: Secret,
    pub refresh_token: Option<Secret>,
    pub expires_in: u64,
    pub scopes: Vec<String>,
}

#[derive(Deserialize)]
struct TokenAnswer {
    access_token: Secret,
    #[serde(default)]
    refresh_token: Option<Secret>,
    #[serde(default)]
    expires_in: u64,
    /// Twitch sends a list; accept a space-separated string too.
    #[serde(default)]
    scope: serde_json::Value,
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

/// POSTs a form to `{oauth2_url}{path}`; returns the status and the body.
async fn post_form(
    http: &reqwest::Client,
    config: &Config,
    what: &str,
    path: &str,
    fields: &[(&str, &str)],
) -> Result<(u16, Vec<u8>), Error> {
    let url = format!("{}{path}", config.oauth2_url);
    let form = ttv_meta::form::form(fields);
    super::oauth_send(config, what, || {
        http.post(&url).header("Content-Type", "application/x-www-form-urlencoded").body(form.clone())
    })
    .await
}

/// A JSON answer that did not decode. serde's own message may quote a value
/// (a token), so only the position is kept.
fn decode_error(what: &str, e: &serde_json::Error) -> Error {
    Error::Decode {
        endpoint: what.into(),
        path: ".".into(),
        message: format!("unexpected answer at column {}", e.column()),
    }
}

fn parse_grant(what: &str, body: &[u8]) -> Result<TokenGrant, Error> {
    let answer: TokenAnswer = serde_json::from_slice(body).map_err(|e| decode_error(what, &e))?;
    let scopes = match answer.scope {
        serde_json::Value::Array(items) => items.iter().filter_map(|s| s.as_str().map(str::to_owned)).collect(),
        serde_json::Value::String(s) => s.split_whitespace().map(str::to_owned).collect(),
        _ => Vec::new(),
    };
    Ok(TokenGrant {
        access_token: answer.access_token,
        refresh_token: answer.refresh_token,
        expires_in: clamp_lifetime(answer.expires_in),
        scopes,
    })
}

/// The `refresh_token` grant. The client secret goes along when there is one
/// (Confidential clients need it; Public clients refresh without).
pub(crate) async fn refresh(
    http: &reqwest::Client,
    config: &Config,
    refresh_token: &Secret,
) -> Result<TokenGrant, Error> {
    const WHAT: &str = "Refresh user token";
    let mut fields = vec![
        ("client_id", config.client_id.as_str()),
        ("grant_type", "refresh_token"),
        ("refresh_token", refresh_token.expose()),
    ];
    if let Some(secret) = &config.client_secret {
        fields.push(("client_secret", secret.expose()));
    }
    let (status, body) = post_form(http, config, WHAT, "/token", &fields).await?;
    if !(200..300).contains(&status) {
        return Err(Error::OAuth { what: "refresh of the user token", status, message: oauth_error_message(&body) });
    }
    parse_grant(WHAT, &body)
}

impl OAuthClient {
    pub fn new(config: Config) -> Result<OAuthClient, Error> {
        let config = config.normalized();
        let http = crate::http::client(&config)?;
        Ok(OAuthClient { http, config })
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

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
                message: format!("{}; check TWITCH_CLIENT_ID and the scopes", oauth_error_message(&body)),
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
                    "{}; check TWITCH_CLIENT_SECRET and that the redirect URL {redirect_uri} is registered for the app",
                    oauth_error_message(&body)
                ),
            });
        }
        let grant = parse_grant(WHAT, &body)?;
        self.complete(grant).await
    }

    /// `POST /oauth2/revoke`. A token Twitch no longer knows counts as revoked.
    pub async fn revoke(&self, token: &Secret) -> Result<(), Error> {
        let fields = [("client_id", self.config.client_id.as_str()), ("token", token.expose())];
        let (status, body) = post_form(&self.http, &self.config, "Revoke token", "/revoke", &fields).await?;
        let message = oauth_error_message(&body);
        if (200..300).contains(&status) || (status == 400 && message.eq_ignore_ascii_case("invalid token")) {
            return Ok(());
        }
        Err(Error::OAuth { what: "revocation", status, message })
    }

    /// `GET /oauth2/validate`.
    pub async fn validate(&self, token: &Secret) -> Result<TokenInfo, Error> {
        validate(&self.http, &self.config, token).await
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

    #[test]
    fn grants_accept_scope_lists_and_strings() {
        let g =
            parse_grant("x", br#"{"access_token":"a","refresh_token":"r","expires_in":5,"scope":["x","y"]}"#).unwrap();
        assert_eq!(g.scopes, ["x", "y"]);
        let g = parse_grant("x", br#"{"access_token":"a","scope":"x y"}"#).unwrap();
        assert_eq!((g.scopes.len(), g.refresh_token.is_none()), (2, true));
    }

    #[test]
    fn a_broken_answer_does_not_quote_its_values() {
        let err = parse_grant("x", br#"{"access_token":"a","expires_in":"leaky-token"}"#).unwrap_err();
        assert!(!err.to_string().contains("leaky-token"), "{err}");
    }

    #[test]
    fn absurd_lifetimes_and_intervals_are_clamped() {
        let g = parse_grant("x", br#"{"access_token":"a","expires_in":18446744073709551615}"#).unwrap();
        assert_eq!(g.expires_in, super::super::MAX_TOKEN_LIFETIME_SECS);
        assert!(now().checked_add(g.expires_in).is_some());
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
