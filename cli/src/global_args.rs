//! The global options (`--mock`, `--client-id`, `-o`, `-v`, ...), every verb's.
//! A leaf: app.rs puts them on the command line, and the verbs that make
//! flags of their own (`ttv events`' condition fields) keep clear of their names.

use clap::{Arg, ArgAction};

/// Whether `--name` is a global option (other flags must not take the name).
pub fn is_global_flag(name: &str) -> bool {
    global_args().iter().any(|a| a.get_long() == Some(name))
}

pub fn global_args() -> Vec<Arg> {
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
