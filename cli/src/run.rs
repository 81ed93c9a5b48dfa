//! Running one verb: the context from flags and credentials (context.rs), the
//! built-in or generated verb, and the printed answer.

use crate::args::Args;
use crate::context::{Ctx, TokenChoice};
use crate::credentials::{self, Credentials, Env};
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
    // `_mock` lives to the end of the run: dropping it stops the server.
    let (ctx, _mock) = context(matches, sub, format, &Env::process()).await?;
    let outcome = outcome(&ctx, verb, sub).await?;
    finish(outcome, format, &mut std::io::stdout().lock())
}

/// The run's context from the global flags, the credentials (or `--mock`'s)
/// and `env`; with the embedded mock to keep alive for the run, if any.
async fn context(
    matches: &ArgMatches,
    sub: &ArgMatches,
    format: Format,
    env: &Env,
) -> Result<(Ctx, Option<EmbeddedMock>), CliError> {
    let choice = match matches.get_one::<String>("token").map(String::as_str) {
        Some("app") => TokenChoice::App,
        Some("user") => TokenChoice::User,
        _ => TokenChoice::Auto,
    };
    let (mut creds, mock) =
        if matches.get_flag("mock") { embedded_mock().await? } else { (credentials::resolve(matches, env)?, None) };
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
    let store = if mock.is_some() { None } else { env.token_store().map(std::sync::Arc::new) };
    let paging = crate::paging::Paging::from_matches(sub, format);
    let ctx = Ctx::new(creds, choice, profile, store, paging, mock.is_some());
    Ok((ctx, mock))
}

/// Runs the built-in or generated verb `verb`.
async fn outcome(ctx: &Ctx, verb: &str, sub: &ArgMatches) -> Result<Outcome, CliError> {
    match crate::builtins::run(ctx, verb, sub).await {
        Some(result) => result,
        None => {
            let verb = crate::verb_table::find(verb).ok_or_else(|| CliError::UnknownVerb(verb.to_owned()))?;
            crate::verbs::dispatch(ctx, verb.verb, &Args { verb, matches: sub }).await
        }
    }
}

/// Prints what the verb produced on `out` (stdout); returns the exit code.
fn finish(outcome: Outcome, format: Format, out: &mut impl std::io::Write) -> Result<u8, CliError> {
    match outcome {
        // 204 No Content: nothing to print; the exit code says it worked.
        Outcome::Answer(Value::Null) => Ok(exit::OK),
        Outcome::Report(Value::Null, code) => Ok(code),
        Outcome::Answer(answer) => {
            output::write_answer(out, &answer, format).map_err(CliError::Output)?;
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
            out.write_all(text.as_bytes()).and_then(|()| out.flush()).map_err(CliError::Output)?;
            Ok(exit::OK)
        }
        Outcome::Report(value, code) => {
            // A report is the whole value: `-o json` shows all of it, not only a `data` field.
            output::write_answer(out, &value, if format == Format::Json { Format::Raw } else { format })
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
/// "ninja" holding every scope any endpoint or EventSub type names.
#[cfg(feature = "mock")]
async fn embedded_mock() -> Result<(Credentials, Option<EmbeddedMock>), CliError> {
    let mock = ttv_mock::MockServer::start(ttv_mock::MockConfig::default())
        .await
        .map_err(|e| CliError::Config(format!("cannot start the embedded mock on 127.0.0.1: {e}")))?;
    let endpoint_scopes = ttv_helix::ENDPOINTS
        .iter()
        .flat_map(|e| e.scopes_all.iter().chain(e.scopes_any).chain(e.scopes_optional).copied());
    let eventsub_scopes =
        ttv_helix::eventsub::SUBSCRIPTION_TYPES.iter().flat_map(|s| s.scopes.iter().copied().flatten().copied());
    let scopes: std::collections::BTreeSet<&str> = endpoint_scopes.chain(eventsub_scopes).collect();
    let scopes: Vec<&str> = scopes.into_iter().collect();
    let user_token = mock.issue_user_token("ninja", &scopes);
    let owner = mock.user_id("ninja").unwrap_or_default();
    let extension =
        ttv_helix::ExtensionJwt::Signed { secret: mock.extension_secret().to_vec(), owner_id: owner, channel_id: None };
    let mut config = ttv_helix::Config::new(mock.client_id());
    config.client_secret = Some(mock.client_secret().into());
    config.helix_url = mock.helix_url();
    config.oauth2_url = mock.oauth2_url();
    config.eventsub_websocket_url = mock.eventsub_url();
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

#[cfg(test)]
mod tests {
    use super::*;

    use crate::app::parsed;

    /// The context `ttv <args>` runs in, under `env`.
    async fn context_of(args: &[&str], env: &Env) -> Result<(Ctx, Option<EmbeddedMock>), CliError> {
        let matches = parsed(args);
        let (_, sub) = matches.subcommand().expect("a verb");
        let format = Format::parse(matches.get_one::<String>("output").map(String::as_str).unwrap_or("json"));
        context(&matches, sub, format, env).await
    }

    /// Runs `ttv <args>` up to its outcome (without printing it).
    async fn outcome_of(args: &[&str], env: &Env) -> Result<Outcome, CliError> {
        let matches = parsed(args);
        let (verb, sub) = matches.subcommand().expect("a verb");
        let (ctx, _mock) = context_of(args, env).await?;
        outcome(&ctx, verb, sub).await
    }

    fn with_client_id() -> Env {
        Env::fake(&[("TWITCH_CLIENT_ID", "test-client")], None, None)
    }

    /// What `finish` writes for `outcome`, and the exit code.
    fn finished(outcome: Outcome, format: Format) -> (String, u8) {
        let mut out = Vec::new();
        let code = finish(outcome, format, &mut out).expect("written");
        (String::from_utf8(out).expect("utf-8"), code)
    }

    #[tokio::test]
    async fn global_flags_reach_the_context_and_its_config() {
        let args = ["--token", "app", "--no-scope-check", "--timeout", "7", "--retries", "0", "get-users"];
        let (ctx, mock) = context_of(&args, &with_client_id()).await.expect("a context");
        assert!(mock.is_none());
        assert!(!ctx.prefers_user(), "--token app");
        assert!(!ctx.config().check_scopes);
        assert_eq!(ctx.config().timeout, std::time::Duration::from_secs(7));
        assert_eq!(ctx.config().max_retries, 0);
        assert_eq!(ctx.config().client_id, "test-client");
        assert_eq!(ctx.profile, ttv_helix::__private::DEFAULT_PROFILE);
        let (ctx, _) = context_of(&["--token", "user", "get-users"], &with_client_id()).await.expect("a context");
        assert!(ctx.prefers_user(), "--token user");
        let (ctx, _) = context_of(&["get-users"], &with_client_id()).await.expect("a context");
        assert!(!ctx.prefers_user(), "auto without a user token or a stored profile is the app token");
    }

    #[tokio::test]
    async fn the_token_store_is_the_environments_state_folder() {
        let dir = tempfile::tempdir().expect("tempdir");
        let env = Env::fake(&[("TWITCH_CLIENT_ID", "id")], None, Some(dir.path().to_path_buf()));
        let (ctx, _) = context_of(&["--profile", "work", "get-users"], &env).await.expect("a context");
        assert_eq!(ctx.token_store().expect("a store").dir(), dir.path());
        assert_eq!(ctx.profile, "work");
        let (ctx, _) = context_of(&["get-users"], &with_client_id()).await.expect("a context");
        let Err(e) = ctx.token_store() else { panic!("a store without a state folder") };
        assert!(e.to_string().contains("TTV_STATE_DIR"), "{e}");
    }

    #[tokio::test]
    async fn an_unusable_profile_name_is_a_usage_error() {
        let Err(e) = context_of(&["--profile", "../escape", "get-users"], &with_client_id()).await else {
            panic!("a profile name with a path in it was accepted")
        };
        assert_eq!(e.exit_code(), exit::USAGE);
    }

    #[tokio::test]
    async fn missing_credentials_stop_the_run_before_any_verb() {
        let Err(e) = outcome_of(&["get-users", "--login", "ninja"], &Env::fake(&[], None, None)).await else {
            panic!("ran without a client id")
        };
        assert_eq!(e.exit_code(), exit::CONFIG);
    }

    #[cfg(feature = "mock")]
    #[tokio::test]
    async fn mock_runs_keep_no_store_and_read_no_environment() {
        // No client id in the environment: `--mock` brings its own.
        let (ctx, mock) = context_of(&["--mock", "get-users"], &Env::fake(&[], None, None)).await.expect("a context");
        let mock = mock.expect("the embedded mock");
        assert!(ctx.is_mock());
        assert_eq!(ctx.config().helix_url, mock.helix_url());
        assert!(ctx.config().cache_dir.is_none(), "the mock's tokens are not cached");
        assert!(ctx.prefers_user(), "the embedded mock gives a user token");
        let Err(e) = ctx.token_store() else { panic!("--mock kept a store") };
        assert!(e.to_string().contains("--mock keeps no tokens"), "{e}");
    }

    #[cfg(feature = "mock")]
    #[tokio::test]
    async fn an_endpoint_verb_is_dispatched_to_its_endpoint() {
        let env = Env::fake(&[], None, None);
        let Outcome::Answer(answer) = outcome_of(&["--mock", "get-users", "--login", "ninja"], &env).await.expect("ok")
        else {
            panic!("get-users answers with Helix data")
        };
        assert_eq!(answer["data"][0]["login"], "ninja");
        let (text, code) = finished(Outcome::Answer(answer), Format::Ndjson);
        assert_eq!(code, exit::OK);
        let item: Value = serde_json::from_str(text.trim_end()).expect("one JSON line");
        assert_eq!(item["login"], "ninja");
    }

    #[cfg(feature = "mock")]
    #[tokio::test]
    async fn an_unknown_verb_is_a_usage_error() {
        let env = Env::fake(&[], None, None);
        let (ctx, _mock) = context_of(&["--mock", "get-users"], &env).await.expect("a context");
        let Err(e) = outcome(&ctx, "get-nothing-at-all", &ArgMatches::default()).await else {
            panic!("an unknown verb ran")
        };
        assert!(matches!(e, CliError::UnknownVerb(ref v) if v == "get-nothing-at-all"), "{e}");
        assert_eq!(e.exit_code(), exit::USAGE);
    }

    #[cfg(feature = "mock")]
    #[tokio::test]
    async fn is_live_reports_offline_with_exit_1() {
        let env = Env::fake(&[], None, None);
        let outcome = outcome_of(&["--mock", "is-live", "--login", "nobody_streams_here"], &env).await.expect("ok");
        let Outcome::Report(report, code) = outcome else { panic!("is-live reports") };
        assert_eq!(code, exit::OFFLINE);
        assert_eq!(report["live"], false);
        assert_eq!(report["login"], "nobody_streams_here");
        assert!(report["stream"].is_null());
    }

    #[cfg(feature = "mock")]
    #[tokio::test]
    async fn helix_errors_and_undecodable_answers_get_their_exit_codes() {
        let env = Env::fake(&[], None, None);
        let matches = parsed(&["--mock", "--retries", "0", "get-users", "--login", "ninja"]);
        let (verb, sub) = matches.subcommand().expect("a verb");
        let (ctx, mock) =
            context_of(&["--mock", "--retries", "0", "get-users", "--login", "ninja"], &env).await.expect("a context");
        let mock = mock.expect("the embedded mock");
        mock.faults().push(ttv_mock::Fault::new(ttv_mock::FaultKind::Status(404)).on("/helix/users"));
        let Err(e) = outcome(&ctx, verb, sub).await else { panic!("a 404 was taken for an answer") };
        assert_eq!(e.exit_code(), exit::HELIX, "{e}");
        mock.faults().push(ttv_mock::Fault::new(ttv_mock::FaultKind::Malformed).on("/helix/users"));
        let Err(e) = outcome(&ctx, verb, sub).await else { panic!("a malformed answer was taken") };
        assert_eq!(e.exit_code(), exit::DECODE, "{e}");
        assert!(matches!(outcome(&ctx, verb, sub).await, Ok(Outcome::Answer(_))), "all is well again");
    }

    #[test]
    fn no_content_prints_nothing_and_reports_keep_their_code() {
        assert_eq!(finished(Outcome::Answer(Value::Null), Format::Json), (String::new(), exit::OK));
        assert_eq!(finished(Outcome::Report(Value::Null, exit::OFFLINE), Format::Json), (String::new(), exit::OFFLINE));
        assert_eq!(finished(Outcome::Streamed, Format::Json), (String::new(), exit::OK));
        assert_eq!(finished(Outcome::Text("tok\n".into()), Format::Table), ("tok\n".into(), exit::OK));
    }

    #[test]
    fn answers_print_their_data_and_reports_their_whole_value() {
        let answer = serde_json::json!({"data": [{"id": "1"}], "pagination": {}});
        let (text, _) = finished(Outcome::Answer(answer.clone()), Format::Json);
        assert_eq!(serde_json::from_str::<Value>(&text).expect("JSON"), serde_json::json!([{"id": "1"}]));
        let (text, _) = finished(Outcome::Answer(answer.clone()), Format::Raw);
        assert_eq!(serde_json::from_str::<Value>(&text).expect("JSON"), answer);
        let (text, code) = finished(Outcome::Report(answer.clone(), exit::OFFLINE), Format::Json);
        assert_eq!(serde_json::from_str::<Value>(&text).expect("JSON"), answer, "-o json shows a whole report");
        assert_eq!(code, exit::OFFLINE);
    }

    /// A stdout that refuses every write with `kind`.
    struct Refusing(std::io::ErrorKind);

    impl std::io::Write for Refusing {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(self.0.into())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Err(self.0.into())
        }
    }

    #[test]
    fn a_failing_stdout_is_an_internal_error_but_a_closed_pipe_is_not() {
        let answer = serde_json::json!({"data": [{"id": "1"}]});
        let e = finish(Outcome::Answer(answer.clone()), Format::Json, &mut Refusing(std::io::ErrorKind::Other))
            .expect_err("the write failed");
        assert!(matches!(e, CliError::Output(_)), "{e}");
        assert_eq!(e.exit_code(), exit::INTERNAL);
        let code = finish(Outcome::Answer(answer), Format::Json, &mut Refusing(std::io::ErrorKind::BrokenPipe))
            .expect("`| head` closing the pipe is fine");
        assert_eq!(code, exit::OK);
    }
}
