//! Rules: YAML files → a validated [`RuleLibrary`] → a compiled [`RuleSet`].
//!
//! * [`spec`]: the YAML schema.
//! * [`load`]: reading files (shipped packs and user directories).
//! * [`compile`]: every phrase of every active rule into one Aho-Corasick
//!   automaton (but words of up to three letters or digits), every pattern
//!   (and those words) into one regex set; rules keep only indexes.
//! * [`classes`]: built-in evidence classes (dates, figures, owners …).

pub mod classes;
pub mod compile;
pub mod docs;
pub mod examples;
pub mod load;
pub mod spec;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use serde::Serialize;

use crate::diagnostic::Severity;
pub use compile::{RuleSet, Selection, Selector};
use load::Parsed;
pub use load::{Origin, RuleError};
use spec::{ListSpec, RuleSpec};

/// The problem families copylint ships rules for.
pub const BUILTIN_CATEGORIES: &[&str] = &["cta", "value-not-plan", "unspecific"];

/// Category of copylint's own findings about suppression comments.
pub const SUPPRESSION_CATEGORY: &str = "suppression";

/// What a rule is, for listings, documentation and findings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RuleInfo {
    pub id: String,
    pub category: String,
    /// Severity declared in the rule file.
    pub severity: Severity,
    pub kind: &'static str,
    pub message: String,
    pub why: String,
    /// The file the rule was read from.
    pub source: String,
    pub builtin: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extends: Option<String>,
    /// Whether findings can be fixed, and how safely.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<crate::fix::Applicability>,
}

/// A rule file after `extends` is resolved.
#[derive(Clone, Debug)]
pub struct LoadedRule {
    pub spec: RuleSpec,
    pub origin: Origin,
    /// The file's text, for `explain`.
    pub yaml: Arc<str>,
    /// The file the `examples` come from (a base rule's, when inherited).
    pub examples_origin: Origin,
}

impl LoadedRule {
    pub fn new(spec: RuleSpec, origin: Origin, yaml: Arc<str>) -> Self {
        LoadedRule {
            spec,
            examples_origin: origin.clone(),
            origin,
            yaml,
        }
    }
}

/// A word list file.
#[derive(Clone, Debug)]
pub struct LoadedList {
    pub spec: ListSpec,
    pub origin: Origin,
}

/// Where rules come from.
#[derive(Clone, Debug)]
pub struct LoadOptions {
    /// Include the shipped rules (the shipped word lists are always available).
    pub default_rules: bool,
    /// Extra rule directories, in order.
    pub rule_dirs: Vec<PathBuf>,
}

impl Default for LoadOptions {
    fn default() -> Self {
        Self {
            default_rules: true,
            rule_dirs: Vec::new(),
        }
    }
}

/// Every rule and word list that was read, validated as YAML, with `extends`
/// resolved. Compiling it with a [`Selection`] gives a [`RuleSet`].
#[derive(Clone, Debug, Default)]
pub struct RuleLibrary {
    pub rules: Vec<LoadedRule>,
    pub lists: BTreeMap<String, LoadedList>,
}

impl RuleLibrary {
    /// Reads the shipped packs and `options.rule_dirs`. All errors are
    /// collected, so one run reports every broken file.
    pub fn load(options: &LoadOptions) -> Result<Self, Vec<RuleError>> {
        let (lib, errors) = Self::load_all(options);
        if errors.is_empty() {
            Ok(lib)
        } else {
            Err(errors)
        }
    }

    /// Like [`RuleLibrary::load`], but returns what did load with the errors.
    pub fn load_all(options: &LoadOptions) -> (Self, Vec<RuleError>) {
        let mut errors = Vec::new();
        let mut builtin = Vec::new();
        for (origin, text) in load::builtin_files() {
            builtin.push((origin, Arc::<str>::from(text)));
        }
        // Each rule file is read once, however its directory is spelled
        // (`rules`, `./rules/`, `../x/rules`) and even when a file and its
        // directory are both named.
        let mut user = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for dir in &options.rule_dirs {
            match load::dir_files(dir) {
                Ok(files) => {
                    for (origin, text) in files {
                        let key = match &origin {
                            Origin::File(p) => p.canonicalize().unwrap_or_else(|_| p.clone()),
                            other => PathBuf::from(other.to_string()),
                        };
                        if seen.insert(key) {
                            user.push((origin, Arc::<str>::from(text)));
                        }
                    }
                }
                Err(e) => errors.push(e),
            }
        }
        let lib = Self::from_files(builtin, user, options.default_rules, &mut errors);
        (lib, errors)
    }

    /// Builds a library from file texts: `builtin` first (their rules kept
    /// only when `default_rules`), then `user` files, which may replace or
    /// extend shipped rules and lists.
    pub fn from_files(
        builtin: Vec<(Origin, Arc<str>)>,
        user: Vec<(Origin, Arc<str>)>,
        default_rules: bool,
        errors: &mut Vec<RuleError>,
    ) -> Self {
        let mut lib = RuleLibrary::default();
        let mut base_rules: BTreeMap<String, LoadedRule> = BTreeMap::new();
        let mut builtin_order = Vec::new();
        for (origin, text) in builtin {
            match load::parse(&text, &origin) {
                Ok(Parsed::Rule(spec)) => {
                    builtin_order.push(spec.id.value.clone());
                    base_rules.insert(spec.id.value.clone(), LoadedRule::new(*spec, origin, text));
                }
                Ok(Parsed::List(spec)) => {
                    lib.lists
                        .insert(spec.list.value.clone(), LoadedList { spec, origin });
                }
                Err(e) => errors.push(e),
            }
        }

        let mut user_rules: Vec<LoadedRule> = Vec::new();
        let mut user_lists: BTreeMap<String, Origin> = BTreeMap::new();
        for (origin, text) in user {
            match load::parse(&text, &origin) {
                Ok(Parsed::Rule(spec)) => {
                    if let Some(prev) = user_rules.iter().find(|r| r.spec.id.value == spec.id.value)
                    {
                        errors.push(RuleError::at(
                            &origin,
                            &spec.id,
                            format!(
                                "duplicate rule id `{}` (also defined in {})",
                                spec.id.value, prev.origin
                            ),
                        ));
                        continue;
                    }
                    user_rules.push(LoadedRule::new(*spec, origin, text));
                }
                Ok(Parsed::List(spec)) => {
                    let name = spec.list.value.clone();
                    if let Some(prev) = user_lists.get(&name) {
                        errors.push(RuleError::at(
                            &origin,
                            &spec.list,
                            format!("duplicate list `{name}` (also defined in {prev})"),
                        ));
                        continue;
                    }
                    user_lists.insert(name.clone(), origin.clone());
                    lib.lists.insert(name, LoadedList { spec, origin });
                }
                Err(e) => errors.push(e),
            }
        }

        // Resolve `extends` for user rules: the base is another user rule or a
        // shipped rule; a rule extending a shipped rule of the same id replaces it.
        let user_by_id: BTreeMap<String, LoadedRule> = user_rules
            .iter()
            .map(|r| (r.spec.id.value.clone(), r.clone()))
            .collect();
        let mut resolved_user = Vec::new();
        for rule in &user_rules {
            match resolve(rule, &user_by_id, &base_rules, 0) {
                Ok(resolved) => resolved_user.push(resolved),
                Err(e) => errors.push(e),
            }
        }
        if default_rules {
            for id in builtin_order {
                if user_by_id.contains_key(&id) {
                    continue;
                }
                if let Some(rule) = base_rules.remove(&id) {
                    lib.rules.push(rule);
                }
            }
        }
        lib.rules.extend(resolved_user);
        lib
    }

    /// Looks a rule up by id.
    pub fn rule(&self, id: &str) -> Option<&LoadedRule> {
        self.rules.iter().find(|r| r.spec.id.value == id)
    }
}

/// A rule set of the shipped word lists plus `rules` (YAML texts), for tests.
#[cfg(test)]
pub(crate) fn test_set(rules: &[&str]) -> RuleSet {
    try_test_set(rules).unwrap_or_else(|e| panic!("{e:?}"))
}

/// Like [`test_set`], returning the compile errors.
#[cfg(test)]
pub(crate) fn try_test_set(rules: &[&str]) -> Result<RuleSet, Vec<RuleError>> {
    let builtin = load::builtin_files()
        .into_iter()
        .map(|(o, t)| (o, Arc::<str>::from(t)))
        .collect();
    let user = rules
        .iter()
        .enumerate()
        .map(|(i, t)| {
            (
                Origin::Inline(format!("test{i}.yaml")),
                Arc::<str>::from(*t),
            )
        })
        .collect();
    let mut errors = Vec::new();
    let lib = RuleLibrary::from_files(builtin, user, false, &mut errors);
    assert!(errors.is_empty(), "{errors:?}");
    RuleSet::compile(&lib, &Selection::default())
}

const MAX_EXTENDS_DEPTH: usize = 16;

fn resolve(
    rule: &LoadedRule,
    user: &BTreeMap<String, LoadedRule>,
    builtin: &BTreeMap<String, LoadedRule>,
    depth: usize,
) -> Result<LoadedRule, RuleError> {
    let Some(base_id) = &rule.spec.extends else {
        return Ok(rule.clone());
    };
    if depth >= MAX_EXTENDS_DEPTH {
        return Err(RuleError::at(
            &rule.origin,
            base_id,
            "`extends` chain is too deep (a cycle?)",
        ));
    }
    let own_id = &rule.spec.id.value;
    let base = if &base_id.value == own_id {
        builtin.get(own_id)
    } else {
        user.get(&base_id.value)
            .or_else(|| builtin.get(&base_id.value))
    };
    let Some(base) = base else {
        return Err(RuleError::at(
            &rule.origin,
            base_id,
            format!("`extends: {}` names no known rule", base_id.value),
        ));
    };
    let base = if base.origin == rule.origin {
        base.clone()
    } else {
        resolve(base, user, builtin, depth + 1)?
    };
    let inherits_examples = rule.spec.examples.is_none() && !rule.spec.changes_behaviour();
    let spec = rule.spec.clone().merged_over(&base.spec);
    Ok(LoadedRule {
        examples_origin: if inherits_examples {
            base.examples_origin
        } else {
            rule.origin.clone()
        },
        spec,
        ..rule.clone()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(list: &[(&str, &str)]) -> Vec<(Origin, Arc<str>)> {
        list.iter()
            .map(|(p, t)| (Origin::Inline((*p).to_string()), Arc::<str>::from(*t)))
            .collect()
    }

    const BASE: &str = "id: puffery\ncategory: unspecific\nseverity: warning\nmessage: m\nwhy: w\nphrases: [world-class]\n";

    #[test]
    fn extends_overrides_fields_and_keeps_the_rest() {
        let mut errors = Vec::new();
        let lib = RuleLibrary::from_files(
            files(&[("base.yaml", BASE)]),
            files(&[(
                "mine.yaml",
                "id: puffery\nextends: puffery\nseverity: error\n",
            )]),
            true,
            &mut errors,
        );
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(lib.rules.len(), 1);
        let r = &lib.rules[0];
        assert_eq!(r.spec.severity, Some(Severity::Error));
        assert_eq!(r.spec.phrases.as_ref().map(|p| p.len()), Some(1));
        assert_eq!(r.origin, Origin::Inline("mine.yaml".into()));
    }

    #[test]
    fn extends_with_a_new_id_adds_a_rule() {
        let mut errors = Vec::new();
        let lib = RuleLibrary::from_files(
            files(&[("base.yaml", BASE)]),
            files(&[(
                "mine.yaml",
                "id: more-puffery\nextends: puffery\nphrases: [synergy]\n",
            )]),
            true,
            &mut errors,
        );
        assert!(errors.is_empty(), "{errors:?}");
        let ids: Vec<_> = lib.rules.iter().map(|r| r.spec.id.value.as_str()).collect();
        assert_eq!(ids, vec!["puffery", "more-puffery"]);
        assert_eq!(
            lib.rules[1].spec.message.as_ref().map(|m| m.value.as_str()),
            Some("m")
        );
    }

    #[test]
    fn examples_are_inherited_only_when_behaviour_is_unchanged() {
        const WITH_EXAMPLES: &str = "id: puffery\ncategory: unspecific\nmessage: m\nwhy: w\nphrases: [world-class]\nexamples:\n  bad: [a world-class team]\n";
        let mut errors = Vec::new();
        let lib = RuleLibrary::from_files(
            files(&[("base.yaml", WITH_EXAMPLES)]),
            files(&[
                (
                    "sev.yaml",
                    "id: louder\nextends: puffery\nseverity: error\n",
                ),
                (
                    "scope.yaml",
                    "id: headings\nextends: puffery\nscope: [heading]\n",
                ),
            ]),
            true,
            &mut errors,
        );
        assert!(errors.is_empty(), "{errors:?}");
        let louder = lib.rule("louder").unwrap();
        assert!(louder.spec.examples.is_some());
        assert_eq!(louder.examples_origin, Origin::Inline("base.yaml".into()));
        let headings = lib.rule("headings").unwrap();
        assert!(headings.spec.examples.is_none());
        assert_eq!(
            headings.examples_origin,
            Origin::Inline("scope.yaml".into())
        );
    }

    #[test]
    fn unknown_base_and_duplicates_are_errors() {
        let mut errors = Vec::new();
        RuleLibrary::from_files(
            files(&[("base.yaml", BASE)]),
            files(&[
                ("a.yaml", "id: x\nextends: nope\n"),
                ("b.yaml", "id: y\nphrases: [a]\n"),
                ("c.yaml", "id: y\nphrases: [b]\n"),
            ]),
            true,
            &mut errors,
        );
        let msgs: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(msgs.len(), 2, "{msgs:?}");
        assert!(
            msgs[0].starts_with("c.yaml:1:5: duplicate rule id `y`"),
            "{msgs:?}"
        );
        assert!(
            msgs[1].starts_with("a.yaml:2:10: `extends: nope` names no known rule"),
            "{msgs:?}"
        );
    }

    #[test]
    fn no_default_rules_keeps_lists() {
        let mut errors = Vec::new();
        let lib = RuleLibrary::from_files(
            files(&[
                ("base.yaml", BASE),
                ("l.yaml", "list: words\nphrases: [a]\n"),
            ]),
            Vec::new(),
            false,
            &mut errors,
        );
        assert!(lib.rules.is_empty());
        assert!(lib.lists.contains_key("words"));
    }
}
