//! HS256 JSON Web Tokens, as Twitch's extension endpoints take them: the
//! client signs them, the mock checks them.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

fn now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

/// `header.claims.signature`, each part base64url without padding.
pub fn sign_hs256(secret: &[u8], claims: &serde_json::Value) -> String {
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
    let signing_input = format!("{header}.{payload}");
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, secret);
    let tag = ring::hmac::sign(&key, signing_input.as_bytes());
    format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(tag.as_ref()))
}

/// Checks an HS256 JWT's signature and expiry; returns its claims.
pub fn verify_hs256(secret: &[u8], jwt: &str) -> Option<serde_json::Value> {
    let (signing_input, signature) = jwt.rsplit_once('.')?;
    let (_, payload) = signing_input.split_once('.')?;
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, secret);
    let sig = URL_SAFE_NO_PAD.decode(signature).ok()?;
    ring::hmac::verify(&key, signing_input.as_bytes(), &sig).ok()?;
    let claims: serde_json::Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()?;
    let exp = claims.get("exp")?.as_u64()?;
    (exp > now()).then_some(claims)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signed_tokens_verify_until_they_expire() {
        let fresh = sign_hs256(b"s3cret", &serde_json::json!({"exp": now() + 60, "user_id": "1"}));
        assert_eq!(verify_hs256(b"s3cret", &fresh).expect("valid")["user_id"], "1");
        assert!(verify_hs256(b"other", &fresh).is_none());
        let stale = sign_hs256(b"s3cret", &serde_json::json!({"exp": 1}));
        assert!(verify_hs256(b"s3cret", &stale).is_none());
        assert!(verify_hs256(b"s3cret", "not.a-jwt").is_none());
    }
}
