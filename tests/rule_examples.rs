//! Every shipped rule carries its own proof: each `bad` example must be
//! flagged by the rule and each `good` example must not. This calls the same
//! code as `copylint test-rules`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use copylint::rules::examples::check_examples;
use copylint::rules::{LoadOptions, RuleLibrary, RuleSet, Selection};

fn shipped() -> (RuleLibrary, RuleSet) {
    let lib = RuleLibrary::load(&LoadOptions::default())
        .unwrap_or_else(|e| panic!("shipped rules do not load: {e:?}"));
    let set = RuleSet::compile(&lib, &Selection::default())
        .unwrap_or_else(|e| panic!("shipped rules do not compile: {e:?}"));
    (lib, set)
}

#[test]
fn every_shipped_example_behaves_as_its_rule_says() {
    let (lib, set) = shipped();
    let report = check_examples(&lib, &set, |r| r.origin.is_builtin());
    let failures: Vec<String> = report.failures.iter().map(ToString::to_string).collect();
    assert!(
        failures.is_empty(),
        "{} failing examples:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(
        report.rules,
        lib.rules.len(),
        "every shipped rule was tested"
    );
}

#[test]
fn every_shipped_rule_has_two_bad_and_two_good_examples() {
    let (lib, _) = shipped();
    let mut thin = Vec::new();
    for r in &lib.rules {
        let (bad, good) = r
            .spec
            .examples
            .as_ref()
            .map_or((0, 0), |e| (e.bad.len(), e.good.len()));
        if bad < 2 || good < 2 {
            thin.push(format!("{}: {bad} bad, {good} good", r.origin));
        }
    }
    assert!(
        thin.is_empty(),
        "rules with too few examples:\n{}",
        thin.join("\n")
    );
}

#[test]
fn the_default_packs_cover_the_three_families() {
    let (lib, _) = shipped();
    assert!(
        lib.rules.len() >= 40,
        "only {} shipped rules",
        lib.rules.len()
    );
    for category in ["cta", "value-not-plan", "unspecific"] {
        let n = lib
            .rules
            .iter()
            .filter(|r| {
                r.spec
                    .category
                    .as_ref()
                    .is_some_and(|c| c.value == category)
            })
            .count();
        assert!(n >= 5, "only {n} rules in {category}");
    }
    for r in &lib.rules {
        let path = r.origin.to_string();
        let category = &r.spec.category.as_ref().unwrap().value;
        assert_eq!(
            path,
            format!("rules/{category}/{}.yaml", r.spec.id.value),
            "rule files live at rules/<category>/<id>.yaml"
        );
    }
}

#[test]
fn every_shipped_fix_fixes_a_bad_example_and_settles() {
    use copylint::fix::fix_text;
    use copylint::{Format, LintOptions};
    let (lib, set) = shipped();
    let mut dead = Vec::new();
    for r in &lib.rules {
        let id = &r.spec.id.value;
        let Some((info, _)) = set.rules().find(|(i, _)| i.id == *id) else {
            continue;
        };
        let Some(applicability) = info.fix else {
            continue;
        };
        let examples = r.spec.examples.as_ref().map_or(&[][..], |e| &e.bad[..]);
        let mut fixed_one = false;
        for e in examples {
            let text = &e.value;
            let out = fix_text(text, Format::Markdown, &set, LintOptions::default(), true);
            assert!(out.converged, "{id}: fixing {text:?} did not settle");
            let found = copylint::lint_str(text, Format::Markdown, &set, LintOptions::default());
            let offered = found
                .iter()
                .filter(|d| d.rule.id == *id)
                .filter_map(|d| d.fix.as_ref())
                .inspect(|f| assert_eq!(f.applicability, applicability, "{id}"))
                .count();
            if offered > 0 {
                fixed_one = true;
                assert!(
                    !out.remaining
                        .iter()
                        .any(|d| d.rule.id == *id && d.fix.is_some()),
                    "{id}: a fixable finding survived fixing {text:?}: {:?}",
                    out.text
                );
            }
        }
        if !fixed_one {
            dead.push(format!("{id} ({})", applicability.as_str()));
        }
    }
    assert!(
        dead.is_empty(),
        "rules whose fix applies to none of their bad examples: {}",
        dead.join(", ")
    );
}
