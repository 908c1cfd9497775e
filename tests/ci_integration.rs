//! CI integration, end to end on the real binary: SARIF against the official
//! schema, workflow-command escaping, --changed-since in a git repository,
//! baselines that survive moved lines, sharding, --max-warnings and
//! --output.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::{Command, Output};

fn copylint(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_copylint"))
        .current_dir(dir)
        .arg("--no-config")
        .args(args)
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn git_available() -> bool {
    Command::new("git")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .current_dir(dir)
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.com",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

const DRAFT: &str = "# Launch\n\nOur world-class team is ready.\n\nBook a demo today.\n\nWe are committed to openness.\n";

#[test]
fn sarif_output_validates_against_the_sarif_2_1_0_schema() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a draft.md"), DRAFT).unwrap();
    std::fs::write(dir.path().join("clean.md"), "Nothing to see.\n").unwrap();
    std::fs::write(dir.path().join("bad.txt"), b"caf\xe9\n").unwrap();
    let out = copylint(dir.path(), &["check", "--format", "sarif", "."]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "the unreadable file makes the run an error"
    );
    let sarif: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sarif-schema-2.1.0.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF does not validate:\n{}",
        errors.join("\n")
    );

    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert!(rules.len() > 40, "every active rule is described");
    assert!(rules.iter().all(|r| {
        r["fullDescription"]["text"]
            .as_str()
            .is_some_and(|t| !t.is_empty())
    }));
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 3);
    for r in results {
        let i = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[i]["id"], r["ruleId"]);
        assert_eq!(
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "a%20draft.md"
        );
        assert!(
            r["partialFingerprints"]["copylint/v1"]
                .as_str()
                .unwrap()
                .len()
                >= 16
        );
    }
    assert_eq!(run["invocations"][0]["executionSuccessful"], false);
}

#[test]
fn sarif_fingerprints_survive_unrelated_edits() {
    let dir = tempfile::tempdir().unwrap();
    let fps = |text: &str| -> Vec<String> {
        std::fs::write(dir.path().join("d.md"), text).unwrap();
        let out = copylint(dir.path(), &["check", "--format", "sarif", "d.md"]);
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        v["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                r["partialFingerprints"]["copylint/v1"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect()
    };
    let before = fps(DRAFT);
    let after = fps(&format!(
        "Intro paragraph added later.\n\n{}",
        DRAFT.replace("# Launch", "# Launch day")
    ));
    assert_eq!(before, after);
}

#[test]
fn github_workflow_commands_escape_paths_and_messages() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules");
    std::fs::create_dir(&rules).unwrap();
    std::fs::write(
        rules.join("r.yaml"),
        "id: odd\ncategory: cta\nseverity: error\nmessage: \"100% sure: '{match}', twice\\nnext line\"\nwhy: w\nphrases: [demo]\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("we, did: 100%.md"), "A demo.\n").unwrap();
    let out = copylint(
        dir.path(),
        &[
            "--no-default-rules",
            "--rules",
            "rules",
            "check",
            "--format",
            "github",
            "we, did: 100%.md",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stdout(&out),
        "::error file=we%2C did%3A 100%25.md,line=1,endLine=1,col=3,endColumn=7,title=copylint odd (cta)::100%25 sure: 'demo', twice%0Anext line\n"
    );
}

#[test]
fn changed_since_reports_only_changed_lines_from_any_subdirectory() {
    if !git_available() {
        println!("SKIPPED: git is not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("docs/sub")).unwrap();
    let original =
        "Our world-class team.\n\nA plain line.\n\nAnother plain line.\n\nOur cutting-edge app.\n";
    std::fs::write(root.join("docs/post.md"), original).unwrap();
    std::fs::write(
        root.join("docs/other.md"),
        "A seamless world-class product.\n",
    )
    .unwrap();
    git(root, &["init", "-q"]);
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "base"]);
    // Edit in the middle of the file.
    let edited = original.replace("Another plain line.", "Another revolutionary line.");
    std::fs::write(root.join("docs/post.md"), edited).unwrap();

    let out = copylint(
        &root.join("docs/sub"),
        &[
            "check",
            "--format",
            "concise",
            "--changed-since",
            "HEAD",
            "..",
        ],
    );
    assert_eq!(
        stdout(&out),
        "../post.md:5:9: warning[puffery-innovation] Puffery: 'revolutionary' claims novelty without naming what is new\n"
    );
    assert_eq!(out.status.code(), Some(1));

    let clean = copylint(root, &["check", "--changed-since", "HEAD", "docs/other.md"]);
    assert_eq!(
        clean.status.code(),
        Some(0),
        "unchanged files report nothing"
    );

    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("x.md"), "Hi.\n").unwrap();
    let err = copylint(
        outside.path(),
        &["check", "--changed-since", "HEAD", "x.md"],
    );
    assert_eq!(err.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&err.stderr).contains("needs a git repository"));
    // From outside the repository, a path inside it picks the repository.
    let docs = root.join("docs");
    let from_outside = copylint(
        outside.path(),
        &[
            "check",
            "--format",
            "concise",
            "--changed-since",
            "HEAD",
            docs.to_str().unwrap(),
        ],
    );
    assert_eq!(
        from_outside.status.code(),
        Some(1),
        "{}",
        stdout(&from_outside)
    );
    assert!(stdout(&from_outside).contains("post.md:5:9: warning[puffery-innovation]"));

    let bad_ref = copylint(root, &["check", "--changed-since", "no-such-ref", "docs"]);
    assert_eq!(bad_ref.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&bad_ref.stderr).contains("git diff against `no-such-ref` failed")
    );
}

#[test]
fn a_baseline_survives_lines_inserted_above_a_finding() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("post.md"), DRAFT).unwrap();
    let write = copylint(
        d,
        &[
            "check",
            "--format",
            "concise",
            "--write-baseline",
            "baseline.json",
            ".",
        ],
    );
    assert_eq!(
        write.status.code(),
        Some(0),
        "recorded findings are accepted: {}",
        String::from_utf8_lossy(&write.stderr)
    );
    assert!(
        String::from_utf8_lossy(&write.stdout).contains("post.md:"),
        "the findings are still shown"
    );
    let recorded: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("baseline.json")).unwrap()).unwrap();
    assert_eq!(recorded["findings"].as_array().unwrap().len(), 3);

    // Insert lines above the findings and add one new problem.
    std::fs::write(
        d.join("post.md"),
        format!("Intro.\n\nMore intro.\n\n{DRAFT}\nA seamless finish.\n"),
    )
    .unwrap();
    let out = copylint(
        d,
        &[
            "check",
            "--format",
            "concise",
            "--baseline",
            "baseline.json",
            ".",
        ],
    );
    assert_eq!(
        stdout(&out),
        "post.md:13:3: warning[puffery-ease] Puffery: 'seamless' promises ease without measuring it\n"
    );

    // From a subdirectory, paths are still matched relative to the baseline.
    std::fs::create_dir(d.join("sub")).unwrap();
    let sub = copylint(
        &d.join("sub"),
        &[
            "check",
            "--format",
            "concise",
            "--baseline",
            "../baseline.json",
            "..",
        ],
    );
    assert_eq!(
        stdout(&sub),
        "../post.md:13:3: warning[puffery-ease] Puffery: 'seamless' promises ease without measuring it\n"
    );

    std::fs::write(d.join("broken.json"), "{}").unwrap();
    let broken = copylint(d, &["check", "--baseline", "broken.json", "."]);
    assert_eq!(broken.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&broken.stderr).contains("not a copylint baseline"));
}

#[test]
fn shards_partition_the_files_and_merge_to_the_full_run() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for i in 0..30 {
        std::fs::create_dir_all(d.join(format!("dir{}", i % 4))).unwrap();
        std::fs::write(
            d.join(format!("dir{}/post-{i}.md", i % 4)),
            format!("Post {i}.\n\nOur world-class team.\n"),
        )
        .unwrap();
    }
    let lines = |o: &Output| -> Vec<String> { stdout(o).lines().map(String::from).collect() };
    let full = lines(&copylint(d, &["check", "--format", "concise", "."]));
    assert_eq!(full.len(), 30);
    let mut merged = Vec::new();
    for k in 1..=3 {
        let shard = lines(&copylint(
            d,
            &[
                "check",
                "--format",
                "concise",
                "--shard",
                &format!("{k}/3"),
                ".",
            ],
        ));
        assert!(
            !shard.is_empty() && shard.len() < 30,
            "shard {k} has {} files",
            shard.len()
        );
        merged.extend(shard);
    }
    merged.sort();
    let mut sorted_full = full.clone();
    sorted_full.sort();
    assert_eq!(merged, sorted_full);
    let again = lines(&copylint(
        d,
        &["check", "--format", "concise", "--shard", "2/3", "."],
    ));
    let twice = lines(&copylint(
        d,
        &["check", "--format", "concise", "--shard", "2/3", "."],
    ));
    assert_eq!(again, twice, "sharding is deterministic");
    let bad = copylint(d, &["check", "--shard", "4/3", "."]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn max_warnings_and_output_file() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("post.md"), DRAFT).unwrap();
    let ok = copylint(
        d,
        &[
            "check",
            "--fail-on",
            "never",
            "--max-warnings",
            "3",
            "post.md",
        ],
    );
    assert_eq!(ok.status.code(), Some(0));
    let over = copylint(
        d,
        &[
            "check",
            "--fail-on",
            "never",
            "--max-warnings",
            "2",
            "post.md",
        ],
    );
    assert_eq!(over.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&over.stderr).contains("3 warnings exceed --max-warnings 2"));

    let to_report = [
        "check",
        "--format",
        "json",
        "--output",
        "report.json",
        "post.md",
    ];
    let out = copylint(d, &to_report);
    assert_eq!(out.status.code(), Some(1), "--output keeps the exit code");
    assert!(out.stdout.is_empty());
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("report.json")).unwrap()).unwrap();
    assert_eq!(report.as_array().unwrap().len(), 3);
    #[cfg(unix)]
    {
        // An ordinary file, not a private temporary one; a rewritten report
        // keeps the mode it had.
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &str| std::fs::metadata(d.join(p)).unwrap().permissions().mode() & 0o777;
        // Whatever the umask, the mode an ordinary new file gets here.
        std::fs::write(d.join("probe"), "").unwrap();
        assert_eq!(mode("report.json"), mode("probe"));
        std::fs::set_permissions(
            d.join("report.json"),
            std::fs::Permissions::from_mode(0o640),
        )
        .unwrap();
        copylint(d, &to_report);
        assert_eq!(mode("report.json"), 0o640);
    }
}

#[test]
fn pre_commit_hook_blocks_a_bad_draft_and_passes_a_clean_one() {
    let have = |cmd: &str| {
        Command::new(cmd)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if !git_available() || !have("pre-commit") {
        println!("SKIPPED: needs git and pre-commit on PATH (pip install pre-commit)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    git(root, &["init", "-q"]);
    // The hook as a user would declare it, pointing at the binary under test.
    let config = format!(
        "repos:\n  - repo: local\n    hooks:\n      - id: copylint\n        name: copylint\n        entry: {} check\n        language: system\n        types: [text]\n        files: '(?i)\\.(md|markdown|mdx|txt)$'\n",
        env!("CARGO_BIN_EXE_copylint").replace('\\', "/")
    );
    std::fs::write(root.join(".pre-commit-config.yaml"), config).unwrap();
    git(root, &["add", ".pre-commit-config.yaml"]);
    git(root, &["commit", "-q", "-m", "config"]);
    let install = Command::new("pre-commit")
        .current_dir(root)
        .arg("install")
        .output()
        .unwrap();
    assert!(
        install.status.success(),
        "{}",
        String::from_utf8_lossy(&install.stderr)
    );

    let commit = |file: &str, text: &str| -> Output {
        std::fs::write(root.join(file), text).unwrap();
        git(root, &["add", file]);
        Command::new("git")
            .current_dir(root)
            .args([
                "-c",
                "user.name=t",
                "-c",
                "user.email=t@example.com",
                "-c",
                "commit.gpgsign=false",
                "commit",
                "-q",
                "-m",
                file,
            ])
            .output()
            .unwrap()
    };
    let bad = commit("bad.md", "Book a demo today with our world-class team.\n");
    assert!(!bad.status.success(), "a draft with findings is blocked");
    let shown = format!(
        "{}{}",
        String::from_utf8_lossy(&bad.stdout),
        String::from_utf8_lossy(&bad.stderr)
    );
    assert!(shown.contains("cta-book-a-meeting"), "{shown}");
    git(root, &["rm", "-q", "--cached", "bad.md"]);
    // Configuration and code are not prose, whatever words they hold.
    let config = commit("ci.yml", "# Our world-class pipeline\nrun: book-a-demo\n");
    assert!(
        config.status.success(),
        "a YAML file is not linted: {}",
        String::from_utf8_lossy(&config.stdout)
    );
    let good = commit(
        "good.md",
        "The release adds dark mode and fixes two crashes.\n",
    );
    assert!(
        good.status.success(),
        "a clean draft passes: {}",
        String::from_utf8_lossy(&good.stdout)
    );
}

#[test]
fn shipped_hook_and_action_definitions_are_well_formed() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let hooks: serde_json::Value = serde_saphyr::from_str(
        &std::fs::read_to_string(root.join(".pre-commit-hooks.yaml")).unwrap(),
    )
    .unwrap();
    let hook = &hooks[0];
    assert_eq!(hook["id"], "copylint");
    assert_eq!(hook["language"], "rust");
    assert_eq!(hook["entry"], "copylint check");
    assert_eq!(hook["types"], serde_json::json!(["text"]));
    let files = regex::Regex::new(hook["files"].as_str().unwrap()).unwrap();
    for (path, linted) in [
        ("docs/post.md", true),
        ("README.MD", true),
        ("notes.txt", true),
        ("page.mdx", true),
        ("a.markdown", true),
        (".github/workflows/ci.yml", false),
        ("src/main.rs", false),
        ("md.json", false),
    ] {
        assert_eq!(files.is_match(path), linted, "{path}");
    }

    let action: serde_json::Value =
        serde_saphyr::from_str(&std::fs::read_to_string(root.join("action.yml")).unwrap()).unwrap();
    for input in [
        "paths",
        "format",
        "fail-on",
        "changed-since",
        "version",
        "sarif",
    ] {
        assert!(
            action["inputs"][input].is_object(),
            "action input `{input}`"
        );
    }
    assert_eq!(action["inputs"]["format"]["default"], "github");
    assert_eq!(action["runs"]["using"], "composite");
}

#[test]
fn the_action_lint_step_honours_the_configured_threshold() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let action: serde_json::Value =
        serde_saphyr::from_str(&std::fs::read_to_string(root.join("action.yml")).unwrap()).unwrap();
    let steps = action["runs"]["steps"].as_array().unwrap();
    let lint = steps.iter().find(|s| s["name"] == "Lint").unwrap();
    let script = lint["run"].as_str().unwrap();
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_copylint")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );

    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Warnings only, and a repository that fails only on errors.
    std::fs::write(d.join("post.md"), "Our world-class team is ready.\n").unwrap();
    std::fs::write(d.join(".copylint.yaml"), "fail_on: error\n").unwrap();
    let run = |fail_on: &str| {
        Command::new("bash")
            .current_dir(d)
            .args(["-eo", "pipefail", "-c", script])
            .env("PATH", &path)
            .env("PATHS", "post.md")
            .env("FORMAT", "concise")
            .env("FAIL_ON", fail_on)
            .env("CHANGED_SINCE", "")
            .env("SARIF", "false")
            .output()
            .unwrap()
    };
    let configured = run("");
    assert_eq!(
        configured.status.code(),
        Some(0),
        "the default takes fail_on from .copylint.yaml: {}{}",
        stdout(&configured),
        String::from_utf8_lossy(&configured.stderr)
    );
    assert!(stdout(&configured).contains("post.md:1:5: warning["));
    assert_eq!(
        action["inputs"]["fail-on"]["default"], "",
        "no default input overrides the configuration"
    );
    let explicit = run("warning");
    assert_eq!(explicit.status.code(), Some(1), "an explicit input wins");
}
