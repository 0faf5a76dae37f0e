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
    sha256_of_parts(&[bytes])
}

/// SHA-256 of the concatenation of `parts`, without copying them into one buffer.
pub fn sha256_of_parts(parts: &[&[u8]]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part);
    }
    hex(&hasher.finalize())
}

/// Lowercase hexadecimal of some bytes.
pub fn hex(bytes: &[u8]) -> String {
    // A table rather than `format!` per byte: every file's digest and every finding's
    // fingerprint goes through here.
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
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
        assert_eq!(
            sha256(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(sha256_of_parts(&[b"a", b"", b"bc"]), sha256(b"abc"));
        assert_eq!(hex(&[0, 15, 160, 255]), "000fa0ff");
    }
}
