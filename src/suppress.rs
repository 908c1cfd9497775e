//! Suppression comments.
//!
//! ```text
//! <!-- copylint-disable [RULE-OR-CATEGORY, …] -->   … until copylint-enable (or the end)
//! <!-- copylint-enable [RULE-OR-CATEGORY, …] -->
//! <!-- copylint-disable-next-line [RULE-OR-CATEGORY, …] -->
//! <!-- copylint-disable-file [RULE-OR-CATEGORY, …] -->
//! ```
//!
//! With no names a directive covers every rule. Unknown names and unknown
//! directives are reported (`invalid-suppression`); with
//! `--report-unused-disables`, a name that suppressed nothing is reported
//! (`unused-suppression`).

use std::ops::Range;
use std::sync::{Arc, LazyLock};

use crate::diagnostic::{Diagnostic, Severity};
use crate::document::Document;
use crate::rules::{RuleInfo, RuleSet, SUPPRESSION_CATEGORY};

/// The rule reported for malformed suppression comments.
pub static INVALID_SUPPRESSION: LazyLock<Arc<RuleInfo>> = LazyLock::new(|| {
    Arc::new(RuleInfo {
        id: "invalid-suppression".into(),
        category: SUPPRESSION_CATEGORY.into(),
        severity: Severity::Warning,
        kind: "built-in",
        message: "A suppression comment names an unknown directive, rule or category".into(),
        why: "A suppression comment that names no known rule or category silences nothing; fix the name or remove the comment.".into(),
        source: "copylint".into(),
        builtin: true,
        extends: None,
        fix: None,
    })
});

/// The rule reported for suppressions that suppressed nothing.
pub static UNUSED_SUPPRESSION: LazyLock<Arc<RuleInfo>> = LazyLock::new(|| {
    Arc::new(RuleInfo {
        id: "unused-suppression".into(),
        category: SUPPRESSION_CATEGORY.into(),
        severity: Severity::Warning,
        kind: "built-in",
        message: "A suppression comment suppresses nothing".into(),
        why: "Suppressions outlive the text they were written for; remove the ones that no longer silence anything.".into(),
        source: "copylint".into(),
        builtin: true,
        extends: None,
        fix: None,
    })
});

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Disable,
    Enable,
    NextLine,
    File,
}

#[derive(Debug)]
struct Directive {
    kind: Kind,
    /// Rule ids or categories; empty means every rule.
    names: Vec<String>,
    /// Source range of the comment.
    comment: Range<usize>,
}

/// A stretch of source where one name (or every rule: `None`, minus
/// `except`) is silenced.
#[derive(Debug)]
struct Region {
    range: Range<usize>,
    name: Option<String>,
    /// Names re-enabled inside an every-rule region.
    except: Vec<String>,
    directive: usize,
    used: bool,
}

impl Region {
    fn covers(&self, d: &Diagnostic) -> bool {
        let inside = self.range.start <= d.range.start
            && d.range.start < self.range.end.max(self.range.start + 1);
        let named = |n: &String| *n == d.rule.id || *n == d.rule.category;
        inside
            && match &self.name {
                Some(n) => named(n),
                None => !self.except.iter().any(named),
            }
    }
}

/// A finding of one of copylint's suppression rules, unless the
/// configuration deselected it.
fn problem(
    set: &RuleSet,
    rule: &Arc<RuleInfo>,
    range: Range<usize>,
    message: String,
) -> Option<Diagnostic> {
    let severity = set.suppression_severity(&rule.id)?;
    Some(Diagnostic {
        rule: rule.clone(),
        severity,
        context: range.clone(),
        range,
        message,
        related: Vec::new(),
        suggestions: Vec::new(),
        fix: None,
    })
}

fn parse(doc: &Document<'_>, set: &RuleSet, problems: &mut Vec<Diagnostic>) -> Vec<Directive> {
    let src = doc.source();
    let mut out = Vec::new();
    for comment in doc.comments() {
        let body = src[comment.clone()]
            .trim_start_matches("<!--")
            .trim_end_matches("-->")
            .trim();
        let Some(rest) = body.strip_prefix("copylint-") else {
            continue;
        };
        let (word, args) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
        let kind = match word {
            "disable" => Kind::Disable,
            "enable" => Kind::Enable,
            "disable-next-line" => Kind::NextLine,
            "disable-file" => Kind::File,
            other => {
                problems.extend(problem(
                    set,
                    &INVALID_SUPPRESSION,
                    comment.clone(),
                    format!("unknown directive `copylint-{other}` (expected copylint-disable, copylint-enable, copylint-disable-next-line or copylint-disable-file)"),
                ));
                continue;
            }
        };
        let mut names = Vec::new();
        for name in args
            .split([',', ' ', '\t', '\n', '\r'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            if set.knows(name) {
                names.push(name.to_string());
            } else {
                problems.extend(problem(
                    set,
                    &INVALID_SUPPRESSION,
                    comment.clone(),
                    format!("unknown rule or category `{name}` in suppression comment"),
                ));
            }
        }
        // A directive whose names were all unknown silences nothing.
        if names.is_empty() && !args.trim().is_empty() {
            continue;
        }
        out.push(Directive {
            kind,
            names,
            comment: comment.clone(),
        });
    }
    out
}

/// The byte range of the next line after `pos` that is neither blank nor
/// only a comment, so that stacked `disable-next-line` comments all apply to
/// the line below them.
fn next_line(src: &str, pos: usize) -> Range<usize> {
    let mut at = match src[pos..].find(['\n', '\r']) {
        Some(i) => pos + i,
        None => return src.len()..src.len(),
    };
    loop {
        // Skip the line terminator.
        if src[at..].starts_with("\r\n") {
            at += 2;
        } else if at < src.len() {
            at += 1;
        }
        let end = src[at..].find(['\n', '\r']).map_or(src.len(), |i| at + i);
        let line = src[at..end].trim();
        let only_comment = line.starts_with("<!--")
            && line.ends_with("-->")
            && line[4..].find("-->") == Some(line.len() - 7);
        if !(line.is_empty() || only_comment) || end >= src.len() {
            return at..end;
        }
        at = end;
    }
}

fn regions(doc: &Document<'_>, directives: &[Directive]) -> Vec<Region> {
    let len = doc.source().len();
    let mut out = Vec::new();
    // Open `disable` regions, closed by `enable` or the end of the file.
    let mut open: Vec<Region> = Vec::new();
    let region = |name: Option<String>, range: Range<usize>, directive: usize| Region {
        range,
        name,
        except: Vec::new(),
        directive,
        used: false,
    };
    let names_of = |d: &Directive| -> Vec<Option<String>> {
        if d.names.is_empty() {
            vec![None]
        } else {
            d.names.iter().cloned().map(Some).collect()
        }
    };
    for (i, d) in directives.iter().enumerate() {
        match d.kind {
            Kind::Disable => {
                for name in names_of(d) {
                    open.push(region(name, d.comment.end..len, i));
                }
            }
            Kind::Enable => {
                let mut still_open = Vec::new();
                for mut r in open.drain(..) {
                    let closes =
                        d.names.is_empty() || r.name.as_ref().is_some_and(|n| d.names.contains(n));
                    // `enable NAME` inside `disable` (every rule): the
                    // every-rule region goes on, minus NAME.
                    let carve = r.name.is_none() && !d.names.is_empty();
                    if closes || carve {
                        let mut done =
                            region(r.name.clone(), r.range.start..d.comment.start, r.directive);
                        done.except = r.except.clone();
                        out.push(done);
                    }
                    if carve {
                        r.range.start = d.comment.end;
                        r.except.extend(d.names.iter().cloned());
                        still_open.push(r);
                    } else if !closes {
                        still_open.push(r);
                    }
                }
                open = still_open;
            }
            Kind::NextLine => {
                let line = next_line(doc.source(), d.comment.end);
                for name in names_of(d) {
                    out.push(region(name, line.clone(), i));
                }
            }
            Kind::File => {
                for name in names_of(d) {
                    out.push(region(name, 0..len, i));
                }
            }
        }
    }
    out.extend(open);
    out
}

/// The suppression comments of one document: filters findings (possibly in
/// several rounds) and finally reports problems with the comments.
pub(crate) struct Suppressor<'a> {
    set: &'a RuleSet,
    directives: Vec<Directive>,
    regions: Vec<Region>,
    problems: Vec<Diagnostic>,
}

impl<'a> Suppressor<'a> {
    pub(crate) fn new(doc: &Document<'_>, set: &'a RuleSet) -> Self {
        let mut problems = Vec::new();
        let directives = if doc.comments().is_empty() {
            Vec::new()
        } else {
            parse(doc, set, &mut problems)
        };
        let regions = regions(doc, &directives);
        Suppressor {
            set,
            directives,
            regions,
            problems,
        }
    }

    /// Drops findings inside suppressed regions.
    pub(crate) fn filter(&mut self, findings: Vec<Diagnostic>) -> Vec<Diagnostic> {
        if self.regions.is_empty() {
            return findings;
        }
        let mut kept = Vec::with_capacity(findings.len());
        for f in findings {
            let mut suppressed = false;
            for r in self.regions.iter_mut() {
                if r.covers(&f) {
                    r.used = true;
                    suppressed = true;
                }
            }
            if !suppressed {
                kept.push(f);
            }
        }
        kept
    }

    /// Findings about the comments themselves: invalid ones, and (with
    /// `report_unused`) names that suppressed nothing.
    pub(crate) fn finish(self, report_unused: bool) -> Vec<Diagnostic> {
        let mut problems = self.problems;
        if report_unused {
            let mut reported = std::collections::HashSet::new();
            for r in &self.regions {
                let used = self
                    .regions
                    .iter()
                    .any(|o| o.directive == r.directive && o.name == r.name && o.used);
                if used || !reported.insert((r.directive, r.name.clone())) {
                    continue;
                }
                let d = &self.directives[r.directive];
                let what = r
                    .name
                    .as_ref()
                    .map_or_else(|| "every rule".to_string(), |n| format!("`{n}`"));
                problems.extend(problem(
                    self.set,
                    &UNUSED_SUPPRESSION,
                    d.comment.clone(),
                    format!("suppression of {what} suppressed nothing"),
                ));
            }
        }
        problems
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_line_skips_blank_lines() {
        let src = "<!-- x -->\n\n  \n<!-- y -->\nBook a demo.\nMore";
        let r = next_line(src, 10);
        assert_eq!(
            &src[next_line(src, src.find("<!-- y").unwrap() + 10)],
            "Book a demo."
        );
        assert_eq!(&src[r], "Book a demo.");
        let src = "a <!-- x -->\r\nnext\r\n";
        assert_eq!(&src[next_line(src, 12)], "next");
        assert_eq!(next_line("end", 3), 3..3);
    }
}
