//! `copylint rules`.

use std::io::{self, Write};

use copylint::rules::docs;

use super::{Status, setup};
use crate::cli::{GlobalArgs, ListFormat, RulesArgs};

pub fn run(global: &GlobalArgs, args: &RulesArgs) -> anyhow::Result<Status> {
    let Some(setup) = setup(global, &[])? else {
        return Ok(Status::Error);
    };
    let mut out = io::stdout().lock();
    if args.format == ListFormat::Markdown {
        out.write_all(docs::markdown(&setup.library).as_bytes())?;
        return Ok(Status::Clean);
    }
    let rules: Vec<_> = setup
        .rules
        .rules()
        .filter(|(info, _)| args.category.as_ref().is_none_or(|c| &info.category == c))
        .collect();
    if let Some(c) = &args.category
        && !setup.rules.is_category(c)
    {
        anstream::eprintln!("{}: unknown category `{c}`", super::error_label());
        return Ok(Status::Error);
    }
    match args.format {
        ListFormat::Json => {
            let items: Vec<serde_json::Value> = rules
                .iter()
                .map(|(info, severity)| {
                    serde_json::json!({
                        "id": info.id,
                        "category": info.category,
                        "severity": severity.as_str(),
                        "kind": info.kind,
                        "fix": info.fix.map(|f| f.as_str()),
                        "source": info.source,
                        "builtin": info.builtin,
                        "message": info.message,
                        "why": info.why,
                    })
                })
                .collect();
            serde_json::to_writer_pretty(&mut out, &items)?;
            writeln!(out)?;
        }
        ListFormat::Text | ListFormat::Markdown => {
            let w_id = rules
                .iter()
                .map(|(i, _)| i.id.len())
                .max()
                .unwrap_or(2)
                .max(2);
            let w_cat = rules
                .iter()
                .map(|(i, _)| i.category.len())
                .max()
                .unwrap_or(8)
                .max(8);
            let w_kind = rules
                .iter()
                .map(|(i, _)| i.kind.len())
                .max()
                .unwrap_or(4)
                .max(4);
            writeln!(
                out,
                "{:w_id$}  {:w_cat$}  {:10}  {:w_kind$}  {:6}  SOURCE",
                "ID", "CATEGORY", "SEVERITY", "KIND", "FIX"
            )?;
            for (info, severity) in &rules {
                writeln!(
                    out,
                    "{:w_id$}  {:w_cat$}  {:10}  {:w_kind$}  {:6}  {}",
                    info.id,
                    info.category,
                    severity.as_str(),
                    info.kind,
                    info.fix.map_or("-", |f| f.as_str()),
                    info.source
                )?;
            }
            writeln!(
                out,
                "\n{} active.",
                copylint::render::plural(rules.len(), "rule")
            )?;
        }
    }
    Ok(Status::Clean)
}
