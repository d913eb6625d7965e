//! Sequence diagrams for the guides: each `content/diagrams/NAME.seq` is drawn as
//! `content/diagrams/NAME.svg` by `cargo xtask diagrams`, and a test fails when a committed SVG no
//! longer matches its source, so a diagram cannot drift from the text it is drawn from.
//!
//! The source language is deliberately tiny:
//!
//! ```text
//! title Login from a desktop browser
//! participant rp Relying party
//! participant sandbox iAM Smart sandbox
//! rp -> sandbox: GET /api/v1/auth/getQR
//! sandbox --> rp: the broker page        (a dashed arrow is an answer)
//! note sandbox: the user approves        (a note over one participant)
//! ```
//!
//! The SVG uses presentation attributes only (no `<style>`, no script, no external font), so it
//! renders the same as an `<img>` under the portal's strict Content-Security-Policy. This module
//! only reads and writes under `content/diagrams/`.

use std::{fmt::Write as _, fs, path::Path};

use anyhow::{Context, bail};

const BRAND: &str = "#2b7367";
const INK: &str = "#1c2422";
const LINE: &str = "#8a9895";
const TINT: &str = "#e8f2f0";
const FONT: &str =
    "system-ui, -apple-system, 'Segoe UI', 'Noto Sans', 'Noto Sans CJK SC', sans-serif";

struct Participant {
    id: String,
    label: String,
}

enum Step {
    Message {
        from: usize,
        to: usize,
        label: String,
        answer: bool,
    },
    Note {
        over: usize,
        text: String,
    },
}

struct Diagram {
    title: String,
    participants: Vec<Participant>,
    steps: Vec<Step>,
}

fn parse(source: &str) -> anyhow::Result<Diagram> {
    let mut diagram = Diagram {
        title: String::new(),
        participants: Vec::new(),
        steps: Vec::new(),
    };
    for (number, line) in source.lines().enumerate() {
        let line = line.trim();
        let at = || format!("line {}", number + 1);
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(title) = line.strip_prefix("title ") {
            diagram.title = title.trim().to_owned();
        } else if let Some(rest) = line.strip_prefix("participant ") {
            let (id, label) = rest
                .trim()
                .split_once(' ')
                .unwrap_or((rest.trim(), rest.trim()));
            diagram.participants.push(Participant {
                id: id.to_owned(),
                label: label.trim().to_owned(),
            });
        } else if let Some(rest) = line.strip_prefix("note ") {
            let (over, text) = rest.split_once(':').with_context(at)?;
            let over = find(&diagram.participants, over.trim()).with_context(at)?;
            diagram.steps.push(Step::Note {
                over,
                text: text.trim().to_owned(),
            });
        } else {
            let (arrow, label) = line
                .split_once(':')
                .with_context(|| format!("{}: expected `a -> b: label`", at()))?;
            let (from, to, answer) = if let Some((from, to)) = arrow.split_once("-->") {
                (from, to, true)
            } else if let Some((from, to)) = arrow.split_once("->") {
                (from, to, false)
            } else {
                bail!("{}: expected `a -> b: label` or `a --> b: label`", at());
            };
            diagram.steps.push(Step::Message {
                from: find(&diagram.participants, from.trim()).with_context(at)?,
                to: find(&diagram.participants, to.trim()).with_context(at)?,
                label: label.trim().to_owned(),
                answer,
            });
        }
    }
    if diagram.participants.len() < 2 || diagram.steps.is_empty() {
        bail!("a diagram needs at least two participants and one step");
    }
    Ok(diagram)
}

fn find(participants: &[Participant], id: &str) -> anyhow::Result<usize> {
    participants
        .iter()
        .position(|participant| participant.id == id)
        .with_context(|| {
            format!("no participant `{id}` (declare it with `participant {id} Label`)")
        })
}

/// A generous estimate of a label's width in pixels at 13 px (CJK characters are square).
fn text_width(text: &str) -> f64 {
    text.chars()
        .map(|character| if character.is_ascii() { 7.4 } else { 13.5 })
        .sum()
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Draws `source` as an SVG document.
pub fn render(source: &str) -> anyhow::Result<String> {
    let diagram = parse(source)?;
    let count = diagram.participants.len();
    // Each gap between neighbouring lifelines is as wide as the widest label that has to fit in it.
    let mut gaps = vec![170.0_f64; count - 1];
    for (index, participant) in diagram.participants.iter().enumerate() {
        let half = (text_width(&participant.label) + 28.0) / 2.0;
        if index > 0 {
            gaps[index - 1] = gaps[index - 1].max(half + 20.0);
        }
        if index + 1 < count {
            gaps[index] = gaps[index].max(half + 20.0);
        }
    }
    for step in &diagram.steps {
        if let Step::Message {
            from, to, label, ..
        } = step
        {
            let (low, high) = ((*from).min(*to), (*from).max(*to));
            let needed = text_width(label) + 24.0;
            if low == high {
                if low + 1 < count {
                    gaps[low] = gaps[low].max(needed + 40.0);
                }
            } else {
                let per_gap = needed / (high - low) as f64;
                for gap in &mut gaps[low..high] {
                    *gap = gap.max(per_gap);
                }
            }
        }
    }
    let first_box = diagram.participants.first().map_or(0.0, |participant| {
        (text_width(&participant.label) + 28.0) / 2.0
    });
    let mut xs = vec![first_box.max(90.0) + 10.0];
    for gap in &gaps {
        let last = xs[xs.len() - 1];
        xs.push(last + gap);
    }
    let last_box = diagram.participants.last().map_or(0.0, |participant| {
        (text_width(&participant.label) + 28.0) / 2.0
    });
    let width = (xs[count - 1] + last_box.max(90.0) + 10.0).ceil();
    let top = if diagram.title.is_empty() { 12.0 } else { 44.0 };
    let box_height = 34.0;
    let row = 42.0;
    let first_row = top + box_height + 34.0;
    let height = (first_row + row * diagram.steps.len() as f64 + box_height - 8.0).ceil();

    let mut svg = String::new();
    let _ = writeln!(
        svg,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" \
         role=\"img\" aria-label=\"{}\" font-family=\"{FONT}\" font-size=\"13\">",
        escape(&diagram.title)
    );
    let _ = writeln!(svg, "<title>{}</title>", escape(&diagram.title));
    let _ = writeln!(
        svg,
        "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"8\" markerHeight=\"8\" \
         orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"{INK}\"/></marker></defs>"
    );
    let _ = writeln!(
        svg,
        "<rect width=\"{width}\" height=\"{height}\" fill=\"#ffffff\"/>"
    );
    if !diagram.title.is_empty() {
        let _ = writeln!(
            svg,
            "<text x=\"{}\" y=\"26\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"600\" fill=\"{INK}\">{}</text>",
            width / 2.0,
            escape(&diagram.title)
        );
    }
    let bottom_box = height - box_height - 6.0;
    for (participant, x) in diagram.participants.iter().zip(&xs) {
        let _ = writeln!(
            svg,
            "<line x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{bottom_box}\" stroke=\"{LINE}\" stroke-dasharray=\"4 4\"/>",
            top + box_height
        );
        for y in [top, bottom_box] {
            let box_width = text_width(&participant.label) + 28.0;
            let _ = writeln!(
                svg,
                "<rect x=\"{}\" y=\"{y}\" width=\"{box_width}\" height=\"{box_height}\" rx=\"10\" fill=\"{BRAND}\"/>\
                 <text x=\"{x}\" y=\"{}\" text-anchor=\"middle\" fill=\"#ffffff\" font-weight=\"600\">{}</text>",
                x - box_width / 2.0,
                y + 22.0,
                escape(&participant.label)
            );
        }
    }
    for (index, step) in diagram.steps.iter().enumerate() {
        let y = first_row + row * index as f64;
        match step {
            Step::Message {
                from,
                to,
                label,
                answer,
            } => {
                let dash = if *answer {
                    " stroke-dasharray=\"6 4\""
                } else {
                    ""
                };
                let (x1, x2) = (xs[*from], xs[*to]);
                if from == to {
                    let _ = writeln!(
                        svg,
                        "<path d=\"M{x1},{} h34 v18 h-34\" fill=\"none\" stroke=\"{INK}\" stroke-width=\"1.4\"{dash} marker-end=\"url(#arrow)\"/>\
                         <text x=\"{}\" y=\"{}\" fill=\"{INK}\">{}</text>",
                        y - 9.0,
                        x1 + 42.0,
                        y + 4.0,
                        escape(label)
                    );
                } else {
                    // A white band behind the label keeps it readable where it crosses a lifeline.
                    let label_width = text_width(label) + 8.0;
                    let _ = writeln!(
                        svg,
                        "<line x1=\"{x1}\" y1=\"{y}\" x2=\"{x2}\" y2=\"{y}\" stroke=\"{INK}\" stroke-width=\"1.4\"{dash} marker-end=\"url(#arrow)\"/>\
                         <rect x=\"{}\" y=\"{}\" width=\"{label_width}\" height=\"16\" fill=\"#ffffff\"/>\
                         <text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"{INK}\">{}</text>",
                        (x1 + x2) / 2.0 - label_width / 2.0,
                        y - 20.0,
                        (x1 + x2) / 2.0,
                        y - 7.0,
                        escape(label)
                    );
                }
            }
            Step::Note { over, text } => {
                let note_width = text_width(text) + 20.0;
                let _ = writeln!(
                    svg,
                    "<rect x=\"{}\" y=\"{}\" width=\"{note_width}\" height=\"26\" rx=\"6\" fill=\"{TINT}\" stroke=\"{BRAND}\"/>\
                     <text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"{INK}\">{}</text>",
                    xs[*over] - note_width / 2.0,
                    y - 18.0,
                    xs[*over],
                    y,
                    escape(text)
                );
            }
        }
    }
    svg.push_str("</svg>\n");
    Ok(svg)
}

/// Every `.seq` under `dir` with the SVG it draws, by SVG file name.
pub fn render_all(dir: &Path) -> anyhow::Result<Vec<(String, String)>> {
    let mut drawn = Vec::new();
    let mut entries: Vec<_> = fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .collect::<Result<_, _>>()?;
    entries.sort_by_key(|entry| entry.file_name());
    for entry in entries {
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some(stem) = name.strip_suffix(".seq") {
            let source = fs::read_to_string(entry.path())?;
            let svg = render(&source).with_context(|| format!("drawing {name}"))?;
            drawn.push((format!("{stem}.svg"), svg));
        }
    }
    Ok(drawn)
}

/// `cargo xtask diagrams`: (re)writes every SVG from its source.
pub fn write_all(root: &Path) -> anyhow::Result<()> {
    let dir = root.join("content/diagrams");
    for (name, svg) in render_all(&dir)? {
        fs::write(dir.join(&name), svg).with_context(|| format!("writing {name}"))?;
        println!("diagrams: wrote content/diagrams/{name}");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_committed_diagrams_match_their_sources() -> anyhow::Result<()> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .context("xtask lives below the workspace root")?;
        let dir = root.join("content/diagrams");
        let drawn = render_all(&dir)?;
        assert!(
            !drawn.is_empty(),
            "content/diagrams/ holds the guides' diagrams"
        );
        for (name, svg) in drawn {
            let committed = fs::read_to_string(dir.join(&name)).unwrap_or_default();
            assert!(
                committed == svg,
                "content/diagrams/{name} is out of date with its .seq source: run `cargo xtask diagrams`"
            );
        }
        Ok(())
    }

    #[test]
    fn a_diagram_draws_participants_arrows_answers_and_notes() -> anyhow::Result<()> {
        let svg = render(
            "title Demo <1>\nparticipant a Relying party\nparticipant b Sandbox\na -> b: POST /getKey\nb --> a: {\"code\":\"D00000\"}\nnote b: 用戶批准\nb -> b: check\n",
        )?;
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(svg.contains("<title>Demo &lt;1&gt;</title>"));
        assert_eq!(
            svg.matches(">Relying party</text>").count(),
            2,
            "a box at the top and the bottom"
        );
        assert!(svg.contains("POST /getKey"));
        assert!(
            svg.contains("stroke-dasharray=\"6 4\""),
            "the answer is dashed"
        );
        assert!(svg.contains("{&quot;code&quot;:&quot;D00000&quot;}"));
        assert!(svg.contains("用戶批准"));
        assert!(!svg.contains("<style") && !svg.contains("<script"));
        Ok(())
    }

    #[test]
    fn unknown_participants_and_malformed_lines_are_reported_with_their_line() {
        let error = render("participant a A\nparticipant b B\na -> c: x\n").err();
        assert!(format!("{error:?}").contains("line 3"), "{error:?}");
        let error = render("participant a A\nparticipant b B\na => b\n").err();
        assert!(format!("{error:?}").contains("line 3"), "{error:?}");
    }
}
