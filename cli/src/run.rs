//! Running one verb: the context from flags and credentials (context.rs), the
//! built-in or generated verb, and the printed answer.

use crate::args::Args;
use crate::context::{Ctx, TokenChoice};
use crate::credentials::{self, Credentials};
use crate::error::CliError;
use crate::exit;
use crate::outcome::Outcome;
use crate::output::{self, Format};
use clap::ArgMatches;
use serde_json::Value;

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
        matches.get_one::<String>("profile").cloned().unwrap_or_else(|| ttv_helix::__private::DEFAULT_PROFILE.into());
    // Checked first: every message that suggests `--profile NAME` must suggest a usable one.
    ttv_helix::__private::check_profile_name(&profile).map_err(|e| CliError::Usage(e.to_string()))?;
    // The embedded mock's tokens die with it: no store then.
    let store = if mock.is_some() { None } else { ttv_helix::FileStore::from_env().map(std::sync::Arc::new) };
    let paging = crate::paging::Paging::from_matches(sub, format);
    // `mock` lives to the end of the run: dropping it stops the server.
    let ctx = Ctx::new(creds, choice, profile, store, paging, mock.is_some());

    let outcome = match crate::builtins::run(&ctx, verb, sub).await {
        Some(result) => result?,
        None => {
            let verb = crate::verb_table::find(verb).ok_or_else(|| CliError::UnknownVerb(verb.to_owned()))?;
            crate::verbs::dispatch(&ctx, verb.verb, &Args { verb, matches: sub }).await?
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

/// Keeps the embedded mock alive for the run; nothing without the `mock` feature.
#[cfg(feature = "mock")]
type EmbeddedMock = ttv_mock::MockServer;
#[cfg(not(feature = "mock"))]
type EmbeddedMock = std::convert::Infallible;

/// `--mock` in a build without the `mock` feature: a usage error, before any
/// credential is looked for.
#[cfg(not(feature = "mock"))]
async fn embedded_mock() -> Result<(Credentials, Option<EmbeddedMock>), CliError> {
    Err(CliError::Usage("--mock: this build of ttv has no embedded mock (built without the `mock` feature)".into()))
}

/// `--mock`: a mock Twitch on 127.0.0.1 for this run, with a user token for
/// "ninja" holding every scope any endpoint names.
#[cfg(feature = "mock")]
async fn embedded_mock() -> Result<(Credentials, Option<EmbeddedMock>), CliError> {
    let mock = ttv_mock::MockServer::start(ttv_mock::MockConfig::default())
        .await
        .map_err(|e| CliError::Config(format!("cannot start the embedded mock on 127.0.0.1: {e}")))?;
    let scopes: std::collections::BTreeSet<&str> = ttv_helix::ENDPOINTS
        .iter()
        .flat_map(|e| e.scopes_all.iter().chain(e.scopes_any).chain(e.scopes_optional).copied())
        .collect();
    let scopes: Vec<&str> = scopes.into_iter().collect();
    let user_token = mock.issue_user_token("ninja", &scopes);
    let owner = mock.user_id("ninja").unwrap_or_default();
    let extension =
        ttv_helix::ExtensionJwt::Signed { secret: mock.extension_secret().to_vec(), owner_id: owner, channel_id: None };
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
        // The runtime logs under its own crate name; the generated client under ttv_helix.
        1 => "warn,ttv_runtime=debug,ttv_helix=debug",
        _ => "debug,hyper=info,hyper_util=info,h2=info,rustls=info",
    };
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_target(false)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
        .try_init();
}

#[cfg(all(test, not(feature = "mock")))]
mod without_mock_tests {
    #[tokio::test]
    async fn mock_flag_says_this_build_has_no_mock_and_exits_2() {
        let Err(e) = super::embedded_mock().await else { panic!("a build without `mock` started one") };
        assert_eq!(e.exit_code(), crate::exit::USAGE);
        assert!(e.to_string().contains("no embedded mock"), "{e}");
    }
}
