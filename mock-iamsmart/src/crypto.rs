//! The protocol's cryptography: request signatures (HMAC-SHA256), content encryption (AES-256-GCM with
//! a length-prefixed IV) and CEK wrapping (RSA PKCS#1 v1.5), shared by the server and the RP helpers.
//!
//! Every function here is pure: randomness comes in as arguments (an IV, a seeded RNG), never from the
//! platform. Nothing here may panic on malformed input; every failure is a [`CryptoError`] that the
//! caller maps to a D-code with [`CryptoError::d_code`].

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine;
use base64::engine::DecodePaddingMode;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use hmac::{Hmac, Mac};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC};
use rand_core::CryptoRngCore;
use rsa::pkcs1::{DecodeRsaPrivateKey, DecodeRsaPublicKey};
use rsa::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePublicKey};
use rsa::traits::PublicKeyParts;
use rsa::{Pkcs1v15Encrypt, RsaPrivateKey, RsaPublicKey};
use sha2::{Digest, Sha256};

use crate::codes::DCode;

/// The only signature method the protocol defines.
pub const SIGNATURE_METHOD: &str = "HmacSHA256";
/// Length of a content encryption key (AES-256).
pub const CEK_LENGTH: usize = 32;
/// Length of the GCM IV the protocol requires.
pub const IV_LENGTH: usize = 12;
/// Length of a GCM authentication tag.
const TAG_LENGTH: usize = 16;
/// Length of an RSA-2048 modulus, and so of a wrapped CEK (PROTOCOL §11.4).
pub const RSA_KEY_BYTES: usize = 256;
/// SHA-256 block size, which is also the HMAC key block size.
const HMAC_BLOCK_LENGTH: usize = 64;

/// The characters Java's `URLEncoder` leaves alone; everything else is percent-encoded with uppercase
/// hex, which is what the clients in PROTOCOL §11.1 produce.
pub const URL_ENCODE_SET: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'.')
    .remove(b'-')
    .remove(b'*')
    .remove(b'_');

/// Standard Base64 that tolerates missing padding on input; some encoders omit it and the bytes are
/// unambiguous either way.
const BASE64_LENIENT_PADDING: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

type HmacSha256 = Hmac<Sha256>;

/// What went wrong in a cryptographic step.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CryptoError {
    #[error("not valid Base64")]
    InvalidBase64,
    #[error("encrypted content is too short")]
    TruncatedContent,
    #[error("IV length {0} is not 12")]
    InvalidIvLength(u32),
    #[error("content failed authentication")]
    AuthenticationFailed,
    #[error("content encryption failed")]
    EncryptionFailed,
    #[error("the RSA key could not be parsed")]
    InvalidRsaKey,
    #[error("the RSA key is {0} bits, not 2048")]
    WrongKeySize(usize),
    #[error("the RSA operation failed")]
    RsaFailed,
    #[error("the unwrapped CEK is {0} bytes, not 32")]
    InvalidCekLength(usize),
}

impl CryptoError {
    /// The D-code a server reports for this failure (PROTOCOL §1.3: `D30001` KEK, `D30003` encryption,
    /// `D30004` decryption).
    pub fn d_code(&self) -> DCode {
        match self {
            CryptoError::InvalidBase64
            | CryptoError::TruncatedContent
            | CryptoError::InvalidIvLength(_)
            | CryptoError::AuthenticationFailed
            | CryptoError::InvalidCekLength(_) => DCode::DecryptionFailed,
            CryptoError::EncryptionFailed => DCode::EncryptionFailed,
            CryptoError::InvalidRsaKey | CryptoError::WrongKeySize(_) | CryptoError::RsaFailed => {
                DCode::KekError
            }
        }
    }
}

/// Standard padded Base64, the encoding of every binary field on the wire.
pub fn base64_encode(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

/// Decodes standard Base64, with or without padding.
pub fn base64_decode(text: &str) -> Result<Vec<u8>, CryptoError> {
    BASE64_LENIENT_PADDING
        .decode(text)
        .map_err(|_| CryptoError::InvalidBase64)
}

/// Percent-encodes like Java's `URLEncoder` (uppercase escapes).
pub fn url_encode(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, URL_ENCODE_SET).to_string()
}

/// An HMAC-SHA256 keyed with `key`.
///
/// RFC 2104 defines keys of any length: longer than a block they are hashed, shorter they are
/// zero-padded. Doing that here with the fixed-size constructor keeps the function infallible without
/// an `expect` on the variable-length constructor.
fn hmac_sha256(key: &[u8]) -> HmacSha256 {
    let mut block = [0u8; HMAC_BLOCK_LENGTH];
    let hashed;
    let key = if key.len() > HMAC_BLOCK_LENGTH {
        hashed = Sha256::digest(key);
        hashed.as_slice()
    } else {
        key
    };
    for (slot, byte) in block.iter_mut().zip(key) {
        *slot = *byte;
    }
    <HmacSha256 as KeyInit>::new(&block.into())
}

/// HMAC-SHA256 of the concatenated `parts` under `key`, for derivations (pseudonyms, persona data).
pub(crate) fn hmac_sha256_digest(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    let mut mac = hmac_sha256(key);
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().into()
}

/// The HMAC state after the four envelope parameters, ready for the body. Servers clone it to try
/// several body candidates without hashing the prefix again.
pub(crate) fn signing_mac_prefix(
    client_secret: &str,
    client_id: &str,
    signature_method: &str,
    timestamp: &str,
    nonce: &str,
) -> HmacSha256 {
    let mut mac = hmac_sha256(client_secret.as_bytes());
    for part in [client_id, signature_method, timestamp, nonce] {
        mac.update(part.as_bytes());
    }
    mac
}

/// Whether `signature` (raw HMAC bytes) is the MAC of `body` after `prefix`, compared in constant time.
pub(crate) fn verify_mac(prefix: &HmacSha256, body: &[u8], signature: &[u8]) -> bool {
    let mut mac = prefix.clone();
    mac.update(body);
    mac.verify_slice(signature).is_ok()
}

/// `Base64(HMAC-SHA256(clientSecret, clientID + signatureMethod + timestamp + nonce + body))`, not yet
/// URL-encoded.
pub fn signature_base64(
    client_secret: &str,
    client_id: &str,
    signature_method: &str,
    timestamp: &str,
    nonce: &str,
    body: &[u8],
) -> String {
    let mut mac = signing_mac_prefix(client_secret, client_id, signature_method, timestamp, nonce);
    mac.update(body);
    base64_encode(&mac.finalize().into_bytes())
}

/// Encrypts `plaintext` into the protocol's `content` string:
/// `Base64([u32 BE 12][12-byte IV][ciphertext ‖ 16-byte tag])`.
pub fn encrypt_content(
    cek: &[u8; CEK_LENGTH],
    iv: &[u8; IV_LENGTH],
    plaintext: &[u8],
) -> Result<String, CryptoError> {
    let cipher = Aes256Gcm::new(cek.into());
    let sealed = cipher
        .encrypt(Nonce::from_slice(iv), plaintext)
        .map_err(|_| CryptoError::EncryptionFailed)?;
    let mut framed = Vec::with_capacity(4 + IV_LENGTH + sealed.len());
    framed.extend_from_slice(&(IV_LENGTH as u32).to_be_bytes());
    framed.extend_from_slice(iv);
    framed.extend_from_slice(&sealed);
    Ok(base64_encode(&framed))
}

/// Decrypts a `content` string made by [`encrypt_content`] or by a real client.
pub fn decrypt_content(cek: &[u8; CEK_LENGTH], content: &str) -> Result<Vec<u8>, CryptoError> {
    let framed = base64_decode(content)?;
    let (length_prefix, rest) = framed
        .split_first_chunk::<4>()
        .ok_or(CryptoError::TruncatedContent)?;
    let iv_length = u32::from_be_bytes(*length_prefix);
    if iv_length as usize != IV_LENGTH {
        return Err(CryptoError::InvalidIvLength(iv_length));
    }
    let (iv, sealed) = rest
        .split_first_chunk::<IV_LENGTH>()
        .ok_or(CryptoError::TruncatedContent)?;
    if sealed.len() < TAG_LENGTH {
        return Err(CryptoError::TruncatedContent);
    }
    Aes256Gcm::new(cek.into())
        .decrypt(Nonce::from_slice(iv), sealed)
        .map_err(|_| CryptoError::AuthenticationFailed)
}

/// Parses the RP's encipherment public key: PEM `PUBLIC KEY` (SubjectPublicKeyInfo) or `RSA PUBLIC KEY`
/// (PKCS#1), or the Base64 DER of either. Only RSA-2048 is accepted, because clients expect a wrapped
/// CEK of exactly 256 bytes (PROTOCOL §11.4).
pub fn parse_rsa_public_key(text: &str) -> Result<RsaPublicKey, CryptoError> {
    let text = text.trim();
    let key = if text.starts_with("-----BEGIN PUBLIC KEY-----") {
        RsaPublicKey::from_public_key_pem(text).map_err(|_| CryptoError::InvalidRsaKey)?
    } else if text.starts_with("-----BEGIN RSA PUBLIC KEY-----") {
        RsaPublicKey::from_pkcs1_pem(text).map_err(|_| CryptoError::InvalidRsaKey)?
    } else {
        let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
        let der = base64_decode(&compact).map_err(|_| CryptoError::InvalidRsaKey)?;
        RsaPublicKey::from_public_key_der(&der)
            .or_else(|_| RsaPublicKey::from_pkcs1_der(&der))
            .map_err(|_| CryptoError::InvalidRsaKey)?
    };
    if key.size() != RSA_KEY_BYTES {
        return Err(CryptoError::WrongKeySize(key.n().bits()));
    }
    Ok(key)
}

/// Parses an RSA private key from PEM (`PRIVATE KEY` PKCS#8 or `RSA PRIVATE KEY` PKCS#1).
pub fn parse_rsa_private_key(pem: &str) -> Result<RsaPrivateKey, CryptoError> {
    let pem = pem.trim();
    RsaPrivateKey::from_pkcs8_pem(pem)
        .or_else(|_| RsaPrivateKey::from_pkcs1_pem(pem))
        .map_err(|_| CryptoError::InvalidRsaKey)
}

/// The DER SubjectPublicKeyInfo of `key`, the form `pubKey` carries.
pub fn public_key_spki_der(key: &RsaPublicKey) -> Result<Vec<u8>, CryptoError> {
    key.to_public_key_der()
        .map(|document| document.as_bytes().to_vec())
        .map_err(|_| CryptoError::InvalidRsaKey)
}

/// Wraps a CEK for the RP with RSA PKCS#1 v1.5 (randomised padding from `rng`).
pub fn wrap_cek(
    rp_public_key: &RsaPublicKey,
    rng: &mut impl CryptoRngCore,
    cek: &[u8; CEK_LENGTH],
) -> Result<Vec<u8>, CryptoError> {
    rp_public_key
        .encrypt(rng, Pkcs1v15Encrypt, cek)
        .map_err(|_| CryptoError::RsaFailed)
}

/// Wraps arbitrary key material for the RP with RSA PKCS#1 v1.5. Callbacks use it for the
/// 44-character quirk, where the wrapped secret is the Base64 text of the CEK (PROTOCOL §11.10).
pub fn wrap_key_material(
    rp_public_key: &RsaPublicKey,
    rng: &mut impl CryptoRngCore,
    material: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    rp_public_key
        .encrypt(rng, Pkcs1v15Encrypt, material)
        .map_err(|_| CryptoError::RsaFailed)
}

/// Unwraps a callback's `secretKey`: the 32 raw CEK bytes, or the 44-character Base64 text of them
/// (the quirk some sandboxes send, PROTOCOL §1.3), either way the 32-byte CEK.
pub fn unwrap_callback_cek(
    rp_private_key: &RsaPrivateKey,
    wrapped: &[u8],
) -> Result<[u8; CEK_LENGTH], CryptoError> {
    let material = rp_private_key
        .decrypt(Pkcs1v15Encrypt, wrapped)
        .map_err(|_| CryptoError::AuthenticationFailed)?;
    if let Ok(cek) = <[u8; CEK_LENGTH]>::try_from(material.as_slice()) {
        return Ok(cek);
    }
    let decoded = std::str::from_utf8(&material)
        .ok()
        .and_then(|text| base64_decode(text).ok())
        .ok_or(CryptoError::InvalidCekLength(material.len()))?;
    <[u8; CEK_LENGTH]>::try_from(decoded.as_slice())
        .map_err(|_| CryptoError::InvalidCekLength(material.len()))
}

/// Unwraps a CEK with the RP's private key.
pub fn unwrap_cek(
    rp_private_key: &RsaPrivateKey,
    wrapped: &[u8],
) -> Result<[u8; CEK_LENGTH], CryptoError> {
    let cek = rp_private_key
        .decrypt(Pkcs1v15Encrypt, wrapped)
        .map_err(|_| CryptoError::AuthenticationFailed)?;
    <[u8; CEK_LENGTH]>::try_from(cek.as_slice())
        .map_err(|_| CryptoError::InvalidCekLength(cek.len()))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use rand_chacha::ChaCha20Rng;
    use rand_core::SeedableRng;
    use std::sync::OnceLock;

    pub(crate) const RP_PRIVATE_KEY_PEM: &str = include_str!("testdata/rp_private_key.pem");
    pub(crate) const RP_PUBLIC_KEY_PEM: &str = include_str!("testdata/rp_public_key.pem");
    const SMALL_PUBLIC_KEY_PEM: &str = include_str!("testdata/small_public_key.pem");

    /// The fixture private key, parsed once for the whole test run.
    pub(crate) fn rp_private_key() -> &'static RsaPrivateKey {
        static KEY: OnceLock<RsaPrivateKey> = OnceLock::new();
        KEY.get_or_init(|| parse_rsa_private_key(RP_PRIVATE_KEY_PEM).expect("fixture key parses"))
    }

    // Known answers computed outside Rust:
    // printf '%s' '<message>' | openssl dgst -sha256 -hmac 'test-client-secret' -binary | base64
    const KAT_CLIENT_ID: &str = "0123456789abcdef0123456789abcdef";
    const KAT_SECRET: &str = "test-client-secret";

    #[test]
    fn signatures_match_an_openssl_known_answer() {
        let signature = signature_base64(
            KAT_SECRET,
            KAT_CLIENT_ID,
            SIGNATURE_METHOD,
            "1700000000000",
            "nonce-0123456789abcdef0123456789ab",
            br#"{"content":"abc"}"#,
        );
        assert_eq!(signature, "FWWpK39N0HycZDR4vQ/ZlGbSCBjfdzhurNLLh46AjGo=");
        assert_eq!(
            url_encode(&signature),
            "FWWpK39N0HycZDR4vQ%2FZlGbSCBjfdzhurNLLh46AjGo%3D"
        );
    }

    #[test]
    fn signatures_over_an_empty_body_match_an_openssl_known_answer() {
        let signature = signature_base64(
            KAT_SECRET,
            KAT_CLIENT_ID,
            SIGNATURE_METHOD,
            "1700000000000",
            "nonce-empty-body",
            b"",
        );
        assert_eq!(signature, "pN2OVpek/08aJkhxsrZ9YrKkUOu/NDPY5bgNqqS3bCM=");
    }

    #[test]
    fn secrets_longer_than_a_block_are_hashed_as_rfc_2104_says() {
        // python3 -c "import hmac,hashlib,base64;print(base64.b64encode(hmac.new(b'k'*100,b'abc',hashlib.sha256).digest()).decode())"
        let long_key = "k".repeat(100);
        let signature = signature_base64(&long_key, "a", "b", "c", "", b"");
        assert_eq!(signature, "tYsraU/boN122j6+mRdPco0ydWDzbs4iTpCGeXJHmSI=");
    }

    #[test]
    fn url_encoding_escapes_base64_punctuation_in_uppercase() {
        assert_eq!(url_encode("a+b/c=="), "a%2Bb%2Fc%3D%3D");
        assert_eq!(url_encode("A-z_0.9*"), "A-z_0.9*");
    }

    #[test]
    fn content_decrypts_a_python_cryptography_known_answer() {
        // AESGCM(bytes(range(32))).encrypt(bytes(range(100,112)), plaintext, None), framed and Base64'd.
        let cek: [u8; 32] = std::array::from_fn(|i| i as u8);
        let content = "AAAADGRlZmdoaWprbG1ubzM5vQkdjHSkHAM9i/hJSJowo2h+3xWDF4XrjimO180n5oA6oTh79GqikBdbmGC3r5gmp6FVUvvUjIMZoXIO4A==";
        let plaintext = decrypt_content(&cek, content).expect("known answer decrypts");
        assert_eq!(
            plaintext,
            br#"{"code":"abc","grantType":"authorization_code"}"#
        );
        let iv: [u8; 12] = std::array::from_fn(|i| 100 + i as u8);
        assert_eq!(
            encrypt_content(&cek, &iv, &plaintext).expect("encrypts"),
            content
        );
    }

    #[test]
    fn content_round_trips_and_is_framed_with_a_twelve_byte_iv() {
        let cek = [7u8; 32];
        let iv = [9u8; 12];
        let content = encrypt_content(&cek, &iv, b"hello").expect("encrypts");
        let framed = base64_decode(&content).expect("base64");
        assert_eq!(&framed[..4], &[0, 0, 0, 12]);
        assert_eq!(&framed[4..16], &iv);
        assert_eq!(framed.len(), 4 + 12 + 5 + 16);
        assert_eq!(decrypt_content(&cek, &content), Ok(b"hello".to_vec()));
    }

    #[test]
    fn content_with_a_wrong_key_or_a_flipped_bit_fails_authentication() {
        let content = encrypt_content(&[1u8; 32], &[2u8; 12], b"secret").expect("encrypts");
        assert_eq!(
            decrypt_content(&[3u8; 32], &content),
            Err(CryptoError::AuthenticationFailed)
        );
        let mut framed = base64_decode(&content).expect("base64");
        if let Some(last) = framed.last_mut() {
            *last ^= 1;
        }
        assert_eq!(
            decrypt_content(&[1u8; 32], &base64_encode(&framed)),
            Err(CryptoError::AuthenticationFailed)
        );
    }

    #[test]
    fn content_with_a_wrong_iv_length_or_truncated_frame_is_rejected() {
        let mut framed = vec![0, 0, 0, 16];
        framed.extend_from_slice(&[0u8; 40]);
        let error = decrypt_content(&[0u8; 32], &base64_encode(&framed)).expect_err("iv 16");
        assert_eq!(error, CryptoError::InvalidIvLength(16));
        assert_eq!(error.d_code(), DCode::DecryptionFailed);
        assert_eq!(
            decrypt_content(&[0u8; 32], &base64_encode(&[0, 0])),
            Err(CryptoError::TruncatedContent)
        );
        assert_eq!(
            decrypt_content(&[0u8; 32], &base64_encode(&[0, 0, 0, 12, 1, 2, 3])),
            Err(CryptoError::TruncatedContent)
        );
        assert_eq!(
            decrypt_content(&[0u8; 32], "not base64!"),
            Err(CryptoError::InvalidBase64)
        );
    }

    #[test]
    fn public_keys_parse_from_pem_and_from_base64_der() {
        let from_pem = parse_rsa_public_key(RP_PUBLIC_KEY_PEM).expect("pem");
        let der = public_key_spki_der(&from_pem).expect("der");
        let from_der = parse_rsa_public_key(&base64_encode(&der)).expect("der");
        assert_eq!(from_pem, from_der);
        assert_eq!(&from_pem, &rp_private_key().to_public_key());
        // The SPKI we emit is the same DER openssl wrote into the PEM.
        let pem_body: String = RP_PUBLIC_KEY_PEM
            .lines()
            .filter(|line| !line.starts_with("-----"))
            .collect();
        assert_eq!(base64_encode(&der), pem_body);
    }

    #[test]
    fn keys_other_than_rsa_2048_are_kek_errors() {
        let error = parse_rsa_public_key(SMALL_PUBLIC_KEY_PEM).expect_err("1024-bit");
        assert_eq!(error, CryptoError::WrongKeySize(1024));
        assert_eq!(error.d_code(), DCode::KekError);
        assert_eq!(
            parse_rsa_public_key("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----"),
            Err(CryptoError::InvalidRsaKey)
        );
        assert_eq!(parse_rsa_public_key("%%%"), Err(CryptoError::InvalidRsaKey));
    }

    #[test]
    fn a_cek_wrapped_by_openssl_unwraps_with_the_fixture_key() {
        // openssl pkeyutl -encrypt -pubin -inkey rp_public_key.pem -pkeyopt rsa_padding_mode:pkcs1
        // over the bytes 200..232.
        let wrapped = base64_decode("R9qdMagY5+kcjLTvAzKCShitqPfKb6BXZpI8XjLN6itKtYzk6J7b2RLbiNEDTY+eGgqCDdgDPq2F8ec9fhjiJZJ6ASBLx80kapAxGRGsopYXPN0w1EXTZJnpJ/cNtHh/pcq9+Xm7rw79TjiCbZ6V9tSC0d3EYjNqDAHRdMGjIx4c6KQAf1f7SbiHO9neJBRPZt3QBwt6OTrXZaBxnNH3q9Fnq67SvTLoLAvzjsJZg/+OwGggRqDHrMu5bnPqgxWBIy6j2VrRlERkdpbqyX4ncrAfhnS0BTrcGS25EOEoeoEwGIBgA37uPIU5132NjoBqHkj1B8vtFJLyCBYdYVitVA==").expect("base64");
        let cek = unwrap_cek(rp_private_key(), &wrapped).expect("unwraps");
        let expected: [u8; 32] = std::array::from_fn(|i| 200 + i as u8);
        assert_eq!(cek, expected);
    }

    #[test]
    fn wrapped_ceks_are_256_bytes_and_unwrap_to_the_same_key() {
        let public = parse_rsa_public_key(RP_PUBLIC_KEY_PEM).expect("pem");
        let mut rng = ChaCha20Rng::seed_from_u64(5);
        let cek = [42u8; 32];
        let wrapped = wrap_cek(&public, &mut rng, &cek).expect("wraps");
        assert_eq!(wrapped.len(), 256);
        assert_eq!(unwrap_cek(rp_private_key(), &wrapped), Ok(cek));
        let mut tampered = wrapped.clone();
        tampered[0] ^= 0x55;
        assert!(unwrap_cek(rp_private_key(), &tampered).is_err());
    }
}
