//! Paging through selected items: `first`, `after` and `before`, with
//! cursors shaped like Twitch's (unpadded base64 of a small JSON object).

use std::ops::Range;

use serde_json::{json, Value};
use ttv_meta::EndpointMeta;

use crate::params::Params;

/// Helix's page size when `first` is not given.
const DEFAULT_FIRST: usize = 20;

/// The slice of the selection to answer with, and the cursor for the next page.
#[derive(Debug, PartialEq, Eq)]
pub struct Page {
    pub range: Range<usize>,
    pub cursor: Option<String>,
}

/// Works out the page of `total` selected items the request asks for.
pub fn page(ep: &EndpointMeta, total: usize, params: &Params) -> Result<Page, String> {
    let first = params.first("first").and_then(|v| v.trim().parse::<usize>().ok());
    if !ep.is_paginated() {
        let end = first.map_or(total, |f| f.min(total));
        return Ok(Page { range: 0..end, cursor: None });
    }
    let size = first.unwrap_or_else(|| default_first(ep));
    let (start, end) = match (params.first("after"), params.first("before")) {
        (Some(after), _) => {
            let start = decode_cursor(after)?.min(total);
            (start, start.saturating_add(size).min(total))
        }
        (None, Some(before)) => {
            let end = decode_cursor(before)?.min(total);
            (end.saturating_sub(size), end)
        }
        (None, None) => (0, size.min(total)),
    };
    let cursor = (end < total).then(|| encode_cursor(end));
    Ok(Page { range: start..end, cursor })
}

/// 20, or less when the spec's range for `first` tops out lower.
fn default_first(ep: &EndpointMeta) -> usize {
    match ep.param("first").and_then(|p| p.range) {
        Some((_, hi)) if hi >= 1 => DEFAULT_FIRST.min(hi as usize),
        _ => DEFAULT_FIRST,
    }
}

/// The `pagination` object of an answer.
pub fn pagination(cursor: Option<&str>) -> Value {
    match cursor {
        Some(c) => json!({ "cursor": c }),
        None => json!({}),
    }
}

pub fn encode_cursor(offset: usize) -> String {
    let raw = json!({ "b": null, "a": { "Offset": offset } }).to_string();
    base64_encode(raw.as_bytes())
}

pub fn decode_cursor(cursor: &str) -> Result<usize, String> {
    let bad = || format!("Invalid cursor \"{cursor}\"");
    let raw = base64_decode(cursor).ok_or_else(bad)?;
    let v: Value = serde_json::from_slice(&raw).map_err(|_| bad())?;
    v.pointer("/a/Offset").and_then(Value::as_u64).map(|o| o as usize).ok_or_else(bad)
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// URL-safe base64 without padding, so cursors need no escaping in a query.
fn base64_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for k in 0..=chunk.len() {
            out.push(char::from(ALPHABET[(n >> (18 - 6 * k) & 63) as usize]));
        }
    }
    out
}

/// Accepts both alphabets and optional padding, since clients may re-encode.
fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let mut bits: u32 = 0;
    let mut nbits = 0;
    let mut out = Vec::new();
    for c in s.trim_end_matches('=').bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            _ => return None,
        };
        bits = bits << 6 | u32::from(v);
        nbits += 6;
        if nbits >= 8 {
            nbits -= 8;
            out.push((bits >> nbits) as u8);
            bits &= (1 << nbits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_fixtures::{GET_STREAMS, GET_USERS, SMALL_PAGES};

    #[test]
    fn cursors_round_trip_and_look_like_twitch() {
        for n in [0, 1, 20, 12345] {
            assert_eq!(decode_cursor(&encode_cursor(n)), Ok(n));
        }
        assert!(encode_cursor(20).starts_with("eyJ"));
        // Twitch's own cursor for offset 20, in the standard alphabet.
        assert_eq!(decode_cursor("eyJiIjpudWxsLCJhIjp7Ik9mZnNldCI6MjB9fQ"), Ok(20));
        assert!(decode_cursor("not a cursor!").is_err());
        assert!(decode_cursor("e30").is_err());
        assert_eq!(base64_encode(b"ab"), "YWI");
        assert_eq!(base64_decode("YWI="), Some(b"ab".to_vec()));
    }

    #[test]
    fn pages_follow_cursors_to_the_end() {
        let p = page(&GET_STREAMS, 45, &Params::default()).unwrap();
        assert_eq!(p.range, 0..20);
        let c = p.cursor.unwrap();
        let p = page(&GET_STREAMS, 45, &Params::from_query(&format!("after={c}&first=30"))).unwrap();
        assert_eq!(p.range, 20..45);
        assert_eq!(p.cursor, None);
        let back =
            page(&GET_STREAMS, 45, &Params::from_query(&format!("before={}&first=5", encode_cursor(20)))).unwrap();
        assert_eq!(back.range, 15..20);
        let past = page(&GET_STREAMS, 3, &Params::from_query(&format!("after={}", encode_cursor(50)))).unwrap();
        assert_eq!(past.range, 3..3);
        assert!(page(&GET_STREAMS, 3, &Params::from_query("after=%%%")).is_err());
    }

    #[test]
    fn unpaginated_answers_everything_unless_first_says_otherwise() {
        assert_eq!(page(&GET_USERS, 7, &Params::default()).unwrap().range, 0..7);
        assert_eq!(page(&GET_USERS, 7, &Params::from_query("first=2")).unwrap().range, 0..2);
    }

    #[test]
    fn default_size_respects_a_smaller_range() {
        assert_eq!(page(&SMALL_PAGES, 50, &Params::default()).unwrap().range, 0..10);
    }
}
