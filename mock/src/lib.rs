//! ttv-mock: a real HTTP mock of Twitch's OAuth service (id.twitch.tv/oauth2)
//! and of Helix (api.twitch.tv/helix), driven by the endpoint table that
//! endpoints.yaml generates. It enforces the same rules as Twitch (client id,
//! token kind, scopes, parameters), pages with cursors, sends rate-limit
//! headers and answers from a deterministic data set. It also serves the
//! EventSub WebSocket (`MockServer::eventsub_url`) with Twitch's session
//! rules, and controls under `/mock/eventsub/` to trigger events, reconnect,
//! drop or silence sessions, revoke subscriptions and resend messages.
//!
//! ```no_run
//! # fn demo() -> std::io::Result<()> {
//! let mock = ttv_mock::MockServer::start_background(ttv_mock::MockConfig::default())?;
//! let token = mock.issue_user_token("ninja", &["user:read:follows"]);
//! println!("{} {}", mock.helix_url(), token);
//! # Ok(()) }
//! ```

#![deny(missing_docs)]

mod config;
mod conn;
mod created;
mod dataset;
mod entity;
mod eventsub;
mod eventsub_catalog;
mod faults;
mod flows;
mod follows;
mod helix;
mod helix_error;
mod index;
mod items;
mod oauth;
mod oauth_flows;
mod oauth_form;
mod page;
mod params;
mod private_fields;
mod realistic;
mod records;
mod request;
mod rfc3339;
mod route_meta;
mod routes;
mod select;
mod server;
mod shape;
mod state;
mod tls;
mod token;

#[cfg(test)]
mod over_http;
#[cfg(test)]
mod test_fixtures;
#[cfg(test)]
mod test_http;
#[cfg(test)]
mod test_wire;

pub use config::{MockConfig, MockTls, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, RATE_LIMIT};
pub use dataset::{Dataset, WELL_KNOWN_GAMES, WELL_KNOWN_LOGINS};
pub use entity::Entity;
/// Every EventSub subscription type the mock knows, generated from endpoints.yaml.
pub use eventsub_catalog::SUBSCRIPTION_TYPES;
pub use faults::{Fault, FaultKind, Faults};
pub use route_meta::{MockFilter, RouteMeta};
/// Every route the mock serves, as its emitter generated them from endpoints.yaml.
pub use routes::ROUTES;
pub use server::MockServer;
pub use state::MockStats;
