//! Hashes reports carry: a finding's fingerprint, which baselines match on, and file digests.

use sha2::{Digest, Sha256};

/// Stable when lines move: rule, file, pointer and the offending text, never positions.
pub fn fingerprint(code: &str, path: &str, pointer: &str, offending: &str) -> String {
    let mut hasher = Sha256::new();
    for part in [code, path, pointer, offending] {
        hasher.update(part.as_bytes());
        hasher.update([0]);
    }
    hex(&hasher.finalize()[..8])
}

/// SHA-256 of some bytes, in lowercase hexadecimal (a file's digest in the audit reports).
pub fn sha256(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Lowercase hexadecimal of some bytes.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fingerprint_separates_its_parts() {
        let a = fingerprint("WA201", "a.yaml", "/nodes/x", "menu");
        assert_eq!(a.len(), 16);
        assert_eq!(a, fingerprint("WA201", "a.yaml", "/nodes/x", "menu"));
        // The same characters split differently hash differently.
        assert_ne!(a, fingerprint("WA201", "a.yaml", "/nodes/xm", "enu"));
        assert_eq!(sha256(b"").len(), 64);
        assert_eq!(hex(&[0, 15, 255]), "000fff");
    }
}
