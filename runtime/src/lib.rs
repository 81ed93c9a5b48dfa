//! # ttv-runtime
//!
//! The hand-written runtime under [ttv-helix]: HTTP, access tokens and their
//! storage, rate limits, retries, pagination and batching for the Twitch Helix
//! API. The generated crate `ttv-helix` adds one typed method per endpoint on
//! top of [`Client`]; most programs depend on `ttv-helix` and never name this
//! crate.
//!
//! [ttv-helix]: https://docs.rs/ttv-helix
//!
//! ## Features
//!
//! These are on by default; `ttv-helix` has the same features and passes them on.
//!
//! - `file-store`: `FileStore` (user tokens in private files, written
//!   atomically and locked across processes) and the app-token cache on disk
//!   ([`Config::cache_dir`]). Without it, tokens live in memory
//!   ([`MemoryStore`]) or in the program's own [`TokenStore`].
//! - `login`: the login flows that get a user token, device code and
//!   authorization code (`OAuthClient::start_device_flow`,
//!   `OAuthClient::exchange_code`, `RedirectListener`). Refreshing,
//!   validating and revoking tokens need no feature.
//! - `extension-jwt`: signing extension JWTs from the extension secret
//!   (`ExtensionJwt::signed`); without it, [`ExtensionJwt::Ready`] sends a
//!   JWT made elsewhere.
//! - `rustls-ring`: the HTTP client's TLS, rustls with ring and the
//!   platform's certificate verifier (given to this client only, never
//!   installed process-wide). Without it, pass your own
//!   `rustls::ClientConfig` (your crypto provider and roots) with
//!   [`Config::with_tls_config`]; building a client without one fails with
//!   [`Error::Config`] saying so.
//!
//! Two features are off by default:
//!
//! - `http2`: HTTP/2 when the server offers it over TLS, so concurrent
//!   requests (a split bulk lookup) share one connection. Without it the
//!   client speaks HTTP/1.1 with a pool of kept-alive connections, and builds
//!   without the h2 stack. The `ttv` CLI turns it on.
//! - `eventsub`: EventSub over WebSocket, `Client::eventsub_websocket` (see
//!   [`eventsub`]): a session as a stream of events, with its subscriptions,
//!   keepalive watchdog, reconnects and dedup; it adds tokio-tungstenite.
//!   ttv-helix's `eventsub` feature turns it on.
//!
//! ## Environment
//!
//! Nothing reads environment variables unless asked: [`Config::from_env`] /
//! [`Config::with_env`] and `FileStore::from_env` list the ones they read.
//! [`Config::new`] and `FileStore::default_dir` use the platform's folders
//! (found from `HOME` and the `XDG_*` variables on Linux), and the platform
//! certificate verifier honours `SSL_CERT_FILE` / `SSL_CERT_DIR` on Linux.
//!
//! ## Layout of the API
//!
//! Every item a program names is re-exported at the crate root, and the
//! modules are private: `ttv_helix::Config`, `ttv_helix::FileStore`,
//! `ttv_helix::OAuthClient`. The login items stay flat rather than in a
//! public `auth` module because there are few of them and each already says
//! what it is (`OAuthClient`, `RedirectListener`, `DeviceAuthorization`); one
//! level of paths keeps `use` lines and error messages short. What only the
//! generated code, the `ttv` CLI and the tests need lives in the hidden
//! `__private` module, which is not part of the API and may change in any
//! release.

#![deny(missing_docs)]

mod auth;
mod batch;
mod client;
mod config;
mod error;
mod http_client;
mod input;
mod nulls;
mod pagination;
mod random;
mod raw;
mod refused;
mod request;
mod response;
mod secret;
mod tls;
mod token;
mod token_values;
mod transport;

#[cfg(test)]
mod test_meta;

pub mod eventsub;

pub use auth::extension::ExtensionJwt;
#[cfg(feature = "login")]
pub use auth::{DeviceAuthorization, DevicePoll, RedirectListener};
#[cfg(feature = "file-store")]
pub use auth::{FileStore, Salvaged};
pub use auth::{MemoryStore, OAuthClient, StoreLock, StoredUserToken, TokenInfo, TokenStore, UserTokenSource};
pub use client::Client;
pub use config::{
    Config, Wait, WaitHook, WaitReason, DEFAULT_DEADLINE, DEFAULT_EVENTSUB_WEBSOCKET_URL, DEFAULT_HELIX_URL,
    DEFAULT_MAX_ANSWER_BYTES, DEFAULT_OAUTH2_URL, DEFAULT_USER_AGENT, TWITCH_DEFAULT_BUCKET,
};
pub use error::{Error, Result, SecretNeed};
pub use futures_util::Stream;
pub use pagination::Paginated;
pub use raw::RawRequest;
pub use request::{Decode, Endpoint};
pub use response::{NoContent, Pagination, RateLimit, Response};
pub use secret::Secret;
pub use token::{App, AppOrUser, AuthClassMarker, Extension, NoToken, Permits, TokenKind, User};

/// Not public API: what the generated code of `ttv-helix`, the `ttv` CLI and
/// the workspace's tests need of the runtime. Anything here may change or
/// disappear in any release, patch releases included; do not use it.
#[doc(hidden)]
pub mod __private {
    #[cfg(feature = "file-store")]
    pub use crate::auth::file::{create_private_dir, write_private};
    #[cfg(feature = "file-store")]
    pub use crate::auth::folders::{home_problem, project_dirs};
    pub use crate::auth::interrupt::stop;
    #[cfg(feature = "login")]
    pub use crate::auth::redirect::random_state;
    pub use crate::auth::store::{check_profile_name, DEFAULT_PROFILE};
    pub use crate::batch::splittable;
    pub use crate::nulls::or_default;
}
