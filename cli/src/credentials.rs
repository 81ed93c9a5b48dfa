//! Where credentials and URLs come from: flags, then the environment, then the
//! config file. Secrets are wrapped in `Secret` as soon as they are read.

use crate::run::CliError;
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
    ttv_helix::auth::folders::project_dirs().map(|d| d.config_dir().join("config.toml"))
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
    let text = std::fs::read_to_string(&path)
        .map_err(|e| CliError::Config(format!("cannot read the config file {}: {e}", path.display())))?;
    warn_if_readable_by_others(&path);
    toml::from_str(&text).map_err(|e| CliError::Config(format!("the config file {} is not valid: {e}", path.display())))
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
