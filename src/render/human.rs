//! rustc-style snippets with the span underlined, the rule id, the message and
//! the rule's `why`, then a summary line.

use std::io::{self, Write};

use annotate_snippets::renderer::DecorStyle;
use annotate_snippets::{AnnotationKind, Group, Level, Renderer as Snippets, Snippet};
use anstyle::{AnsiColor, Style};

use super::{FileReport, Renderer, Summary, plural};
use crate::diagnostic::Severity;
use crate::location::LineIndex;

/// Lines of context shown at most per finding.
const MAX_LINES: usize = 8;
/// Terminal width snippets are trimmed to.
const MAX_WIDTH: usize = 120;

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
        for d in r.diagnostics {
            let first = index.position(r.source, d.range.start).line;
            let mut last = index
                .position(r.source, d.range.end.saturating_sub(1).max(d.range.start))
                .line;
            for rel in &d.related {
                last = last.max(
                    index
                        .position(r.source, rel.end.saturating_sub(1).max(rel.start))
                        .line,
                );
            }
            let last = last.min(first + MAX_LINES - 1).max(first);
            let start = index.line_range(r.source, first).start;
            let end = index.line_range(r.source, last).end;
            let window = &r.source[start..end];
            let clamp = |range: &std::ops::Range<usize>| -> Option<std::ops::Range<usize>> {
                let s = range.start.max(start);
                let e = range.end.min(end).max(s);
                (s < end && range.start >= start).then(|| s - start..e - start)
            };
            let level = match d.severity {
                Severity::Error => Level::ERROR,
                Severity::Warning => Level::WARNING,
                Severity::Suggestion => Level::HELP.with_name(Some("suggestion")),
            };
            let mut snippet = Snippet::source(window).line_start(first).path(r.path);
            if let Some(primary) = clamp(&d.range) {
                snippet =
                    snippet.annotation(AnnotationKind::Primary.span(primary).label(d.category()));
            }
            // Secondary spans help on short lines; on a long line they would
            // stop the renderer from trimming it, and the message lists them.
            let first_line = index.line_range(r.source, first);
            let long_line = r.source[first_line].chars().count() > MAX_WIDTH;
            for rel in &d.related {
                let same_line = index.position(r.source, rel.start).line == first;
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
            writeln!(out, "{}\n", renderer.render(&groups))?;
        }
        Ok(())
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
