//! `--changed-since REF`: the lines added or changed relative to a git ref,
//! from `git diff --unified=0 REF`, so that a pull-request check reports only
//! findings on lines the change touched.

use std::collections::HashMap;
use std::ops::RangeInclusive;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Changed lines per file, relative to the repository root.
#[derive(Clone, Debug, Default)]
pub struct ChangedLines {
    root: PathBuf,
    files: HashMap<PathBuf, Vec<RangeInclusive<usize>>>,
}

/// Why changed lines could not be computed.
#[derive(Debug, thiserror::Error)]
pub enum ChangesError {
    #[error("--changed-since needs a git repository, and {0} is not inside one")]
    NotARepository(String),
    #[error("cannot run git: {0}")]
    Git(String),
    #[error("git diff against `{reference}` failed: {message}")]
    Diff { reference: String, message: String },
}

fn git(dir: &Path, args: &[&str]) -> Result<std::process::Output, ChangesError> {
    Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(|e| ChangesError::Git(e.to_string()))
}

impl ChangedLines {
    /// Runs git in `cwd` (any directory of the repository).
    pub fn since(cwd: &Path, reference: &str) -> Result<ChangedLines, ChangesError> {
        let top = git(cwd, &["rev-parse", "--show-toplevel"])?;
        if !top.status.success() {
            return Err(ChangesError::NotARepository(cwd.display().to_string()));
        }
        let root = PathBuf::from(String::from_utf8_lossy(&top.stdout).trim());
        let root = root.canonicalize().unwrap_or(root);
        let out = git(
            &root,
            &[
                "-c",
                "core.quotePath=false",
                "diff",
                "--unified=0",
                "--no-color",
                "--no-ext-diff",
                reference,
                "--",
            ],
        )?;
        if !out.status.success() {
            return Err(ChangesError::Diff {
                reference: reference.to_string(),
                message: String::from_utf8_lossy(&out.stderr).trim().to_string(),
            });
        }
        Ok(ChangedLines {
            root,
            files: parse_diff(&String::from_utf8_lossy(&out.stdout)),
        })
    }

    fn key(&self, path: &Path) -> Option<PathBuf> {
        let abs = path.canonicalize().ok()?;
        abs.strip_prefix(&self.root).ok().map(Path::to_path_buf)
    }

    /// Whether the file has any changed line.
    pub fn touches(&self, path: &Path) -> bool {
        self.key(path).is_some_and(|k| self.files.contains_key(&k))
    }

    /// Whether 1-based `line` of `path` was added or changed.
    pub fn contains(&self, path: &Path, line: usize) -> bool {
        self.key(path)
            .and_then(|k| self.files.get(&k))
            .is_some_and(|ranges| ranges.iter().any(|r| r.contains(&line)))
    }
}

/// Undoes git's C-style quoting of unusual paths (`"a\"b"`).
fn unquote(path: &str) -> String {
    let Some(inner) = path.strip_prefix('"').and_then(|p| p.strip_suffix('"')) else {
        return path.to_string();
    };
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some(other) => out.push(other),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Added line ranges per new-side path of a unified diff with no context.
pub fn parse_diff(diff: &str) -> HashMap<PathBuf, Vec<RangeInclusive<usize>>> {
    let mut files: HashMap<PathBuf, Vec<RangeInclusive<usize>>> = HashMap::new();
    let mut current: Option<PathBuf> = None;
    for line in diff.lines() {
        if let Some(path) = line.strip_prefix("+++ ") {
            let path = unquote(path.trim_end());
            current = path.strip_prefix("b/").map(PathBuf::from);
        } else if let Some(hunk) = line.strip_prefix("@@ ") {
            // @@ -a[,b] +c[,d] @@
            let Some(path) = &current else { continue };
            let Some(new) = hunk.split_whitespace().find(|p| p.starts_with('+')) else {
                continue;
            };
            let mut parts = new[1..].splitn(2, ',');
            let start: usize = parts.next().and_then(|s| s.parse().ok()).unwrap_or(0);
            let count: usize = parts.next().and_then(|s| s.parse().ok()).unwrap_or(1);
            if count > 0 && start > 0 {
                files
                    .entry(path.clone())
                    .or_default()
                    .push(start..=start + count - 1);
            }
        }
    }
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_added_ranges() {
        let diff = "diff --git a/docs/a.md b/docs/a.md\n--- a/docs/a.md\n+++ b/docs/a.md\n@@ -3 +3 @@\n-old\n+new\n@@ -10,0 +11,2 @@\n+x\n+y\n@@ -20,2 +22,0 @@\n-gone\n-gone\ndiff --git a/new.md b/new.md\n--- /dev/null\n+++ b/new.md\n@@ -0,0 +1,3 @@\n+a\n+b\n+c\n+++ \"b/odd \\\"name\\\".md\"\n@@ -1 +1 @@\n";
        let files = parse_diff(diff);
        assert_eq!(files[Path::new("docs/a.md")], vec![3..=3, 11..=12]);
        assert_eq!(files[Path::new("new.md")], vec![1..=3]);
        assert_eq!(files[Path::new("odd \"name\".md")], vec![1..=1]);
    }
}
