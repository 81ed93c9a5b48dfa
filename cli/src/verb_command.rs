//! One endpoint verb's subcommand: its flags from the endpoint's parameters,
//! its help from the spec, and the paging flags.

use crate::verb::Verb;
use clap::builder::PossibleValuesParser;
use clap::{Arg, ArgAction, ArgGroup, Command};
use ttv_helix::meta::{AuthClass, Location, ParamMeta, Shape};

/// `--live-only` for `live_only`: the flag spelling people expect from the API name.
pub fn flag_name(param: &str) -> String {
    param.replace('_', "-")
}

/// The subcommand of one endpoint verb.
pub fn verb(verb: &'static Verb) -> Command {
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
    // Twitch answers 400 to several of these; clap names the two flags (exit 2).
    for (i, group) in meta.at_most_one_of.iter().enumerate() {
        cmd = cmd.group(ArgGroup::new(format!("at-most-one-of-{i}")).args(group.iter().copied()).multiple(false));
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
    // A closed set: clap refuses anything else (exit 2, naming the flag and
    // the values) and offers the values to completion and `--help`.
    if !p.values.is_empty() && matches!(inner, Shape::String | Shape::List(Shape::String)) {
        arg = arg.value_parser(PossibleValuesParser::new(p.values.iter().copied()));
    }
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
    match (p.min_length, p.max_length) {
        (Some(lo), Some(hi)) => notes.push(format!("{lo} to {hi} characters")),
        (None, Some(hi)) => notes.push(format!("up to {hi} characters")),
        (Some(lo), None) => notes.push(format!("at least {lo} characters")),
        (None, None) => {}
    }
    match p.only_with {
        Some(AuthClass::App) => notes.push("app token only".into()),
        Some(AuthClass::User) => notes.push("user token only".into()),
        _ => {}
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
