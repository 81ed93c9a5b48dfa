//! The user login flows over real sockets: device codes, authorization codes
//! and refresh-token rotation.

use serde_json::{json, Value};

use crate::config::MockConfig;
use crate::server::MockServer;
use crate::test_http::{send, Reply};
use ttv_meta::form::parse_pairs;

const FORM: (&str, &str) = ("Content-Type", "application/x-www-form-urlencoded");

fn server(config: MockConfig) -> MockServer {
    MockServer::start_background(MockConfig { users: 20, games: 2, routes: &[], ..config }).expect("start mock")
}

fn post(mock: &MockServer, path: &str, body: &str) -> Reply {
    send(mock.addr(), "POST", path, &[FORM], body.as_bytes())
}

fn validate(mock: &MockServer, token: &str) -> Value {
    let auth = format!("OAuth {token}");
    send(mock.addr(), "GET", "/oauth2/validate", &[("Authorization", &auth)], b"").json()
}

fn start_device(mock: &MockServer) -> Value {
    let r = post(mock, "/oauth2/device", &format!("client_id={}&scopes=chat:read+user:read:follows", mock.client_id()));
    assert_eq!(r.status, 200);
    r.json()
}

fn poll(mock: &MockServer, device_code: &str) -> Reply {
    post(
        mock,
        "/oauth2/token",
        &format!(
            "client_id={}&scopes=chat:read&device_code={device_code}&grant_type=urn:ietf:params:oauth:grant-type:device_code",
            mock.client_id()
        ),
    )
}

#[test]
fn device_codes_are_approved_after_the_configured_polls() {
    let mock = server(MockConfig { device_interval: 0, ..MockConfig::default() });
    let d = start_device(&mock);
    assert_eq!(d["interval"], json!(0));
    let device_code = d["device_code"].as_str().unwrap();
    assert_eq!(d["user_code"].as_str().unwrap().len(), 8);
    for _ in 0..2 {
        let r = poll(&mock, device_code);
        assert_eq!((r.status, r.json()["message"].clone()), (400, json!("authorization_pending")));
    }
    let r = poll(&mock, device_code);
    assert_eq!(r.status, 200);
    let v = r.json();
    assert_eq!(v["scope"], json!(["chat:read", "user:read:follows"]));
    assert_eq!(validate(&mock, v["access_token"].as_str().unwrap())["login"], json!("ninja"));
    // Redeemed: the code is gone.
    assert_eq!(poll(&mock, device_code).json()["message"], json!("invalid device code"));
    assert!(mock.issued_secrets().iter().any(|s| s == device_code));
}

#[test]
fn slow_down_on_demand_and_when_polling_too_fast() {
    let mock = server(MockConfig { device_interval: 0, device_polls_before_approval: 0, ..MockConfig::default() });
    let d = start_device(&mock);
    mock.slow_down_next();
    let r = poll(&mock, d["device_code"].as_str().unwrap());
    assert_eq!(r.json()["message"], json!("slow_down"));
    // The interval is 5 s now: polling again at once is too fast.
    let r = poll(&mock, d["device_code"].as_str().unwrap());
    assert_eq!(r.json()["message"], json!("slow_down"));
}

#[test]
fn explicit_approval_picks_the_user_and_expiry_ends_the_code() {
    let mock =
        server(MockConfig { device_interval: 0, device_polls_before_approval: u32::MAX, ..MockConfig::default() });
    let d = start_device(&mock);
    assert!(mock.approve_device(d["user_code"].as_str().unwrap(), "pokimane"));
    let v = poll(&mock, d["device_code"].as_str().unwrap()).json();
    assert_eq!(validate(&mock, v["access_token"].as_str().unwrap())["login"], json!("pokimane"));

    let mock = server(MockConfig {
        device_interval: 0,
        device_code_lifetime: std::time::Duration::ZERO,
        ..MockConfig::default()
    });
    let d = start_device(&mock);
    let r = poll(&mock, d["device_code"].as_str().unwrap());
    assert_eq!((r.status, r.json()["message"].clone()), (400, json!("invalid device code")));
}

fn authorize(mock: &MockServer, state: &str) -> Vec<(String, String)> {
    let target = format!(
        "/oauth2/authorize?client_id={}&redirect_uri=http%3A%2F%2Flocalhost%3A3000%2Fcb&response_type=code&scope=chat%3Aread&state={state}",
        mock.client_id()
    );
    let r = send(mock.addr(), "GET", &target, &[], b"");
    assert_eq!(r.status, 302);
    let location = r.header("location").expect("location").to_string();
    let query = location.strip_prefix("http://localhost:3000/cb?").expect("redirects to redirect_uri");
    parse_pairs(query)
}

fn get<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

#[test]
fn authorization_codes_redirect_with_state_and_work_once() {
    let mock = server(MockConfig::default());
    let q = authorize(&mock, "xyz");
    assert_eq!(get(&q, "state"), Some("xyz"));
    assert_eq!(get(&q, "scope"), Some("chat:read"));
    let code = get(&q, "code").unwrap();
    let exchange = |secret: &str, redirect: &str| {
        post(
            &mock,
            "/oauth2/token",
            &format!(
                "client_id={}&client_secret={secret}&code={code}&grant_type=authorization_code&redirect_uri={redirect}",
                mock.client_id()
            ),
        )
    };
    assert_eq!(exchange("wrong", "http://localhost:3000/cb").status, 403);
    let r = exchange(mock.client_secret(), "http://localhost:3000/cb");
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["scope"], json!(["chat:read"]));
    assert_eq!(
        exchange(mock.client_secret(), "http://localhost:3000/cb").json()["message"],
        json!("Invalid authorization code")
    );

    let code = get(&authorize(&mock, "s"), "code").unwrap().to_string();
    let r = post(
        &mock,
        "/oauth2/token",
        &format!(
            "client_id={}&client_secret={}&code={code}&grant_type=authorization_code&redirect_uri=http://elsewhere",
            mock.client_id(),
            mock.client_secret()
        ),
    );
    assert_eq!(r.status, 400);

    mock.deny_next_authorize();
    let q = authorize(&mock, "s2");
    assert_eq!(get(&q, "error"), Some("access_denied"));
    assert_eq!(get(&q, "state"), Some("s2"));
    assert!(get(&q, "code").is_none());
}

#[test]
fn refresh_tokens_rotate_and_die_with_their_access_token() {
    let mock = server(MockConfig::default());
    let (access, refresh) = mock.issue_user_tokens("ninja", &["chat:read"]);
    let body = |r: &str| format!("client_id={}&grant_type=refresh_token&refresh_token={r}", mock.client_id());
    let r = post(&mock, "/oauth2/token", &body(&refresh));
    assert_eq!(r.status, 200);
    let v = r.json();
    let next = v["refresh_token"].as_str().unwrap().to_string();
    assert_ne!(next, refresh);
    assert_eq!(validate(&mock, v["access_token"].as_str().unwrap())["login"], json!("ninja"));
    let again = post(&mock, "/oauth2/token", &body(&refresh));
    assert_eq!((again.status, again.json()["message"].clone()), (400, json!("Invalid refresh token")));
    assert_eq!(mock.stats().refreshes, 1);
    assert!(mock.is_token_valid(&access), "the old access token lives until it expires");

    let new_access = v["access_token"].as_str().unwrap();
    let revoke = format!("client_id={}&token={new_access}", mock.client_id());
    assert_eq!(post(&mock, "/oauth2/revoke", &revoke).status, 200);
    assert!(!mock.is_token_valid(new_access));
    assert!(!mock.is_refresh_token_valid(&next));
}

#[test]
fn token_lifetimes_change_at_run_time() {
    let mock = server(MockConfig::default());
    mock.set_token_lifetime(std::time::Duration::from_secs(7));
    let (access, _) = mock.issue_user_tokens("ninja", &[]);
    let left = validate(&mock, &access)["expires_in"].as_u64().unwrap();
    assert!(left <= 7, "{left}");
}
