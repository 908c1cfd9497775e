//! copylint: a linter for marketing and content drafts.
//!
//! The data path runs one way:
//!
//! ```text
//! paths ─walk─▶ files ─read─▶ Document ─▶ blocks/sentences ─rules─▶ Diagnostics ─▶ Renderer
//! ```
//!
//! * [`document`]: Markdown / plain text → prose blocks, sentences and a
//!   normalised lint text that maps back to exact source bytes.
//! * [`rules`]: YAML rule files → a compiled [`RuleSet`] (one automaton for
//!   the phrases, one regex set for every pattern and the shortest phrases).
//! * [`engine`]: a document × a rule set → [`Diagnostic`]s.
//! * [`render`]: one renderer per output format.

pub mod baseline;
pub mod changes;
pub mod config;
pub mod diagnostic;
pub mod document;
pub mod engine;
pub mod fingerprint;
pub mod fix;
#[doc(hidden)]
pub mod invariants;
pub mod location;
pub mod render;
pub mod rules;
mod suppress;
pub mod walk;

use std::path::Path;

pub use diagnostic::{Counts, Diagnostic, FailOn, Severity};
pub use document::{Document, Format};
pub use engine::{LintOptions, ScanStats, lint, lint_many, lint_with_stats};
pub use rules::{LoadOptions, RuleError, RuleLibrary, RuleSet, Selection};

/// Lints `source` parsed as `format`.
pub fn lint_str(
    source: &str,
    format: Format,
    rules: &RuleSet,
    options: LintOptions,
) -> Vec<Diagnostic> {
    let doc = Document::parse(source, format);
    engine::lint(&doc, rules, options)
}

/// Why a file could not be linted.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("{}", walk::io_message(.0))]
    Io(#[from] std::io::Error),
    #[error("binary file (contains NUL bytes), skipped")]
    Binary,
    #[error(
        "not valid UTF-8 (first invalid byte on line {line}), skipped; convert it to UTF-8 or exclude it"
    )]
    NotUtf8 { line: usize },
}

/// Reads a file as UTF-8 text, refusing binary files.
pub fn read_text(path: &Path) -> Result<String, ReadError> {
    text_from_bytes(std::fs::read(path)?)
}

/// Checks and converts bytes read from a file or stdin.
pub fn text_from_bytes(bytes: Vec<u8>) -> Result<String, ReadError> {
    if bytes[..bytes.len().min(8192)].contains(&0) {
        return Err(ReadError::Binary);
    }
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let line = e.as_bytes()[..valid]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1;
        ReadError::NotUtf8 { line }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_are_checked() {
        assert_eq!(text_from_bytes(b"ok".to_vec()).unwrap(), "ok");
        assert!(matches!(
            text_from_bytes(b"a\0b".to_vec()),
            Err(ReadError::Binary)
        ));
        assert!(matches!(
            text_from_bytes(b"one\ntwo \xe9\n".to_vec()),
            Err(ReadError::NotUtf8 { line: 2 })
        ));
    }
}
