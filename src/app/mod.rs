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
        let kind = c
            .downcast_ref::<io::Error>()
            .map(io::Error::kind)
            .or_else(|| {
                // JSON written straight to stdout wraps the I/O error.
                c.downcast_ref::<serde_json::Error>()
                    .and_then(serde_json::Error::io_error_kind)
            });
        kind == Some(io::ErrorKind::BrokenPipe)
    })
}

/// `error` in bold red when stderr takes colors.
pub fn error_label() -> String {
    let style = Style::new().fg_color(Some(AnsiColor::Red.into())).bold();
    format!("{style}error{style:#}")
}

/// `warning` in yellow, for stderr messages that do not fail the run.
pub fn warning_label() -> String {
    let style = Style::new().fg_color(Some(AnsiColor::Yellow.into())).bold();
    format!("{style}warning{style:#}")
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
    match load(global, extra_rule_paths, cwd)? {
        Ok(setup) => Ok(Some(setup)),
        Err(errors) => {
            report_errors(&errors);
            Ok(None)
        }
    }
}

fn load(
    global: &GlobalArgs,
    extra_rule_paths: &[PathBuf],
    cwd: PathBuf,
) -> anyhow::Result<Result<Setup, Vec<RuleError>>> {
    let config_path = if global.no_config {
        None
    } else {
        global
            .config
            .clone()
            .or_else(|| Config::discover(&cwd).map(|p| relative_to(&cwd, &p)))
    };
    let config = match config_path {
        Some(path) => match Config::load(&path) {
            Ok(c) => c,
            Err(errors) => return Ok(Err(errors)),
        },
        None => Config::empty(&cwd),
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
    // Report broken files and broken rules in one round: compile what did
    // load, but drop the errors that the broken files alone may cause.
    let (library, mut errors) = RuleLibrary::load_all(&options);
    let mut selection: Selection = config.selection();
    if !global.select.is_empty() {
        selection.select = global.select.iter().map(Selector::new).collect();
    }
    selection
        .ignore
        .extend(global.ignore.iter().map(Selector::new));
    let load_failed = !errors.is_empty();
    let rules = match RuleSet::compile(&library, &selection) {
        Ok(rules) if !load_failed => rules,
        Ok(_) => return Ok(Err(errors)),
        Err(compile) => {
            errors.extend(
                compile
                    .into_iter()
                    .filter(|e| !load_failed || !e.may_follow_from_load_errors()),
            );
            return Ok(Err(errors));
        }
    };
    Ok(Ok(Setup {
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
