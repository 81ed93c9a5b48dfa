//! The state of the user login flows: device codes waiting for approval,
//! authorization codes, and the grants refresh tokens stand for. The
//! handlers that move these along are in `oauth_flows`.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Instant;

use crate::token::TokenUser;

pub struct Device {
    pub user_code: String,
    pub scopes: Vec<String>,
    pub expires_at: Instant,
    /// Seconds the client must wait between polls (grows with `slow_down`).
    pub interval: u64,
    pub last_poll: Option<Instant>,
    /// Polls answered `authorization_pending` so far.
    pub pending_answers: u32,
    /// Polls answered `slow_down` because of `device_slow_downs`.
    pub configured_slow_downs: u32,
    pub approved: Option<TokenUser>,
}

pub struct AuthCode {
    pub user: TokenUser,
    pub scopes: Vec<String>,
    pub redirect_uri: String,
    pub expires_at: Instant,
}

/// What a refresh token stands for.
pub struct Grant {
    pub user: TokenUser,
    pub scopes: Vec<String>,
    /// The access token issued with it; revoking that one ends the grant too.
    pub access_token: String,
}

/// Login-flow state of one mock server.
#[derive(Default)]
pub struct Flows {
    pub devices: Mutex<HashMap<String, Device>>,
    pub codes: Mutex<HashMap<String, AuthCode>>,
    pub grants: Mutex<HashMap<String, Grant>>,
    /// `slow_down` answers owed to the next polls (`MockServer::slow_down_next`).
    pub slow_downs: AtomicU32,
    pub deny_next: AtomicBool,
    /// Replaces `config.login` as the approving user.
    pub login: Mutex<Option<String>>,
    /// Every secret the mock handed out: tokens, refresh tokens, device and
    /// authorization codes. Tests check none of them is ever printed.
    pub issued: Mutex<Vec<String>>,
}

pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Flows {
    pub fn remember(&self, secret: &str) {
        lock(&self.issued).push(secret.to_string());
    }

    pub fn issued(&self) -> Vec<String> {
        lock(&self.issued).clone()
    }

    pub fn slow_down_next(&self) {
        self.slow_downs.fetch_add(1, Ordering::SeqCst);
    }

    pub fn deny_next_authorize(&self) {
        self.deny_next.store(true, Ordering::SeqCst);
    }

    pub fn set_login(&self, login: &str) {
        *lock(&self.login) = Some(login.to_string());
    }

    /// The login set by [`Flows::set_login`], if any (else the config's).
    pub fn login(&self) -> Option<String> {
        lock(&self.login).clone()
    }

    /// Approves the device code showing `user_code` for `user`; false if unknown or expired.
    pub fn approve(&self, user_code: &str, user: TokenUser) -> bool {
        let mut devices = lock(&self.devices);
        let wanted = normalize_user_code(user_code);
        match devices.values_mut().find(|d| d.user_code == wanted && d.expires_at > Instant::now()) {
            Some(device) => {
                device.approved = Some(user);
                true
            }
            None => false,
        }
    }

    pub fn refresh_token_valid(&self, refresh_token: &str) -> bool {
        lock(&self.grants).contains_key(refresh_token)
    }

    /// Ends the grant an access token came with (its refresh token stops working).
    pub fn revoke_access(&self, access_token: &str) {
        lock(&self.grants).retain(|_, g| g.access_token != access_token);
    }
}

/// `ABCD-EFGH` and `abcdefgh` name the same code.
pub fn normalize_user_code(code: &str) -> String {
    code.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_uppercase()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn ninja() -> TokenUser {
        TokenUser { id: "10001".into(), login: "ninja".into() }
    }

    fn device(user_code: &str, expires_in: Duration) -> Device {
        Device {
            user_code: user_code.into(),
            scopes: vec![],
            expires_at: Instant::now() + expires_in,
            interval: 1,
            last_poll: None,
            pending_answers: 0,
            configured_slow_downs: 0,
            approved: None,
        }
    }

    #[test]
    fn user_codes_are_approved_however_they_are_typed_until_they_expire() {
        let flows = Flows::default();
        lock(&flows.devices).insert("dc1".into(), device("ABCDEFGH", Duration::from_secs(600)));
        lock(&flows.devices).insert("dc2".into(), device("ZZZZZZZZ", Duration::ZERO));
        assert!(flows.approve("abcd-efgh", ninja()));
        assert_eq!(lock(&flows.devices)["dc1"].approved, Some(ninja()));
        assert!(!flows.approve("ZZZZ-ZZZZ", ninja()), "an expired code");
        assert!(!flows.approve("NOPE-NOPE", ninja()), "an unknown code");
        assert_eq!(normalize_user_code(" ab-cd 12 "), "ABCD12");
    }

    #[test]
    fn revoking_the_access_token_ends_its_refresh_grant() {
        let flows = Flows::default();
        let grant = |access: &str| Grant { user: ninja(), scopes: vec![], access_token: access.into() };
        lock(&flows.grants).insert("r1".into(), grant("a1"));
        lock(&flows.grants).insert("r2".into(), grant("a2"));
        flows.revoke_access("a1");
        assert!(!flows.refresh_token_valid("r1"));
        assert!(flows.refresh_token_valid("r2"));
    }

    #[test]
    fn secrets_are_remembered_and_the_login_can_be_changed() {
        let flows = Flows::default();
        flows.remember("s1");
        flows.remember("s2");
        assert_eq!(flows.issued(), ["s1", "s2"]);
        assert_eq!(flows.login(), None);
        flows.set_login("shroud");
        assert_eq!(flows.login().as_deref(), Some("shroud"));
    }
}
