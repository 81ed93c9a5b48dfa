//! `ttv config path` and `ttv config init`: where the config file is, and
//! writing one (mode 0600 in a private folder) without a secret ever being a
//! command-line argument: `--client-secret-stdin` reads it from standard input.
//! Runs before credentials are looked for, since there may be none yet.

use crate::error::CliError;
use clap::{Arg, ArgAction, ArgMatches, Command};

pub fn command() -> Command {
    Command::new("config")
        .about("Show where the config file is, or write one (client id, and a client secret read from stdin)")
        .subcommand_required(true)
        .subcommand(Command::new("path").about("Print the config file ttv reads (--config, TTV_CONFIG, or the default)"))
        .subcommand(
            Command::new("init")
                .about("Write the config file: --client-id ID, and the client secret from stdin with --client-secret-stdin")
                .long_about(
                    "Write the config file with the application's client id (the global --client-id flag) and, \
                     with --client-secret-stdin, its client secret read from standard input (never a command-line \
                     argument, which other users can see), e.g.\n\n  \
                     pass show twitch/secret | ttv config init --client-id abc123 --client-secret-stdin\n\n\
                     The file is written with mode 0600 in a private folder. An existing file is kept unless \
                     --force is given.",
                )
                .arg(
                    Arg::new("client-secret-stdin")
                        .long("client-secret-stdin")
                        .action(ArgAction::SetTrue)
                        .help("Read the client secret from standard input (its first line)"),
                )
                .arg(Arg::new("force").long("force").action(ArgAction::SetTrue).help("Replace an existing file")),
        )
}

/// Runs `ttv config ...`; returns what to print on stdout.
pub fn run(root: &ArgMatches, matches: &ArgMatches) -> Result<String, CliError> {
    let path = crate::credentials::config_path(root, &crate::credentials::Env::process())
        .ok_or_else(|| CliError::Config("no config folder on this system: pass --config FILE".into()))?;
    match matches.subcommand() {
        Some(("path", _)) => Ok(format!("{}\n", path.display())),
        Some(("init", sub)) => init(root, sub, &path),
        _ => Err(CliError::Usage("say what to do: ttv config path|init".into())),
    }
}

fn init(root: &ArgMatches, sub: &ArgMatches, path: &std::path::Path) -> Result<String, CliError> {
    let client_id =
        root.get_one::<String>("client-id").map(|id| id.trim().to_owned()).filter(|id| !id.is_empty()).ok_or_else(
            || CliError::Usage("give the application's client id: ttv config init --client-id ID".into()),
        )?;
    if path.exists() && !sub.get_flag("force") {
        return Err(CliError::Usage(format!(
            "{} already exists; add --force to replace it (or edit it: TOML keys client_id, client_secret, \
             user_token, helix_url, oauth2_url)",
            path.display()
        )));
    }
    let secret = if sub.get_flag("client-secret-stdin") { Some(read_secret()?) } else { None };
    let mut table = toml::Table::new();
    table.insert("client_id".into(), client_id.clone().into());
    if let Some(secret) = &secret {
        table.insert("client_secret".into(), secret.clone().into());
    }
    let text = toml::to_string(&table).map_err(|e| CliError::Config(format!("cannot write TOML: {e}")))?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        ttv_helix::__private::create_private_dir(dir)
            .map_err(|e| CliError::Config(format!("cannot create {}: {e}", dir.display())))?;
    }
    ttv_helix::__private::write_private(path, text.as_bytes())
        .map_err(|e| CliError::Config(format!("cannot write {}: {e}", path.display())))?;
    let report = serde_json::json!({
        "file": path.display().to_string(),
        "client_id": client_id,
        "client_secret_set": secret.is_some(),
    });
    Ok(format!("{}\n", crate::output::pretty(&report)))
}

/// The first non-empty line of standard input.
fn read_secret() -> Result<String, CliError> {
    let input = crate::args::read_capped(std::io::stdin().lock())
        .map_err(|e| CliError::Usage(format!("--client-secret-stdin: cannot read stdin: {e}")))?;
    input
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .map(str::to_owned)
        .ok_or_else(|| CliError::Usage("--client-secret-stdin: standard input held no secret".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::app::parsed;

    fn run_config(args: &[&str]) -> Result<String, CliError> {
        let root = parsed(args);
        let (_, sub) = root.subcommand().expect("a subcommand");
        run(&root, sub)
    }

    #[test]
    fn path_prints_the_file_given_with_config() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("ttv.toml");
        let out = run_config(&["--config", file.to_str().expect("utf-8"), "config", "path"]).expect("path");
        assert_eq!(out, format!("{}\n", file.display()));
    }

    #[test]
    fn init_writes_a_private_file_with_the_client_id_and_keeps_an_existing_one() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("conf").join("ttv.toml");
        let path = file.to_str().expect("utf-8");
        let out = run_config(&["--config", path, "--client-id", " abc123 ", "config", "init"]).expect("written");
        let report: serde_json::Value = serde_json::from_str(&out).expect("a JSON report");
        assert_eq!(report["client_id"], "abc123");
        assert_eq!(report["client_secret_set"], false);
        let table: toml::Table = toml::from_str(&std::fs::read_to_string(&file).expect("file")).expect("TOML");
        assert_eq!(table["client_id"].as_str(), Some("abc123"));
        assert!(!table.contains_key("client_secret"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&file).expect("meta").permissions().mode() & 0o777, 0o600);
        }
        let again = run_config(&["--config", path, "--client-id", "other", "config", "init"]).unwrap_err();
        assert!(matches!(again, CliError::Usage(_)) && again.to_string().contains("--force"), "{again}");
        assert!(std::fs::read_to_string(&file).expect("file").contains("abc123"), "the old file is kept");
        run_config(&["--config", path, "--client-id", "other", "config", "init", "--force"]).expect("replaced");
        assert!(std::fs::read_to_string(&file).expect("file").contains("other"));
    }

    #[test]
    fn init_without_a_client_id_says_how_to_give_one() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("ttv.toml");
        let err = run_config(&["--config", file.to_str().expect("utf-8"), "config", "init"]).unwrap_err();
        assert!(err.to_string().contains("--client-id ID"), "{err}");
        assert!(!file.exists(), "nothing is written");
    }
}
