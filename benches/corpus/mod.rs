//! A deterministic generator of realistic Markdown for benchmarks: front
//! matter, headings, paragraphs of varied sentence length, lists, links,
//! inline code, code fences and tables, with marketing phrases at about the
//! density of a company blog (roughly one sentence in six sells something).
//!
//! Shared by `examples/gen_corpus.rs` and the `benches/`; the same seed
//! always gives the same bytes. The vocabulary is written for this project.

#![allow(dead_code)]

use std::fmt::Write as _;

const NOUNS: &[&str] = &[
    "release",
    "dashboard",
    "pipeline",
    "warehouse",
    "clinic",
    "library",
    "survey",
    "budget",
    "schedule",
    "harbour",
    "archive",
    "council",
    "workshop",
    "roadmap",
    "database",
    "orchard",
    "bridge",
    "laboratory",
    "newsroom",
    "timetable",
    "ledger",
    "studio",
    "depot",
    "catalogue",
];
const ADJECTIVES: &[&str] = &[
    "quarterly",
    "regional",
    "internal",
    "public",
    "shared",
    "draft",
    "annual",
    "local",
    "revised",
    "older",
    "smaller",
    "northern",
    "manual",
    "second",
    "temporary",
    "final",
];
const VERBS: &[&str] = &[
    "moved",
    "reviewed",
    "measured",
    "replaced",
    "published",
    "merged",
    "counted",
    "tested",
    "rebuilt",
    "closed",
    "opened",
    "compared",
    "logged",
    "trimmed",
    "scheduled",
    "audited",
];
const NAMES: &[&str] = &[
    "Amara Osei",
    "Jonas Lindqvist",
    "Priya Raman",
    "Tomás Ortega",
    "Mei Chen",
    "Ruth Adeyemi",
    "Lukas Brandt",
    "Sofia Marchetti",
    "Kwame Mensah",
    "Ines Duarte",
];
const PLACES: &[&str] = &[
    "Leeds",
    "Porto",
    "Tallinn",
    "Nairobi",
    "Osaka",
    "Valparaíso",
    "Ghent",
    "Hobart",
    "Quebec",
];
const MONTHS: &[&str] = &[
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
/// Sentences that sell, in the three families the default rules look for.
const MARKETING: &[&str] = &[
    "Our world-class team delivers cutting-edge results for every client.",
    "Book a free demo today and see the difference for yourself.",
    "We are committed to building a better future for our community.",
    "The new workflow is significantly faster and incredibly easy to use.",
    "Studies show that teams love our seamless, best-in-class platform.",
    "Contact our experts to learn how we can help you grow.",
    "We believe in transparency and strive to exceed expectations.",
    "Sign up for our newsletter to get exclusive insights every week.",
    "Many customers say it is the most powerful tool on the market.",
    "If you want to transform your operations, our strategists can help.",
    "We leverage synergy to unlock game-changing value at scale.",
    "Ready to take your business to the next level?",
    "Our mission is to empower people everywhere.",
    "Industry-leading security keeps your data safe around the clock.",
];
const LANGS: &[&str] = &["rust", "python", "yaml", "sh", "json"];

/// A small deterministic generator state.
pub struct Gen {
    rng: fastrand::Rng,
}

impl Gen {
    pub fn new(seed: u64) -> Self {
        Gen {
            rng: fastrand::Rng::with_seed(seed),
        }
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.rng.usize(..items.len())]
    }

    fn chance(&mut self, percent: u32) -> bool {
        self.rng.u32(..100) < percent
    }

    /// One sentence: plain and specific most of the time, sometimes selling.
    pub fn sentence(&mut self, out: &mut String) {
        if self.chance(16) {
            out.push_str(self.pick(MARKETING));
            return;
        }
        let words = self.rng.usize(6..28);
        let mut first = true;
        let mut push = |out: &mut String, w: &str| {
            if !first {
                out.push(' ');
            }
            if first {
                let mut c = w.chars();
                if let Some(f) = c.next() {
                    out.extend(f.to_uppercase());
                    out.push_str(c.as_str());
                }
            } else {
                out.push_str(w);
            }
            first = false;
        };
        push(out, "the");
        let mut n = 1;
        while n < words {
            let w = match self.rng.u32(..12) {
                0 => {
                    let name = self.pick(NAMES);
                    push(out, name);
                    n += 2;
                    continue;
                }
                1 => {
                    let num = format!("{}", self.rng.u32(2..5000));
                    push(out, &num);
                    n += 1;
                    continue;
                }
                2 => {
                    let d = format!(
                        "on {} {} {}",
                        self.rng.u32(1..29),
                        self.pick(MONTHS),
                        self.rng.u32(2015..2027)
                    );
                    push(out, &d);
                    n += 4;
                    continue;
                }
                3 => {
                    let p = format!("in {}", self.pick(PLACES));
                    push(out, &p);
                    n += 2;
                    continue;
                }
                4 | 5 => self.pick(VERBS),
                6 | 7 => self.pick(ADJECTIVES),
                8 => {
                    let link = format!(
                        "[the {} notes](https://example.org/{}/{})",
                        self.pick(NOUNS),
                        self.pick(NOUNS),
                        self.rng.u32(1..999)
                    );
                    push(out, &link);
                    n += 3;
                    continue;
                }
                9 => {
                    let code = format!("`{}_{}()`", self.pick(VERBS), self.pick(NOUNS));
                    push(out, &code);
                    n += 1;
                    continue;
                }
                10 => ["and", "of", "for", "with", "after", "before", "by"][self.rng.usize(..7)],
                _ => self.pick(NOUNS),
            };
            push(out, w);
            n += 1;
        }
        out.push(if self.chance(8) { '?' } else { '.' });
    }

    pub fn paragraph(&mut self, out: &mut String) {
        let sentences = self.rng.usize(1..8);
        let mut line = 0;
        for i in 0..sentences {
            if i > 0 {
                // Soft-wrap some paragraphs, as editors do.
                if line > 70 && self.chance(50) {
                    out.push('\n');
                    line = 0;
                } else {
                    out.push(' ');
                }
            }
            let before = out.len();
            self.sentence(out);
            line += out.len() - before;
        }
        out.push_str("\n\n");
    }

    fn list(&mut self, out: &mut String) {
        let ordered = self.chance(30);
        for i in 0..self.rng.usize(2..7) {
            if ordered {
                let _ = write!(out, "{}. ", i + 1);
            } else {
                out.push_str("- ");
            }
            self.sentence(out);
            out.push('\n');
        }
        out.push('\n');
    }

    fn code(&mut self, out: &mut String) {
        let _ = writeln!(out, "```{}", self.pick(LANGS));
        for _ in 0..self.rng.usize(2..12) {
            let _ = writeln!(
                out,
                "let {} = {}(\"{}\", {}); // world-class leverage",
                self.pick(NOUNS),
                self.pick(VERBS),
                self.pick(ADJECTIVES),
                self.rng.u32(..100)
            );
        }
        out.push_str("```\n\n");
    }

    fn table(&mut self, out: &mut String) {
        out.push_str("| Site | Date | Count |\n|---|---|---|\n");
        for _ in 0..self.rng.usize(2..8) {
            let _ = writeln!(
                out,
                "| {} | {} {} | {} |",
                self.pick(PLACES),
                self.pick(MONTHS),
                self.rng.u32(2015..2027),
                self.rng.u32(..10_000)
            );
        }
        out.push('\n');
    }

    /// One Markdown file of about `size` bytes.
    pub fn document(&mut self, size: usize) -> String {
        let mut out = String::with_capacity(size + 1024);
        let _ = write!(
            out,
            "---\ntitle: The {} {}\ndate: {}-{:02}-{:02}\ntags: [{}, {}]\n---\n\n",
            self.pick(ADJECTIVES),
            self.pick(NOUNS),
            self.rng.u32(2015..2027),
            self.rng.u32(1..13),
            self.rng.u32(1..29),
            self.pick(NOUNS),
            self.pick(NOUNS)
        );
        let _ = writeln!(
            out,
            "# The {} {}\n",
            self.pick(ADJECTIVES),
            self.pick(NOUNS)
        );
        while out.len() < size {
            match self.rng.u32(..20) {
                0..=1 => {
                    let _ = writeln!(
                        out,
                        "## {} {} in {}\n",
                        self.pick(ADJECTIVES),
                        self.pick(NOUNS),
                        self.pick(PLACES)
                    );
                }
                2..=3 => self.list(&mut out),
                4 => self.code(&mut out),
                5 => self.table(&mut out),
                6 => {
                    out.push_str("> ");
                    self.sentence(&mut out);
                    out.push_str("\n\n");
                }
                _ => self.paragraph(&mut out),
            }
        }
        out
    }

    /// One paragraph of about `size` bytes: a single line of sentences.
    pub fn single_paragraph(&mut self, size: usize) -> String {
        let mut out = String::with_capacity(size + 256);
        while out.len() < size {
            self.sentence(&mut out);
            out.push(' ');
        }
        out.push('\n');
        out
    }
}
