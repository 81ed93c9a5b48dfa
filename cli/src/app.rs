//! The command line: global flags, one subcommand per endpoint (from the meta
//! table), and the built-in verbs.

use crate::verb::Verb;
use clap::{Arg, ArgAction, Command};
use ttv_helix::meta::{Location, ParamMeta, Shape};

pub const ABOUT: &str = "The Twitch Helix API from the shell: one verb per endpoint, JSON on stdout";

pub fn command() -> Command {
    command_with(|_| true)
}

/// The command line for these arguments: only the verbs they name (building
/// all 144 verbs with their flags takes a few milliseconds, more than a whole
/// call against a local server), or every verb when they name none (`--help`,
/// a typo, which then gets suggestions).
pub fn command_for(args: &[std::ffi::OsString]) -> Command {
    let named: Vec<&'static Verb> = args
        .iter()
        .skip(1)
        .filter_map(|a| a.to_str())
        .filter(|a| !a.starts_with('-'))
        .filter_map(crate::verb_table::find)
        .collect();
    if named.is_empty() {
        // `ttv api ...`, `ttv validate`: built-in verbs that need no endpoint verb beside them.
        let builtin = args.iter().skip(1).filter_map(|a| a.to_str()).any(crate::builtins::stands_alone);
        return if builtin { command_with(|_| false) } else { command() };
    }
    command_with(|verb| named.iter().any(|n| std::ptr::eq(*n, verb)))
}

fn command_with(keep: impl Fn(&Verb) -> bool) -> Command {
    let mut cmd = Command::new("ttv")
        .version(env!("CARGO_PKG_VERSION"))
        .about(ABOUT)
        .long_about(format!(
            "{ABOUT}.\n\nCredentials come from flags, the environment (TWITCH_CLIENT_ID, TWITCH_CLIENT_SECRET, \
             TWITCH_USER_TOKEN) or the config file ({}). With --mock, every verb runs against a mock Twitch \
             started on 127.0.0.1, with no account and no network.",
            crate::credentials::default_config_path().map(|p| p.display().to_string()).unwrap_or_else(|| "none".into())
        ))
        .subcommand_required(true)
        .arg_required_else_help(true)
        .args(global_args());
    for v in crate::verbs::VERBS.iter().filter(|v| keep(v)) {
        cmd = cmd.subcommand(verb(v));
    }
    for builtin in crate::builtins::commands() {
        cmd = cmd.subcommand(builtin);
    }
    cmd
}

fn global_args() -> Vec<Arg> {
    let args =
        vec![
            Arg::new("mock")
                .long("mock")
                .global(true)
                .action(ArgAction::SetTrue)
                .help("Run against a mock Twitch started in-process on 127.0.0.1 (no account, no network)"),
            Arg::new("client-id")
                .long("client-id")
                .global(true)
                .value_name("ID")
                .help("Application client id [env: TWITCH_CLIENT_ID]"),
            Arg::new("config").long("config").global(true).value_name("FILE").help(
                "Config file (TOML: client_id, client_secret, user_token, helix_url, oauth2_url) [env: TTV_CONFIG]",
            ),
            Arg::new("helix-url")
                .long("helix-url")
                .global(true)
                .value_name("URL")
                .help("Helix base URL [env: TWITCH_HELIX_URL]"),
            Arg::new("oauth2-url")
                .long("oauth2-url")
                .global(true)
                .value_name("URL")
                .help("OAuth2 base URL [env: TWITCH_OAUTH2_URL]"),
            Arg::new("profile")
                .long("profile")
                .global(true)
                .value_name("NAME")
                .env("TTV_PROFILE")
                .help("The stored user login to use (`ttv auth login --profile NAME`) [default: default]"),
            Arg::new("token")
                .long("token")
                .global(true)
                .value_parser(["auto", "app", "user"])
                .default_value("auto")
                .help("Token for endpoints that take either kind: the user token when one is set (auto), or force one"),
            Arg::new("output")
                .long("output")
                .short('o')
                .global(true)
                .value_parser(["json", "ndjson", "table", "raw"])
                .default_value("json")
                .help("json: the answer's data; ndjson: one item per line; table: for people; raw: the whole answer"),
            Arg::new("no-scope-check")
                .long("no-scope-check")
                .global(true)
                .action(ArgAction::SetTrue)
                .help("Send even when the token seems to lack a scope (Twitch's scope tables drift)"),
            Arg::new("timeout")
                .long("timeout")
                .global(true)
                .value_name("SECONDS")
                .value_parser(clap::value_parser!(u64).range(1..=3600))
                .help("Give up on a request after this many seconds [default: 30]"),
            Arg::new("deadline")
                .long("deadline")
                .global(true)
                .value_name("SECONDS")
                .value_parser(clap::value_parser!(u64).range(1..=86_400))
                .help("Give up on a call after this many seconds, its rate-limit waits and retries included (exit 8) [default: 300]"),
            Arg::new("max-answer-mb")
                .long("max-answer-mb")
                .global(true)
                .value_name("MB")
                .value_parser(clap::value_parser!(u64).range(1..=65_536))
                .help("Refuse answers larger than this many MiB (exit 7) [default: 64]"),
            Arg::new("retries")
                .long("retries")
                .global(true)
                .value_name("N")
                .value_parser(clap::value_parser!(u32).range(0..=20))
                .help("Retries of a failed request: 5xx, timeouts and dropped connections when safe to repeat, 429s that name no reset; a 429 with a reset is waited out within --deadline [default: 3]"),
            Arg::new("verbose")
                .long("verbose")
                .short('v')
                .global(true)
                .action(ArgAction::Count)
                .help("Log each request on stderr (-vv for more); secrets are never logged"),
        ];
    args.into_iter().map(|a| a.help_heading("Global options")).collect()
}

/// `--live-only` for `live_only`: the flag spelling people expect from the API name.
pub fn flag_name(param: &str) -> String {
    param.replace('_', "-")
}

fn verb(verb: &'static Verb) -> Command {
    let meta = verb.endpoint;
    let mut about = meta.summary.to_owned();
    if meta.deprecated {
        about.push_str(" [deprecated]");
    }
    let long_about = format!(
        "{}\n\n{} {}\nToken: {}\nScopes: {}\nReference: {}",
        meta.summary,
        meta.http_method.as_str(),
        meta.path,
        meta.auth.describe(),
        meta.scope_summary(),
        meta.doc_url
    );
    let mut cmd = Command::new(verb.verb)
        .about(about)
        .long_about(long_about)
        .visible_aliases(verb.aliases.iter().copied().filter(|a| !a.chars().any(|c| c.is_ascii_uppercase())))
        .aliases(verb.aliases.iter().copied().filter(|a| a.chars().any(|c| c.is_ascii_uppercase())))
        .alias(meta.method_name);
    let has_body = meta.params.iter().any(|p| p.location == Location::Body);
    for p in meta.params {
        cmd = cmd.arg(param_arg(p, has_body, ttv_helix::batch::splittable(meta)));
    }
    if has_body {
        cmd = cmd.arg(
            Arg::new("body")
                .long("body")
                .value_name("@FILE|-|JSON")
                .help("The JSON body: @file.json, - for stdin, or inline JSON; field flags override it"),
        );
    }
    if meta.is_paginated() {
        cmd = cmd.args(paging_args());
    }
    cmd
}

/// `--all` and `--max-items` (paging.rs), on paginated verbs and `ttv api`.
pub fn paging_args() -> [Arg; 2] {
    [
        Arg::new("all").long("all").action(ArgAction::SetTrue).help(
            "Follow cursors to the last page; items are written as they arrive (see -o ndjson), progress on \
             stderr when it is a terminal",
        ),
        Arg::new("max-items")
            .long("max-items")
            .value_name("N")
            .value_parser(clap::value_parser!(u64).range(1..))
            .help("Follow cursors until N items were written"),
    ]
}

fn param_arg(p: &'static ParamMeta, has_body: bool, splittable: bool) -> Arg {
    let flag = flag_name(p.name);
    let mut arg = Arg::new(p.name).long(flag.clone()).help(param_help(p, splittable));
    if flag != p.name {
        arg = arg.alias(p.name);
    }
    let inner = p.shape.inner();
    arg = match inner {
        // JSON items hold commas: one item (or a JSON array of items) per flag.
        Shape::List(Shape::Object(_) | Shape::Json) => arg.action(ArgAction::Append).value_name("JSON"),
        Shape::List(_) => arg.action(ArgAction::Append).value_delimiter(',').value_name("VALUE,..."),
        Shape::Boolean => arg
            .num_args(0..=1)
            .require_equals(true)
            .default_missing_value("true")
            .value_parser(clap::builder::BoolishValueParser::new())
            .value_name("BOOL"),
        Shape::Integer => {
            let (lo, hi) = p.range.unwrap_or((i64::MIN, i64::MAX));
            arg.value_parser(clap::value_parser!(i64).range(lo..=hi)).value_name("N")
        }
        Shape::Number => arg.value_parser(clap::value_parser!(f64)).value_name("NUMBER"),
        Shape::Object(t) => arg.value_name(t.name),
        Shape::Json => arg.value_name("JSON"),
        _ => arg.value_name(value_name(p.name)),
    };
    // A parameter that must name the token's user defaults to it (args.rs).
    if p.required && !p.token_user {
        arg = if p.location == Location::Body && has_body {
            arg.required_unless_present("body")
        } else {
            arg.required(true)
        };
    }
    if p.deprecated {
        arg = arg.hide(true);
    }
    arg
}

fn value_name(param: &str) -> String {
    param.to_uppercase()
}

fn param_help(p: &ParamMeta, splittable: bool) -> String {
    let mut help = if p.summary.is_empty() { p.name.replace('_', " ") } else { p.summary.to_owned() };
    let mut notes = Vec::new();
    if let (Some(max), true) = (p.max, splittable && p.shape.is_list()) {
        notes.push(format!("any number, sent {max} a request; comma-separated, repeated or @FILE"));
    } else if let Some(max) = p.max {
        notes.push(format!("up to {max}, comma-separated or repeated"));
    } else if p.shape.is_list() {
        notes.push("comma-separated or repeated".into());
    }
    if let Shape::Object(_) | Shape::List(Shape::Object(_)) = p.shape.inner() {
        notes.push(format!("JSON {}", p.shape.inner().describe()));
    }
    if p.location == Location::Body {
        notes.push("body".into());
    }
    if p.token_user && !p.summary.contains("token's user") {
        notes.push("must be the token's user".into());
    }
    if p.token_user && p.required {
        notes.push("default: the token's user".into());
    }
    if !notes.is_empty() {
        help.push_str(&format!(" [{}]", notes.join("; ")));
    }
    help
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_is_consistent() {
        command().debug_assert();
    }

    #[test]
    fn a_command_line_naming_a_verb_builds_only_that_verb() {
        let args = |a: &[&str]| a.iter().map(std::ffi::OsString::from).collect::<Vec<_>>();
        let cmd = command_for(&args(&["ttv", "-o", "ndjson", "getUsers", "--login", "ninja"]));
        assert!(cmd.find_subcommand("get-users").is_some());
        assert!(cmd.find_subcommand("get-streams").is_none());
        assert!(cmd.find_subcommand("validate").is_some(), "built-in verbs are always there");
        let m = cmd.try_get_matches_from(args(&["ttv", "-o", "ndjson", "getUsers", "--login", "ninja"])).unwrap();
        assert_eq!(m.subcommand_name(), Some("get-users"));
        let all = command_for(&args(&["ttv", "--help"]));
        assert!(all.find_subcommand("get-streams").is_some());
        // Built-in verbs that stand alone build no endpoint verb at all.
        let api = command_for(&args(&["ttv", "api", "GET", "/users"]));
        assert!(api.find_subcommand("api").is_some());
        assert!(api.find_subcommand("get-users").is_none());
    }

    #[test]
    fn every_endpoint_has_a_verb() {
        let cmd = command();
        for meta in ttv_helix::ENDPOINTS {
            let verb = crate::verbs::VERBS.iter().find(|v| std::ptr::eq(v.endpoint, *meta));
            let verb = verb.unwrap_or_else(|| panic!("no verb for {}", meta.name));
            assert!(cmd.find_subcommand(verb.verb).is_some(), "no verb for {}", meta.name);
        }
    }
}
