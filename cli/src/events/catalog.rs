//! `ttv events types`: the subscription types of the spec, one row per type
//! and version, with what subscribing needs.

use crate::error::CliError;
use crate::exit;
use crate::outcome::Outcome;
use clap::{Arg, ArgMatches, Command};
use serde_json::{json, Value};
use ttv_helix::eventsub::SUBSCRIPTION_TYPES;
use ttv_helix::meta::SubscriptionMeta;

pub fn command() -> Command {
    Command::new("types")
        .about("List the EventSub subscription types: version, condition fields, scopes, transports")
        .long_about(
            "List every EventSub subscription type and version the spec describes: its status, the condition \
             fields (required ones marked `*`, the one that must be the token's user marked `(token user)`), the \
             scopes (a `|` separates alternatives) and the transports. `-o table` for people; json and ndjson \
             give one object per type and version.",
        )
        .arg(
            Arg::new("type")
                .value_name("TYPE")
                .help("Only types whose name contains this, e.g. `chat` or `channel.follow`"),
        )
}

pub fn run(matches: &ArgMatches) -> Result<Outcome, CliError> {
    let filter = matches.get_one::<String>("type").map(String::as_str).unwrap_or_default();
    let rows: Vec<Value> = SUBSCRIPTION_TYPES.iter().filter(|s| s.type_name.contains(filter)).map(row).collect();
    if rows.is_empty() {
        return Err(CliError::Usage(format!(
            "no subscription type contains `{filter}`; `ttv events types` lists them all"
        )));
    }
    Ok(Outcome::Report(json!({ "data": rows }), exit::OK))
}

/// One type and version as the catalog prints it; lists joined for tables.
fn row(s: &SubscriptionMeta) -> Value {
    let condition: Vec<String> = s
        .condition
        .iter()
        .map(|c| {
            let mut name = c.name.to_owned();
            if c.required {
                name.push('*');
            }
            if c.token_user {
                name.push_str(" (token user)");
            }
            name
        })
        .collect();
    let scopes: Vec<String> = s.scopes.iter().map(|group| group.join("|")).collect();
    json!({
        "type": s.type_name,
        "version": s.version,
        "status": s.status,
        "condition": condition.join(", "),
        "scopes": scopes.join(", "),
        "transports": s.transports.join(", "),
        "summary": s.summary,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_type_of_the_spec_is_listed_with_its_needs() {
        let matches = command().try_get_matches_from(["types"]).expect("parsed");
        let Ok(Outcome::Report(report, code)) = run(&matches) else { panic!("a report") };
        assert_eq!(code, exit::OK);
        let rows = report["data"].as_array().expect("rows");
        assert_eq!(rows.len(), SUBSCRIPTION_TYPES.len());
        let chat = rows.iter().find(|r| r["type"] == "channel.chat.message").expect("chat messages");
        assert_eq!(chat["condition"], "broadcaster_user_id*, user_id* (token user)");
        assert_eq!(chat["scopes"], "user:read:chat");
        assert_eq!(chat["transports"], "webhook, websocket, conduit");
    }

    #[test]
    fn a_filter_narrows_and_a_filter_matching_nothing_says_so() {
        let matches = command().try_get_matches_from(["types", "channel.follow"]).expect("parsed");
        let Ok(Outcome::Report(report, _)) = run(&matches) else { panic!("a report") };
        assert!(report["data"].as_array().expect("rows").iter().all(|r| r["type"] == "channel.follow"));
        let matches = command().try_get_matches_from(["types", "no.such"]).expect("parsed");
        let Err(e) = run(&matches) else { panic!("nothing matched") };
        assert!(e.to_string().contains("no subscription type contains `no.such`"), "{e}");
    }
}
