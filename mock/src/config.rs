//! How a mock server is set up: the size of its data set, its app credentials
//! and the endpoint table it serves.

use std::time::Duration;

use ttv_helix::meta::EndpointMeta;

/// The app credentials a fresh mock accepts.
pub const DEFAULT_CLIENT_ID: &str = "ttvmockclient000000000000000000";
pub const DEFAULT_CLIENT_SECRET: &str = "ttvmocksecret0000000000000000000";
/// The extension secret (raw bytes) extension JWTs must be signed with.
pub const DEFAULT_EXTENSION_SECRET: &[u8] = b"ttv-mock-extension-secret";

/// Settings for [`crate::MockServer`]. Everything has a default; the data set
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
    pub client_id: String,
    pub client_secret: String,
    /// How long minted tokens stay valid.
    pub token_lifetime: Duration,
    /// The endpoints served under `/helix`; tests pass small fixture tables.
    pub endpoints: &'static [EndpointMeta],
    /// Port to bind on 127.0.0.1; `None` picks a free one.
    pub port: Option<u16>,
    /// Secret that extension JWTs must be signed with (HS256).
    pub extension_secret: Vec<u8>,
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
            endpoints: ttv_helix::ENDPOINTS,
            port: None,
            extension_secret: DEFAULT_EXTENSION_SECRET.to_vec(),
        }
    }
}
