//! `--statistics`: how many findings each rule produced, instead of the
//! findings themselves.

use std::collections::BTreeMap;
use std::io::{self, Write};

use super::{FileReport, Renderer, Summary};

#[derive(Debug, Default)]
pub struct Statistics {
    json: bool,
    counts: BTreeMap<(String, String, String), usize>,
}

impl Statistics {
    /// A table, or a JSON array when `json`.
    pub fn new(json: bool) -> Self {
        Statistics {
            json,
            counts: BTreeMap::new(),
        }
    }
}

impl Renderer for Statistics {
    fn file(&mut self, _out: &mut dyn Write, r: &FileReport<'_>) -> io::Result<()> {
        for d in r.diagnostics {
            let key = (
                d.rule.id.clone(),
                d.rule.category.clone(),
                d.severity.to_string(),
            );
            *self.counts.entry(key).or_insert(0) += 1;
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write, summary: &Summary) -> io::Result<()> {
        let mut rows: Vec<(&(String, String, String), &usize)> = self.counts.iter().collect();
        rows.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        if self.json {
            let items: Vec<serde_json::Value> = rows
                .iter()
                .map(|((rule, category, severity), count)| {
                    serde_json::json!({"rule": rule, "category": category, "severity": severity, "count": count})
                })
                .collect();
            serde_json::to_writer_pretty(&mut *out, &items)?;
            return writeln!(out);
        }
        let width = rows
            .iter()
            .map(|(k, _)| k.0.len())
            .max()
            .unwrap_or(4)
            .max(4);
        writeln!(
            out,
            "{:>6}  {:width$}  {:14}  SEVERITY",
            "COUNT", "RULE", "CATEGORY"
        )?;
        for ((rule, category, severity), count) in &rows {
            writeln!(out, "{count:>6}  {rule:width$}  {category:14}  {severity}")?;
        }
        writeln!(
            out,
            "{:>6}  findings in {}",
            summary.counts.total(),
            super::plural(summary.files, "file")
        )
    }
}
