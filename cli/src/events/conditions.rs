//! Condition fields as flags: every field any subscription type's condition
//! has becomes one flag (`broadcaster_user_id` → `--broadcaster-user-id`), so
//! `ttv events listen` and `trigger` take them for any type. A user-id field
//! takes a login as well: a value of digits only is an id (Twitch's user ids
//! are numbers), anything else a login, looked up through Get Users. The field
//! that must be the token's user defaults to it.

use crate::error::CliError;
use clap::{Arg, ArgMatches};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use ttv_helix::eventsub::SUBSCRIPTION_TYPES;
use ttv_helix::meta::{HttpMethod, SubscriptionMeta};
use ttv_helix::{Client, RawRequest, TokenKind};

/// Every condition field name in the catalog, each once, sorted.
fn field_names() -> BTreeSet<&'static str> {
    SUBSCRIPTION_TYPES.iter().flat_map(|s| s.condition.iter().map(|c| c.name)).collect()
}

/// The flag of a field: its name in kebab case, or `condition-` and that when
/// a global option has the name (`client_id` → `--condition-client-id`, as
/// `--client-id` is the application's).
fn flag(field: &str) -> String {
    let flag = field.replace('_', "-");
    if crate::global_args::is_global_flag(&flag) {
        format!("condition-{flag}")
    } else {
        flag
    }
}

/// Whether a field holds a user id, so a login is accepted for it.
fn is_user_field(field: &str) -> bool {
    field == "user_id" || field.ends_with("_user_id")
}

/// One flag per condition field of any type.
pub fn args() -> Vec<Arg> {
    field_names()
        .into_iter()
        .map(|field| {
            // The spec's words for the field (its first use; they agree across types).
            let summary = SUBSCRIPTION_TYPES
                .iter()
                .flat_map(|s| s.condition.iter())
                .find(|c| c.name == field)
                .map(|c| c.summary.trim_end_matches('.'))
                .unwrap_or_default();
            let help = if is_user_field(field) {
                format!("{summary} (`{field}`: a user id or a login)")
            } else {
                format!("{summary} (`{field}`)")
            };
            Arg::new(field).long(flag(field)).value_name("VALUE").help(help).help_heading("Condition fields")
        })
        .collect()
}

/// Finds `TYPE` or `TYPE:VERSION` in the catalog (the newest version when none is given).
pub fn subscription_type(spec: &str) -> Result<&'static SubscriptionMeta, CliError> {
    let (name, version) = match spec.split_once(':') {
        Some((name, version)) => (name, Some(version)),
        None => (spec, None),
    };
    ttv_helix::meta::eventsub::find(SUBSCRIPTION_TYPES, name, version).ok_or_else(|| {
        let versions: Vec<&str> =
            SUBSCRIPTION_TYPES.iter().filter(|s| s.type_name == name).map(|s| s.version).collect();
        if versions.is_empty() {
            CliError::Usage(format!("`{name}` is not an EventSub subscription type; `ttv events types` lists them"))
        } else {
            CliError::Usage(format!("{name} has no version {}; it has {}", version.unwrap_or("?"), versions.join(", ")))
        }
    })
}

/// The condition fields given on the command line, by field name (logins not yet resolved).
pub fn given(matches: &ArgMatches) -> BTreeMap<&'static str, String> {
    field_names().into_iter().filter_map(|f| matches.get_one::<String>(f).map(|v| (f, v.clone()))).collect()
}

/// Every given flag must be a condition field of at least one of the types.
pub fn check_known(
    types: &[&'static SubscriptionMeta],
    given: &BTreeMap<&'static str, String>,
) -> Result<(), CliError> {
    for field in given.keys() {
        if !types.iter().any(|s| s.condition.iter().any(|c| c.name == *field)) {
            let names: Vec<String> = types.iter().map(|s| format!("{} v{}", s.type_name, s.version)).collect();
            return Err(CliError::Usage(format!(
                "--{} is not a condition field of {}",
                flag(field),
                names.join(" or ")
            )));
        }
    }
    Ok(())
}

/// [`check_known`], and each type gets its required fields and one of each
/// one-of group (the token's user filling its field when not given, for `listen`).
pub fn check(
    types: &[&'static SubscriptionMeta],
    given: &BTreeMap<&'static str, String>,
    token_user_default: bool,
) -> Result<(), CliError> {
    check_known(types, given)?;
    for s in types {
        let missing: Vec<String> = s
            .condition
            .iter()
            .filter(|c| c.required && !given.contains_key(c.name) && !(token_user_default && c.token_user))
            .map(|c| format!("--{}", flag(c.name)))
            .collect();
        if !missing.is_empty() {
            return Err(CliError::Usage(format!(
                "{} v{} needs {} (see `ttv events types {}`)",
                s.type_name,
                s.version,
                missing.join(", "),
                s.type_name
            )));
        }
        for group in s.one_of {
            let set = group.iter().filter(|f| given.contains_key(**f)).count();
            if set != 1 {
                let flags: Vec<String> = group.iter().map(|f| format!("--{}", flag(f))).collect();
                return Err(CliError::Usage(format!(
                    "{} v{} needs exactly one of {}",
                    s.type_name,
                    s.version,
                    flags.join(", ")
                )));
            }
        }
    }
    Ok(())
}

/// The given values with logins turned into user ids (one Get Users request for all).
pub async fn resolve_logins<T: TokenKind>(
    client: &Client<T>,
    given: &BTreeMap<&'static str, String>,
) -> Result<BTreeMap<&'static str, String>, CliError> {
    let logins: BTreeSet<String> = given
        .iter()
        .filter(|(field, value)| is_user_field(field) && !is_id(value))
        .map(|(_, login)| login.to_lowercase())
        .collect();
    if logins.is_empty() {
        return Ok(given.clone());
    }
    let mut request = RawRequest::new(HttpMethod::Get, "/users");
    for login in &logins {
        request = request.query("login", login.clone());
    }
    let answer = client.send_raw(&request).await?;
    let ids: BTreeMap<String, String> = answer["data"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|u| Some((u["login"].as_str()?.to_owned(), u["id"].as_str()?.to_owned())))
        .collect();
    let mut resolved = given.clone();
    for (field, value) in resolved.iter_mut() {
        if is_user_field(field) && !is_id(value) {
            let login = value.to_lowercase();
            *value = ids
                .get(&login)
                .cloned()
                .ok_or_else(|| CliError::Usage(format!("--{}: no Twitch user has the login `{login}`", flag(field))))?;
        }
    }
    Ok(resolved)
}

fn is_id(value: &str) -> bool {
    !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit())
}

/// The condition object for one type: the given fields it has, and the token's
/// user in its token-user field when that was not given.
pub fn condition(s: &SubscriptionMeta, values: &BTreeMap<&'static str, String>, token_user: Option<&str>) -> Value {
    let mut condition = Map::new();
    for c in s.condition {
        if let Some(v) = values.get(c.name) {
            condition.insert(c.name.into(), Value::String(v.clone()));
        } else if let (true, Some(user)) = (c.token_user, token_user) {
            condition.insert(c.name.into(), Value::String(user.to_owned()));
        }
    }
    Value::Object(condition)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chat() -> &'static SubscriptionMeta {
        subscription_type("channel.chat.message").expect("in the spec")
    }

    #[test]
    fn every_condition_field_is_a_flag_and_user_fields_take_logins() {
        let args = args();
        let broadcaster = args.iter().find(|a| a.get_id() == "broadcaster_user_id").expect("a flag");
        assert_eq!(broadcaster.get_long(), Some("broadcaster-user-id"));
        let help = broadcaster.get_help().expect("help").to_string();
        assert!(help.starts_with("The channel (its broadcaster's user id)"), "the spec's words: {help}");
        assert!(help.contains("or a login"), "{help}");
        assert!(args.iter().any(|a| a.get_id() == "reward_id"));
        let client = args.iter().find(|a| a.get_id() == "client_id").expect("a flag");
        assert_eq!(client.get_long(), Some("condition-client-id"), "--client-id is the global option");
    }

    #[test]
    fn types_are_found_by_name_and_version_and_unknown_ones_say_where_to_look() {
        assert_eq!(subscription_type("channel.moderate:1").expect("v1").version, "1");
        assert_eq!(subscription_type("channel.moderate").expect("newest").version, "2");
        let e = subscription_type("channel.nope").unwrap_err();
        assert!(e.to_string().contains("ttv events types"), "{e}");
        let e = subscription_type("channel.moderate:9").unwrap_err();
        assert!(e.to_string().contains("has no version 9; it has 1, 2"), "{e}");
    }

    #[test]
    fn flags_must_belong_to_a_type_and_required_fields_must_be_there() {
        let mut given = BTreeMap::new();
        let e = check(&[chat()], &given, true).unwrap_err();
        assert!(e.to_string().contains("needs --broadcaster-user-id"), "{e}");
        given.insert("broadcaster_user_id", "ninja".to_string());
        check(&[chat()], &given, true).expect("user_id defaults to the token's user");
        let e = check(&[chat()], &given, false).unwrap_err();
        assert!(e.to_string().contains("needs --user-id"), "{e}");
        given.insert("reward_id", "r".to_string());
        let e = check(&[chat()], &given, true).unwrap_err();
        assert!(e.to_string().contains("--reward-id is not a condition field of channel.chat.message v1"), "{e}");
    }

    #[test]
    fn a_raid_takes_exactly_one_side() {
        let raid = subscription_type("channel.raid").expect("raid");
        let mut given = BTreeMap::new();
        assert!(check(&[raid], &given, true).unwrap_err().to_string().contains("exactly one of"));
        given.insert("to_broadcaster_user_id", "1".to_string());
        check(&[raid], &given, true).expect("one side");
        given.insert("from_broadcaster_user_id", "2".to_string());
        assert!(check(&[raid], &given, true).is_err(), "both sides");
    }

    #[test]
    fn the_condition_holds_the_given_fields_and_the_token_user() {
        let mut values = BTreeMap::new();
        values.insert("broadcaster_user_id", "10001".to_string());
        let c = condition(chat(), &values, Some("42"));
        assert_eq!(c, serde_json::json!({"broadcaster_user_id": "10001", "user_id": "42"}));
    }
}
