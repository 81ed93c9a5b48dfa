//! Where the client talks to and with which credentials.

use crate::secret::Secret;
use crate::Error;
use std::path::PathBuf;
use std::time::Duration;

/// Twitch's Helix API.
pub const DEFAULT_HELIX_URL: &str = "https://api.twitch.tv/helix";
/// Twitch's OAuth server.
pub const DEFAULT_OAUTH2_URL: &str = "https://id.twitch.tv/oauth2";
/// Twitch's EventSub WebSocket.
pub const DEFAULT_EVENTSUB_WEBSOCKET_URL: &str = "wss://eventsub.wss.twitch.tv/ws";
/// Points per minute in a Helix token's bucket, as Twitch documents it.
pub const TWITCH_DEFAULT_BUCKET: u32 = 800;
/// The default of [`Config::deadline`]: five minutes for one call, waits and retries included.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(300);
/// The default of [`Config::max_answer_bytes`]: 64 MiB (a Helix page is a few MB at most).
pub const DEFAULT_MAX_ANSWER_BYTES: u64 = 64 * 1024 * 1024;
/// The default of [`Config::user_agent`].
pub const DEFAULT_USER_AGENT: &str = concat!("ttv/", env!("CARGO_PKG_VERSION"));

/// Settings shared by every client. Build it with [`Config::from_env`] or by hand.
///
/// Its fields may grow, so it is built with [`Config::new`] (or
/// [`Config::from_env`]) and the `with_*` methods, e.g.
/// `Config::new("my-client-id").with_timeout(Duration::from_secs(10))`.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Config {
    /// The application's Client ID (Twitch console > your app).
    pub client_id: String,
    /// Needed for app tokens (client-credentials grant); Public clients have none.
    pub client_secret: Option<Secret>,
    /// The Helix base URL (Twitch's, or a mock's `http://127.0.0.1:PORT/helix`).
    pub helix_url: String,
    /// The OAuth base URL, where tokens are minted, validated, refreshed and revoked.
    pub oauth2_url: String,
    /// Where EventSub WebSocket sessions connect (Twitch's, or a mock's
    /// `ws://127.0.0.1:PORT/ws`; `ws://` is refused to hosts other than
    /// loopback). Feature `eventsub`.
    pub eventsub_websocket_url: String,
    /// Where the app token is cached between runs; `None` keeps it in memory only.
    pub cache_dir: Option<PathBuf>,
    /// Total time allowed for one HTTP request.
    pub timeout: Duration,
    /// Time allowed to open a connection (10 s by default, against 30 s for the
    /// whole request), so that an unreachable host fails fast.
    pub connect_timeout: Duration,
    /// Check the token's scopes before sending (on by default; scope tables drift).
    pub check_scopes: bool,
    /// How often a failed request is tried again: 5xx, dropped connections and
    /// timeouts on idempotent requests, and 429 on any request.
    pub max_retries: u32,
    /// The first backoff between retries; it doubles each time (with jitter)
    /// up to [`Config::retry_max_delay`]. A 429 waits for `Ratelimit-Reset` instead.
    pub retry_base_delay: Duration,
    /// The longest backoff between retries, however many have failed.
    pub retry_max_delay: Duration,
    /// How many requests of one split batch (e.g. 10,000 logins, 100 a request)
    /// are in flight at once. Helix speaks HTTP/2, so they share one connection;
    /// the rate-limit bucket, not this bound, keeps a batch within Twitch's limits.
    pub batch_concurrency: usize,
    /// Points a token's rate-limit bucket is taken to hold before Twitch's
    /// first answer says (its `Ratelimit-*` headers). The default is the
    /// 800 a minute Twitch documents, so a batch goes out in one round trip.
    /// When another program shares the token and has drained the bucket, some
    /// of that first burst meets 429s, which wait for the reset and are sent
    /// again (no 429 reaches the caller unless [`Config::max_retries`] runs
    /// out). Set it to 1 to send one request first and learn the figures: a
    /// round trip slower, but no request ever meets a 429 from our own burst.
    pub assumed_bucket: u32,
    /// The most time one call may take, all its rate-limit waits, retries and
    /// token renewals included ([`DEFAULT_DEADLINE`], 300 s). Past it the call
    /// fails with [`Error::Deadline`], which says how long it waited.
    pub deadline: Duration,
    /// The most bytes read of any answer, Helix or OAuth
    /// ([`DEFAULT_MAX_ANSWER_BYTES`]); a longer one fails with
    /// [`Error::AnswerTooLarge`] and is not read further.
    pub max_answer_bytes: u64,
    /// Told of every pause longer than a second before a request is sent
    /// (an empty rate-limit bucket, a backoff), so that a program can say why
    /// it seems to hang. `None`: pauses are only logged.
    pub on_wait: Option<WaitHook>,
    /// The `User-Agent` header of every request (default `ttv/VERSION`).
    pub user_agent: String,
    /// The caller's own TLS setup (crypto provider, roots, client
    /// certificate), used instead of ring and the platform verifier (feature
    /// `rustls-ring`). Its ALPN list is set by the client (`http/1.1`, and
    /// `h2` with the `http2` feature).
    pub tls_config: Option<std::sync::Arc<rustls::ClientConfig>>,
    /// Whether the HTTP client built from these settings takes a proxy from
    /// `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY` (or their
    /// lower-case forms) for `https://` requests (see the client's http module). Off with [`Config::new`], so that
    /// nothing is read from the environment unasked; on with
    /// [`Config::from_env`] and [`Config::with_env`].
    pub proxy_from_env: bool,
}

/// A pause the client is about to take before sending (see [`Config::on_wait`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Wait {
    /// The endpoint the request is for (`Get Users`, or `GET /users` for a raw request).
    pub endpoint: String,
    /// How long the pause will be.
    pub duration: Duration,
    /// Why: the rate limit, or a retry after a failure.
    pub reason: WaitReason,
}

impl Wait {
    /// A pause of `duration` before sending to `endpoint`; the client makes
    /// these, and a program makes them only to test its own [`WaitHook`].
    pub fn new(endpoint: impl Into<String>, duration: Duration, reason: WaitReason) -> Wait {
        Wait { endpoint: endpoint.into(), duration, reason }
    }
}

/// Why the client pauses.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum WaitReason {
    /// The token's rate-limit bucket is empty (or Twitch answered 429).
    RateLimited,
    /// A failed request is retried after a backoff; the failure, e.g. `503 Service Unavailable`.
    Retry(String),
}

/// A callback for [`Config::on_wait`]; cheap to clone.
#[derive(Clone)]
pub struct WaitHook(std::sync::Arc<dyn Fn(&Wait) + Send + Sync>);

impl WaitHook {
    /// Wraps `hook`, which is called before every pause longer than a second.
    pub fn new(hook: impl Fn(&Wait) + Send + Sync + 'static) -> WaitHook {
        WaitHook(std::sync::Arc::new(hook))
    }

    /// Tells the hook of `wait` when it is longer than a second.
    pub(crate) fn notify(hook: Option<&WaitHook>, wait: &Wait) {
        if let Some(hook) = hook.filter(|_| wait.duration > Duration::from_secs(1)) {
            (hook.0)(wait);
        }
    }
}

impl std::fmt::Debug for WaitHook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WaitHook")
    }
}

impl Config {
    /// Twitch's servers, the defaults below, and `client_id`; no secret.
    ///
    /// Reads no environment variable of its own (no `TWITCH_*`, `TTV_*` or
    /// proxy variables; see [`Config::from_env`] for those). Two defaults
    /// come from the platform, as their crates find them:
    /// - the app-token cache goes to the platform's cache folder for ttv
    ///   (feature `file-store`; `~/.cache/ttv` on Linux), which the
    ///   `directories` crate finds from `HOME` (and `XDG_CACHE_HOME` on
    ///   Linux); [`Config::with_cache_dir`]`(None)` keeps the token in memory;
    /// - the certificate verifier of the built HTTP client (feature
    ///   `rustls-ring`) is the platform's; on Linux and other Unix systems
    ///   it loads the system's root certificates on the first TLS handshake,
    ///   from `SSL_CERT_FILE` and `SSL_CERT_DIR` when they are set.
    pub fn new(client_id: impl Into<String>) -> Config {
        Config {
            client_id: client_id.into(),
            client_secret: None,
            helix_url: DEFAULT_HELIX_URL.into(),
            oauth2_url: DEFAULT_OAUTH2_URL.into(),
            eventsub_websocket_url: DEFAULT_EVENTSUB_WEBSOCKET_URL.into(),
            #[cfg(feature = "file-store")]
            cache_dir: default_cache_dir(),
            #[cfg(not(feature = "file-store"))]
            cache_dir: None,
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            check_scopes: true,
            max_retries: 3,
            retry_base_delay: Duration::from_millis(250),
            retry_max_delay: Duration::from_secs(8),
            batch_concurrency: 100,
            assumed_bucket: TWITCH_DEFAULT_BUCKET,
            deadline: DEFAULT_DEADLINE,
            max_answer_bytes: DEFAULT_MAX_ANSWER_BYTES,
            on_wait: None,
            user_agent: DEFAULT_USER_AGENT.into(),
            tls_config: None,
            proxy_from_env: false,
        }
    }

    /// [`Config::new`] with the environment laid over it ([`Config::with_env`]);
    /// fails when no client id is set.
    ///
    /// The variables read, and only when set and not empty:
    /// - `TWITCH_CLIENT_ID`: [`Config::client_id`] (required);
    /// - `TWITCH_CLIENT_SECRET`: [`Config::client_secret`];
    /// - `TWITCH_HELIX_URL`: [`Config::helix_url`];
    /// - `TWITCH_OAUTH2_URL`: [`Config::oauth2_url`];
    /// - `TWITCH_EVENTSUB_WEBSOCKET_URL`: [`Config::eventsub_websocket_url`];
    /// - `TTV_CACHE_DIR`: [`Config::cache_dir`].
    ///
    /// It also sets [`Config::proxy_from_env`], so the built HTTP client takes
    /// its proxy from `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY`
    /// (or their lower-case forms).
    pub fn from_env() -> Result<Config, Error> {
        let config = Config::new("").with_env();
        if config.client_id.is_empty() {
            return Err(Error::Config(
                "no client id: set TWITCH_CLIENT_ID to your application's Client ID \
                 (register one at https://dev.twitch.tv/console/apps)"
                    .into(),
            ));
        }
        Ok(config)
    }

    /// These settings with what the environment sets laid over them (the
    /// variables [`Config::from_env`] lists, and the proxy variables through
    /// [`Config::proxy_from_env`]); unset or empty variables change nothing.
    /// For layering: a file's values, then this, then flags.
    pub fn with_env(self) -> Config {
        let mut config = self.with_vars(env);
        config.proxy_from_env = true;
        config
    }

    /// Like [`with_env`](Config::with_env), with the variables looked up by
    /// `var` instead of in the process's environment (a test's, or a
    /// program's own settings under those names); the proxy setting is left
    /// as it is. `var` should give `None` for an unset or empty variable.
    pub fn with_vars(mut self, var: impl Fn(&str) -> Option<String>) -> Config {
        if let Some(id) = var("TWITCH_CLIENT_ID") {
            self.client_id = id;
        }
        if let Some(secret) = var("TWITCH_CLIENT_SECRET") {
            self.client_secret = Some(Secret::new(secret));
        }
        if let Some(url) = var("TWITCH_HELIX_URL") {
            self.helix_url = url;
        }
        if let Some(url) = var("TWITCH_OAUTH2_URL") {
            self.oauth2_url = url;
        }
        if let Some(url) = var("TWITCH_EVENTSUB_WEBSOCKET_URL") {
            self.eventsub_websocket_url = url;
        }
        if let Some(dir) = var("TTV_CACHE_DIR") {
            self.cache_dir = Some(dir.into());
        }
        self.normalized()
    }

    /// Trims trailing slashes so paths join cleanly.
    pub fn normalized(mut self) -> Config {
        self.helix_url = self.helix_url.trim_end_matches('/').to_owned();
        self.oauth2_url = self.oauth2_url.trim_end_matches('/').to_owned();
        self
    }
}

/// Builder methods: each sets one field and returns the config.
impl Config {
    /// Sets [`Config::client_id`].
    pub fn with_client_id(mut self, client_id: impl Into<String>) -> Config {
        self.client_id = client_id.into();
        self
    }

    /// Sets [`Config::client_secret`].
    pub fn with_client_secret(mut self, client_secret: Secret) -> Config {
        self.client_secret = Some(client_secret);
        self
    }

    /// Sets [`Config::helix_url`] (trailing slashes trimmed).
    pub fn with_helix_url(mut self, helix_url: impl Into<String>) -> Config {
        self.helix_url = helix_url.into().trim_end_matches('/').to_owned();
        self
    }

    /// Sets [`Config::oauth2_url`] (trailing slashes trimmed).
    pub fn with_oauth2_url(mut self, oauth2_url: impl Into<String>) -> Config {
        self.oauth2_url = oauth2_url.into().trim_end_matches('/').to_owned();
        self
    }

    /// Sets [`Config::eventsub_websocket_url`].
    pub fn with_eventsub_websocket_url(mut self, url: impl Into<String>) -> Config {
        self.eventsub_websocket_url = url.into();
        self
    }

    /// Sets [`Config::cache_dir`]; `None` keeps the app token in memory only.
    pub fn with_cache_dir(mut self, cache_dir: Option<PathBuf>) -> Config {
        self.cache_dir = cache_dir;
        self
    }

    /// Sets [`Config::timeout`].
    pub fn with_timeout(mut self, timeout: Duration) -> Config {
        self.timeout = timeout;
        self
    }

    /// Sets [`Config::connect_timeout`].
    pub fn with_connect_timeout(mut self, connect_timeout: Duration) -> Config {
        self.connect_timeout = connect_timeout;
        self
    }

    /// Sets [`Config::check_scopes`].
    pub fn with_check_scopes(mut self, check_scopes: bool) -> Config {
        self.check_scopes = check_scopes;
        self
    }

    /// Sets [`Config::max_retries`].
    pub fn with_max_retries(mut self, max_retries: u32) -> Config {
        self.max_retries = max_retries;
        self
    }

    /// Sets [`Config::retry_base_delay`].
    pub fn with_retry_base_delay(mut self, retry_base_delay: Duration) -> Config {
        self.retry_base_delay = retry_base_delay;
        self
    }

    /// Sets [`Config::retry_max_delay`].
    pub fn with_retry_max_delay(mut self, retry_max_delay: Duration) -> Config {
        self.retry_max_delay = retry_max_delay;
        self
    }

    /// Sets [`Config::batch_concurrency`].
    pub fn with_batch_concurrency(mut self, batch_concurrency: usize) -> Config {
        self.batch_concurrency = batch_concurrency;
        self
    }

    /// Sets [`Config::assumed_bucket`].
    pub fn with_assumed_bucket(mut self, assumed_bucket: u32) -> Config {
        self.assumed_bucket = assumed_bucket;
        self
    }

    /// Sets [`Config::deadline`].
    pub fn with_deadline(mut self, deadline: Duration) -> Config {
        self.deadline = deadline;
        self
    }

    /// Sets [`Config::max_answer_bytes`].
    pub fn with_max_answer_bytes(mut self, max_answer_bytes: u64) -> Config {
        self.max_answer_bytes = max_answer_bytes;
        self
    }

    /// Sets [`Config::on_wait`].
    pub fn with_on_wait(mut self, on_wait: WaitHook) -> Config {
        self.on_wait = Some(on_wait);
        self
    }

    /// Sets [`Config::user_agent`].
    pub fn with_user_agent(mut self, user_agent: impl Into<String>) -> Config {
        self.user_agent = user_agent.into();
        self
    }

    /// Sets [`Config::proxy_from_env`].
    pub fn with_proxy_from_env(mut self, proxy_from_env: bool) -> Config {
        self.proxy_from_env = proxy_from_env;
        self
    }

    /// Connects with the caller's own TLS setup ([`Config::tls_config`]).
    pub fn with_tls_config(mut self, tls_config: rustls::ClientConfig) -> Config {
        self.tls_config = Some(std::sync::Arc::new(tls_config));
        self
    }
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

/// `~/.cache/ttv` on Linux (XDG), the platform's cache folder elsewhere, as
/// the `directories` crate finds it (from `HOME` and `XDG_CACHE_HOME` on
/// Linux). Feature `file-store`; without it there is no cache on disk.
#[cfg(feature = "file-store")]
fn default_cache_dir() -> Option<PathBuf> {
    crate::auth::folders::project_dirs().map(|d| d.cache_dir().to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn with_vars_lays_the_given_variables_over_the_settings() {
        let vars = [
            ("TWITCH_CLIENT_ID", "from-vars"),
            ("TWITCH_HELIX_URL", "http://127.0.0.1:9/helix/"),
            ("TTV_CACHE_DIR", "/tmp/ttv-cache"),
            ("TWITCH_EVENTSUB_WEBSOCKET_URL", "ws://127.0.0.1:9/ws"),
        ];
        let var = |name: &str| vars.iter().find(|(k, _)| *k == name).map(|(_, v)| (*v).to_owned());
        let config = Config::new("from-code").with_client_secret(Secret::new("kept")).with_vars(var);
        assert_eq!(config.client_id, "from-vars");
        assert_eq!(config.helix_url, "http://127.0.0.1:9/helix", "normalized");
        assert_eq!(config.cache_dir.as_deref(), Some(std::path::Path::new("/tmp/ttv-cache")));
        assert_eq!(config.client_secret.as_ref().map(Secret::expose), Some("kept"), "unset variables change nothing");
        assert_eq!(config.oauth2_url, Config::new("x").oauth2_url);
        assert_eq!(config.eventsub_websocket_url, "ws://127.0.0.1:9/ws");
        assert_eq!(Config::new("x").eventsub_websocket_url, DEFAULT_EVENTSUB_WEBSOCKET_URL);
        assert_eq!(
            Config::new("x").with_eventsub_websocket_url("ws://[::1]:8/ws").eventsub_websocket_url,
            "ws://[::1]:8/ws"
        );
        assert!(!config.proxy_from_env, "only with_env turns on the proxy variables");
    }
}
