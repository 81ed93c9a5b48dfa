//! Running one verb: credentials, the clients (built lazily, once), the call
//! with the token class the endpoint needs, and the printed answer.

use crate::args::Args;
use crate::credentials::{self, Credentials};
use crate::exit;
use crate::output::{self, Format};
use clap::ArgMatches;
use serde_json::Value;
use std::collections::BTreeSet;
use tokio::sync::OnceCell;
use ttv_helix::meta::EndpointMeta;
use ttv_helix::{App, Endpoint, Extension, ExtensionJwt, Helix, NoToken, Permits, User};

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("{0}")]
    Usage(String),
    #[error("{0}")]
    Config(String),
    #[error("unknown verb `{0}`; see `ttv --help`")]
    UnknownVerb(String),
    #[error("{}", crate::advice::message(.0))]
    Api(#[from] ttv_helix::Error),
    #[error("cannot write the output: {0}")]
    Output(std::io::Error),
}

impl CliError {
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Usage(_) | CliError::UnknownVerb(_) => exit::USAGE,
            CliError::Config(_) => exit::CONFIG,
            CliError::Output(_) => exit::INTERNAL,
            CliError::Api(e) => crate::advice::exit_code(e),
        }
    }
}

/// What a verb produced.
pub enum Outcome {
    /// A Helix answer, printed in the chosen format.
    Answer(Value),
    /// Something to print as JSON, then exit with this code.
    Report(Value, u8),
    /// Text printed on stdout as is (`ttv auth token`), exit 0.
    Text(String),
    /// Pages already written as they came (`--all`, `--max-items`; paging.rs).
    Streamed,
}

/// Which token `either` endpoints use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TokenChoice {
    Auto,
    App,
    User,
}

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
    pub paging: Option<crate::paging::Paging>,
    /// Keeps the embedded mock alive for the run.
    _mock: Option<ttv_mock::MockServer>,
}

impl Ctx {
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
                    None => crate::auth::stored_user(self, meta).await,
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
        self._mock.is_some()
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
            TokenChoice::Auto => self.creds.user_token.is_some() || crate::auth::has_profile(self),
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
}

pub async fn main(matches: &ArgMatches) -> Result<u8, CliError> {
    init_logging(matches.get_count("verbose"));
    let (verb, sub) = matches.subcommand().ok_or_else(|| CliError::Usage("no verb given; see `ttv --help`".into()))?;
    let format = Format::parse(matches.get_one::<String>("output").map(String::as_str).unwrap_or("json"));
    let choice = match matches.get_one::<String>("token").map(String::as_str) {
        Some("app") => TokenChoice::App,
        Some("user") => TokenChoice::User,
        _ => TokenChoice::Auto,
    };
    let (mut creds, mock) =
        if matches.get_flag("mock") { embedded_mock().await? } else { (credentials::resolve(matches)?, None) };
    if matches.get_flag("no-scope-check") {
        creds.config.check_scopes = false;
    }
    if let Some(secs) = matches.get_one::<u64>("timeout") {
        creds.config.timeout = std::time::Duration::from_secs(*secs);
    }
    if let Some(retries) = matches.get_one::<u32>("retries") {
        creds.config.max_retries = *retries;
    }
    crate::waits::apply_flags(matches, &mut creds.config);
    let profile =
        matches.get_one::<String>("profile").cloned().unwrap_or_else(|| ttv_helix::auth::DEFAULT_PROFILE.into());
    // Checked first: every message that suggests `--profile NAME` must suggest a usable one.
    ttv_helix::auth::store::check_profile_name(&profile).map_err(|e| CliError::Usage(e.to_string()))?;
    // The embedded mock's tokens die with it: no store then.
    let store = if mock.is_some() { None } else { ttv_helix::FileStore::from_env().map(std::sync::Arc::new) };
    let ctx = Ctx {
        creds,
        choice,
        app: OnceCell::new(),
        user: OnceCell::new(),
        extension: OnceCell::new(),
        profile,
        store,
        paging: crate::paging::Paging::from_matches(sub, format),
        _mock: mock,
    };

    let outcome = match crate::builtins::run(&ctx, verb, sub).await {
        Some(result) => result?,
        None => {
            let meta = crate::verb_table::find(verb).ok_or_else(|| CliError::UnknownVerb(verb.to_owned()))?;
            let args = Args { meta, matches: sub };
            crate::verbs::dispatch(&ctx, meta.verb, &args).await?
        }
    };
    match outcome {
        // 204 No Content: nothing to print; the exit code says it worked.
        Outcome::Answer(Value::Null) => Ok(exit::OK),
        Outcome::Report(Value::Null, code) => Ok(code),
        Outcome::Answer(answer) => {
            output::print_answer(&answer, format).map_err(CliError::Output)?;
            if let Some(cursor) = answer.pointer("/pagination/cursor").and_then(Value::as_str).filter(|c| !c.is_empty())
            {
                if format != Format::Raw {
                    eprintln!("ttv: more results: repeat with --after {}", output::terminal_safe(cursor));
                }
            }
            // The process ends next: freeing thousands of parsed items one by
            // one would only add to its run time (the OS takes the memory back).
            std::mem::forget(answer);
            Ok(exit::OK)
        }
        Outcome::Streamed => Ok(exit::OK),
        Outcome::Text(text) => {
            use std::io::Write;
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes()).and_then(|()| out.flush()).map_err(CliError::Output)?;
            Ok(exit::OK)
        }
        Outcome::Report(value, code) => {
            // A report is the whole value: `-o json` shows all of it, not only a `data` field.
            output::print_answer(&value, if format == Format::Json { Format::Raw } else { format })
                .map_err(CliError::Output)?;
            Ok(code)
        }
    }
}

/// `--mock`: a mock Twitch on 127.0.0.1 for this run, with a user token for
/// "ninja" holding every scope any endpoint names.
async fn embedded_mock() -> Result<(Credentials, Option<ttv_mock::MockServer>), CliError> {
    let mock = ttv_mock::MockServer::start(ttv_mock::MockConfig::default())
        .await
        .map_err(|e| CliError::Config(format!("cannot start the embedded mock on 127.0.0.1: {e}")))?;
    let scopes: BTreeSet<&str> = ttv_helix::ENDPOINTS
        .iter()
        .flat_map(|e| e.scopes_all.iter().chain(e.scopes_any).chain(e.scopes_optional).copied())
        .collect();
    let scopes: Vec<&str> = scopes.into_iter().collect();
    let user_token = mock.issue_user_token("ninja", &scopes);
    let owner = mock.user_id("ninja").unwrap_or_default();
    let extension =
        ExtensionJwt::Signed { secret: mock.extension_secret().to_vec(), owner_id: owner, channel_id: None };
    let mut config = ttv_helix::Config::new(mock.client_id());
    config.client_secret = Some(mock.client_secret().into());
    config.helix_url = mock.helix_url();
    config.oauth2_url = mock.oauth2_url();
    // The mock's tokens die with it: keep them out of the cache.
    config.cache_dir = None;
    Ok((Credentials { config, user_token: Some(user_token.into()), extension: Some(extension) }, Some(mock)))
}

fn init_logging(verbosity: u8) {
    let filter = match verbosity {
        0 => "warn",
        1 => "warn,ttv_helix=debug,ttv_runtime=debug",
        _ => "debug,hyper=info,hyper_util=info,h2=info,rustls=info",
    };
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_target(false)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
        .try_init();
}
