//! `application/x-www-form-urlencoded` and percent-encoding, shared by the
//! client (form bodies, path parameters, the login redirect) and the mock
//! (query strings, OAuth forms). Repeated keys (`id=1&id=2`) keep every value
//! in order, which generic form parsers often do not.

/// Percent-encodes everything but the unreserved characters (`A-Z a-z 0-9 - . _ ~`).
/// Fit for a form value, a query value and a path segment alike.
pub fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// `k=v&k2=v2` with every value encoded, for a form body.
pub fn form(fields: &[(&str, &str)]) -> String {
    fields.iter().map(|(k, v)| format!("{k}={}", encode(v))).collect::<Vec<_>>().join("&")
}

/// Splits `a=1&b=2&a=3` into decoded pairs, keeping order and repeats.
pub fn parse_pairs(input: &str) -> Vec<(String, String)> {
    input
        .split('&')
        .filter(|part| !part.is_empty())
        .map(|part| match part.split_once('=') {
            Some((k, v)) => (decode(k), decode(v)),
            None => (decode(part), String::new()),
        })
        .collect()
}

/// Percent-decodes one component, with `+` as a space. Bad escapes are kept
/// literally rather than rejected, as most servers do.
pub fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => match (bytes.get(i + 1), bytes.get(i + 2)) {
                (Some(&h), Some(&l)) if h.is_ascii_hexdigit() && l.is_ascii_hexdigit() => {
                    out.push(hex(h) * 16 + hex(l));
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(b: u8) -> u8 {
    match b {
        b'0'..=b'9' => b - b'0',
        b'a'..=b'f' => b - b'a' + 10,
        _ => b - b'A' + 10,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_repeated_keys_in_order() {
        let pairs = parse_pairs("id=1&login=a%20b&id=2&flag&x=a+b");
        assert_eq!(
            pairs,
            vec![
                ("id".into(), "1".into()),
                ("login".into(), "a b".into()),
                ("id".into(), "2".into()),
                ("flag".into(), "".into()),
                ("x".into(), "a b".into()),
            ]
        );
    }

    #[test]
    fn encoding_round_trips() {
        assert_eq!(encode("a b&c=d/é~"), "a%20b%26c%3Dd%2F%C3%A9~");
        assert_eq!(decode(&encode("a b&c=d/é~+")), "a b&c=d/é~+");
        assert_eq!(
            form(&[("grant_type", "client_credentials"), ("x", "a b")]),
            "grant_type=client_credentials&x=a%20b"
        );
    }

    #[test]
    fn bad_escapes_are_kept() {
        assert_eq!(decode("100%"), "100%");
        assert_eq!(decode("%zz%41"), "%zzA");
        assert_eq!(decode("%C3%A9"), "é");
    }
}
