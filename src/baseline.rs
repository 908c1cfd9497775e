//! Baselines: record today's findings (path, rule, fingerprint) and report
//! only new ones later. Fingerprints hash the matched text and its sentence,
//! not line numbers, so a baseline survives lines moving.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::walk::lexical_absolute as absolute;

use serde::{Deserialize, Serialize};

const VERSION: u32 = 1;

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct BaselineFile {
    version: u32,
    findings: Vec<Entry>,
}

/// One recorded finding.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub path: String,
    pub rule: String,
    pub fingerprint: String,
}

/// Why a baseline could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    #[error("cannot read baseline {path}: {message}")]
    Read { path: String, message: String },
    #[error("{path}: not a copylint baseline: {message}")]
    Parse { path: String, message: String },
    #[error("cannot write baseline {path}: {message}")]
    Write { path: String, message: String },
}

/// Recorded findings, with the directory their paths are relative to.
#[derive(Debug, Default)]
pub struct Baseline {
    dir: PathBuf,
    remaining: HashMap<Entry, usize>,
}

/// `path` relative to `dir`, with `/` separators, as baselines store it.
pub fn relative_key(dir: &Path, cwd: &Path, path: &Path) -> String {
    let abs = absolute(cwd, path);
    let rel = abs.strip_prefix(dir).map_or(abs.as_path(), |p| p);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

impl Baseline {
    /// Reads a baseline; paths in it are relative to its directory.
    pub fn load(path: &Path, cwd: &Path) -> Result<Baseline, BaselineError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| BaselineError::Read {
            path: shown.clone(),
            message: crate::walk::io_message(&e),
        })?;
        let file: BaselineFile = serde_json::from_str(&text).map_err(|e| BaselineError::Parse {
            path: shown.clone(),
            message: e.to_string(),
        })?;
        if file.version != VERSION {
            return Err(BaselineError::Parse {
                path: shown,
                message: format!("unsupported version {} (expected {VERSION})", file.version),
            });
        }
        let mut remaining = HashMap::new();
        for e in file.findings {
            *remaining.entry(e).or_insert(0) += 1;
        }
        Ok(Baseline {
            dir: baseline_dir(path, cwd),
            remaining,
        })
    }

    /// The directory baseline paths are relative to.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Whether a finding is recorded; each recorded finding matches once.
    pub fn take(&mut self, entry: &Entry) -> bool {
        match self.remaining.get_mut(entry) {
            Some(n) if *n > 0 => {
                *n -= 1;
                true
            }
            _ => false,
        }
    }
}

/// The directory of a baseline file, absolute.
pub fn baseline_dir(path: &Path, cwd: &Path) -> PathBuf {
    absolute(cwd, path.parent().unwrap_or(Path::new("")))
}

/// Writes `entries` (sorted) as a baseline, atomically.
pub fn write(path: &Path, mut entries: Vec<Entry>) -> Result<(), BaselineError> {
    entries.sort();
    let file = BaselineFile {
        version: VERSION,
        findings: entries,
    };
    let err = |e: std::io::Error| BaselineError::Write {
        path: path.display().to_string(),
        message: crate::walk::io_message(&e),
    };
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(err)?;
    let json = serde_json::to_string_pretty(&file).map_err(|e| BaselineError::Write {
        path: path.display().to_string(),
        message: e.to_string(),
    })?;
    tmp.write_all(json.as_bytes()).map_err(err)?;
    tmp.write_all(b"\n").map_err(err)?;
    tmp.persist(path).map_err(|e| err(e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_relative_to_the_baseline_directory() {
        let cwd = Path::new("/repo/docs");
        assert_eq!(
            relative_key(Path::new("/repo"), cwd, Path::new("./a/b.md")),
            "docs/a/b.md"
        );
        assert_eq!(
            relative_key(Path::new("/repo"), cwd, Path::new("../x.md")),
            "x.md"
        );
    }

    #[test]
    fn round_trip_and_counts() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("baseline.json");
        let e = Entry {
            path: "a.md".into(),
            rule: "r".into(),
            fingerprint: "f".into(),
        };
        write(&path, vec![e.clone(), e.clone()]).unwrap();
        let mut b = Baseline::load(&path, dir.path()).unwrap();
        assert!(b.take(&e));
        assert!(b.take(&e));
        assert!(!b.take(&e));
        std::fs::write(&path, "{\"version\": 9, \"findings\": []}").unwrap();
        assert!(
            Baseline::load(&path, dir.path())
                .unwrap_err()
                .to_string()
                .contains("unsupported version 9")
        );
    }
}
