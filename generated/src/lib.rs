//! # ttv-helix
//!
//! A typed async client for the Twitch Helix API. The endpoint methods, request
//! types and response types are generated at build time from `endpoints.yaml`
//! (the copy packaged with this crate); what they call is the hand-written
//! runtime, [`ttv-runtime`](ttv_runtime), whose public items are re-exported here.
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
//!
//! ## Features
//!
//! `file-store`, `login`, `extension-jwt` and `rustls-ring` (on by default) and
//! `http2` (off) are ttv-runtime's, passed on; see [its documentation](ttv_runtime).
//! One is this crate's own, off by default:
//!
//! - `deserialize-requests`: the request types implement `serde::Deserialize`
//!   too, so a request can be read from JSON or a config file. Without it they
//!   are built with `new` and their setters (and serialize as before).

#![deny(missing_docs)]

pub use ttv_runtime::*;

/// What the spec says about each endpoint, as data: the types of
/// [`ENDPOINTS`] and [`endpoints`].
pub use ttv_meta as meta;

include!(concat!(env!("OUT_DIR"), "/endpoints.rs"));
