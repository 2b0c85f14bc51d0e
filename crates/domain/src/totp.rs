//! Time-based one-time passwords (RFC 6238), as any authenticator app computes them: HMAC-SHA1
//! over the number of 30-second steps since the epoch, six digits. The secret is shown to the
//! app once, as base32 in an `otpauth://` address.

use hmac::{Hmac, Mac};

/// Seconds one code lasts.
pub const STEP: i64 = 30;
/// Steps either side of now a code is still taken at, for clocks a little apart.
pub const DRIFT: i64 = 1;

/// A shared secret: 20 random bytes, as RFC 4226 recommends.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(pub Vec<u8>);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(…)")
    }
}

const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

impl Secret {
    /// RFC 4648 base32 without padding, as authenticator apps take it.
    pub fn base32(&self) -> String {
        let mut out = String::new();
        let (mut buffer, mut bits) = (0u32, 0u32);
        for &b in &self.0 {
            buffer = (buffer << 8) | u32::from(b);
            bits += 8;
            while bits >= 5 {
                bits -= 5;
                out.push(ALPHABET[((buffer >> bits) & 31) as usize] as char);
            }
        }
        if bits > 0 {
            out.push(ALPHABET[((buffer << (5 - bits)) & 31) as usize] as char);
        }
        out
    }

    pub fn from_base32(s: &str) -> Option<Secret> {
        let (mut buffer, mut bits, mut out) = (0u32, 0u32, Vec::new());
        for c in s.bytes().filter(|c| *c != b'=') {
            let v = ALPHABET.iter().position(|a| *a == c.to_ascii_uppercase())? as u32;
            buffer = (buffer << 5) | v;
            bits += 5;
            if bits >= 8 {
                bits -= 8;
                out.push((buffer >> bits) as u8);
            }
        }
        Some(Secret(out))
    }

    /// The six-digit code of the step `step`.
    pub fn code_at_step(&self, step: i64) -> u32 {
        let mut mac = Hmac::<sha1::Sha1>::new_from_slice(&self.0).expect("any key length");
        mac.update(&step.to_be_bytes());
        let h = mac.finalize().into_bytes();
        let at = (h[h.len() - 1] & 0x0f) as usize;
        let n = u32::from_be_bytes([h[at] & 0x7f, h[at + 1], h[at + 2], h[at + 3]]);
        n % 1_000_000
    }

    /// The step a code was made at, if it is one of the steps around `unix` seconds, later than
    /// `after` (a code once used is not taken again).
    pub fn check(&self, code: &str, unix: i64, after: Option<i64>) -> Option<i64> {
        let code = code.trim();
        if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let given: u32 = code.parse().ok()?;
        let now = unix.div_euclid(STEP);
        (now - DRIFT..=now + DRIFT)
            .filter(|s| after.is_none_or(|a| *s > a))
            .find(|s| self.code_at_step(*s) == given)
    }

    /// The address an authenticator app reads from the QR code.
    pub fn uri(&self, issuer: &str, account: &str) -> String {
        let enc = |s: &str| -> String {
            s.bytes()
                .map(|b| match b {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' => {
                        (b as char).to_string()
                    }
                    _ => format!("%{b:02X}"),
                })
                .collect()
        };
        format!(
            "otpauth://totp/{}:{}?secret={}&issuer={}&algorithm=SHA1&digits=6&period={STEP}",
            enc(issuer),
            enc(account),
            self.base32(),
            enc(issuer)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rfc_6238_vectors_hold_to_six_digits() {
        let s = Secret(b"12345678901234567890".to_vec());
        // RFC 6238, Appendix B, SHA-1: 94287082, 07081804, 14050471, 89005924.
        for (t, code) in [
            (59, 287_082),
            (1_111_111_109, 81_804),
            (1_111_111_111, 50_471),
            (1_234_567_890, 5_924),
        ] {
            assert_eq!(s.code_at_step(t / STEP), code, "t={t}");
        }
    }

    #[test]
    fn a_code_is_taken_once_and_only_near_now() {
        let s = Secret(b"12345678901234567890".to_vec());
        let t = 1_234_567_890;
        let code = format!("{:06}", s.code_at_step(t / STEP));
        let step = s.check(&code, t, None).expect("now");
        assert_eq!(s.check(&code, t + STEP, None), Some(step), "a step late");
        assert_eq!(s.check(&code, t + 3 * STEP, None), None, "too late");
        assert_eq!(s.check(&code, t, Some(step)), None, "used already");
        assert_eq!(s.check("12345", t, None), None);
        assert_eq!(s.check("abcdef", t, None), None);
    }

    #[test]
    fn base32_goes_both_ways() {
        let s = Secret(b"12345678901234567890".to_vec());
        assert_eq!(s.base32(), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        assert_eq!(Secret::from_base32(&s.base32()), Some(s.clone()));
        assert!(
            s.uri("基层", "admin")
                .starts_with("otpauth://totp/%E5%9F%BA%E5%B1%82:admin?secret=GEZDG")
        );
    }
}
