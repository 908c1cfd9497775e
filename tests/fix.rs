//! `--fix` and `--diff` end to end: properties of the fix loop over
//! generated Markdown, line endings, byte-order marks, permissions, and
//! copies of the labelled corpus.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::LazyLock;

use copylint::fix::{MAX_PASSES, fix_text};
use copylint::{Format, LintOptions, LoadOptions, RuleLibrary, RuleSet, Selection};
use proptest::prelude::*;

static RULES: LazyLock<RuleSet> = LazyLock::new(|| {
    let lib = RuleLibrary::load(&LoadOptions::default()).expect("shipped rules load");
    RuleSet::compile(&lib, &Selection::default()).expect("shipped rules compile")
});

fn copylint(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_copylint"));
    cmd.current_dir(dir)
        .args(["--no-config", "--color", "never"]);
    cmd
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

// ---------------------------------------------------------------------------
// Properties over generated Markdown.

/// Prose that the shipped rules fix: buzzwords and intensifiers (safe),
/// puffery and calls to action (unsafe), in several grammatical positions.
const SENTENCES: &[&str] = &[
    "We leverage the archive to plan the week.",
    "The planner is extremely fast.",
    "Our world-class editors read every draft.",
    "It ships with a seamless, open calendar.",
    "The team is highly experienced and truly responsive.",
    "Book a demo today.",
    "Ready to transform your planning?",
    "Sign up for a free trial now.",
    "The report covers 14 towns and 3,200 households.",
    "It is seamless.",
    "Our cutting-edge, industry-leading engine is fast, cheap and seamless.",
    "LEVERAGE THE SYNERGY.",
    "The results were published on 4 May 2024 by the data team.",
];

/// Text that is not prose and must come out byte for byte: every item
/// holds words the rules would otherwise flag or fix.
const CODE: &[&str] = &[
    "```\nWe leverage world-class synergy. Book a demo today.\n```\n",
    "~~~yaml\nspeed: extremely fast # seamless\n~~~\n",
    // After a paragraph (not a list item, where it would continue the item).
    "Notes.\n\n    indented: leverage a cutting-edge demo\n",
    "<div>Book a demo today. It is world-class.</div>\n",
    "<!-- leverage: extremely fast -->\n",
];

const INLINE: &[&str] = &[
    "`leverage --world-class`",
    "<abbr title=\"extremely fast, leverage\">EF</abbr>",
    "https://example.test/book-a-demo",
];

#[derive(Clone, Debug)]
enum Block {
    Paragraph(Vec<usize>, Option<usize>),
    List(Vec<usize>),
    Quote(usize),
    Code(usize),
}

fn block() -> impl Strategy<Value = Block> {
    let sentence = 0..SENTENCES.len();
    prop_oneof![
        4 => (
            prop::collection::vec(sentence.clone(), 1..4),
            prop::option::of(0..INLINE.len())
        )
            .prop_map(|(s, i)| Block::Paragraph(s, i)),
        2 => prop::collection::vec(sentence.clone(), 1..4).prop_map(Block::List),
        1 => sentence.prop_map(Block::Quote),
        2 => (0..CODE.len()).prop_map(Block::Code),
    ]
}

/// A document and the non-prose pieces it holds, in order.
fn document() -> impl Strategy<Value = (String, Vec<String>)> {
    (
        any::<bool>(),
        any::<bool>(),
        prop::collection::vec(block(), 1..8),
    )
        .prop_map(|(front_matter, crlf, blocks)| {
            let mut text = String::new();
            let mut protected = Vec::new();
            if front_matter {
                let fm =
                    "---\ntitle: A world-class, seamless launch\ncta: Book a demo today.\n---\n";
                protected.push(fm.to_string());
                text.push_str(fm);
                text.push('\n');
            }
            for b in blocks {
                match b {
                    Block::Paragraph(sentences, inline) => {
                        let mut words: Vec<&str> =
                            sentences.iter().map(|&i| SENTENCES[i]).collect();
                        if let Some(i) = inline {
                            protected.push(INLINE[i].to_string());
                            words.insert(words.len() / 2, INLINE[i]);
                        }
                        text.push_str(&words.join(" "));
                        text.push('\n');
                    }
                    Block::List(items) => {
                        for i in items {
                            text.push_str("- ");
                            text.push_str(SENTENCES[i]);
                            text.push('\n');
                        }
                    }
                    Block::Quote(i) => {
                        text.push_str("> ");
                        text.push_str(SENTENCES[i]);
                        text.push('\n');
                    }
                    Block::Code(i) => {
                        protected.push(CODE[i].to_string());
                        text.push_str(CODE[i]);
                    }
                }
                text.push('\n');
            }
            if crlf {
                text = text.replace('\n', "\r\n");
                protected = protected.iter().map(|p| p.replace('\n', "\r\n")).collect();
            }
            (text, protected)
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn fixes_touch_only_prose_settle_and_are_idempotent(
        (text, protected) in document(),
        unsafe_fixes in any::<bool>(),
    ) {
        let first = fix_text(&text, Format::Markdown, &RULES, LintOptions::default(), unsafe_fixes);
        prop_assert!(first.converged, "no fixed point within {} passes", MAX_PASSES);
        prop_assert!(first.passes <= MAX_PASSES);
        // Code, HTML, URLs and front matter come out byte for byte, in order.
        let mut at = 0;
        for p in &protected {
            let found = first.text[at..].find(p.as_str());
            prop_assert!(found.is_some(), "{:?} was changed in\n{}", p, first.text);
            at += found.unwrap_or(0) + p.len();
        }
        // Line endings are kept: a CRLF document has no bare LF.
        if text.contains("\r\n") {
            prop_assert!(!first.text.replace("\r\n", "").contains('\n'));
        }
        // Nothing is left to fix, and a second run changes nothing.
        let second = fix_text(&first.text, Format::Markdown, &RULES, LintOptions::default(), unsafe_fixes);
        prop_assert_eq!(&second.text, &first.text);
        prop_assert_eq!(second.applied, 0);
        // What is reported as fixable after fixing is only what could not be applied.
        let applicable = second.remaining.iter().filter(|d| {
            d.fix.as_ref().is_some_and(|f| unsafe_fixes || f.applicability == copylint::fix::Applicability::Safe)
        });
        prop_assert_eq!(applicable.count(), 0);
    }
}

/// Drafts where a careless removal would break markup or take more than
/// the finding: each must come out as given.
#[test]
fn fixes_leave_markup_and_neighbouring_text_whole() {
    let fix =
        |text: &str| fix_text(text, Format::Markdown, &RULES, LintOptions::default(), true).text;
    for (input, expected) in [
        // A second sentence glued on by the segmenter is not removed with the CTA.
        (
            "Our prices are low. Book a demo today. $99 a month is all.\n",
            None,
        ),
        ("Text with a hard break  \nBook a demo today.\n", None),
        // Emphasis and link text around the span.
        ("**Book a demo today.**\n", None),
        ("Intro. [Book a demo today.](https://x.test)\n", None),
        // A heading goes alone; the code after it stays a code block.
        (
            "# Book a demo today.\n```js\nlet x = 1;\n```\n",
            Some("```js\nlet x = 1;\n```\n"),
        ),
        ("- Book a demo today.\n```\ncode\n```\n", None),
        // Removing the first line must not turn what follows into front
        // matter (here an HTML block would have become prose).
        (
            "Book a demo today.\n+++\n<!x\n+++\n\nBook a demo today.\n",
            None,
        ),
        ("Book a demo today.\n---\na: 1\n---\n", None),
        // … nor, after a blank line, into a metadata block mid-file.
        (
            "Intro.\n\nBook a demo now.\n+++\n<!e\n+++\n\nBook a demo today.\n",
            None,
        ),
        // Nor leave a heading's neighbours to merge, nor renumber a list.
        ("Intro\n# Book a demo today.\n    code\n", None),
        ("1. Book a demo today.\n2. Read the guide.\n", None),
        // Negation and sound-based articles.
        ("The setup is not very easy.\n", None),
        ("An extremely useful guide.\n", Some("A useful guide.\n")),
        (
            "Our app is fast, extremely reliable and cheap.\n",
            Some("Our app is fast, reliable and cheap.\n"),
        ),
    ] {
        assert_eq!(fix(input), expected.unwrap_or(input), "fixing {input:?}");
    }
}

// ---------------------------------------------------------------------------
// Files: line endings, byte-order marks, permissions.

#[test]
fn fix_keeps_crlf_and_the_byte_order_mark() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("draft.md");
    let original = "\u{FEFF}# Plan\r\n\r\nWe leverage the archive.\r\nIt is extremely fast.\r\n\r\nBook a demo today.\r\n";
    std::fs::write(&path, original).unwrap();
    let out = copylint(dir.path())
        .args(["check", "--fix", "--unsafe-fixes", "draft.md"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let fixed = std::fs::read(&path).unwrap();
    assert_eq!(
        String::from_utf8(fixed).unwrap(),
        "\u{FEFF}# Plan\r\n\r\nWe use the archive.\r\nIt is fast.\r\n"
    );
    assert!(stdout(&out).contains("Fixed 3 findings."));
}

#[test]
fn diff_changes_nothing_and_matches_what_fix_writes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("draft.md");
    let original = "The archive is extremely fast.\r\nThe team is highly experienced.\r\n";
    std::fs::write(&path, original).unwrap();
    let diff = copylint(dir.path())
        .args(["check", "--diff", "draft.md"])
        .output()
        .unwrap();
    assert_eq!(diff.status.code(), Some(1));
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        original,
        "--diff wrote the file"
    );
    let diff = stdout(&diff);
    assert!(
        diff.starts_with("--- a/draft.md\n+++ b/draft.md\n"),
        "{diff}"
    );
    let added: Vec<&str> = diff
        .lines()
        .filter(|l| l.starts_with('+') && !l.starts_with("+++"))
        .collect();

    let fix = copylint(dir.path())
        .args(["check", "--fix", "draft.md"])
        .output()
        .unwrap();
    assert_eq!(fix.status.code(), Some(0), "{}", stdout(&fix));
    let fixed = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        fixed,
        "The archive is fast.\r\nThe team is experienced.\r\n"
    );
    let expected: Vec<String> = fixed.lines().map(|l| format!("+{l}")).collect();
    assert_eq!(added, expected);
    assert!(
        diff.contains("+The archive is fast.\r\n"),
        "the diff keeps CRLF: {diff:?}"
    );

    // Fixed: nothing more to show, exit 0.
    let again = copylint(dir.path())
        .args(["check", "--diff", "draft.md"])
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(0));
    assert!(again.stdout.is_empty());
}

#[cfg(unix)]
#[test]
fn fix_keeps_permissions_and_reports_files_it_cannot_write() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("draft.md");
    std::fs::write(&path, "The archive is extremely fast.\n").unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    let out = copylint(dir.path())
        .args(["check", "--fix", "draft.md"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "The archive is fast.\n"
    );
    let mode = std::fs::metadata(&path).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o640);

    // A directory that refuses new files: the draft is reported (exit 2),
    // left as it was, and the other file is still fixed.
    let locked = dir.path().join("locked");
    std::fs::create_dir(&locked).unwrap();
    let stuck = locked.join("stuck.md");
    std::fs::write(&stuck, "The archive is extremely fast.\n").unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o555)).unwrap();
    let other = dir.path().join("other.md");
    std::fs::write(&other, "The archive is extremely fast.\n").unwrap();
    let probe = locked.join("probe");
    let writable_anyway = std::fs::write(&probe, "").is_ok(); // running as root
    let out = copylint(dir.path())
        .args(["check", "--fix", "locked/stuck.md", "other.md"])
        .output()
        .unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(
        std::fs::read_to_string(&other).unwrap(),
        "The archive is fast.\n"
    );
    if writable_anyway {
        println!("SKIPPED the unwritable-directory half: permissions do not bind this user");
        return;
    }
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("locked/stuck.md"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(&stuck).unwrap(),
        "The archive is extremely fast.\n"
    );
}

/// `copylint check --fix ARGS` with `input` on standard input.
fn check_fix_stdin(dir: &Path, args: &[&str], input: &[u8]) -> Output {
    use std::io::Write;
    let mut child = copylint(dir)
        .args(["check", "--fix"])
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn fix_on_stdin_prints_the_fixed_text_and_reports_on_stderr() {
    let dir = tempfile::tempdir().unwrap();
    let out = check_fix_stdin(
        dir.path(),
        &["--format", "concise", "-"],
        b"The archive is extremely fast.\r\nOur world-class team.\r\n",
    );
    assert_eq!(
        stdout(&out),
        "The archive is fast.\r\nOur world-class team.\r\n"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("<stdin>:2:5: warning[puffery-superiority]"),
        "{stderr}"
    );
}

#[test]
fn fix_on_stdin_never_swallows_the_text() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str], input: &[u8]| check_fix_stdin(dir.path(), args, input);
    // Unreadable (binary): reported, and echoed unchanged.
    let out = run(&["-"], b"We leverage\0 it.");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(out.stdout, b"We leverage\0 it.");
    // Excluded: echoed unchanged.
    let out = run(
        &[
            "--exclude",
            "vendor",
            "--stdin-filename",
            "vendor/a.md",
            "-",
        ],
        b"We leverage it.\n",
    );
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(out.stdout, b"We leverage it.\n");
}

// ---------------------------------------------------------------------------
// Copies of the labelled corpus (third-party text: the summary below names
// files and counts, never their words).

fn corpus_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("COPYLINT_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"));
    if dir.join("labels.jsonl").is_file() {
        return Some(dir);
    }
    assert!(
        std::env::var_os("COPYLINT_REQUIRE_CORPUS").is_none(),
        "COPYLINT_REQUIRE_CORPUS is set but {} has no labels.jsonl",
        dir.display()
    );
    println!("SKIPPED: no corpus at {}", dir.display());
    None
}

/// Lines of fenced code and front matter, which fixes must not touch.
fn non_prose(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut fence: Option<&str> = None;
    for (i, line) in text.lines().enumerate() {
        let t = line.trim_start();
        if let Some(f) = fence {
            out.push(line);
            if t.starts_with(f) {
                fence = None;
            }
        } else if t.starts_with("```") || t.starts_with("~~~") {
            fence = Some(&t[..3]);
            out.push(line);
        } else if i == 0 && (t == "---" || t == "+++") {
            fence = Some(t);
            out.push(line);
        }
    }
    out
}

#[test]
fn fixing_corpus_copies_touches_only_prose_and_is_stable() {
    let Some(corpus) = corpus_dir() else { return };
    let dir = tempfile::tempdir().unwrap();
    let mut copied = Vec::new();
    for entry in std::fs::read_dir(&corpus).unwrap() {
        let path = entry.unwrap().path();
        let numbered = path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with(|c: char| c.is_ascii_digit()));
        if numbered && path.extension().is_some_and(|e| e == "md" || e == "txt") {
            let to = dir.path().join(path.file_name().unwrap());
            std::fs::copy(&path, &to).unwrap();
            // The corpus may be read-only; --fix leaves such files alone.
            let mut permissions = std::fs::metadata(&to).unwrap().permissions();
            #[allow(clippy::permissions_set_readonly_false)]
            permissions.set_readonly(false);
            std::fs::set_permissions(&to, permissions).unwrap();
            copied.push(to);
        }
    }
    assert!(!copied.is_empty());
    copied.sort();
    let before: Vec<String> = copied
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();

    // What is fixable, per file, as data (JSON `fix`).
    let report = copylint(dir.path())
        .args(["check", "--format", "json", "--fail-on", "never", "."])
        .output()
        .unwrap();
    let findings: Vec<serde_json::Value> = serde_json::from_slice(&report.stdout).unwrap();

    let diff = copylint(dir.path())
        .args(["check", "--diff", "--unsafe-fixes", "."])
        .output()
        .unwrap();
    let diff = stdout(&diff);
    for (p, text) in copied.iter().zip(&before) {
        assert_eq!(
            &std::fs::read_to_string(p).unwrap(),
            text,
            "--diff changed {}",
            p.display()
        );
    }

    let fix = copylint(dir.path())
        .args(["check", "--fix", "--unsafe-fixes", "--format", "json", "."])
        .output()
        .unwrap();
    assert_ne!(
        fix.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&fix.stderr)
    );
    assert!(!String::from_utf8_lossy(&fix.stderr).contains("did not settle"));
    let mut changed = 0;
    for (p, text) in copied.iter().zip(&before) {
        let after = std::fs::read_to_string(p).unwrap();
        assert_eq!(
            non_prose(&after),
            non_prose(text),
            "{} code or front matter changed",
            p.display()
        );
        let name = p.file_name().unwrap().to_string_lossy();
        if after != *text {
            changed += 1;
            assert!(
                diff.contains(&format!("--- a/{name}\n")),
                "{name} fixed but not in --diff"
            );
        } else {
            assert!(
                !diff.contains(&format!("--- a/{name}\n")),
                "{name} in --diff but not fixed"
            );
        }
        // The diff's new side is what --fix wrote.
        for line in diff_section(&diff, &name).lines() {
            if let Some(added) = line.strip_prefix('+').filter(|_| !line.starts_with("+++")) {
                assert!(
                    after.lines().any(|l| l == added),
                    "{name}: {added:?} not in the fixed file"
                );
            }
        }
    }
    assert!(changed > 0, "no corpus file had a fix");

    // The snapshot: per file, the fixes offered and the size of the diff.
    let mut summary = String::new();
    for p in &copied {
        let name = p.file_name().unwrap().to_string_lossy();
        let mut fixes: Vec<String> = findings
            .iter()
            .filter(|f| {
                f["path"]
                    .as_str()
                    .is_some_and(|s| s.trim_start_matches("./") == name)
            })
            .filter_map(|f| {
                Some(format!(
                    "{} ({})",
                    f["rule"].as_str()?,
                    f["fix"]["applicability"].as_str()?
                ))
            })
            .collect();
        fixes.sort();
        fixes.dedup_by(|a, b| a == b);
        let section = diff_section(&diff, &name);
        let count = |sign: char| {
            section
                .lines()
                .filter(|l| l.starts_with(sign) && !l.starts_with("+++") && !l.starts_with("---"))
                .count()
        };
        summary.push_str(&format!(
            "{name}: -{} +{} lines; {}\n",
            count('-'),
            count('+'),
            if fixes.is_empty() {
                "no fixes".to_string()
            } else {
                fixes.join(", ")
            }
        ));
    }
    snapbox::assert_data_eq!(summary, snapbox::file!["snapshots/corpus-fixes.txt"]);

    // Idempotent: fixing again changes nothing.
    let again = copylint(dir.path())
        .args(["check", "--diff", "--unsafe-fixes", "."])
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(0), "{}", stdout(&again));
    assert!(again.stdout.is_empty());
}

fn diff_section<'d>(diff: &'d str, name: &str) -> &'d str {
    let header = format!("--- a/{name}\n");
    let Some(start) = diff.find(&header) else {
        return "";
    };
    let rest = &diff[start + header.len()..];
    let end = rest.find("\n--- a/").map_or(rest.len(), |i| i + 1);
    &rest[..end]
}
