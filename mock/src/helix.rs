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
use crate::items::Items;
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
    // A removed endpoint: Twitch answers a valid request with its error, whatever it asks.
    if let Some(status) = route.gone {
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::GONE);
        return Err(HelixError::new(status, format!("{} was removed by Twitch", ep.name)));
    }

    let mut params = Params::from_query(&req.query);
    for (name, value) in captures {
        params.push(name, value);
    }
    let body = parse_body(ep, &req.body).map_err(bad_request)?;
    validate(ep, &params, body.as_ref()).map_err(bad_request)?;
    check_token_values(ep, token.is_user(), body.as_ref())?;
    check_only_with(ep, token.is_user(), &params, body.as_ref())?;
    let email_reader = crate::private_fields::email_reader(&token);
    let scopes = token.scopes;
    let user_id = token.user.map(|u| u.id);
    check_token_user(ep, user_id.as_deref(), &params, body.as_ref())?;
    if user_id.is_none() {
        crate::params::check_app_token_groups(ep, &params, body.as_ref()).map_err(bad_request)?;
    }
    let ask = Ask { route, ep, params, body, user_id, email_reader, scopes };

    if let Some(kind) = crate::created::Kind::of(ep) {
        return kept_answer(state, &ask, kind, &token.client_id);
    }

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
    if ep.name == "Send Chat Message" {
        chat_sent(state, &data, &ask, &mut out);
    }
    Ok(finish(out, paginated, single))
}

/// Polls, predictions, rewards, EventSub subscriptions, blocked terms and
/// pinned chat messages: answered from what earlier requests created (created.rs).
fn kept_answer(
    state: &MockState,
    ask: &Ask,
    kind: crate::created::Kind,
    client_id: &str,
) -> Result<Response, HelixError> {
    use crate::created::{Call, Kind};
    let data = state.data.read().unwrap_or_else(|e| e.into_inner());
    let broadcaster = ask
        .params
        .first("broadcaster_id")
        .or_else(|| ask.body.as_ref().and_then(|b| b.get("broadcaster_id")).and_then(Value::as_str));
    let owner = match kind {
        Kind::EventSubSubscription => client_id.to_owned(),
        _ => broadcaster.unwrap_or_default().to_owned(),
    };
    let channel = broadcaster.and_then(|id| data.channel(id));
    let channel = channel.as_deref();
    let user = ask.user_id.as_deref().and_then(|id| data.user_by_id(id));
    let user = user.as_deref();
    let call = Call {
        ep: ask.ep,
        params: &ask.params,
        body: ask.body.as_ref(),
        item: ask.route.item_shape(),
        owner,
        channel,
        user,
        token_user: ask.user_id.as_deref(),
        scopes: &ask.scopes,
        websocket: Some(&*state.eventsub),
    };
    let Some(out) = state.created.answer(kind, &call)? else {
        return Ok(StatusCode::NO_CONTENT.into_response());
    };
    let (paginated, single) = match &ask.ep.response {
        ResponseMeta::Data { paginated, single } => (*paginated, *single),
        _ => return Ok(StatusCode::NO_CONTENT.into_response()),
    };
    let mut response = finish(out, paginated, single);
    if kind == Kind::EventSubSubscription && ask.ep.http_method == HttpMethod::Post {
        // Twitch accepts a subscription with 202.
        *response.status_mut() = StatusCode::ACCEPTED;
    }
    Ok(response)
}

/// The answer's final form: no `pagination` unless the endpoint pages, and
/// `data` as one object where Twitch sends one.
fn finish(mut out: Map<String, Value>, paginated: bool, single: bool) -> Response {
    if !paginated {
        out.remove("pagination");
    }
    if single {
        // Twitch sends some answers as one object under `data`.
        let first = out.get_mut("data").and_then(|d| d.as_array_mut()).and_then(|a| a.drain(..).next());
        out.insert("data".into(), first.unwrap_or_else(|| json!({})));
    }
    (StatusCode::OK, Json(Value::Object(out))).into_response()
}

/// A text answer: an iCalendar feed of the named channel for `text/calendar`,
/// plain text otherwise.
fn text_answer(data: &Dataset, ask: &Ask, content_type: &str) -> Response {
    let channel = ask.params.first("broadcaster_id").and_then(|id| data.channel(id));
    let name = channel.as_deref().and_then(|c| c.get("broadcaster_name")).and_then(Value::as_str).unwrap_or("ttv-mock");
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
    /// The user whose `email` the token may read (private_fields.rs).
    email_reader: Option<String>,
    /// The token's scopes (EventSub subscriptions check them per type).
    scopes: Vec<String>,
}

impl Ask {
    fn select(&self, data: &Dataset, source: &str, items: Items<'_>) -> Result<Vec<usize>, HelixError> {
        let body = self.body.as_ref();
        let user_id = self.user_id.as_deref();
        let request =
            Request { params: &self.params, body, token_user_id: user_id, follows: (data.users(), &data.follows) };
        // Follows are computed per request, so an index of them would be stale.
        let index = (source != "follows").then_some(&data.index);
        select_indexed(index, self.route, source, items, request).map_err(bad_request)
    }
}

/// `data`, `pagination` (and `total` for follows) from a data-set collection.
fn from_source(data: &Dataset, ask: &Ask, source: &str, item: &Shape) -> Result<Map<String, Value>, HelixError> {
    let computed;
    let items = match data.collection(source) {
        Some(items) => items,
        None if source == "follows" => {
            let values = |name| crate::params::values_of(name, &ask.params, ask.body.as_ref());
            computed = data.follows_of(&values("user_id"), &values("broadcaster_id"));
            Items::from(&computed)
        }
        None => return Err(unknown_source(source)),
    };
    let selected = ask.select(data, source, items)?;
    let page = page(ask.ep, selected.len(), &ask.params).map_err(bad_request)?;
    let start = page.range.start;
    let mut list: Vec<Value> = selected[page.range]
        .iter()
        .enumerate()
        .filter_map(|(k, &i)| items.get(i).map(|e| project_item(&e, item, start + k)))
        .collect();
    crate::private_fields::hide_emails(&mut list, ask.email_reader.as_deref());
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

/// A chat message that was sent gets a fresh id and reaches the EventSub
/// `channel.chat.message` subscriptions reading that channel; the same text
/// from the same sender to the same channel within 30 s is dropped, as Twitch
/// does (`is_sent: false`, reason `msg_duplicate`).
fn chat_sent(state: &MockState, data: &Dataset, ask: &Ask, out: &mut Map<String, Value>) {
    let Some(sent) = out.get_mut("data").and_then(Value::as_array_mut).and_then(|d| d.first_mut()) else { return };
    if sent.get("is_sent").and_then(Value::as_bool) != Some(true) {
        return;
    }
    let text = |k: &str| ask.body.as_ref().and_then(|b| b.get(k)).and_then(Value::as_str).unwrap_or_default();
    if !state.chat_is_new(text("sender_id"), text("broadcaster_id"), text("message")) {
        sent["message_id"] = json!("");
        sent["is_sent"] = json!(false);
        sent["drop_reason"] = json!({
            "code": "msg_duplicate",
            "message": "Your message is identical to the one you sent within the last 30 seconds.",
        });
        return;
    }
    let id = crate::eventsub::random_uuid();
    sent["message_id"] = json!(id);
    let trigger = crate::eventsub::trigger::chat_message;
    trigger(&state.eventsub, data, text("broadcaster_id"), text("sender_id"), text("message"), &id);
}

/// Twitch answers 400 to a parameter only one kind of token may give (Send
/// Chat Message's and Send Chat Announcement's `for_source_only`: app tokens).
fn check_only_with(ep: &EndpointMeta, is_user: bool, params: &Params, body: Option<&Entity>) -> Result<(), HelixError> {
    let kind = if is_user { AuthClass::User } else { AuthClass::App };
    let refused = ep.params.iter().filter(|p| p.only_with.is_some_and(|only| only != kind));
    for p in refused {
        if crate::params::given(params, body, p.name) > 0 {
            let only = if is_user { "an app" } else { "a user" };
            return Err(bad_request(format!("{} may only be set with {only} access token", p.name)));
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
            if value == "websocket" {
                return Err(bad_request("the websocket transport requires a user access token".into()));
            }
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
        // The channel's names, not its own id or stream start: a poll's id
        // is not the broadcaster's, and it starts when it is created.
        let own = |k: &str| ["id", "started_at", "_index"].contains(&k);
        base.extend(channel.iter().filter(|(k, _)| !own(k)).map(|(k, v)| (k.clone(), v.clone())));
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
    let others = data.users().iter().filter(|u| owner.is_none() || str_field(u, "id") != owner.as_deref());
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
    use super::*;
    use crate::config::MockConfig;
    use crate::test_wire::{json, request};

    fn state() -> MockState {
        MockState::new(MockConfig {
            users: 20,
            games: 2,
            routes: crate::test_fixtures::ROUTES,
            ..MockConfig::default()
        })
    }

    #[tokio::test]
    async fn a_checked_request_is_answered_from_the_data_set_with_rate_limit_headers() {
        let state = state();
        let token = state.mint(None, Vec::new());
        let auth = format!("Bearer {token}");
        let headers = [("client-id", state.config.client_id.as_str()), ("authorization", auth.as_str())];
        let answer = respond(&state, &request("GET", "/helix/users?login=shroud&id=10001", &headers, ""));
        assert_eq!(answer.status(), StatusCode::OK);
        assert_eq!(answer.headers().get("ratelimit-remaining").and_then(|v| v.to_str().ok()), Some("799"));
        let body = json(answer).await;
        assert_eq!(body["data"][0]["login"], json!("ninja"));
        assert_eq!(body["data"][1]["login"], json!("shroud"));
        assert_eq!(state.stats().helix_requests, 1);

        let missing = respond(&state, &request("GET", "/helix/search/channels", &headers, ""));
        assert_eq!(missing.status(), StatusCode::BAD_REQUEST);
        assert_eq!(json(missing).await["message"], json!("Missing required parameter \"query\""));
    }

    #[test]
    fn literal_paths_win_over_templates_and_other_methods_get_405() {
        let routes = crate::test_fixtures::ROUTES;
        let latest = find_route(routes, &Method::GET, "/things/latest").ok().map(|m| m.route.endpoint.name);
        assert_eq!(latest, Some("Get Latest Thing"));
        let thing = find_route(routes, &Method::GET, "/things/a%20b").ok().map(|m| m.captures);
        assert_eq!(thing, Some(vec![("thing_id".to_owned(), "a b".to_owned())]));
        let status =
            |method: Method, path: &str| find_route(routes, &method, path).err().map(|e| e.into_response().status());
        assert_eq!(status(Method::PUT, "/users"), Some(StatusCode::METHOD_NOT_ALLOWED));
        assert_eq!(status(Method::GET, "/nope"), Some(StatusCode::NOT_FOUND));
    }

    #[test]
    fn bearer_tokens_are_read_from_the_header() {
        assert_eq!(bearer("Bearer abc"), Some("abc"));
        assert_eq!(bearer(" bearer   abc "), Some("abc"));
        assert_eq!(bearer("OAuth abc"), None);
        assert_eq!(bearer("Bearer "), None);
    }
}
