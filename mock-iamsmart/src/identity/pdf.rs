//! A minimal PDF 1.4 writer for the one-page e-bills behind `addressDocFile`, built by hand so the crate
//! needs no PDF library: a catalog, one page, the two standard Helvetica fonts (which every reader has,
//! so nothing is embedded), one content stream of text lines, an info dictionary, and a classic
//! cross-reference table with exact byte offsets. Also a structural checker for such files.
//!
//! Output is a pure function of the input (no dates, ids or randomness of its own), so a persona's
//! document and its SHA-256 are reproducible. Text is limited to printable ASCII, because the standard
//! fonts carry no Chinese glyphs; anything else becomes `?` rather than a broken file. This module must
//! never panic on any input.

/// A line of text on the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextLine {
    pub text: String,
    /// Font size in points.
    pub size: u8,
    pub bold: bool,
    /// Extra space above the line, in points.
    pub space_before: u16,
}

impl TextLine {
    pub fn new(text: impl Into<String>, size: u8, bold: bool) -> Self {
        Self {
            text: text.into(),
            size,
            bold,
            space_before: 0,
        }
    }

    pub fn after_gap(mut self, points: u16) -> Self {
        self.space_before = points;
        self
    }
}

/// A4 in points.
const PAGE_WIDTH: u32 = 595;
const PAGE_HEIGHT: u32 = 842;
const MARGIN: u32 = 56;

/// Escapes text for a PDF literal string and keeps it to printable ASCII.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '(' | ')' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            ' '..='~' => out.push(c),
            _ => out.push('?'),
        }
    }
    out
}

/// The page's content stream: each line placed below the previous one, stopping at the bottom margin.
fn content_stream(lines: &[TextLine]) -> String {
    let mut stream = String::new();
    let mut y = i64::from(PAGE_HEIGHT - MARGIN);
    for line in lines {
        y -= i64::from(line.size) + 4 + i64::from(line.space_before);
        if y < i64::from(MARGIN) {
            break;
        }
        let font = if line.bold { "F2" } else { "F1" };
        stream.push_str(&format!(
            "BT /{font} {} Tf {MARGIN} {y} Td ({}) Tj ET\n",
            line.size,
            escape(&line.text)
        ));
    }
    stream
}

/// A one-page PDF with `lines` of text, titled `title`.
pub fn single_page(title: &str, lines: &[TextLine]) -> Vec<u8> {
    let content = content_stream(lines);
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_WIDTH} {PAGE_HEIGHT}] \
             /Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>"
        ),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
            .to_owned(),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>"
            .to_owned(),
        format!(
            "<< /Length {} >>\nstream\n{content}endstream",
            content.len()
        ),
        format!(
            "<< /Title ({}) /Producer (iAM Smart Sandbox) >>",
            escape(title)
        ),
    ];
    // The second header line holds bytes above 127, as the specification recommends, so transfer
    // tools treat the file as binary.
    let mut pdf: Vec<u8> = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::with_capacity(objects.len());
    for (index, body) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", index + 1).as_bytes());
    }
    let xref_offset = pdf.len();
    // Every cross-reference entry is exactly 20 bytes: ten digits, space, five digits, space, a
    // keyword, and a two-byte end of line.
    let mut xref = format!("xref\n0 {}\n0000000000 65535 f\r\n", objects.len() + 1);
    for offset in offsets {
        xref.push_str(&format!("{offset:010} 00000 n\r\n"));
    }
    pdf.extend_from_slice(xref.as_bytes());
    pdf.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R /Info 7 0 R >>\nstartxref\n{xref_offset}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    pdf
}

/// What is wrong with a PDF, found by [`check_structure`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PdfStructureError {
    #[error("does not start with a %PDF- header")]
    NoHeader,
    #[error("does not end with %%EOF")]
    NoEndMarker,
    #[error("has no startxref pointing at a cross-reference table")]
    NoCrossReference,
    #[error("has a malformed cross-reference table")]
    MalformedCrossReference,
    #[error("has a cross-reference entry for object {0} that does not point at it")]
    WrongOffset(usize),
    #[error("has no trailer naming the document catalog")]
    NoTrailer,
}

/// Checks the structure of a PDF with a classic cross-reference table (as [`single_page`] writes):
/// the header, `startxref` pointing at `xref`, every in-use entry pointing at `N 0 obj`, a trailer with
/// `/Root`, and `%%EOF` at the end. Files that use cross-reference streams (PDF 1.5+) are reported as
/// [`PdfStructureError::NoCrossReference`].
pub fn check_structure(pdf: &[u8]) -> Result<(), PdfStructureError> {
    if !pdf.starts_with(b"%PDF-") {
        return Err(PdfStructureError::NoHeader);
    }
    let trimmed = trim_end(pdf);
    if !trimmed.ends_with(b"%%EOF") {
        return Err(PdfStructureError::NoEndMarker);
    }
    let startxref = rfind(pdf, b"startxref").ok_or(PdfStructureError::NoCrossReference)?;
    let after = pdf
        .get(startxref + b"startxref".len()..)
        .unwrap_or_default();
    let offset: usize = std::str::from_utf8(after)
        .ok()
        .and_then(|text| text.split_whitespace().next())
        .and_then(|number| number.parse().ok())
        .ok_or(PdfStructureError::NoCrossReference)?;
    let table = pdf
        .get(offset..)
        .ok_or(PdfStructureError::NoCrossReference)?;
    if !table.starts_with(b"xref") {
        return Err(PdfStructureError::NoCrossReference);
    }
    let text = std::str::from_utf8(
        table
            .get(..startxref.saturating_sub(offset))
            .unwrap_or_default(),
    )
    .map_err(|_| PdfStructureError::MalformedCrossReference)?;
    let mut lines = text.lines().skip(1);
    let header = lines
        .next()
        .ok_or(PdfStructureError::MalformedCrossReference)?;
    let mut numbers = header.split_whitespace().map(str::parse::<usize>);
    let (Some(Ok(first)), Some(Ok(count))) = (numbers.next(), numbers.next()) else {
        return Err(PdfStructureError::MalformedCrossReference);
    };
    let end = first
        .checked_add(count)
        .ok_or(PdfStructureError::MalformedCrossReference)?;
    for object in first..end {
        let entry = lines
            .next()
            .ok_or(PdfStructureError::MalformedCrossReference)?;
        let fields: Vec<&str> = entry.split_whitespace().collect();
        match fields.as_slice() {
            [_, _, "f"] => {}
            [position, _, "n"] => {
                let position: usize = position
                    .parse()
                    .map_err(|_| PdfStructureError::MalformedCrossReference)?;
                let expected = format!("{object} 0 obj");
                if !pdf
                    .get(position..)
                    .is_some_and(|rest| rest.starts_with(expected.as_bytes()))
                {
                    return Err(PdfStructureError::WrongOffset(object));
                }
            }
            _ => return Err(PdfStructureError::MalformedCrossReference),
        }
    }
    let trailer_ok =
        lines.next().is_some_and(|line| line.starts_with("trailer")) && text.contains("/Root");
    if !trailer_ok {
        return Err(PdfStructureError::NoTrailer);
    }
    Ok(())
}

fn trim_end(bytes: &[u8]) -> &[u8] {
    let end = bytes
        .iter()
        .rposition(|byte| !byte.is_ascii_whitespace())
        .map_or(0, |index| index + 1);
    &bytes[..end]
}

fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .rposition(|window| window == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Vec<u8> {
        single_page(
            "Sample (bill)",
            &[
                TextLine::new("Victoria Harbour Power Company", 16, true),
                TextLine::new("Account holder: CHAN, Tai Man", 10, false).after_gap(8),
                TextLine::new(
                    "Brackets ( ) and a backslash \\ survive; 陳 does not",
                    10,
                    false,
                ),
            ],
        )
    }

    #[test]
    fn the_file_has_a_header_a_trailer_and_an_end_marker() {
        let pdf = sample();
        assert!(pdf.starts_with(b"%PDF-1.4\n"));
        assert!(pdf.ends_with(b"%%EOF\n"));
        let text = String::from_utf8_lossy(&pdf);
        assert!(text.contains("trailer\n<< /Size 8 /Root 1 0 R /Info 7 0 R >>"));
        assert_eq!(check_structure(&pdf), Ok(()));
    }

    /// The position of `needle` in `haystack`; byte offsets, since the header is not UTF-8.
    fn find(haystack: &[u8], needle: &[u8]) -> usize {
        haystack
            .windows(needle.len())
            .position(|window| window == needle)
            .expect("present")
    }

    fn number_after(haystack: &[u8], label: &[u8]) -> usize {
        let start = find(haystack, label) + label.len();
        let digits: String = haystack[start..]
            .iter()
            .take_while(|byte| byte.is_ascii_digit())
            .map(|byte| char::from(*byte))
            .collect();
        digits.parse().expect("a number")
    }

    #[test]
    fn every_cross_reference_offset_points_at_its_object() {
        let pdf = sample();
        let xref = find(&pdf, b"\nxref\n") + 1;
        assert_eq!(number_after(&pdf, b"startxref\n"), xref);
        let table = std::str::from_utf8(&pdf[xref..]).expect("the table is ASCII");
        let entries: Vec<&str> = table.split("\r\n").skip(1).take(7).collect();
        for (index, entry) in entries.iter().enumerate() {
            assert_eq!(entry.len(), 18, "20 bytes with the \\r\\n: {entry:?}");
            let offset: usize = entry[..10].parse().expect("an offset");
            let object = format!("{} 0 obj", index + 1);
            assert!(pdf[offset..].starts_with(object.as_bytes()), "{object}");
        }
    }

    #[test]
    fn the_stream_length_is_exact_and_text_is_escaped() {
        let pdf = sample();
        let declared = number_after(&pdf, b"/Length ");
        let start = find(&pdf, b"stream\n") + b"stream\n".len();
        let end = find(&pdf, b"endstream");
        assert_eq!(end - start, declared);
        let text = String::from_utf8_lossy(&pdf);
        assert!(text.contains("Brackets \\( \\) and a backslash \\\\ survive; ? does not"));
        assert!(text.contains("/Title (Sample \\(bill\\))"));
    }

    #[test]
    fn output_is_reproducible() {
        assert_eq!(sample(), sample());
    }

    #[test]
    fn the_checker_reports_broken_files_without_panicking() {
        let pdf = sample();
        assert_eq!(check_structure(b"hello"), Err(PdfStructureError::NoHeader));
        assert_eq!(
            check_structure(&pdf[..pdf.len() - 7]),
            Err(PdfStructureError::NoEndMarker)
        );
        let mut shifted = pdf.clone();
        shifted.insert(20, b' ');
        assert!(matches!(
            check_structure(&shifted),
            Err(PdfStructureError::WrongOffset(_) | PdfStructureError::NoCrossReference)
        ));
        for cut in 0..pdf.len() {
            let _ = check_structure(&pdf[..cut]);
        }
        assert_eq!(
            check_structure(b"%PDF-1.7\nstartxref\n999999\n%%EOF"),
            Err(PdfStructureError::NoCrossReference)
        );
        let huge = format!(
            "%PDF-1.4\nxref\n1 {}\ntrailer\nstartxref\n9\n%%EOF",
            usize::MAX
        );
        assert_eq!(
            check_structure(huge.as_bytes()),
            Err(PdfStructureError::MalformedCrossReference)
        );
    }

    #[test]
    fn lines_that_do_not_fit_are_left_off_rather_than_drawn_off_the_page() {
        let many: Vec<TextLine> = (0..200)
            .map(|n| TextLine::new(format!("line {n}"), 12, false))
            .collect();
        let pdf = single_page("Long", &many);
        assert_eq!(check_structure(&pdf), Ok(()));
        let text = String::from_utf8_lossy(&pdf);
        assert!(text.contains("(line 0)"));
        assert!(!text.contains("(line 199)"));
    }
}
