//! Twitch's OAuth server for the tokens a client already has: refreshing,
//! validating and revoking. The login flows that get a user token in the
//! first place are in [`super::login`] (feature `login`).
//!
//! Every request sends its secrets in a form body, never in a URL, so no log
//! line (ours or the HTTP stack's) can show them.

use super::validate::validate;
use super::{clamp_lifetime, oauth_error_message, TokenInfo};
use crate::config::Config;
use crate::http_client::{HttpClient, Outgoing};
use crate::secret::Secret;
use crate::Error;
use http::Method;
use serde::Deserialize;

/// Talks to Twitch's OAuth server (`Config::oauth2_url`): revoking and
/// validating tokens, and (feature `login`) the user login flows.
#[derive(Debug, Clone)]
pub struct OAuthClient {
    pub(super) http: HttpClient,
    pub(super) config: Config,
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

/// POSTs a form to `{oauth2_url}{path}`; returns the status and the body.
pub(super) async fn post_form(
    http: &HttpClient,
    config: &Config,
    what: &str,
    path: &str,
    fields: &[(&str, &str)],
) -> Result<(u16, Vec<u8>), Error> {
    let url = format!("{}{path}", config.oauth2_url);
    let form = ttv_meta::form::form(fields);
    super::oauth_send(http, config, what, || {
        Outgoing::new(Method::POST, &url).body("application/x-www-form-urlencoded", form.clone().into_bytes())
    })
    .await
}

/// A JSON answer that did not decode. serde's own message may quote a value
/// (a token), so only the position is kept.
pub(super) fn decode_error(what: &str, e: &serde_json::Error) -> Error {
    Error::Decode {
        endpoint: what.into(),
        path: ".".into(),
        message: format!("unexpected answer at column {}", e.column()),
    }
}

pub(super) fn parse_grant(what: &str, body: &[u8]) -> Result<TokenGrant, Error> {
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
pub(crate) async fn refresh(http: &HttpClient, config: &Config, refresh_token: &Secret) -> Result<TokenGrant, Error> {
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
    /// A client for Twitch's OAuth endpoints with `config`'s client id, secret and URLs.
    pub fn new(config: Config) -> Result<OAuthClient, Error> {
        let config = config.normalized();
        let http = crate::http_client::client(&config)?;
        Ok(OAuthClient { http, config })
    }

    /// The settings it was made with (client id, OAuth URL, timeouts).
    pub fn config(&self) -> &Config {
        &self.config
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::now;

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
    fn absurd_lifetimes_are_clamped() {
        let g = parse_grant("x", br#"{"access_token":"a","expires_in":18446744073709551615}"#).unwrap();
        assert_eq!(g.expires_in, super::super::MAX_TOKEN_LIFETIME_SECS);
        assert!(now().checked_add(g.expires_in).is_some());
    }
}
