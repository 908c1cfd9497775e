//! `copylint explain RULE`.

use std::io::{self, Write};

use super::{Status, error_label, setup};
use crate::cli::{ExplainArgs, GlobalArgs};

pub fn run(global: &GlobalArgs, args: &ExplainArgs) -> anyhow::Result<Status> {
    let Some(setup) = setup(global, &[])? else {
        return Ok(Status::Error);
    };
    let Some(rule) = setup.library.rule(&args.rule) else {
        let mut near: Vec<&str> = setup
            .library
            .rules
            .iter()
            .map(|r| r.spec.id.value.as_str())
            .filter(|id| id.contains(args.rule.as_str()) || args.rule.contains(*id))
            .collect();
        near.truncate(5);
        anstream::eprintln!("{}: unknown rule `{}`", error_label(), args.rule);
        if !near.is_empty() {
            anstream::eprintln!("  did you mean: {}", near.join(", "));
        }
        anstream::eprintln!("  `copylint rules` lists every rule");
        return Ok(Status::Error);
    };
    let s = &rule.spec;
    let active = setup.rules.rules().find(|(i, _)| i.id == s.id.value);
    let mut out = io::stdout().lock();
    let declared = s.severity.unwrap_or(copylint::Severity::Warning);
    let severity = match active {
        Some((_, effective)) if effective != declared => {
            format!("{effective} (the rule file says {declared}; overridden by the configuration)")
        }
        _ => declared.to_string(),
    };
    let kind = copylint::rules::compile::kind_of(s).unwrap_or("invalid");
    writeln!(out, "{}", s.id.value)?;
    writeln!(
        out,
        "  category: {}\n  severity: {severity}\n  kind:     {kind}\n  source:   {}{}",
        s.category.as_ref().map_or("", |c| c.value.as_str()),
        rule.origin,
        if rule.origin.is_builtin() {
            " (shipped with copylint)"
        } else {
            ""
        },
    )?;
    if let Some(base) = &s.extends {
        writeln!(out, "  extends:  {}", base.value)?;
    }
    if active.is_none() {
        writeln!(out, "  (not active with the current configuration)")?;
    }
    if let Some(m) = &s.message {
        writeln!(out, "\nMessage:\n  {}", m.value)?;
    }
    if let Some(why) = &s.why {
        writeln!(out, "\nWhy:\n  {}", why.trim())?;
    }
    if let Some(ex) = &s.examples {
        if !ex.bad.is_empty() {
            writeln!(out, "\nFlagged:")?;
            for e in &ex.bad {
                writeln!(out, "  - {}", e.value.trim())?;
            }
        }
        if !ex.good.is_empty() {
            writeln!(out, "\nNot flagged:")?;
            for e in &ex.good {
                writeln!(out, "  - {}", e.value.trim())?;
            }
        }
    }
    writeln!(out, "\nDefinition ({}):\n", rule.origin)?;
    for line in rule.yaml.lines() {
        writeln!(out, "  {line}")?;
    }
    Ok(Status::Clean)
}
