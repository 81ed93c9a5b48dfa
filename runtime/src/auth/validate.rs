//! `GET /oauth2/validate`: who a token belongs to, its scopes and remaining life.

use crate::config::Config;
use crate::http_client::{HttpClient, Outgoing};
use crate::secret::Secret;
use crate::Error;
use http::Method;
use serde::{Deserialize, Serialize};

/// What Twitch reports about a token.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TokenInfo {
    /// The application the token was issued to.
    pub client_id: String,
    /// Absent for app tokens.
    #[serde(default)]
    pub login: Option<String>,
    #[serde(default)]
    /// The id of the user the token belongs to; absent for app tokens.
    pub user_id: Option<String>,
    #[serde(default)]
    /// The scopes the token carries.
    pub scopes: Vec<String>,
    /// Seconds left.
    #[serde(default)]
    pub expires_in: u64,
}

/// Asks Twitch about `token`. Only a 401 means the token was refused; a 5xx
/// or network failure is retried (see [`super::oauth_send`]), and any other
/// status means the validation endpoint itself failed (a wrong OAuth URL).
pub(crate) async fn validate(http: &HttpClient, config: &Config, token: &Secret) -> Result<TokenInfo, Error> {
    const WHAT: &str = "Validate token";
    let url = format!("{}/validate", config.oauth2_url);
    let (status, body) = super::oauth_send(http, config, WHAT, || {
        Outgoing::new(Method::GET, &url).header("authorization", format!("OAuth {}", token.expose()))
    })
    .await?;
    if status == 401 {
        return Err(Error::Unauthorized {
            endpoint: "Validate token".into(),
            status,
            message: format!("{}; the token is invalid, expired or revoked", super::oauth_error_message(&body)),
        });
    }
    if !(200..300).contains(&status) {
        return Err(Error::Network {
            endpoint: WHAT.into(),
            source: None,
            message: format!(
                "Twitch could not be reached or failed: the validation endpoint answered {status} ({}); check the \
                 OAuth URL",
                super::oauth_error_message(&body)
            ),
        });
    }
    let mut de = serde_json::Deserializer::from_slice(&body);
    let mut info: TokenInfo = serde_path_to_error::deserialize(&mut de).map_err(|e| Error::Decode {
        endpoint: WHAT.into(),
        path: e.path().to_string(),
        message: e.inner().to_string(),
    })?;
    info.expires_in = super::clamp_lifetime(info.expires_in);
    Ok(info)
}
