//! A mock Twitch for the library tests, and the client `Config` that points
//! at it: one place that knows which credentials and URLs a client needs.

use std::path::Path;

use ttv_helix::{Config, Secret};
use ttv_mock::{MockConfig, MockServer};

/// Starts a mock on the test's own runtime (for async library tests; CLI
/// tests use [`crate::mock`], which runs it on a thread of its own).
pub async fn start_mock(config: MockConfig) -> MockServer {
    MockServer::start(config).await.expect("mock server starts")
}

/// The client configurations the tests need for a mock.
pub trait MockClientConfig {
    /// App credentials (client id and secret) and the mock's URLs; app tokens
    /// kept in memory only. User-token clients take the same config and are
    /// handed their token or store separately.
    fn client_config(&self) -> Config;

    /// [`MockClientConfig::client_config`], caching the app token in files
    /// under `cache_dir`, as the CLI does.
    fn client_config_cached_in(&self, cache_dir: &Path) -> Config {
        let mut config = self.client_config();
        config.cache_dir = Some(cache_dir.to_path_buf());
        config
    }
}

impl MockClientConfig for MockServer {
    fn client_config(&self) -> Config {
        let mut config = Config::new(self.client_id());
        config.client_secret = Some(Secret::new(self.client_secret()));
        config.helix_url = self.helix_url();
        config.oauth2_url = self.oauth2_url();
        config.cache_dir = None;
        config
    }
}
