//! # ttv-meta
//!
//! What `endpoints.yaml` says about each Helix endpoint and EventSub subscription type, as plain static data,
//! and the small wire helpers that both the client (`ttv-runtime`) and the mock
//! server (`ttv-mock`) need: form encoding and HS256 JWTs (feature `jwt`). It depends on no
//! HTTP stack, so the mock can share these types without the client.

#![deny(missing_docs)]

pub mod endpoint;
pub mod eventsub;
pub mod form;
#[cfg(feature = "jwt")]
pub mod jwt;

pub use endpoint::*;
pub use eventsub::{ConditionFieldMeta, SubscriptionMeta};
