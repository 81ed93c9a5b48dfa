//! Unpredictable values (login `state`, temporary file names, retry jitter)
//! straight from the operating system's generator: a few bytes per login or
//! file write do not need a user-space generator and its dependencies.

#[cfg_attr(not(any(feature = "file-store", feature = "login")), allow(dead_code))]
const ALPHANUMERIC: &[u8; 62] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// Fills `buf` from the operating system. It fails only on a system without a
/// working generator, where nothing secret can be made safely: stop there.
fn fill(buf: &mut [u8]) {
    if let Err(e) = getrandom::getrandom(buf) {
        panic!("the operating system's random number generator failed: {e}");
    }
}

/// `len` letters and digits, each of the 62 equally likely.
#[cfg_attr(not(any(feature = "file-store", feature = "login")), allow(dead_code))]
pub(crate) fn alphanumeric(len: usize) -> String {
    let mut out = String::with_capacity(len);
    let mut bytes = [0u8; 64];
    while out.len() < len {
        fill(&mut bytes);
        // 248 = 4 * 62: bytes from 248 up would favour the first symbols.
        for &b in bytes.iter().filter(|&&b| b < 248) {
            if out.len() == len {
                break;
            }
            out.push(char::from(ALPHANUMERIC[usize::from(b % 62)]));
        }
    }
    out
}

/// A number in `[0, 1)`, uniformly.
pub(crate) fn unit_interval() -> f64 {
    let mut bytes = [0u8; 8];
    fill(&mut bytes);
    // The top 53 bits fill an f64's mantissa exactly.
    (u64::from_le_bytes(bytes) >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alphanumeric_has_the_length_and_alphabet_asked_for_and_differs_each_time() {
        let a = alphanumeric(100);
        assert_eq!(a.len(), 100);
        assert!(a.bytes().all(|b| b.is_ascii_alphanumeric()), "{a}");
        assert_ne!(a, alphanumeric(100));
        assert_eq!(alphanumeric(0), "");
    }

    #[test]
    fn alphanumeric_uses_every_symbol() {
        let many = alphanumeric(20_000);
        for &symbol in ALPHANUMERIC {
            assert!(many.as_bytes().contains(&symbol), "{} never drawn", char::from(symbol));
        }
    }

    #[test]
    fn unit_interval_stays_in_range_and_spreads() {
        let draws: Vec<f64> = (0..1000).map(|_| unit_interval()).collect();
        assert!(draws.iter().all(|x| (0.0..1.0).contains(x)));
        assert!(draws.iter().any(|&x| x < 0.25) && draws.iter().any(|&x| x > 0.75));
    }
}
