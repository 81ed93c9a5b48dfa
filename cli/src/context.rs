//! One run's context: its credentials, the clients (built lazily, once), the
//! stored user-token profile, and the calls with the token class each endpoint
//! needs. Below run.rs, so builtins, auth, api and the generated dispatch use it.

use crate::args::Args;
use crate::credentials::Credentials;
use crate::error::CliError;
use crate::outcome::Outcome;
use crate::paging::Paging;
use std::sync::Arc;
use tokio::sync::OnceCell;
use ttv_helix::meta::EndpointMeta;
use ttv_helix::{App, Endpoint, Extension, Helix, NoToken, Permits, TokenKind, User};
use ttv_helix::{FileStore, TokenStore};

/// Which token `either` endpoints use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenChoice {
    Auto,
    App,
    User,
}

/// One run's settings and its clients, built lazily, once.
pub struct Ctx {
    creds: Credentials,
    choice: TokenChoice,
    app: OnceCell<Helix<App>>,
    user: OnceCell<Helix<User>>,
    extension: OnceCell<Helix<Extension>>,
    /// The stored user-token profile (`--profile`) and where profiles are kept (auth.rs).
    pub profile: String,
    pub store: Option<std::sync::Arc<ttv_helix::FileStore>>,
    /// `--all` / `--max-items`: follow cursors (paging.rs).
    pub paging: Option<Paging>,
    /// Whether the run is against the embedded mock (`--mock`), whose tokens die with it.
    mock: bool,
}

impl Ctx {
    pub fn new(
        creds: Credentials,
        choice: TokenChoice,
        profile: String,
        store: Option<std::sync::Arc<ttv_helix::FileStore>>,
        paging: Option<Paging>,
        mock: bool,
    ) -> Ctx {
        Ctx {
            creds,
            choice,
            app: OnceCell::new(),
            user: OnceCell::new(),
            extension: OnceCell::new(),
            profile,
            store,
            paging,
            mock,
        }
    }

    pub async fn app(&self) -> Result<&Helix<App>, CliError> {
        self.app.get_or_try_init(|| async { Ok(Helix::app(self.creds.config.clone())?) }).await
    }

    /// The user token: TWITCH_USER_TOKEN (or the config file's) when set, else
    /// the stored `--profile` (which refreshes itself; see auth.rs).
    pub async fn user(&self) -> Result<&Helix<User>, CliError> {
        self.user_for(None).await
    }

    /// [`Ctx::user`] for a call to `meta`, whose scopes a missing login names.
    async fn user_for(&self, meta: Option<&EndpointMeta>) -> Result<&Helix<User>, CliError> {
        self.user
            .get_or_try_init(|| async {
                match self.creds.user_token.clone() {
                    Some(token) => Ok(Helix::user(self.creds.config.clone(), token).await?),
                    None => self.stored_user(meta).await,
                }
            })
            .await
    }

    pub fn config(&self) -> &ttv_helix::Config {
        &self.creds.config
    }

    /// Whether a user token came from the environment or the config file.
    pub fn has_env_user_token(&self) -> bool {
        self.creds.user_token.is_some()
    }

    pub fn is_mock(&self) -> bool {
        self.mock
    }

    pub async fn extension(&self) -> Result<&Helix<Extension>, CliError> {
        self.extension
            .get_or_try_init(|| async {
                let jwt = self.creds.extension.clone().ok_or_else(|| {
                    CliError::Config(
                    "this needs an extension JWT: set TWITCH_EXTENSION_SECRET (base64, from the extension's console \
                     page) and TWITCH_EXTENSION_OWNER_ID, or TWITCH_EXTENSION_JWT to a ready-made token"
                        .into(),
                )
                })?;
                Ok(Helix::extension(self.creds.config.clone(), jwt)?)
            })
            .await
    }

    /// Whether an `either` endpoint should go out with the user token.
    pub fn prefers_user(&self) -> bool {
        match self.choice {
            TokenChoice::User => true,
            TokenChoice::App => false,
            TokenChoice::Auto => self.creds.user_token.is_some() || self.has_profile(),
        }
    }

    pub async fn call_user<E: Endpoint>(&self, args: &Args<'_>) -> Result<Outcome, CliError>
    where
        User: Permits<E::Auth>,
    {
        let user = self.user_for(Some(E::meta())).await?;
        let request: E = args.request(user.token_info().user_id.as_deref())?;
        self.answer(user, &request).await
    }

    pub async fn call_app<E: Endpoint>(&self, args: &Args<'_>) -> Result<Outcome, CliError>
    where
        App: Permits<E::Auth>,
    {
        let request: E = args.request(None)?;
        self.answer(self.app().await?, &request).await
    }

    pub async fn call_extension<E: Endpoint>(&self, args: &Args<'_>) -> Result<Outcome, CliError>
    where
        Extension: Permits<E::Auth>,
    {
        let request: E = args.request(None)?;
        self.answer(self.extension().await?, &request).await
    }

    /// Endpoints that take no token go out on the app client, which then never mints one.
    pub async fn call_public<E: Endpoint<Auth = NoToken>>(&self, args: &Args<'_>) -> Result<Outcome, CliError> {
        let request: E = args.request(None)?;
        self.answer(self.app().await?, &request).await
    }

    pub async fn call_either<E: Endpoint>(&self, args: &Args<'_>) -> Result<Outcome, CliError>
    where
        App: Permits<E::Auth>,
        User: Permits<E::Auth>,
    {
        if self.prefers_user() {
            self.call_user::<E>(args).await
        } else {
            self.call_app::<E>(args).await
        }
    }

    /// Sends a verb's request: one answer, or every page when paging was asked for.
    pub async fn answer<T, E>(&self, client: &Helix<T>, request: &E) -> Result<Outcome, CliError>
    where
        T: TokenKind + Permits<E::Auth>,
        E: Endpoint,
    {
        match self.paging {
            Some(paging) if E::meta().is_paginated() => crate::paging::follow(client, request, paging).await,
            _ => {
                let answer = client.send_json(request).await?;
                crate::model_check::check::<E>(&answer)?;
                Ok(Outcome::Answer(answer))
            }
        }
    }

    /// The token store of this run; none with `--mock` (its tokens die with it).
    pub fn token_store(&self) -> Result<Arc<FileStore>, CliError> {
        self.store.clone().ok_or_else(|| {
            if self.is_mock() {
                CliError::Config("--mock keeps no tokens: the embedded mock's tokens die with it".into())
            } else {
                let why = ttv_helix::__private::home_problem().map(|p| format!(" ({p})")).unwrap_or_default();
                CliError::Config(format!("no folder to keep tokens in{why}: set TTV_STATE_DIR to an absolute path"))
            }
        })
    }

    /// Whether the current profile has a stored token file (readable or not).
    pub fn profile_exists(&self) -> bool {
        self.store.as_ref().and_then(|s| s.path(&self.profile).ok()).is_some_and(|p| p.exists())
    }

    /// Whether `either` verbs should use the stored profile: it exists and was
    /// logged in with these settings (an unreadable one counts, so its error shows;
    /// one from another client id or OAuth server, e.g. a mock, does not).
    fn has_profile(&self) -> bool {
        let Some(store) = &self.store else { return false };
        if !self.profile_exists() {
            return false;
        }
        match store.load(&self.profile) {
            Ok(Some(t)) => t.client_id == self.config().client_id && t.oauth2_url == self.config().oauth2_url,
            Ok(None) => false,
            Err(_) => true,
        }
    }

    /// The Helix client of the stored profile, or an error saying how to get a
    /// user token; `for_endpoint` names the scopes to log in with.
    async fn stored_user(&self, for_endpoint: Option<&EndpointMeta>) -> Result<Helix<User>, CliError> {
        if !self.profile_exists() {
            let login = match for_endpoint.map(login_scopes) {
                Some(scopes) if scopes.is_empty() => "ttv auth login".to_owned(),
                Some(scopes) => format!("ttv auth login --scopes \"{scopes}\""),
                None => "ttv auth login --scopes \"...\"".to_owned(),
            };
            let profile = if self.profile == ttv_helix::__private::DEFAULT_PROFILE {
                String::new()
            } else {
                format!(" --profile {}", self.profile)
            };
            return Err(CliError::Config(format!(
                "this needs a user access token: log in with `{login}{profile}`, or set TWITCH_USER_TOKEN (or \
                 user_token in the config file) to a token issued to your client id with the scopes the verb lists \
                 in --help"
            )));
        }
        let store: Arc<dyn TokenStore> = self.token_store()?;
        Ok(Helix::user_from_store(self.config().clone(), store, &self.profile).await?)
    }
}

/// The scopes to log in with for an endpoint: all it requires, and the first
/// of those it takes any one of.
fn login_scopes(meta: &EndpointMeta) -> String {
    let scopes: Vec<&str> = meta.scopes_all.iter().chain(meta.scopes_any.first()).copied().collect();
    scopes.join(" ")
}
