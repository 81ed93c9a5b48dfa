//! `Client<T>`: the client, generic over the kind of token it holds.

use crate::auth::app_token::AppTokens;
use crate::auth::extension::ExtensionJwt;
use crate::auth::store::TokenStore;
use crate::auth::user_tokens::{UserTokenSource, UserTokens};
use crate::auth::TokenInfo;
use crate::config::Config;
use crate::http_client::HttpClient;
use crate::response::RateLimit;
use crate::secret::Secret;
use crate::token::{App, Extension, TokenKind, User};
use crate::transport::ratelimit::RateLimiter;
use crate::Error;
use std::marker::PhantomData;
use std::sync::Arc;

/// A Helix client holding an app token (`Client<App>`) or a user token (`Client<User>`).
///
/// Cloning is cheap and clones share the connection pool, the token and the
/// rate-limit figures. Endpoint methods are generated from the spec; one that
/// needs the other kind of token does not compile.
pub struct Client<T: TokenKind> {
    pub(crate) inner: Arc<Inner>,
    _kind: PhantomData<fn() -> T>,
}

impl<T: TokenKind> Clone for Client<T> {
    fn clone(&self) -> Self {
        Client { inner: self.inner.clone(), _kind: PhantomData }
    }
}

impl<T: TokenKind> std::fmt::Debug for Client<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("token", &T::NAME)
            .field("client_id", &self.inner.config.client_id)
            .field("helix_url", &self.inner.config.helix_url)
            .finish_non_exhaustive()
    }
}

pub(crate) struct Inner {
    pub http: HttpClient,
    pub config: Config,
    pub tokens: Tokens,
    /// The rate-limit buckets of this client's tokens (transport/ratelimit.rs).
    pub limiter: RateLimiter,
}

pub(crate) enum Tokens {
    App(AppTokens),
    /// Validated at start and hourly; refreshes itself when it can (auth/user_tokens.rs).
    User(Box<UserTokens>),
    Extension(ExtensionJwt),
}

impl Client<App> {
    /// A client that gets app tokens with the client-credentials grant. No
    /// request is made until the first call; a missing client secret is
    /// reported then (endpoints that need no token work without one).
    pub fn app(config: Config) -> Result<Client<App>, Error> {
        let config = config.normalized();
        let tokens = Tokens::App(AppTokens::new(&config));
        Client::with_tokens(config, tokens)
    }

    /// Revokes the app token this client holds or has cached (`POST
    /// /oauth2/revoke`), then deletes the cache file; mints nothing. Returns
    /// whether there was a token. When Twitch cannot be reached the token is
    /// kept, so that it can still be revoked later.
    pub async fn revoke_app_token(&self) -> Result<bool, Error> {
        let Tokens::App(tokens) = &self.inner.tokens else { return Ok(false) };
        let Some(token) = tokens.held(&self.inner.config).await else { return Ok(false) };
        crate::auth::OAuthClient::new(self.inner.config.clone())?.revoke(&token).await?;
        tokens.forget().await.map_err(|e| {
            Error::Config(format!("the app token was revoked, but its cache file could not be deleted: {e}"))
        })?;
        Ok(true)
    }

    /// Seconds left on the cached app token, if one is cached (reads the cache
    /// file; mints nothing).
    pub fn cached_token_expires_in(&self) -> Option<u64> {
        match &self.inner.tokens {
            Tokens::App(t) => t.cached_expires_in(&self.inner.config),
            Tokens::User { .. } | Tokens::Extension(_) => None,
        }
    }

    /// Where the app token is cached between runs, if anywhere.
    pub fn token_cache_file(&self) -> Option<&std::path::Path> {
        match &self.inner.tokens {
            Tokens::App(t) => t.cache_file().map(|p| p.as_path()),
            Tokens::User { .. } | Tokens::Extension(_) => None,
        }
    }
}

impl Client<Extension> {
    /// A client for the extension endpoints, sending a fresh JWT signed with
    /// the extension's secret on each request (or a ready-made one).
    pub fn extension(config: Config, jwt: ExtensionJwt) -> Result<Client<Extension>, Error> {
        Client::with_tokens(config.normalized(), Tokens::Extension(jwt))
    }
}

impl Client<User> {
    /// A client for a user access token. The token is validated now, as Twitch
    /// asks, to learn its user and scopes, and again hourly while in use. It
    /// cannot be refreshed: use [`Client::user_with`] and a refresh token for that.
    pub async fn user(config: Config, token: Secret) -> Result<Client<User>, Error> {
        Client::user_with(config, UserTokenSource::supplied(token)).await
    }

    /// A client for the token stored under `profile` (e.g. by `ttv auth login`
    /// in a `FileStore`). It refreshes itself and
    /// saves each rotated token back before using it.
    pub async fn user_from_store(
        config: Config,
        store: Arc<dyn TokenStore>,
        profile: &str,
    ) -> Result<Client<User>, Error> {
        Client::user_with(config, UserTokenSource::stored(store, profile)).await
    }

    /// A client for any [`UserTokenSource`]: validated now (refreshed first if
    /// it has expired and can be), refreshed near expiry and after a 401.
    pub async fn user_with(config: Config, source: UserTokenSource) -> Result<Client<User>, Error> {
        let config = config.normalized();
        let http = crate::http_client::client(&config)?;
        let tokens = UserTokens::start(&http, &config, source).await?;
        Ok(Client::build(http, config, Tokens::User(Box::new(tokens))))
    }

    /// The user, scopes and lifetime Twitch reported when the client was built.
    pub fn token_info(&self) -> &TokenInfo {
        match &self.inner.tokens {
            Tokens::User(user) => &user.info,
            Tokens::App(_) | Tokens::Extension(_) => unreachable!("Client<User> is only built with a user token"),
        }
    }

    /// The id of the user the token belongs to.
    pub fn user_id(&self) -> &str {
        self.token_info().user_id.as_deref().unwrap_or_default()
    }
}

impl<T: TokenKind> Client<T> {
    fn with_tokens(config: Config, tokens: Tokens) -> Result<Client<T>, Error> {
        let http = crate::http_client::client(&config)?;
        Ok(Client::build(http, config, tokens))
    }

    fn build(http: HttpClient, config: Config, tokens: Tokens) -> Client<T> {
        let limiter = RateLimiter::new(config.assumed_bucket);
        Client { inner: Arc::new(Inner { http, config, tokens, limiter }), _kind: PhantomData }
    }

    /// The settings the client was built with.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// Asks Twitch about the token in use (`GET /oauth2/validate`).
    pub async fn validate(&self) -> Result<TokenInfo, Error> {
        let token = self.inner.bearer().await?;
        crate::auth::validate::validate(&self.inner.http, &self.inner.config, &token).await
    }

    /// The token the next request would send (minted or refreshed first if
    /// needed). Only for handing it to something else: it is a secret.
    pub async fn access_token(&self) -> Result<Secret, Error> {
        self.inner.bearer().await
    }

    /// The last rate-limit figures Helix sent, if any request was made.
    pub fn rate_limit(&self) -> Option<RateLimit> {
        self.inner.limiter.last()
    }
}

impl Tokens {
    /// `"app"`, `"user"` or `"extension"`: the kind of token held.
    pub fn kind(&self) -> &'static str {
        match self {
            Tokens::App(_) => App::NAME,
            Tokens::User { .. } => User::NAME,
            Tokens::Extension(_) => Extension::NAME,
        }
    }
}

impl Inner {
    pub async fn bearer(&self) -> Result<Secret, Error> {
        match &self.tokens {
            Tokens::App(app) => app.get(&self.http, &self.config).await,
            Tokens::User(user) => user.get(&self.http, &self.config).await,
            Tokens::Extension(jwt) => Ok(jwt.token()),
        }
    }

    /// Scopes the token was granted; `None` for app tokens, which carry none.
    pub fn scopes(&self) -> Option<&[String]> {
        match &self.tokens {
            Tokens::App(_) | Tokens::Extension(_) => None,
            Tokens::User(user) => Some(&user.info.scopes),
        }
    }

    /// The id of a user token's user; `None` for other tokens.
    pub fn token_user_id(&self) -> Option<&str> {
        match &self.tokens {
            Tokens::App(_) | Tokens::Extension(_) => None,
            Tokens::User(user) => user.info.user_id.as_deref(),
        }
    }
}
