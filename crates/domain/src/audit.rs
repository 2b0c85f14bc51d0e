//! The audit trail's hash chain: each entry's hash covers the previous entry's hash and every
//! field of its own, so changing, removing or reordering an entry breaks every later link.

use sha2::{Digest, Sha256};

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

/// Hex SHA-256 of the previous hash and the entry, each field length-prefixed so no two
/// different entries serialise alike.
pub fn hash(prev: &str, e: &Link<'_>) -> String {
    let mut h = Sha256::new();
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
                h.update((s.len() as u64).to_le_bytes());
                h.update(s.as_bytes());
            }
            None => h.update(u64::MAX.to_le_bytes()),
        }
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
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
        let base = hash("", &link(Some("x")));
        assert_eq!(base.len(), 64);
        assert_eq!(base, hash("", &link(Some("x"))));
        assert_ne!(base, hash("", &link(Some("y"))));
        assert_ne!(base, hash("", &link(None)));
        assert_ne!(base, hash("", &link(Some(""))));
        assert_ne!(base, hash("0", &link(Some("x"))));
    }
}
