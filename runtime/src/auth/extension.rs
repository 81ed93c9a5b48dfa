//! Extension JWTs: HS256 tokens signed with the extension's shared secret, as
//! the extension endpoints require. Built fresh for each request (short
//! expiry; feature `extension-jwt`), or supplied ready-made.

use crate::secret::Secret;
#[cfg(feature = "extension-jwt")]
use crate::Error;
#[cfg(feature = "extension-jwt")]
use base64::engine::general_purpose::STANDARD;
#[cfg(feature = "extension-jwt")]
use base64::Engine;
#[cfg(feature = "extension-jwt")]
use ttv_meta::jwt::sign_hs256;

/// How long a signed JWT is valid; Twitch wants short-lived ones.
#[cfg(feature = "extension-jwt")]
const LIFETIME_SECS: u64 = 120;

/// Where an extension client gets its JWTs.
#[derive(Clone)]
#[non_exhaustive]
pub enum ExtensionJwt {
    /// Sign with the extension's secret (base64, as the console shows it).
    #[cfg(feature = "extension-jwt")]
    Signed {
        /// The decoded extension secret (the HMAC key); never shown by `Debug`.
        secret: Vec<u8>,
        /// The extension owner's user id (`user_id` claim).
        owner_id: String,
        /// Set `channel_id` in the claims (needed by PubSub and chat messages).
        channel_id: Option<String>,
    },
    /// A JWT made elsewhere, sent as is.
    Ready(Secret),
}

impl std::fmt::Debug for ExtensionJwt {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        match self {
            #[cfg(feature = "extension-jwt")]
            ExtensionJwt::Signed { owner_id, channel_id, .. } => f
                .debug_struct("Signed")
                .field("secret", &"<redacted>")
                .field("owner_id", owner_id)
                .field("channel_id", channel_id)
                .finish(),
            ExtensionJwt::Ready(_) => f.write_str("Ready(<redacted>)"),
        }
    }
}

impl ExtensionJwt {
    /// `secret_base64` is the extension secret as Twitch shows it.
    #[cfg(feature = "extension-jwt")]
    pub fn signed(secret_base64: &str, owner_id: impl Into<String>) -> Result<ExtensionJwt, Error> {
        let secret = STANDARD
            .decode(secret_base64.trim())
            .map_err(|_| Error::Config("the extension secret is not valid base64 (copy it from the console)".into()))?;
        Ok(ExtensionJwt::Signed { secret, owner_id: owner_id.into(), channel_id: None })
    }

    /// Adds the `channel_id` claim.
    #[cfg(feature = "extension-jwt")]
    pub fn for_channel(mut self, channel: impl Into<String>) -> ExtensionJwt {
        if let ExtensionJwt::Signed { channel_id, .. } = &mut self {
            *channel_id = Some(channel.into());
        }
        self
    }

    /// A JWT to send now.
    pub fn token(&self) -> Secret {
        match self {
            ExtensionJwt::Ready(t) => t.clone(),
            #[cfg(feature = "extension-jwt")]
            ExtensionJwt::Signed { secret, owner_id, channel_id } => {
                let mut claims = serde_json::json!({
                    "exp": super::now() + LIFETIME_SECS,
                    "user_id": owner_id,
                    "role": "external",
                    "pubsub_perms": {"send": ["broadcast", "global", "whisper-*"]},
                });
                if let Some(c) = channel_id {
                    claims["channel_id"] = serde_json::Value::String(c.clone());
                }
                Secret::new(sign_hs256(secret, &claims))
            }
        }
    }
}

#[cfg(all(test, feature = "extension-jwt"))]
mod tests {
    use super::*;
    use ttv_meta::jwt::verify_hs256;

    #[test]
    fn signed_tokens_verify_and_expire() {
        let jwt = ExtensionJwt::signed(&STANDARD.encode(b"s3cret"), "123").unwrap().for_channel("456");
        let token = jwt.token();
        let claims = verify_hs256(b"s3cret", token.expose()).expect("valid");
        assert_eq!(claims["user_id"], "123");
        assert_eq!(claims["channel_id"], "456");
        assert!(verify_hs256(b"other", token.expose()).is_none());
        let stale = sign_hs256(b"s3cret", &serde_json::json!({"exp": 1}));
        assert!(verify_hs256(b"s3cret", &stale).is_none());
        assert!(!format!("{jwt:?}").contains("s3cret"));
    }
}
