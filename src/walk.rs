//! Finding the files to lint: `ignore::WalkBuilder` (honours .gitignore,
//! skips hidden files), include globs (default: Markdown and text files) and
//! exclude globs.

use std::io;
use std::path::{Path, PathBuf};

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};

/// File types linted when walking directories, unless `include` says otherwise.
pub const DEFAULT_INCLUDE: &[&str] = &["*.md", "*.markdown", "*.mdx", "*.txt"];

/// A set of globs. A glob without `/` matches a file or directory name at any
/// depth; a glob with `/` matches the path relative to the base directory.
#[derive(Clone, Debug)]
pub struct PathFilter {
    names: GlobSet,
    paths: GlobSet,
    empty: bool,
}

impl PathFilter {
    pub fn new(globs: &[String]) -> Result<Self, globset::Error> {
        Self::build(globs, false)
    }

    /// File types to lint: as [`PathFilter::new`], but ignoring case, so
    /// `README.MD` is Markdown like `README.md`.
    pub fn file_types(globs: &[String]) -> Result<Self, globset::Error> {
        Self::build(globs, true)
    }

    fn build(globs: &[String], ignore_case: bool) -> Result<Self, globset::Error> {
        let glob = |pattern: &str| {
            GlobBuilder::new(pattern)
                .literal_separator(true)
                .case_insensitive(ignore_case)
                .build()
        };
        let mut names = GlobSetBuilder::new();
        let mut paths = GlobSetBuilder::new();
        for g in globs {
            let pattern = g.trim_start_matches("./");
            let pattern = pattern.strip_suffix('/').unwrap_or(pattern);
            if pattern.contains('/') {
                paths.add(glob(pattern)?);
                // `dir/**` also excludes `dir` itself, so the walk can prune it.
                if let Some(dir) = pattern.strip_suffix("/**") {
                    paths.add(glob(dir)?);
                }
            } else {
                names.add(glob(pattern)?);
            }
        }
        Ok(PathFilter {
            names: names.build()?,
            paths: paths.build()?,
            empty: globs.is_empty(),
        })
    }

    pub fn is_empty(&self) -> bool {
        self.empty
    }

    /// Whether `relative` (a path relative to the base) or its file name matches.
    pub fn matches(&self, relative: &Path) -> bool {
        if self.empty {
            return false;
        }
        relative.file_name().is_some_and(|n| self.names.is_match(n))
            || self.paths.is_match(relative)
    }
}

/// A path that could not be walked or read.
#[derive(Debug)]
pub struct WalkError {
    pub path: PathBuf,
    pub message: String,
}

/// Options of a walk.
#[derive(Clone, Debug)]
pub struct Walker {
    pub include: PathFilter,
    pub exclude: PathFilter,
    /// Directory globs are relative to (the configuration file's directory).
    pub base: PathBuf,
    /// The current directory, to make relative paths absolute.
    pub cwd: PathBuf,
    /// Also walk hidden files and directories.
    pub hidden: bool,
    /// Ignore .gitignore, .ignore and friends.
    pub no_ignore: bool,
}

impl Walker {
    fn relative(&self, path: &Path) -> PathBuf {
        let abs = lexical_absolute(&self.cwd, path);
        let base = lexical_absolute(&self.cwd, &self.base);
        abs.strip_prefix(&base)
            .map_or_else(|_| path.to_path_buf(), Path::to_path_buf)
    }

    /// Whether `path` matches an exclude glob (itself or a parent directory).
    pub fn excluded(&self, path: &Path) -> bool {
        !self.exclude.is_empty() && {
            let rel = self.relative(path);
            self.exclude.matches(&rel)
                || rel
                    .ancestors()
                    .skip(1)
                    .any(|a| !a.as_os_str().is_empty() && self.exclude.matches(a))
        }
    }

    /// Files under `roots`, sorted and de-duplicated. Paths named explicitly
    /// are linted whatever their extension (but `exclude` still applies).
    pub fn walk(&self, roots: &[PathBuf]) -> (Vec<PathBuf>, Vec<WalkError>) {
        let mut files = Vec::new();
        let mut errors = Vec::new();
        for root in roots {
            let meta = match std::fs::metadata(root) {
                Ok(m) => m,
                Err(e) => {
                    // A link that resolves to nothing says so.
                    let message = match std::fs::read_link(root) {
                        Ok(target) if e.kind() == io::ErrorKind::NotFound => format!(
                            "broken symbolic link (points to {}, which does not exist)",
                            target.display()
                        ),
                        _ => io_message(&e),
                    };
                    errors.push(WalkError {
                        path: root.clone(),
                        message,
                    });
                    continue;
                }
            };
            if !meta.is_dir() {
                if !self.excluded(root) {
                    files.push(root.clone());
                }
                continue;
            }
            let mut builder = ignore::WalkBuilder::new(root);
            builder
                .hidden(!self.hidden)
                .git_ignore(!self.no_ignore)
                .git_global(!self.no_ignore)
                .git_exclude(!self.no_ignore)
                .ignore(!self.no_ignore)
                .parents(!self.no_ignore)
                .require_git(false)
                .follow_links(false);
            let this = self.clone();
            builder.filter_entry(move |e| e.depth() == 0 || !this.excluded(e.path()));
            for entry in builder.build() {
                match entry {
                    Ok(e) => {
                        let is_file = e.file_type().is_some_and(|t| t.is_file());
                        if is_file && self.include_matches(e.path()) {
                            files.push(e.into_path());
                        }
                    }
                    Err(e) => errors.push(WalkError {
                        path: root.clone(),
                        message: e.to_string(),
                    }),
                }
            }
        }
        files.sort();
        files.dedup();
        (files, errors)
    }

    fn include_matches(&self, path: &Path) -> bool {
        self.include.matches(&self.relative(path))
    }
}

/// Removes `.` components (without touching the file system).
/// `path` made absolute against `cwd` with `.` and `..` resolved lexically
/// (without touching the file system, so it works for paths being created).
pub fn lexical_absolute(cwd: &Path, path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        cwd.join(path)
    };
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// An I/O error as a short message ("No such file or directory").
pub fn io_message(e: &io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

/// The path as shown in output: without a leading `./`.
pub fn display_path(p: &Path) -> String {
    let s = p.to_string_lossy();
    s.strip_prefix("./")
        .map(str::to_string)
        .unwrap_or_else(|| s.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn walker(dir: &Path, include: &[&str], exclude: &[&str]) -> Walker {
        let s = |v: &[&str]| v.iter().map(|s| (*s).to_string()).collect::<Vec<_>>();
        Walker {
            include: PathFilter::file_types(&s(include)).unwrap(),
            exclude: PathFilter::new(&s(exclude)).unwrap(),
            base: dir.to_path_buf(),
            cwd: dir.to_path_buf(),
            hidden: false,
            no_ignore: false,
        }
    }

    #[test]
    fn walks_types_honours_gitignore_hidden_and_excludes() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        for f in [
            "a.md",
            "b.txt",
            "c.rs",
            "drafts/x.md",
            "docs/y.mdx",
            ".hidden/z.md",
            "ignored/w.md",
            "docs/n.markdown",
            "docs/README.MD",
            "docs/notes.Txt",
        ] {
            let p = d.join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "x").unwrap();
        }
        std::fs::write(d.join(".gitignore"), "ignored/\n").unwrap();
        let w = walker(d, DEFAULT_INCLUDE, &["drafts/**"]);
        let (files, errors) = w.walk(&[d.to_path_buf()]);
        assert!(errors.is_empty());
        let names: Vec<String> = files
            .iter()
            .map(|f| f.strip_prefix(d).unwrap().display().to_string())
            .collect();
        assert_eq!(
            names,
            vec![
                "a.md",
                "b.txt",
                "docs/README.MD",
                "docs/n.markdown",
                "docs/notes.Txt",
                "docs/y.mdx"
            ]
        );
    }

    #[test]
    fn explicit_files_are_linted_whatever_their_type_and_missing_paths_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(d.join("notes.rst"), "x").unwrap();
        let w = walker(d, DEFAULT_INCLUDE, &["skip.md"]);
        std::fs::write(d.join("skip.md"), "x").unwrap();
        let (files, errors) =
            w.walk(&[d.join("notes.rst"), d.join("skip.md"), d.join("missing.md")]);
        assert_eq!(files, vec![d.join("notes.rst")]);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].message, "No such file or directory");
    }

    #[test]
    fn excludes_apply_to_paths_with_dot_dot() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir_all(d.join("docs")).unwrap();
        std::fs::create_dir_all(d.join("vendor/theme")).unwrap();
        std::fs::write(d.join("vendor/theme/README.md"), "x").unwrap();
        std::fs::write(d.join("docs/a.md"), "x").unwrap();
        let w = walker(d, DEFAULT_INCLUDE, &["vendor/**"]);
        // As named from inside docs/: `../vendor/...` and `..`.
        let (files, _) = w.walk(&[d.join("docs/../vendor/theme/README.md"), d.join("docs/..")]);
        assert_eq!(files, vec![d.join("docs/../docs/a.md")]);
    }

    #[test]
    fn lexical_absolute_resolves_dots() {
        assert_eq!(
            lexical_absolute(Path::new("/r/docs"), Path::new("../a/./b.md")),
            PathBuf::from("/r/a/b.md")
        );
    }

    #[test]
    fn display_paths_drop_dot_slash() {
        assert_eq!(display_path(Path::new("./a/b.md")), "a/b.md");
        assert_eq!(display_path(Path::new("a.md")), "a.md");
    }
}
