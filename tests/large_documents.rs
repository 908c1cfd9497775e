//! A document of `PARALLEL_BYTES` or more is linted on rayon's pool (scans,
//! classes and rules side by side). Its findings must be exactly those of a
//! single-threaded run: same rules, ranges, messages and fixes, same order.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{corpus, shipped};
use copylint::engine::PARALLEL_BYTES;
use copylint::{
    Document, Format, LintOptions, LoadOptions, RuleLibrary, RuleSet, Selection, lint_with_stats,
};

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
    // regexes.
    assert_eq!(parallel_stats.automaton_passes, 1);
    assert_eq!(parallel_stats.regex_set_passes, 1);
    assert_eq!(parallel_stats.regex_passes, serial_stats.regex_passes);
    assert_eq!(parallel_stats.regex_bytes, serial_stats.regex_bytes);
    // Classes are computed where rules ask, on either path, and those found
    // per block in a block of PARALLEL_BYTES or more, with the scan.
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
fn a_large_blocks_classes_found_up_front_are_those_found_where_asked() {
    // Rules that only a class found per block can silence: `lint` finds a
    // large block's dates, quotes, citations, links and code with the scan;
    // `lint_many` on one thread scans it as a small document is scanned and
    // leaves every class to the rules' first question.
    let dir = tempfile::tempdir().unwrap();
    let rules = [
        ("undated", "we launch", "[date]"),
        ("unsourced", "experts", "[quote, citation]"),
        ("unlinked", "read more", "[link, code]"),
    ];
    for (id, phrase, none) in rules {
        let yaml = format!(
            "id: {id}\ncategory: unspecific\nmessage: m\nwhy: w\nsentence:\n  any: [{{phrases: [{phrase}]}}]\n  none: {none}\n"
        );
        std::fs::write(dir.path().join(format!("{id}.yaml")), yaml).unwrap();
    }
    let lib = RuleLibrary::load(&LoadOptions {
        default_rules: false,
        rule_dirs: vec![dir.path().to_path_buf()],
    })
    .unwrap();
    let set = RuleSet::compile(&lib, &Selection::default()).unwrap();
    // One paragraph: each rule speaks once per repetition, silenced in the
    // other sentences by a weekday, a quote, a citation, a link or code.
    let unit = "We launch on Monday. We launch soon. Experts said it works. \
        Experts agree (Smith, 2020). Experts agree. Read more in [the guide](https://example.org). \
        Read more about `setup()`. Read more later. ";
    let times = PARALLEL_BYTES * 2 / unit.len();
    let text = unit.repeat(times);
    let doc = Document::parse(&text, Format::Markdown);
    assert_eq!(doc.blocks().len(), 1);
    let single = LintOptions {
        single_threaded: true,
        ..LintOptions::default()
    };
    let up_front = copylint::lint(&doc, &set, single);
    for (id, _, _) in rules {
        let n = up_front.iter().filter(|d| d.rule_id() == id).count();
        assert_eq!(n, times, "{id}");
    }
    let where_asked = copylint::lint_many(&[&doc], &set, single);
    assert_eq!(format!("{up_front:?}"), format!("{:?}", where_asked[0]));
    let parallel = copylint::lint(&doc, &set, LintOptions::default());
    assert_eq!(format!("{up_front:?}"), format!("{parallel:?}"));
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
