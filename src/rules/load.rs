//! Reading rule and list files: the shipped packs embedded in the binary and
//! user rule directories on disk. Every error carries `file:line:column`.

use std::fmt;
use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};
use serde_saphyr::{Location, MessageFormatter, Spanned};

use super::spec::{ListSpec, Probe, RuleSpec};

/// The default rule packs, embedded at build time.
static BUILTIN: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/rules");

/// Where a rule or list came from.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Origin {
    /// A shipped file, by its path in the repository (`rules/cta/….yaml`).
    Builtin(String),
    /// A user file on disk.
    File(PathBuf),
    /// Text handed to the library directly (tests, `--config` vocabulary).
    Inline(String),
}

impl Origin {
    pub fn is_builtin(&self) -> bool {
        matches!(self, Origin::Builtin(_))
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Builtin(p) => f.write_str(p),
            Origin::File(p) => write!(f, "{}", p.display()),
            Origin::Inline(name) => f.write_str(name),
        }
    }
}

/// A rule, list or configuration error at a place in a file.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct RuleError {
    pub path: String,
    /// 1-based; 0 when the place is unknown.
    pub line: u64,
    pub column: u64,
    pub message: String,
}

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 {
            write!(
                f,
                "{}:{}:{}: {}",
                self.path, self.line, self.column, self.message
            )
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

impl RuleError {
    /// Errors that a file which failed to load can cause elsewhere (a rule
    /// naming a list or base rule defined in the broken file, a selection
    /// naming its rules).
    pub fn may_follow_from_load_errors(&self) -> bool {
        self.message.starts_with("unknown list or class")
            || self.message.starts_with("unknown rule or category")
            || self.message.contains("names no known rule")
    }

    pub fn new(origin: &Origin, location: Option<Location>, message: impl Into<String>) -> Self {
        let (line, column) = location.map_or((0, 0), |l| (l.line(), l.column()));
        RuleError {
            path: origin.to_string(),
            line,
            column,
            message: message.into(),
        }
    }

    pub fn at<T>(origin: &Origin, spanned: &Spanned<T>, message: impl Into<String>) -> Self {
        Self::new(origin, Some(spanned.referenced), message)
    }

    /// Converts a YAML parse or schema error in `text`. An error the parser
    /// reports without a place (serde's "duplicate field", from keys it
    /// only sees as equal once tags are resolved) is placed at the key's
    /// second use, else at the start of the file: every error is located.
    pub fn from_yaml(origin: &Origin, text: &str, err: &serde_saphyr::Error) -> Self {
        let mut e = Self::from_yaml_unlocated(origin, err);
        if e.line == 0 {
            let key = e
                .message
                .split_once("duplicate field `")
                .and_then(|(_, rest)| rest.split_once('`'))
                .map(|(key, _)| key);
            let (line, column) = key.and_then(|k| key_use(text, k, 2)).unwrap_or((1, 1));
            e.line = line as u64;
            e.column = column as u64;
        }
        e
    }

    fn from_yaml_unlocated(origin: &Origin, err: &serde_saphyr::Error) -> Self {
        let inner = err.without_snippet();
        // A budget breach may come wrapped in the alias that expanded to it.
        let mut original = inner;
        while let serde_saphyr::Error::AliasError { error, .. }
        | serde_saphyr::Error::WithSnippet { error, .. } = original
        {
            original = error;
        }
        if let serde_saphyr::Error::Budget { breach, location } = original {
            // Where the alias was used, else where the breach happened.
            let location = err
                .location()
                .filter(|l| l.line() > 0)
                .or(Some(*location).filter(|l| l.line() > 0));
            let message = match breach {
                serde_saphyr::budget::BudgetBreach::Documents { .. } => {
                    "a rule or configuration file holds one YAML document; remove the `---` that starts a second one".to_string()
                }
                other => format!("the file is too large or too deeply nested to load ({other:?}); anchors and aliases are limited to keep loading fast"),
            };
            return Self::new(origin, location, message);
        }
        let message = serde_saphyr::DefaultMessageFormatter.format_message(inner);
        let message: String = message
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        Self::new(origin, err.location(), message)
    }
}

/// Line and column (1-based) of the `nth` place in `text` where `key` is
/// followed by a colon, at a line start or after a space.
fn key_use(text: &str, key: &str, nth: usize) -> Option<(usize, usize)> {
    let pattern = format!("{key}:");
    let mut seen = 0;
    for (i, line) in text.lines().enumerate() {
        let mut from = 0;
        while let Some(found) = line[from..].find(&pattern) {
            let at = from + found;
            if at == 0 || line[..at].ends_with([' ', '\t', '{', ',']) {
                seen += 1;
                if seen == nth {
                    return Some((i + 1, line[..at].chars().count() + 1));
                }
            }
            from = at + pattern.len();
        }
    }
    (nth > 1).then(|| key_use(text, key, 1)).flatten()
}

/// A parsed file: a rule or a word list.
#[derive(Debug)]
pub(crate) enum Parsed {
    Rule(Box<RuleSpec>),
    List(ListSpec),
}

fn yaml_options() -> serde_saphyr::Options {
    serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_events: 200_000,
            max_aliases: 1_000,
            max_anchors: 1_000,
            max_depth: 64,
            max_documents: 1,
            max_nodes: 200_000,
            max_total_scalar_bytes: 4 * 1024 * 1024,
        },
    }
}

/// Parses one YAML file as a rule or (with a top-level `list:` key) a word list.
pub(crate) fn parse(text: &str, origin: &Origin) -> Result<Parsed, RuleError> {
    let probe: Probe = serde_saphyr::from_str_with_options(text, yaml_options())
        .map_err(|e| RuleError::from_yaml(origin, text, &e))?;
    if probe.list.is_some() {
        serde_saphyr::from_str_with_options::<ListSpec>(text, yaml_options())
            .map(Parsed::List)
            .map_err(|e| RuleError::from_yaml(origin, text, &e))
    } else {
        serde_saphyr::from_str_with_options::<RuleSpec>(text, yaml_options())
            .map(|r| Parsed::Rule(Box::new(r)))
            .map_err(|e| RuleError::from_yaml(origin, text, &e))
    }
}

fn is_yaml(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml")
    )
}

/// The shipped rule and list files, sorted by path.
pub(crate) fn builtin_files() -> Vec<(Origin, &'static str)> {
    fn walk(dir: &'static Dir<'static>, out: &mut Vec<(Origin, &'static str)>) {
        for file in dir.files() {
            if is_yaml(file.path())
                && let Some(text) = file.contents_utf8()
            {
                out.push((
                    Origin::Builtin(format!("rules/{}", file.path().display())),
                    text,
                ));
            }
        }
        for sub in dir.dirs() {
            walk(sub, out);
        }
    }
    let mut out = Vec::new();
    walk(&BUILTIN, &mut out);
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// The YAML files under a user rule directory (or the one file named), sorted by path.
pub(crate) fn dir_files(dir: &Path) -> Result<Vec<(Origin, String)>, RuleError> {
    let origin = Origin::File(dir.to_path_buf());
    let mut paths = Vec::new();
    if dir.is_file() {
        paths.push(dir.to_path_buf());
    } else if !dir.is_dir() {
        return Err(RuleError::new(&origin, None, "rule path does not exist"));
    }
    for entry in ignore::WalkBuilder::new(dir)
        .hidden(true)
        .build()
        .filter(|_| dir.is_dir())
    {
        let entry = entry.map_err(|e| RuleError::new(&origin, None, e.to_string()))?;
        if entry.file_type().is_some_and(|t| t.is_file()) && is_yaml(entry.path()) {
            paths.push(entry.into_path());
        }
    }
    paths.sort();
    let mut out = Vec::with_capacity(paths.len());
    for path in paths {
        let origin = Origin::File(path.clone());
        let bytes = std::fs::read(&path)
            .map_err(|e| RuleError::new(&origin, None, format!("cannot read: {e}")))?;
        let text = String::from_utf8(bytes)
            .map_err(|_| RuleError::new(&origin, None, "not valid UTF-8"))?;
        out.push((origin, text));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        match parse(text, &Origin::Inline("r.yaml".into())) {
            Err(e) => e.to_string(),
            Ok(p) => panic!("expected an error, got {p:?}"),
        }
    }

    #[test]
    fn schema_errors_are_located() {
        assert_eq!(
            err("id: a\ncategory: cta\nphrasez: [x]\n"),
            "r.yaml:3:1: unknown field `phrasez`, expected one of id, extends, category, severity, message, why, scope, exceptions, examples, fallback, fix, phrases, patterns, lists, substitution, sentence, unbacked, specificity, occurrence"
        );
        assert!(
            err("id: a\nseverity: fatal\n").starts_with("r.yaml:2:11: unknown variant `fatal`")
        );
        assert!(err("id: a\nfix: delete\n").starts_with("r.yaml:2:6: unknown fix `delete`"));
        assert!(err("id: a\nfix: {remove: true, how: x}\n").starts_with("r.yaml:2:"));
        assert!(err("id: a\nfix: {applicability: maybe}\n").contains("unknown variant `maybe`"));
        assert!(err("id: a\n  category: cta\n").starts_with("r.yaml:2:"));
        assert!(
            err("id: a\nsentence:\n  window: 2\n")
                .starts_with("r.yaml:3:3: unknown field `window`")
        );
        // Found by fuzzing: serde reports this duplicate without a place.
        assert_eq!(
            err("!: id: o\nid: r\ncategory: cta\n"),
            "r.yaml:2:1: duplicate field `id`"
        );
        assert_eq!(key_use("a: 1\n b: 2\n", "b", 2), Some((2, 2)));
        assert_eq!(key_use("a: 1\n", "zz", 2), None);
    }

    #[test]
    fn a_second_document_is_explained() {
        assert!(err("id: a\n---\nid: b\n").contains("one YAML document"));
    }

    #[test]
    fn lists_are_told_apart_from_rules() {
        let p = parse(
            "list: puffery\nphrases: [a]\n",
            &Origin::Inline("l.yaml".into()),
        )
        .unwrap();
        assert!(matches!(p, Parsed::List(_)));
        assert!(err("list: x\nid: y\n").contains("unknown field `id`"));
    }

    #[test]
    fn alias_bombs_are_rejected() {
        let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let p = i - 1;
            bomb.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        assert!(parse(&bomb, &Origin::Inline("bomb.yaml".into())).is_err());
    }

    #[test]
    fn builtin_files_are_embedded() {
        let files = builtin_files();
        assert!(files.len() >= 40, "only {} built-in files", files.len());
        assert!(
            files
                .iter()
                .all(|(o, _)| o.to_string().starts_with("rules/"))
        );
    }
}
