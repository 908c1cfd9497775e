//! Micro-benchmarks (divan): parsing, sentence segmentation, each rule
//! kind, and `lint_str` end to end, on generated drafts of realistic
//! Markdown (`benches/corpus`). Run with `cargo bench`; the corpus-scale
//! numbers come from `scripts/bench.sh` (see BENCHMARKS.md).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::LazyLock;

use copylint::rules::compile::Selector;
use copylint::{Document, Format, LintOptions, LoadOptions, RuleLibrary, RuleSet, Selection};
use divan::{Bencher, black_box};

#[path = "corpus/mod.rs"]
mod corpus;

fn main() {
    divan::main();
}

/// A 100 KB draft.
static DRAFT: LazyLock<String> = LazyLock::new(|| corpus::Gen::new(42).document(100_000));

static LIBRARY: LazyLock<RuleLibrary> =
    LazyLock::new(|| RuleLibrary::load(&LoadOptions::default()).unwrap());

/// The shipped rules of one kind (`sentence`, `unbacked`, …), or all.
fn rules_of(kind: &str) -> RuleSet {
    let select = LIBRARY
        .rules
        .iter()
        .filter(|r| kind == "all" || copylint::rules::compile::kind_of(&r.spec).ok() == Some(kind))
        .map(|r| Selector::new(r.spec.id.value.clone()))
        .collect::<Vec<_>>();
    assert!(!select.is_empty(), "no shipped rule of kind {kind}");
    RuleSet::compile(
        &LIBRARY,
        &Selection {
            select,
            ..Selection::default()
        },
    )
    .unwrap()
}

#[divan::bench]
fn parse_markdown(bencher: Bencher) {
    let text = DRAFT.as_str();
    bencher
        .counter(divan::counter::BytesCount::of_str(text))
        .bench(|| Document::parse(black_box(text), Format::Markdown));
}

#[divan::bench]
fn segment_sentences(bencher: Bencher) {
    let doc = Document::parse(&DRAFT, Format::Markdown);
    let blocks: Vec<&str> = doc
        .blocks()
        .iter()
        .map(|b| &doc.text()[b.text.clone()])
        .collect();
    bencher
        .counter(divan::counter::BytesCount::new(doc.text().len()))
        .bench(|| {
            blocks
                .iter()
                .map(|b| copylint::document::split_sentences(black_box(b)).len())
                .sum::<usize>()
        });
}

/// The rules of one kind over a parsed document (parsing not timed).
#[divan::bench(args = ["substitution", "sentence", "unbacked", "specificity", "occurrence", "all"])]
fn rules_by_kind(bencher: Bencher, kind: &str) {
    let set = rules_of(kind);
    let doc = Document::parse(&DRAFT, Format::Markdown);
    bencher
        .counter(divan::counter::BytesCount::new(DRAFT.len()))
        .bench(|| copylint::lint(black_box(&doc), &set, LintOptions::default()));
}

#[divan::bench]
fn lint_str_100kb(bencher: Bencher) {
    let set = rules_of("all");
    let text = DRAFT.as_str();
    bencher
        .counter(divan::counter::BytesCount::of_str(text))
        .bench(|| {
            copylint::lint_str(
                black_box(text),
                Format::Markdown,
                &set,
                LintOptions::default(),
            )
        });
}

#[divan::bench]
fn compile_shipped_rules() -> RuleSet {
    rules_of("all")
}
