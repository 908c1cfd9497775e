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
    /// Also lint hidden files and directories
    #[arg(long)]
    pub hidden: bool,
    /// Do not honour .gitignore and .ignore files
    #[arg(long)]
    pub no_ignore: bool,
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
