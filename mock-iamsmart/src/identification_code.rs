//! The 4-digit identification code of a signing request (PROTOCOL §4): the relying party shows it on
//! its page and the iAM Smart app shows it beside the document, so the user can check that the phone
//! is about to sign what the browser asked for.
//!
//! The official sample computes it as `d = SHA-256(hashCode)`, `u = SHA-256(openID)`,
//! `m = MD5(SHA-512(d ‖ u))` and digit `i = ((m[4i] >> 4) & 0xF) mod 10`; anonymous requests use
//! `m = MD5(SHA-512(digest ‖ HKICHash ‖ clientID))`. The inputs are the strings exactly as the relying
//! party sent them (the Base64 `hashCode` or `docDigest`, the still-encoded `openID`), read as UTF-8, so
//! an RP can compute the same code from the request it built. This module is pure and never logs.

use md5::Md5;
use sha2::{Digest, Sha256, Sha512};

// ANCHOR: identification_code
/// The code of an authenticated request: `digest` is the `hashCode` or `docDigest` as sent, `open_id`
/// the signer's `openID` as sent.
pub fn identification_code(digest: &str, open_id: &str) -> String {
    let d = Sha256::digest(digest.as_bytes());
    let u = Sha256::digest(open_id.as_bytes());
    let mut joined = Vec::with_capacity(d.len() + u.len());
    joined.extend_from_slice(&d);
    joined.extend_from_slice(&u);
    digits(&joined)
}

/// The code of an anonymous request, which has no `openID` yet: the digest, the `HKICHash` and the
/// relying party's `clientID`, as sent.
pub fn anonymous_identification_code(digest: &str, hkic_hash: &str, client_id: &str) -> String {
    let joined = [digest, hkic_hash, client_id].concat();
    digits(joined.as_bytes())
}

fn digits(input: &[u8]) -> String {
    let m = Md5::digest(Sha512::digest(input));
    (0..4)
        .map(|i| char::from(b'0' + ((m[4 * i] >> 4) & 0xF) % 10))
        .collect()
}
// ANCHOR_END: identification_code

#[cfg(test)]
mod tests {
    use super::*;

    fn reference(input: &[u8]) -> String {
        // The sample's arithmetic written out once more, digit by digit, as a cross-check.
        let m = Md5::digest(Sha512::digest(input));
        let nibble = |i: usize| u32::from(m[4 * i] >> 4) % 10;
        format!("{}{}{}{}", nibble(0), nibble(1), nibble(2), nibble(3))
    }

    #[test]
    fn an_identification_code_is_four_digits_from_the_digest_and_the_open_id() {
        let code = identification_code("n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=", "openid-1");
        assert_eq!(code.len(), 4);
        assert!(code.bytes().all(|b| b.is_ascii_digit()));
        let mut joined = Sha256::digest(b"n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=").to_vec();
        joined.extend_from_slice(&Sha256::digest(b"openid-1"));
        assert_eq!(code, reference(&joined));
    }

    #[test]
    fn another_document_or_signer_usually_gives_another_code() {
        let codes: std::collections::BTreeSet<String> = (0..50)
            .map(|n| identification_code(&format!("digest-{n}"), "openid-1"))
            .collect();
        // Four decimal digits from 50 inputs: collisions happen, but far from all alike.
        assert!(codes.len() > 30, "only {} distinct codes", codes.len());
        assert_ne!(
            identification_code("digest", "openid-1"),
            identification_code("digest", "openid-2")
        );
    }

    #[test]
    fn an_anonymous_code_hashes_digest_hkic_hash_and_client_id_in_that_order() {
        let code = anonymous_identification_code("digest", "hkic", "client");
        assert_eq!(code, reference(b"digesthkicclient"));
        assert_eq!(code.len(), 4);
    }
}
