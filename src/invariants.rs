//! Invariants that must hold for any input, checked by the fuzz targets in
//! `fuzz/` and replayed over their seed corpus by `cargo test` (see
//! `tests/fuzz_replay.rs`). Each check panics with a description when an
//! invariant breaks; a panic anywhere inside is a bug too.

use std::sync::LazyLock;

use crate::document::{Document, Format};
use crate::engine::LintOptions;
use crate::render::{
    Concise, FileReport, Github, Gitlab, Human, Json, JsonLines, Junit, Rdjson, Renderer, Sarif,
    Summary,
};
use crate::rules::load::Origin;
use crate::rules::{LoadOptions, RuleLibrary, RuleSet, Selection};
use crate::{Diagnostic, FailOn};

static SHIPPED: LazyLock<RuleSet> = LazyLock::new(|| {
    #[allow(clippy::expect_used)] // the shipped rules are tested to load
    let lib = RuleLibrary::load(&LoadOptions::default()).expect("shipped rules load");
    #[allow(clippy::expect_used)]
    RuleSet::compile(&lib, &Selection::default()).expect("shipped rules compile")
});

/// Bytes → document → lint with the shipped packs, as Markdown and as plain
/// text: every finding lies within the source, on char boundaries, inside a
/// prose block (or, for suppression findings, a comment); every output format
/// renders, and the JSON ones parse. The parallel path of large documents,
/// forced on, finds exactly what the serial one finds, and so do the two
/// readings linted together ([`crate::engine::lint_many`]).
pub fn check_lint(data: &[u8]) {
    let Ok(text) = crate::text_from_bytes(data.to_vec()) else {
        return;
    };
    let options = LintOptions {
        report_unused_disables: true,
        ..LintOptions::default()
    };
    let docs = [
        Document::parse(&text, Format::Markdown),
        Document::parse(&text, Format::Plain),
    ];
    let mut alone = Vec::new();
    for doc in &docs {
        let (found, _) = crate::engine::lint_on(doc, &SHIPPED, options, false);
        let (parallel, _) = crate::engine::lint_on(doc, &SHIPPED, options, true);
        assert_eq!(
            format!("{found:?}"),
            format!("{parallel:?}"),
            "the parallel path found something else"
        );
        // Without fixes (the formats that show none): the same findings.
        let unfixed = crate::engine::lint_on(
            doc,
            &SHIPPED,
            LintOptions {
                skip_fixes: true,
                ..options
            },
            false,
        )
        .0;
        let without_fix = |d: &Diagnostic| {
            format!(
                "{:?}",
                Diagnostic {
                    fix: None,
                    ..d.clone()
                }
            )
        };
        assert!(unfixed.iter().all(|d| d.fix.is_none()), "a fix was built");
        assert_eq!(
            unfixed.iter().map(without_fix).collect::<Vec<_>>(),
            found.iter().map(without_fix).collect::<Vec<_>>(),
            "skipping fixes changed the findings"
        );
        for d in &found {
            check_range(doc, d);
        }
        render_all(&text, &found);
        alone.push(found);
    }
    // Linted together (each regex over both documents in turn), the
    // Markdown and plain-text readings find what each finds alone.
    let together = crate::engine::lint_many(&[&docs[0], &docs[1]], &SHIPPED, options);
    assert_eq!(
        format!("{together:?}"),
        format!("{alone:?}"),
        "linted together, the documents found something else"
    );
}

fn check_range(doc: &Document<'_>, d: &Diagnostic) {
    let src = doc.source();
    let r = &d.range;
    assert!(
        r.start <= r.end && r.end <= src.len(),
        "{} out of the source: {r:?}",
        d.rule.id
    );
    assert!(
        src.is_char_boundary(r.start) && src.is_char_boundary(r.end),
        "{} not on char boundaries: {r:?}",
        d.rule.id
    );
    let inside = |outer: &std::ops::Range<usize>| outer.start <= r.start && r.end <= outer.end;
    let suppression = d.rule.source == "copylint";
    if suppression {
        assert!(
            doc.comments().iter().any(inside),
            "{} outside any comment: {r:?}",
            d.rule.id
        );
    } else {
        assert!(
            doc.blocks().iter().any(|b| inside(&b.source)),
            "{} outside every prose block: {r:?} {:?}",
            d.rule.id,
            &src[r.clone()]
        );
    }
    if let Some(fix) = &d.fix {
        for e in &fix.edits {
            assert!(
                e.range.end <= src.len()
                    && src.is_char_boundary(e.range.start)
                    && src.is_char_boundary(e.range.end),
                "{} fix edit out of bounds: {:?}",
                d.rule.id,
                e.range
            );
        }
    }
}

fn render_all(text: &str, found: &[Diagnostic]) {
    let report = FileReport {
        path: "fuzz.md",
        source: text,
        diagnostics: found,
    };
    let summary = Summary::default();
    let renderers: Vec<(Box<dyn Renderer>, bool)> = vec![
        (Box::new(Human::new(false)), false),
        (Box::new(Concise), false),
        (Box::new(Json::new()), true),
        (Box::new(JsonLines::default()), false),
        (Box::new(Github), false),
        (Box::new(Sarif::new(SHIPPED.catalog())), true),
        (Box::new(Rdjson::new()), true),
        (Box::new(Junit::new(FailOn::Warning)), false),
        (Box::new(Gitlab::new()), true),
    ];
    for (mut r, json) in renderers {
        let mut out: Vec<u8> = Vec::new();
        let rendered = r
            .begin(&mut out)
            .and_then(|()| r.file(&mut out, &report))
            .and_then(|()| r.finish(&mut out, &summary));
        assert!(rendered.is_ok(), "rendering failed: {rendered:?}");
        if json {
            let parsed = serde_json::from_slice::<serde_json::Value>(&out);
            assert!(parsed.is_ok(), "invalid JSON: {parsed:?}");
        } else {
            for line in out.split(|&b| b == b'\n').filter(|l| l.starts_with(b"{")) {
                let parsed = serde_json::from_slice::<serde_json::Value>(line);
                assert!(parsed.is_ok(), "invalid JSON line: {parsed:?}");
            }
        }
    }
}

/// Rule YAML → load and compile: errors, if any, name the file and a line.
pub fn check_rules(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut errors = Vec::new();
    let lib = RuleLibrary::from_files(
        Vec::new(),
        vec![(Origin::Inline("fuzz.yaml".into()), text.into())],
        false,
        &mut errors,
    );
    for e in &errors {
        assert_eq!(e.path, "fuzz.yaml", "error without its file: {e}");
        assert!(e.line > 0, "error without a line: {e}");
        assert!(!e.message.is_empty(), "empty error message");
    }
    if errors.is_empty()
        && let Err(errors) = RuleSet::compile(&lib, &Selection::default())
    {
        for e in &errors {
            assert_eq!(e.path, "fuzz.yaml", "error without its file: {e}");
            assert!(!e.message.is_empty(), "empty error message");
        }
    }
}

/// Text → fixes applied (all of them, unsafe too): code, front matter and
/// HTML come out unchanged and in order, a second run changes nothing.
pub fn check_fix(data: &[u8]) {
    let Ok(text) = crate::text_from_bytes(data.to_vec()) else {
        return;
    };
    let out = crate::fix::fix_text(
        &text,
        Format::Markdown,
        &SHIPPED,
        LintOptions::default(),
        true,
    );
    let doc = Document::parse(&text, Format::Markdown);
    let mut at = 0;
    for segment in non_prose(&doc) {
        match out.text[at..].find(segment) {
            Some(i) => at += i + segment.len(),
            None => panic!("non-prose text {segment:?} changed or moved:\n{}", out.text),
        }
    }
    if out.converged {
        let again = crate::fix::fix_text(
            &out.text,
            Format::Markdown,
            &SHIPPED,
            LintOptions::default(),
            true,
        );
        assert_eq!(again.text, out.text, "a second fix changed the text");
    }
}

/// The lines of source outside every prose block, in order, trimmed; lines
/// made only of block markers (which go with a removed line) are left out.
fn non_prose<'s>(doc: &Document<'s>) -> Vec<&'s str> {
    let src = doc.source();
    let mut pieces = Vec::new();
    let mut at = 0;
    let mut push = |piece: &'s str| {
        for line in piece.lines() {
            let t = line.trim();
            if !t.is_empty() && !crate::fix::only_markers(t) {
                pieces.push(t);
            }
        }
    };
    // Blocks nest (image alt text inside a paragraph) and are not listed in
    // source order: walk their ranges sorted.
    let mut ranges: Vec<std::ops::Range<usize>> =
        doc.blocks().iter().map(|b| b.source.clone()).collect();
    ranges.sort_by_key(|r| r.start);
    for r in ranges {
        if r.start > at {
            push(&src[at..r.start]);
        }
        at = at.max(r.end);
    }
    push(&src[at..]);
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_checks_pass_on_a_busy_draft() {
        let draft = "---\ntitle: x\n---\n# Book a demo today.\n\nWe leverage `code` and <b>world-class</b> tools.\n<!-- copylint-disable nope -->\n\n```\nextremely fast\n```\n";
        check_lint(draft.as_bytes());
        check_fix(draft.as_bytes());
        check_rules(b"id: a\ncategory: cta\nmessage: m\nwhy: w\nphrases: [x]\n");
        check_rules(b"id: [\n");
    }

    #[test]
    fn non_prose_pieces_are_code_front_matter_and_html_not_markers() {
        let doc = Document::parse(
            "---\na: 1\n---\n# T\n\n- item\n\n```\ncode\n```\n\n<div>x</div>\n",
            Format::Markdown,
        );
        assert_eq!(
            non_prose(&doc),
            vec!["---", "a: 1", "---", "```", "code", "```", "<div>x</div>"]
        );
    }
}
