//! Where credentials and URLs come from: flags, then the environment, then the
//! config file. Secrets are wrapped in `Secret` as soon as they are read.

use crate::error::CliError;
use clap::ArgMatches;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use ttv_helix::{Config, ExtensionJwt, Secret};

/// The config file's keys; all optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub client_id: Option<String>,
    pub client_secret: Option<Secret>,
    pub user_token: Option<Secret>,
    pub helix_url: Option<String>,
    pub oauth2_url: Option<String>,
}

/// `~/.config/ttv/config.toml` on Linux.
pub fn default_config_path() -> Option<PathBuf> {
    ttv_helix::__private::project_dirs().map(|d| d.config_dir().join("config.toml"))
}

/// Everything a run needs to reach Twitch.
pub struct Credentials {
    pub config: Config,
    pub user_token: Option<Secret>,
    /// How extension endpoints get their JWT, when configured.
    pub extension: Option<ExtensionJwt>,
}

/// The config file's values, the environment's over them (`Config::with_env`
/// knows those names), and the flags over both.
pub fn resolve(matches: &ArgMatches) -> Result<Credentials, CliError> {
    let file = load_file(matches)?;
    let mut config = Config::new(file.client_id.unwrap_or_default());
    config.client_secret = file.client_secret;
    if let Some(url) = file.helix_url {
        config.helix_url = url;
    }
    if let Some(url) = file.oauth2_url {
        config.oauth2_url = url;
    }
    let mut config = config.with_env();
    let flag = |name: &str| matches.get_one::<String>(name).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
    if let Some(id) = flag("client-id") {
        config.client_id = id;
    }
    if let Some(url) = flag("helix-url") {
        config.helix_url = url;
    }
    if let Some(url) = flag("oauth2-url") {
        config.oauth2_url = url;
    }
    if config.client_id.is_empty() {
        return Err(CliError::Config(
            "no client id: set TWITCH_CLIENT_ID (and TWITCH_CLIENT_SECRET for app tokens) to your application's \
             credentials from https://dev.twitch.tv/console/apps, put them in the config file, or try `ttv --mock ...`"
                .into(),
        ));
    }
    let user_token = env_var("TWITCH_USER_TOKEN").map(Secret::new).or(file.user_token);
    Ok(Credentials { config: config.normalized(), user_token, extension: extension_jwt()? })
}

/// `TWITCH_EXTENSION_JWT` as is, or one signed from `TWITCH_EXTENSION_SECRET`
/// and `TWITCH_EXTENSION_OWNER_ID` (plus `TWITCH_EXTENSION_CHANNEL_ID` when set).
fn extension_jwt() -> Result<Option<ExtensionJwt>, CliError> {
    if let Some(jwt) = env_var("TWITCH_EXTENSION_JWT") {
        return Ok(Some(ExtensionJwt::Ready(Secret::new(jwt))));
    }
    let Some(secret) = env_var("TWITCH_EXTENSION_SECRET") else { return Ok(None) };
    let owner = env_var("TWITCH_EXTENSION_OWNER_ID").ok_or_else(|| {
        CliError::Config("TWITCH_EXTENSION_SECRET is set: also set TWITCH_EXTENSION_OWNER_ID (your user id)".into())
    })?;
    let mut jwt = ExtensionJwt::signed(&secret, owner)?;
    if let Some(channel) = env_var("TWITCH_EXTENSION_CHANNEL_ID") {
        jwt = jwt.for_channel(channel);
    }
    Ok(Some(jwt))
}

fn env_var(name: &str) -> Option<String> {
    std::env::var(name).ok().map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

/// The config file `--config` or `TTV_CONFIG` names, else the default one.
pub fn config_path(matches: &ArgMatches) -> Option<PathBuf> {
    explicit_config(matches).map(PathBuf::from).or_else(default_config_path)
}

fn explicit_config(matches: &ArgMatches) -> Option<String> {
    matches.get_one::<String>("config").cloned().or_else(|| env_var("TTV_CONFIG"))
}

fn load_file(matches: &ArgMatches) -> Result<FileConfig, CliError> {
    let explicit = explicit_config(matches);
    let path = match (&explicit, default_config_path()) {
        (Some(p), _) => PathBuf::from(p),
        (None, Some(p)) if p.exists() => p,
        _ => return Ok(FileConfig::default()),
    };
    let text = crate::args::read_file_capped(&path)
        .map_err(|e| CliError::Config(format!("cannot read the config file {}: {e}", path.display())))?;
    warn_if_readable_by_others(&path);
    toml::from_str(&text).map_err(|e| CliError::Config(describe_toml_error(&path, &text, &e)))
}

/// The file may hold a secret: say so when others can read it.
fn warn_if_readable_by_others(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(meta) = std::fs::metadata(path) {
            if meta.permissions().mode() & 0o077 != 0 {
                eprintln!(
                    "ttv: warning: {} is readable by other users; run `chmod 600 {}`",
                    path.display(),
                    path.display()
                );
            }
        }
    }
}

/// The config file's keys, as error messages list them.
const KEYS: [&str; 5] = ["client_id", "client_secret", "user_token", "helix_url", "oauth2_url"];

/// A config file error that names the file, line, column and key but never a
/// value: TOML's own message quotes the line, which may hold the secret.
fn describe_toml_error(path: &Path, text: &str, e: &toml::de::Error) -> String {
    let file = path.display();
    let what = redacted(e.message());
    let keys = KEYS.join(", ");
    let Some(span) = e.span() else {
        return format!("the config file {file} is not valid: {what} (its keys are {keys})");
    };
    let mut start = span.start.min(text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let before = &text[..start];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    let key = match key_of(text[line_start..].lines().next().unwrap_or("")) {
        Some(key) => format!("at the key `{key}`"),
        None => format!("on a line that sets no key (the keys are {keys})"),
    };
    format!("the config file {file} is not valid at line {line}, column {column}, {key}: {what}")
}

/// The key a config line sets: what is left of its first `=`, when that is a
/// plain key name. Only ever text left of `=`, so never the value.
fn key_of(line: &str) -> Option<&str> {
    let (left, _) = line.split_once('=')?;
    let key = left.trim().trim_matches(|c| c == '"' || c == '\'');
    let plain = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.');
    (!key.is_empty() && key.len() <= 40 && key.chars().all(plain)).then_some(key)
}

/// A TOML or serde message with what it quotes from the file left out
/// (`invalid type: string "…"`), except known key names and punctuation
/// (`expected `=``), which say what to fix without showing a value.
fn redacted(message: &str) -> String {
    let mut out = String::new();
    let mut rest = message;
    while let Some(open) = rest.find(['`', '"']) {
        out.push_str(&rest[..open]);
        let quote = &rest[open..open + 1];
        let after = &rest[open + 1..];
        let Some(close) = after.find(quote) else {
            out.push('…');
            rest = "";
            break;
        };
        let quoted = &after[..close];
        let harmless =
            KEYS.contains(&quoted) || (quoted.len() <= 3 && quoted.chars().all(|c| c.is_ascii_punctuation()));
        if harmless {
            out.push_str(&format!("{quote}{quoted}{quote}"));
        } else {
            out.push('…');
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error_for(text: &str) -> String {
        let e = toml::from_str::<FileConfig>(text).expect_err("the text is not a valid config");
        describe_toml_error(Path::new("/cfg/config.toml"), text, &e)
    }

    #[test]
    fn config_errors_name_the_place_but_never_a_value() {
        let unterminated = error_for("client_id = \"abc\"\nclient_secret = \"topsecretvalue\n");
        assert!(unterminated.contains("/cfg/config.toml"), "{unterminated}");
        assert!(unterminated.contains("line 2, column"), "{unterminated}");
        assert!(unterminated.contains("`client_secret`"), "{unterminated}");
        assert!(!unterminated.contains("topsecret"), "{unterminated}");
        let wrong_type = error_for("client_secret = 12345678\n");
        assert!(wrong_type.contains("line 1") && !wrong_type.contains("12345678"), "{wrong_type}");
        let unknown = error_for("client_id = \"abc\"\nclient_idd = \"hunter2value\"\n");
        assert!(unknown.contains("line 2") && unknown.contains("at the key `client_idd`"), "{unknown}");
        assert!(!unknown.contains("hunter2value"), "{unknown}");
        let no_equals = error_for("client_secret \"othersecret\"\n");
        assert!(no_equals.contains("sets no key") && !no_equals.contains("othersecret"), "{no_equals}");
        let no_key = error_for("client_id = \"abc\"\n\"othersecret\"\n");
        assert!(no_key.contains("line 2") && !no_key.contains("othersecret"), "{no_key}");
    }

    #[test]
    fn redaction_keeps_keys_and_punctuation() {
        assert_eq!(redacted("invalid type: string \"s3cret\", expected u32"), "invalid type: string …, expected u32");
        assert_eq!(redacted("expected `=`"), "expected `=`");
        assert_eq!(redacted("unknown field `x1`, expected `client_id`"), "unknown field …, expected `client_id`");
        assert_eq!(redacted("unterminated `abc"), "unterminated …");
    }
}
