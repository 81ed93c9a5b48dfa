//! Fields Twitch sends only to some tokens. A user's `email` goes only to a
//! user token granted `user:read:email`, and only for that token's own user;
//! everyone else gets the user without the field.

use serde_json::Value;

use crate::token::TokenInfo;

/// The scope that lets a user token read its user's e-mail address.
pub const EMAIL_SCOPE: &str = "user:read:email";

/// The user whose e-mail this token may read, if any.
pub fn email_reader(token: &TokenInfo) -> Option<String> {
    let user = token.user.as_ref()?;
    token.scopes.iter().any(|s| s == EMAIL_SCOPE).then(|| user.id.clone())
}

/// Removes `email` from every item that is not `reader`'s own user.
pub fn hide_emails(items: &mut [Value], reader: Option<&str>) {
    for item in items {
        let own = reader.is_some() && item.get("id").and_then(Value::as_str) == reader;
        if let (false, Some(fields)) = (own, item.as_object_mut()) {
            fields.remove("email");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::token::TokenUser;
    use serde_json::json;
    use std::time::Instant;

    fn token(user: bool, scopes: &[&str]) -> TokenInfo {
        TokenInfo {
            client_id: "c".into(),
            user: user.then(|| TokenUser { id: "10001".into(), login: "ninja".into() }),
            scopes: scopes.iter().map(|s| s.to_string()).collect(),
            expires_at: Instant::now(),
        }
    }

    fn emails(reader: Option<String>) -> Vec<bool> {
        let mut items = vec![json!({"id": "10001", "email": "a@x"}), json!({"id": "10002", "email": "b@x"})];
        hide_emails(&mut items, reader.as_deref());
        items.iter().map(|i| i.get("email").is_some()).collect()
    }

    #[test]
    fn only_a_scoped_user_token_sees_its_own_email() {
        assert_eq!(emails(email_reader(&token(false, &[EMAIL_SCOPE]))), [false, false], "app token");
        assert_eq!(emails(email_reader(&token(true, &[]))), [false, false], "user token without the scope");
        assert_eq!(emails(email_reader(&token(true, &[EMAIL_SCOPE]))), [true, false], "own user only");
    }
}
