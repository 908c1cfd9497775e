//! Subcommands. Library calls and output only; argument types live in `cli`.

mod check;
mod explain;
mod init;
mod rules_cmd;
mod test_rules;

use std::io;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anstyle::{AnsiColor, Style};
use copylint::config::Config;
use copylint::rules::{LoadOptions, RuleError, RuleLibrary, RuleSet, Selection, Selector};

use crate::cli::{Cli, ColorWhen, Command, GlobalArgs};

/// How a command ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Nothing at or above the fail threshold.
    Clean,
    /// Findings at or above the fail threshold (or failing rule examples).
    Failed,
    /// Usage, configuration, rule or I/O error.
    Error,
}

impl From<Status> for ExitCode {
    fn from(s: Status) -> ExitCode {
        ExitCode::from(match s {
            Status::Clean => 0,
            Status::Failed => 1,
            Status::Error => 2,
        })
    }
}

pub fn run(cli: Cli) -> anyhow::Result<Status> {
    let choice = match cli.global.color {
        ColorWhen::Auto => anstream::ColorChoice::Auto,
        ColorWhen::Always => anstream::ColorChoice::Always,
        ColorWhen::Never => anstream::ColorChoice::Never,
    };
    choice.write_global();
    match &cli.command {
        Command::Check(args) => check::run(&cli.global, args),
        Command::Rules(args) => rules_cmd::run(&cli.global, args),
        Command::Explain(args) => explain::run(&cli.global, args),
        Command::Init(args) => init::run(args),
        Command::TestRules(args) => test_rules::run(&cli.global, args),
    }
}

/// Whether `e` is a closed stdout pipe (`copylint … | head`), which ends the
/// run quietly.
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
    })
}

/// `error` in bold red when stderr takes colors.
pub fn error_label() -> String {
    let style = Style::new().fg_color(Some(AnsiColor::Red.into())).bold();
    format!("{style}error{style:#}")
}

/// Prints `error: …` lines for rule or configuration errors.
pub fn report_errors(errors: &[RuleError]) {
    for e in errors {
        anstream::eprintln!("{}: {e}", error_label());
    }
}

/// Configuration, rule library and compiled rules, as every subcommand needs them.
pub struct Setup {
    pub cwd: PathBuf,
    pub config: Config,
    pub library: RuleLibrary,
    pub rules: RuleSet,
}

/// Loads configuration and rules; prints errors and returns `None` on failure.
pub fn setup(global: &GlobalArgs, extra_rule_paths: &[PathBuf]) -> anyhow::Result<Option<Setup>> {
    let cwd = std::env::current_dir()?;
    let config = if global.no_config {
        Config::empty(&cwd)
    } else if let Some(path) = &global.config {
        match Config::load(path) {
            Ok(c) => c,
            Err(errors) => {
                report_errors(&errors);
                return Ok(None);
            }
        }
    } else {
        match Config::discover(&cwd) {
            Some(path) => match Config::load(&relative_to(&cwd, &path)) {
                Ok(c) => c,
                Err(errors) => {
                    report_errors(&errors);
                    return Ok(None);
                }
            },
            None => Config::empty(&cwd),
        }
    };
    let mut rule_dirs: Vec<PathBuf> = config
        .rule_dirs()
        .iter()
        .map(|d| relative_to(&cwd, d))
        .collect();
    rule_dirs.extend(global.rule_dirs.iter().cloned());
    rule_dirs.extend(extra_rule_paths.iter().cloned());
    let options = LoadOptions {
        default_rules: !global.no_default_rules && config.file.default_rules.unwrap_or(true),
        rule_dirs,
    };
    let library = match RuleLibrary::load(&options) {
        Ok(l) => l,
        Err(errors) => {
            report_errors(&errors);
            return Ok(None);
        }
    };
    let mut selection: Selection = config.selection();
    if !global.select.is_empty() {
        selection.select = global.select.iter().map(Selector::new).collect();
    }
    selection
        .ignore
        .extend(global.ignore.iter().map(Selector::new));
    let rules = match RuleSet::compile(&library, &selection) {
        Ok(r) => r,
        Err(errors) => {
            report_errors(&errors);
            return Ok(None);
        }
    };
    Ok(Some(Setup {
        cwd,
        config,
        library,
        rules,
    }))
}

/// `path` relative to `cwd` when it lies below it (shorter messages), else as is.
pub fn relative_to(cwd: &Path, path: &Path) -> PathBuf {
    match path.strip_prefix(cwd) {
        Ok(rel) if rel.as_os_str().is_empty() => PathBuf::from("."),
        Ok(rel) => rel.to_path_buf(),
        Err(_) => path.to_path_buf(),
    }
}
