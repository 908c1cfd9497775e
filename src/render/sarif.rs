//! SARIF 2.1.0 (for GitHub code scanning and other tools). Results are
//! streamed; `tool.driver.rules` lists every rule a finding can come from;
//! columns are Unicode code points (`columnKind`), and each result carries a
//! fingerprint of its text and sentence that survives unrelated edits.

use std::collections::HashMap;
use std::io::{self, Write};
use std::sync::Arc;

use serde_json::{Value, json};

use super::{FileReport, HOMEPAGE, Located, Renderer, Summary, rule_url};
use crate::diagnostic::Severity;
use crate::fingerprint::file_fingerprints;
use crate::location::LineIndex;
use crate::rules::RuleInfo;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

#[derive(Debug)]
pub struct Sarif {
    rules: Vec<(Arc<RuleInfo>, Severity)>,
    index: HashMap<String, usize>,
    first: bool,
    notifications: Vec<Value>,
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Suggestion => "note",
    }
}

/// A relative path as a URI reference: `/` separators, and everything but
/// unreserved characters percent-encoded.
pub fn uri_path(path: &str) -> String {
    let path = path.replace('\\', "/");
    let path = path.strip_prefix("./").unwrap_or(&path);
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A message template with its placeholders elided, as a rule summary.
fn summary(template: &str) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        match rest[open..].find('}') {
            Some(close) => {
                out.push('…');
                rest = &rest[open + close + 1..];
            }
            None => {
                rest = &rest[open..];
                break;
            }
        }
    }
    out.push_str(rest);
    out
}

impl Sarif {
    /// `rules`: every rule a result may reference (see `RuleSet::catalog`).
    pub fn new(rules: Vec<(Arc<RuleInfo>, Severity)>) -> Self {
        let index = rules
            .iter()
            .enumerate()
            .map(|(i, (r, _))| (r.id.clone(), i))
            .collect();
        Sarif {
            rules,
            index,
            first: true,
            notifications: Vec::new(),
        }
    }

    fn descriptor(info: &RuleInfo, severity: Severity) -> Value {
        json!({
            "id": info.id,
            "shortDescription": {"text": summary(&info.message)},
            "fullDescription": {"text": info.why},
            "help": {"text": format!("{} See {}", info.why, rule_url(&info.id))},
            "helpUri": rule_url(&info.id),
            "defaultConfiguration": {"level": level(severity)},
            "properties": {"category": info.category, "kind": info.kind, "tags": [info.category]},
        })
    }
}

impl Renderer for Sarif {
    fn begin(&mut self, out: &mut dyn Write) -> io::Result<()> {
        self.first = true;
        let rules: Vec<Value> = self
            .rules
            .iter()
            .map(|(r, s)| Self::descriptor(r, *s))
            .collect();
        let driver = json!({
            "name": "copylint",
            "version": env!("CARGO_PKG_VERSION"),
            "semanticVersion": env!("CARGO_PKG_VERSION"),
            "informationUri": HOMEPAGE,
            "rules": rules,
        });
        write!(
            out,
            "{{\"$schema\":\"{SCHEMA}\",\"version\":\"2.1.0\",\"runs\":[{{\"tool\":{{\"driver\":{driver}}},\"columnKind\":\"unicodeCodePoints\",\"results\":["
        )
    }

    fn file(&mut self, out: &mut dyn Write, r: &FileReport<'_>) -> io::Result<()> {
        if r.diagnostics.is_empty() {
            return Ok(());
        }
        let index = LineIndex::new(r.source);
        let fingerprints = file_fingerprints(r.diagnostics, r.source);
        for (d, fp) in r.diagnostics.iter().zip(fingerprints) {
            let l = Located::new(r.path, r.source, &index, d);
            let mut result = json!({
                "ruleId": l.rule,
                "level": level(d.severity),
                "message": {"text": l.message},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": uri_path(r.path), "uriBaseId": "%SRCROOT%"},
                        "region": {
                            "startLine": l.line,
                            "startColumn": l.column,
                            "endLine": l.end_line,
                            "endColumn": l.end_column,
                            "snippet": {"text": l.matched},
                        },
                    },
                }],
                "partialFingerprints": {"copylint/v1": fp},
                "properties": {"category": l.category},
            });
            if let Some(i) = self.index.get(l.rule) {
                result["ruleIndex"] = json!(i);
            }
            if let Some(fix) = &l.fix {
                let replacements: Vec<Value> = fix
                    .edits
                    .iter()
                    .map(|e| {
                        json!({
                            "deletedRegion": {"startLine": e.line, "startColumn": e.column, "endLine": e.end_line, "endColumn": e.end_column},
                            "insertedContent": {"text": e.content},
                        })
                    })
                    .collect();
                result["fixes"] = json!([{
                    "description": {"text": format!("{} ({})", fix.description, fix.applicability)},
                    "artifactChanges": [{
                        "artifactLocation": {"uri": uri_path(r.path), "uriBaseId": "%SRCROOT%"},
                        "replacements": replacements,
                    }],
                }]);
            }
            out.write_all(if self.first { b"\n  " } else { b",\n  " })?;
            self.first = false;
            serde_json::to_writer(&mut *out, &result)?;
        }
        Ok(())
    }

    fn error(&mut self, _out: &mut dyn Write, path: &str, message: &str) -> io::Result<()> {
        self.notifications.push(json!({
            "level": "error",
            "message": {"text": message},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri_path(path), "uriBaseId": "%SRCROOT%"}}}],
        }));
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write, _summary: &Summary) -> io::Result<()> {
        let invocation = json!({
            "executionSuccessful": self.notifications.is_empty(),
            "toolExecutionNotifications": self.notifications,
        });
        let close = if self.first { "]" } else { "\n]" };
        writeln!(out, "{close},\"invocations\":[{invocation}]}}]}}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(uri_path("./docs/a b%#?.md"), "docs/a%20b%25%23%3F.md");
        assert_eq!(uri_path("dir\\é.md"), "dir/%C3%A9.md");
    }

    #[test]
    fn summaries_elide_placeholders() {
        assert_eq!(
            summary("Call to action: '{match}' sells"),
            "Call to action: '…' sells"
        );
    }
}
