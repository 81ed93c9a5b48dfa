//! `ttv events listen TYPE...`: one EventSub WebSocket session with the user
//! token, subscribed to each TYPE with the condition flags, printing one JSON
//! object per event per line (NDJSON, flushed per line so a pipe sees each
//! event at once). The library's session does the protocol: the welcome
//! window, keepalives, Twitch's reconnect messages, new sessions after a lost
//! connection, duplicates and stale messages. `ttv chat read` prints through
//! the same loop.

use super::conditions;
use crate::context::Ctx;
use crate::error::CliError;
use crate::outcome::Outcome;
use clap::{Arg, ArgAction, ArgMatches, Command};
use futures::StreamExt;
use serde_json::{json, Value};
use std::io::Write;
use std::time::Duration;
use ttv_helix::eventsub::{Lifecycle, Notification, SessionEvent, Wanted};
use ttv_helix::meta::SubscriptionMeta;
use ttv_helix::{Helix, User};

pub fn command() -> Command {
    Command::new("listen")
        .about("Subscribe to EventSub types over a WebSocket and print each event as a JSON line")
        .long_about(
            "Open an EventSub WebSocket session with the user token, subscribe to each TYPE (or TYPE:VERSION; \
             the newest version by default) with the condition flags, and print one JSON object per event per \
             line: type, version, message_id, timestamp, subscription_id and the event as Twitch sent it. The \
             condition field that must be the token's user defaults to it; user-id fields take logins. Runs \
             until --count events or --duration seconds (exit 0), an error, or Ctrl-C (exit 130; Twitch \
             disables the session's subscriptions when it closes). With -v, the session's lifecycle (welcome, \
             reconnects, new sessions) goes to stderr; revocations always do.",
        )
        .arg(
            Arg::new("types")
                .required(true)
                .num_args(1..)
                .action(ArgAction::Append)
                .value_name("TYPE")
                .help("Subscription types, e.g. channel.follow channel.chat.message (see `ttv events types`)"),
        )
        .args(stop_args())
        .args(conditions::args())
}

/// `--count` and `--duration`, shared with `ttv chat read`.
pub fn stop_args() -> [Arg; 2] {
    [
        Arg::new("count")
            .long("count")
            .value_name("N")
            .value_parser(clap::value_parser!(u64).range(1..))
            .help("Stop after N events"),
        Arg::new("duration")
            .long("duration")
            .value_name("SECONDS")
            .value_parser(clap::value_parser!(u64).range(1..))
            .help("Stop after this many seconds"),
    ]
}

/// When to stop listening.
#[derive(Debug, Clone, Copy, Default)]
pub struct Stop {
    pub count: Option<u64>,
    pub duration: Option<Duration>,
    /// Print the session's lifecycle on stderr (`-v`).
    pub verbose: bool,
}

impl Stop {
    pub fn from_matches(matches: &ArgMatches) -> Stop {
        Stop {
            count: matches.get_one::<u64>("count").copied(),
            duration: matches.get_one::<u64>("duration").map(|s| Duration::from_secs(*s)),
            // Global, so absent from a bare `listen` command (its tests).
            verbose: matches.try_get_one::<u8>("verbose").ok().flatten().is_some_and(|v| *v > 0),
        }
    }
}

pub async fn run(ctx: &Ctx, matches: &ArgMatches) -> Result<Outcome, CliError> {
    let types: Vec<&'static SubscriptionMeta> = matches
        .get_many::<String>("types")
        .into_iter()
        .flatten()
        .map(|t| conditions::subscription_type(t))
        .collect::<Result<_, _>>()?;
    for s in &types {
        if !s.supports("websocket") {
            return Err(CliError::Usage(format!(
                "{} v{} is not delivered over WebSockets (only {}); it needs a webhook or a conduit",
                s.type_name,
                s.version,
                s.transports.join(", ")
            )));
        }
    }
    let given = conditions::given(matches);
    conditions::check(&types, &given, true)?;
    let client = ctx.user().await?;
    let values = conditions::resolve_logins(client, &given).await?;
    let token_user = client.token_info().user_id.clone();
    let wanted: Vec<Wanted> =
        types.iter().map(|s| Wanted::from_meta(s, conditions::condition(s, &values, token_user.as_deref()))).collect();
    let mut out = std::io::stdout().lock();
    listen(client, wanted, Stop::from_matches(matches), |n| writeln!(out, "{}", line(n)).and_then(|()| out.flush()))
        .await
}

/// One event as `events listen` prints it.
pub fn line(n: &Notification<Value>) -> Value {
    json!({
        "type": n.subscription.subscription_type,
        "version": n.subscription.version,
        "message_id": n.message_id,
        "timestamp": n.message_timestamp,
        "subscription_id": n.subscription.id,
        "event": n.event,
    })
}

/// Runs one session until `stop`, handing each event to `print`. A closed
/// stdout (`| head -1`) ends it quietly with exit 0.
pub async fn listen(
    client: &Helix<User>,
    wanted: Vec<Wanted>,
    stop: Stop,
    mut print: impl FnMut(&Notification<Value>) -> std::io::Result<()>,
) -> Result<Outcome, CliError> {
    let mut builder = client.eventsub_websocket::<Value>();
    for w in wanted {
        builder = builder.subscribe(w)?;
    }
    let deadline = stop.duration.map(|d| tokio::time::Instant::now() + d);
    let session = async {
        let mut session = builder.connect().await?;
        let mut printed = 0u64;
        while let Some(item) = session.next().await {
            match item? {
                SessionEvent::Notification(n) => {
                    match print(&n) {
                        Ok(()) => {}
                        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => break,
                        Err(e) => return Err(CliError::Output(e)),
                    }
                    printed += 1;
                    if stop.count.is_some_and(|c| printed >= c) {
                        break;
                    }
                }
                SessionEvent::Revocation(r) => eprintln!(
                    "ttv: Twitch revoked subscription {} ({} v{}): {}",
                    r.subscription.id, r.subscription.subscription_type, r.subscription.version, r.subscription.status
                ),
                SessionEvent::Lifecycle(l) if stop.verbose => eprintln!("ttv: {}", lifecycle(&l)),
                _ => {}
            }
        }
        session.close().await;
        Ok(Outcome::Streamed)
    };
    match deadline {
        Some(at) => match tokio::time::timeout_at(at, session).await {
            Ok(result) => result,
            // Dropping the session closes its socket; Twitch then disables its subscriptions.
            Err(_) => Ok(Outcome::Streamed),
        },
        None => session.await,
    }
}

/// A lifecycle step in words, for `-v`.
fn lifecycle(l: &Lifecycle) -> String {
    match l {
        Lifecycle::Welcome { session_id } => format!("session {session_id} welcomed"),
        Lifecycle::Subscribed { subscription_type, version, id } => {
            format!("subscribed to {subscription_type} v{version} ({id})")
        }
        Lifecycle::SubscribeFailed { subscription_type, version, reason } => {
            format!("could not subscribe to {subscription_type} v{version} (tried again on the next session): {reason}")
        }
        Lifecycle::Reconnecting { .. } => "Twitch asked to move the session to a new connection".into(),
        Lifecycle::Reconnected { session_id } => format!("session {session_id} moved to its new connection"),
        Lifecycle::ConnectionLost { reason } => format!("connection lost ({reason}); opening a new session"),
        Lifecycle::NewSession { session_id } => format!("new session {session_id}, subscriptions created again"),
        Lifecycle::OrphansDeleted { count } => format!("deleted {count} subscription(s) of earlier sessions"),
        other => format!("{other:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_and_condition_flags_parse() {
        let m = command()
            .try_get_matches_from(["listen", "channel.follow", "stream.online", "--broadcaster-user-id", "ninja"])
            .expect("parsed");
        let types: Vec<&String> = m.get_many::<String>("types").expect("types").collect();
        assert_eq!(types, ["channel.follow", "stream.online"]);
        assert_eq!(conditions::given(&m).get("broadcaster_user_id").map(String::as_str), Some("ninja"));
        let stop = Stop::from_matches(&command().try_get_matches_from(["listen", "x", "--count", "3"]).expect("ok"));
        assert_eq!(stop.count, Some(3));
    }
}
