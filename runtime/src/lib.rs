//! # ttv-runtime
//!
//! The hand-written runtime under [ttv-helix]: HTTP, access tokens and their
//! storage, rate limits, retries, pagination and batching for the Twitch Helix
//! API. The generated crate `ttv-helix` adds one typed method per endpoint on
//! top of [`Client`]; most programs depend on `ttv-helix` and never name this
//! crate.
//!
//! [ttv-helix]: https://docs.rs/ttv-helix

pub mod auth;
pub mod batch;
mod client;
pub mod config;
pub mod error;
mod http;
pub mod input;
#[doc(hidden)]
pub mod nulls;
pub mod pagination;
pub mod raw;
mod request;
mod response;
mod secret;
mod token;
mod token_values;
mod transport;

#[cfg(test)]
mod test_meta;

pub use auth::extension::ExtensionJwt;
#[cfg(feature = "file-store")]
pub use auth::FileStore;
pub use auth::{MemoryStore, StoredUserToken, TokenInfo, TokenStore, UserTokenSource};
pub use client::Client;
pub use config::{Config, TWITCH_DEFAULT_BUCKET};
pub use error::{Error, Result, SecretNeed};
pub use futures::Stream;
pub use pagination::Paginated;
pub use raw::RawRequest;
pub use request::{Decode, Endpoint};
pub use response::{NoContent, Pagination, RateLimit, Response};
pub use secret::Secret;
pub use token::{App, AppOrUser, AuthClassMarker, Extension, NoToken, Permits, TokenKind, User};
