//! Verbs that are not one endpoint: `validate`, `is-live`, `auth` (auth.rs),
//! `api` (api.rs), `completions` (completions.rs), `config` (config_file.rs),
//! `events` (events/) and `chat` (chat.rs).

use crate::args::Args;
use crate::context::Ctx;
use crate::error::CliError;
use crate::exit;
use crate::outcome::Outcome;
use clap::{Arg, ArgMatches, Command};
use serde_json::json;

/// `is-live` is Get Streams filtered by login; it exists when the spec has Get Streams.
const STREAMS_VERB: &str = "get-streams";

pub fn commands() -> Vec<Command> {
    let mut commands = vec![Command::new("validate")
        .about("Validate the token in use and show its client, user, scopes and expiry")
        .long_about(
            "Validate the token in use (GET /oauth2/validate): the user token when one is set, else the \
                 app token. Prints client_id, login, user_id, scopes and expires_in; never the token.",
        )];
    commands.push(crate::auth::command());
    commands.push(crate::api::command());
    commands.push(crate::completions::command());
    commands.push(crate::config_file::command());
    commands.push(crate::events::command());
    commands.push(crate::chat::command());
    if crate::verb_table::find(STREAMS_VERB).is_some() {
        commands.push(
            Command::new("is-live")
                .visible_alias("live")
                .alias("isLive")
                .about("Exit 0 when the channel is live, 1 when it is offline; print the stream if live")
                .arg(
                    Arg::new("login").long("login").required(true).value_name("LOGIN").help("The channel's login name"),
                ),
        );
    }
    commands
}

/// Built-in verbs whose command line needs no endpoint verb built beside them
/// (`completions` does need them all; `is-live` builds its own).
pub fn stands_alone(name: &str) -> bool {
    matches!(name, "api" | "validate" | "auth" | "config" | "events" | "chat")
}

/// Runs a built-in verb, or returns `None` when `verb` is not one.
pub async fn run(ctx: &Ctx, verb: &str, matches: &ArgMatches) -> Option<Result<Outcome, CliError>> {
    match verb {
        "validate" => Some(validate(ctx).await),
        "is-live" => Some(is_live(ctx, matches).await),
        "auth" => Some(crate::auth::run(ctx, matches).await),
        "api" => Some(crate::api::run(ctx, matches).await),
        "events" => Some(crate::events::run(ctx, matches).await),
        "chat" => Some(crate::chat::run(ctx, matches).await),
        _ => None,
    }
}

async fn validate(ctx: &Ctx) -> Result<Outcome, CliError> {
    let info =
        if ctx.prefers_user() { ctx.user().await?.validate().await? } else { ctx.app().await?.validate().await? };
    let value = serde_json::to_value(info).map_err(|e| CliError::Usage(e.to_string()))?;
    Ok(Outcome::Report(value, exit::OK))
}

/// Runs the generated `get-streams` verb with `--user-login LOGIN`, so this
/// stays a thin layer over the spec rather than a second copy of the endpoint.
async fn is_live(ctx: &Ctx, matches: &ArgMatches) -> Result<Outcome, CliError> {
    let login = matches.get_one::<String>("login").cloned().unwrap_or_default();
    let verb = crate::verb_table::find(STREAMS_VERB).ok_or_else(|| CliError::UnknownVerb(STREAMS_VERB.into()))?;
    let sub = crate::verb_command::verb(verb)
        .try_get_matches_from([STREAMS_VERB, "--user-login", &login])
        .map_err(|e| CliError::Usage(e.to_string()))?;
    let answer = match crate::verbs::dispatch(ctx, verb.verb, &Args { verb, matches: &sub }).await? {
        Outcome::Answer(answer) => answer,
        Outcome::Report(..) | Outcome::Text(_) | Outcome::Streamed => {
            unreachable!("endpoint verbs answer with Helix data")
        }
    };
    let stream = answer.pointer("/data/0").cloned();
    let live = stream.is_some();
    let report = json!({ "login": login, "live": live, "stream": stream });
    Ok(Outcome::Report(report, if live { exit::OK } else { exit::OFFLINE }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_commands_are_there_and_some_stand_alone() {
        let names: Vec<String> = commands().iter().map(|c| c.get_name().to_owned()).collect();
        assert_eq!(names, ["validate", "auth", "api", "completions", "config", "events", "chat", "is-live"]);
        for alone in ["api", "validate", "auth", "config", "events", "chat"] {
            assert!(stands_alone(alone), "{alone}");
        }
        assert!(!stands_alone("completions"), "completions names every verb");
        assert!(!stands_alone("is-live"), "is-live runs get-streams");
        assert!(!stands_alone("get-users"));
    }

    #[cfg(feature = "mock")]
    mod with_mock {
        use super::*;
        use crate::context::TokenChoice;
        use crate::test_support::{credentials, ctx, mock};

        fn report(outcome: Outcome) -> (serde_json::Value, u8) {
            match outcome {
                Outcome::Report(value, code) => (value, code),
                _ => panic!("built-ins report"),
            }
        }

        #[tokio::test]
        async fn endpoint_verbs_are_not_built_ins() {
            let mock = mock().await;
            let ctx = ctx(credentials(&mock, None), TokenChoice::App, "default", None);
            assert!(run(&ctx, "get-users", &ArgMatches::default()).await.is_none());
            assert!(run(&ctx, "completions", &ArgMatches::default()).await.is_none(), "main.rs runs it");
        }

        #[tokio::test]
        async fn validate_shows_the_token_in_use_and_never_the_token() {
            let mock = mock().await;
            let user_token = mock.issue_user_token("ninja", &["chat:read"]);
            let user = ctx(credentials(&mock, Some(user_token.clone())), TokenChoice::Auto, "default", None);
            let (info, code) = report(run(&user, "validate", &ArgMatches::default()).await.expect("built-in").unwrap());
            assert_eq!(code, exit::OK);
            assert_eq!(info["login"], "ninja");
            assert_eq!(info["scopes"], serde_json::json!(["chat:read"]));
            assert!(!info.to_string().contains(&user_token));
            let app = ctx(credentials(&mock, Some(user_token)), TokenChoice::App, "default", None);
            let (info, _) = report(run(&app, "validate", &ArgMatches::default()).await.expect("built-in").unwrap());
            assert_eq!(info["client_id"], mock.client_id());
            assert!(info["login"].is_null(), "an app token has no user: {info}");
        }

        #[tokio::test]
        async fn is_live_exits_0_with_the_stream_of_a_live_channel() {
            let mock = mock().await;
            let ctx = ctx(credentials(&mock, None), TokenChoice::App, "default", None);
            let live = crate::verb_table::find(STREAMS_VERB).expect("get-streams");
            let streams = crate::verb_command::verb(live).try_get_matches_from([STREAMS_VERB]).expect("parsed");
            let Outcome::Answer(streams) =
                crate::verbs::dispatch(&ctx, STREAMS_VERB, &Args { verb: live, matches: &streams }).await.unwrap()
            else {
                panic!("get-streams answers")
            };
            let login = streams["data"][0]["user_login"].as_str().expect("the mock has a live channel").to_owned();
            let m = commands()
                .into_iter()
                .find(|c| c.get_name() == "is-live")
                .expect("is-live")
                .try_get_matches_from(["is-live", "--login", &login])
                .expect("parsed");
            let (report, code) = report(run(&ctx, "is-live", &m).await.expect("built-in").unwrap());
            assert_eq!(code, exit::OK);
            assert_eq!(report["live"], true);
            assert_eq!(report["stream"]["user_login"], login.as_str());
        }
    }
}
