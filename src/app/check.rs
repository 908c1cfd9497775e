//! `copylint check`.

use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use anstream::AutoStream;
use copylint::render::{Concise, FileReport, Human, Json, Renderer, Summary};
use copylint::walk::{DEFAULT_INCLUDE, PathFilter, Walker, display_path};
use copylint::{Diagnostic, FailOn, Format, LintOptions, ReadError, RuleSet};
use rayon::prelude::*;

use super::{Status, error_label, setup};
use crate::cli::{CheckArgs, FailOnArg, GlobalArgs, OutputFormat};

/// Files linted in parallel before their results are written, in order.
const CHUNK: usize = 256;

struct Outcome {
    path: String,
    result: Result<(String, Vec<Diagnostic>), ReadError>,
}

fn lint_one(path: &Path, rules: &RuleSet, options: LintOptions) -> Outcome {
    let result = copylint::read_text(path).map(|text| {
        let found = copylint::lint_str(&text, Format::from_path(path), rules, options);
        (text, found)
    });
    Outcome {
        path: display_path(path),
        result,
    }
}

pub fn run(global: &GlobalArgs, args: &CheckArgs) -> anyhow::Result<Status> {
    let Some(setup) = setup(global, &[])? else {
        return Ok(Status::Error);
    };
    let fail_on = match args.fail_on {
        Some(FailOnArg::Error) => FailOn::Error,
        Some(FailOnArg::Warning) => FailOn::Warning,
        Some(FailOnArg::Suggestion) => FailOn::Suggestion,
        Some(FailOnArg::Never) => FailOn::Never,
        None => setup.config.file.fail_on.unwrap_or_default(),
    };
    let options = LintOptions {
        report_unused_disables: args.report_unused_disables,
    };
    let stdin = args.paths.iter().any(|p| p.as_os_str() == "-");
    if stdin && args.paths.len() > 1 {
        anstream::eprintln!(
            "{}: `-` (standard input) cannot be combined with other paths",
            error_label()
        );
        return Ok(Status::Error);
    }
    if args.stdin_filename.is_some() && !stdin {
        anstream::eprintln!("{}: --stdin-filename needs `-` as the path", error_label());
        return Ok(Status::Error);
    }

    let mut had_error = false;
    let mut files: Vec<PathBuf> = Vec::new();
    if !stdin {
        let include: Vec<String> = if setup.config.file.include.is_empty() {
            DEFAULT_INCLUDE.iter().map(|s| (*s).to_string()).collect()
        } else {
            setup
                .config
                .file
                .include
                .iter()
                .map(|g| g.value.clone())
                .collect()
        };
        let mut exclude: Vec<String> = setup
            .config
            .file
            .exclude
            .iter()
            .map(|g| g.value.clone())
            .collect();
        exclude.extend(args.exclude.iter().cloned());
        let exclude = match PathFilter::new(&exclude) {
            Ok(f) => f,
            Err(e) => {
                anstream::eprintln!("{}: invalid --exclude glob: {e}", error_label());
                return Ok(Status::Error);
            }
        };
        let walker = Walker {
            include: PathFilter::new(&include)?,
            exclude,
            base: setup.config.base.clone(),
            cwd: setup.cwd.clone(),
            hidden: args.hidden,
            no_ignore: args.no_ignore,
        };
        let (found, errors) = walker.walk(&args.paths);
        for e in errors {
            had_error = true;
            anstream::eprintln!(
                "{}: {}: {}",
                error_label(),
                display_path(&e.path),
                e.message
            );
        }
        files = found;
    }

    let stdout = io::stdout();
    let color = AutoStream::choice(&stdout) != anstream::ColorChoice::Never;
    let mut out = BufWriter::new(AutoStream::auto(stdout.lock()));
    let mut renderer: Box<dyn Renderer> = match args.format {
        OutputFormat::Human => Box::new(Human::new(color)),
        OutputFormat::Concise => Box::new(Concise),
        OutputFormat::Json => Box::new(Json::new()),
    };
    renderer.begin(&mut out)?;
    let mut summary = Summary::default();
    let mut failed = false;
    let mut emit =
        |outcome: Outcome, out: &mut dyn Write, summary: &mut Summary| -> io::Result<()> {
            match outcome.result {
                Ok((source, diagnostics)) => {
                    summary.files += 1;
                    for d in &diagnostics {
                        summary.counts.add(d.severity);
                        failed |= fail_on.fails(d.severity);
                    }
                    renderer.file(
                        out,
                        &FileReport {
                            path: &outcome.path,
                            source: &source,
                            diagnostics: &diagnostics,
                        },
                    )
                }
                Err(e) => {
                    summary.errors += 1;
                    had_error = true;
                    out.flush()?;
                    anstream::eprintln!("{}: {}: {e}", error_label(), outcome.path);
                    Ok(())
                }
            }
        };

    if stdin {
        let mut bytes = Vec::new();
        io::stdin().lock().read_to_end(&mut bytes)?;
        let name = args
            .stdin_filename
            .clone()
            .unwrap_or_else(|| PathBuf::from("<stdin>"));
        let format = if args.stdin_filename.is_some() {
            Format::from_path(&name)
        } else {
            Format::Markdown
        };
        let result = copylint::text_from_bytes(bytes).map(|text| {
            let found = copylint::lint_str(&text, format, &setup.rules, options);
            (text, found)
        });
        emit(
            Outcome {
                path: display_path(&name),
                result,
            },
            &mut out,
            &mut summary,
        )?;
    } else {
        for chunk in files.chunks(CHUNK) {
            let outcomes: Vec<Outcome> = chunk
                .par_iter()
                .map(|p| lint_one(p, &setup.rules, options))
                .collect();
            for outcome in outcomes {
                emit(outcome, &mut out, &mut summary)?;
            }
        }
    }
    renderer.finish(&mut out, &summary)?;
    out.flush()?;
    Ok(if had_error {
        Status::Error
    } else if failed {
        Status::Failed
    } else {
        Status::Clean
    })
}
