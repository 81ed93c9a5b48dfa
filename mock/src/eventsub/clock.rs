//! Timestamps and ids of EventSub messages: RFC 3339 with nine fractional
//! digits as Twitch sends them, random UUIDs for message ids, and session ids
//! and reconnect tokens that look like Twitch's.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rand::distr::Alphanumeric;
use rand::Rng;

/// Now as `2024-05-01T18:30:00.123456789Z`.
pub fn now() -> String {
    at(SystemTime::now())
}

/// `age` ago, for messages a test wants to look old.
pub fn ago(age: Duration) -> String {
    at(SystemTime::now().checked_sub(age).unwrap_or(UNIX_EPOCH))
}

fn at(t: SystemTime) -> String {
    let d = t.duration_since(UNIX_EPOCH).unwrap_or_default();
    let whole = crate::rfc3339::format_unix(d.as_secs());
    let base = whole.strip_suffix('Z').unwrap_or(&whole);
    format!("{base}.{:09}Z", d.subsec_nanos())
}

/// A random version-4 UUID, as Twitch's message and event ids are.
pub fn uuid() -> String {
    let b: [u8; 16] = rand::rng().random();
    let hex = |r: std::ops::Range<usize>| b[r].iter().map(|x| format!("{x:02x}")).collect::<String>();
    format!("{}-{}-4{}-{:x}{}-{}", hex(0..4), hex(4..6), &hex(6..8)[1..], 8 | (b[8] & 3), &hex(8..10)[1..], hex(10..16))
}

/// A session id shaped like Twitch's (`AQoQ...hAB`, URL-safe letters).
pub fn session_id() -> String {
    format!("AQoQ{}hAB", random_text(21))
}

/// The secret part of a reconnect URL.
pub fn reconnect_token() -> String {
    random_text(24)
}

fn random_text(n: usize) -> String {
    rand::rng().sample_iter(&Alphanumeric).take(n).map(char::from).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_carry_nine_fractional_digits() {
        let t = now();
        let (_, fraction) = t.split_once('.').expect("a fraction");
        assert_eq!(fraction.len(), 10, "nine digits and Z: {t}");
        assert!(fraction.ends_with('Z') && t.starts_with("20"), "{t}");
        assert!(ago(Duration::from_secs(3600)) < t, "an hour ago sorts first");
    }

    #[test]
    fn ids_look_like_twitchs_and_differ() {
        let (a, b) = (uuid(), uuid());
        assert_ne!(a, b);
        let parts: Vec<usize> = a.split('-').map(str::len).collect();
        assert_eq!(parts, [8, 4, 4, 4, 12], "{a}");
        assert_eq!(a.as_bytes()[14], b'4', "version 4: {a}");
        assert!("89ab".contains(char::from(a.as_bytes()[19])), "variant: {a}");
        let s = session_id();
        assert!(s.starts_with("AQoQ") && s.ends_with("hAB") && s.len() == 28, "{s}");
        assert_ne!(reconnect_token(), reconnect_token());
    }
}
