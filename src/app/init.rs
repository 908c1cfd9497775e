//! `copylint init`.

use std::path::Path;

use super::{Status, error_label};
use crate::cli::InitArgs;

const STARTER: &str = r#"# copylint configuration. Every key is optional; delete what you do not need.
# Paths are relative to this file. Reference: `copylint rules`, `copylint explain RULE`.

# Fail the run (exit 1) on findings at or above this severity:
# error | warning | suggestion | never
fail_on: warning

# Run only these rule ids or categories (cta, value-not-plan, unspecific).
# select: [cta, value-not-plan, unspecific]

# Never run these rule ids or categories.
# ignore: [cta-click-here]

# Change the severity of a rule id or a whole category.
# severity:
#   unspecific: suggestion
#   cta-book-a-meeting: error

# Terms that are never flagged, e.g. a product name that contains a flagged word.
# vocabulary:
#   accept: [Seamless Sync, Revolutionary Road]

# Your own rules: directories of YAML rule files (one rule per file).
# rule_dirs: [.copylint/rules]

# Categories your own rules may use, besides the built-in ones.
# categories: [legal]

# Set to false to run only your own rules.
# default_rules: true

# Files to lint when walking directories (default: *.md, *.markdown, *.mdx, *.txt).
# include: ["*.md", "*.txt"]

# Files or directories never to lint.
# exclude: [CHANGELOG.md, "vendor/**"]
"#;

pub fn run(args: &InitArgs) -> anyhow::Result<Status> {
    let path = Path::new(".copylint.yaml");
    if path.exists() && !args.force {
        anstream::eprintln!(
            "{}: .copylint.yaml already exists; use --force to overwrite it",
            error_label()
        );
        return Ok(Status::Error);
    }
    std::fs::write(path, STARTER)?;
    println!("Wrote .copylint.yaml");
    Ok(Status::Clean)
}

#[cfg(test)]
mod tests {
    #[test]
    fn starter_is_a_valid_configuration() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(".copylint.yaml");
        std::fs::write(&p, super::STARTER).unwrap();
        copylint::config::Config::load(&p).unwrap();
    }
}
