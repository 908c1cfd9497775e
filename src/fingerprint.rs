//! Fingerprints that identify a finding across unrelated edits: a hash of
//! the rule, the matched text and the sentence around it (whitespace
//! collapsed, case folded), never of line numbers. Used by baselines and by
//! SARIF `partialFingerprints`.

use sha2::{Digest, Sha256};

use crate::diagnostic::Diagnostic;

fn normalise(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// The fingerprint of `d` in `source` (16 hex digits).
pub fn fingerprint(d: &Diagnostic, source: &str) -> String {
    let matched = source.get(d.range.clone()).unwrap_or("");
    let context = source.get(d.context.clone()).unwrap_or("");
    let mut hasher = Sha256::new();
    hasher.update(d.rule.id.as_bytes());
    hasher.update([0]);
    hasher.update(normalise(matched).as_bytes());
    hasher.update([0]);
    hasher.update(normalise(context).as_bytes());
    let digest = hasher.finalize();
    digest[..8].iter().map(|b| format!("{b:02x}")).collect()
}

/// Fingerprints of every finding of one file, in order; a finding identical
/// to an earlier one in the same file gets `:2`, `:3` … appended, so that
/// each is distinct and the numbering survives edits elsewhere.
pub fn file_fingerprints(diagnostics: &[Diagnostic], source: &str) -> Vec<String> {
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    diagnostics
        .iter()
        .map(|d| {
            let fp = fingerprint(d, source);
            let n = seen.entry(fp.clone()).or_insert(0);
            *n += 1;
            if *n == 1 { fp } else { format!("{fp}:{n}") }
        })
        .collect()
}

/// A stable 64-bit hash of a string (for sharding).
pub fn stable_hash(s: &str) -> u64 {
    let digest = Sha256::digest(s.as_bytes());
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&digest[..8]);
    u64::from_be_bytes(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_set;
    use crate::{Format, LintOptions, lint_str};

    fn fps(text: &str) -> Vec<String> {
        let set = test_set(&[
            "id: w\ncategory: unspecific\nmessage: m\nwhy: w\nphrases: [world-class]\n",
        ]);
        let found = lint_str(text, Format::Markdown, &set, LintOptions::default());
        file_fingerprints(&found, text)
    }

    #[test]
    fn fingerprints_ignore_position_and_whitespace_but_not_context() {
        let a = fps("A world-class team.");
        let b = fps("Intro line.\n\nMore text here.\n\nA   world-class\nteam.");
        assert_eq!(a, b);
        assert_ne!(a, fps("A world-class product."));
        assert_eq!(a[0].len(), 16);
    }

    #[test]
    fn duplicates_are_numbered() {
        let v = fps("A world-class team. A world-class team.");
        assert_eq!(v.len(), 2);
        assert_eq!(v[1], format!("{}:2", v[0]));
    }

    #[test]
    fn stable_hash_is_stable() {
        assert_eq!(stable_hash("docs/a.md"), stable_hash("docs/a.md"));
        assert_ne!(stable_hash("docs/a.md"), stable_hash("docs/b.md"));
    }
}
