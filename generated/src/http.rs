//! The one HTTP client of a process: rustls (ring, no OpenSSL), connection
//! reuse, and a connect and total timeout on every request.

use crate::config::Config;
use crate::Error;

pub(crate) fn client(config: &Config) -> Result<reqwest::Client, Error> {
    // reqwest is built without a default crypto provider so that no C-heavy
    // aws-lc build is needed; ring is installed once per process.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .user_agent(concat!("ttv/", env!("CARGO_PKG_VERSION")))
        .timeout(config.timeout)
        .connect_timeout(config.connect_timeout)
        .pool_idle_timeout(std::time::Duration::from_secs(60))
        .build()
        .map_err(|e| Error::Config(format!("cannot set up HTTP: {e}")))
}
