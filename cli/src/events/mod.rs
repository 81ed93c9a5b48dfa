//! `ttv events ...`: EventSub from the shell. `types` prints the catalog from
//! the spec, `listen` opens a WebSocket session and prints each event as one
//! JSON line, `trigger` makes a mock send events (refused against Twitch).
//! Chat has its own verb (`ttv chat`, chat.rs) on the same pieces.

mod catalog;
pub mod conditions;
pub mod listen;
mod trigger;

use crate::context::Ctx;
use crate::error::CliError;
use crate::outcome::Outcome;
use clap::{ArgMatches, Command};

pub fn command() -> Command {
    Command::new("events")
        .about("EventSub: list the subscription types, listen to events, trigger them on a mock")
        .long_about(
            "EventSub from the shell. `ttv events types` lists every subscription type the spec knows; `ttv \
             events listen TYPE...` subscribes over a WebSocket session with the user token and prints one JSON \
             object per event per line; `ttv events trigger TYPE` makes a mock Twitch (ttv-mock, or --mock) send \
             events of that type to the sessions subscribed to it.",
        )
        .subcommand_required(true)
        .arg_required_else_help(true)
        .subcommand(catalog::command())
        .subcommand(listen::command())
        .subcommand(trigger::command())
}

pub async fn run(ctx: &Ctx, matches: &ArgMatches) -> Result<Outcome, CliError> {
    match matches.subcommand() {
        Some(("types", sub)) => catalog::run(sub),
        Some(("listen", sub)) => listen::run(ctx, sub).await,
        Some(("trigger", sub)) => trigger::run(ctx, sub).await,
        _ => Err(CliError::Usage("name what to do: `ttv events types|listen|trigger`".into())),
    }
}
