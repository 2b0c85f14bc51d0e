//! The audit trail's hash chain: each entry's hash covers the previous entry's hash and every
//! field of its own, so changing, removing or reordering an entry breaks every later link. The
//! hash is an HMAC under a key kept outside the database, so whoever can write the database
//! cannot forge a chain that verifies; entries from before keys are plain SHA-256.

use crate::Invalid;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

/// Audit entries and login-log lines are kept at least this many days: no archive takes
/// younger ones (MLPS level 3 asks for six months).
pub const MIN_RETENTION_DAYS: i64 = 180;
/// Ten years: the longest retention a setting may ask for.
pub const MAX_RETENTION_DAYS: i64 = 3650;

/// How many entries after the one that retired a key that key may still sign: processes that
/// took the key just before the rotation finish their writes. Beyond it, an entry signed with
/// the retired key is refused, so a retired key that leaked cannot re-sign the chain from the
/// rotation on.
pub const RETIRED_KEY_GRACE: i64 = 1000;

/// A retention in days, between the floor and ten years.
pub fn retention_days(raw: i64) -> Result<i64, Invalid> {
    if (MIN_RETENTION_DAYS..=MAX_RETENTION_DAYS).contains(&raw) {
        Ok(raw)
    } else {
        Err(Invalid::new(
            "days",
            raw,
            msg!(
                "日志保存期应为 {min}–{max} 天",
                min = MIN_RETENTION_DAYS,
                max = MAX_RETENTION_DAYS
            ),
        ))
    }
}

/// The first day whose entries must still be kept under a retention of `days`: an archive
/// may take only entries from before it.
pub fn keep_from(today: chrono::NaiveDate, days: i64) -> chrono::NaiveDate {
    today - chrono::Days::new(days.max(MIN_RETENTION_DAYS) as u64)
}

/// An archive anchor as its signature covers it: the range it took, where the live chain
/// goes on from, its file, and the anchor before it.
pub struct Anchor<'a> {
    pub from_seq: i64,
    pub upto_seq: i64,
    pub last_hash: &'a str,
    pub file_name: &'a str,
    pub file_digest: &'a str,
    pub entries: i64,
    pub logins: i64,
    pub prev_signature: &'a str,
}

impl Anchor<'_> {
    /// The bytes its signature covers, each field length-prefixed.
    pub fn payload(&self) -> Vec<u8> {
        let (from, upto, entries, logins) = (
            self.from_seq.to_string(),
            self.upto_seq.to_string(),
            self.entries.to_string(),
            self.logins.to_string(),
        );
        let mut out = b"jiceng-audit-anchor".to_vec();
        for f in [
            from.as_str(),
            upto.as_str(),
            self.last_hash,
            self.file_name,
            self.file_digest,
            entries.as_str(),
            logins.as_str(),
            self.prev_signature,
        ] {
            out.extend((f.len() as u64).to_le_bytes());
            out.extend(f.as_bytes());
        }
        out
    }
}

/// What an archive file's signature covers: its content's digest and its summary.
pub fn archive_payload(
    digest: &str,
    upto_seq: i64,
    last_hash: &str,
    entries: i64,
    logins: i64,
) -> String {
    format!("jiceng-audit-archive|{digest}|{upto_seq}|{last_hash}|{entries}|{logins}")
}

/// The key that signs audit entries, known by an id (the first 16 hex digits of its SHA-256)
/// that each entry records, so verification finds the key an entry was signed with.
#[derive(Clone)]
pub struct AuditKey {
    id: String,
    secret: Vec<u8>,
}

impl std::fmt::Debug for AuditKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "AuditKey({})", self.id)
    }
}

impl AuditKey {
    /// A key from at least 16 bytes of secret.
    pub fn new(secret: &[u8]) -> Option<AuditKey> {
        (secret.len() >= 16).then(|| AuditKey {
            id: hex(&Sha256::digest(secret))[..16].to_string(),
            secret: secret.to_vec(),
        })
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    /// Hex HMAC-SHA256 of `bytes` under this key: the signature of an archive file.
    pub fn sign(&self, bytes: &[u8]) -> String {
        let mut m =
            Hmac::<Sha256>::new_from_slice(&self.secret).expect("HMAC takes a key of any length");
        m.update(bytes);
        hex(&m.finalize().into_bytes())
    }
}

/// Bytes as lower-case hex, as hashes and signatures are written.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The fields of an entry that its hash covers.
pub struct Link<'a> {
    pub seq: i64,
    pub at_micros: i64,
    pub actor: &'a str,
    pub operation: &'a str,
    pub target: &'a str,
    pub path: Option<&'a str>,
    pub before: Option<&'a str>,
    pub after: Option<&'a str>,
}

/// Hex HMAC-SHA256 under `key` (or, for entries from before keys, plain SHA-256) of the
/// previous hash and the entry, each field length-prefixed so no two entries serialise alike.
pub fn hash(key: Option<&AuditKey>, prev: &str, e: &Link<'_>) -> String {
    match key {
        Some(k) => {
            let mut m =
                Hmac::<Sha256>::new_from_slice(&k.secret).expect("HMAC takes a key of any length");
            feed(e, prev, |b| m.update(b));
            hex(&m.finalize().into_bytes())
        }
        None => {
            let mut h = Sha256::new();
            feed(e, prev, |b| h.update(b));
            hex(&h.finalize())
        }
    }
}

fn feed(e: &Link<'_>, prev: &str, mut update: impl FnMut(&[u8])) {
    let seq = e.seq.to_string();
    let at = e.at_micros.to_string();
    let fields = [
        Some(prev),
        Some(seq.as_str()),
        Some(at.as_str()),
        Some(e.actor),
        Some(e.operation),
        Some(e.target),
        e.path,
        e.before,
        e.after,
    ];
    for f in fields {
        match f {
            Some(s) => {
                update(&(s.len() as u64).to_le_bytes());
                update(s.as_bytes());
            }
            None => update(&u64::MAX.to_le_bytes()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(after: Option<&str>) -> Link<'_> {
        Link {
            seq: 1,
            at_micros: 5,
            actor: "a",
            operation: "op",
            target: "t",
            path: None,
            before: None,
            after,
        }
    }

    #[test]
    fn any_change_changes_the_hash() {
        let key = AuditKey::new(b"0123456789abcdef").unwrap();
        for k in [None, Some(&key)] {
            let base = hash(k, "", &link(Some("x")));
            assert_eq!(base.len(), 64);
            assert_eq!(base, hash(k, "", &link(Some("x"))));
            assert_ne!(base, hash(k, "", &link(Some("y"))));
            assert_ne!(base, hash(k, "", &link(None)));
            assert_ne!(base, hash(k, "", &link(Some(""))));
            assert_ne!(base, hash(k, "0", &link(Some("x"))));
        }
    }

    #[test]
    fn only_the_key_makes_the_keyed_hash() {
        let key = AuditKey::new(b"0123456789abcdef").unwrap();
        let other = AuditKey::new(b"0123456789abcdeF").unwrap();
        let signed = hash(Some(&key), "", &link(Some("x")));
        assert_ne!(signed, hash(None, "", &link(Some("x"))));
        assert_ne!(signed, hash(Some(&other), "", &link(Some("x"))));
        assert_ne!(key.id(), other.id());
        assert_eq!(key.id().len(), 16);
        assert!(AuditKey::new(b"short").is_none());
    }

    #[test]
    fn retention_has_a_floor_and_archives_keep_it() {
        assert!(retention_days(179).is_err());
        assert_eq!(retention_days(180).unwrap(), 180);
        assert_eq!(retention_days(3650).unwrap(), 3650);
        assert!(retention_days(3651).is_err());
        let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 4).unwrap();
        assert_eq!(keep_from(today, 180).to_string(), "2026-06-07");
        assert_eq!(keep_from(today, 10), keep_from(today, 180));
        assert_eq!(keep_from(today, 365).to_string(), "2025-12-04");
    }

    #[test]
    fn a_signature_depends_on_key_and_bytes() {
        let key = AuditKey::new(b"0123456789abcdef").unwrap();
        let other = AuditKey::new(b"0123456789abcdeF").unwrap();
        assert_eq!(key.sign(b"x"), key.sign(b"x"));
        assert_ne!(key.sign(b"x"), key.sign(b"y"));
        assert_ne!(key.sign(b"x"), other.sign(b"x"));
    }
}
