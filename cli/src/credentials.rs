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

/// Looks up an environment variable: its value trimmed, `None` when unset or empty.
type VarLookup = Box<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// What resolving reads besides the flags: the environment's variables, the
/// default config file, the token store's folder, and the runtime's own
/// variables laid over a config. [`Env::process`] is this process's; tests
/// build their own, so no test reads or sets the real environment.
pub struct Env {
    /// A variable's value, trimmed; `None` when unset or empty.
    var: VarLookup,
    /// Where the config file is when neither `--config` nor `TTV_CONFIG` says.
    default_config: Option<PathBuf>,
    /// The folder user tokens are kept in (`TTV_STATE_DIR`, else the state folder).
    state_dir: Option<PathBuf>,
    /// The runtime's variables (`TWITCH_CLIENT_ID`, ...) laid over a config.
    lay_over: fn(Config, &Env) -> Config,
}

impl Env {
    /// This process's environment and folders.
    pub fn process() -> Env {
        Env {
            var: Box::new(|name| std::env::var(name).ok().map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())),
            default_config: default_config_path(),
            state_dir: ttv_helix::FileStore::from_env().map(|s| s.dir().to_path_buf()),
            lay_over: |config, _| config.with_env(),
        }
    }

    fn var(&self, name: &str) -> Option<String> {
        (self.var)(name)
    }

    /// The token store of this environment, when it has a folder for one.
    pub fn token_store(&self) -> Option<ttv_helix::FileStore> {
        self.state_dir.clone().map(ttv_helix::FileStore::new)
    }
}

/// The config file's values, the environment's over them (`Config::with_env`
/// knows those names), and the flags over both.
pub fn resolve(matches: &ArgMatches, env: &Env) -> Result<Credentials, CliError> {
    let file = load_file(matches, env)?;
    let mut config = Config::new(file.client_id.unwrap_or_default());
    config.client_secret = file.client_secret;
    if let Some(url) = file.helix_url {
        config.helix_url = url;
    }
    if let Some(url) = file.oauth2_url {
        config.oauth2_url = url;
    }
    let mut config = (env.lay_over)(config, env);
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
    let user_token = env.var("TWITCH_USER_TOKEN").map(Secret::new).or(file.user_token);
    Ok(Credentials { config: config.normalized(), user_token, extension: extension_jwt(env)? })
}

/// `TWITCH_EXTENSION_JWT` as is, or one signed from `TWITCH_EXTENSION_SECRET`
/// and `TWITCH_EXTENSION_OWNER_ID` (plus `TWITCH_EXTENSION_CHANNEL_ID` when set).
fn extension_jwt(env: &Env) -> Result<Option<ExtensionJwt>, CliError> {
    if let Some(jwt) = env.var("TWITCH_EXTENSION_JWT") {
        return Ok(Some(ExtensionJwt::Ready(Secret::new(jwt))));
    }
    let Some(secret) = env.var("TWITCH_EXTENSION_SECRET") else { return Ok(None) };
    let owner = env.var("TWITCH_EXTENSION_OWNER_ID").ok_or_else(|| {
        CliError::Config("TWITCH_EXTENSION_SECRET is set: also set TWITCH_EXTENSION_OWNER_ID (your user id)".into())
    })?;
    let mut jwt = ExtensionJwt::signed(&secret, owner)?;
    if let Some(channel) = env.var("TWITCH_EXTENSION_CHANNEL_ID") {
        jwt = jwt.for_channel(channel);
    }
    Ok(Some(jwt))
}

/// The config file `--config` or `TTV_CONFIG` names, else the default one.
pub fn config_path(matches: &ArgMatches, env: &Env) -> Option<PathBuf> {
    explicit_config(matches, env).map(PathBuf::from).or_else(|| env.default_config.clone())
}

fn explicit_config(matches: &ArgMatches, env: &Env) -> Option<String> {
    matches.get_one::<String>("config").cloned().or_else(|| env.var("TTV_CONFIG"))
}

fn load_file(matches: &ArgMatches, env: &Env) -> Result<FileConfig, CliError> {
    let explicit = explicit_config(matches, env);
    let path = match (&explicit, &env.default_config) {
        (Some(p), _) => PathBuf::from(p),
        (None, Some(p)) if p.exists() => p.clone(),
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

/// A made-up environment for tests: these variables, this default config
/// file and state folder; the runtime's variables are read from `vars` the
/// way `Config::with_env` reads the process's.
#[cfg(test)]
impl Env {
    pub fn fake(vars: &[(&str, &str)], default_config: Option<PathBuf>, state_dir: Option<PathBuf>) -> Env {
        let vars: std::collections::BTreeMap<String, String> =
            vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        Env {
            var: Box::new(move |name| vars.get(name).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())),
            default_config,
            state_dir,
            lay_over: |config, env| config.with_vars(|name| env.var(name)),
        }
    }
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

    use crate::exit;

    /// `ttv <args> get-users` parsed as main.rs parses it.
    fn flags(args: &[&str]) -> ArgMatches {
        let args: Vec<std::ffi::OsString> =
            std::iter::once("ttv").chain(args.iter().copied()).chain(["get-users"]).map(Into::into).collect();
        crate::app::command_for(&args).try_get_matches_from(args).expect("valid arguments")
    }

    /// A config file holding `text` in a fresh folder, and its path as a string.
    fn config_file(text: &str) -> (tempfile::TempDir, String) {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("config.toml");
        std::fs::write(&path, text).expect("written");
        let path = path.to_str().expect("utf-8").to_owned();
        (dir, path)
    }

    fn resolved(args: &[&str], vars: &[(&str, &str)]) -> Result<Credentials, CliError> {
        resolve(&flags(args), &Env::fake(vars, None, None))
    }

    #[test]
    fn the_config_file_alone_gives_every_setting() {
        let (_dir, path) = config_file(
            "client_id = \"file-id\"\nclient_secret = \"file-secret\"\nuser_token = \"file-user\"\n\
             helix_url = \"http://127.0.0.1:9/helix/\"\noauth2_url = \"http://127.0.0.1:9/oauth2//\"\n",
        );
        let creds = resolved(&["--config", &path], &[]).expect("resolved");
        assert_eq!(creds.config.client_id, "file-id");
        assert_eq!(creds.config.client_secret.as_ref().map(Secret::expose), Some("file-secret"));
        assert_eq!(creds.user_token.as_ref().map(Secret::expose), Some("file-user"));
        assert_eq!(creds.config.helix_url, "http://127.0.0.1:9/helix", "trailing slashes are trimmed");
        assert_eq!(creds.config.oauth2_url, "http://127.0.0.1:9/oauth2");
        assert!(creds.extension.is_none());
    }

    #[test]
    fn the_environment_wins_over_the_file_and_flags_over_both() {
        let (_dir, path) = config_file("client_id = \"file-id\"\nhelix_url = \"http://127.0.0.1:1/file\"\n");
        let env = [("TWITCH_CLIENT_ID", "env-id"), ("TWITCH_HELIX_URL", "http://127.0.0.1:2/env")];
        let from_env = resolved(&["--config", &path], &env).expect("resolved");
        assert_eq!(from_env.config.client_id, "env-id");
        assert_eq!(from_env.config.helix_url, "http://127.0.0.1:2/env");
        let from_flags =
            resolved(&["--config", &path, "--client-id", " flag-id ", "--helix-url", "http://127.0.0.1:3/flag/"], &env)
                .expect("resolved");
        assert_eq!(from_flags.config.client_id, "flag-id", "flags are trimmed");
        assert_eq!(from_flags.config.helix_url, "http://127.0.0.1:3/flag");
        let oauth = resolved(&["--oauth2-url", "http://127.0.0.1:4/o"], &env).expect("resolved");
        assert_eq!(oauth.config.oauth2_url, "http://127.0.0.1:4/o");
    }

    #[test]
    fn blank_flags_and_variables_change_nothing() {
        let (_dir, path) = config_file("client_id = \"file-id\"\nuser_token = \"file-user\"\n");
        let creds =
            resolved(&["--config", &path, "--client-id", "  "], &[("TWITCH_USER_TOKEN", "   ")]).expect("resolved");
        assert_eq!(creds.config.client_id, "file-id");
        assert_eq!(creds.user_token.as_ref().map(Secret::expose), Some("file-user"));
    }

    #[test]
    fn twitch_user_token_wins_over_the_files_user_token() {
        let (_dir, path) = config_file("client_id = \"id\"\nuser_token = \"file-user\"\n");
        let creds = resolved(&["--config", &path], &[("TWITCH_USER_TOKEN", " env-user \n")]).expect("resolved");
        assert_eq!(creds.user_token.as_ref().map(Secret::expose), Some("env-user"));
    }

    #[test]
    fn no_client_id_anywhere_is_a_credentials_error_that_says_where_to_set_one() {
        let Err(e) = resolved(&[], &[("TWITCH_CLIENT_SECRET", "s")]) else { panic!("resolved without a client id") };
        assert_eq!(e.exit_code(), exit::CONFIG);
        let text = e.to_string();
        assert!(text.contains("TWITCH_CLIENT_ID") && text.contains("ttv --mock"), "{text}");
    }

    #[test]
    fn ttv_config_names_the_file_and_config_flag_wins_over_it() {
        let (_a, by_var) = config_file("client_id = \"from-var-file\"\n");
        let (_b, by_flag) = config_file("client_id = \"from-flag-file\"\n");
        let creds = resolved(&[], &[("TTV_CONFIG", &by_var)]).expect("resolved");
        assert_eq!(creds.config.client_id, "from-var-file");
        let creds = resolved(&["--config", &by_flag], &[("TTV_CONFIG", &by_var)]).expect("resolved");
        assert_eq!(creds.config.client_id, "from-flag-file");
        let env = Env::fake(&[("TTV_CONFIG", &by_var)], Some(PathBuf::from("/default/config.toml")), None);
        assert_eq!(config_path(&flags(&[]), &env), Some(PathBuf::from(&by_var)));
        assert_eq!(config_path(&flags(&["--config", &by_flag]), &env), Some(PathBuf::from(&by_flag)));
        let env = Env::fake(&[], Some(PathBuf::from("/default/config.toml")), None);
        assert_eq!(config_path(&flags(&[]), &env), Some(PathBuf::from("/default/config.toml")));
    }

    #[test]
    fn a_missing_default_file_is_no_error_but_a_missing_named_one_is() {
        let dir = tempfile::tempdir().expect("tempdir");
        let absent = dir.path().join("absent.toml");
        let env = Env::fake(&[("TWITCH_CLIENT_ID", "env-id")], Some(absent.clone()), None);
        let creds = resolve(&flags(&[]), &env).expect("no default file is fine");
        assert_eq!(creds.config.client_id, "env-id");
        let absent = absent.to_str().expect("utf-8");
        let Err(e) = resolve(&flags(&["--config", absent]), &env) else { panic!("a named file must exist") };
        assert_eq!(e.exit_code(), exit::CONFIG);
        assert!(e.to_string().contains("cannot read the config file") && e.to_string().contains(absent), "{e}");
    }

    #[test]
    fn the_default_file_is_read_when_it_exists() {
        let (dir, _) = config_file("client_id = \"default-id\"\n");
        let env = Env::fake(&[], Some(dir.path().join("config.toml")), None);
        assert_eq!(resolve(&flags(&[]), &env).expect("resolved").config.client_id, "default-id");
    }

    #[test]
    fn a_bad_config_file_fails_resolving_without_showing_its_values() {
        let (_dir, path) = config_file("client_id = \"id\"\nclient_sekret = \"very-secret-value\"\n");
        let Err(e) = resolved(&["--config", &path], &[]) else { panic!("an unknown key was accepted") };
        assert_eq!(e.exit_code(), exit::CONFIG);
        let text = e.to_string();
        assert!(text.contains("line 2") && text.contains("`client_sekret`"), "{text}");
        assert!(!text.contains("very-secret-value"), "{text}");
    }

    #[test]
    fn a_ready_extension_jwt_wins_over_a_secret() {
        let env = [
            ("TWITCH_CLIENT_ID", "id"),
            ("TWITCH_EXTENSION_JWT", " ready.jwt.value "),
            ("TWITCH_EXTENSION_SECRET", "c2VjcmV0"),
        ];
        match resolved(&[], &env).expect("resolved").extension {
            Some(ExtensionJwt::Ready(jwt)) => assert_eq!(jwt.expose(), "ready.jwt.value"),
            other => panic!("expected the ready JWT, got {other:?}"),
        }
    }

    #[test]
    fn an_extension_secret_is_signed_for_its_owner_and_channel() {
        let env = [
            ("TWITCH_CLIENT_ID", "id"),
            ("TWITCH_EXTENSION_SECRET", "c2VjcmV0"),
            ("TWITCH_EXTENSION_OWNER_ID", "10001"),
            ("TWITCH_EXTENSION_CHANNEL_ID", "20002"),
        ];
        match resolved(&[], &env).expect("resolved").extension {
            Some(ExtensionJwt::Signed { secret, owner_id, channel_id }) => {
                assert_eq!(secret, b"secret", "the base64 secret is decoded");
                assert_eq!(owner_id, "10001");
                assert_eq!(channel_id.as_deref(), Some("20002"));
            }
            other => panic!("expected a signed JWT, got {other:?}"),
        }
    }

    #[test]
    fn an_extension_secret_without_an_owner_or_not_base64_is_refused() {
        let no_owner = [("TWITCH_CLIENT_ID", "id"), ("TWITCH_EXTENSION_SECRET", "c2VjcmV0")];
        let Err(e) = resolved(&[], &no_owner) else { panic!("a secret without an owner was accepted") };
        assert_eq!(e.exit_code(), exit::CONFIG);
        assert!(e.to_string().contains("TWITCH_EXTENSION_OWNER_ID"), "{e}");
        let not_base64 = [
            ("TWITCH_CLIENT_ID", "id"),
            ("TWITCH_EXTENSION_SECRET", "not base64!"),
            ("TWITCH_EXTENSION_OWNER_ID", "1"),
        ];
        let Err(e) = resolved(&[], &not_base64) else { panic!("a secret that is not base64 was accepted") };
        assert_eq!(e.exit_code(), exit::CONFIG);
        assert!(e.to_string().contains("base64") && !e.to_string().contains("not base64!"), "{e}");
    }
}
