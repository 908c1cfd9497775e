//! Documentation that cannot drift from behaviour:
//! * `docs/rules.md` is generated from the rule files; this fails when stale.
//! * Every YAML rule in README.md is loaded and its examples are run.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use copylint::rules::examples::check_examples;
use copylint::rules::{LoadOptions, RuleLibrary, RuleSet, Selection, docs};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn docs_rules_md_is_generated_from_the_rule_files() {
    let lib = RuleLibrary::load(&LoadOptions::default()).expect("shipped rules load");
    let expected = docs::markdown(&lib);
    let path = root().join("docs/rules.md");
    if std::env::var_os("COPYLINT_BLESS").is_some() {
        std::fs::write(&path, &expected).expect("write docs/rules.md");
        return;
    }
    let actual = std::fs::read_to_string(&path)
        .unwrap_or_default()
        .replace("\r\n", "\n");
    assert!(
        actual == expected,
        "docs/rules.md is stale; regenerate it with\n    cargo run -- rules --format markdown > docs/rules.md\n(or COPYLINT_BLESS=1 cargo test --test docs)"
    );
}

/// YAML blocks of README.md that define a rule (they start with `id:`).
fn readme_rules() -> Vec<(usize, String)> {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README.md");
    let mut out = Vec::new();
    let mut block: Option<(usize, String)> = None;
    for (i, line) in readme.lines().enumerate() {
        match &mut block {
            None if line.trim() == "```yaml" => block = Some((i + 2, String::new())),
            Some((_, text)) if line.trim() == "```" => {
                if text.starts_with("id:") {
                    out.push(block.take().unwrap());
                } else {
                    block = None;
                }
            }
            Some((_, text)) => {
                text.push_str(line);
                text.push('\n');
            }
            None => {}
        }
    }
    out
}

#[test]
fn readme_rule_examples_load_and_pass_their_own_examples() {
    let rules = readme_rules();
    assert!(
        rules.len() >= 4,
        "README should show a runnable rule per kind, found {}",
        rules.len()
    );
    for (line, yaml) in rules {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("rule.yaml"), &yaml).unwrap();
        let lib = RuleLibrary::load(&LoadOptions {
            default_rules: false,
            rule_dirs: vec![dir.path().to_path_buf()],
        })
        .unwrap_or_else(|e| panic!("README.md:{line}: rule does not load: {e:?}"));
        let set = RuleSet::compile(&lib, &Selection::default())
            .unwrap_or_else(|e| panic!("README.md:{line}: {e:?}"));
        let report = check_examples(&lib, &set, |_| true);
        assert_eq!(report.rules, 1, "README.md:{line}: the rule needs examples");
        let failures: Vec<String> = report.failures.iter().map(ToString::to_string).collect();
        assert!(
            failures.is_empty(),
            "README.md:{line}:\n{}",
            failures.join("\n")
        );
    }
}
