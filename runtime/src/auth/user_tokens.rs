//! The user token of a `Client<User>`: validated at start and again when the
//! last validation is over an hour old (as Twitch requires), refreshed when it
//! nears expiry or when Helix refuses it, with one refresh in flight at a time.
//!
//! Refreshing, step by step:
//! 1. the tokio mutex: one task of this process refreshes, the others wait;
//! 2. the store's lock (a file lock for [`FileStore`](super::file_store::FileStore)):
//!    one process refreshes, the others wait;
//! 3. re-read the store: if another process refreshed meanwhile, use its token;
//! 4. otherwise redeem the refresh token, **save** the rotated pair, and only
//!    then hand out the new access token (a crash in between never loses the
//!    only valid refresh token).

use super::interrupt;
use super::oauth::{self, TokenGrant};
use super::store::{StoreLock, StoredUserToken, TokenStore};
use super::validate::validate;
use super::{now, TokenInfo};
use crate::config::Config;
use crate::http_client::HttpClient;
use crate::secret::Secret;
use crate::Error;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

/// Twitch asks apps to validate tokens at least hourly while they are in use.
pub const REVALIDATE_EVERY: Duration = Duration::from_secs(3600);

/// Where a `Client<User>` gets its token. Build one with
/// [`supplied`](UserTokenSource::supplied) or [`stored`](UserTokenSource::stored).
#[derive(Clone)]
pub struct UserTokenSource {
    supplied: Option<(Secret, Option<Secret>)>,
    store: Option<(Arc<dyn TokenStore>, String)>,
    revalidate_every: Duration,
}

impl std::fmt::Debug for UserTokenSource {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.debug_struct("UserTokenSource")
            .field("supplied", &self.supplied.is_some())
            .field("profile", &self.store.as_ref().map(|(_, p)| p))
            .field("revalidate_every", &self.revalidate_every)
            .finish()
    }
}

impl UserTokenSource {
    /// An access token given by the caller. Without a refresh token it cannot
    /// be refreshed: when it expires, the error says to get a new one.
    pub fn supplied(access_token: Secret) -> UserTokenSource {
        UserTokenSource { supplied: Some((access_token, None)), store: None, revalidate_every: REVALIDATE_EVERY }
    }

    /// The token saved under `profile` in `store`; refreshed tokens are saved back.
    pub fn stored(store: Arc<dyn TokenStore>, profile: impl Into<String>) -> UserTokenSource {
        UserTokenSource { supplied: None, store: Some((store, profile.into())), revalidate_every: REVALIDATE_EVERY }
    }

    /// Lets a supplied token refresh itself.
    pub fn with_refresh_token(mut self, refresh_token: Secret) -> UserTokenSource {
        if let Some((_, refresh)) = &mut self.supplied {
            *refresh = Some(refresh_token);
        }
        self
    }

    /// Saves a supplied token under `profile` in `store` once validated, and
    /// every refreshed token after it.
    pub fn saving_to(mut self, store: Arc<dyn TokenStore>, profile: impl Into<String>) -> UserTokenSource {
        self.store = Some((store, profile.into()));
        self
    }

    /// How old the last validation may get before the next request validates
    /// again (default one hour).
    pub fn revalidate_every(mut self, every: Duration) -> UserTokenSource {
        self.revalidate_every = every;
        self
    }
}

struct Current {
    token: StoredUserToken,
    validated_at: Instant,
}

pub(crate) struct UserTokens {
    /// Who the token belongs to and its scopes, from the validation at start.
    pub info: TokenInfo,
    current: Mutex<Current>,
    store: Option<(Arc<dyn TokenStore>, String)>,
    /// Loaded from a profile (rather than supplied): messages say to log in again.
    from_profile: bool,
    revalidate_every: Duration,
}

impl UserTokens {
    /// Loads (or takes) the token, refreshes it if it has expired, and validates it.
    pub async fn start(http: &HttpClient, config: &Config, source: UserTokenSource) -> Result<UserTokens, Error> {
        let (token, from_profile) = match source.supplied {
            Some((access_token, refresh_token)) => (
                StoredUserToken {
                    client_id: config.client_id.clone(),
                    oauth2_url: config.oauth2_url.clone(),
                    access_token,
                    refresh_token,
                    expires_at: 0,
                    obtained_at: 0,
                    scopes: Vec::new(),
                    login: None,
                    user_id: None,
                },
                false,
            ),
            None => {
                let (store, profile) = source
                    .store
                    .as_ref()
                    .ok_or_else(|| Error::Config("no user token: supply one or name a stored profile".into()))?;
                let token = store.load(profile)?.ok_or_else(|| Error::NotLoggedIn { profile: profile.clone() })?;
                check_matches(&token, config, profile)?;
                (token, true)
            }
        };
        let mut tokens = UserTokens {
            info: TokenInfo::default(),
            // Not validated yet: the first thing below.
            current: Mutex::new(Current { token, validated_at: Instant::now() }),
            store: source.store,
            from_profile,
            revalidate_every: source.revalidate_every,
        };
        let info = tokens.validate_at_start(http, config).await?;
        if info.user_id.is_none() {
            return Err(Error::NotAUserToken { profile: tokens.profile() });
        }
        if info.client_id != config.client_id {
            return Err(Error::TokenOfOtherClient {
                token_client_id: info.client_id,
                client_id: config.client_id.clone(),
            });
        }
        if !tokens.from_profile {
            if let Some((store, profile)) = &tokens.store {
                let token = tokens.current.get_mut().token.clone();
                store.save(profile, &token)?;
            }
        }
        tokens.info = info;
        Ok(tokens)
    }

    async fn validate_at_start(&self, http: &HttpClient, config: &Config) -> Result<TokenInfo, Error> {
        let mut cur = self.current.lock().await;
        if cur.token.needs_refresh() && cur.token.refresh_token.is_some() {
            self.refresh(&mut cur, http, config, None).await?;
        }
        let info = match validate(http, config, &cur.token.access_token).await {
            Ok(info) => info,
            Err(Error::Unauthorized { .. }) if cur.token.refresh_token.is_some() => {
                let refused = cur.token.access_token.clone();
                self.refresh(&mut cur, http, config, Some(&refused)).await?;
                validate(http, config, &cur.token.access_token).await.map_err(|e| self.refused(e))?
            }
            Err(e) => return Err(self.refused(e)),
        };
        cur.validated_at = Instant::now();
        learn(&mut cur.token, &info);
        Ok(info)
    }

    /// An access token good to send now.
    pub async fn get(&self, http: &HttpClient, config: &Config) -> Result<Secret, Error> {
        let mut cur = self.current.lock().await;
        if cur.token.needs_refresh() {
            if cur.token.refresh_token.is_some() {
                if let Err(e) = self.refresh(&mut cur, http, config, None).await {
                    // Refreshing early failed, but the token still has a few minutes.
                    if cur.token.is_expired() {
                        return Err(e);
                    }
                    tracing::warn!(error = %e, "could not refresh the user token yet; using it until it expires");
                }
            } else if cur.token.is_expired() {
                return Err(self.cannot_refresh("expired"));
            }
        }
        if cur.validated_at.elapsed() >= self.revalidate_every {
            match validate(http, config, &cur.token.access_token).await {
                Ok(info) => learn(&mut cur.token, &info),
                Err(Error::Unauthorized { .. }) if cur.token.refresh_token.is_some() => {
                    let refused = cur.token.access_token.clone();
                    self.refresh(&mut cur, http, config, Some(&refused)).await?;
                }
                Err(Error::Unauthorized { .. }) => return Err(self.cannot_refresh("expired or was revoked")),
                Err(e) => return Err(e),
            }
            cur.validated_at = Instant::now();
        }
        Ok(cur.token.access_token.clone())
    }

    /// Helix answered 401 to `used`: returns whether a retry with a new token
    /// makes sense. A 401 also answers a missing scope, so a token that still
    /// validates is not refreshed.
    pub async fn on_unauthorized(&self, http: &HttpClient, config: &Config, used: &Secret) -> Result<bool, Error> {
        let mut cur = self.current.lock().await;
        if &cur.token.access_token != used {
            // Another task refreshed while this request was out.
            return Ok(true);
        }
        if cur.token.refresh_token.is_none() && self.store.is_none() {
            if cur.token.is_expired() {
                return Err(self.cannot_refresh("expired"));
            }
            return Ok(false);
        }
        match validate(http, config, used).await {
            Ok(_) => return Ok(false),
            Err(Error::Unauthorized { .. }) => {}
            Err(_) => return Ok(false),
        }
        self.refresh(&mut cur, http, config, Some(used)).await?;
        cur.validated_at = Instant::now();
        Ok(true)
    }

    /// Gets a new access token (see the module docs for the steps). `refused`
    /// is a token Twitch just refused: never adopt it from the store.
    async fn refresh(
        &self,
        cur: &mut Current,
        http: &HttpClient,
        config: &Config,
        refused: Option<&Secret>,
    ) -> Result<(), Error> {
        let _lock = self.lock_store().await?;
        if let Some((store, profile)) = &self.store {
            match store.load(profile)? {
                Some(latest)
                    if latest.access_token != cur.token.access_token
                        && latest.client_id == cur.token.client_id
                        && latest.oauth2_url == cur.token.oauth2_url =>
                {
                    // Refreshed elsewhere meanwhile: our refresh token is spent, theirs is current.
                    let usable = !latest.needs_refresh() && refused != Some(&latest.access_token);
                    cur.token = latest;
                    if usable {
                        tracing::debug!("user token: using the one another process refreshed");
                        return Ok(());
                    }
                }
                Some(_) => {}
                None if self.from_profile => {
                    return Err(Error::LoggedOutMeanwhile { profile: profile.clone() });
                }
                None => {}
            }
        }
        let Some(refresh_token) = cur.token.refresh_token.clone() else {
            return Err(self.cannot_refresh(if cur.token.is_expired() { "expired" } else { "was refused" }));
        };
        tracing::debug!("user token: refreshing");
        // From here until the rotated pair is saved, Ctrl-C waits (see interrupt.rs).
        let _critical = interrupt::critical().await;
        let grant = oauth::refresh(http, config, &refresh_token).await.map_err(|e| self.refresh_failed(e))?;
        let token = rotated(&cur.token, grant, refresh_token);
        // Persist the rotated pair before the new access token is used.
        if let Some((store, profile)) = &self.store {
            store.save(profile, &token).map_err(|e| {
                Error::Config(format!(
                    "the user token was refreshed but could not be saved, so it is not used ({e}); log in again"
                ))
            })?;
        }
        cur.token = token;
        Ok(())
    }

    async fn lock_store(&self) -> Result<StoreLock, Error> {
        let Some((store, profile)) = &self.store else { return Ok(StoreLock::none()) };
        let (store, profile) = (store.clone(), profile.clone());
        tokio::task::spawn_blocking(move || store.lock(&profile))
            .await
            .map_err(|e| Error::Config(format!("waiting for the token lock failed: {e}")))?
    }

    /// The profile the token was loaded from; `None` for a supplied one.
    fn profile(&self) -> Option<String> {
        self.store.as_ref().filter(|_| self.from_profile).map(|(_, profile)| profile.clone())
    }

    /// Validation at start failed.
    fn refused(&self, e: Error) -> Error {
        match e {
            Error::Unauthorized { status, message, .. } => {
                Error::UserTokenRefused { profile: self.profile(), status, message }
            }
            other => other,
        }
    }

    fn cannot_refresh(&self, reason: &'static str) -> Error {
        Error::UserTokenExpired { profile: self.profile(), reason }
    }

    /// Says whether to log in again (the refresh token is dead) or to retry
    /// (Twitch could not be reached; the stored token is unchanged).
    fn refresh_failed(&self, e: Error) -> Error {
        const WHAT: &str = "Refresh user token";
        match e {
            Error::OAuth { status, message, .. } if (400..500).contains(&status) => {
                Error::RefreshRefused { profile: self.profile(), status, message }
            }
            Error::OAuth { what, status, message } => {
                Error::OAuth { what, status, message: format!("{message}; Twitch had a problem: try again later") }
            }
            Error::Network { message, source, .. } => Error::Network {
                endpoint: WHAT.into(),
                source,
                message: format!("{message}; the stored token is unchanged: try again"),
            },
            Error::Timeout { seconds, .. } => Error::Network {
                endpoint: WHAT.into(),
                source: None,
                message: format!("no answer within {seconds} s; the stored token is unchanged: try again"),
            },
            other => other,
        }
    }
}

/// A stored profile must belong to the client and OAuth server in use.
fn check_matches(token: &StoredUserToken, config: &Config, profile: &str) -> Result<(), Error> {
    if token.client_id != config.client_id {
        return Err(Error::ProfileOfOtherClient {
            profile: profile.to_owned(),
            logged_in_with: token.client_id.clone(),
            client_id: config.client_id.clone(),
        });
    }
    if token.oauth2_url != config.oauth2_url {
        return Err(Error::ProfileOfOtherServer {
            profile: profile.to_owned(),
            logged_in_at: token.oauth2_url.clone(),
            oauth2_url: config.oauth2_url.clone(),
        });
    }
    Ok(())
}

/// What a validation teaches about the token.
fn learn(token: &mut StoredUserToken, info: &TokenInfo) {
    if info.expires_in > 0 {
        token.expires_at = now().saturating_add(info.expires_in);
        if token.obtained_at == 0 {
            token.obtained_at = now();
        }
    }
    if token.login.is_none() {
        token.login.clone_from(&info.login);
    }
    if token.user_id.is_none() {
        token.user_id.clone_from(&info.user_id);
    }
    if !info.scopes.is_empty() {
        token.scopes.clone_from(&info.scopes);
    }
}

/// The token after a refresh: new access token, the rotated refresh token
/// (or the old one if Twitch did not rotate it), new expiry.
fn rotated(old: &StoredUserToken, grant: TokenGrant, used_refresh: Secret) -> StoredUserToken {
    let issued = now();
    StoredUserToken {
        access_token: grant.access_token,
        refresh_token: Some(grant.refresh_token.unwrap_or(used_refresh)),
        expires_at: if grant.expires_in > 0 { issued.saturating_add(grant.expires_in) } else { 0 },
        obtained_at: issued,
        scopes: if grant.scopes.is_empty() { old.scopes.clone() } else { grant.scopes },
        ..old.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored() -> StoredUserToken {
        StoredUserToken {
            client_id: "cid".into(),
            oauth2_url: "http://127.0.0.1:1/oauth2".into(),
            access_token: Secret::new("old-access"),
            refresh_token: Some(Secret::new("old-refresh")),
            expires_at: 1,
            obtained_at: 0,
            scopes: Vec::new(),
            login: None,
            user_id: None,
        }
    }

    #[test]
    fn absurd_lifetimes_saturate_instead_of_wrapping_or_panicking() {
        let grant = TokenGrant {
            access_token: Secret::new("new-access"),
            refresh_token: None,
            expires_in: u64::MAX,
            scopes: Vec::new(),
        };
        let token = rotated(&stored(), grant, Secret::new("old-refresh"));
        assert_eq!(token.expires_at, u64::MAX);
        assert!(!token.is_expired() && !token.needs_refresh());
        assert!(token.expires_in().is_some_and(|left| left > 0));

        let mut learned = stored();
        learn(&mut learned, &TokenInfo { expires_in: u64::MAX, ..TokenInfo::default() });
        assert_eq!(learned.expires_at, u64::MAX);
        assert!(!learned.is_expired());
    }
}
