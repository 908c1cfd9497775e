//! Regression guards for speed that are not timings: how many times the
//! lint text of a document is scanned, counted exactly. Timings live in
//! `cargo bench` and `scripts/bench.sh`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{corpus, shipped};
use copylint::{
    Document, Format, LintOptions, LoadOptions, RuleLibrary, RuleSet, Selection, lint_with_stats,
};

/// Built-in classes, each computed at most once per block.
const CLASSES: usize = copylint::rules::classes::Class::ALL.len();

#[test]
fn each_document_is_scanned_once_by_the_automaton_and_the_regex_set() {
    let set = shipped();
    let mut generator = corpus::Gen::new(7);
    for size in [2_000, 40_000, 400_000] {
        let text = generator.document(size);
        let doc = Document::parse(&text, Format::Markdown);
        let (_, stats) = lint_with_stats(&doc, &set, LintOptions::default());
        assert_eq!(stats.automaton_passes, 1, "{size} bytes: {stats:?}");
        assert_eq!(stats.regex_set_passes, 1, "{size} bytes: {stats:?}");
        assert_eq!(stats.regex_set_gave_up, 0, "{size} bytes: {stats:?}");
        // Only the regexes the set found run: a fraction of them, even on a
        // draft dense with marketing; never one per rule or sentence.
        assert!(
            stats.regex_passes * 3 < set.regex_count(),
            "{size} bytes: {stats:?}"
        );
        assert!(stats.class_passes <= CLASSES, "{size} bytes: {stats:?}");
        // And each of those runs only over the parts of the text where the
        // set found it, not over the whole document: only the blocks where
        // the set found one of its matches end, so that all of them
        // together read less than the document once (running each over
        // the 1 KiB segments the set searches read about twice as much).
        if size >= 40_000 {
            assert!(
                stats.regex_bytes * 3 < stats.regex_passes * doc.text().len(),
                "{size} bytes: {stats:?}, lint text {}",
                doc.text().len()
            );
            assert!(
                stats.regex_bytes < doc.text().len(),
                "{size} bytes: {stats:?}, lint text {}",
                doc.text().len()
            );
        }
    }
}

#[test]
fn prose_without_marketing_runs_few_regexes() {
    let set = shipped();
    let text = "The council measured the river on 4 May 2024.\n\n\
                Priya Raman logged 214 samples in Porto.\n"
        .repeat(200);
    let doc = Document::parse(&text, Format::Markdown);
    let (found, stats) = lint_with_stats(&doc, &set, LintOptions::default());
    assert!(found.is_empty(), "{found:?}");
    assert!(
        stats.regex_passes * 10 < set.regex_count(),
        "{} of {} regexes ran on plain reporting",
        stats.regex_passes,
        set.regex_count()
    );
}

#[test]
fn classes_are_computed_only_where_a_rule_asks_for_them() {
    // One marketing paragraph among two hundred of reporting: the rules
    // look for figures, dates and names around its claims only.
    let set = shipped();
    let mut text = "The council measured the river on 4 May 2024. Priya Raman logged 214 samples in Porto.\n\n"
        .repeat(200);
    text.push_str("Our world-class platform is trusted by many teams. Book a demo today.\n");
    let doc = Document::parse(&text, Format::Markdown);
    let (found, stats) = lint_with_stats(&doc, &set, LintOptions::default());
    assert!(found.len() >= 2, "{found:?}");
    assert!(stats.class_passes >= 1, "{stats:?}");
    assert!(
        stats.class_bytes * 20 < doc.text().len(),
        "{stats:?}, lint text {}",
        doc.text().len()
    );
}

#[test]
fn more_rules_do_not_mean_more_passes() {
    // 300 user rules sharing phrases and one pattern: still one automaton
    // pass, and the shared pattern runs once.
    let dir = tempfile::tempdir().unwrap();
    for i in 0..300 {
        std::fs::write(
            dir.path().join(format!("r{i}.yaml")),
            format!(
                "id: r{i}\ncategory: unspecific\nmessage: m\nwhy: w\nphrases: [phrase {i}, world-class]\npatterns: ['\\bsynerg\\w+']\n"
            ),
        )
        .unwrap();
    }
    let set = with_rules_in(dir.path(), false);
    assert_eq!(set.regex_count(), 1);
    let text = "Our world-class synergies, phrase 12 and phrase 299.\n".repeat(50);
    let doc = Document::parse(&text, Format::Markdown);
    let (found, stats) = lint_with_stats(&doc, &set, LintOptions::default());
    assert!(!found.is_empty());
    assert_eq!(stats.automaton_passes, 1);
    assert_eq!(stats.regex_passes, 1);
}

#[test]
fn a_pattern_the_set_cannot_gate_runs_alone_on_every_block() {
    // A `\A` pattern cannot be placed by the multi-line set: it alone runs
    // over every block, the other regexes stay gated.
    let with_anchor = with_rule(
        "id: opening\ncategory: unspecific\nmessage: m\nwhy: w\npatterns: ['\\A(?:welcome|hello)\\b']\n",
        true,
    );
    let text = corpus::Gen::new(21).document(40_000);
    let doc = Document::parse(&text, Format::Markdown);
    let (_, gated) = lint_with_stats(&doc, &shipped(), LintOptions::default());
    let (_, stats) = lint_with_stats(&doc, &with_anchor, LintOptions::default());
    let every_block: usize = doc.blocks().iter().map(|b| b.text.len()).sum();
    assert_eq!(stats.regex_passes, gated.regex_passes + 1, "{stats:?}");
    assert_eq!(
        stats.regex_bytes,
        gated.regex_bytes + every_block,
        "{stats:?}"
    );
}

#[test]
fn a_set_search_that_gives_up_runs_each_regex_once_over_its_segment() {
    // A Unicode `\<` left in a user's pattern: the set's search gives up at
    // the first non-ASCII letter, after finding the first block's match.
    // Every regex then runs over every block of the segment, each once.
    let set = with_rule(
        "id: demo\ncategory: cta\nmessage: m\nwhy: w\npatterns: ['\\<demo\\>']\n",
        false,
    );
    let text = "We booked a demo here.\n\nThe café had a demo too.\n";
    let doc = Document::parse(text, Format::Markdown);
    let (found, stats) = lint_with_stats(&doc, &set, LintOptions::default());
    let starts: Vec<usize> = found.iter().map(|d| d.range.start).collect();
    assert_eq!(starts, [12, 40], "{found:?}");
    let blocks: usize = doc.blocks().iter().map(|b| b.text.len()).sum();
    assert_eq!(stats.regex_passes, 1);
    assert_eq!(stats.regex_bytes, blocks, "{stats:?}");
    assert_eq!(stats.regex_set_gave_up, 1, "{stats:?}");
}

#[test]
fn the_regex_set_gives_up_on_text_that_only_makes_it_new_states() {
    // Phrases the shipped patterns start with, strung together at random:
    // every few words start another pattern, and the set's lazy DFA makes a
    // new state every few bytes. It gives up on such text (after clearing
    // its cache a few times) and the regexes read it themselves, rather
    // than filling and clearing its cache for the whole document (which
    // took 3.3 s on 4 MB; now 0.6 s).
    let set = shipped();
    let words: Vec<&str> = "we are committed to world-class cutting-edge solutions that many \
                            customers love and experts agree significantly faster book a \
                            demo today our team can help you"
        .split_whitespace()
        .collect();
    let mut rng = fastrand::Rng::with_seed(3);
    let mut text = String::new();
    while text.len() < 1_000_000 {
        text.push_str(words[rng.usize(..words.len())]);
        text.push_str(if rng.u8(..10) < 3 { ", " } else { " " });
    }
    // On one thread, so that every search takes the same cache.
    let options = LintOptions {
        single_threaded: true,
        ..LintOptions::default()
    };
    let prose = corpus::Gen::new(5).document(200_000);
    let prose = Document::parse(&prose, Format::Markdown);
    let (before, before_stats) = lint_with_stats(&prose, &set, options);
    assert_eq!(before_stats.regex_set_gave_up, 0, "{before_stats:?}");
    let salad = Document::parse(&text, Format::Markdown);
    let (_, stats) = lint_with_stats(&salad, &set, options);
    assert!(stats.regex_set_gave_up > 0, "{stats:?}");
    // Having given up on one document, the set still reads the next.
    let (after, after_stats) = lint_with_stats(&prose, &set, options);
    assert_eq!(after_stats, before_stats);
    assert_eq!(format!("{after:?}"), format!("{before:?}"));
}

/// One user rule (YAML), with the default packs or without.
/// A regex without a longest match, in a long block, reads back from each
/// end the set found to where matches ending there start, not the whole
/// block; and however densely those ends are packed (every byte of a long
/// handle ends a match of `@[A-Za-z0-9_]{2,}`, every byte of a long name
/// one of `by [A-Z][\w&'.-]+`), its reverse searches read at most the
/// block's length in all: without that budget, the 20,000-byte handles
/// below would read back about 200 million bytes.
#[test]
fn reverse_searches_read_at_most_each_block_once_per_regex() {
    let set = shipped();
    for text in [
        format!("Follow us @{}\n", "a".repeat(20_000)),
        format!("Made by A{}\n", "a".repeat(20_000)),
        format!("{}\n", "We help teams grow. ".repeat(1_000)),
    ] {
        let doc = Document::parse(&text, Format::Markdown);
        let (_, stats) = lint_with_stats(&doc, &set, LintOptions::default());
        assert!(stats.reverse_bytes > 0, "{stats:?}");
        assert!(
            stats.reverse_bytes <= stats.regex_passes * doc.text().len(),
            "{stats:?}, lint text {}",
            doc.text().len()
        );
    }
}

fn with_rule(yaml: &str, default_rules: bool) -> RuleSet {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("rule.yaml"), yaml).unwrap();
    with_rules_in(dir.path(), default_rules)
}

/// The rules in `dir`, with the default packs or without.
fn with_rules_in(dir: &std::path::Path, default_rules: bool) -> RuleSet {
    let lib = RuleLibrary::load(&LoadOptions {
        default_rules,
        rule_dirs: vec![dir.to_path_buf()],
    })
    .unwrap();
    RuleSet::compile(&lib, &Selection::default()).unwrap()
}
