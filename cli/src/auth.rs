//! `ttv auth ...`: log in (device code flow, or the browser with a local
//! redirect listener), show and check the stored tokens, log out, and print a
//! token when asked explicitly.
//!
//! User tokens are stored per profile (`--profile NAME`, default `default`) in
//! the state folder (`TTV_STATE_DIR`, else e.g. `~/.local/state/ttv`), one
//! file per profile, 0600 in a 0700 folder, written atomically. The library
//! refreshes them (ttv-runtime's `UserTokenSource`); this file is the command line.

use crate::context::Ctx;
use crate::error::CliError;
use crate::exit;
use crate::outcome::Outcome;
use crate::output::terminal_safe;
use clap::{Arg, ArgAction, ArgGroup, ArgMatches, Command};
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;
use ttv_helix::__private::random_state;
use ttv_helix::Error;
use ttv_helix::{FileStore, OAuthClient, RedirectListener, StoredUserToken, TokenStore};

/// Matches a redirect URL people register in the Twitch console.
const DEFAULT_PORT: u16 = 3000;
/// How long the browser flow waits for the redirect.
const BROWSER_WAIT: Duration = Duration::from_secs(600);

pub fn command() -> Command {
    Command::new("auth")
        .about("Log in to Twitch and manage tokens: login, status, validate, logout, token")
        .long_about(
            "Log in to Twitch and manage tokens. `login` gets a user token (device code flow by default, \
             which works for Public clients; --browser for the authorization code flow) and stores it under \
             --profile (default `default`) in the state folder (TTV_STATE_DIR), mode 0600. Verbs that need a \
             user token use the stored profile when TWITCH_USER_TOKEN is not set, refreshing it as needed.",
        )
        .subcommand_required(true)
        .arg_required_else_help(true)
        .subcommand(
            Command::new("login")
                .about("Log in as a Twitch user and store the token under --profile")
                .arg(
                    Arg::new("scopes")
                        .long("scopes")
                        .visible_alias("scope")
                        .value_name("SCOPES")
                        .action(ArgAction::Append)
                        .help("Scopes to ask for, space- or comma-separated, e.g. \"user:read:follows chat:read\""),
                )
                .arg(Arg::new("browser").long("browser").action(ArgAction::SetTrue).help(
                    "Use the authorization code flow: open Twitch in a browser, which redirects to a listener \
                         on 127.0.0.1 (needs the client secret)",
                ))
                .arg(
                    Arg::new("port")
                        .long("port")
                        .value_name("PORT")
                        .value_parser(clap::value_parser!(u16).range(1..))
                        .help("--browser: the port to listen on [default: the redirect URL's, or 3000]"),
                )
                .arg(
                    Arg::new("redirect-uri")
                        .long("redirect-uri")
                        .value_name("URL")
                        .help("--browser: the redirect URL registered for the app [default: http://localhost:PORT]"),
                )
                .arg(
                    Arg::new("open")
                        .long("open")
                        .action(ArgAction::SetTrue)
                        .help("Open the login page in the default browser (xdg-open / open)"),
                ),
        )
        .subcommand(
            Command::new("status")
                .about("Show the app token and each stored profile: who, which scopes, expiry (no token printed)"),
        )
        .subcommand(
            Command::new("validate")
                .about("Validate the user token (of --profile, or TWITCH_USER_TOKEN) with Twitch, or --app")
                .arg(Arg::new("app").long("app").action(ArgAction::SetTrue).help("Validate the app token instead")),
        )
        .subcommand(
            Command::new("logout").about("Revoke the profile's token with Twitch, then delete it").arg(
                Arg::new("app")
                    .long("app")
                    .action(ArgAction::SetTrue)
                    .help("Revoke and delete the cached app token instead (the next call mints a new one)"),
            ),
        )
        .subcommand(
            Command::new("token")
                .about("Print an access token on stdout (only with --user or --app)")
                .arg(
                    Arg::new("user")
                        .long("user")
                        .action(ArgAction::SetTrue)
                        .help("The user token (refreshed if needed)"),
                )
                .arg(Arg::new("app").long("app").action(ArgAction::SetTrue).help("The app token (minted if needed)"))
                .group(ArgGroup::new("which").args(["user", "app"]).multiple(false)),
        )
}

pub async fn run(ctx: &Ctx, matches: &ArgMatches) -> Result<Outcome, CliError> {
    match matches.subcommand() {
        Some(("login", m)) => login(ctx, m).await,
        Some(("status", _)) => status(ctx).await,
        Some(("validate", m)) => validate(ctx, m).await,
        Some(("logout", sub)) if sub.get_flag("app") => logout_app(ctx).await,
        Some(("logout", _)) => logout(ctx).await,
        Some(("token", m)) => token(ctx, m).await,
        _ => Err(CliError::Usage("say what to do: ttv auth login|status|validate|logout|token".into())),
    }
}

fn scopes(matches: &ArgMatches) -> Vec<String> {
    let mut scopes: Vec<String> = matches
        .get_many::<String>("scopes")
        .into_iter()
        .flatten()
        .flat_map(|s| s.split(|c: char| c.is_whitespace() || c == ',').map(str::to_owned).collect::<Vec<_>>())
        .filter(|s| !s.is_empty())
        .collect();
    scopes.dedup();
    scopes
}

async fn login(ctx: &Ctx, matches: &ArgMatches) -> Result<Outcome, CliError> {
    if ctx.is_mock() {
        return Err(CliError::Config(
            "nothing to log in to with --mock: its tokens die with it (it has a user token already)".into(),
        ));
    }
    let store = ctx.token_store()?;
    // Checked before anything is sent: the name becomes a file name, and the
    // token must be savable once the user has approved at Twitch.
    store.path(&ctx.profile)?;
    store.check_writable()?;
    let scopes = scopes(matches);
    let oauth = OAuthClient::new(ctx.config().clone())?;
    let open = matches.get_flag("open");
    let token = if matches.get_flag("browser") {
        browser_login(&oauth, store.dir(), matches, &scopes, open).await?
    } else {
        device_login(&oauth, &scopes, open).await?
    };
    let replaced = save(&store, &ctx.profile, &token).await?;
    if let Some(old) = replaced.filter(|old| {
        old.access_token != token.access_token && old.client_id == token.client_id && old.oauth2_url == token.oauth2_url
    }) {
        // The previous login of this profile is not needed any more.
        if let Err(e) = oauth.revoke(&old.access_token).await {
            tracing::debug!(error = %e, "could not revoke the profile's previous token");
        }
    }
    eprintln!(
        "ttv: logged in as {} (profile `{}`); the token is in {}",
        terminal_safe(token.login.as_deref().unwrap_or("?")),
        ctx.profile,
        store.path(&ctx.profile)?.display()
    );
    if ctx.has_env_user_token() {
        eprintln!("ttv: note: TWITCH_USER_TOKEN (or user_token in the config file) is set and wins over this login");
    }
    Ok(Outcome::Report(profile_report(&ctx.profile, Some(&store), &token), exit::OK))
}

async fn device_login(oauth: &OAuthClient, scopes: &[String], open: bool) -> Result<StoredUserToken, CliError> {
    let device = oauth.start_device_flow(scopes).await?;
    // Both come from the OAuth server: escaped for the terminal, and only a
    // web address is ever handed to the browser opener.
    eprintln!(
        "ttv: to log in, open {} and enter the code {} (within {} minutes).",
        terminal_safe(&device.verification_uri),
        terminal_safe(&device.user_code),
        device.expires_in.as_secs().div_ceil(60)
    );
    if open {
        if is_web_address(&device.verification_uri) {
            open_browser(&device.verification_uri);
        } else {
            eprintln!("ttv: the OAuth server's verification address is not an http(s) URL; not opening it");
        }
    }
    eprintln!("ttv: waiting for the login to be approved on Twitch...");
    Ok(oauth.finish_device_flow(&device).await?)
}

/// An absolute `http://` or `https://` address with nothing that a shell-less
/// opener could take as an option or a local file.
fn is_web_address(url: &str) -> bool {
    (url.starts_with("https://") || url.starts_with("http://"))
        && !url.chars().any(|c| c.is_whitespace() || c.is_control())
}

async fn browser_login(
    oauth: &OAuthClient,
    store_dir: &std::path::Path,
    matches: &ArgMatches,
    scopes: &[String],
    open: bool,
) -> Result<StoredUserToken, CliError> {
    if oauth.config().client_secret.is_none() {
        return Err(CliError::Config(crate::advice::PUBLIC_CLIENT_HINT.into()));
    }
    let port = matches.get_one::<u16>("port").copied();
    let redirect_uri = match matches.get_one::<String>("redirect-uri") {
        Some(uri) => uri.clone(),
        None => format!("http://localhost:{}", port.unwrap_or(DEFAULT_PORT)),
    };
    let listener = RedirectListener::bind(&redirect_uri, port.unwrap_or(0)).await?;
    let state = random_state();
    let url = oauth.authorize_url(&redirect_uri, scopes, &state);
    eprintln!(
        "ttv: open this page to log in; Twitch sends the browser back to {redirect_uri} (listening on \
         127.0.0.1:{}):",
        listener.port()
    );
    eprintln!("{url}");
    // The URL carries the state: the opener gets a private page that forwards
    // to it, since its arguments are visible to every local user.
    let _page = if open { open_browser_privately(store_dir, &url) } else { None };
    let code = tokio::time::timeout(BROWSER_WAIT, listener.wait_for_code(&state)).await.map_err(|_| {
        Error::Timeout { endpoint: "Browser login (waiting for the redirect)".into(), seconds: BROWSER_WAIT.as_secs() }
    })??;
    Ok(oauth.exchange_code(&code, &redirect_uri).await?)
}

/// Saves under the store's lock, so no refresh in another process interleaves;
/// returns the token it replaced.
async fn save(
    store: &Arc<FileStore>,
    profile: &str,
    token: &StoredUserToken,
) -> Result<Option<StoredUserToken>, CliError> {
    let (store, profile, token) = (store.clone(), profile.to_owned(), token.clone());
    tokio::task::spawn_blocking(move || {
        let _lock = store.lock(&profile)?;
        let old = store.load(&profile).ok().flatten();
        store.save(&profile, &token)?;
        Ok::<_, Error>(old)
    })
    .await
    .map_err(|e| CliError::Config(format!("saving the token failed: {e}")))?
    .map_err(CliError::from)
}

/// A page in the private state folder that forwards to the login URL; deleted
/// when dropped (after the login).
struct LoginPage(std::path::PathBuf);

impl Drop for LoginPage {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Opens the login URL through a 0600 page in `dir`, so the opener's
/// arguments hold only a file path; `None` (and a message) when it cannot.
fn open_browser_privately(dir: &std::path::Path, url: &str) -> Option<LoginPage> {
    let path = dir.join(format!("login-{}.html", random_state()));
    let target = html_attribute(url);
    let page = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><meta name=\"referrer\" content=\"no-referrer\">\
         <meta http-equiv=\"refresh\" content=\"0;url={target}\"><title>ttv login</title></head>\
         <body><p><a href=\"{target}\">Continue to Twitch to log in</a></p></body></html>\n"
    );
    if let Err(e) = ttv_helix::__private::write_private(&path, page.as_bytes()) {
        eprintln!("ttv: could not open a browser ({e}); open the page yourself");
        return None;
    }
    open_browser(&path.display().to_string());
    Some(LoginPage(path))
}

fn html_attribute(text: &str) -> String {
    text.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;").replace('>', "&gt;")
}

/// Tries the platform's opener; never fails (the URL is printed anyway).
fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") { "open" } else { "xdg-open" };
    let spawned = if cfg!(windows) {
        std::process::Command::new("cmd").args(["/C", "start", "", url]).spawn()
    } else {
        std::process::Command::new(opener)
            .arg(url)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
    };
    if let Err(e) = spawned {
        eprintln!("ttv: could not open a browser ({e}); open the page yourself");
    }
}

/// What `status` and `login` say about a stored token; never the token.
fn profile_report(profile: &str, store: Option<&FileStore>, token: &StoredUserToken) -> Value {
    json!({
        "profile": profile,
        "login": token.login,
        "user_id": token.user_id,
        "scopes": token.scopes,
        "expires_in": token.expires_in(),
        "expired": token.is_expired(),
        "refreshable": token.refresh_token.is_some(),
        "client_id": token.client_id,
        "file": store.and_then(|s| s.path(profile).ok()).map(|p| p.display().to_string()),
    })
}

async fn status(ctx: &Ctx) -> Result<Outcome, CliError> {
    let config = ctx.config();
    let app = ctx.app().await?;
    let mut report = json!({
        "client_id": config.client_id,
        "oauth2_url": config.oauth2_url,
        "app": {
            "client_secret_set": config.client_secret.is_some(),
            "cached": app.cached_token_expires_in().is_some(),
            "expires_in": app.cached_token_expires_in(),
        },
        "user_token_from_environment": ctx.has_env_user_token(),
        "profile": ctx.profile,
    });
    let mut profiles = Vec::new();
    if let Some(store) = &ctx.store {
        let mut names = store.profiles()?;
        if !names.contains(&ctx.profile) && ctx.profile_exists() {
            names.push(ctx.profile.clone());
        }
        for name in names {
            profiles.push(match store.load(&name) {
                Ok(Some(token)) => {
                    let mut v = profile_report(&name, Some(store), &token);
                    if token.client_id != config.client_id || token.oauth2_url != config.oauth2_url {
                        v["note"] = json!(format!(
                            "logged in with another client id or OAuth server ({}); not usable with these settings",
                            token.oauth2_url
                        ));
                    }
                    v
                }
                Ok(None) => continue,
                Err(e) => json!({
                    "profile": name,
                    "status": "corrupt",
                    "problem": e.to_string(),
                    "file": store.path(&name).ok().map(|p| p.display().to_string()),
                }),
            });
        }
        report["state_dir"] = json!(store.dir().display().to_string());
    }
    report["profiles"] = Value::Array(profiles);
    Ok(Outcome::Report(report, exit::OK))
}

async fn validate(ctx: &Ctx, matches: &ArgMatches) -> Result<Outcome, CliError> {
    let use_app = matches.get_flag("app") || !(ctx.has_env_user_token() || ctx.profile_exists());
    let (info, which) = if use_app {
        (ctx.app().await?.validate().await?, "app")
    } else {
        (ctx.user().await?.validate().await?, "user")
    };
    let mut value = serde_json::to_value(info).map_err(|e| CliError::Usage(e.to_string()))?;
    value["token"] = json!(which);
    if which == "user" && !ctx.has_env_user_token() {
        value["profile"] = json!(ctx.profile);
    }
    Ok(Outcome::Report(value, exit::OK))
}

async fn logout(ctx: &Ctx) -> Result<Outcome, CliError> {
    let store = ctx.token_store()?;
    let profile = ctx.profile.clone();
    let lock_store = store.clone();
    let lock_profile = profile.clone();
    let _lock = tokio::task::spawn_blocking(move || lock_store.lock(&lock_profile))
        .await
        .map_err(|e| CliError::Config(format!("waiting for the token lock failed: {e}")))??;
    let revoked = match store.load(&profile) {
        Ok(None) => {
            eprintln!("ttv: profile `{profile}` is not logged in");
            return Ok(Outcome::Report(json!({"profile": profile, "revoked": false, "deleted": false}), exit::OK));
        }
        Ok(Some(token)) => {
            // Revoke at the server and for the client that issued it.
            let mut config = ctx.config().clone();
            config.client_id.clone_from(&token.client_id);
            config.oauth2_url.clone_from(&token.oauth2_url);
            OAuthClient::new(config)?.revoke(&token.access_token).await.map_err(|e| {
                CliError::Api(match e {
                    Error::Network { endpoint, message, source } => Error::Network {
                        endpoint,
                        source,
                        message: format!(
                            "{message}; the token was not revoked, so it is kept: try again (or delete {})",
                            store.path(&profile).map(|p| p.display().to_string()).unwrap_or_default()
                        ),
                    },
                    other => other,
                })
            })?;
            true
        }
        Err(e) => {
            eprintln!("ttv: {}", terminal_safe(&crate::advice::message(&e)));
            revoke_salvaged(ctx, &store, &profile).await
        }
    };
    let deleted = store.delete(&profile)?;
    eprintln!("ttv: logged out of profile `{profile}`");
    Ok(Outcome::Report(json!({"profile": profile, "revoked": revoked, "deleted": deleted}), exit::OK))
}

/// Logging out of a corrupt token file: revokes the tokens still legible in
/// it (with this run's client id and OAuth server), before it is deleted.
async fn revoke_salvaged(ctx: &Ctx, store: &FileStore, profile: &str) -> bool {
    let salvaged = store.salvage(profile);
    if salvaged.oauth2_url.as_deref().is_some_and(|url| url != ctx.config().oauth2_url) {
        eprintln!("ttv: it was logged in at another OAuth server; deleting it without revoking");
        return false;
    }
    let Some(token) = salvaged.access_token.or(salvaged.refresh_token) else {
        eprintln!("ttv: no token is legible in it; deleting it without revoking");
        return false;
    };
    let mut config = ctx.config().clone();
    if let Some(client_id) = salvaged.client_id {
        config.client_id = client_id;
    }
    let result = match OAuthClient::new(config) {
        Ok(oauth) => oauth.revoke(&token).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => {
            eprintln!("ttv: revoked the token legible in it; deleting it");
            true
        }
        Err(e) => {
            eprintln!(
                "ttv: could not revoke the token legible in it ({}); deleting it anyway",
                terminal_safe(&e.to_string())
            );
            false
        }
    }
}

/// `ttv auth logout --app`: the cached app token, revoked and deleted.
async fn logout_app(ctx: &Ctx) -> Result<Outcome, CliError> {
    let app = ctx.app().await?;
    let file = app.token_cache_file().map(|p| p.display().to_string());
    let revoked = app.revoke_app_token().await?;
    if !revoked {
        eprintln!("ttv: no app token is cached for this client id");
    }
    Ok(Outcome::Report(json!({"app": true, "revoked": revoked, "deleted": revoked, "file": file}), exit::OK))
}

async fn token(ctx: &Ctx, matches: &ArgMatches) -> Result<Outcome, CliError> {
    let token = if matches.get_flag("user") {
        ctx.user().await?.access_token().await?
    } else if matches.get_flag("app") {
        ctx.app().await?.access_token().await?
    } else {
        return Err(CliError::Usage(
            "say which token to print: `ttv auth token --user` or `ttv auth token --app` (it is printed on stdout; \
             keep it secret)"
                .into(),
        ));
    };
    Ok(Outcome::Text(format!("{}\n", token.expose())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_addresses_reach_the_browser_opener() {
        assert!(is_web_address("https://www.twitch.tv/activate"));
        assert!(is_web_address("http://127.0.0.1:8080/activate"));
        for bad in ["--help", "/etc/passwd", "file:///etc/passwd", "javascript:alert(1)", "https://x y", "https://x\n"]
        {
            assert!(!is_web_address(bad), "{bad}");
        }
    }

    /// The matches of `ttv auth <args>`, and the subcommand's.
    fn auth_matches(args: &[&str]) -> ArgMatches {
        command().try_get_matches_from(std::iter::once("auth").chain(args.iter().copied())).expect("valid arguments")
    }

    #[test]
    fn scopes_are_split_on_spaces_and_commas() {
        let m = auth_matches(&["login", "--scopes", " chat:read  user:read:follows,bits:read", "--scope", "bits:read"]);
        let (_, login) = m.subcommand().expect("login");
        assert_eq!(scopes(login), ["chat:read", "user:read:follows", "bits:read"]);
        let m = auth_matches(&["login"]);
        assert!(scopes(m.subcommand().expect("login").1).is_empty());
    }

    #[test]
    fn the_login_page_escapes_the_url_for_its_attribute() {
        assert_eq!(html_attribute(r#"https://x/?a=1&b="2"<br>"#), "https://x/?a=1&amp;b=&quot;2&quot;&lt;br&gt;");
    }

    #[cfg(feature = "mock")]
    mod with_mock {
        use super::*;
        use crate::context::TokenChoice;
        use crate::test_support::{credentials, ctx, mock, save, stored_token};

        async fn run_auth(ctx: &Ctx, args: &[&str]) -> Result<Outcome, CliError> {
            run(ctx, &auth_matches(args)).await
        }

        fn report(outcome: Outcome) -> Value {
            match outcome {
                Outcome::Report(value, code) => {
                    assert_eq!(code, exit::OK);
                    value
                }
                _ => panic!("auth commands report"),
            }
        }

        #[tokio::test]
        async fn login_with_the_embedded_mock_is_refused() {
            let mock = mock().await;
            let ctx = Ctx::new(credentials(&mock, None), TokenChoice::Auto, "default".into(), None, None, true);
            let Err(e) = run_auth(&ctx, &["login"]).await else { panic!("logged in to the embedded mock") };
            assert_eq!(e.exit_code(), exit::CONFIG);
            assert!(e.to_string().contains("--mock"), "{e}");
        }

        #[tokio::test]
        async fn login_checks_the_token_can_be_saved_before_asking_twitch() {
            let mock = mock().await;
            let dir = tempfile::tempdir().expect("tempdir");
            let not_a_folder = dir.path().join("file");
            std::fs::write(&not_a_folder, "").expect("written");
            // Were the check not first, the login would meet the OAuth server that is not there (exit 6).
            let mut creds = credentials(&mock, None);
            creds.config.oauth2_url = "http://127.0.0.1:1/oauth2".into();
            let ctx = ctx(creds, TokenChoice::Auto, "default", Some(&not_a_folder));
            let Err(e) = run_auth(&ctx, &["login"]).await else { panic!("a login with nowhere to save it") };
            assert_eq!(e.exit_code(), exit::CONFIG, "{e}");
            let ctx = crate::test_support::ctx(credentials(&mock, None), TokenChoice::Auto, "default", None);
            let Err(e) = run_auth(&ctx, &["login"]).await else { panic!("a login without a store") };
            assert!(e.to_string().contains("TTV_STATE_DIR"), "{e}");
        }

        #[tokio::test]
        async fn status_lists_every_profile_and_never_a_token() {
            let mock = mock().await;
            let dir = tempfile::tempdir().expect("tempdir");
            let work = stored_token(&mock, "ninja", &["chat:read"]);
            save(dir.path(), "work", &work);
            let mut foreign = stored_token(&mock, "ninja", &[]);
            foreign.client_id = "another-client".into();
            save(dir.path(), "foreign", &foreign);
            std::fs::write(dir.path().join("user-broken.json"), "{\"client_id\": ").expect("written");
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let mode = std::fs::metadata(dir.path().join("user-work.json")).expect("saved").permissions().mode();
                assert_eq!(mode & 0o777, 0o600, "token files are private");
            }
            let ctx = ctx(credentials(&mock, None), TokenChoice::Auto, "work", Some(dir.path()));
            let report = report(run_auth(&ctx, &["status"]).await.expect("status"));
            assert_eq!(report["client_id"], mock.client_id());
            assert_eq!(report["profile"], "work");
            assert_eq!(report["user_token_from_environment"], false);
            assert_eq!(report["app"]["client_secret_set"], true);
            assert_eq!(report["state_dir"], dir.path().display().to_string());
            let profiles = report["profiles"].as_array().expect("profiles");
            let named = |name: &str| profiles.iter().find(|p| p["profile"] == name).cloned().expect(name);
            let w = named("work");
            assert_eq!(w["login"], "ninja");
            assert_eq!(w["scopes"], serde_json::json!(["chat:read"]));
            assert_eq!(w["refreshable"], true);
            assert_eq!(w["expired"], false);
            assert!(w.get("note").is_none(), "{w}");
            assert!(named("foreign")["note"].as_str().expect("a note").contains("another client id"));
            assert_eq!(named("broken")["status"], "corrupt");
            let text = report.to_string();
            for secret in [work.access_token.expose(), work.refresh_token.as_ref().expect("refresh").expose()] {
                assert!(!text.contains(secret), "status shows a token: {text}");
            }
        }

        #[tokio::test]
        async fn logout_revokes_the_token_where_it_was_issued_and_deletes_the_file() {
            let mock = mock().await;
            let dir = tempfile::tempdir().expect("tempdir");
            let token = stored_token(&mock, "ninja", &["chat:read"]);
            save(dir.path(), "work", &token);
            let ctx = ctx(credentials(&mock, None), TokenChoice::Auto, "work", Some(dir.path()));
            let report = report(run_auth(&ctx, &["logout"]).await.expect("logged out"));
            assert_eq!(report, serde_json::json!({"profile": "work", "revoked": true, "deleted": true}));
            assert!(!dir.path().join("user-work.json").exists());
            assert!(!mock.is_token_valid(token.access_token.expose()), "the token was revoked");
            let again = report_of_logout(&ctx).await;
            assert_eq!(again, serde_json::json!({"profile": "work", "revoked": false, "deleted": false}));
        }

        async fn report_of_logout(ctx: &Ctx) -> Value {
            report(run_auth(ctx, &["logout"]).await.expect("logout"))
        }

        #[tokio::test]
        async fn logout_keeps_a_token_it_could_not_revoke() {
            let mock = mock().await;
            let dir = tempfile::tempdir().expect("tempdir");
            let mut token = stored_token(&mock, "ninja", &[]);
            // An OAuth server that is not there: nothing listens on port 1.
            token.oauth2_url = "http://127.0.0.1:1/oauth2".into();
            save(dir.path(), "work", &token);
            let mut creds = credentials(&mock, None);
            creds.config.max_retries = 0;
            let ctx = ctx(creds, TokenChoice::Auto, "work", Some(dir.path()));
            let Err(e) = run_auth(&ctx, &["logout"]).await else { panic!("logged out without revoking") };
            assert_eq!(e.exit_code(), exit::NETWORK, "{e}");
            assert!(e.to_string().contains("it is kept"), "{e}");
            assert!(dir.path().join("user-work.json").exists(), "the token file stays");
        }

        #[tokio::test]
        async fn logout_of_a_corrupt_file_revokes_what_is_legible_and_deletes_it() {
            let mock = mock().await;
            let dir = tempfile::tempdir().expect("tempdir");
            let token = stored_token(&mock, "ninja", &[]);
            save(dir.path(), "work", &token);
            let file = dir.path().join("user-work.json");
            // A file cut short after its access token.
            let text = format!(
                "{{\"client_id\":\"{}\",\"oauth2_url\":\"{}\",\"access_token\":\"{}\",\"refresh_tok",
                mock.client_id(),
                mock.oauth2_url(),
                token.access_token.expose()
            );
            std::fs::write(&file, text).expect("written");
            let ctx = ctx(credentials(&mock, None), TokenChoice::Auto, "work", Some(dir.path()));
            let report = report_of_logout(&ctx).await;
            assert_eq!(report, serde_json::json!({"profile": "work", "revoked": true, "deleted": true}));
            assert!(!file.exists());
            assert!(!mock.is_token_valid(token.access_token.expose()));
        }

        #[tokio::test]
        async fn validate_uses_the_stored_profile_and_names_it() {
            let mock = mock().await;
            let dir = tempfile::tempdir().expect("tempdir");
            save(dir.path(), "work", &stored_token(&mock, "ninja", &["chat:read"]));
            let ctx = ctx(credentials(&mock, None), TokenChoice::Auto, "work", Some(dir.path()));
            let user = report(run_auth(&ctx, &["validate"]).await.expect("validated"));
            assert_eq!((user["token"].as_str(), user["profile"].as_str()), (Some("user"), Some("work")));
            assert_eq!(user["login"], "ninja");
            let app = report(run_auth(&ctx, &["validate", "--app"]).await.expect("validated"));
            assert_eq!(app["token"], "app");
            assert!(app.get("profile").is_none(), "{app}");
            let nothing_stored = crate::test_support::ctx(credentials(&mock, None), TokenChoice::Auto, "work", None);
            let app = report(run_auth(&nothing_stored, &["validate"]).await.expect("validated"));
            assert_eq!(app["token"], "app", "with no user token the app token is validated");
        }

        #[tokio::test]
        async fn token_prints_only_the_token_asked_for() {
            let mock = mock().await;
            let user_token = mock.issue_user_token("ninja", &[]);
            let ctx = crate::test_support::ctx(
                credentials(&mock, Some(user_token.clone())),
                TokenChoice::Auto,
                "default",
                None,
            );
            let Outcome::Text(text) = run_auth(&ctx, &["token", "--user"]).await.expect("printed") else {
                panic!("a token is text")
            };
            assert_eq!(text, format!("{user_token}\n"));
            let Outcome::Text(app) = run_auth(&ctx, &["token", "--app"]).await.expect("printed") else {
                panic!("a token is text")
            };
            assert!(mock.is_token_valid(app.trim_end()) && app.trim_end() != user_token, "an app token: {app}");
            let Err(e) = run_auth(&ctx, &["token"]).await else { panic!("printed a token nobody chose") };
            assert_eq!(e.exit_code(), exit::USAGE);
        }
    }
}
