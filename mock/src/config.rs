//! How a mock server is set up: the size of its data set, its app credentials
//! and the route table it serves.

use std::time::Duration;

use crate::route_meta::RouteMeta;

/// The app credentials a fresh mock accepts.
pub const DEFAULT_CLIENT_ID: &str = "ttvmockclient000000000000000000";
/// The client secret a fresh mock accepts with [`DEFAULT_CLIENT_ID`].
pub const DEFAULT_CLIENT_SECRET: &str = "ttvmocksecret0000000000000000000";
/// Requests each token may make per minute, as Twitch grants by default.
pub const RATE_LIMIT: u32 = 800;
/// The extension secret (raw bytes) extension JWTs must be signed with.
pub const DEFAULT_EXTENSION_SECRET: &[u8] = b"ttv-mock-extension-secret";

/// Settings for a `MockServer`. Everything has a default; the data set
/// built from it is the same on every run.
#[derive(Debug, Clone)]
pub struct MockConfig {
    /// Number of users (and so of channels).
    pub users: usize,
    /// Number of games/categories.
    pub games: usize,
    /// Every Nth channel is live (0: none besides the fixed ones).
    pub live_every: usize,
    /// How many channels each user follows.
    pub follows_per_user: usize,
    /// The Client ID the mock accepts; others are refused as Twitch would.
    pub client_id: String,
    /// The client secret it accepts with `client_id`.
    pub client_secret: String,
    /// How long minted tokens stay valid.
    pub token_lifetime: Duration,
    /// The routes served under `/helix`; tests pass small fixture tables.
    pub routes: &'static [RouteMeta],
    /// Port to bind on 127.0.0.1; `None` picks a free one.
    pub port: Option<u16>,
    /// Secret that extension JWTs must be signed with (HS256).
    pub extension_secret: Vec<u8>,
    /// Points in each token's rate-limit bucket (Twitch: 800); every Helix
    /// request takes one, and an empty bucket answers 429.
    pub bucket_size: u32,
    /// How often the bucket refills (Twitch: a minute); tests use a second.
    pub bucket_window: Duration,
    /// The user who approves device codes and authorize requests (the mock
    /// has no login page); change it at run time with `MockServer::set_login`.
    pub login: String,
    /// Device flow: polls answered `authorization_pending` before the device
    /// is approved for `login` (`u32::MAX`: only `MockServer::approve_device`).
    pub device_polls_before_approval: u32,
    /// Device flow: the polling interval the mock asks for, in seconds
    /// (Twitch says 5; 1 keeps tests quick).
    pub device_interval: u64,
    /// Device flow: how long a device code can be approved and redeemed.
    pub device_code_lifetime: Duration,
    /// Device flow: the first polls of each device code answered `slow_down`.
    pub device_slow_downs: u32,
    /// Serve HTTPS (HTTP/2 or HTTP/1.1 by ALPN, as Twitch does) with this
    /// certificate instead of plain HTTP.
    pub tls: Option<MockTls>,
    /// How long a connection may take to send a request's head (and, over
    /// TLS, its handshake) before it is closed, so slow clients cannot hold
    /// connections open forever.
    pub header_timeout: Duration,
    /// Open connections at most. At the cap, a new connection replaces the
    /// idle one that has waited longest (one with a request in progress is
    /// never closed), so one client opening thousands cannot lock others out.
    pub max_connections: usize,
}

/// A certificate chain and its private key, both PEM.
#[derive(Clone)]
pub struct MockTls {
    /// The server's certificate chain, leaf first, PEM.
    pub cert_chain_pem: Vec<u8>,
    /// The private key of the leaf certificate, PEM.
    pub key_pem: Vec<u8>,
}

/// Keys stay out of `Debug` output, even test ones.
impl std::fmt::Debug for MockTls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockTls").field("cert_chain_pem", &self.cert_chain_pem.len()).finish_non_exhaustive()
    }
}

impl Default for MockConfig {
    fn default() -> Self {
        MockConfig {
            users: 500,
            games: 100,
            live_every: 3,
            follows_per_user: 20,
            client_id: DEFAULT_CLIENT_ID.to_string(),
            client_secret: DEFAULT_CLIENT_SECRET.to_string(),
            token_lifetime: Duration::from_secs(4 * 3600),
            routes: crate::routes::ROUTES,
            port: None,
            extension_secret: DEFAULT_EXTENSION_SECRET.to_vec(),
            bucket_size: RATE_LIMIT,
            bucket_window: Duration::from_secs(60),
            login: "ninja".to_string(),
            device_polls_before_approval: 2,
            device_interval: 1,
            device_code_lifetime: Duration::from_secs(1800),
            device_slow_downs: 0,
            tls: None,
            header_timeout: Duration::from_secs(10),
            max_connections: 1024,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_serves_the_generated_routes_with_twitchs_bucket() {
        let config = MockConfig::default();
        assert!(std::ptr::eq(config.routes, crate::routes::ROUTES), "the spec's table, not a fixture");
        assert!(config.routes.iter().any(|r| r.endpoint.name == "Get Users"));
        assert_eq!((config.bucket_size, config.bucket_window), (RATE_LIMIT, Duration::from_secs(60)));
        assert_eq!((config.client_id.as_str(), config.port), (DEFAULT_CLIENT_ID, None));
        assert_eq!(config.extension_secret, DEFAULT_EXTENSION_SECRET);
    }

    #[test]
    fn tls_keys_stay_out_of_debug_output() {
        let tls = MockTls { cert_chain_pem: b"CERT".to_vec(), key_pem: b"SECRET-KEY-BYTES".to_vec() };
        let shown = format!("{:?}", MockConfig { tls: Some(tls), ..MockConfig::default() });
        assert!(!shown.contains("SECRET") && !shown.contains("83, 69, 67"), "{shown}");
        assert!(shown.contains("cert_chain_pem: 4"), "{shown}");
    }
}
