//! The `ttv` binary against the mock over real HTTP: the command lines people
//! already type, credentials, errors and exit codes.

use ttv_tests::{mock, run, Cli};

#[test]
fn validate_shows_the_app_token_without_printing_it() {
    let mock = mock();
    let cli = Cli::new(&mock);
    let out = run(cli.ttv().arg("validate"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v = out.json();
    assert_eq!(v["client_id"], mock.client_id());
    assert!(v.get("access_token").is_none());
}

#[test]
fn get_users_by_login_keeps_input_order() {
    let mock = mock();
    let cli = Cli::new(&mock);
    let out = cli.run(["getUsers", "--login=ninja,pokimane"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let logins: Vec<String> =
        out.json().as_array().unwrap().iter().map(|u| u["login"].as_str().unwrap().to_owned()).collect();
    assert_eq!(logins, ["ninja", "pokimane"]);
    // Repeated flags and the kebab-case verb work the same.
    let again = cli.run(["get-users", "--login", "ninja", "--login", "pokimane"]);
    assert_eq!(again.json(), out.json());
}

#[test]
fn is_live_exits_zero_when_live_and_one_when_offline() {
    let mock = mock();
    let cli = Cli::new(&mock);
    let live = cli.run(["isLive", "--login=ninja"]);
    assert_eq!(live.code, 0, "{}", live.stderr);
    assert_eq!(live.json()["live"], true);
    let offline = cli.run(["isLive", "--login=pokimane"]);
    assert_eq!(offline.code, 1, "{}", offline.stderr);
    assert_eq!(offline.json()["live"], false);
}

#[test]
fn top_games_honours_first() {
    let mock = mock();
    let cli = Cli::new(&mock);
    let out = cli.run(["topGames", "--first=5"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.json().as_array().unwrap().len(), 5);
}

#[test]
fn search_channels_accepts_the_api_spelling_of_flags() {
    let mock = mock();
    let cli = Cli::new(&mock);
    let out = cli.run(["searchChannels", "--query=arcomage", "--live_only=true"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let items = out.json();
    let items = items.as_array().unwrap();
    assert!(!items.is_empty());
    assert!(items.iter().all(|c| c["is_live"] == true));
    assert!(items.iter().any(|c| c["broadcaster_login"] == "arcomage"));
    let kebab = cli.run(["search-channels", "--query", "arcomage", "--live-only"]);
    assert_eq!(kebab.json(), out.json());
}

#[test]
fn the_app_token_is_cached_across_runs_in_a_private_file() {
    let mock = mock();
    let cli = Cli::new(&mock);
    for _ in 0..3 {
        assert_eq!(cli.run(["topGames", "--first=1"]).code, 0);
    }
    assert_eq!(mock.stats().app_tokens_minted, 1, "one mint for three runs");
    let files: Vec<_> = std::fs::read_dir(cli.home().join("cache")).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(files.len(), 1, "{files:?}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&files[0]).unwrap().permissions().mode() & 0o777, 0o600);
    }
    let text = std::fs::read_to_string(&files[0]).unwrap();
    assert!(!text.contains(mock.client_secret()));
}

#[test]
fn missing_credentials_say_what_to_set() {
    let mock = mock();
    let cli = Cli::new(&mock);
    let out = run(cli.ttv().env_remove("TWITCH_CLIENT_ID").arg("topGames"));
    assert_eq!(out.code, 3);
    assert!(out.stderr.contains("TWITCH_CLIENT_ID"), "{}", out.stderr);
    assert!(out.stdout.is_empty());

    let out = run(cli.ttv().env_remove("TWITCH_CLIENT_SECRET").arg("topGames"));
    assert_eq!(out.code, 3);
    assert!(out.stderr.contains("TWITCH_CLIENT_SECRET"), "{}", out.stderr);
    assert!(out.stderr.contains("Confidential"), "{}", out.stderr);
}

#[test]
fn a_wrong_secret_is_reported_as_an_auth_error() {
    let mock = mock();
    let cli = Cli::new(&mock);
    let out = run(cli.ttv().env("TWITCH_CLIENT_SECRET", "not-the-secret").arg("topGames"));
    assert_eq!(out.code, 4, "{}", out.stderr);
    assert!(out.stderr.contains("TWITCH_CLIENT_SECRET"), "{}", out.stderr);
    assert!(!out.stderr.contains("not-the-secret"));
}

#[test]
fn user_verbs_need_a_user_token_and_say_so() {
    let mock = mock();
    let cli = Cli::new(&mock);
    let out = cli.run(["get-followed-streams", "--user-id=10001"]);
    assert_eq!(out.code, 3);
    assert!(out.stderr.contains("TWITCH_USER_TOKEN"), "{}", out.stderr);
    // The login command it suggests asks for the scopes this verb needs.
    assert!(out.stderr.contains("`ttv auth login --scopes \"user:read:follows\"`"), "{}", out.stderr);
}

#[test]
fn a_user_token_reaches_user_endpoints_and_missing_scopes_are_named() {
    let mock = mock();
    let cli = Cli::new(&mock);
    let user_id = mock.user_id("ninja").unwrap();
    let token = mock.issue_user_token("ninja", &["user:read:follows"]);
    let out = run(cli.ttv().env("TWITCH_USER_TOKEN", &token).args(["get-followed-streams", "--user-id", &user_id]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.json().is_array());

    let token = mock.issue_user_token("ninja", &[]);
    let out = run(cli.ttv().env("TWITCH_USER_TOKEN", &token).args(["get-followed-streams", "--user-id", &user_id]));
    assert_eq!(out.code, 4);
    assert!(out.stderr.contains("user:read:follows"), "{}", out.stderr);
    assert!(!out.stderr.contains(&token));
}

#[test]
fn app_only_verbs_use_the_app_token_even_when_a_user_token_is_set() {
    let mock = mock();
    let cli = Cli::new(&mock);
    let token = mock.issue_user_token("ninja", &[]);
    let out = run(cli.ttv().env("TWITCH_USER_TOKEN", &token).arg("get-conduits"));
    assert_eq!(out.code, 0, "{}", out.stderr);
}

#[test]
fn helix_errors_show_twitchs_message_and_the_endpoint() {
    let mock = mock();
    let cli = Cli::new(&mock);
    // Skip the client-side check so the mock's own refusal comes back.
    let token = mock.issue_user_token("ninja", &[]);
    let out = run(cli.ttv().env("TWITCH_USER_TOKEN", &token).args([
        "--no-scope-check",
        "get-followed-streams",
        "--user-id=10001",
    ]));
    assert_eq!(out.code, 4, "{}", out.stderr);
    assert!(out.stderr.contains("Get Followed Streams"), "{}", out.stderr);
    assert!(out.stderr.contains("401"), "{}", out.stderr);
    assert!(out.stderr.to_lowercase().contains("scope"), "{}", out.stderr);
}

#[test]
fn input_twitch_would_refuse_is_refused_before_sending() {
    let mock = mock();
    let cli = Cli::new(&mock);
    let out = cli.run(["topGames", "--first=500"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("500"), "{}", out.stderr);
    // Over-long lists are split where that keeps the meaning (getUsers), and
    // refused where it would not (a paginated verb).
    let many: Vec<String> = (0..101).map(|i| format!("user{i}")).collect();
    let out = cli.run(["get-streams", &format!("--user-login={}", many.join(","))]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("at most 100"), "{}", out.stderr);
    let out = cli.run(["getUsers", "--login=ninja,no/such/login"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("not a Twitch login name"), "{}", out.stderr);
    assert_eq!(mock.stats().helix_requests, 0);
}

#[test]
fn body_fields_come_from_flags_or_a_file() {
    let mock = mock();
    let cli = Cli::new(&mock);
    let token = mock.issue_user_token("ninja", &["channel:manage:broadcast"]);
    let id = mock.user_id("ninja").unwrap();
    let out = run(cli.ttv().env("TWITCH_USER_TOKEN", &token).args([
        "modify-channel-information",
        "--broadcaster-id",
        &id,
        "--title",
        "new title",
        "--tags",
        "a,b",
    ]));
    assert_eq!(out.code, 0, "{}", out.stderr);

    let body = cli.home().join("body.json");
    std::fs::write(
        &body,
        r#"{"title": "from a file", "content_classification_labels": [{"id": "Gambling", "is_enabled": true}]}"#,
    )
    .unwrap();
    let out = run(cli.ttv().env("TWITCH_USER_TOKEN", &token).args([
        "modify-channel-information",
        "--broadcaster-id",
        &id,
        "--body",
        &format!("@{}", body.display()),
    ]));
    assert_eq!(out.code, 0, "{}", out.stderr);

    std::fs::write(&body, r#"{"titel": "typo"}"#).unwrap();
    let out = run(cli.ttv().env("TWITCH_USER_TOKEN", &token).args([
        "modify-channel-information",
        "--broadcaster-id",
        &id,
        "--body",
        &format!("@{}", body.display()),
    ]));
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("titel"), "{}", out.stderr);
}

#[test]
fn wrong_flags_get_a_usage_error() {
    let mock = mock();
    let cli = Cli::new(&mock);
    let out = cli.run(["getUsers", "--logn=ninja"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("--logn"), "{}", out.stderr);
    assert!(out.stderr.contains("--login"), "suggests the right flag: {}", out.stderr);
}

#[test]
fn help_text_comes_from_the_spec() {
    let mock = mock();
    let cli = Cli::new(&mock);
    let out = cli.run(["get-followed-streams", "--help"]);
    assert_eq!(out.code, 0);
    assert!(out.stdout.contains("GET /streams/followed"), "{}", out.stdout);
    assert!(out.stdout.contains("user:read:follows"), "{}", out.stdout);
    assert!(out.stdout.contains("user access token"), "{}", out.stdout);
    assert!(out.stdout.contains("https://dev.twitch.tv/docs/api/reference#get-followed-streams"), "{}", out.stdout);
}

#[test]
fn table_and_ndjson_output() {
    let mock = mock();
    let cli = Cli::new(&mock);
    let out = cli.run(["-o", "table", "getUsers", "--login=ninja,pokimane"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 3);
    assert!(lines[0].starts_with("ID"), "{}", out.stdout);
    let out = cli.run(["-o", "ndjson", "getUsers", "--login=ninja,pokimane"]);
    let items: Vec<serde_json::Value> = out.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(items.len(), 2);
}

#[test]
fn the_embedded_mock_needs_no_account() {
    let mock = mock();
    let cli = Cli::new(&mock);
    let out = run(cli
        .ttv()
        .env_remove("TWITCH_CLIENT_ID")
        .env_remove("TWITCH_CLIENT_SECRET")
        .env_remove("TWITCH_HELIX_URL")
        .env_remove("TWITCH_OAUTH2_URL")
        .args(["--mock", "getUsers", "--login=ninja"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.json()[0]["login"], "ninja");
    // A user-only verb works too: the embedded mock hands out a user token.
    let out = cli.run(["--mock", "get-followed-streams", "--user-id=10001"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
}

#[test]
fn secrets_never_appear_in_output_even_when_verbose() {
    let mock = mock();
    let cli = Cli::new(&mock);
    let token = mock.issue_user_token("ninja", &["user:read:follows"]);
    let mut printed = String::new();
    for args in [
        vec!["-vv", "validate"],
        vec!["-vv", "--token", "app", "getUsers", "--login=ninja"],
        vec!["-vv", "get-followed-streams", "--user-id=10001"],
    ] {
        let out = run(cli.ttv().env("TWITCH_USER_TOKEN", &token).args(&args));
        assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
        printed.push_str(&out.stdout);
        printed.push_str(&out.stderr);
    }
    assert!(printed.contains("helix request"), "-vv logs requests");
    assert!(!printed.contains(mock.client_secret()));
    assert!(!printed.contains(&token));
    let cache = std::fs::read_dir(cli.home().join("cache")).unwrap().next().unwrap().unwrap().path();
    let cached: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(cache).unwrap()).unwrap();
    assert!(!printed.contains(cached["access_token"].as_str().unwrap()));
}

/// Flags over the environment over the config file, for every setting.
#[test]
fn settings_layer_flags_over_environment_over_the_config_file() {
    let mock = mock();
    let cli = Cli::new(&mock);
    let file = cli.home().join("ttv.toml");
    let write = |text: String, mode: u32| {
        std::fs::write(&file, text).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(mode)).unwrap();
        }
    };
    let unreachable = "http://127.0.0.1:9/helix";
    // Everything from the file alone.
    write(
        format!(
            "client_id = {:?}\nclient_secret = {:?}\nhelix_url = {:?}\noauth2_url = {:?}\n",
            mock.client_id(),
            mock.client_secret(),
            mock.helix_url(),
            mock.oauth2_url()
        ),
        0o600,
    );
    let bare = |cmd: &mut std::process::Command| {
        for var in ["TWITCH_CLIENT_ID", "TWITCH_CLIENT_SECRET", "TWITCH_HELIX_URL", "TWITCH_OAUTH2_URL"] {
            cmd.env_remove(var);
        }
        cmd.env("TTV_CONFIG", &file);
    };
    let mut cmd = cli.ttv();
    bare(&mut cmd);
    let out = run(cmd.args(["get-users", "--login", "ninja"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(!out.stderr.contains("readable by other users"), "{}", out.stderr);

    // The environment wins over the file, and a flag over the environment.
    write(
        format!(
            "client_id = {:?}\nclient_secret = {:?}\nhelix_url = {unreachable:?}\n",
            mock.client_id(),
            mock.client_secret()
        ),
        0o644,
    );
    let mut cmd = cli.ttv();
    cmd.env("TTV_CONFIG", &file);
    let out = run(cmd.args(["get-users", "--login", "ninja"]));
    assert_eq!(out.code, 0, "environment over file: {}", out.stderr);
    assert!(out.stderr.contains("readable by other users"), "a readable secret is pointed out: {}", out.stderr);
    let mut cmd = cli.ttv();
    cmd.env("TTV_CONFIG", &file).env("TWITCH_HELIX_URL", unreachable);
    let out = run(cmd.args(["--helix-url", &mock.helix_url(), "get-users", "--login", "ninja"]));
    assert_eq!(out.code, 0, "flag over environment: {}", out.stderr);
    let mut cmd = cli.ttv();
    cmd.env("TTV_CONFIG", &file).env("TWITCH_HELIX_URL", unreachable);
    let out = run(cmd.args(["--retries", "0", "--timeout", "2", "get-users", "--login", "ninja"]));
    assert_eq!(out.code, 6, "the environment's URL was used: {}", out.stderr);

    // A key the file does not know is an error that names the file.
    write("client_idd = \"x\"\n".into(), 0o600);
    let mut cmd = cli.ttv();
    bare(&mut cmd);
    let out = run(cmd.args(["get-users", "--login", "ninja"]));
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(out.stderr.contains("ttv.toml") && out.stderr.contains("client_idd"), "{}", out.stderr);
}

/// Parameters that must name the token's user default to it, and another
/// user's id is refused before sending.
#[test]
fn the_token_users_id_is_filled_in_and_checked() {
    let mock = mock();
    let cli = Cli::new(&mock);
    let token = mock.issue_user_token("ninja", &["user:read:follows"]);
    let out = run(cli.ttv().env("TWITCH_USER_TOKEN", &token).args(["get-followed-streams"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let streams = out.json();
    let streams = streams.as_array().unwrap();
    assert!(!streams.is_empty());
    let with_flag = run(cli.ttv().env("TWITCH_USER_TOKEN", &token).args([
        "get-followed-streams",
        "--user-id",
        &mock.user_id("ninja").unwrap(),
    ]));
    assert_eq!(with_flag.json(), out.json(), "the same as naming the token's user");

    let before = mock.stats().helix_requests;
    let other = mock.user_id("pokimane").unwrap();
    let out = run(cli.ttv().env("TWITCH_USER_TOKEN", &token).args(["get-followed-streams", "--user-id", &other]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("must be the id of the token's user"), "{}", out.stderr);
    assert_eq!(mock.stats().helix_requests, before, "nothing was sent");
}

/// `ttv config init` writes a private config file from a client id and a
/// secret read on stdin, and `ttv` then works from that file alone.
#[test]
fn config_init_writes_a_private_file_that_ttv_then_uses() {
    use std::io::Write;
    let mock = mock();
    let cli = Cli::new(&mock);
    let file = cli.home().join("private").join("ttv.toml");
    let init = |force: bool| {
        let mut cmd = cli.ttv();
        cmd.env_remove("TWITCH_CLIENT_ID").env_remove("TWITCH_CLIENT_SECRET").env("TTV_CONFIG", &file);
        cmd.args(["config", "init", "--client-id", mock.client_id(), "--client-secret-stdin"]);
        if force {
            cmd.arg("--force");
        }
        cmd.stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        // A refused init (the file exists) exits without reading stdin, so the
        // write may meet a closed pipe; the exit code and stderr say what happened.
        let written = writeln!(child.stdin.take().unwrap(), "{}", mock.client_secret());
        assert!(written.is_ok() || written.as_ref().is_err_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe));
        let out = child.wait_with_output().unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, stdout, stderr) = init(false);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("\"client_secret_set\": true") && !stdout.contains(mock.client_secret()), "{stdout}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
        assert_eq!(std::fs::metadata(file.parent().unwrap()).unwrap().permissions().mode() & 0o777, 0o700);
    }
    // The file alone is enough (the mock's URLs still come from the environment).
    let mut cmd = cli.ttv();
    cmd.env_remove("TWITCH_CLIENT_ID").env_remove("TWITCH_CLIENT_SECRET").env("TTV_CONFIG", &file);
    let out = run(cmd.args(["get-users", "--login", "ninja"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    // An existing file is kept unless --force.
    let (code, _, stderr) = init(false);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("already exists; add --force"), "{stderr}");
    assert_eq!(init(true).0, Some(0));
    // `config path` names the file in use.
    let mut cmd = cli.ttv();
    let out = run(cmd.env("TTV_CONFIG", &file).args(["config", "path"]));
    assert_eq!((out.code, out.stdout.trim()), (0, file.to_str().unwrap()));
}

#[test]
fn a_token_kind_the_endpoint_does_not_take_is_refused_not_ignored() {
    let mock = mock();
    let cli = Cli::new(&mock);
    let token = mock.issue_user_token("ninja", &["user:read:follows"]);
    let user_only = run(cli.ttv().env("TWITCH_USER_TOKEN", &token).args([
        "--token",
        "app",
        "get-followed-streams",
        "--user-id",
        "10001",
    ]));
    assert_eq!(user_only.code, 2, "{}", user_only.stderr);
    assert!(user_only.stderr.contains("--token app: Get Followed Streams takes a user access token only"));
    let app_only = run(cli.ttv().env("TWITCH_USER_TOKEN", &token).args(["--token", "user", "get-conduits"]));
    assert_eq!(app_only.code, 2, "{}", app_only.stderr);
    assert!(app_only.stderr.contains("takes an app access token only; drop --token or use --token app"));
    assert_eq!(mock.stats().helix_requests, 0, "nothing was sent with the token not asked for");
    // `either` endpoints take what --token says.
    let either =
        run(cli.ttv().env("TWITCH_USER_TOKEN", &token).args(["--token", "app", "get-users", "--login", "ninja"]));
    assert_eq!(either.code, 0, "{}", either.stderr);
}
