//! RFC 3339 timestamps as Twitch writes them (`2022-10-19T14:56:51.634234626Z`,
//! up to nine fractional digits), read as Unix time to tell how old a message
//! is. No date crate for one format.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Seconds since the Unix epoch, or `None` when `text` is not RFC 3339.
pub(crate) fn unix_seconds(text: &str) -> Option<f64> {
    let b = text.as_bytes();
    let num = |from: usize, len: usize| -> Option<i64> {
        let digits = b.get(from..from + len)?;
        digits.iter().all(u8::is_ascii_digit).then(|| digits.iter().fold(0i64, |n, d| n * 10 + i64::from(d - b'0')))
    };
    let sep = |at: usize, c: &[u8]| b.get(at).is_some_and(|x| c.contains(x));
    if !(sep(4, b"-") && sep(7, b"-") && sep(10, b"Tt ") && sep(13, b":") && sep(16, b":")) {
        return None;
    }
    let (year, month, day) = (num(0, 4)?, num(5, 2)?, num(8, 2)?);
    let (hour, minute, second) = (num(11, 2)?, num(14, 2)?, num(17, 2)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let mut at = 19;
    let mut fraction = 0.0;
    if b.get(at) == Some(&b'.') {
        let digits = b[at + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
        if digits == 0 {
            return None;
        }
        fraction = text.get(at..at + 1 + digits)?.parse::<f64>().ok()?;
        at += 1 + digits;
    }
    let offset = match b.get(at..)? {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), rest @ ..] if rest.len() == 5 && rest[2] == b':' => {
            let minutes = num(at + 1, 2)? * 60 + num(at + 4, 2)?;
            if *sign == b'+' {
                minutes * 60
            } else {
                -minutes * 60
            }
        }
        _ => return None,
    };
    let days = days_from_civil(year, month, day);
    let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset;
    Some(seconds as f64 + fraction)
}

/// How long ago `text` was, by this machine's clock; negative when it lies ahead.
pub(crate) fn age_seconds(text: &str) -> Option<f64> {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or(Duration::ZERO).as_secs_f64();
    unix_seconds(text).map(|t| now - t)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `unix` seconds as Twitch writes a timestamp (nine fractional digits), for test servers.
#[cfg(test)]
pub(crate) fn format(unix: f64) -> String {
    let secs = unix.floor() as i64;
    let nanos = ((unix - unix.floor()) * 1e9).round().min(999_999_999.0) as i64;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // The inverse of days_from_civil.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{nanos:09}Z", rem / 3600, rem % 3600 / 60, rem % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twitch_timestamps_read_as_unix_time() {
        assert_eq!(unix_seconds("1970-01-01T00:00:00Z"), Some(0.0));
        assert_eq!(unix_seconds("2019-11-16T10:11:12.123Z"), Some(1_573_899_072.123));
        let nanos = unix_seconds("2022-10-19T14:56:51.634234626Z").unwrap();
        assert!((nanos - 1_666_191_411.634_234_6).abs() < 1e-5, "{nanos}");
        assert_eq!(unix_seconds("2019-11-16T11:11:12+01:00"), Some(1_573_899_072.0));
        assert_eq!(unix_seconds("2000-03-01T00:00:00Z"), Some(951_868_800.0));
    }

    #[test]
    fn other_text_is_not_a_timestamp() {
        for bad in
            ["", "yesterday", "2019-11-16", "2019-11-16T10:11:12", "2019-13-16T10:11:12Z", "2019-11-16T10:11:12.Z"]
        {
            assert_eq!(unix_seconds(bad), None, "{bad}");
        }
    }

    #[test]
    fn formatted_timestamps_read_back() {
        for unix in [0.0, 1_573_899_072.5, 1_666_191_411.25, 951_868_800.0] {
            let text = format(unix);
            assert_eq!(text.len(), "2022-10-19T14:56:51.634234626Z".len(), "{text}");
            assert!((unix_seconds(&text).unwrap() - unix).abs() < 1e-6, "{text}");
        }
        assert!(age_seconds(&format(0.0)).unwrap() > 1e9);
    }
}
