//! CLI behaviour that snapshots cannot express: a closed output pipe, output
//! order under different thread counts, colour control.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

fn copylint() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_copylint"));
    cmd.arg("--no-config");
    cmd
}

/// Runs copylint with its standard output closed before it has started
/// writing (`| head -c 0`).
fn with_stdout_closed(args: &[&std::ffi::OsStr]) -> std::process::Output {
    let mut child = copylint()
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    child.wait_with_output().unwrap()
}

/// A directory of drafts with many findings each.
fn drafts(dir: &Path, files: usize) {
    let para = "Our world-class, cutting-edge platform is seamless. Book a demo today! \
                We are committed to excellence. Studies show it works.\n\n";
    for i in 0..files {
        std::fs::write(dir.join(format!("draft-{i:03}.md")), para.repeat(20)).unwrap();
    }
}

#[test]
fn a_closed_pipe_ends_the_run_quietly() {
    let dir = tempfile::tempdir().unwrap();
    drafts(dir.path(), 40);
    let mut child = copylint()
        .args(["--color", "never", "check"])
        .arg(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read one chunk, then close the pipe like `| head -1` does.
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 64];
    std::io::Read::read_exact(&mut stdout, &mut first).unwrap();
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "status {:?}", out.status);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("panicked") && !stderr.contains("Broken pipe"),
        "stderr: {stderr}"
    );
}

/// Runs `copylint check --fix ARGS DIR` with standard output closed, over
/// drafts written into DIR by `draft(i)` for each of `files`, and checks
/// that the run stopped within about one chunk of 256 files: at least one
/// file was fixed, and fewer than a chunk and a half.
fn assert_fix_stops_within_a_chunk(files: usize, draft: impl Fn(usize) -> String, args: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..files {
        std::fs::write(dir.path().join(format!("d-{i:04}.md")), draft(i)).unwrap();
    }
    let mut argv: Vec<&std::ffi::OsStr> = vec!["check".as_ref(), "--fix".as_ref()];
    argv.extend(args.iter().map(std::ffi::OsStr::new));
    argv.push(dir.path().as_os_str());
    let out = with_stdout_closed(&argv);
    let fixed = (0..files)
        .filter(|&i| {
            let path = dir.path().join(format!("d-{i:04}.md"));
            std::fs::read_to_string(path).unwrap() != draft(i)
        })
        .count();
    assert!(
        fixed >= 1,
        "the first chunk is fixed before anything is written"
    );
    assert!(
        fixed < 256 + 128,
        "{fixed} files fixed after the pipe closed; stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn fix_stops_taking_files_once_the_report_cannot_be_written() {
    // Files are linted (and fixed) in chunks of 256 while the previous
    // chunk's report is written. Once the report hits a closed pipe, the
    // chunk in flight stops taking files: only the files linted before
    // that are rewritten, not a second whole chunk that no report shows.
    let draft = "The app is super easy and incredibly fast. Book a demo today!\n\n".repeat(4);
    assert_fix_stops_within_a_chunk(768, |_| draft.clone(), &["--color", "never"]);
}

#[test]
fn fix_stops_within_a_chunk_whose_report_is_short() {
    // A chunk whose report fits the buffer (here 16 short lines: the other
    // files' one finding is fixed, so not reported) writes nothing until
    // its end: each chunk's report is flushed before the next chunk is
    // taken, so a closed pipe still stops the run within a chunk, not once
    // several chunks' reports have filled the buffer.
    let draft = |i: usize| {
        let cta = if i.is_multiple_of(16) {
            " Book a demo today!"
        } else {
            ""
        };
        format!("The setup is incredibly fast.{cta}\n")
    };
    assert_fix_stops_within_a_chunk(1280, draft, &["--format", "concise"]);
}

#[test]
fn a_pipe_closed_before_any_output_ends_every_listing_quietly() {
    for args in [
        &["rules", "--format", "json"][..],
        &["rules"],
        &["rules", "--format", "markdown"],
    ] {
        let mut all: Vec<&std::ffi::OsStr> = vec!["--color".as_ref(), "never".as_ref()];
        all.extend(args.iter().map(std::ffi::OsStr::new));
        let out = with_stdout_closed(&all);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{args:?}: {:?} {stderr}", out.status);
        assert!(!stderr.contains("Broken pipe"), "{args:?}: {stderr}");
    }
}

#[test]
fn output_is_the_same_whatever_the_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    drafts(dir.path(), 120);
    let run = |threads: &str| {
        copylint()
            .env("RAYON_NUM_THREADS", threads)
            .args(["check", "--format", "json"])
            .arg(dir.path())
            .output()
            .unwrap()
    };
    let one = run("1");
    let many = run("8");
    assert_eq!(one.status.code(), Some(1));
    assert!(!one.stdout.is_empty());
    assert!(
        one.stdout == many.stdout,
        "output differs between 1 and 8 threads"
    );
    let findings: Vec<serde_json::Value> = serde_json::from_slice(&one.stdout).unwrap();
    let keys: Vec<(String, u64, u64)> = findings
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted, "findings are sorted by path and position");
}

#[test]
fn colours_follow_the_color_flag() {
    let run = |args: &[&str], no_color: bool| {
        let mut cmd = copylint();
        cmd.args(args)
            .args(["check", "-"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped());
        if no_color {
            cmd.env("NO_COLOR", "1");
        } else {
            cmd.env_remove("NO_COLOR");
        }
        let mut child = cmd.spawn().unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(b"A world-class team.\n")
            .unwrap();
        String::from_utf8(child.wait_with_output().unwrap().stdout).unwrap()
    };
    assert!(
        run(&["--color", "always"], false).contains("\x1b["),
        "--color always colours output"
    );
    assert!(
        !run(&["--color", "never"], false).contains("\x1b["),
        "--color never does not"
    );
    assert!(
        !run(&[], false).contains("\x1b["),
        "auto is off when stdout is not a terminal"
    );
    assert!(!run(&[], true).contains("\x1b["), "NO_COLOR is honoured");
}

#[test]
fn stdin_is_markdown_unless_named_otherwise() {
    let run = |args: &[&str]| {
        let mut child = copylint()
            .args(["check", "--format", "concise"])
            .args(args)
            .arg("-")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(b"Intro.\n\n    book a demo today\n")
            .unwrap();
        String::from_utf8(child.wait_with_output().unwrap().stdout).unwrap()
    };
    // Indented code in Markdown is not prose; in plain text it is.
    assert_eq!(run(&[]), "");
    assert!(
        run(&["--stdin-filename", "notes.txt"])
            .starts_with("notes.txt:3:5: warning[cta-book-a-meeting]")
    );
}
