//! `docs/rules.md`, generated from the rule files themselves
//! (`copylint rules --format markdown`), so documentation cannot drift from
//! behaviour.

use std::fmt::Write;

use super::{BUILTIN_CATEGORIES, RuleLibrary};
use crate::rules::classes::Class;

/// What each built-in category is about.
pub fn category_title(category: &str) -> &str {
    match category {
        "cta" => "Promotional calls to action aimed at the reader",
        "value-not-plan" => "Commitments stated as values, with no plan",
        "unspecific" => "Claims without specifics",
        _ => "User-defined category",
    }
}

fn escape_cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// The rule catalogue of `lib` as Markdown.
pub fn markdown(lib: &RuleLibrary) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# copylint rules\n");
    let _ = writeln!(
        out,
        "<!-- Generated from the rule files by `copylint rules --format markdown`. Do not edit by hand: a test fails when this file is stale. -->\n"
    );
    let mut categories: Vec<&str> = BUILTIN_CATEGORIES.to_vec();
    for r in &lib.rules {
        if let Some(c) = &r.spec.category
            && !categories.contains(&c.value.as_str())
        {
            categories.push(&c.value);
        }
    }
    let _ = writeln!(
        out,
        "{} rules in {} categories. Every example below is run as a test.\n",
        lib.rules.len(),
        categories.len()
    );
    for cat in &categories {
        let rules: Vec<_> = lib
            .rules
            .iter()
            .filter(|r| r.spec.category.as_ref().is_some_and(|c| c.value == *cat))
            .collect();
        if rules.is_empty() {
            continue;
        }
        let _ = writeln!(out, "## `{cat}`: {}\n", category_title(cat));
        let _ = writeln!(out, "| Rule | Severity | Kind | Why |\n|---|---|---|---|");
        for r in &rules {
            let s = &r.spec;
            let _ = writeln!(
                out,
                "| [`{id}`](#{id}) | {sev} | {kind} | {why} |",
                id = s.id.value,
                sev = s.severity.unwrap_or(crate::Severity::Warning),
                kind = kind_name(s),
                why = escape_cell(s.why.as_deref().unwrap_or("").trim()),
            );
        }
        out.push('\n');
        for r in &rules {
            let s = &r.spec;
            let _ = writeln!(out, "### {}\n", s.id.value);
            let _ = writeln!(
                out,
                "{} · {}{} · [`{}`](../{})\n",
                s.severity.unwrap_or(crate::Severity::Warning),
                kind_name(s),
                fix_summary(s)
                    .map(|f| format!(" · {f}"))
                    .unwrap_or_default(),
                r.origin,
                r.origin
            );
            if let Some(why) = &s.why {
                let _ = writeln!(out, "{}\n", why.trim());
            }
            if let Some(m) = &s.message {
                let _ = writeln!(out, "Message: `{}`\n", m.value.replace('`', "'"));
            }
            if let Some(ex) = &s.examples {
                if !ex.bad.is_empty() {
                    let _ = writeln!(out, "Flagged:\n");
                    for e in &ex.bad {
                        let _ = writeln!(out, "- {}", e.value.trim());
                    }
                    out.push('\n');
                }
                if !ex.good.is_empty() {
                    let _ = writeln!(out, "Not flagged:\n");
                    for e in &ex.good {
                        let _ = writeln!(out, "- {}", e.value.trim());
                    }
                    out.push('\n');
                }
            }
        }
    }
    let _ = writeln!(out, "## Word lists\n");
    let _ = writeln!(
        out,
        "Rules name these lists in their conditions; a user rule directory may replace any of them by defining a list of the same name.\n"
    );
    let _ = writeln!(out, "| List | Entries | Description |\n|---|---|---|");
    for (name, list) in &lib.lists {
        let _ = writeln!(
            out,
            "| `{name}` | {} | {} |",
            list.spec.phrases.len() + list.spec.patterns.len(),
            escape_cell(list.spec.description.as_deref().unwrap_or("").trim())
        );
    }
    let _ = writeln!(out, "\n## Built-in classes\n");
    let _ = writeln!(out, "| Class | Finds |\n|---|---|");
    for c in Class::ALL {
        let _ = writeln!(out, "| `{}` | {} |", c.name(), escape_cell(c.description()));
    }
    out
}

/// "fix: remove (unsafe)" and the like; `None` without a fix.
fn fix_summary(s: &super::spec::RuleSpec) -> Option<String> {
    use crate::fix::Applicability;
    let declared = s.fix.as_ref().map(|f| &f.value);
    let (what, default) = match declared {
        Some(f) if f.remove => ("remove", Applicability::Unsafe),
        Some(f) if f.replace.is_some() => ("replace", Applicability::Safe),
        _ if s.substitution.is_some() => ("substitute", Applicability::Safe),
        _ => return None,
    };
    let applicability = declared.and_then(|f| f.applicability).unwrap_or(default);
    Some(format!("fix: {what} ({})", applicability.as_str()))
}

fn kind_name(s: &super::spec::RuleSpec) -> &'static str {
    super::compile::kind_of(s).unwrap_or("invalid")
}
