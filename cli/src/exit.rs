//! Exit codes scripts can rely on (also listed in the README).

/// The request worked (for `is-live`: the channel is live).
pub const OK: u8 = 0;
/// `is-live`: the channel is offline.
pub const OFFLINE: u8 = 1;
/// Wrong flags or input Twitch would refuse (clap uses 2 as well).
pub const USAGE: u8 = 2;
/// Missing or unusable credentials or settings.
pub const CONFIG: u8 = 3;
/// The token was refused or lacks a scope.
pub const AUTH: u8 = 4;
/// Helix answered with an error status.
pub const HELIX: u8 = 5;
/// Network trouble or a timeout.
pub const NETWORK: u8 = 6;
/// The answer did not have the documented shape.
pub const DECODE: u8 = 7;
/// Twitch kept answering 429 Too Many Requests after every retry.
pub const RATE_LIMITED: u8 = 8;
/// Twitch answered but did not do it: a chat message it dropped (the reason is printed).
pub const REFUSED: u8 = 9;
/// A bug or an environment problem in ttv itself.
pub const INTERNAL: u8 = 70;
