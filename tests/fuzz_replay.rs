//! Replays the fuzz targets' seed corpus (`fuzz/seeds/`) through the same
//! checks the fuzzers run (`copylint::invariants`), so every machine runs
//! them with `cargo test`, with or without nightly and cargo-fuzz. Inputs
//! that once crashed a fuzzer are added to the seeds as regressions.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

fn seeds(dir: &str) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/seeds")
        .join(dir);
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| {
            let path = e.unwrap().path();
            (
                path.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&path).unwrap(),
            )
        })
        .collect();
    out.sort();
    assert!(out.len() >= 10, "too few seeds in {}", dir.display());
    out
}

fn replay(dir: &str, check: fn(&[u8])) {
    for (name, data) in seeds(dir) {
        let result = std::panic::catch_unwind(|| check(&data));
        assert!(result.is_ok(), "{dir}/{name} breaks an invariant");
    }
}

#[test]
fn lint_target_seeds() {
    replay("markdown", copylint::invariants::check_lint);
}

#[test]
fn fix_target_seeds() {
    replay("markdown", copylint::invariants::check_fix);
}

#[test]
fn rules_target_seeds() {
    replay("rules", copylint::invariants::check_rules);
}

#[test]
fn mutated_seeds_hold_too() {
    // A cheap stand-in for the fuzzer where it cannot run: every seed cut at
    // every 7th character (inside markup, sentences and line endings; a cut
    // inside a UTF-8 sequence would only test the encoding check).
    for (name, data) in seeds("markdown") {
        let text = String::from_utf8_lossy(&data).into_owned();
        let cuts: Vec<usize> = text.char_indices().map(|(i, _)| i).step_by(7).collect();
        for cut in cuts {
            let piece = &text.as_bytes()[..cut];
            let result = std::panic::catch_unwind(|| {
                copylint::invariants::check_lint(piece);
                copylint::invariants::check_fix(piece);
            });
            assert!(
                result.is_ok(),
                "markdown/{name} cut at {cut} breaks an invariant"
            );
        }
    }
}
