//! One endpoint verb's subcommand: its flags from the endpoint's parameters,
//! its help from the spec, and the paging flags.

use crate::verb::Verb;
use clap::builder::{PossibleValuesParser, TypedValueParser};
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
    if verb.beta {
        about.push_str(" [beta]");
    }
    let mut long_about = format!(
        "{}\n\n{} {}\nToken: {}\nScopes: {}\nReference: {}",
        meta.summary,
        meta.http_method.as_str(),
        meta.path,
        meta.auth.describe(),
        meta.scope_summary(),
        meta.doc_url
    );
    if !verb.help.is_empty() {
        long_about.push_str("\n\n");
        long_about.push_str(verb.help);
    }
    let mut cmd = Command::new(verb.verb)
        .about(about)
        .long_about(long_about)
        .visible_aliases(verb.aliases.iter().copied().filter(|a| !a.chars().any(|c| c.is_ascii_uppercase())))
        .aliases(verb.aliases.iter().copied().filter(|a| a.chars().any(|c| c.is_ascii_uppercase())))
        .alias(meta.method_name);
    let has_body = meta.params.iter().any(|p| p.location == Location::Body);
    for p in meta.params {
        cmd = cmd.arg(param_arg(p, has_body, ttv_helix::__private::splittable(meta)));
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
    if !p.values.is_empty() && matches!(inner, Shape::Integer) {
        // The spec's check makes every listed value a whole number.
        let parser = PossibleValuesParser::new(p.values.iter().copied()).map(|v| v.parse::<i64>().unwrap_or_default());
        arg = arg.value_parser(parser);
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The generated table's verb (its help is what the spec says).
    fn verb_named(name: &str) -> &'static Verb {
        crate::verb_table::find(name).unwrap_or_else(|| panic!("the spec has {name}"))
    }

    fn parse(verb: &'static Verb, flags: &[&str]) -> Result<clap::ArgMatches, clap::Error> {
        super::verb(verb).try_get_matches_from(std::iter::once(verb.verb).chain(flags.iter().copied()))
    }

    fn help_of(verb: &'static Verb, param: &str) -> String {
        let cmd = super::verb(verb);
        let arg = cmd.get_arguments().find(|a| a.get_id() == param).unwrap_or_else(|| panic!("no --{param}"));
        arg.get_help().map(ToString::to_string).unwrap_or_default()
    }

    #[test]
    fn api_names_become_flags_and_stay_accepted() {
        assert_eq!(flag_name("is_branded_content"), "is-branded-content");
        let m = parse(verb_named("start-commercial"), &["--broadcaster_id", "1", "--length", "30"])
            .expect("the API name works");
        assert_eq!(m.get_one::<String>("broadcaster_id").map(String::as_str), Some("1"));
    }

    #[test]
    fn aliases_with_capitals_are_hidden_and_the_method_name_works() {
        let cmd = super::verb(verb_named("get-users"));
        let visible: Vec<&str> = cmd.get_visible_aliases().collect();
        assert!(!visible.contains(&"getUsers"), "{visible:?}");
        let all: Vec<&str> = cmd.get_all_aliases().collect();
        assert!(all.contains(&"getUsers") && all.contains(&"get_users"), "{all:?}");
        static EDIT_CHANNEL: Verb = Verb {
            verb: "modify-channel-information",
            aliases: &["edit-channel"],
            endpoint: &ttv_helix::endpoints::MODIFY_CHANNEL_INFORMATION,
            beta: false,
            help: "",
        };
        let cmd = super::verb(&EDIT_CHANNEL);
        assert!(cmd.get_visible_aliases().any(|a| a == "edit-channel"));
    }

    #[test]
    fn required_ranged_and_token_user_parameters_are_checked_by_the_parser() {
        let e = parse(verb_named("start-commercial"), &["--broadcaster-id", "1"]).expect_err("--length is required");
        assert_eq!(e.kind(), clap::error::ErrorKind::MissingRequiredArgument);
        let e = parse(verb_named("start-commercial"), &["--length", "181"]).expect_err("past the range");
        assert_eq!(e.kind(), clap::error::ErrorKind::ValueValidation);
        parse(verb_named("start-commercial"), &["--length", "180"])
            .expect("--broadcaster-id defaults to the token's user");
        let e = parse(verb_named("start-commercial"), &["--length", "thirty"]).expect_err("not a number");
        assert_eq!(e.kind(), clap::error::ErrorKind::ValueValidation);
    }

    #[test]
    fn lists_split_on_commas_and_booleans_need_an_equals_sign() {
        let m = parse(verb_named("get-users"), &["--login", "a,b", "--login", "c"]).expect("parsed");
        let logins: Vec<&String> = m.get_many::<String>("login").expect("logins").collect();
        assert_eq!(logins, ["a", "b", "c"]);
        let m = parse(verb_named("modify-channel-information"), &["--broadcaster-id", "1", "--is-branded-content=no"])
            .expect("parsed");
        assert_eq!(m.get_one::<bool>("is_branded_content"), Some(&false));
        let m = parse(verb_named("modify-channel-information"), &["--broadcaster-id", "1", "--is-branded-content"])
            .expect("parsed");
        assert_eq!(m.get_one::<bool>("is_branded_content"), Some(&true));
        assert!(parse(
            verb_named("modify-channel-information"),
            &["--broadcaster-id", "1", "--is-branded-content=maybe"]
        )
        .is_err());
    }

    #[test]
    fn only_verbs_with_pages_or_a_body_get_those_flags() {
        let has = |verb: &'static Verb, id: &str| super::verb(verb).get_arguments().any(|a| a.get_id() == id);
        assert!(has(verb_named("get-streams"), "all") && has(verb_named("get-streams"), "max-items"));
        assert!(!has(verb_named("get-users"), "all") && !has(verb_named("get-users"), "body"));
        assert!(has(verb_named("modify-channel-information"), "body"));
        assert!(parse(verb_named("get-streams"), &["--max-items", "0"]).is_err(), "at least one item");
    }

    #[test]
    fn help_says_how_many_values_where_they_go_and_whose_they_must_be() {
        let login = help_of(verb_named("get-users"), "login");
        assert!(login.contains("any number, sent 100 a request"), "get-users is split into batches: {login}");
        let languages = help_of(verb_named("get-streams"), "language");
        assert!(languages.contains("up to 100, comma-separated or repeated"), "{languages}");
        let title = help_of(verb_named("modify-channel-information"), "title");
        assert!(title.ends_with("[body]"), "{title}");
        let broadcaster = help_of(verb_named("start-commercial"), "broadcaster_id");
        assert!(broadcaster.contains("default: the token's user"), "{broadcaster}");
        let long =
            super::verb(verb_named("start-commercial")).get_long_about().map(ToString::to_string).unwrap_or_default();
        assert!(long.contains("POST /channels/commercial") && long.contains("channel:edit:commercial"), "{long}");
    }

    fn long_help(verb: &str) -> String {
        super::verb(verb_named(verb)).get_long_about().map(ToString::to_string).unwrap_or_default()
    }

    #[test]
    fn long_help_adds_the_status_groups_and_answer_fields_and_short_help_says_beta() {
        let clips = long_help("get-clips");
        assert!(clips.contains("Give exactly one of --broadcaster-id, --game-id, --id."), "{clips}");
        assert!(clips.contains("Answer: a list of Clip, in pages"), "{clips}");
        let guest_star = super::verb(verb_named("get-guest-star-session"));
        let about = guest_star.get_about().map(ToString::to_string).unwrap_or_default();
        assert!(about.ends_with("[beta]"), "{about}");
        let long = long_help("get-guest-star-session");
        assert!(long.contains("Beta at Twitch"), "{long}");
        let tags = long_help("get-stream-tags");
        assert!(tags.contains("Removed by Twitch in 2023-07: every request is answered 410 Gone."), "{tags}");
        assert!(!tags.contains("Answer:"), "a removed endpoint answers nothing but its error: {tags}");
        assert!(!long_help("get-users").contains("[beta]"));
    }
}
