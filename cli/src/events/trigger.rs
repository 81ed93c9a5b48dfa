//! `ttv events trigger TYPE`: asks a mock Twitch (ttv-mock) to send events of
//! a type to every session subscribed to it, through the mock's control
//! `POST {helix}/mock/eventsub/trigger`. Twitch has no such thing, so it is
//! refused, before anything is sent, when the Helix URL is Twitch's.

use super::conditions;
use crate::context::Ctx;
use crate::error::CliError;
use crate::exit;
use crate::outcome::Outcome;
use clap::{Arg, ArgMatches, Command};
use serde_json::{json, Value};
use ttv_helix::meta::HttpMethod;
use ttv_helix::{Client, RawRequest, TokenKind};

pub fn command() -> Command {
    Command::new("trigger")
        .about("Make a mock Twitch send events of a type to the sessions subscribed to it (mock only)")
        .long_about(
            "Make a mock Twitch (ttv-mock, or --mock) send events of TYPE (or TYPE:VERSION) to every WebSocket \
             session subscribed to it. Condition flags narrow it to the subscriptions with those values (logins \
             are accepted for user ids). The events are built from the spec's event fields with realistic \
             values. Prints how many messages went out and their message ids. Refused against Twitch, which \
             cannot be made to send events.",
        )
        .arg(Arg::new("type").required(true).value_name("TYPE").help("e.g. channel.follow or channel.moderate:2"))
        .arg(
            Arg::new("count")
                .long("count")
                .value_name("N")
                .default_value("1")
                .value_parser(clap::value_parser!(u32).range(1..=10_000))
                .help("How many events to send to each matching subscription"),
        )
        .args(conditions::args())
}

pub async fn run(ctx: &Ctx, matches: &ArgMatches) -> Result<Outcome, CliError> {
    let helix = &ctx.config().helix_url;
    if is_twitch(helix) {
        return Err(CliError::Usage(
            "`ttv events trigger` only works against a mock (ttv-mock): Twitch sends events when they happen. \
             Point TWITCH_HELIX_URL at the mock, or use --mock"
                .into(),
        ));
    }
    let spec = matches.get_one::<String>("type").map(String::as_str).unwrap_or_default();
    let subscription = conditions::subscription_type(spec)?;
    let given = conditions::given(matches);
    conditions::check_known(&[subscription], &given)?;
    let count = matches.get_one::<u32>("count").copied().unwrap_or(1);
    if ctx.prefers_user() {
        send(ctx.user().await?, subscription, &given, count).await
    } else {
        send(ctx.app().await?, subscription, &given, count).await
    }
}

async fn send<T: TokenKind>(
    client: &Client<T>,
    subscription: &ttv_helix::meta::SubscriptionMeta,
    given: &std::collections::BTreeMap<&'static str, String>,
    count: u32,
) -> Result<Outcome, CliError> {
    let values = conditions::resolve_logins(client, given).await?;
    let condition = conditions::condition(subscription, &values, None);
    let body = json!({
        "type": subscription.type_name,
        "version": subscription.version,
        "condition": condition,
        "count": count,
    });
    let answer = client.send_raw(&RawRequest::new(HttpMethod::Post, "/mock/eventsub/trigger").body(body)).await?;
    if answer.get("delivered").and_then(Value::as_u64) == Some(0) {
        eprintln!(
            "ttv: no session is subscribed to {} v{}{}; nothing was sent",
            subscription.type_name,
            subscription.version,
            if values.is_empty() { "" } else { " with these condition values" }
        );
    }
    Ok(Outcome::Report(answer, exit::OK))
}

/// Whether the Helix URL is Twitch's own (where no trigger exists).
fn is_twitch(helix_url: &str) -> bool {
    let host = helix_url.split("://").nth(1).unwrap_or(helix_url).split(['/', ':']).next().unwrap_or_default();
    host.eq_ignore_ascii_case("api.twitch.tv") || host.to_ascii_lowercase().ends_with(".twitch.tv")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_twitchs_own_helix_is_refused() {
        assert!(is_twitch("https://api.twitch.tv/helix"));
        assert!(is_twitch("https://API.twitch.tv:443/helix"));
        assert!(!is_twitch("http://127.0.0.1:8080/helix"));
        assert!(!is_twitch("https://twitch.tv.example.com/helix"));
    }
}
