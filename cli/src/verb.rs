//! The CLI's verb table entry. Verb names and aliases exist only for the CLI,
//! so the library's endpoint metadata carries none: build.rs emits
//! the table (`VERBS` of the generated `verbs` module) from the spec, one
//! [`Verb`] per endpoint.

use ttv_helix::meta::EndpointMeta;

/// One endpoint verb: what a user types and the endpoint it calls.
#[derive(Debug)]
pub struct Verb {
    /// The verb, e.g. `get-users`.
    pub verb: &'static str,
    /// Other spellings, e.g. `getUsers`.
    pub aliases: &'static [&'static str],
    /// The library's metadata of the endpoint.
    pub endpoint: &'static EndpointMeta,
    /// Twitch calls the endpoint beta.
    pub beta: bool,
    /// What `--help` adds to the metadata: the endpoint's status at Twitch,
    /// its parameter groups and the fields of its answer (codegen's `verb_help`).
    pub help: &'static str,
}

/// A request the CLI can build from its flags (as JSON): the library's request
/// types, with its `deserialize-requests` feature.
pub trait Request: ttv_helix::Endpoint + serde::de::DeserializeOwned {}

impl<E: ttv_helix::Endpoint + serde::de::DeserializeOwned> Request for E {}
