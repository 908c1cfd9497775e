//! JUnit XML: one test case per checked file, failing when it has findings
//! at or above the fail threshold; unreadable files are errors.

use std::io::{self, Write};

use super::{FileReport, Located, Renderer, Summary};
use crate::diagnostic::FailOn;
use crate::location::LineIndex;

#[derive(Debug)]
pub struct Junit {
    fail_on: FailOn,
    cases: Vec<String>,
    failures: usize,
    errors: usize,
}

impl Junit {
    pub fn new(fail_on: FailOn) -> Self {
        Junit {
            fail_on,
            cases: Vec::new(),
            failures: 0,
            errors: 0,
        }
    }
}

/// Escapes text and attribute values for XML 1.0, dropping characters XML
/// cannot carry.
pub fn escape_xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

impl Renderer for Junit {
    fn file(&mut self, _out: &mut dyn Write, r: &FileReport<'_>) -> io::Result<()> {
        let name = escape_xml(r.path);
        let index = LineIndex::new(r.source);
        let lines: Vec<(bool, String)> = r
            .diagnostics
            .iter()
            .map(|d| {
                let l = Located::new(r.path, r.source, &index, d);
                let text = format!(
                    "{}:{}:{}: {}[{}] {}",
                    l.path, l.line, l.column, l.severity, l.rule, l.message
                );
                (self.fail_on.fails(d.severity), text)
            })
            .collect();
        let failing: Vec<&str> = lines
            .iter()
            .filter(|(f, _)| *f)
            .map(|(_, t)| t.as_str())
            .collect();
        let passing: Vec<&str> = lines
            .iter()
            .filter(|(f, _)| !*f)
            .map(|(_, t)| t.as_str())
            .collect();
        let mut case =
            format!("    <testcase name=\"{name}\" classname=\"copylint\" file=\"{name}\"");
        if failing.is_empty() && passing.is_empty() {
            case.push_str("/>\n");
        } else {
            case.push_str(">\n");
            if !failing.is_empty() {
                self.failures += 1;
                let message = format!(
                    "{} at or above the fail threshold",
                    super::plural(failing.len(), "finding")
                );
                case.push_str(&format!(
                    "      <failure message=\"{}\" type=\"copylint\">{}</failure>\n",
                    escape_xml(&message),
                    escape_xml(&failing.join("\n"))
                ));
            }
            if !passing.is_empty() {
                case.push_str(&format!(
                    "      <system-out>{}</system-out>\n",
                    escape_xml(&passing.join("\n"))
                ));
            }
            case.push_str("    </testcase>\n");
        }
        self.cases.push(case);
        Ok(())
    }

    fn error(&mut self, _out: &mut dyn Write, path: &str, message: &str) -> io::Result<()> {
        self.errors += 1;
        let name = escape_xml(path);
        self.cases.push(format!(
            "    <testcase name=\"{name}\" classname=\"copylint\" file=\"{name}\">\n      <error message=\"{}\" type=\"read\"/>\n    </testcase>\n",
            escape_xml(message)
        ));
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write, _summary: &Summary) -> io::Result<()> {
        let tests = self.cases.len();
        writeln!(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>")?;
        writeln!(
            out,
            "<testsuites name=\"copylint\" tests=\"{tests}\" failures=\"{}\" errors=\"{}\">",
            self.failures, self.errors
        )?;
        writeln!(
            out,
            "  <testsuite name=\"copylint\" tests=\"{tests}\" failures=\"{}\" errors=\"{}\">",
            self.failures, self.errors
        )?;
        for case in &self.cases {
            out.write_all(case.as_bytes())?;
        }
        writeln!(out, "  </testsuite>\n</testsuites>")
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn xml_escaping() {
        assert_eq!(
            super::escape_xml("a<b & \"c\" 'd'>\u{1}e"),
            "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;e"
        );
    }
}
