//! Verbs that are not one endpoint: `validate`, `is-live`, `auth` (auth.rs),
//! `api` (api.rs), `completions` (completions.rs) and `config` (config_file.rs).

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
    matches!(name, "api" | "validate" | "auth" | "config")
}

/// Runs a built-in verb, or returns `None` when `verb` is not one.
pub async fn run(ctx: &Ctx, verb: &str, matches: &ArgMatches) -> Option<Result<Outcome, CliError>> {
    match verb {
        "validate" => Some(validate(ctx).await),
        "is-live" => Some(is_live(ctx, matches).await),
        "auth" => Some(crate::auth::run(ctx, matches).await),
        "api" => Some(crate::api::run(ctx, matches).await),
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
