//! Subcommands. Library calls and output only; argument types live in `cli`.

mod check;
mod explain;
mod init;
mod rules_cmd;
mod test_rules;
mod uncolored;

use std::io;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::OnceLock;

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

/// The rule library and the compiled rules, as the rule subcommands need them.
pub struct Setup {
    pub library: RuleLibrary,
    pub rules: RuleSet,
}

/// Loads configuration and rules; prints errors and returns `None` on failure.
pub fn setup(global: &GlobalArgs, extra_rule_paths: &[PathBuf]) -> anyhow::Result<Option<Setup>> {
    let Some(pending) = setup_pending(global, extra_rule_paths)? else {
        return Ok(None);
    };
    let PendingRules {
        library,
        selection,
        load_errors,
        ..
    } = pending.rules;
    match compile(&library, &selection, load_errors) {
        Ok(rules) => Ok(Some(Setup { library, rules })),
        Err(errors) => {
            report_errors(&errors);
            Ok(None)
        }
    }
}

/// Configuration loaded and rule files read, the rules compiled on first
/// use: `check` starts compiling them on a thread of its own at once, and
/// finds its files and reads and parses the first meanwhile.
pub struct PendingSetup {
    pub cwd: PathBuf,
    pub config: Config,
    pub rules: PendingRules,
}

/// Like [`setup`], but returns once the rule files are read, before
/// compiling them (their automaton and regexes, most of start-up).
/// Configuration errors are printed here; errors in the rules are the
/// result of [`PendingRules::get`].
pub fn setup_pending(
    global: &GlobalArgs,
    extra_rule_paths: &[PathBuf],
) -> anyhow::Result<Option<PendingSetup>> {
    let cwd = std::env::current_dir()?;
    match load(global, extra_rule_paths, cwd)? {
        Ok(pending) => Ok(Some(pending)),
        Err(errors) => {
            report_errors(&errors);
            Ok(None)
        }
    }
}

type Compiled = Result<RuleSet, Vec<RuleError>>;

/// A rule library compiled on first use, by the first thread that asks;
/// threads asking meanwhile wait for it.
pub struct PendingRules {
    library: RuleLibrary,
    selection: Selection,
    /// Errors in the rule files: compiling still runs, to report its own
    /// errors in the same round, and then fails.
    load_errors: Vec<RuleError>,
    compiled: OnceLock<Compiled>,
}

impl PendingRules {
    /// The compiled rules, or every error in the rule files.
    ///
    /// Compiling uses rayon's pool, so a thread of that pool must not be the
    /// first to ask while others of it wait: the waiting threads could be
    /// the ones its work needs.
    pub fn get(&self) -> &Compiled {
        self.compiled
            .get_or_init(|| compile(&self.library, &self.selection, self.load_errors.clone()))
    }

    /// Whether the rules are compiled and failed to, without waiting.
    pub fn failed(&self) -> bool {
        matches!(self.compiled.get(), Some(Err(_)))
    }
}

fn load(
    global: &GlobalArgs,
    extra_rule_paths: &[PathBuf],
    cwd: PathBuf,
) -> anyhow::Result<Result<PendingSetup, Vec<RuleError>>> {
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
    let (library, errors) = RuleLibrary::load_all(&options);
    let mut selection: Selection = config.selection();
    if !global.select.is_empty() {
        selection.select = global.select.iter().map(Selector::new).collect();
    }
    selection
        .ignore
        .extend(global.ignore.iter().map(Selector::new));
    Ok(Ok(PendingSetup {
        cwd,
        config,
        rules: PendingRules {
            library,
            selection,
            load_errors: errors,
            compiled: OnceLock::new(),
        },
    }))
}

/// Compiles `library`; `errors` (from loading it) fail the run whatever
/// the outcome, with the compile errors they do not explain.
fn compile(library: &RuleLibrary, selection: &Selection, mut errors: Vec<RuleError>) -> Compiled {
    let load_failed = !errors.is_empty();
    match RuleSet::compile(library, selection) {
        Ok(rules) if !load_failed => Ok(rules),
        Ok(_) => Err(errors),
        Err(compile) => {
            errors.extend(
                compile
                    .into_iter()
                    .filter(|e| !load_failed || !e.may_follow_from_load_errors()),
            );
            Err(errors)
        }
    }
}

/// `path` relative to `cwd` when it lies below it (shorter messages), else as is.
pub fn relative_to(cwd: &Path, path: &Path) -> PathBuf {
    match path.strip_prefix(cwd) {
        Ok(rel) if rel.as_os_str().is_empty() => PathBuf::from("."),
        Ok(rel) => rel.to_path_buf(),
        Err(_) => path.to_path_buf(),
    }
}
