//! A document of `PARALLEL_BYTES` or more is linted on rayon's pool (scans,
//! classes and rules side by side). Its findings must be exactly those of a
//! single-threaded run: same rules, ranges, messages and fixes, same order.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{corpus, shipped};
use copylint::engine::PARALLEL_BYTES;
use copylint::{Document, Format, LintOptions, RuleSet, lint_with_stats};

fn same_findings_both_ways(set: &RuleSet, text: &str) {
    let doc = Document::parse(text, Format::Markdown);
    assert!(
        doc.text().len() >= PARALLEL_BYTES,
        "the test document must take the parallel path"
    );
    let options = LintOptions {
        report_unused_disables: true,
        ..LintOptions::default()
    };
    let (parallel, parallel_stats) = lint_with_stats(&doc, set, options);
    let (serial, serial_stats) = lint_with_stats(
        &doc,
        set,
        LintOptions {
            single_threaded: true,
            ..options
        },
    );
    assert!(
        serial.len() > 100,
        "a marketing-dense draft gives findings: {}",
        serial.len()
    );
    assert_eq!(parallel.len(), serial.len());
    for (p, s) in parallel.iter().zip(&serial) {
        assert_eq!(format!("{p:?}"), format!("{s:?}"));
    }
    // The same scans: one automaton pass, one regex-set pass, the same
    // regexes; the parallel run computes every class the rules read up
    // front, the serial one only those asked for.
    assert_eq!(parallel_stats.automaton_passes, 1);
    assert_eq!(parallel_stats.regex_set_passes, 1);
    assert_eq!(parallel_stats.regex_passes, serial_stats.regex_passes);
    assert_eq!(parallel_stats.regex_bytes, serial_stats.regex_bytes);
    // Classes are computed where rules ask, on either path.
    assert_eq!(parallel_stats.class_passes, serial_stats.class_passes);
    assert_eq!(parallel_stats.class_bytes, serial_stats.class_bytes);
}

#[test]
fn a_large_many_block_document_gives_the_serial_findings() {
    let set = shipped();
    let text = corpus::Gen::new(11).document(PARALLEL_BYTES * 2);
    same_findings_both_ways(&set, &text);
}

#[test]
fn one_large_paragraph_gives_the_serial_findings() {
    let set = shipped();
    let text = corpus::Gen::new(12).single_paragraph(PARALLEL_BYTES * 2);
    same_findings_both_ways(&set, &text);
}

#[test]
fn a_usual_file_stays_on_the_calling_thread() {
    // Below the threshold classes are computed on first use only, exactly
    // as in a single-threaded run.
    let set = shipped();
    let text = corpus::Gen::new(13).document(20_000);
    let doc = Document::parse(&text, Format::Markdown);
    assert!(doc.text().len() < PARALLEL_BYTES);
    let (found, stats) = lint_with_stats(&doc, &set, LintOptions::default());
    let single = LintOptions {
        single_threaded: true,
        ..LintOptions::default()
    };
    let (serial, serial_stats) = lint_with_stats(&doc, &set, single);
    assert!(!found.is_empty());
    assert_eq!(format!("{found:?}"), format!("{serial:?}"));
    assert_eq!(stats, serial_stats);
}
