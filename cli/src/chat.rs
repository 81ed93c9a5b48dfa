//! `ttv chat read CHANNEL` and `ttv chat send CHANNEL MESSAGE`: chat as Twitch
//! means it now. Reading is the `channel.chat.message` EventSub type over a
//! WebSocket session (events/listen.rs); sending is Send Chat Message, which
//! fails (exit 9, with Twitch's reason) when Twitch drops the message. The
//! channel is a login or a user id; the token's user reads and sends.

use crate::context::Ctx;
use crate::error::CliError;
use crate::events::conditions;
use crate::events::listen::{self, Stop};
use crate::outcome::Outcome;
use crate::output::terminal_safe;
use clap::parser::ValueSource;
use clap::{Arg, ArgMatches, Command};
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::Write;
use ttv_helix::eventsub::Wanted;

const CHAT_MESSAGE: &str = "channel.chat.message";
const SEND_VERB: &str = "send-chat-message";

pub fn command() -> Command {
    Command::new("chat")
        .about("Read a channel's chat as it happens, or send a message to it")
        .subcommand_required(true)
        .arg_required_else_help(true)
        .subcommand(
            Command::new("read")
                .about("Print a channel's chat messages as they come (Ctrl-C to stop)")
                .long_about(
                    "Print a channel's chat messages as they come, one line each: time, who, text (made safe for \
                     the terminal). `-o ndjson` prints each as `ttv events listen` does instead. Needs a user \
                     token with user:read:chat; the token's user is the reader.",
                )
                .arg(channel_arg())
                .args(listen::stop_args()),
        )
        .subcommand(
            Command::new("send")
                .about("Send a chat message as the token's user; exit 9 with the reason if Twitch drops it")
                .arg(channel_arg())
                .arg(Arg::new("message").required(true).value_name("MESSAGE").help("The text (up to 500 characters)"))
                .arg(
                    Arg::new("reply-to")
                        .long("reply-to")
                        .value_name("MESSAGE_ID")
                        .help("Send it as a reply to this message"),
                ),
        )
}

fn channel_arg() -> Arg {
    Arg::new("channel").required(true).value_name("CHANNEL").help("The channel: its login or its user id")
}

pub async fn run(ctx: &Ctx, matches: &ArgMatches) -> Result<Outcome, CliError> {
    match matches.subcommand() {
        Some(("read", sub)) => read(ctx, sub).await,
        Some(("send", sub)) => send(ctx, sub).await,
        _ => Err(CliError::Usage("name what to do: `ttv chat read|send`".into())),
    }
}

/// The channel as a user id, looked up when it is a login.
async fn channel_id(ctx: &Ctx, matches: &ArgMatches) -> Result<String, CliError> {
    let channel = matches.get_one::<String>("channel").cloned().unwrap_or_default();
    let given = BTreeMap::from([("broadcaster_user_id", channel.trim_start_matches('#').to_owned())]);
    let resolved = conditions::resolve_logins(ctx.user().await?, &given).await?;
    Ok(resolved.get("broadcaster_user_id").cloned().unwrap_or_default())
}

async fn read(ctx: &Ctx, matches: &ArgMatches) -> Result<Outcome, CliError> {
    let broadcaster = channel_id(ctx, matches).await?;
    let client = ctx.user().await?;
    let subscription = conditions::subscription_type(CHAT_MESSAGE)?;
    let values = BTreeMap::from([("broadcaster_user_id", broadcaster)]);
    let condition = conditions::condition(subscription, &values, client.token_info().user_id.as_deref());
    let ndjson = matches!(matches.try_get_one::<String>("output"), Ok(Some(f)) if f == "ndjson" || f == "json")
        && matches.value_source("output") != Some(ValueSource::DefaultValue);
    let mut out = std::io::stdout().lock();
    listen::listen(client, vec![Wanted::from_meta(subscription, condition)], Stop::from_matches(matches), |n| {
        if ndjson {
            writeln!(out, "{}", listen::line(n))?;
        } else {
            writeln!(out, "{}", chat_line(&n.message_timestamp, &n.event))?;
        }
        out.flush()
    })
    .await
}

/// `12:34:56 <Name> text` for people; the text made safe for a terminal.
fn chat_line(timestamp: &str, event: &Value) -> String {
    let time = timestamp.split_once('T').map(|(_, t)| t.get(..8).unwrap_or(t)).unwrap_or(timestamp);
    let name = event["chatter_user_name"].as_str().or(event["chatter_user_login"].as_str()).unwrap_or("?");
    let text = event["message"]["text"].as_str().unwrap_or_default();
    terminal_safe(&format!("{time} <{name}> {text}"))
}

/// Send Chat Message through its generated verb, so the checks and the
/// output are those of `ttv send-chat-message`.
async fn send(ctx: &Ctx, matches: &ArgMatches) -> Result<Outcome, CliError> {
    let broadcaster = channel_id(ctx, matches).await?;
    let sender = ctx.user().await?.token_info().user_id.clone().unwrap_or_default();
    let message = matches.get_one::<String>("message").cloned().unwrap_or_default();
    let mut argv = vec![
        SEND_VERB.to_owned(),
        "--broadcaster-id".into(),
        broadcaster,
        "--sender-id".into(),
        sender,
        "--message".into(),
        message,
    ];
    if let Some(parent) = matches.get_one::<String>("reply-to") {
        argv.extend(["--reply-parent-message-id".into(), parent.clone()]);
    }
    let verb = crate::verb_table::find(SEND_VERB).ok_or_else(|| CliError::UnknownVerb(SEND_VERB.into()))?;
    let sub = crate::verb_command::verb(verb).try_get_matches_from(argv).map_err(|e| CliError::Usage(e.to_string()))?;
    let outcome = crate::verbs::dispatch(ctx, verb.verb, &crate::args::Args { verb, matches: &sub }).await?;
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_chat_line_is_time_name_and_text_with_nothing_for_the_terminal_to_run() {
        let event = json!({"chatter_user_name": "Ninja", "message": {"text": "hi\u{1b}[2J there"}});
        let line = chat_line("2026-12-02T15:04:05.123456789Z", &event);
        assert!(line.starts_with("15:04:05 <Ninja> hi"), "{line}");
        assert!(!line.contains('\u{1b}'), "{line:?}");
    }
}
