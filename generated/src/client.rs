//! `Helix<T>`: the client, generic over the kind of token it holds.

use crate::auth::app_token::AppTokens;
use crate::auth::extension::ExtensionJwt;
use crate::auth::validate::validate;
use crate::auth::TokenInfo;
use crate::config::Config;
use crate::response::RateLimit;
use crate::secret::Secret;
use crate::token::{App, Extension, TokenKind, User};
use crate::Error;
use std::marker::PhantomData;
use std::sync::{Arc, Mutex};

/// A Helix client holding an app token (`Helix<App>`) or a user token (`Helix<User>`).
///
/// Cloning is cheap and clones share the connection pool, the token and the
/// rate-limit figures. Endpoint methods are generated from the spec; one that
/// needs the other kind of token does not compile.
pub struct Helix<T: TokenKind> {
    pub(crate) inner: Arc<Inner>,
    _kind: PhantomData<fn() -> T>,
}

impl<T: TokenKind> Clone for Helix<T> {
    fn clone(&self) -> Self {
        Helix { inner: self.inner.clone(), _kind: PhantomData }
    }
}

impl<T: TokenKind> std::fmt::Debug for Helix<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.debug_struct("Helix")
            .field("token", &T::NAME)
            .field("client_id", &self.inner.config.client_id)
            .field("helix_url", &self.inner.config.helix_url)
            .finish_non_exhaustive()
    }
}

pub(crate) struct Inner {
    pub http: reqwest::Client,
    pub config: Config,
    pub tokens: Tokens,
    pub rate_limit: Mutex<Option<RateLimit>>,
}

pub(crate) enum Tokens {
    App(AppTokens),
    User { token: Secret, info: TokenInfo },
    Extension(ExtensionJwt),
}

impl Helix<App> {
    /// A client that gets app tokens with the client-credentials grant. No
    /// request is made until the first call; a missing client secret is
    /// reported then (endpoints that need no token work without one).
    pub fn app(config: Config) -> Result<Helix<App>, Error> {
        let config = config.normalized();
        let tokens = Tokens::App(AppTokens::new(&config));
        Helix::with_tokens(config, tokens)
    }

    /// Where the app token is cached between runs, if anywhere.
    pub fn token_cache_file(&self) -> Option<&std::path::Path> {
        match &self.inner.tokens {
            Tokens::App(t) => t.cache_file().map(|p| p.as_path()),
            Tokens::User { .. } | Tokens::Extension(_) => None,
        }
    }
}

impl Helix<Extension> {
    /// A client for the extension endpoints, sending a fresh JWT signed with
    /// the extension's secret on each request (or a ready-made one).
    pub fn extension(config: Config, jwt: ExtensionJwt) -> Result<Helix<Extension>, Error> {
        Helix::with_tokens(config.normalized(), Tokens::Extension(jwt))
    }
}

impl Helix<User> {
    /// A client for a user access token. The token is validated now, as Twitch
    /// asks, to learn its user and scopes.
    pub async fn user(config: Config, token: Secret) -> Result<Helix<User>, Error> {
        let config = config.normalized();
        let http = crate::http::client(&config)?;
        let info = validate(&http, &config.oauth2_url, &token).await.map_err(|e| match e {
            Error::Unauthorized { status, message, .. } => Error::Unauthorized {
                endpoint: "User token".into(),
                status,
                message: format!("{message}; get a new user token (TWITCH_USER_TOKEN)"),
            },
            other => other,
        })?;
        if info.user_id.is_none() {
            return Err(Error::Config("TWITCH_USER_TOKEN holds an app access token, not a user access token".into()));
        }
        if info.client_id != config.client_id {
            return Err(Error::Config(format!(
                "the user token was issued to client id {}, but TWITCH_CLIENT_ID is {}; use the same application",
                info.client_id, config.client_id
            )));
        }
        Ok(Helix::build(http, config, Tokens::User { token, info }))
    }

    /// The user, scopes and lifetime Twitch reported when the client was built.
    pub fn token_info(&self) -> &TokenInfo {
        match &self.inner.tokens {
            Tokens::User { info, .. } => info,
            Tokens::App(_) | Tokens::Extension(_) => unreachable!("Helix<User> is only built with a user token"),
        }
    }

    /// The id of the user the token belongs to.
    pub fn user_id(&self) -> &str {
        self.token_info().user_id.as_deref().unwrap_or_default()
    }
}

impl<T: TokenKind> Helix<T> {
    fn with_tokens(config: Config, tokens: Tokens) -> Result<Helix<T>, Error> {
        let http = crate::http::client(&config)?;
        Ok(Helix::build(http, config, tokens))
    }

    fn build(http: reqwest::Client, config: Config, tokens: Tokens) -> Helix<T> {
        Helix { inner: Arc::new(Inner { http, config, tokens, rate_limit: Mutex::new(None) }), _kind: PhantomData }
    }

    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// Asks Twitch about the token in use (`GET /oauth2/validate`).
    pub async fn validate(&self) -> Result<TokenInfo, Error> {
        let token = self.inner.bearer().await?;
        validate(&self.inner.http, &self.inner.config.oauth2_url, &token).await
    }

    /// The last rate-limit figures Helix sent, if any request was made.
    pub fn rate_limit(&self) -> Option<RateLimit> {
        *self.inner.rate_limit.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Tokens {
    /// `"app"`, `"user"` or `"extension"`: the kind of token held.
    pub fn kind(&self) -> &'static str {
        match self {
            Tokens::App(_) => "app",
            Tokens::User { .. } => "user",
            Tokens::Extension(_) => "extension",
        }
    }
}

impl Inner {
    pub async fn bearer(&self) -> Result<Secret, Error> {
        match &self.tokens {
            Tokens::App(app) => app.get(&self.http, &self.config).await,
            Tokens::User { token, .. } => Ok(token.clone()),
            Tokens::Extension(jwt) => Ok(jwt.token()),
        }
    }

    /// Scopes the token was granted; `None` for app tokens, which carry none.
    pub fn scopes(&self) -> Option<&[String]> {
        match &self.tokens {
            Tokens::App(_) | Tokens::Extension(_) => None,
            Tokens::User { info, .. } => Some(&info.scopes),
        }
    }
}
