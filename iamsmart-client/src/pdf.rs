//! PDF signing on the relying party's side, as an online service does it with iAM Smart: build a PDF
//! with an empty signature field, compute the `docDigest` (SHA-256 over the `/ByteRange`, everything
//! but the `/Contents` placeholder), send it to `pdfsigning/initiateRequest`, and embed the returned
//! detached PKCS#7 (`pdfSignature`) into `/Contents`.
//!
//! The document is built with `lopdf`; the only byte-level work is what every PDF signer does after
//! saving: writing the final `/ByteRange` numbers over a fixed-width placeholder and the signature's hex
//! over the zero-filled `/Contents`. This module never logs document contents.

use lopdf::content::{Content, Operation};
use lopdf::{Document, Object, Stream, StringFormat, dictionary};
use sha2::{Digest, Sha256};

/// Room reserved for the PKCS#7 in `/Contents`, in bytes: a 2048-bit signature with a three-certificate
/// chain is about 4 KB, so 16 KB leaves space for longer chains.
pub const SIGNATURE_CAPACITY: usize = 16 * 1024;
/// Ten digits per number: enough for any offset in a file below 10 GB.
const BYTE_RANGE_PLACEHOLDER: [i64; 4] = [0, 9_999_999_999, 9_999_999_999, 9_999_999_999];

/// Why a PDF could not be prepared or signed.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("could not build the PDF")]
    Build(#[from] lopdf::Error),
    #[error("could not write the PDF")]
    Write(#[from] std::io::Error),
    #[error("the saved PDF has no signature placeholder")]
    NoPlaceholder,
    #[error("the signature is {actual} bytes, more than the {capacity} reserved for it")]
    SignatureTooLarge { actual: usize, capacity: usize },
    #[error("the signature is not Base64")]
    NotBase64,
}

/// A one-page document to sign: a title and paragraphs of plain ASCII text.
#[derive(Debug, Clone)]
pub struct DocumentText<'a> {
    pub title: &'a str,
    pub paragraphs: &'a [&'a str],
    /// `/Reason` of the signature, for example "Account agreement".
    pub reason: &'a str,
    /// `/M`, the signing time the document claims, as a PDF date (`D:20261201093000Z`).
    pub signing_date: &'a str,
}

/// A saved PDF whose signature field waits for its PKCS#7.
#[derive(Clone)]
pub struct PreparedPdf {
    bytes: Vec<u8>,
    /// The offsets of `<` and one past `>` of the `/Contents` hex string.
    contents: (usize, usize),
}

impl std::fmt::Debug for PreparedPdf {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PreparedPdf")
            .field("length", &self.bytes.len())
            .finish_non_exhaustive()
    }
}

fn text_operations(document: &DocumentText<'_>) -> Vec<Operation> {
    let mut operations = vec![
        Operation::new("BT", vec![]),
        Operation::new("Tf", vec!["F1".into(), 18.into()]),
        Operation::new("Td", vec![56.into(), 770.into()]),
        Operation::new("Tj", vec![Object::string_literal(document.title)]),
        Operation::new("Tf", vec!["F1".into(), 11.into()]),
        Operation::new("TL", vec![16.into()]),
        Operation::new("T*", vec![]),
    ];
    for paragraph in document.paragraphs {
        // A very simple layout: wrap at about 90 characters on word boundaries.
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            if !line.is_empty() && line.len() + word.len() > 90 {
                operations.push(Operation::new("T*", vec![]));
                operations.push(Operation::new(
                    "Tj",
                    vec![Object::string_literal(line.as_str())],
                ));
                line.clear();
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        operations.push(Operation::new("T*", vec![]));
        operations.push(Operation::new("Tj", vec![Object::string_literal(line)]));
        operations.push(Operation::new("T*", vec![]));
    }
    operations.push(Operation::new("ET", vec![]));
    operations
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    haystack
        .get(from..)?
        .windows(needle.len())
        .position(|window| window == needle)
        .map(|position| position + from)
}

impl PreparedPdf {
    /// A new one-page PDF with an invisible signature field `Signature1` whose signature dictionary
    /// (`adbe.pkcs7.detached`) has a `/ByteRange` placeholder and zero-filled `/Contents`.
    pub fn new(document: &DocumentText<'_>) -> Result<PreparedPdf, PdfError> {
        let mut pdf = Document::with_version("1.7");
        let pages_id = pdf.new_object_id();
        let font_id = pdf.add_object(dictionary! {
            "Type" => "Font",
            "Subtype" => "Type1",
            "BaseFont" => "Helvetica",
        });
        let content = Content {
            operations: text_operations(document),
        };
        let content_id = pdf.add_object(Stream::new(dictionary! {}, content.encode()?));
        let signature_id = pdf.add_object(dictionary! {
            "Type" => "Sig",
            "Filter" => "Adobe.PPKLite",
            "SubFilter" => "adbe.pkcs7.detached",
            "ByteRange" => BYTE_RANGE_PLACEHOLDER.iter().map(|&n| Object::Integer(n)).collect::<Vec<_>>(),
            "Contents" => Object::String(vec![0; SIGNATURE_CAPACITY], StringFormat::Hexadecimal),
            "Reason" => Object::string_literal(document.reason),
            "M" => Object::string_literal(document.signing_date),
        });
        let page_id = pdf.new_object_id();
        let field_id = pdf.add_object(dictionary! {
            "Type" => "Annot",
            "Subtype" => "Widget",
            "FT" => "Sig",
            "T" => Object::string_literal("Signature1"),
            "Rect" => vec![0.into(), 0.into(), 0.into(), 0.into()],
            // Print (4) and locked (128): an invisible, fixed signature field.
            "F" => 132,
            "P" => page_id,
            "V" => signature_id,
        });
        pdf.objects.insert(
            page_id,
            Object::Dictionary(dictionary! {
                "Type" => "Page",
                "Parent" => pages_id,
                "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
                "Contents" => content_id,
                "Resources" => dictionary! { "Font" => dictionary! { "F1" => font_id } },
                "Annots" => vec![field_id.into()],
            }),
        );
        pdf.objects.insert(
            pages_id,
            Object::Dictionary(dictionary! {
                "Type" => "Pages",
                "Kids" => vec![page_id.into()],
                "Count" => 1,
            }),
        );
        let catalog_id = pdf.add_object(dictionary! {
            "Type" => "Catalog",
            "Pages" => pages_id,
            // SigFlags 3: the document has signatures, and must only be appended to.
            "AcroForm" => dictionary! { "Fields" => vec![field_id.into()], "SigFlags" => 3 },
        });
        pdf.trailer.set("Root", catalog_id);
        let mut bytes = Vec::new();
        pdf.save_to(&mut bytes)?;
        PreparedPdf::from_saved(bytes)
    }

    /// Finds the placeholders in a saved PDF and writes the real `/ByteRange`.
    fn from_saved(mut bytes: Vec<u8>) -> Result<PreparedPdf, PdfError> {
        let zeros = vec![b'0'; SIGNATURE_CAPACITY * 2];
        let mut hex_placeholder = Vec::with_capacity(zeros.len() + 2);
        hex_placeholder.push(b'<');
        hex_placeholder.extend_from_slice(&zeros);
        hex_placeholder.push(b'>');
        let start = find(&bytes, &hex_placeholder, 0).ok_or(PdfError::NoPlaceholder)?;
        let end = start + hex_placeholder.len();
        let range_key = find(&bytes, b"/ByteRange", 0).ok_or(PdfError::NoPlaceholder)?;
        let open = find(&bytes, b"[", range_key).ok_or(PdfError::NoPlaceholder)?;
        let close = find(&bytes, b"]", open).ok_or(PdfError::NoPlaceholder)?;
        let width = close - open - 1;
        let range = format!("0 {start} {end} {}", bytes.len() - end);
        if range.len() > width {
            return Err(PdfError::NoPlaceholder);
        }
        // Pad with spaces, which PDF treats as white space inside the array.
        let padded = format!("{range:width$}");
        bytes[open + 1..close].copy_from_slice(padded.as_bytes());
        Ok(PreparedPdf {
            bytes,
            contents: (start, end),
        })
    }

    /// The bytes the signature covers: everything before `<` and after `>` of `/Contents`.
    fn signed_bytes(&self) -> impl Iterator<Item = &[u8]> {
        [
            &self.bytes[..self.contents.0],
            &self.bytes[self.contents.1..],
        ]
        .into_iter()
    }

    // ANCHOR: byte_range_digest
    /// SHA-256 over the `/ByteRange`: what `docDigest` carries (Base64) to the sandbox.
    pub fn digest(&self) -> [u8; 32] {
        let mut hasher = Sha256::new();
        for part in self.signed_bytes() {
            hasher.update(part);
        }
        hasher.finalize().into()
    }
    // ANCHOR_END: byte_range_digest

    /// [`PreparedPdf::digest`] as Base64, exactly as `docDigest` is sent.
    pub fn digest_base64(&self) -> String {
        mock_iamsmart::crypto::base64_encode(&self.digest())
    }

    /// The prepared PDF as it is, for a test that wants to check the placeholder.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    // ANCHOR: embed_signature
    /// Writes `pkcs7` (the DER the sandbox returned as `pdfSignature`) into `/Contents`, hex-encoded and
    /// zero-padded, and returns the signed PDF.
    pub fn embed(mut self, pkcs7: &[u8]) -> Result<Vec<u8>, PdfError> {
        if pkcs7.len() > SIGNATURE_CAPACITY {
            return Err(PdfError::SignatureTooLarge {
                actual: pkcs7.len(),
                capacity: SIGNATURE_CAPACITY,
            });
        }
        let hex: String = pkcs7.iter().map(|byte| format!("{byte:02X}")).collect();
        let at = self.contents.0 + 1;
        self.bytes[at..at + hex.len()].copy_from_slice(hex.as_bytes());
        Ok(self.bytes)
    }
    // ANCHOR_END: embed_signature

    /// [`PreparedPdf::embed`] for the `pdfSignature` text of a callback or `getResult` (Base64 DER).
    pub fn embed_base64(self, pdf_signature: &str) -> Result<Vec<u8>, PdfError> {
        let pkcs7 = mock_iamsmart::crypto::base64_decode(pdf_signature.trim())
            .map_err(|_| PdfError::NotBase64)?;
        self.embed(&pkcs7)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prepared() -> PreparedPdf {
        PreparedPdf::new(&DocumentText {
            title: "Account agreement",
            paragraphs: &["The customer agrees to the terms of Demo Bank's account (TEST)."],
            reason: "Account agreement",
            signing_date: "D:20261201093000Z",
        })
        .expect("prepares")
    }

    #[test]
    fn the_byte_range_covers_everything_but_the_contents_placeholder() {
        let pdf = prepared();
        let bytes = pdf.bytes();
        let (start, end) = pdf.contents;
        assert_eq!(bytes[start], b'<');
        assert_eq!(bytes[end - 1], b'>');
        let text = String::from_utf8_lossy(bytes);
        let expected = format!("/ByteRange[0 {start} {end} {}", bytes.len() - end);
        assert!(text.contains(&expected), "no {expected}");
        assert!(bytes.starts_with(b"%PDF-1.7"));
    }

    #[test]
    fn the_digest_ignores_the_contents_and_embedding_keeps_the_range() {
        let pdf = prepared();
        let digest = pdf.digest();
        let signed = pdf.clone().embed(&[0xAB; 100]).expect("embeds");
        assert_eq!(signed.len(), pdf.bytes().len());
        let again = PreparedPdf {
            bytes: signed,
            contents: pdf.contents,
        };
        assert_eq!(again.digest(), digest);
        assert!(String::from_utf8_lossy(again.bytes()).contains("<ABABAB"));
    }

    #[test]
    fn the_base64_forms_match_the_bytes_and_refuse_what_is_not_base64() {
        let pdf = prepared();
        assert_eq!(
            mock_iamsmart::crypto::base64_decode(&pdf.digest_base64()).expect("base64"),
            pdf.digest()
        );
        let from_text = pdf.clone().embed_base64("q80=").expect("embeds");
        assert_eq!(from_text, pdf.clone().embed(&[0xAB, 0xCD]).expect("embeds"));
        assert!(matches!(
            pdf.embed_base64("not base64!"),
            Err(PdfError::NotBase64)
        ));
    }

    #[test]
    fn a_signature_larger_than_the_reserved_space_is_an_error() {
        assert!(matches!(
            prepared().embed(&vec![0; SIGNATURE_CAPACITY + 1]),
            Err(PdfError::SignatureTooLarge { .. })
        ));
    }
}
