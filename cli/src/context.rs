//! One run's context: its credentials, the clients (built lazily, once), the
//! stored user-token profile, and the calls with the token class each endpoint
//! needs. Below run.rs, so builtins, auth, api and the generated dispatch use it.

use crate::args::Args;
use crate::credentials::Credentials;
use crate::error::CliError;
use crate::outcome::Outcome;
use crate::paging::Paging;
use crate::verb::Request;
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

    pub async fn call_user<E: Request>(&self, args: &Args<'_>) -> Result<Outcome, CliError>
    where
        User: Permits<E::Auth>,
    {
        self.forced_other_token(E::meta(), TokenChoice::App, "a user")?;
        let user = self.user_for(Some(E::meta())).await?;
        let request: E = args.request(user.token_info().user_id.as_deref())?;
        self.answer(user, &request).await
    }

    pub async fn call_app<E: Request>(&self, args: &Args<'_>) -> Result<Outcome, CliError>
    where
        App: Permits<E::Auth>,
    {
        self.forced_other_token(E::meta(), TokenChoice::User, "an app")?;
        let request: E = args.request(None)?;
        self.answer(self.app().await?, &request).await
    }

    pub async fn call_extension<E: Request>(&self, args: &Args<'_>) -> Result<Outcome, CliError>
    where
        Extension: Permits<E::Auth>,
    {
        let request: E = args.request(None)?;
        self.answer(self.extension().await?, &request).await
    }

    /// `--token` naming the kind this endpoint does not take is refused, not
    /// ignored: the request would go out with the other token unasked.
    /// (`either` endpoints reach here with the kind `--token` chose.)
    fn forced_other_token(&self, meta: &EndpointMeta, refused: TokenChoice, takes: &str) -> Result<(), CliError> {
        if self.choice != refused {
            return Ok(());
        }
        let (given, other) = if refused == TokenChoice::App { ("app", "user") } else { ("user", "app") };
        Err(CliError::Usage(format!(
            "--token {given}: {} takes {takes} access token only; drop --token or use --token {other}",
            meta.name
        )))
    }

    /// Endpoints that take no token go out on the app client, which then never mints one.
    pub async fn call_public<E: Request + Endpoint<Auth = NoToken>>(
        &self,
        args: &Args<'_>,
    ) -> Result<Outcome, CliError> {
        let request: E = args.request(None)?;
        self.answer(self.app().await?, &request).await
    }

    pub async fn call_either<E: Request>(&self, args: &Args<'_>) -> Result<Outcome, CliError>
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
        E: Request,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exit;
    use ttv_helix::endpoints::{GET_CUSTOM_REWARD, GET_USERS, START_COMMERCIAL};
    use ttv_helix::{Config, Secret, StoredUserToken};

    fn offline_creds() -> Credentials {
        let mut config = Config::new("test-client");
        // Nothing listens on port 1: no test here may reach a server.
        config.helix_url = "http://127.0.0.1:1/helix".into();
        config.oauth2_url = "http://127.0.0.1:1/oauth2".into();
        config.cache_dir = None;
        Credentials { config, user_token: None, extension: None }
    }

    fn ctx_in(creds: Credentials, profile: &str, state: Option<&std::path::Path>) -> Ctx {
        let store = state.map(|dir| Arc::new(FileStore::new(dir)));
        Ctx::new(creds, TokenChoice::Auto, profile.to_owned(), store, None, false)
    }

    fn token_for(config: &Config) -> StoredUserToken {
        StoredUserToken::new(config.client_id.clone(), config.oauth2_url.clone(), Secret::new("stored-access"))
            .with_login("someone")
            .with_user_id("1")
    }

    #[test]
    fn login_scopes_are_all_required_ones_and_the_first_of_any() {
        assert_eq!(login_scopes(&START_COMMERCIAL), "channel:edit:commercial");
        assert_eq!(login_scopes(&GET_CUSTOM_REWARD), "channel:read:redemptions");
        assert_eq!(login_scopes(&GET_USERS), "");
    }

    #[tokio::test]
    async fn without_a_user_token_the_error_names_the_login_that_gives_one() {
        let dir = tempfile::tempdir().expect("tempdir");
        let work = ctx_in(offline_creds(), "work", Some(dir.path()));
        let Err(e) = work.user_for(Some(&START_COMMERCIAL)).await else { panic!("a user token from nowhere") };
        assert_eq!(e.exit_code(), exit::CONFIG);
        assert!(e.to_string().contains("`ttv auth login --scopes \"channel:edit:commercial\" --profile work`"), "{e}");
        let default = ctx_in(offline_creds(), ttv_helix::__private::DEFAULT_PROFILE, Some(dir.path()));
        let Err(e) = default.user_for(Some(&GET_USERS)).await else { panic!("a user token from nowhere") };
        assert!(e.to_string().contains("log in with `ttv auth login`, or set TWITCH_USER_TOKEN"), "{e}");
        let no_store = ctx_in(offline_creds(), ttv_helix::__private::DEFAULT_PROFILE, None);
        let Err(e) = no_store.user().await else { panic!("a user token from nowhere") };
        assert!(e.to_string().contains("--scopes \"...\""), "{e}");
    }

    #[test]
    fn auto_uses_a_stored_profile_only_when_it_fits_these_settings() {
        let dir = tempfile::tempdir().expect("tempdir");
        let creds = offline_creds();
        let store = FileStore::new(dir.path());
        let ctx = ctx_in(offline_creds(), "work", Some(dir.path()));
        assert!(!ctx.prefers_user(), "nothing stored");
        store.save("work", &token_for(&creds.config)).expect("saved");
        assert!(ctx.prefers_user(), "a profile of this client and server");
        let mut other = token_for(&creds.config);
        other.oauth2_url = "http://127.0.0.1:2/oauth2".into();
        store.save("work", &other).expect("saved");
        assert!(!ctx.prefers_user(), "a profile from another OAuth server (a mock's, say)");
        other = token_for(&creds.config);
        other.client_id = "another-client".into();
        store.save("work", &other).expect("saved");
        assert!(!ctx.prefers_user(), "a profile of another client id");
        std::fs::write(dir.path().join("user-work.json"), "{ not json").expect("written");
        assert!(ctx.prefers_user(), "a corrupt profile counts, so that its error shows");
        let forced = Ctx::new(offline_creds(), TokenChoice::App, "work".into(), None, None, false);
        assert!(!forced.prefers_user());
        let with_env = Credentials { user_token: Some(Secret::new("env-token")), ..offline_creds() };
        assert!(ctx_in(with_env, "work", None).prefers_user(), "a TWITCH_USER_TOKEN");
    }

    #[tokio::test]
    async fn an_extension_call_without_a_jwt_says_what_to_set() {
        let ctx = ctx_in(offline_creds(), "default", None);
        let Err(e) = ctx.extension().await else { panic!("an extension client without a JWT") };
        assert_eq!(e.exit_code(), exit::CONFIG);
        assert!(e.to_string().contains("TWITCH_EXTENSION_SECRET") && e.to_string().contains("TWITCH_EXTENSION_JWT"));
    }

    #[cfg(feature = "mock")]
    mod with_mock {
        use super::*;
        use crate::test_support::{credentials, ctx, ctx_paging, mock, save, stored_token};

        async fn get_users(ctx: &Ctx, flags: &[&str]) -> Result<Outcome, CliError> {
            let verb = crate::verb_table::find("get-users").expect("the verb");
            let matches = crate::verb_command::verb(verb)
                .try_get_matches_from(std::iter::once("get-users").chain(flags.iter().copied()))
                .expect("the flags parse");
            crate::verbs::dispatch(ctx, verb.verb, &Args { verb, matches: &matches }).await
        }

        fn answer(outcome: Outcome) -> serde_json::Value {
            match outcome {
                Outcome::Answer(answer) => answer,
                _ => panic!("an endpoint verb answers"),
            }
        }

        #[tokio::test]
        async fn the_stored_profile_is_the_user_token_when_none_is_supplied() {
            let mock = mock().await;
            let dir = tempfile::tempdir().expect("tempdir");
            save(dir.path(), "work", &stored_token(&mock, "ninja", &[]));
            let ctx = ctx(credentials(&mock, None), TokenChoice::Auto, "work", Some(dir.path()));
            assert!(ctx.prefers_user());
            let user = ctx.user().await.expect("the stored user");
            assert_eq!(user.token_info().user_id, mock.user_id("ninja"));
            // Get Users without flags is the token's user.
            let answer = answer(get_users(&ctx, &[]).await.expect("answered"));
            assert_eq!(answer["data"][0]["login"], "ninja");
            assert!(!ctx.has_env_user_token());
        }

        #[tokio::test]
        async fn either_endpoints_go_out_with_the_chosen_token() {
            let mock = mock().await;
            let user_token = mock.issue_user_token("ninja", &[]);
            let auto = ctx(credentials(&mock, Some(user_token.clone())), TokenChoice::Auto, "default", None);
            get_users(&auto, &["--login", "ninja"]).await.expect("answered");
            assert_eq!(mock.stats().app_tokens_minted, 0, "auto with a user token uses it");
            let app = ctx(credentials(&mock, Some(user_token)), TokenChoice::App, "default", None);
            let answer = answer(get_users(&app, &["--login", "ninja"]).await.expect("answered"));
            assert_eq!(answer["data"][0]["login"], "ninja");
            assert_eq!(mock.stats().app_tokens_minted, 1, "--token app mints an app token");
        }

        #[tokio::test]
        async fn paging_flags_leave_an_endpoint_without_pages_one_answer() {
            let mock = mock().await;
            let paging = crate::paging::Paging { max_items: Some(1), format: crate::output::Format::Json };
            let ctx = ctx_paging(credentials(&mock, None), TokenChoice::App, "default", None, Some(paging));
            let answer = answer(get_users(&ctx, &["--login", "ninja,pokimane"]).await.expect("answered"));
            assert_eq!(answer["data"].as_array().map(Vec::len), Some(2));
        }
    }
}
