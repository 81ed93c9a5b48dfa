//! Token files and ttv's folders against another local user (issue 9, item 5
//! and the Low items about profiles, login and logout): symlinks planted in
//! the state folder are replaced or removed, never written through; folders
//! others can write are refused and left as they are; a relative HOME puts
//! nothing under the current folder; a bad `--profile` is refused first; the
//! login checks its folder before starting at Twitch; logging out of a corrupt
//! token file still revokes the token it holds. No token is ever printed.

#![cfg(unix)]

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use ttv_helix::{FileStore, Secret, StoredUserToken, TokenStore};
use ttv_mock::{MockConfig, MockServer};
use ttv_tests::{run, Cli, Run};

fn mock() -> MockServer {
    let config = MockConfig { device_interval: 1, device_polls_before_approval: 1, ..MockConfig::default() };
    MockServer::start_background(config).expect("the mock starts")
}

fn state(dir: &Path) -> PathBuf {
    dir.join("state")
}

fn tv(cli: &Cli) -> Command {
    let mut cmd = cli.ttv();
    cmd.env("TTV_STATE_DIR", state(cli.home()));
    cmd
}

fn mode(path: &Path) -> u32 {
    std::fs::symlink_metadata(path).unwrap().permissions().mode() & 0o7777
}

/// A stored, valid profile; returns its (access, refresh) tokens.
fn seed(mock: &MockServer, dir: &Path) -> (String, String) {
    let (access, refresh) = mock.issue_user_tokens("ninja", &["chat:read"]);
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let token = StoredUserToken::new(mock.client_id(), mock.oauth2_url(), Secret::new(access.as_str()))
        .with_refresh_token(Secret::new(refresh.as_str()))
        .with_expires_at(now + 3600)
        .with_obtained_at(now)
        .with_scopes(["chat:read"])
        .with_login("ninja")
        .with_user_id(mock.user_id("ninja").expect("the mock knows ninja"));
    FileStore::new(state(dir)).save("default", &token).unwrap();
    (access, refresh)
}

#[track_caller]
fn assert_no_secret(out: &Run, mock: &MockServer) {
    let printed = format!("{}{}", out.stdout, out.stderr);
    for secret in mock.issued_secrets().iter().chain([&mock.client_secret().to_owned()]) {
        assert!(!printed.contains(secret.as_str()), "a secret was printed:\n{printed}");
    }
}

#[test]
fn symlinks_planted_in_the_state_folder_are_never_written_through() {
    let mock = mock();
    let cli = Cli::new(&mock);
    let victim = cli.home().join("victim");
    std::fs::write(&victim, "precious").unwrap();
    std::fs::create_dir(state(cli.home())).unwrap();
    std::fs::set_permissions(state(cli.home()), std::fs::Permissions::from_mode(0o700)).unwrap();
    // One at the final name, and some at names temporary files take.
    let token_file = state(cli.home()).join("user-default.json");
    std::os::unix::fs::symlink(&victim, &token_file).unwrap();
    let planted = state(cli.home()).join(".user-default.json.planted.tmp");
    std::os::unix::fs::symlink(&victim, &planted).unwrap();

    let out = run(tv(&cli).args(["auth", "login"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_no_secret(&out, &mock);
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    assert!(std::fs::symlink_metadata(&token_file).unwrap().file_type().is_file(), "the link was replaced");
    assert_eq!(mode(&token_file), 0o600);
    assert!(std::fs::symlink_metadata(&planted).is_err(), "the planted link was removed");
    assert!(FileStore::new(state(cli.home())).load("default").unwrap().is_some());
}

#[test]
fn folders_others_can_write_are_refused_and_keep_their_mode() {
    let mock = mock();
    for wanted in [0o777, 0o1777] {
        let cli = Cli::new(&mock);
        std::fs::create_dir(state(cli.home())).unwrap();
        std::fs::set_permissions(state(cli.home()), std::fs::Permissions::from_mode(wanted)).unwrap();
        let out = run(tv(&cli).args(["auth", "login"]));
        assert_ne!(out.code, 0, "{}", out.stderr);
        assert!(out.stderr.contains("chmod 700"), "says what to fix:\n{}", out.stderr);
        assert!(!out.stderr.contains("to log in, open"), "refused before the login started:\n{}", out.stderr);
        assert_eq!(mode(&state(cli.home())), wanted, "an existing folder's mode is never changed");
        assert_eq!(std::fs::read_dir(state(cli.home())).unwrap().count(), 0);

        // The app-token cache folder too: the call works, nothing is cached there.
        let cache = cli.home().join("cache");
        std::fs::create_dir(&cache).unwrap();
        std::fs::set_permissions(&cache, std::fs::Permissions::from_mode(wanted)).unwrap();
        let out = cli.run(["get-users", "--login", "ninja"]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert_eq!(mode(&cache), wanted);
        assert_eq!(std::fs::read_dir(&cache).unwrap().count(), 0, "no app token in a shared folder");
        assert_no_secret(&out, &mock);
    }
}

#[test]
fn login_checks_that_the_state_folder_is_writable_before_starting() {
    let mock = mock();
    let cli = Cli::new(&mock);
    std::fs::create_dir(state(cli.home())).unwrap();
    std::fs::set_permissions(state(cli.home()), std::fs::Permissions::from_mode(0o500)).unwrap();
    if std::fs::write(state(cli.home()).join("probe"), "").is_ok() {
        eprintln!("running as root: a read-only folder is writable; skipped");
        return;
    }
    let out = run(tv(&cli).args(["auth", "login"]));
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(out.stderr.contains(&state(cli.home()).display().to_string()), "{}", out.stderr);
    assert!(!out.stderr.contains("to log in, open"), "refused before the login started:\n{}", out.stderr);
    assert_eq!(mode(&state(cli.home())), 0o500);
}

#[test]
fn a_relative_home_puts_nothing_under_the_current_folder() {
    let mock = mock();
    let cli = Cli::new(&mock);
    let cwd = cli.home().join("cwd");
    std::fs::create_dir(&cwd).unwrap();
    let relative = |args: &[&str]| {
        let mut cmd = cli.ttv();
        cmd.env("HOME", "relative-home")
            .env_remove("XDG_CONFIG_HOME")
            .env_remove("TTV_CACHE_DIR")
            .env("XDG_STATE_HOME", "relative-state")
            .env("XDG_CACHE_HOME", "relative-cache")
            .current_dir(&cwd)
            .args(args);
        run(&mut cmd)
    };
    let out = relative(&["auth", "login"]);
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(out.stderr.contains("HOME is `relative-home`, not an absolute path"), "{}", out.stderr);
    let out = relative(&["get-users", "--login", "ninja"]);
    assert_eq!(out.code, 0, "app-token verbs still work, uncached:\n{}", out.stderr);
    let left: Vec<_> = std::fs::read_dir(&cwd).unwrap().filter_map(|e| e.ok()).map(|e| e.file_name()).collect();
    assert!(left.is_empty(), "nothing under the current folder: {left:?}");
}

#[test]
fn a_bad_profile_name_is_refused_before_anything_suggests_it() {
    let mock = mock();
    let cli = Cli::new(&mock);
    for bad in ["a b", "../x", ".hidden", ""] {
        let out = run(tv(&cli).args(["--profile", bad, "get-followed-streams", "--user-id", "10001"]));
        assert_eq!(out.code, 2, "{bad:?}: {}", out.stderr);
        assert!(out.stderr.contains("not a usable profile name"), "{}", out.stderr);
        assert!(!out.stderr.contains("ttv auth login"), "no command that would be refused:\n{}", out.stderr);
    }
}

#[test]
fn logging_out_of_a_corrupt_token_file_revokes_what_it_can_read() {
    let mock = mock();
    let cli = Cli::new(&mock);
    let (access, refresh) = seed(&mock, cli.home());
    let file = state(cli.home()).join("user-default.json");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, &text[..text.find("expires_at").unwrap()]).unwrap();
    assert!(mock.is_token_valid(&access));

    let out = run(tv(&cli).args(["auth", "logout"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.json()["revoked"], true, "{}", out.stderr);
    assert_eq!(out.json()["deleted"], true);
    assert!(!mock.is_token_valid(&access), "the access token is revoked");
    assert!(!file.exists());
    let printed = format!("{}{}", out.stdout, out.stderr);
    assert!(!printed.contains(&access) && !printed.contains(&refresh), "{printed}");
}

#[test]
fn open_hands_the_browser_a_private_page_not_the_state() {
    let mock = mock();
    let cli = Cli::new(&mock);
    // A stand-in opener that records its arguments and the page they name.
    let bin = cli.home().join("bin");
    std::fs::create_dir(&bin).unwrap();
    let record = cli.home().join("opened");
    let script = format!(
        "#!/bin/sh\nprintf '%s\\n' \"$@\" > '{0}.args'\ncat \"$1\" > '{0}.page'\nstat -c %a \"$1\" > '{0}.mode'\n\
         mv '{0}.args' '{0}.done'\n",
        record.display()
    );
    std::fs::write(bin.join("xdg-open"), script).unwrap();
    std::fs::set_permissions(bin.join("xdg-open"), std::fs::Permissions::from_mode(0o700)).unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port().to_string();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    let mut child = tv(&cli)
        .env("PATH", path)
        .args(["auth", "login", "--browser", "--open", "--port", &port])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let done = PathBuf::from(format!("{}.done", record.display()));
    for _ in 0..600 {
        if done.exists() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    let args = std::fs::read_to_string(&done).expect("the opener ran");
    let page = std::fs::read_to_string(format!("{}.page", record.display())).unwrap();
    let mode = std::fs::read_to_string(format!("{}.mode", record.display())).unwrap();
    let login_state =
        page.split("state=").nth(1).and_then(|s| s.split(['&', '"']).next()).expect("the page has the state");
    assert!(login_state.len() >= 16, "{page}");
    let opened = PathBuf::from(args.trim());
    assert_eq!(args.lines().count(), 1, "{args}");
    assert!(opened.starts_with(state(cli.home())), "a file in the private state folder: {args}");
    assert!(!args.contains(login_state) && !args.contains("authorize"), "no URL in the opener's arguments: {args}");
    assert_eq!(mode.trim(), "600");
    assert!(page.contains(&format!("{}/authorize?", mock.oauth2_url())), "{page}");
}
