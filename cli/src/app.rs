//! The command line: global flags, one subcommand per endpoint verb
//! (verb_command.rs), and the built-in verbs.

use crate::verb::Verb;
use clap::Command;

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
        .args(crate::global_args::global_args());
    for v in crate::verbs::VERBS.iter().filter(|v| keep(v)) {
        cmd = cmd.subcommand(crate::verb_command::verb(v));
    }
    for builtin in crate::builtins::commands() {
        cmd = cmd.subcommand(builtin);
    }
    cmd
}

/// `ttv <args>` parsed as main.rs parses it, for the tests of the modules below.
#[cfg(test)]
pub fn parsed(args: &[&str]) -> clap::ArgMatches {
    let args: Vec<std::ffi::OsString> = std::iter::once("ttv").chain(args.iter().copied()).map(Into::into).collect();
    command_for(&args).try_get_matches_from(args).expect("valid arguments")
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

    #[test]
    fn completion_scripts_name_every_verb() {
        for shell in [clap_complete::Shell::Bash, clap_complete::Shell::Zsh, clap_complete::Shell::Fish] {
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut command(), "ttv", &mut script);
            let script = String::from_utf8(script).expect("utf-8");
            for verb in ["get-users", "search-channels", "is-live", "api", "auth"] {
                assert!(script.contains(verb), "{shell}: no {verb}");
            }
            assert!(script.contains("live-only"), "{shell}: flags of verbs");
        }
    }
}
