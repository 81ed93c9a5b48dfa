//! # ttv-helix
//!
//! A typed async client for the Twitch Helix API. The endpoint methods, request
//! types and response types are generated at build time from `endpoints.yaml`;
//! the rest of this crate is the small hand-written runtime they call.
//!
//! ```no_run
//! # async fn demo() -> Result<(), ttv_helix::Error> {
//! use ttv_helix::{Config, Helix};
//! let helix = Helix::app(Config::from_env()?)?;
//! let users = helix.get_users().login(["ninja", "pokimane"]).send().await?;
//! for user in users.data {
//!     println!("{} ({})", user.display_name, user.id);
//! }
//! # Ok(()) }
//! ```
//!
//! The client is generic over the token it holds. A user-only endpoint called
//! on an app client does not compile:
//!
//! ```compile_fail
//! # async fn demo(helix: ttv_helix::Helix<ttv_helix::App>) {
//! helix.get_followed_streams("123").send().await; // needs Helix<User>
//! # }
//! ```

pub mod auth;
pub mod batch;
mod client;
pub mod config;
pub mod error;
mod http;
pub mod input;
pub mod meta;
mod nulls;
pub mod pagination;
pub mod raw;
mod request;
mod response;
mod secret;
mod token;
mod token_values;
mod transport;
pub mod urlencoded;

pub use auth::extension::ExtensionJwt;
pub use auth::{FileStore, MemoryStore, StoredUserToken, TokenInfo, TokenStore, UserTokenSource};
pub use client::Helix;
pub use config::{Config, TWITCH_DEFAULT_BUCKET};
pub use error::{Error, Result};
pub use pagination::Paginated;
pub use raw::RawRequest;
pub use request::{Call, Decode, Endpoint};
pub use response::{NoContent, Pagination, RateLimit, Response};
pub use secret::Secret;
pub use token::{App, AppOrUser, AuthClassMarker, Extension, NoToken, Permits, TokenKind, User};

include!(concat!(env!("OUT_DIR"), "/endpoints.rs"));
