//! The one generic Helix handler: find the route in the table, check the
//! token and the parameters like Twitch does, then answer from the data set
//! (select, page, shape) or with made-up items of the response type.

use axum::http::{HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Map, Value};
use ttv_meta::{AuthClass, EndpointMeta, HttpMethod, Location, ResponseMeta, Shape};

use crate::dataset::Dataset;
use crate::entity::{str_field, Entity};
use crate::helix_error::{rate_limit_headers, too_many_requests, HelixError};
use crate::page::{page, pagination};
use crate::params::{parse_body, validate, Params};
use crate::request::MockRequest;
use crate::route_meta::RouteMeta;
use crate::select::{select_indexed, Request};
use crate::shape::project_item;
use crate::state::MockState;
use crate::token::TokenInfo;

/// How many made-up items a list endpoint without a data source answers with.
const SYNTHETIC_ITEMS: usize = 2;

/// Answers a request under `/helix`, with rate-limit headers on every answer.
pub fn respond(state: &MockState, req: &MockRequest) -> Response {
    state.count_helix();
    let bucket = match req.header("authorization").and_then(bearer) {
        Some(token) => format!("token:{token}"),
        None => format!("client:{}", req.header("client-id").unwrap_or_default()),
    };
    let limit = state.take_rate_limit(&bucket);
    if !limit.granted {
        return too_many_requests(limit.limit, limit.reset);
    }
    let mut response = answer(state, req).unwrap_or_else(IntoResponse::into_response);
    rate_limit_headers(&mut response, limit.limit, limit.remaining, limit.reset);
    response
}

fn bad_request(message: String) -> HelixError {
    HelixError::new(StatusCode::BAD_REQUEST, message)
}

fn unauthorized(message: &str) -> HelixError {
    HelixError::new(StatusCode::UNAUTHORIZED, message)
}

/// The endpoint a request is for, with its `{param}` path captures.
struct Matched {
    route: &'static RouteMeta,
    captures: Vec<(String, String)>,
}

fn answer(state: &MockState, req: &MockRequest) -> Result<Response, HelixError> {
    let path = req.path.strip_prefix("/helix").unwrap_or(&req.path);
    let Matched { route, captures } = find_route(state.config.routes, &req.method, path)?;
    let ep = route.endpoint;
    let token = authorize(state, ep, req)?;

    let mut params = Params::from_query(&req.query);
    for (name, value) in captures {
        params.push(name, value);
    }
    let body = parse_body(ep, &req.body).map_err(bad_request)?;
    validate(ep, &params, body.as_ref()).map_err(bad_request)?;
    check_token_values(ep, token.is_user(), body.as_ref())?;
    let user_id = token.user.map(|u| u.id);
    check_token_user(ep, user_id.as_deref(), &params, body.as_ref())?;
    if user_id.is_none() {
        crate::params::check_app_token_groups(ep, &params, body.as_ref()).map_err(bad_request)?;
    }
    let ask = Ask { route, ep, params, body, user_id };

    if let (Some(source), Some(body)) = (route.source, &ask.body) {
        apply_patch(state, &ask, source, body)?;
    }
    let item = route.item_shape();
    let (paginated, single) = match &ep.response {
        ResponseMeta::Data { paginated, single } => (*paginated, *single),
        ResponseMeta::NoContent => return Ok(StatusCode::NO_CONTENT.into_response()),
        ResponseMeta::Text { content_type } => {
            let data = state.data.read().unwrap_or_else(|e| e.into_inner());
            return Ok(text_answer(&data, &ask, content_type));
        }
        _ => return Ok(StatusCode::NOT_IMPLEMENTED.into_response()),
    };
    let data = state.data.read().unwrap_or_else(|e| e.into_inner());
    let mut out = match route.source {
        Some(source) => from_source(&data, &ask, source, item)?,
        None => {
            let mut out = Map::new();
            out.insert("data".into(), synthesize_items(&data, &ask, item));
            out.insert("pagination".into(), pagination(None));
            out
        }
    };
    if !paginated {
        out.remove("pagination");
    }
    if single {
        // Twitch sends some answers as one object under `data`.
        let first = out.get_mut("data").and_then(|d| d.as_array_mut()).and_then(|a| a.drain(..).next());
        out.insert("data".into(), first.unwrap_or_else(|| json!({})));
    }
    Ok((StatusCode::OK, Json(Value::Object(out))).into_response())
}

/// A text answer: an iCalendar feed of the named channel for `text/calendar`,
/// plain text otherwise.
fn text_answer(data: &Dataset, ask: &Ask, content_type: &str) -> Response {
    let channel = ask.params.first("broadcaster_id").and_then(|id| data.channel(id));
    let name = channel.and_then(|c| c.get("broadcaster_name")).and_then(Value::as_str).unwrap_or("ttv-mock");
    let body = if content_type == "text/calendar" {
        format!(
            "BEGIN:VCALENDAR\r\nPRODID:-//ttv-mock//EN\r\nVERSION:2.0\r\nNAME:{name}\r\n\
             BEGIN:VEVENT\r\nUID:ttv-mock-1\r\nDTSTART:20240101T180000Z\r\nDTEND:20240101T200000Z\r\n\
             SUMMARY:{name} streams\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
        )
    } else {
        format!("{name}\n")
    };
    let mut response = (StatusCode::OK, body).into_response();
    if let Ok(v) = HeaderValue::from_str(content_type) {
        response.headers_mut().insert("content-type", v);
    }
    response
}

/// A checked request: the endpoint, its parameters and body, and who asks.
struct Ask {
    route: &'static RouteMeta,
    ep: &'static EndpointMeta,
    params: Params,
    body: Option<Entity>,
    /// The token's user; `None` for app tokens.
    user_id: Option<String>,
}

impl Ask {
    fn select(&self, data: &Dataset, source: &str, items: &[Entity]) -> Result<Vec<usize>, HelixError> {
        let body = self.body.as_ref();
        let user_id = self.user_id.as_deref();
        let request = Request { params: &self.params, body, token_user_id: user_id, follows: &data.follows };
        select_indexed(Some(&data.index), self.route, source, items, request).map_err(bad_request)
    }
}

/// `data`, `pagination` (and `total` for follows) from a data-set collection.
fn from_source(data: &Dataset, ask: &Ask, source: &str, item: &Shape) -> Result<Map<String, Value>, HelixError> {
    let items = data.collection(source).ok_or_else(|| unknown_source(source))?;
    let selected = ask.select(data, source, items)?;
    let page = page(ask.ep, selected.len(), &ask.params).map_err(bad_request)?;
    let start = page.range.start;
    let list: Vec<Value> =
        selected[page.range].iter().enumerate().map(|(k, &i)| project_item(&items[i], item, start + k)).collect();
    let mut out = Map::new();
    out.insert("data".into(), Value::Array(list));
    // Twitch reports how many follows matched in all, across pages.
    if source == "follows" {
        out.insert("total".into(), json!(selected.len()));
    }
    out.insert("pagination".into(), pagination(page.cursor.as_deref()));
    Ok(out)
}

/// Finds the endpoint for a method and path. A path known under another
/// method gets 405; literal paths win over `{param}` templates.
fn find_route(routes: &'static [RouteMeta], method: &Method, path: &str) -> Result<Matched, HelixError> {
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let mut path_known = false;
    let mut best: Option<Matched> = None;
    for route in routes {
        let Some(captures) = match_path(route.endpoint.path, &segments) else {
            continue;
        };
        path_known = true;
        if route.endpoint.http_method.as_str() != method.as_str() {
            continue;
        }
        if best.as_ref().is_none_or(|b| captures.len() < b.captures.len()) {
            best = Some(Matched { route, captures });
        }
    }
    match best {
        Some(route) => Ok(route),
        None if path_known => Err(HelixError::new(StatusCode::METHOD_NOT_ALLOWED, "")),
        None => Err(HelixError::new(StatusCode::NOT_FOUND, "")),
    }
}

/// Matches request segments against a template; returns the `{param}` captures.
fn match_path(template: &str, segments: &[&str]) -> Option<Vec<(String, String)>> {
    let parts: Vec<&str> = template.split('/').filter(|s| !s.is_empty()).collect();
    if parts.len() != segments.len() {
        return None;
    }
    let mut captures = Vec::new();
    for (part, seg) in parts.iter().zip(segments) {
        match part.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
            Some(name) => captures.push((name.to_string(), ttv_meta::form::decode(seg))),
            None if part == seg => {}
            None => return None,
        }
    }
    Some(captures)
}

/// The token in `Authorization: Bearer <token>`.
fn bearer(value: &str) -> Option<&str> {
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// Checks the token, its client, its kind and its scopes, in Twitch's order.
fn authorize(state: &MockState, ep: &EndpointMeta, req: &MockRequest) -> Result<TokenInfo, HelixError> {
    let client_id = req.header("client-id").map(str::trim).filter(|c| !c.is_empty());
    if ep.auth == AuthClass::NoToken {
        return Ok(TokenInfo::anonymous(client_id.unwrap_or_default()));
    }
    let Some(auth) = req.header("authorization") else {
        return Err(unauthorized("OAuth token is missing"));
    };
    if ep.auth == AuthClass::Extension {
        // Extension endpoints take a JWT signed with the extension secret, not an OAuth token.
        let jwt = bearer(auth).ok_or_else(|| unauthorized("JWT token is missing"))?;
        ttv_meta::jwt::verify_hs256(&state.config.extension_secret, jwt)
            .ok_or_else(|| unauthorized("Invalid or expired JWT"))?;
        if client_id != Some(state.config.client_id.as_str()) {
            return Err(unauthorized("Client ID does not belong to the extension"));
        }
        return Ok(TokenInfo::anonymous(&state.config.client_id));
    }
    let info = bearer(auth).and_then(|t| state.lookup(t)).ok_or_else(|| unauthorized("Invalid OAuth token"))?;
    if client_id != Some(info.client_id.as_str()) {
        return Err(unauthorized("Client ID and OAuth token do not match"));
    }
    match (ep.auth, info.is_user()) {
        (AuthClass::User, false) => return Err(unauthorized("This endpoint requires a user access token")),
        (AuthClass::App, true) => return Err(unauthorized("This endpoint requires an app access token")),
        _ => {}
    }
    // Scopes are a user's grant; app tokens carry none, and Twitch checks an
    // app token's user authorizations (e.g. chat bots) elsewhere.
    if let Some(missing) = info.is_user().then(|| ep.missing_scopes(&info.scopes)).flatten() {
        return Err(unauthorized(&format!("Missing scope: {missing}")));
    }
    Ok(info)
}

/// Parameters marked `token_user` must name the user of a user token, as
/// Twitch answers when they do not.
fn check_token_user(
    ep: &EndpointMeta,
    user_id: Option<&str>,
    params: &Params,
    body: Option<&Entity>,
) -> Result<(), HelixError> {
    let Some(user_id) = user_id else { return Ok(()) };
    for p in ep.params.iter().filter(|p| p.token_user) {
        if crate::params::values_of(p.name, params, body).iter().any(|v| *v != user_id) {
            return Err(HelixError::new(
                StatusCode::UNAUTHORIZED,
                format!("The ID in {} must match the user ID found in the request's OAuth token.", p.name),
            ));
        }
    }
    Ok(())
}

/// Twitch refuses, e.g., a WebSocket EventSub transport with an app token.
fn check_token_values(ep: &EndpointMeta, is_user: bool, body: Option<&Entity>) -> Result<(), HelixError> {
    for rule in ep.token_values {
        let mut parts = rule.field.split('.');
        let root = parts.next().unwrap_or_default();
        let mut value = body.and_then(|b| b.get(root));
        for part in parts {
            value = value.and_then(|v| v.get(part));
        }
        let Some(value) = value.and_then(Value::as_str) else { continue };
        let allowed = if is_user { rule.user } else { rule.app };
        if !allowed.contains(&value) {
            return Err(bad_request(format!("{} `{value}` cannot be used with this kind of access token", rule.field)));
        }
    }
    Ok(())
}

/// PATCH requests change the selected items in memory (Modify Channel
/// Information changes the title later reads see). Other methods leave the
/// data set alone.
fn apply_patch(state: &MockState, ask: &Ask, source: &str, body: &Entity) -> Result<(), HelixError> {
    if ask.ep.http_method != HttpMethod::Patch {
        return Ok(());
    }
    let mut data = state.data.write().unwrap_or_else(|e| e.into_inner());
    let items = data.collection(source).ok_or_else(|| unknown_source(source))?;
    let selected = ask.select(&data, source, items)?;
    // Only declared body fields change the items; the query chose which.
    let changes: Entity = body
        .iter()
        .filter(|(k, _)| ask.ep.param(k).is_some_and(|p| p.location == Location::Body))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    data.patch(source, &selected, &changes);
    Ok(())
}

fn unknown_source(source: &str) -> HelixError {
    HelixError::new(StatusCode::INTERNAL_SERVER_ERROR, format!("ttv-mock has no data set named \"{source}\""))
}

/// Items for an endpoint without a data source. They start from what the
/// request said (its parameters and body, and the channel it names) so that,
/// say, a created poll echoes its title and choices.
fn synthesize_items(data: &Dataset, ask: &Ask, item: &Shape) -> Value {
    let body = ask.body.as_ref();
    let mut base = Entity::new();
    let named = ["broadcaster_id", "user_id"].iter().find_map(|k| {
        let id = ask.params.first(k).or_else(|| body.and_then(|b| b.get(*k)).and_then(Value::as_str))?;
        data.channel(id)
    });
    if let Some(channel) = named {
        base.extend(channel.iter().map(|(k, v)| (k.clone(), v.clone())));
    }
    for (name, values) in ask.params.iter() {
        if let Some(v) = values.first() {
            base.insert(name.to_string(), json!(v));
        }
    }
    if let Some(body) = body {
        base.extend(body.iter().map(|(k, v)| (k.clone(), v.clone())));
    }
    // One thing created or changed; a couple of things listed.
    if ask.ep.http_method != HttpMethod::Get {
        return Value::Array(vec![project_item(&base, item, 0)]);
    }
    // Listed things are about other users (editors, moderators, banned users)
    // unless the request named the user: each gets one from the data set.
    let named_user =
        ask.params.first("user_id").or_else(|| body.and_then(|b| b.get("user_id")).and_then(Value::as_str));
    let owner = base.get("broadcaster_id").or_else(|| base.get("id")).and_then(Value::as_str).map(str::to_owned);
    let others = data.users.iter().filter(|u| owner.is_none() || str_field(u, "id") != owner.as_deref());
    let mut others = others.cycle();
    let items = (0..SYNTHETIC_ITEMS).map(|n| {
        let mut entity = base.clone();
        let user = match named_user {
            Some(id) => data.user_by_id(id),
            None => others.next(),
        };
        if let Some(other) = user {
            for (to, from) in [("user_id", "id"), ("user_login", "login"), ("user_name", "display_name")] {
                if let Some(v) = other.get(from) {
                    entity.insert(to.into(), v.clone());
                }
            }
        }
        project_item(&entity, item, n)
    });
    Value::Array(items.collect())
}

#[cfg(test)]
mod tests {
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
        let r =
            send(mock.addr(), "GET", "/helix/users?id=10001", &[("Authorization", &auth), ("Client-Id", "other")], b"");
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
        assert_eq!(field(&body, "id"), ["id-0", "id-1"]);
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
        let remaining =
            |r: &crate::test_http::Reply| r.header("ratelimit-remaining").and_then(|v| v.parse::<u32>().ok());
        assert_eq!(remaining(&first), Some(799));
        assert!(remaining(&second).is_some_and(|n| n == 798 || n == 799));
        let reset = first.header("ratelimit-reset").and_then(|v| v.parse::<u64>().ok());
        assert!(reset.is_some_and(|r| r % 60 == 0));
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
            Shape::Object(ty) => {
                Value::Object(ty.fields.iter().map(|f| (f.name.to_string(), sample(f.name, &f.shape))).collect())
            }
        }
    }

    /// Every endpoint of the real table answers a well-formed request with
    /// 2xx, so a new endpoint in endpoints.yaml is served without mock code.
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
                let value = match p.range {
                    // The smallest value the spec allows is always valid.
                    Some((lo, _)) => json!(lo),
                    None => sample(p.name, &p.shape),
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
            assert!(
                (200..300).contains(&r.status),
                "{} {target}: {} {}",
                ep.name,
                r.status,
                String::from_utf8_lossy(&r.body)
            );
            if let (Some(Shape::Object(item)), ttv_meta::ResponseMeta::Data { single, .. }) =
                (&route.item, &ep.response)
            {
                let data = r.json()["data"].clone();
                let first = if *single { data } else { data.get(0).cloned().unwrap_or(Value::Null) };
                for f in item.fields.iter().filter(|_| !first.is_null()) {
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
            send(
                addr,
                "GET",
                "/helix/users",
                &[("Client-Id", client_id.as_str()), ("Authorization", auth.as_str())],
                b"",
            )
        })
        .await
        .expect("request");
        assert_eq!(field(&reply.json(), "login"), ["ninja"]);
    }
}
