//! The Helix side over real sockets: routing, token and parameter checks,
//! answers from the data set, paging, and every endpoint of the spec answering.

use std::collections::HashSet;

use serde_json::{json, Map, Value};
use ttv_meta::{AuthClass, Location, ParamMeta, Shape};

use crate::route_meta::RouteMeta;

use crate::server::MockServer;
use crate::test_http::{fixture_server, helix, send};

fn get(mock: &MockServer, target: &str, token: &str) -> (u16, Value) {
    let r = helix(mock, "GET", target, token, "");
    (r.status, r.json())
}

fn field(v: &Value, name: &str) -> Vec<String> {
    v["data"]
        .as_array()
        .map(|items| items.iter().map(|i| i[name].as_str().unwrap_or_default().to_string()).collect())
        .unwrap_or_default()
}

#[test]
fn unknown_paths_and_methods() {
    let mock = fixture_server();
    let app = mock.issue_app_token();
    let (status, body) = get(&mock, "/nope", &app);
    assert_eq!(status, 404);
    assert_eq!(body, json!({"error": "Not Found", "status": 404, "message": ""}));
    let r = helix(&mock, "DELETE", "/users", &app, "");
    assert_eq!(r.status, 405);
    assert_eq!(r.json()["error"], json!("Method Not Allowed"));
    assert_eq!(send(mock.addr(), "GET", "/elsewhere", &[], b"").status, 404);
}

#[test]
fn tokens_and_client_ids_are_checked() {
    let mock = fixture_server();
    let app = mock.issue_app_token();
    let r = send(mock.addr(), "GET", "/helix/users?id=10001", &[("Client-Id", mock.client_id())], b"");
    assert_eq!(r.status, 401);
    assert_eq!(r.json(), json!({"error": "Unauthorized", "status": 401, "message": "OAuth token is missing"}));

    let auth = format!("Bearer {app}");
    let r = send(mock.addr(), "GET", "/helix/users?id=10001", &[("Authorization", &auth)], b"");
    assert_eq!(r.json()["message"], json!("Client ID and OAuth token do not match"));
    let r = send(mock.addr(), "GET", "/helix/users?id=10001", &[("Authorization", &auth), ("Client-Id", "other")], b"");
    assert_eq!(r.status, 401);

    let (status, body) = get(&mock, "/users?id=10001", "bogus");
    assert_eq!((status, body["message"].clone()), (401, json!("Invalid OAuth token")));

    mock.expire_token(&app);
    assert_eq!(get(&mock, "/users?id=10001", &app).0, 401);
}

#[test]
fn token_kind_and_scopes_are_enforced() {
    let mock = fixture_server();
    let app = mock.issue_app_token();
    let user = mock.issue_user_token("ninja", &[]);
    let (status, body) = get(&mock, "/channels/followed?user_id=10001", &app);
    assert_eq!(status, 401);
    assert_eq!(body["message"], json!("This endpoint requires a user access token"));
    let (_, body) = get(&mock, "/eventsub/conduits", &user);
    assert_eq!(body["message"], json!("This endpoint requires an app access token"));
    let (_, body) = get(&mock, "/channels/followed?user_id=10001", &user);
    assert_eq!(body["message"], json!("Missing scope: user:read:follows"));
    let (status, body) = get(&mock, "/eventsub/conduits", &app);
    assert_eq!(status, 200);
    assert_eq!(body["data"].as_array().map(Vec::len), Some(2));
    assert!(body.get("pagination").is_none());

    let poll = json!({
        "broadcaster_id": "10001",
        "title": "Best map?",
        "choices": [{"title": "A"}, {"title": "B"}],
    })
    .to_string();
    let poll = poll.as_str();
    let r = helix(&mock, "POST", "/polls", &user, poll);
    assert_eq!(r.json()["message"], json!("Missing scope: one of channel:manage:polls, channel:manage:broadcast"));
    let polls = mock.issue_user_token("ninja", &["channel:manage:polls"]);
    let r = helix(&mock, "POST", "/polls", &polls, poll);
    assert_eq!(r.status, 200);
    let item = &r.json()["data"][0];
    assert_eq!(item["title"], json!("Best map?"));
    assert_eq!(item["broadcaster_login"], json!("ninja"));
    assert_eq!(item["choices"][1]["title"], json!("B"));
    assert_eq!(item["choices"].as_array().map(Vec::len), Some(2));
}

#[test]
fn parameters_are_validated() {
    let mock = fixture_server();
    let app = mock.issue_app_token();
    let (status, body) = get(&mock, "/search/channels", &app);
    assert_eq!(status, 400);
    assert_eq!(
        body,
        json!({
            "error": "Bad Request",
            "status": 400,
            "message": "Missing required parameter \"query\"",
        })
    );
    assert_eq!(get(&mock, "/search/channels?query=a&first=0", &app).0, 400);
    assert_eq!(get(&mock, "/clips?game_id=1&id=2", &app).0, 400);
    let many: Vec<String> = (0..101).map(|i| format!("id={i}")).collect();
    assert_eq!(get(&mock, &format!("/users?{}", many.join("&")), &app).0, 400);
    let bad = helix(
        &mock,
        "PATCH",
        "/channels?broadcaster_id=10001",
        &mock.issue_user_token("ninja", &["channel:manage:broadcast"]),
        "{nope",
    );
    assert_eq!(bad.status, 400);
}

#[test]
fn users_by_login_and_id_and_the_token_user() {
    let mock = fixture_server();
    let app = mock.issue_app_token();
    let (status, body) = get(&mock, "/users?login=shroud&id=10001&login=nobody", &app);
    assert_eq!(status, 200);
    assert_eq!(field(&body, "login"), ["ninja", "shroud"]);
    assert_eq!(body["data"][1]["id"], json!("10003"));
    assert!(body.get("pagination").is_none());

    let me = mock.issue_user_token("xqc", &[]);
    assert_eq!(field(&get(&mock, "/users", &me).1, "login"), ["xqc"]);
    assert_eq!(get(&mock, "/users", &app).0, 400);
}

#[test]
fn listed_things_about_users_name_other_users_than_the_channel() {
    let mock = MockServer::start_background(crate::config::MockConfig::default()).expect("mock");
    let me = mock.issue_user_token("ninja", &["channel:read:editors"]);
    let (status, body) = get(&mock, "/channels/editors?broadcaster_id=10001", &me);
    assert_eq!(status, 200, "{body}");
    let ids = field(&body, "user_id");
    assert_eq!(ids.len(), 2);
    assert!(!ids.contains(&"10001".to_owned()), "the broadcaster is not their own editor: {ids:?}");
    assert_ne!(ids[0], ids[1], "{ids:?}");
}

#[test]
fn search_finds_arcomage_and_filters_live() {
    let mock = fixture_server();
    let app = mock.issue_app_token();
    let (_, body) = get(&mock, "/search/channels?query=arcomage", &app);
    assert_eq!(field(&body, "broadcaster_login"), ["arcomage"]);
    assert!(body["data"][0]["title"].as_str().unwrap_or_default().contains("arcomage"));
    let (_, body) = get(&mock, "/search/channels?query=ninja&live_only=true", &app);
    assert_eq!(body["data"][0]["is_live"], json!(true));
    let (_, body) = get(&mock, "/search/channels?query=pokimane&live_only=true", &app);
    assert_eq!(body["data"], json!([]));
    let (_, body) = get(&mock, "/search/channels?query=pokimane", &app);
    assert_eq!(body["data"][0]["started_at"], json!(""));
}

#[test]
fn streams_page_through_every_live_channel_once() {
    let mock = fixture_server();
    let app = mock.issue_app_token();
    let mut seen = Vec::new();
    let mut target = "/streams?first=7".to_string();
    loop {
        let (status, body) = get(&mock, &target, &app);
        assert_eq!(status, 200);
        let page = field(&body, "user_login");
        assert!(page.len() <= 7);
        seen.extend(page);
        match body["pagination"]["cursor"].as_str() {
            Some(cursor) => target = format!("/streams?first=7&after={cursor}"),
            None => {
                assert_eq!(body["pagination"], json!({}));
                break;
            }
        }
    }
    let unique: HashSet<&String> = seen.iter().collect();
    assert_eq!(seen.len(), 20);
    assert_eq!(unique.len(), 20);
    assert_eq!(seen[0], "ninja");
    assert!(!seen.contains(&"pokimane".to_string()));
    let (_, body) = get(&mock, "/streams", &app);
    assert_eq!(body["data"].as_array().map(Vec::len), Some(20));
    assert_eq!(body["data"][0]["type"], json!("live"));
}

#[test]
fn follows_report_a_total() {
    let mock = fixture_server();
    let user = mock.issue_user_token("ninja", &["user:read:follows"]);
    let (status, body) = get(&mock, "/channels/followed?user_id=10001&first=2", &user);
    assert_eq!(status, 200);
    assert_eq!(body["total"], json!(5));
    assert_eq!(field(&body, "broadcaster_login"), ["pokimane", "shroud"]);
    assert!(body["pagination"]["cursor"].is_string());
}

#[test]
fn patch_changes_the_channel_and_path_params_route() {
    let mock = fixture_server();
    let user = mock.issue_user_token("ninja", &["channel:manage:broadcast"]);
    let r = helix(&mock, "PATCH", "/channels?broadcaster_id=10001", &user, r#"{"title":"arcomage rematch"}"#);
    assert_eq!(r.status, 204);
    assert!(r.body.is_empty());
    let (_, body) = get(&mock, "/search/channels?query=ninja", &user);
    assert_eq!(body["data"][0]["title"], json!("arcomage rematch"));
    let (_, body) = get(&mock, "/streams?user_login=ninja", &user);
    assert_eq!(body["data"][0]["title"], json!("arcomage rematch"));

    assert_eq!(helix(&mock, "DELETE", "/things/abc", &user, "").status, 204);
    let (_, body) = get(&mock, "/things/a%20b", &user);
    // Path parameters reach made-up items like query parameters do.
    assert_eq!(field(&body, "thing_id"), ["a b", "a b"]);
    // Made-up ids are UUID-shaped and distinct, not placeholders like `id-0`.
    let ids = field(&body, "id");
    assert!(ids.iter().all(|id| id.len() == 36 && id.matches('-').count() == 4), "{ids:?}");
    assert_ne!(ids[0], ids[1]);
    let (status, body) = get(&mock, "/things/latest", &user);
    assert_eq!(status, 200);
    assert!(body["data"][0]["shard_count"].is_number());
}

#[test]
fn rate_limit_headers_count_down() {
    let mock = fixture_server();
    let app = mock.issue_app_token();
    let first = helix(&mock, "GET", "/users?id=10001", &app, "");
    let second = helix(&mock, "GET", "/nope", &app, "");
    assert_eq!(first.header("ratelimit-limit"), Some("800"));
    let remaining = |r: &crate::test_http::Reply| r.header("ratelimit-remaining").and_then(|v| v.parse::<u32>().ok());
    assert_eq!(remaining(&first), Some(799));
    assert!(remaining(&second).is_some_and(|n| n == 798 || n == 799));
    let reset = first.header("ratelimit-reset").and_then(|v| v.parse::<u64>().ok());
    assert!(reset.is_some_and(|r| r.is_multiple_of(60)));
    assert_eq!(mock.stats().helix_requests, 2);
}

/// A plausible value for a parameter, as the query text and as JSON.
fn sample(name: &str, shape: &Shape) -> Value {
    match shape {
        Shape::Optional(inner) => sample(name, inner),
        Shape::String if name.ends_with("id") => json!("10001"),
        Shape::String if name.ends_with("login") => json!("ninja"),
        Shape::String => json!("text"),
        Shape::Integer => json!(1),
        Shape::Number => json!(1.0),
        Shape::Boolean => json!(false),
        Shape::DateTime => json!("2024-01-01T00:00:00Z"),
        Shape::Json => json!({}),
        Shape::List(inner) => json!([sample(name, inner)]),
        Shape::Object(ty) => Value::Object(
            ty.fields
                .iter()
                .map(|f| {
                    let value = match (f.values.first(), f.min_length) {
                        (Some(first), _) => json!(first),
                        // A string under its lower limit is a 400.
                        (None, Some(min)) => json!("t".repeat(min as usize)),
                        (None, None) => sample(f.name, &f.shape),
                    };
                    (f.name.to_string(), value)
                })
                .collect(),
        ),
    }
}

/// Every endpoint of the real table answers a well-formed request with
/// 2xx (one marked `gone`: its status), so a new endpoint in endpoints.yaml is
/// served without mock code.
#[test]
fn every_spec_endpoint_answers() {
    every_endpoint_answers(crate::routes::ROUTES);
}

#[test]
fn every_fixture_endpoint_answers() {
    every_endpoint_answers(crate::test_fixtures::ROUTES);
}

fn every_endpoint_answers(routes: &'static [RouteMeta]) {
    let mock = MockServer::start_background(crate::config::MockConfig {
        users: 30,
        routes,
        ..crate::config::MockConfig::default()
    })
    .expect("start");
    let scopes: Vec<&str> =
        routes.iter().flat_map(|r| r.endpoint.scopes_all.iter().chain(r.endpoint.scopes_any)).copied().collect();
    let user = mock.issue_user_token("ninja", &scopes);
    let app = mock.issue_app_token();
    for route in routes {
        let ep = route.endpoint;
        // The first of each group stands in for the group.
        let wanted = |p: &ParamMeta| {
            p.required || ep.one_of.iter().chain(ep.at_least_one_of).any(|g| g.first() == Some(&p.name))
        };
        let mut path = ep.path.to_string();
        let mut query = Vec::new();
        let mut body = Map::new();
        for p in ep.params.iter().filter(|p| wanted(p)) {
            let value = match (p.range, p.values.first()) {
                // The smallest value the spec allows is always valid.
                (Some((lo, _)), _) => json!(lo),
                // A closed set: anything else is a 400.
                (None, Some(first)) if matches!(p.shape.inner(), Shape::Integer) => {
                    json!(first.parse::<i64>().expect("the spec's check: a whole number"))
                }
                (None, Some(first)) if p.shape.is_list() => json!([first]),
                (None, Some(first)) => json!(first),
                (None, None) => sample(p.name, &p.shape),
            };
            let text = match &value {
                Value::String(s) => s.clone(),
                Value::Array(items) => items.first().map(|v| v.to_string()).unwrap_or_default(),
                v => v.to_string(),
            };
            let text = text.trim_matches('"').to_string();
            match p.location {
                Location::Path => path = path.replace(&format!("{{{}}}", p.name), &text),
                Location::Query => query.push(format!("{}={text}", p.name)),
                Location::Body => {
                    body.insert(p.name.to_string(), value);
                }
            }
        }
        let jwt = ttv_meta::jwt::sign_hs256(
            crate::config::DEFAULT_EXTENSION_SECRET,
            &json!({"exp": u64::MAX / 2, "user_id": "10001", "role": "external"}),
        );
        let token = match ep.auth {
            AuthClass::App => &app,
            AuthClass::Extension => &jwt,
            _ => &user,
        };
        // Fields whose values depend on the token kind get one the user token may use.
        for rule in ep.token_values {
            let mut path = rule.field.split('.');
            let mut slot = path.next().and_then(|root| body.get_mut(root));
            for part in path {
                slot = slot.and_then(|v| v.get_mut(part));
            }
            if let (Some(slot), Some(value)) = (slot, rule.user.first()) {
                *slot = json!(value);
            }
        }
        let body = if body.is_empty() { String::new() } else { Value::Object(body).to_string() };
        let target = format!("{path}?{}", query.join("&"));
        let r = helix(&mock, ep.http_method.as_str(), &target, token, &body);
        // Ending or deleting a kept thing (a poll, a reward) by a made-up id is
        // Twitch's 404; created.rs's tests run the create-then-end round trip.
        let changes_kept = crate::created::Kind::of(ep).is_some()
            && matches!(ep.http_method, ttv_meta::HttpMethod::Patch | ttv_meta::HttpMethod::Delete);
        if changes_kept && r.status == 404 {
            continue;
        }
        // A WebSocket subscription needs a live session and a real type: made-up
        // values are Twitch's 400 (eventsub_ws.rs creates real ones).
        if ep.name == "Create EventSub Subscription" {
            assert_eq!(r.status, 400, "{}", String::from_utf8_lossy(&r.body));
            continue;
        }
        // An endpoint Twitch removed answers its status with Twitch's error body.
        if let Some(gone) = route.gone {
            assert_eq!(r.status, gone, "{} {target}", ep.name);
            assert_eq!(r.json()["status"], json!(gone), "{}", ep.name);
            continue;
        }
        assert!(
            (200..300).contains(&r.status),
            "{} {target}: {} {}",
            ep.name,
            r.status,
            String::from_utf8_lossy(&r.body)
        );
        if let (Some(Shape::Object(item)), ttv_meta::ResponseMeta::Data { single, .. }) = (&route.item, &ep.response) {
            let data = r.json()["data"].clone();
            let first = if *single { data } else { data.get(0).cloned().unwrap_or(Value::Null) };
            // `email` goes only to a user token with user:read:email for its own user (private_fields.rs).
            for f in item.fields.iter().filter(|f| !first.is_null() && f.name != "email") {
                assert!(first.get(f.name).is_some(), "{}: field {} missing", ep.name, f.name);
            }
        }
    }
}

#[tokio::test]
async fn start_serves_on_the_current_runtime() {
    let mock = MockServer::start(crate::config::MockConfig {
        users: 12,
        routes: crate::test_fixtures::ROUTES,
        ..crate::config::MockConfig::default()
    })
    .await
    .expect("start");
    assert!(mock.helix_url().starts_with("http://127.0.0.1:"));
    assert!(mock.helix_url().ends_with("/helix"));
    assert!(mock.oauth2_url().ends_with("/oauth2"));
    let token = mock.issue_user_token("ninja", &[]);
    let addr = mock.addr();
    let client_id = mock.client_id().to_string();
    let reply = tokio::task::spawn_blocking(move || {
        let auth = format!("Bearer {token}");
        send(addr, "GET", "/helix/users", &[("Client-Id", client_id.as_str()), ("Authorization", auth.as_str())], b"")
    })
    .await
    .expect("request");
    assert_eq!(field(&reply.json(), "login"), ["ninja"]);
}
