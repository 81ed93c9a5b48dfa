//! What the server knows about an access token it minted, and how it makes
//! the secret strings (tokens, refresh tokens, codes).

use std::time::Instant;

use rand::distr::Alphanumeric;
use rand::Rng;

/// What the server knows about one access token.
#[derive(Debug, Clone)]
pub struct TokenInfo {
    pub client_id: String,
    /// The user a user token belongs to; `None` for app tokens.
    pub user: Option<TokenUser>,
    pub scopes: Vec<String>,
    pub expires_at: Instant,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenUser {
    pub id: String,
    pub login: String,
}

impl TokenInfo {
    /// The caller of an endpoint that takes no OAuth token (no user, no scopes).
    pub fn anonymous(client_id: &str) -> TokenInfo {
        TokenInfo { client_id: client_id.to_owned(), user: None, scopes: Vec::new(), expires_at: Instant::now() }
    }

    pub fn is_user(&self) -> bool {
        self.user.is_some()
    }

    /// Whole seconds left before the token expires.
    pub fn expires_in(&self) -> u64 {
        self.expires_at.saturating_duration_since(Instant::now()).as_secs()
    }
}

/// 30 lowercase alphanumerics, like a real Twitch token.
pub fn random_token() -> String {
    rand::rng().sample_iter(&Alphanumeric).take(30).map(|b| char::from(b).to_ascii_lowercase()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn tokens_look_like_twitch_tokens_and_differ() {
        let (a, b) = (random_token(), random_token());
        assert_eq!(a.len(), 30);
        assert!(a.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()), "{a}");
        assert_ne!(a, b);
    }

    #[test]
    fn anonymous_callers_have_no_user_and_user_tokens_count_down() {
        let anonymous = TokenInfo::anonymous("client");
        assert!(!anonymous.is_user());
        assert_eq!((anonymous.client_id.as_str(), anonymous.expires_in()), ("client", 0));
        let user = TokenUser { id: "10001".into(), login: "ninja".into() };
        let info = TokenInfo {
            client_id: "client".into(),
            user: Some(user),
            scopes: vec![],
            expires_at: Instant::now() + Duration::from_secs(3600),
        };
        assert!(info.is_user());
        assert!(info.expires_in() > 0 && info.expires_in() <= 3600, "{}", info.expires_in());
    }
}
