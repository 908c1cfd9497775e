//! The YAML schema of rule files and word-list files, as serde types.
//!
//! The schema is strict (`deny_unknown_fields` everywhere) and keeps source
//! locations ([`Spanned`]) of every value that later validation may reject,
//! so that every error names `file:line:column`.

use std::collections::BTreeMap;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;

use crate::diagnostic::Severity;
use crate::document::Scope;

/// One rule file.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    pub id: Spanned<String>,
    #[serde(default)]
    pub extends: Option<Spanned<String>>,
    #[serde(default)]
    pub category: Option<Spanned<String>>,
    #[serde(default)]
    pub severity: Option<Severity>,
    #[serde(default)]
    pub message: Option<Spanned<String>>,
    #[serde(default)]
    pub why: Option<String>,
    #[serde(default)]
    pub scope: Option<Vec<Scope>>,
    #[serde(default)]
    pub exceptions: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    pub examples: Option<Examples>,
    /// Report a sentence only when no other rule of the same category
    /// flagged it (for broad catch-all rules).
    #[serde(default)]
    pub fallback: Option<bool>,
    /// How to fix a finding: `remove`, `{replace: "…"}`, and an
    /// `applicability` (substitution rules fix with their first wording).
    #[serde(default)]
    pub fix: Option<Spanned<FixSpec>>,

    // Matchers: exactly one kind per rule.
    #[serde(default)]
    pub phrases: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    pub patterns: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    pub lists: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    pub substitution: Option<Spanned<BTreeMap<String, Alternatives>>>,
    #[serde(default)]
    pub sentence: Option<Spanned<SentenceSpec>>,
    #[serde(default)]
    pub unbacked: Option<Spanned<UnbackedSpec>>,
    #[serde(default)]
    pub specificity: Option<Spanned<SpecificitySpec>>,
    #[serde(default)]
    pub occurrence: Option<Spanned<OccurrenceSpec>>,
}

impl RuleSpec {
    fn has_matcher(&self) -> bool {
        self.phrases.is_some()
            || self.patterns.is_some()
            || self.lists.is_some()
            || self.substitution.is_some()
            || self.sentence.is_some()
            || self.unbacked.is_some()
            || self.specificity.is_some()
            || self.occurrence.is_some()
    }

    /// Whether this (extending) rule changes what is flagged: its matcher,
    /// scope or exceptions. If so, the base rule's examples no longer apply
    /// and are not inherited.
    pub fn changes_behaviour(&self) -> bool {
        self.has_matcher() || self.scope.is_some() || self.exceptions.is_some()
    }

    /// Overlays `self` (a rule that `extends` another) on `base`. Examples
    /// are inherited only when `self` does not change behaviour.
    pub fn merged_over(self, base: &RuleSpec) -> RuleSpec {
        let b = base.clone();
        let inherit_examples = !self.changes_behaviour();
        // The matcher fields (`phrases` … `occurrence`, everything not named
        // below) come whole from one side: a rule that names its own matcher
        // replaces the base matcher.
        let matcher = if self.has_matcher() {
            self.clone()
        } else {
            b.clone()
        };
        RuleSpec {
            id: self.id,
            extends: self.extends,
            category: self.category.or(b.category),
            severity: self.severity.or(b.severity),
            message: self.message.or(b.message),
            why: self.why.or(b.why),
            scope: self.scope.or(b.scope),
            exceptions: self.exceptions.or(b.exceptions),
            fallback: self.fallback.or(b.fallback),
            fix: self.fix.or(b.fix),
            examples: if inherit_examples {
                self.examples.or(b.examples)
            } else {
                self.examples
            },
            ..matcher
        }
    }
}

/// `examples: {bad: [...], good: [...]}`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Examples {
    #[serde(default)]
    pub bad: Vec<Spanned<String>>,
    #[serde(default)]
    pub good: Vec<Spanned<String>>,
}

/// One word list file (a file with a top-level `list:` key).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListSpec {
    pub list: Spanned<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub phrases: Vec<Spanned<String>>,
    #[serde(default)]
    pub patterns: Vec<Spanned<String>>,
}

/// A condition: the name of a word list or built-in class (`number`,
/// `imperative-verbs`), or an inline matcher.
#[derive(Clone, Debug)]
pub enum Condition {
    Named(String),
    Inline(MatcherSpec),
}

/// An inline matcher: phrases, regex patterns, list and class names; it
/// matches where any of them matches.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MatcherSpec {
    #[serde(default)]
    pub phrases: Vec<Spanned<String>>,
    #[serde(default)]
    pub patterns: Vec<Spanned<String>>,
    #[serde(default)]
    pub lists: Vec<Spanned<String>>,
}

impl<'de> Deserialize<'de> for Condition {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Condition;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list or class name, or a mapping with phrases/patterns/lists")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Condition, E> {
                Ok(Condition::Named(v.to_string()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Condition, A::Error> {
                MatcherSpec::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(Condition::Inline)
            }
        }
        d.deserialize_any(V)
    }
}

/// `fix:` — `remove`, or a mapping with `remove: true` or `replace: "…"`
/// and an optional `applicability`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FixSpec {
    pub remove: bool,
    pub replace: Option<String>,
    pub applicability: Option<crate::fix::Applicability>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FixMap {
    #[serde(default)]
    remove: bool,
    #[serde(default)]
    replace: Option<String>,
    #[serde(default)]
    applicability: Option<crate::fix::Applicability>,
}

impl<'de> Deserialize<'de> for FixSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = FixSpec;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("`remove` or a mapping with `remove`, `replace` and `applicability`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<FixSpec, E> {
                match v {
                    "remove" => Ok(FixSpec {
                        remove: true,
                        replace: None,
                        applicability: None,
                    }),
                    other => Err(E::custom(format!(
                        "unknown fix `{other}` (expected `remove` or a mapping)"
                    ))),
                }
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<FixSpec, A::Error> {
                let m = FixMap::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(FixSpec {
                    remove: m.remove,
                    replace: m.replace,
                    applicability: m.applicability,
                })
            }
        }
        d.deserialize_any(V)
    }
}

/// One replacement or several alternatives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Alternatives(pub Vec<String>);

impl<'de> Deserialize<'de> for Alternatives {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Alternatives;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a replacement string or a list of alternatives")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Alternatives, E> {
                Ok(Alternatives(vec![v.to_string()]))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Alternatives, A::Error> {
                let mut out = Vec::new();
                while let Some(s) = seq.next_element::<String>()? {
                    out.push(s);
                }
                Ok(Alternatives(out))
            }
        }
        d.deserialize_any(V)
    }
}

/// Who a sentence is addressed to (`person:` in a `sentence` rule).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Person {
    /// The sentence says "you", "your", "yourself".
    You,
    /// The sentence speaks as "we", "our", "us".
    We,
    /// The sentence speaks as "I", "me", "my".
    I,
    /// A clause of the sentence starts with a verb from the `imperative-verbs` list.
    Imperative,
}

/// What a `sentence` rule underlines.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Report {
    /// The whole sentence, once.
    #[default]
    Sentence,
    /// Every hit of the `any` (else the first `all`) conditions in the sentence.
    Match,
}

/// Where a `sentence` rule looks for its `none` conditions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum NoneIn {
    /// Anywhere in the sentence.
    #[default]
    Sentence,
    /// In the clause around each reported hit (between commas, semicolons,
    /// colons, dashes and brackets), so a figure elsewhere in the sentence
    /// does not excuse a claim.
    Clause,
}

/// `sentence:` — conditions over one sentence.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SentenceSpec {
    #[serde(default)]
    pub any: Vec<Spanned<Condition>>,
    #[serde(default)]
    pub all: Vec<Spanned<Condition>>,
    #[serde(default)]
    pub none: Vec<Spanned<Condition>>,
    #[serde(default)]
    pub none_in: NoneIn,
    /// At least one of these must hit somewhere in the document, outside
    /// quotation marks ("the page speaks as `we` or to `you`").
    #[serde(default)]
    pub document_any: Vec<Spanned<Condition>>,
    #[serde(default)]
    pub starts_with: Option<Spanned<Condition>>,
    #[serde(default)]
    pub not_starts_with: Option<Spanned<Condition>>,
    #[serde(default)]
    pub person: Vec<Person>,
    #[serde(default)]
    pub question: Option<bool>,
    #[serde(default)]
    pub skip_quoted: bool,
    /// Skip hits that start with a capital letter but do not start their
    /// sentence: part of a name ("Premier League", "Lake Superior").
    /// Headings (often in title case) are still checked.
    #[serde(default)]
    pub skip_capitalized: bool,
    #[serde(default)]
    pub report: Report,
}

fn default_window() -> u32 {
    1
}

/// `unbacked:` — a commitment (`trigger`) with no plan `evidence` nearby.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnbackedSpec {
    pub trigger: Spanned<Condition>,
    #[serde(default)]
    pub evidence: Option<Vec<Spanned<Condition>>>,
    #[serde(default = "default_window")]
    pub window: u32,
    #[serde(default)]
    pub before: u32,
    #[serde(default)]
    pub skip_quoted: bool,
    /// Only triggers in sentences that speak as one of these (any of).
    #[serde(default)]
    pub person: Vec<Person>,
}

/// Which blocks a `specificity` rule measures.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BlockScope {
    Paragraph,
    ListItem,
    Heading,
    TableCell,
}

fn default_min_claims() -> u32 {
    2
}

/// `specificity:` — claims versus specifics per block.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpecificitySpec {
    #[serde(default)]
    pub blocks: Option<Vec<BlockScope>>,
    pub claims: Vec<Spanned<Condition>>,
    #[serde(default)]
    pub specifics: Option<Vec<Spanned<Condition>>>,
    #[serde(default = "default_min_claims")]
    pub min_claims: u32,
    #[serde(default)]
    pub max_specifics: Option<u32>,
    #[serde(default)]
    pub min_ratio: Option<f64>,
}

/// The unit an `occurrence` rule counts in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Per {
    Document,
    Block,
    Sentence,
}

/// `occurrence:` — too many (or too few) hits per unit. Counts either the
/// hits of a condition (`match`) or the findings of other rules (`findings`:
/// rule ids or categories, after suppression comments).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OccurrenceSpec {
    #[serde(rename = "match", default)]
    pub matcher: Option<Spanned<Condition>>,
    #[serde(default)]
    pub findings: Option<Vec<Spanned<String>>>,
    pub per: Per,
    #[serde(default)]
    pub max: Option<u32>,
    #[serde(default)]
    pub min: Option<u32>,
}

/// Only the keys needed to tell a list file from a rule file.
#[derive(Debug, Deserialize)]
pub(crate) struct Probe {
    #[serde(default)]
    pub list: Option<de::IgnoredAny>,
}
