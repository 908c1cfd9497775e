//! Hostile input, end to end: each odd file is linted next to a control file
//! with a known finding, and the test checks the message, the exit code, and
//! that the control file was still linted. Then hostile rules.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::{Command, Output};

const CONTROL: &str = "control.md";

fn copylint(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_copylint"))
        .current_dir(dir)
        .args(["--no-config", "--color", "never"])
        .args(args)
        .output()
        .unwrap()
}

/// Runs `check --format json` on `paths` plus the control file; returns
/// (exit code, stderr, findings).
fn check(dir: &Path, paths: &[&str]) -> (i32, String, Vec<serde_json::Value>) {
    let mut args = vec!["check", "--format", "json"];
    args.extend_from_slice(paths);
    args.push(CONTROL);
    let out = copylint(dir, &args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let findings: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}); stderr: {stderr}"));
    assert!(
        findings.iter().any(|f| f["path"] == CONTROL),
        "the control file was not linted next to {paths:?}; stderr: {stderr}"
    );
    (out.status.code().unwrap(), stderr, findings)
}

fn of<'a>(findings: &'a [serde_json::Value], path: &str) -> Vec<&'a serde_json::Value> {
    findings.iter().filter(|f| f["path"] == path).collect()
}

fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(CONTROL), "Book a demo today.\n").unwrap();
    dir
}

#[test]
fn empty_whitespace_bom_and_line_endings() {
    let dir = setup();
    let d = dir.path();
    std::fs::write(d.join("empty.md"), "").unwrap();
    std::fs::write(d.join("blank.md"), "  \n\t\n \r\n").unwrap();
    std::fs::write(d.join("bom.md"), "\u{FEFF}Book a demo today.\n").unwrap();
    std::fs::write(d.join("crlf.md"), "One.\r\n\r\nBook a demo today.\r\n").unwrap();
    std::fs::write(d.join("cr.md"), "One.\r\rBook a demo today.\r").unwrap();
    let (code, stderr, findings) =
        check(d, &["empty.md", "blank.md", "bom.md", "crlf.md", "cr.md"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.is_empty(), "{stderr}");
    assert!(of(&findings, "empty.md").is_empty() && of(&findings, "blank.md").is_empty());
    let bom = of(&findings, "bom.md");
    assert_eq!(
        (bom[0]["line"].as_u64(), bom[0]["column"].as_u64()),
        (Some(1), Some(1))
    );
    for path in ["crlf.md", "cr.md"] {
        let f = of(&findings, path);
        assert_eq!(f[0]["line"].as_u64(), Some(3), "{path}: {f:?}");
        assert_eq!(f[0]["matched"], "Book a demo today.", "{path}");
    }
}

#[test]
fn unreadable_encodings_are_reported_and_skipped() {
    let dir = setup();
    let d = dir.path();
    std::fs::write(d.join("latin1.md"), b"Caf\xe9 and a world-class team.\n").unwrap();
    std::fs::write(d.join("binary.md"), b"PK\x03\x04\x00\x00 Book a demo.").unwrap();
    let (code, stderr, findings) = check(d, &["latin1.md", "binary.md"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("latin1.md: not valid UTF-8 (first invalid byte on line 1)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("binary.md: binary file (contains NUL bytes), skipped"),
        "{stderr}"
    );
    assert!(of(&findings, "latin1.md").is_empty() && of(&findings, "binary.md").is_empty());
}

#[test]
fn huge_lines_and_deep_nesting_are_linted() {
    let dir = setup();
    let d = dir.path();
    // 10 MB on one line, a claim at each end.
    let line = format!(
        "Our world-class tool. {}Our world-class tool.",
        "The river rose 3 cm on 4 May. ".repeat(350_000)
    );
    std::fs::write(d.join("long.md"), &line).unwrap();
    let lists: String = (0..10_000)
        .map(|i| format!("{}- item\n", "  ".repeat(i)))
        .collect();
    std::fs::write(d.join("lists.md"), lists).unwrap();
    std::fs::write(
        d.join("quotes.md"),
        format!("{} Book a demo today.\n", ">".repeat(10_000)),
    )
    .unwrap();
    std::fs::write(
        d.join("mixed.md"),
        format!("{}Book a demo today.\n", "> - ".repeat(5_000)),
    )
    .unwrap();
    let (code, stderr, findings) = check(d, &["long.md", "lists.md", "quotes.md", "mixed.md"]);
    assert_eq!(code, 1, "{stderr}");
    let long: Vec<_> = of(&findings, "long.md")
        .into_iter()
        .filter(|f| f["rule"] == "puffery-superiority")
        .collect();
    assert_eq!(long.len(), 2, "{long:?}");
    assert_eq!(long[1]["column"].as_u64(), Some(line.len() as u64 - 16));
    assert_eq!(of(&findings, "quotes.md").len(), 1);
    assert_eq!(of(&findings, "mixed.md").len(), 1);
}

#[test]
fn an_unclosed_fence_runs_to_the_end_and_is_never_linted() {
    let dir = setup();
    let d = dir.path();
    std::fs::write(
        d.join("fence.md"),
        "Intro.\n\n```\nBook a demo today.\nWe leverage synergy.\n",
    )
    .unwrap();
    let (code, stderr, findings) = check(d, &["fence.md"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(of(&findings, "fence.md").is_empty(), "{findings:?}");
}

#[cfg(unix)]
#[test]
fn links_permissions_directories_and_missing_paths() {
    use std::os::unix::fs::{PermissionsExt, symlink};
    let dir = setup();
    let d = dir.path();
    symlink("nowhere.md", d.join("broken.md")).unwrap();
    symlink("loop-b.md", d.join("loop-a.md")).unwrap();
    symlink("loop-a.md", d.join("loop-b.md")).unwrap();
    std::fs::create_dir(d.join("notes.md")).unwrap();
    std::fs::write(
        d.join("notes.md/inside.md"),
        "Sign up for our newsletter.\n",
    )
    .unwrap();

    // Named: each is an error with its reason.
    let (code, stderr, findings) = check(d, &["broken.md", "loop-a.md", "missing.md", "notes.md"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("broken.md: broken symbolic link (points to nowhere.md"),
        "{stderr}"
    );
    assert!(
        stderr.contains("loop-a.md: Too many levels of symbolic links"),
        "{stderr}"
    );
    assert!(
        stderr.contains("missing.md: No such file or directory"),
        "{stderr}"
    );
    // A directory named like a Markdown file is walked as a directory.
    assert_eq!(of(&findings, "notes.md/inside.md").len(), 1, "{findings:?}");

    // Walked: links are not followed, so neither breaks the run.
    let out = copylint(d, &["check", "--format", "json", "."]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // Unreadable: reported, the rest still linted. Permissions do not bind
    // root, so a file whose every read fails stands in for it there.
    std::fs::write(d.join("secret.md"), "Book a demo.\n").unwrap();
    std::fs::set_permissions(d.join("secret.md"), std::fs::Permissions::from_mode(0o000)).unwrap();
    let (unreadable, reason) = if std::fs::read(d.join("secret.md")).is_err() {
        ("secret.md", "secret.md: Permission denied")
    } else {
        symlink("/proc/self/mem", d.join("mem.md")).unwrap();
        ("mem.md", "mem.md: Input/output error")
    };
    let (code, stderr, _) = check(d, &[unreadable]);
    assert_eq!(code, 2);
    assert!(stderr.contains(reason), "{stderr}");
}

// ---------------------------------------------------------------------------
// Hostile rules.

fn rule_dir(rules: &[(&str, String)]) -> tempfile::TempDir {
    let dir = setup();
    std::fs::create_dir(dir.path().join("rules")).unwrap();
    for (name, text) in rules {
        std::fs::write(dir.path().join("rules").join(name), text).unwrap();
    }
    dir
}

#[test]
fn a_catastrophic_looking_regex_is_linear() {
    let dir = rule_dir(&[(
        "nested.yaml",
        "id: nested\ncategory: cta\nmessage: m\nwhy: w\npatterns: ['(?m)(a+)+$']\n".into(),
    )]);
    // Backtracking engines take exponential time on the first paragraph; the
    // regex crate's automata take one pass. The second paragraph matches, so
    // the pattern runs over the whole text (not only the prefilter).
    std::fs::write(
        dir.path().join("long.md"),
        format!("{}b\n\naaa\n", "a".repeat(200_000)),
    )
    .unwrap();
    let out = copylint(
        dir.path(),
        &[
            "check",
            "--no-default-rules",
            "--rules",
            "rules",
            "--format",
            "concise",
            "long.md",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "long.md:3:1: warning[nested] m\n"
    );
}

#[test]
fn oversized_rules_fail_with_a_location_and_no_partial_output() {
    let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
    for i in 1..10 {
        let refs = vec![format!("*a{}", i - 1); 9].join(", ");
        bomb.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
    }
    bomb.push_str("id: bomb\ncategory: cta\nmessage: m\nwhy: w\nphrases: *a9\n");
    for (name, text, expected) in [
        (
            "big.yaml",
            "id: big\ncategory: cta\nmessage: m\nwhy: w\npatterns: ['\\w{500}\\w{500}\\w{500}']\n"
                .to_string(),
            "rules/big.yaml:5:12: regex is too large once compiled",
        ),
        (
            "bomb.yaml",
            bomb,
            "rules/bomb.yaml:6:15: the file is too large or too deeply nested to load",
        ),
    ] {
        let dir = rule_dir(&[(name, text)]);
        let out = copylint(dir.path(), &["check", "--rules", "rules", CONTROL]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {stderr}");
        assert!(stderr.contains(expected), "{name}: {stderr}");
        assert!(
            out.stdout.is_empty(),
            "{name}: partial output before the error"
        );
    }
}

#[test]
fn thousands_of_rules_load() {
    let rules: Vec<(String, String)> = (0..3_000)
        .map(|i| {
            (
                format!("r{i}.yaml"),
                format!(
                    "id: r{i}\ncategory: unspecific\nmessage: m\nwhy: w\nphrases: [term {i}]\npatterns: ['\\bword{i}\\b']\n"
                ),
            )
        })
        .collect();
    let refs: Vec<(&str, String)> = rules.iter().map(|(n, t)| (n.as_str(), t.clone())).collect();
    let dir = rule_dir(&refs);
    std::fs::write(
        dir.path().join("draft.md"),
        "We use term 2999 and word17.\n",
    )
    .unwrap();
    let out = copylint(
        dir.path(),
        &[
            "check",
            "--no-default-rules",
            "--rules",
            "rules",
            "--format",
            "concise",
            "draft.md",
        ],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("[r2999]") && stdout.contains("[r17]"),
        "{stdout}"
    );
}
