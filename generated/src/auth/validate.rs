//! `GET /oauth2/validate`: who a token belongs to, its scopes and remaining life.

use crate::secret::Secret;
use crate::Error;
use serde::{Deserialize, Serialize};

/// What Twitch reports about a token.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TokenInfo {
    pub client_id: String,
    /// Absent for app tokens.
    #[serde(default)]
    pub login: Option<String>,
    #[serde(default)]
    pub user_id: Option<String>,
    #[serde(default)]
    pub scopes: Vec<String>,
    /// Seconds left.
    #[serde(default)]
    pub expires_in: u64,
}

pub(crate) async fn validate(http: &reqwest::Client, oauth2_url: &str, token: &Secret) -> Result<TokenInfo, Error> {
    let url = format!("{oauth2_url}/validate");
    let timeout = std::time::Duration::from_secs(30);
    let resp = http
        .get(&url)
        .header("Authorization", format!("OAuth {}", token.expose()))
        .send()
        .await
        .map_err(|e| Error::from_reqwest("Validate token", timeout, e))?;
    let status = resp.status().as_u16();
    let body = resp.bytes().await.map_err(|e| Error::from_reqwest("Validate token", timeout, e))?;
    if status == 401 {
        return Err(Error::Unauthorized {
            endpoint: "Validate token".into(),
            status,
            message: format!("{}; the token is invalid, expired or revoked", super::oauth_error_message(&body)),
        });
    }
    if !(200..300).contains(&status) {
        return Err(Error::OAuth { what: "token validation", status, message: super::oauth_error_message(&body) });
    }
    let mut de = serde_json::Deserializer::from_slice(&body);
    serde_path_to_error::deserialize(&mut de).map_err(|e| Error::Decode {
        endpoint: "Validate token".into(),
        path: e.path().to_string(),
        message: e.inner().to_string(),
    })
}
