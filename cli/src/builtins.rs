//! Verbs that are not one endpoint: `validate` and `is-live`.

use crate::run::{CliError, Ctx, Outcome};
use crate::exit;
use clap::{Arg, ArgMatches, Command};
use serde_json::json;

pub fn commands() -> Vec<Command> {
    vec![
        Command::new("validate")
            .about("Validate the token in use and show its client, user, scopes and expiry")
            .long_about(
                "Validate the token in use (GET /oauth2/validate): the user token when one is set, else the \
                 app token. Prints client_id, login, user_id, scopes and expires_in; never the token.",
            ),
        Command::new("is-live")
            .visible_alias("live")
            .alias("isLive")
            .about("Exit 0 when the channel is live, 1 when it is offline; print the stream if live")
            .arg(Arg::new("login").long("login").required(true).value_name("LOGIN").help("The channel's login name")),
    ]
}

/// Runs a built-in verb, or returns `None` when `verb` is not one.
pub async fn run(ctx: &Ctx, verb: &str, matches: &ArgMatches) -> Option<Result<Outcome, CliError>> {
    match verb {
        "validate" => Some(validate(ctx).await),
        "is-live" => Some(is_live(ctx, matches).await),
        _ => None,
    }
}

async fn validate(ctx: &Ctx) -> Result<Outcome, CliError> {
    let info = if ctx.prefers_user() { ctx.user().await?.validate().await? } else { ctx.app().await?.validate().await? };
    let value = serde_json::to_value(info).map_err(|e| CliError::Usage(e.to_string()))?;
    Ok(Outcome::Report(value, exit::OK))
}

async fn is_live(ctx: &Ctx, matches: &ArgMatches) -> Result<Outcome, CliError> {
    let login = matches.get_one::<String>("login").cloned().unwrap_or_default();
    let answer = if ctx.prefers_user() {
        ctx.user().await?.get_streams().user_login([login.clone()]).send().await?
    } else {
        ctx.app().await?.get_streams().user_login([login.clone()]).send().await?
    };
    let stream = answer.data.into_iter().next();
    let live = stream.is_some();
    let report = json!({ "login": login, "live": live, "stream": stream });
    Ok(Outcome::Report(report, if live { exit::OK } else { exit::OFFLINE }))
}
