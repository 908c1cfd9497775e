//! `.copylint.yaml`: discovery (walking up from the current directory) and a
//! strict schema whose errors name `file:line:column`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::diagnostic::{FailOn, Severity};
use crate::rules::{Origin, RuleError, Selection, Selector};
use crate::walk::PathFilter;

/// File names looked for, in order, in each directory.
pub const CONFIG_NAMES: &[&str] = &[".copylint.yaml", ".copylint.yml"];

/// The configuration file's schema.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// Extra rule directories, relative to the configuration file.
    #[serde(default)]
    pub rule_dirs: Vec<Spanned<String>>,
    /// Use the shipped rules (default: true).
    #[serde(default)]
    pub default_rules: Option<bool>,
    /// Only these rule ids or categories.
    #[serde(default)]
    pub select: Vec<Spanned<String>>,
    /// Never these rule ids or categories.
    #[serde(default)]
    pub ignore: Vec<Spanned<String>>,
    /// Severity per rule id or category.
    #[serde(default)]
    pub severity: BTreeMap<String, Spanned<Severity>>,
    /// File globs to lint (default: *.md, *.markdown, *.mdx, *.txt).
    #[serde(default)]
    pub include: Vec<Spanned<String>>,
    /// File or directory globs never to lint.
    #[serde(default)]
    pub exclude: Vec<Spanned<String>>,
    #[serde(default)]
    pub vocabulary: Vocabulary,
    #[serde(default)]
    pub fail_on: Option<FailOn>,
    /// User-defined rule categories.
    #[serde(default)]
    pub categories: Vec<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vocabulary {
    /// Terms never flagged, e.g. a product name that contains a flagged word.
    #[serde(default)]
    pub accept: Vec<Spanned<String>>,
}

/// A loaded configuration (possibly none).
#[derive(Debug)]
pub struct Config {
    /// The file it came from, if any.
    pub path: Option<PathBuf>,
    /// Directory relative paths in the file are resolved against.
    pub base: PathBuf,
    pub file: ConfigFile,
}

impl Config {
    /// No configuration file: defaults, paths relative to `cwd`.
    pub fn empty(cwd: &Path) -> Config {
        Config {
            path: None,
            base: cwd.to_path_buf(),
            file: ConfigFile::default(),
        }
    }

    /// The nearest configuration file at or above `start`.
    pub fn discover(start: &Path) -> Option<PathBuf> {
        start.ancestors().find_map(|dir| {
            CONFIG_NAMES
                .iter()
                .map(|n| dir.join(n))
                .find(|p| p.is_file())
        })
    }

    /// Reads and validates `path`.
    pub fn load(path: &Path) -> Result<Config, Vec<RuleError>> {
        let origin = Origin::File(path.to_path_buf());
        let bytes = std::fs::read(path).map_err(|e| {
            vec![RuleError::new(
                &origin,
                None,
                format!("cannot read configuration: {e}"),
            )]
        })?;
        let text = String::from_utf8(bytes).map_err(|_| {
            vec![RuleError::new(
                &origin,
                None,
                "configuration is not valid UTF-8",
            )]
        })?;
        let file: ConfigFile = serde_saphyr::from_str(&text)
            .map_err(|e| vec![RuleError::from_yaml(&origin, &text, &e)])?;
        let base = path
            .parent()
            .map(|p| {
                if p.as_os_str().is_empty() {
                    Path::new(".")
                } else {
                    p
                }
            })
            .unwrap_or(Path::new("."))
            .to_path_buf();
        let config = Config {
            path: Some(path.to_path_buf()),
            base,
            file,
        };
        let mut errors = Vec::new();
        for (label, globs) in [
            ("include", &config.file.include),
            ("exclude", &config.file.exclude),
        ] {
            for g in globs.iter() {
                if let Err(e) = PathFilter::new(std::slice::from_ref(&g.value)) {
                    errors.push(RuleError::at(
                        &origin,
                        g,
                        format!("invalid {label} glob: {e}"),
                    ));
                }
            }
        }
        for (spanned, dir) in config.file.rule_dirs.iter().zip(config.rule_dirs()) {
            if !dir.exists() {
                errors.push(RuleError::at(
                    &origin,
                    spanned,
                    if dir == Path::new(&spanned.value) {
                        format!("rule directory `{}` does not exist", spanned.value)
                    } else {
                        format!(
                            "rule directory `{}` does not exist (looked for {})",
                            spanned.value,
                            dir.display()
                        )
                    },
                ));
            }
        }
        for c in &config.file.categories {
            let ok = !c.value.is_empty()
                && c.value
                    .chars()
                    .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-');
            if !ok {
                errors.push(RuleError::at(
                    &origin,
                    c,
                    "category names are lowercase letters, digits and dashes",
                ));
            }
        }
        if errors.is_empty() {
            Ok(config)
        } else {
            Err(errors)
        }
    }

    fn origin(&self) -> Origin {
        self.path
            .clone()
            .map_or(Origin::Inline("configuration".into()), Origin::File)
    }

    /// Rule directories, resolved against the configuration's directory.
    pub fn rule_dirs(&self) -> Vec<PathBuf> {
        self.file
            .rule_dirs
            .iter()
            .map(|d| {
                if self.base == Path::new(".") {
                    PathBuf::from(&d.value)
                } else {
                    self.base.join(&d.value)
                }
            })
            .collect()
    }

    /// The rule selection the file describes.
    pub fn selection(&self) -> Selection {
        let origin = self.origin();
        Selection {
            select: self
                .file
                .select
                .iter()
                .map(|s| Selector::located(s, &origin))
                .collect(),
            ignore: self
                .file
                .ignore
                .iter()
                .map(|s| Selector::located(s, &origin))
                .collect(),
            severity: self
                .file
                .severity
                .iter()
                .map(|(name, sev)| {
                    let mut sel = Selector::new(name.clone());
                    sel.origin = Some(origin.clone());
                    sel.line = sev.referenced.line();
                    sel.column = sev.referenced.column();
                    (sel, sev.value)
                })
                .collect(),
            accept: self
                .file
                .vocabulary
                .accept
                .iter()
                .map(|t| Selector::located(t, &origin))
                .collect(),
            categories: self
                .file
                .categories
                .iter()
                .map(|c| c.value.clone())
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<Config, Vec<String>> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".copylint.yaml");
        std::fs::write(&path, text).unwrap();
        std::fs::create_dir(dir.path().join("house-rules")).unwrap();
        Config::load(&path).map_err(|e| {
            e.iter()
                .map(|e| e.to_string().replace(&path.display().to_string(), "CFG"))
                .collect()
        })
    }

    #[test]
    fn full_config_loads() {
        let c = load(
            "rule_dirs: [house-rules]\ndefault_rules: true\nselect: [cta]\nignore: [cta-click-here]\nseverity:\n  unspecific: suggestion\ninclude: ['*.md']\nexclude: ['drafts/**']\nvocabulary:\n  accept: [Seamless Docs]\nfail_on: error\ncategories: [legal]\n",
        )
        .unwrap();
        assert_eq!(c.file.fail_on, Some(FailOn::Error));
        assert!(c.rule_dirs()[0].ends_with("house-rules"));
        let sel = c.selection();
        assert_eq!(sel.select[0].name, "cta");
        assert_eq!(sel.select[0].line, 3);
        assert_eq!(sel.severity[0].1, Severity::Suggestion);
        assert_eq!(sel.accept[0].name, "Seamless Docs");
        assert_eq!((sel.accept[0].line, sel.accept[0].column), (10, 12));
    }

    #[test]
    fn unknown_keys_and_bad_values_are_located() {
        assert_eq!(
            load("fail_on: warning\nselec: [cta]\n").unwrap_err()[0],
            "CFG:2:1: unknown field `selec`, expected one of rule_dirs, default_rules, select, ignore, severity, include, exclude, vocabulary, fail_on, categories"
        );
        assert!(
            load("fail_on: sometimes\n").unwrap_err()[0]
                .starts_with("CFG:1:10: unknown variant `sometimes`")
        );
        assert!(
            load("exclude: ['a/[b']\n").unwrap_err()[0]
                .starts_with("CFG:1:11: invalid exclude glob")
        );
        assert!(load("severity:\n  cta: loud\n").unwrap_err()[0].starts_with("CFG:2:8:"));
        let missing = load("rule_dirs: [house-rules, nope]\n").unwrap_err();
        assert_eq!(missing.len(), 1, "{missing:?}");
        assert!(
            missing[0].starts_with("CFG:1:26: rule directory `nope` does not exist"),
            "{missing:?}"
        );
    }

    #[test]
    fn discovery_walks_up() {
        let dir = tempfile::tempdir().unwrap();
        let nested = dir.path().join("a/b");
        std::fs::create_dir_all(&nested).unwrap();
        assert_eq!(Config::discover(&nested), None);
        std::fs::write(dir.path().join(".copylint.yaml"), "").unwrap();
        assert_eq!(
            Config::discover(&nested),
            Some(dir.path().join(".copylint.yaml"))
        );
    }
}
