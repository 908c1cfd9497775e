//! Command-line types (clap derive only; no behaviour here).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// A linter for marketing and content drafts: flags calls to action,
/// commitments without a plan, and claims without specifics.
#[derive(Debug, Parser)]
#[command(
    name = "copylint",
    version,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    #[command(flatten)]
    pub global: GlobalArgs,
}

/// Options every subcommand understands.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Use this configuration file instead of searching for .copylint.yaml
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Ignore any .copylint.yaml
    #[arg(long, global = true, conflicts_with = "config")]
    pub no_config: bool,
    /// Add a directory (or file) of YAML rules; repeatable
    #[arg(long = "rules", global = true, value_name = "DIR")]
    pub rule_dirs: Vec<PathBuf>,
    /// Do not load the shipped rules (the shipped word lists stay available)
    #[arg(long, global = true)]
    pub no_default_rules: bool,
    /// Run only these rules or categories (comma-separated; replaces the configuration's `select`)
    #[arg(
        long,
        global = true,
        value_delimiter = ',',
        value_name = "RULE|CATEGORY"
    )]
    pub select: Vec<String>,
    /// Skip these rules or categories (comma-separated; adds to the configuration's `ignore`)
    #[arg(
        long,
        global = true,
        value_delimiter = ',',
        value_name = "RULE|CATEGORY"
    )]
    pub ignore: Vec<String>,
    /// When to use colors
    #[arg(long, global = true, value_enum, default_value_t = ColorWhen::Auto, value_name = "WHEN")]
    pub color: ColorWhen,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Lint files and directories (default: the current directory); `-` reads stdin
    Check(CheckArgs),
    /// List the active rules
    Rules(RulesArgs),
    /// Show what a rule flags, why, and its examples
    Explain(ExplainArgs),
    /// Write a commented .copylint.yaml starter in the current directory
    Init(InitArgs),
    /// Run the examples of rule files (default: every active rule) as tests
    TestRules(TestRulesArgs),
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files or directories to lint; `-` reads standard input
    #[arg(value_name = "PATH", default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,
    /// Exit with 1 when a finding is at or above this severity
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub fail_on: Option<FailOnArg>,
    /// Name to show for standard input; its extension picks the parser
    #[arg(long, value_name = "NAME")]
    pub stdin_filename: Option<PathBuf>,
    /// Report suppression comments that suppress nothing
    #[arg(long)]
    pub report_unused_disables: bool,
    /// Skip files or directories matching this glob; repeatable
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Write the report to FILE instead of standard output (the exit code is unchanged)
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Also exit with 1 when there are more than N warnings
    #[arg(long, value_name = "N")]
    pub max_warnings: Option<usize>,
    /// Report only findings on lines added or changed since this git ref (e.g. origin/main)
    #[arg(long, value_name = "REF")]
    pub changed_since: Option<String>,
    /// Report only findings not recorded in this baseline file
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Record every current finding in this baseline file
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Lint only shard K of N (1-based), a stable partition of the files for CI matrices
    #[arg(long, value_name = "K/N", value_parser = parse_shard)]
    pub shard: Option<Shard>,
    /// Apply safe fixes (and rewrite the files), then report what is left
    #[arg(long, conflicts_with = "diff")]
    pub fix: bool,
    /// With --fix or --diff: also apply fixes that change the meaning
    #[arg(long)]
    pub unsafe_fixes: bool,
    /// Print the unified diff --fix would apply, change nothing; exit 1 if there is one
    #[arg(long)]
    pub diff: bool,
    /// Print only findings: no summary line
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Print how many findings each rule produced instead of the findings
    #[arg(long)]
    pub statistics: bool,
    /// Also lint hidden files and directories
    #[arg(long)]
    pub hidden: bool,
    /// Do not honour .gitignore and .ignore files
    #[arg(long)]
    pub no_ignore: bool,
}

/// `--shard K/N`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    /// 1-based.
    pub index: u64,
    pub count: u64,
}

fn parse_shard(s: &str) -> Result<Shard, String> {
    let (k, n) = s.split_once('/').ok_or("expected K/N, e.g. 1/4")?;
    let index: u64 = k
        .trim()
        .parse()
        .map_err(|_| format!("`{k}` is not a number"))?;
    let count: u64 = n
        .trim()
        .parse()
        .map_err(|_| format!("`{n}` is not a number"))?;
    if count == 0 || index == 0 || index > count {
        return Err(format!("shard {index}/{count}: need 1 <= K <= N"));
    }
    Ok(Shard { index, count })
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Only rules of this category
    #[arg(long, value_name = "CATEGORY")]
    pub category: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = ListFormat::Text)]
    pub format: ListFormat,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A rule id
    pub rule: String,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Overwrite an existing .copylint.yaml
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct TestRulesArgs {
    /// Rule files or directories to test (default: every active rule)
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Snippets with the span underlined, the rule's reason, and a summary
    Human,
    /// One `path:line:col: severity[rule] message` per line
    Concise,
    /// A JSON array of findings
    Json,
    /// One JSON finding per line
    Jsonl,
    /// GitHub Actions workflow commands (annotations)
    Github,
    /// SARIF 2.1.0, for code scanning
    Sarif,
    /// Reviewdog diagnostic format
    Rdjson,
    /// JUnit XML, one test case per file
    Junit,
    /// GitLab Code Quality report
    Gitlab,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Text,
    Json,
    /// The rule catalogue (docs/rules.md)
    Markdown,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOnArg {
    Error,
    Warning,
    Suggestion,
    Never,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    Auto,
    Always,
    Never,
}
