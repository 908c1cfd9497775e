//! Running every rule's own `examples`: each `bad` example must be flagged by
//! its rule and each `good` example must not. `copylint test-rules` and the
//! project's test suite both call [`check_examples`].

use std::fmt;

use super::{LoadedRule, RuleLibrary, RuleSet};
use crate::document::Format;
use crate::engine::LintOptions;

/// Which way an example is meant to go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expect {
    Flagged,
    Clean,
}

/// An example that did not behave as its rule file says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExampleFailure {
    pub rule: String,
    pub path: String,
    pub line: u64,
    pub column: u64,
    pub expect: Expect,
    pub text: String,
    /// For a flagged good example: the message it got.
    pub message: Option<String>,
}

impl fmt::Display for ExampleFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: ", self.path, self.line, self.column)?;
        match (&self.expect, &self.message) {
            (Expect::Flagged, _) => write!(
                f,
                "bad example is not flagged by `{}`: {:?}",
                self.rule, self.text
            ),
            (Expect::Clean, Some(m)) => write!(
                f,
                "good example is flagged by `{}` ({m}): {:?}",
                self.rule, self.text
            ),
            (Expect::Clean, None) => write!(
                f,
                "good example is flagged by `{}`: {:?}",
                self.rule, self.text
            ),
        }
    }
}

/// What a run of examples found.
#[derive(Clone, Debug, Default)]
pub struct ExampleReport {
    pub rules: usize,
    pub examples: usize,
    pub failures: Vec<ExampleFailure>,
    /// Rules that were selected but have no examples to run.
    pub untested: Vec<String>,
}

/// Lints every example of every rule in `lib` that `which` accepts and that
/// is active in `set`.
pub fn check_examples(
    lib: &RuleLibrary,
    set: &RuleSet,
    which: impl Fn(&LoadedRule) -> bool,
) -> ExampleReport {
    let mut report = ExampleReport::default();
    for rule in lib.rules.iter().filter(|r| which(r)) {
        let id = &rule.spec.id.value;
        if !set.rules().any(|(info, _)| &info.id == id) {
            continue;
        }
        let Some(examples) = rule
            .spec
            .examples
            .as_ref()
            .filter(|e| !e.bad.is_empty() || !e.good.is_empty())
        else {
            report.untested.push(id.clone());
            continue;
        };
        report.rules += 1;
        let cases = examples
            .bad
            .iter()
            .map(|e| (e, Expect::Flagged))
            .chain(examples.good.iter().map(|e| (e, Expect::Clean)));
        for (example, expect) in cases {
            report.examples += 1;
            let found = crate::lint_str(
                &example.value,
                Format::Markdown,
                set,
                LintOptions::default(),
            );
            let hit = found.iter().find(|d| &d.rule.id == id);
            let failed = match expect {
                Expect::Flagged => hit.is_none(),
                Expect::Clean => hit.is_some(),
            };
            if failed {
                report.failures.push(ExampleFailure {
                    rule: id.clone(),
                    path: rule.examples_origin.to_string(),
                    line: example.referenced.line(),
                    column: example.referenced.column(),
                    expect,
                    text: example.value.clone(),
                    message: hit.map(|d| d.message.clone()),
                });
            }
        }
    }
    report
}
