//! Findings as data: what rule, where (a source byte range), how severe, what
//! to say. Renderers turn byte ranges into lines and columns.

use std::fmt;
use std::ops::Range;
use std::str::FromStr;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::rules::RuleInfo;

/// How serious a finding is. Ordered: `Suggestion < Warning < Error`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Suggestion,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Suggestion => "suggestion",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "suggestion" => Ok(Severity::Suggestion),
            "warning" => Ok(Severity::Warning),
            "error" => Ok(Severity::Error),
            other => Err(format!(
                "unknown severity `{other}` (expected error, warning or suggestion)"
            )),
        }
    }
}

/// The lowest severity that makes `check` exit with 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum FailOn {
    Error,
    #[default]
    Warning,
    Suggestion,
    /// Findings never fail the run.
    Never,
}

impl FailOn {
    /// Whether a finding of `severity` fails the run.
    pub fn fails(self, severity: Severity) -> bool {
        match self {
            FailOn::Error => severity >= Severity::Error,
            FailOn::Warning => severity >= Severity::Warning,
            FailOn::Suggestion => true,
            FailOn::Never => false,
        }
    }
}

/// One finding in one file.
#[derive(Clone, Debug)]
pub struct Diagnostic {
    pub rule: Arc<RuleInfo>,
    /// Effective severity (after configuration overrides).
    pub severity: Severity,
    /// Byte range in the source.
    pub range: Range<usize>,
    pub message: String,
    /// Other source ranges worth showing (e.g. the other claims of a paragraph).
    pub related: Vec<Range<usize>>,
    /// Source range of the sentence the finding is in (for fingerprints that
    /// survive unrelated edits).
    pub context: Range<usize>,
    /// Preferred wordings offered by `substitution` rules.
    pub suggestions: Vec<String>,
    /// Edits that resolve the finding, when the rule has a fix.
    pub fix: Option<crate::fix::Fix>,
}

impl Diagnostic {
    pub fn rule_id(&self) -> &str {
        &self.rule.id
    }

    pub fn category(&self) -> &str {
        &self.rule.category
    }
}

/// Counts of findings by severity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub error: usize,
    pub warning: usize,
    pub suggestion: usize,
}

impl Counts {
    pub fn add(&mut self, severity: Severity) {
        match severity {
            Severity::Error => self.error += 1,
            Severity::Warning => self.warning += 1,
            Severity::Suggestion => self.suggestion += 1,
        }
    }

    pub fn total(&self) -> usize {
        self.error + self.warning + self.suggestion
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fail_on_thresholds() {
        assert!(FailOn::Warning.fails(Severity::Error));
        assert!(FailOn::Warning.fails(Severity::Warning));
        assert!(!FailOn::Warning.fails(Severity::Suggestion));
        assert!(!FailOn::Error.fails(Severity::Warning));
        assert!(FailOn::Suggestion.fails(Severity::Suggestion));
        assert!(!FailOn::Never.fails(Severity::Error));
    }

    #[test]
    fn severity_parses_and_orders() {
        assert_eq!("error".parse::<Severity>(), Ok(Severity::Error));
        assert!("fatal".parse::<Severity>().is_err());
        assert!(Severity::Suggestion < Severity::Warning && Severity::Warning < Severity::Error);
    }
}
