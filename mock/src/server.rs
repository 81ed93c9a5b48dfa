//! The HTTP server: binding, the single fallback handler that sends each
//! request to the OAuth or Helix side, and the handle tests hold.

use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::thread;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Router;
use tokio::sync::oneshot;

use crate::config::MockConfig;
use crate::helix;
use crate::helix_error;
use crate::oauth;
use crate::request::MockRequest;
use crate::state::{MockState, MockStats};

/// Larger bodies are refused; no Helix request comes near this.
const MAX_BODY: usize = 1 << 20;

/// A running mock server. It stops when dropped.
pub struct MockServer {
    addr: SocketAddr,
    state: Arc<MockState>,
    shutdown: Option<oneshot::Sender<()>>,
    /// Set by [`MockServer::start_background`]: the thread owning the runtime.
    thread: Option<thread::JoinHandle<()>>,
}

impl MockServer {
    /// Serves on a task of the current tokio runtime.
    pub async fn start(config: MockConfig) -> io::Result<MockServer> {
        let port = config.port.unwrap_or(0);
        let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, port)).await?;
        let addr = listener.local_addr()?;
        let tls = config.tls.as_ref().map(crate::tls::acceptor).transpose()?;
        let limits =
            crate::conn::Limits { header_timeout: config.header_timeout, max_connections: config.max_connections };
        let state = Arc::new(MockState::new(config));
        state.eventsub.set_url(ws_url(&state, addr));
        let (tx, rx) = oneshot::channel::<()>();
        let app = router(state.clone());
        tokio::spawn(crate::conn::serve(listener, app, tls, limits, async {
            let _ = rx.await;
        }));
        Ok(MockServer { addr, state, shutdown: Some(tx), thread: None })
    }

    /// Serves from its own thread and runtime, for tests that are not async
    /// (e.g. ones running the `ttv` binary as a subprocess).
    pub fn start_background(config: MockConfig) -> io::Result<MockServer> {
        let listener = std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, config.port.unwrap_or(0)))?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let tls = config.tls.as_ref().map(crate::tls::acceptor).transpose()?;
        let limits =
            crate::conn::Limits { header_timeout: config.header_timeout, max_connections: config.max_connections };
        let state = Arc::new(MockState::new(config));
        state.eventsub.set_url(ws_url(&state, addr));
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        let (tx, rx) = oneshot::channel::<()>();
        let app = router(state.clone());
        let thread = thread::Builder::new().name("ttv-mock".into()).spawn(move || {
            runtime.block_on(async move {
                let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
                    return;
                };
                crate::conn::serve(listener, app, tls, limits, async {
                    let _ = rx.await;
                })
                .await;
            });
            // Dropping the runtime here also ends connections still open,
            // so dropping the server never waits on a client.
        })?;
        Ok(MockServer { addr, state, shutdown: Some(tx), thread: Some(thread) })
    }

    /// The address it listens on: 127.0.0.1 and the configured port, or a free one.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:<port>`, or `https://` when serving TLS.
    pub fn base_url(&self) -> String {
        let scheme = if self.state.config.tls.is_some() { "https" } else { "http" };
        format!("{scheme}://{}", self.addr)
    }

    /// Where Helix lives: the value for `TWITCH_HELIX_URL`.
    pub fn helix_url(&self) -> String {
        format!("{}/helix", self.base_url())
    }

    /// Where the EventSub WebSocket lives: `ws://127.0.0.1:<port>/ws`, or
    /// `wss://` when serving TLS; the value for `TWITCH_EVENTSUB_WEBSOCKET_URL`.
    /// Its controls (trigger events, reconnect, drop, ...) are under
    /// `{base_url}/mock/eventsub/`.
    pub fn eventsub_url(&self) -> String {
        self.state.eventsub.url().to_owned()
    }

    /// Where OAuth lives: the value for `TWITCH_OAUTH2_URL`.
    pub fn oauth2_url(&self) -> String {
        format!("{}/oauth2", self.base_url())
    }

    /// The Client ID it accepts.
    pub fn client_id(&self) -> &str {
        &self.state.config.client_id
    }

    /// The secret extension JWTs must be signed with (raw bytes).
    pub fn extension_secret(&self) -> &[u8] {
        &self.state.config.extension_secret
    }

    /// The client secret it accepts.
    pub fn client_secret(&self) -> &str {
        &self.state.config.client_secret
    }

    /// A user token for a user of the data set.
    ///
    /// # Panics
    /// If no user has this login; tests should only name users that exist.
    pub fn issue_user_token(&self, login: &str, scopes: &[&str]) -> String {
        let scopes = scopes.iter().map(|s| s.to_string()).collect();
        match self.state.mint_user(login, scopes) {
            Some(token) => token,
            None => panic!("ttv-mock has no user with login {login:?}"),
        }
    }

    /// An app token, as if minted by the client-credentials grant (not counted in stats).
    pub fn issue_app_token(&self) -> String {
        self.state.mint(None, Vec::new())
    }

    /// Makes the token expire now: later requests with it get 401.
    pub fn expire_token(&self, token: &str) {
        self.state.expire(token);
    }

    /// The id of a user of the data set, e.g. `user_id("ninja") == Some("10001")`.
    pub fn user_id(&self, login: &str) -> Option<String> {
        let data = self.state.data.read().unwrap_or_else(|e| e.into_inner());
        data.user_by_login(login).and_then(|u| u.get("id").and_then(|v| v.as_str()).map(str::to_string))
    }

    /// What it has counted so far (requests, tokens minted, faults injected, ...).
    pub fn stats(&self) -> MockStats {
        self.state.stats()
    }

    /// The fault queue: push [`crate::faults::Fault`]s to make requests fail.
    pub fn faults(&self) -> &crate::faults::Faults {
        &self.state.faults
    }

    // --- User login flows (see oauth_flows.rs) ---

    /// A user token and its refresh token, as a finished login would give.
    ///
    /// # Panics
    /// If no user has this login.
    pub fn issue_user_tokens(&self, login: &str, scopes: &[&str]) -> (String, String) {
        let Some(user) = self.state.user(login) else { panic!("ttv-mock has no user with login {login:?}") };
        let scopes = scopes.iter().map(|s| s.to_string()).collect();
        crate::oauth_flows::issue_tokens(&self.state, user, scopes)
    }

    /// Approves the device code showing `user_code` for the user `login`;
    /// false when the code is unknown or expired, or the user does not exist.
    pub fn approve_device(&self, user_code: &str, login: &str) -> bool {
        self.state.user(login).is_some_and(|user| self.state.flows.approve(user_code, user))
    }

    /// The next device-code poll is answered `slow_down`.
    pub fn slow_down_next(&self) {
        self.state.flows.slow_down_next();
    }

    /// The next `/oauth2/authorize` redirects with `error=access_denied`.
    pub fn deny_next_authorize(&self) {
        self.state.flows.deny_next_authorize();
    }

    /// The user who approves device codes and authorize requests from now on.
    pub fn set_login(&self, login: &str) {
        self.state.flows.set_login(login);
    }

    /// How long tokens minted from now on stay valid.
    pub fn set_token_lifetime(&self, lifetime: std::time::Duration) {
        self.state.set_token_lifetime(lifetime);
    }

    /// Whether an access token would be accepted now.
    pub fn is_token_valid(&self, token: &str) -> bool {
        self.state.lookup(token).is_some()
    }

    /// Whether a refresh token would be accepted now (each works once).
    pub fn is_refresh_token_valid(&self, refresh_token: &str) -> bool {
        self.state.flows.refresh_token_valid(refresh_token)
    }

    /// When the mock last spent a refresh token and issued its successor (tests
    /// that interrupt refreshes tell a kill during the answer's flight by it).
    pub fn last_refresh_answered(&self) -> Option<std::time::Instant> {
        self.state.last_refresh()
    }

    /// Every secret this server handed out so far (access and refresh tokens,
    /// device and authorization codes), for tests that check none is printed.
    pub fn issued_secrets(&self) -> Vec<String> {
        self.state.flows.issued()
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        // WebSocket connections outlive the accept loop; end them too.
        self.state.eventsub.shut_down();
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl std::fmt::Debug for MockServer {
    // The state holds live tokens; keep them out of debug output.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockServer").field("addr", &self.addr).finish_non_exhaustive()
    }
}

fn ws_url(state: &MockState, addr: SocketAddr) -> String {
    let scheme = if state.config.tls.is_some() { "wss" } else { "ws" };
    format!("{scheme}://{addr}/ws")
}

fn router(state: Arc<MockState>) -> Router {
    Router::new().fallback(dispatch).with_state(state)
}

/// Every request lands here; routing is by table lookup, not per endpoint.
async fn dispatch(State(state): State<Arc<MockState>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    if parts.version == axum::http::Version::HTTP_2 {
        state.count_http2();
    }
    // The EventSub WebSocket: an upgrade, before any body is read.
    if parts.uri.path() == "/ws" {
        return crate::eventsub::socket::upgrade(state.eventsub.clone(), parts).await;
    }
    let hangup = parts.extensions.get::<crate::conn::Hangup>().cloned();
    let body = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(b) => b,
        Err(_) => return helix_error::error(StatusCode::PAYLOAD_TOO_LARGE, "Request body too large"),
    };
    let req = MockRequest {
        method: parts.method,
        path: parts.uri.path().to_string(),
        query: parts.uri.query().unwrap_or_default().to_string(),
        headers: parts.headers,
        body,
    };
    // Fault injection (429s, 5xx, delays, broken bodies, hang-ups), before
    // any handler runs, so every endpoint can be made to fail the same way.
    let fault = state.faults.take(&req.path);
    if let Some(answer) = crate::faults::before(fault.as_ref(), state.config.bucket_size, hangup.as_ref()).await {
        return answer;
    }
    crate::faults::after(fault.as_ref(), handle(&state, &req)).await
}

/// The controls are also under the Helix URL (`{helix}/mock/eventsub/...`), so a
/// client that knows only its Helix URL (`ttv events trigger`) reaches them.
const CONTROLS_UNDER_HELIX: &str = "/helix/mock/eventsub";

fn handle(state: &MockState, req: &MockRequest) -> Response {
    if is_under(&req.path, CONTROLS_UNDER_HELIX) {
        let mut moved = req.clone();
        moved.path = req.path["/helix".len()..].to_owned();
        crate::eventsub::controls::respond(&state.eventsub, &state.data, &moved)
    } else if is_under(&req.path, "/oauth2") {
        oauth::respond(state, req)
    } else if is_under(&req.path, "/helix") {
        helix::respond(state, req)
    } else if is_under(&req.path, "/mock/eventsub") {
        crate::eventsub::controls::respond(&state.eventsub, &state.data, req)
    } else {
        helix_error::error(StatusCode::NOT_FOUND, "")
    }
}

/// `/helix` and `/helix/...`, but not `/helixfoo`.
fn is_under(path: &str, prefix: &str) -> bool {
    path.strip_prefix(prefix).is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}
