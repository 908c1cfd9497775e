//! rustc-style snippets with the span underlined, the rule id, the message and
//! the rule's `why`, then a summary line.

use std::io::{self, Write};
use std::ops::Range;

use annotate_snippets::renderer::DecorStyle;
use annotate_snippets::{AnnotationKind, Group, Level, Renderer as Snippets, Snippet};
use anstyle::{AnsiColor, Style};

use super::{FileReport, Renderer, Summary, plural};
use crate::diagnostic::{Diagnostic, Severity};
use crate::location::{LineIndex, ceil_char_boundary, floor_char_boundary};

/// Lines of context shown at most per finding.
const MAX_LINES: usize = 8;
/// Terminal width snippets are trimmed to.
const MAX_WIDTH: usize = 120;
/// A finding on a line longer than this many bytes is shown from that line
/// (and any the finding runs on to), cut to [`CUT_PAD`] bytes either side
/// of it before it is rendered: the renderer measures every character of
/// the lines it is given, for every finding, which on one long line made a
/// report quadratic (a 1 MB paragraph took 8 s). The renderer trims such a
/// line to [`MAX_WIDTH`] around the finding anyway, so the cut does not
/// change what is shown, but for spans on other lines, which are left out
/// (they would make it show the whole line; the message names them).
const LONG_LINE_BYTES: usize = 4 * 1024;
/// Bytes kept either side of a cut finding: [`MAX_WIDTH`] characters of
/// four bytes each, and more, so that what the renderer shows is not cut
/// (text dense in zero-width combining marks may show less beside it).
const CUT_PAD: usize = 1024;
const _: () = assert!(CUT_PAD >= 4 * MAX_WIDTH && LONG_LINE_BYTES > 2 * CUT_PAD);

#[derive(Debug)]
pub struct Human {
    color: bool,
    quiet: bool,
}

impl Human {
    pub fn new(color: bool) -> Self {
        Human {
            color,
            quiet: false,
        }
    }

    /// Without the closing summary line.
    pub fn quiet(mut self, quiet: bool) -> Self {
        self.quiet = quiet;
        self
    }

    fn paint(&self, style: Style, text: &str) -> String {
        if self.color {
            format!("{style}{text}{style:#}")
        } else {
            text.to_string()
        }
    }
}

impl Renderer for Human {
    fn file(&mut self, out: &mut dyn Write, r: &FileReport<'_>) -> io::Result<()> {
        if r.diagnostics.is_empty() {
            return Ok(());
        }
        let index = LineIndex::new(r.source);
        let renderer = if self.color {
            Snippets::styled()
        } else {
            Snippets::plain()
        }
        .decor_style(DecorStyle::Ascii)
        .term_width(MAX_WIDTH);
        super::write_findings(out, r, &index, |out, index, d| {
            writeln!(out, "{}\n", render_finding(&renderer, index, r, d, true))
        })
    }

    fn finish(&mut self, out: &mut dyn Write, s: &Summary) -> io::Result<()> {
        if self.quiet {
            return Ok(());
        }
        let red = Style::new().fg_color(Some(AnsiColor::Red.into())).bold();
        let yellow = Style::new().fg_color(Some(AnsiColor::Yellow.into())).bold();
        let cyan = Style::new().fg_color(Some(AnsiColor::Cyan.into())).bold();
        let green = Style::new().fg_color(Some(AnsiColor::Green.into())).bold();
        let files = plural(s.files, "file");
        if s.counts.total() == 0 {
            writeln!(
                out,
                "Checked {files}: {}.",
                self.paint(green, "no findings")
            )?;
        } else {
            writeln!(
                out,
                "Checked {files}: {}, {}, {}.",
                self.paint(red, &plural(s.counts.error, "error")),
                self.paint(yellow, &plural(s.counts.warning, "warning")),
                self.paint(cyan, &plural(s.counts.suggestion, "suggestion")),
            )?;
        }
        if s.fixed > 0 {
            writeln!(out, "Fixed {}.", plural(s.fixed, "finding"))?;
        }
        match (s.fixable, s.unsafe_fixable) {
            (0, 0) => {}
            (0, u) => writeln!(out, "{u} fixable with --fix --unsafe-fixes.")?,
            (n, 0) => writeln!(out, "{n} fixable with --fix.")?,
            (n, u) => writeln!(
                out,
                "{n} fixable with --fix ({u} more with --unsafe-fixes)."
            )?,
        }
        if s.errors > 0 {
            writeln!(
                out,
                "{} could not be read (see above).",
                plural(s.errors, "file")
            )?;
        }
        if s.unwritten > 0 {
            writeln!(
                out,
                "{} could not be fixed on disk (see above).",
                plural(s.unwritten, "file")
            )?;
        }
        Ok(())
    }
}

/// The part of the source shown for finding `d` when the line it starts
/// on is longer than [`LONG_LINE_BYTES`]: [`CUT_PAD`] bytes either side of
/// the finding, from that line to the one it ends on.
fn cut_window(src: &str, index: &LineIndex, d: &Diagnostic) -> Option<Range<usize>> {
    let line = index.line_range(src, index.position(src, d.range.start).line);
    if line.len() <= LONG_LINE_BYTES {
        return None;
    }
    let last = index.line_range(
        src,
        index
            .position(src, d.range.end.saturating_sub(1).max(d.range.start))
            .line,
    );
    Some(
        floor_char_boundary(src, d.range.start.saturating_sub(CUT_PAD)).max(line.start)
            ..ceil_char_boundary(src, d.range.end + CUT_PAD).min(last.end),
    )
}

/// One finding as shown: the title, the snippet with its spans, the fix or
/// suggestions, and the rule's reason. With `cut`, a finding on a line of
/// more than [`LONG_LINE_BYTES`] is shown from [`cut_window`].
fn render_finding(
    renderer: &Snippets,
    index: &LineIndex,
    r: &FileReport<'_>,
    d: &Diagnostic,
    cut: bool,
) -> String {
    cut.then(|| render_cut(renderer, index, r, d))
        .flatten()
        .unwrap_or_else(|| render_window(renderer, index, r, d, None))
}

/// The finding shown from its [`cut_window`], with the column in its
/// header counted from the line's start, not from the cut. `None` when its
/// line is not long, or when the header is not where it should be.
fn render_cut(
    renderer: &Snippets,
    index: &LineIndex,
    r: &FileReport<'_>,
    d: &Diagnostic,
) -> Option<String> {
    let src = r.source;
    let window = cut_window(src, index, d)?;
    let shown = render_window(renderer, index, r, d, Some(window.clone()));
    let line = index.position(src, d.range.start).line;
    if window.start == index.line_range(src, line).start {
        return Some(shown);
    }
    // The renderer counted the column from the cut; put back the characters
    // cut off the line's start. The header is the line after the title:
    // ` --> PATH:LINE:COLUMN` (styled as one piece, so the text is whole).
    let counted = src[window.start..d.range.start].chars().count() + 1;
    let column = index.position(src, d.range.start).column;
    let wrong = format!("{}:{line}:{counted}", r.path);
    let header_start = shown.find('\n')? + 1;
    let header_end = shown[header_start..]
        .find('\n')
        .map_or(shown.len(), |i| header_start + i);
    let (at, _) = shown[header_start..header_end]
        .match_indices(&wrong)
        .find(|(i, _)| {
            !shown[header_start + i + wrong.len()..].starts_with(|c: char| c.is_ascii_digit())
        })?;
    let at = header_start + at;
    Some(format!(
        "{}{}:{line}:{column}{}",
        &shown[..at],
        r.path,
        &shown[at + wrong.len()..]
    ))
}

/// The finding rendered from `window` of the source, or from the lines of
/// its spans (eight at most).
fn render_window(
    renderer: &Snippets,
    index: &LineIndex,
    r: &FileReport<'_>,
    d: &Diagnostic,
    window: Option<Range<usize>>,
) -> String {
    let src = r.source;
    let first = index.position(src, d.range.start).line;
    let first_line = index.line_range(src, first);
    let Range { start, end } = window.unwrap_or_else(|| {
        let mut last = index
            .position(src, d.range.end.saturating_sub(1).max(d.range.start))
            .line;
        for rel in &d.related {
            last = last.max(
                index
                    .position(src, rel.end.saturating_sub(1).max(rel.start))
                    .line,
            );
        }
        let last = last.min(first + MAX_LINES - 1).max(first);
        first_line.start..index.line_range(src, last).end
    });
    let clamp = |range: &Range<usize>| -> Option<Range<usize>> {
        let s = range.start.max(start);
        let e = range.end.min(end).max(s);
        (s < end && range.start >= start).then(|| s - start..e - start)
    };
    let level = match d.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Suggestion => Level::HELP.with_name(Some("suggestion")),
    };
    let mut snippet = Snippet::source(&src[start..end])
        .line_start(first)
        .path(r.path);
    if let Some(primary) = clamp(&d.range) {
        snippet = snippet.annotation(AnnotationKind::Primary.span(primary).label(d.category()));
    }
    // Secondary spans help on short lines; on a long line they would stop
    // the renderer from trimming it, and the message lists them.
    let long_line = src[first_line].chars().nth(MAX_WIDTH).is_some();
    for rel in &d.related {
        let same_line = index.position(src, rel.start).line == first;
        if long_line && same_line {
            continue;
        }
        if let Some(span) = clamp(rel) {
            snippet = snippet.annotation(AnnotationKind::Context.span(span));
        }
    }
    let title = level.primary_title(d.message.as_str()).id(d.rule_id());
    let mut groups = vec![title.element(snippet)];
    if let Some(fix) = &d.fix {
        let how = match fix.applicability {
            crate::fix::Applicability::Safe => "fix (--fix)",
            crate::fix::Applicability::Unsafe => "fix (--fix --unsafe-fixes)",
        };
        groups.push(Group::with_title(
            Level::HELP
                .with_name(Some(how))
                .secondary_title(fix.description.as_str()),
        ));
    } else if !d.suggestions.is_empty() {
        let alts: Vec<String> = d.suggestions.iter().map(|s| format!("'{s}'")).collect();
        groups.push(Group::with_title(
            Level::HELP.secondary_title(format!("consider {}", alts.join(" or "))),
        ));
    }
    if !d.rule.why.is_empty() {
        groups.push(Group::with_title(
            Level::NOTE
                .with_name(Some("why"))
                .secondary_title(d.rule.why.as_str()),
        ));
    }
    renderer.render(&groups)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::{Format, LintOptions, LoadOptions, RuleLibrary, RuleSet, Selection};

    /// A draft whose first paragraph is one line of about 12 KB, with
    /// findings near its start, throughout and near its end, and characters
    /// of two to four bytes around the cuts; then a short paragraph.
    fn long_line_draft() -> String {
        let pieces = [
            "Our world-class platform is trusted by many customers. ",
            "The café in Zürich opened on 3 March 2021 — 40 seats, 😀 all of them. ",
            "Book a demo today! ",
            "We are committed to making these tools available to everyone. ",
            "Measured at 12 ms, the cache cut load times by 30 % in Kraków. ",
            "Experts agree that our cutting-edge approach is significantly faster. ",
        ];
        let mut line = String::new();
        let mut i = 0;
        while line.len() < 12 * 1024 {
            line.push_str(pieces[i % pieces.len()]);
            i += 7;
        }
        // The paragraph runs on to a second line through a finding.
        format!(
            "{} Please book a\ndemo today.\n\nContact our team to learn how we can help.\n",
            line.trim_end()
        )
    }

    #[test]
    fn a_long_line_is_cut_without_changing_what_is_shown() {
        let lib = RuleLibrary::load(&LoadOptions::default()).unwrap();
        let set = RuleSet::compile(&lib, &Selection::default()).unwrap();
        let source = long_line_draft();
        let diagnostics = crate::lint_str(&source, Format::Markdown, &set, LintOptions::default());
        let report = FileReport {
            path: "drafts/long line.md",
            source: &source,
            diagnostics: &diagnostics,
        };
        let index = LineIndex::new(&source);
        let long = index.line_range(&source, 1);
        let on_long_line = |d: &&Diagnostic| d.range.start < long.end;
        let mut cut = 0;
        for d in diagnostics.iter().filter(on_long_line) {
            let window = cut_window(&source, &index, d).unwrap();
            // The finding and at most the pad either side (plus a
            // character's remaining bytes at each end).
            assert!(
                window.start <= d.range.start && d.range.end <= window.end,
                "{window:?} {d:?}"
            );
            assert!(
                window.len() <= 2 * CUT_PAD + d.range.len() + 6,
                "{window:?}"
            );
            cut += usize::from(window.start > long.start && window.end < long.end);
        }
        assert!(cut > 50, "findings cut out of the long line: {cut}");
        let mut across = 0;
        for renderer in [Snippets::plain(), Snippets::styled()] {
            let renderer = renderer
                .decor_style(DecorStyle::Ascii)
                .term_width(MAX_WIDTH);
            for d in diagnostics.iter().filter(on_long_line) {
                // Never the whole-line fallback.
                let shown = render_cut(&renderer, &index, &report, d).unwrap();
                if d.range.end > long.end {
                    // A finding that runs on to the next line shows it (the
                    // renderer does not trim a line a span runs across).
                    let plain = anstream::adapter::strip_str(&shown).to_string();
                    assert!(plain.contains("\n2 | | ...day."), "{plain}");
                    across += 1;
                } else if d.related.iter().all(|r| r.start < long.end) {
                    assert_eq!(shown, render_window(&renderer, &index, &report, d, None));
                } else {
                    // Spans on other lines would make the whole long line
                    // shown; the cut leaves them out.
                    assert!(!shown.contains("Contact our team"), "{shown}");
                }
            }
        }
        assert!(
            across >= 2,
            "the finding across the line break, plain and styled"
        );
    }
}
