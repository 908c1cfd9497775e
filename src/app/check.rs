//! `copylint check`: walk, lint in parallel, filter (changed lines,
//! baseline), render in order, and map the outcome to an exit code.

use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use anstream::AutoStream;
use copylint::baseline::{self, Baseline, Entry};
use copylint::changes::ChangedLines;
use copylint::fingerprint::{file_fingerprints, stable_hash};
use copylint::fix::Applicability;
use copylint::location::LineIndex;
use copylint::render::{
    Concise, FileReport, Github, Gitlab, Human, Json, JsonLines, Junit, Rdjson, Renderer, Sarif,
    Statistics, Summary,
};
use copylint::walk::{DEFAULT_INCLUDE, PathFilter, Walker, display_path, lexical_absolute};
use copylint::{Diagnostic, Document, FailOn, Format, LintOptions, ReadError, RuleSet};
use rayon::prelude::*;

use super::uncolored::Uncolored;
use super::{
    PendingRules, PendingSetup, Status, error_label, report_errors, setup_pending, warning_label,
};
use crate::cli::{CheckArgs, FailOnArg, GlobalArgs, OutputFormat};

/// Files linted in parallel before their results are written, in order.
/// While one chunk's results are written, the next chunk is linted.
const CHUNK: usize = 256;
/// Files linted together on one thread (see [`Job::lint_files`]): about
/// 340 KB of text on the benchmark corpus, which the processor's caches
/// keep between the steps of `lint_many`.
const GROUP: usize = 16;

/// One linted (or unreadable) file.
struct Outcome {
    path: PathBuf,
    shown: String,
    result: Result<Linted, ReadError>,
}

struct Linted {
    /// The text the findings refer to (the fixed text after `--fix`).
    source: String,
    diagnostics: Vec<Diagnostic>,
    /// Fingerprints, when a baseline is read or written.
    fingerprints: Vec<String>,
    /// What fixing did, with `--fix` or `--diff`.
    fixed: Option<Fixed>,
}

struct Fixed {
    applied: usize,
    converged: bool,
    /// The unified diff (`--diff`), empty when nothing changes.
    diff: String,
    /// Why the fixed text could not be written (`--fix`).
    write_error: Option<String>,
}

/// What `check` does with fixes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum FixMode {
    Off,
    /// `--fix`: write the fixed text (to the file, or stdout for stdin).
    Apply,
    /// `--diff`: show the diff only.
    Diff,
}

/// Everything the workers need, shared read-only.
struct Job<'a> {
    rules: &'a PendingRules,
    options: LintOptions,
    changed: Option<&'a ChangedLines>,
    fingerprints: bool,
    fix: FixMode,
    unsafe_fixes: bool,
}

/// A unified diff of `old` → `new` with `a/` and `b/` headers.
fn unified_diff(shown: &str, old: &str, new: &str) -> String {
    if old == new {
        return String::new();
    }
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{shown}"), &format!("b/{shown}"))
        .to_string()
}

impl Job<'_> {
    /// The compiled rules, once they are (`None` when they did not compile:
    /// nothing is linted, and the run reports their errors).
    fn rules(&self) -> Option<&RuleSet> {
        self.rules.get().as_ref().ok()
    }

    /// Lints (and with `--fix`/`--diff`, fixes) one text; `writable` says
    /// whether `path` is a file that `--fix` may rewrite. `None` when the
    /// rules did not compile.
    fn lint(
        &self,
        path: &Path,
        shown: String,
        text: Result<String, ReadError>,
        format: Format,
        writable: bool,
    ) -> Option<Outcome> {
        let result = match text {
            Ok(original) => Ok(self.lint_text(path, &shown, original, format, writable)?),
            Err(e) => Err(e),
        };
        Some(Outcome {
            path: path.to_path_buf(),
            shown,
            result,
        })
    }

    fn lint_text(
        &self,
        path: &Path,
        shown: &str,
        original: String,
        format: Format,
        writable: bool,
    ) -> Option<Linted> {
        let (source, diagnostics, fixed) = if self.fix == FixMode::Off {
            // Parsed before waiting for the rules: the run's first file is
            // parsed while they compile (unless they already failed to).
            if self.rules.failed() {
                return None;
            }
            let found = {
                let doc = Document::parse(&original, format);
                let rules = self.rules()?;
                // Linted on a thread of rayon's pool (this one, or one it
                // waits for when the first file was parsed on a thread of its
                // own): the first thread to search with a regex owns the
                // regex's fast cache for good, and any other takes a lock.
                // (The fixing paths below run where they are called: on the
                // pool, or for standard input, one text, on the main thread.)
                rayon::scope(|_| copylint::lint(&doc, rules, self.options))
            };
            (original, found, None)
        } else {
            let rules = self.rules()?;
            let out =
                copylint::fix::fix_text(&original, format, rules, self.options, self.unsafe_fixes);
            let mut fixed = Fixed {
                // Fixes that cancel out (two rules swapping words) fix nothing.
                applied: if out.text == original { 0 } else { out.applied },
                converged: out.converged,
                diff: String::new(),
                write_error: None,
            };
            match self.fix {
                FixMode::Diff => fixed.diff = unified_diff(shown, &original, &out.text),
                FixMode::Apply if writable && out.text != original => {
                    if let Err(e) =
                        copylint::fix::write_atomically(path, original.as_bytes(), &out.text)
                    {
                        fixed.write_error = Some(e.to_string());
                        fixed.applied = 0;
                    }
                }
                _ => {}
            }
            if fixed.write_error.is_some() {
                let found = copylint::lint_str(&original, format, rules, self.options);
                (original, found, Some(fixed))
            } else {
                (out.text, out.remaining, Some(fixed))
            }
        };
        Some(self.linted(path, source, diagnostics, fixed))
    }

    /// A file's findings, kept to the changed lines (`--changed`), with
    /// their fingerprints when a baseline needs them.
    fn linted(
        &self,
        path: &Path,
        source: String,
        mut diagnostics: Vec<Diagnostic>,
        fixed: Option<Fixed>,
    ) -> Linted {
        if let Some(changed) = self.changed {
            let index = LineIndex::new(&source);
            diagnostics
                .retain(|d| changed.contains(path, index.position(&source, d.range.start).line));
        }
        let fingerprints = if self.fingerprints {
            file_fingerprints(&diagnostics, &source)
        } else {
            Vec::new()
        };
        Linted {
            source,
            diagnostics,
            fingerprints,
            fixed,
        }
    }

    /// Lints files without fixing them, a few at a time on each thread of
    /// rayon's pool ([`copylint::lint_many`]: each regex reads its windows
    /// in all of them in turn). `None` for a file not read because `stop`
    /// was set, and for every file when the rules did not compile.
    fn lint_files(&self, paths: &[PathBuf], stop: &AtomicBool) -> Vec<Option<Outcome>> {
        let Some(rules) = self.rules() else {
            return paths.iter().map(|_| None).collect();
        };
        // Fewer per task when a chunk has too few files to give every
        // thread of a larger machine some.
        let group = GROUP.min(paths.len().div_ceil(rayon::current_num_threads()).max(1));
        paths
            .par_chunks(group)
            .with_max_len(1)
            .flat_map_iter(|files| self.lint_group(files, rules, stop))
            .collect()
    }

    /// One task of [`Job::lint_files`]: its files read, parsed and linted
    /// together on this thread.
    fn lint_group(
        &self,
        paths: &[PathBuf],
        rules: &RuleSet,
        stop: &AtomicBool,
    ) -> Vec<Option<Outcome>> {
        let texts: Vec<Option<Result<String, ReadError>>> = paths
            .iter()
            .map(|p| (!stop.load(Ordering::Relaxed)).then(|| copylint::read_text(p)))
            .collect();
        let docs: Vec<Document<'_>> = texts
            .iter()
            .zip(paths)
            .filter_map(|(text, p)| match text {
                Some(Ok(text)) => Some(Document::parse(text, Format::from_path(p))),
                _ => None,
            })
            .collect();
        if stop.load(Ordering::Relaxed) {
            return paths.iter().map(|_| None).collect();
        }
        let refs: Vec<&Document<'_>> = docs.iter().collect();
        let found = copylint::lint_many(&refs, rules, self.options);
        debug_assert_eq!(found.len(), refs.len(), "one finding list per document");
        let mut found = found.into_iter();
        drop(refs);
        drop(docs);
        texts
            .into_iter()
            .zip(paths)
            .map(|(text, path)| {
                let result = match text? {
                    // One finding list per parsed document, in order.
                    Ok(source) => Ok(self.linted(path, source, found.next()?, None)),
                    Err(e) => Err(e),
                };
                Some(Outcome {
                    path: path.to_path_buf(),
                    shown: display_path(path),
                    result,
                })
            })
            .collect()
    }
}

fn fail_on(args: &CheckArgs, configured: Option<FailOn>) -> FailOn {
    match args.fail_on {
        Some(FailOnArg::Error) => FailOn::Error,
        Some(FailOnArg::Warning) => FailOn::Warning,
        Some(FailOnArg::Suggestion) => FailOn::Suggestion,
        Some(FailOnArg::Never) => FailOn::Never,
        None => configured.unwrap_or_default(),
    }
}

fn renderer(args: &CheckArgs, rules: &RuleSet, fail_on: FailOn, color: bool) -> Box<dyn Renderer> {
    if args.statistics {
        return Box::new(Statistics::new(args.format == OutputFormat::Json));
    }
    match args.format {
        OutputFormat::Human => Box::new(Human::new(color).quiet(args.quiet)),
        OutputFormat::Concise => Box::new(Concise),
        OutputFormat::Json => Box::new(Json::new()),
        OutputFormat::Jsonl => Box::new(JsonLines::default()),
        OutputFormat::Github => Box::new(Github),
        OutputFormat::Sarif => Box::new(Sarif::new(rules.catalog())),
        OutputFormat::Rdjson => Box::new(Rdjson::new()),
        OutputFormat::Junit => Box::new(Junit::new(fail_on)),
        OutputFormat::Gitlab => Box::new(Gitlab::new()),
    }
}

/// Where to ask git for changed lines: the repository of the first path
/// linted (which may lie outside the current directory), else the current
/// directory.
fn git_dir(cwd: &Path, paths: &[PathBuf]) -> PathBuf {
    let first = paths.first().map(|p| cwd.join(p));
    match first {
        Some(p) if p.is_dir() => p,
        Some(p) if p.is_file() => p
            .parent()
            .map_or_else(|| cwd.to_path_buf(), Path::to_path_buf),
        _ => cwd.to_path_buf(),
    }
}

/// Where the report goes: standard output, standard error (when `--fix`
/// on standard input prints the fixed text), or a file written atomically.
enum Sink {
    /// Standard output that takes colors.
    Stdout(BufWriter<AutoStream<io::StdoutLock<'static>>>),
    /// Standard output without colors (see [`Uncolored`]).
    Uncolored(BufWriter<Uncolored<io::StdoutLock<'static>>>),
    /// A JSON report: serde_json escapes every control character, so there
    /// is nothing for `AutoStream` to strip and it is skipped.
    JsonStdout(BufWriter<io::StdoutLock<'static>>),
    Stderr(AutoStream<io::StderrLock<'static>>),
    File(BufWriter<tempfile::NamedTempFile>, PathBuf),
}

impl Sink {
    fn writer(&mut self) -> &mut dyn Write {
        match self {
            Sink::Stdout(w) => w,
            Sink::Uncolored(w) => w,
            Sink::JsonStdout(w) => w,
            Sink::Stderr(w) => w,
            Sink::File(w, _) => w,
        }
    }

    fn close(self) -> anyhow::Result<()> {
        match self {
            Sink::Stdout(mut w) => Ok(w.flush()?),
            Sink::Uncolored(mut w) => Ok(w.flush()?),
            Sink::JsonStdout(mut w) => Ok(w.flush()?),
            Sink::Stderr(mut w) => Ok(w.flush()?),
            Sink::File(w, path) => {
                let tmp = w.into_inner().map_err(|e| e.into_error())?;
                tmp.persist(&path)
                    .map_err(|e| anyhow::anyhow!("cannot write {}: {}", path.display(), e.error))?;
                Ok(())
            }
        }
    }
}

/// The buffer in front of the report. A report going to a file or a pipe
/// is written out [`REPORT_BUFFER`] at a time: Rust's standard output
/// writes whatever it is given up to its last newline at once, so an 8 KiB
/// buffer made about 9,400 writes of the JSON report of a 100 MB corpus,
/// each ending part-way through a page, which the kernel fills with zeroes
/// first for a file. On a terminal the usual 8 KiB keeps findings coming
/// while a long run goes on; so it does with `--fix`, where a report that
/// can no longer be written (`| head`, a full disk) must stop the run
/// before it rewrites more files than the report showed.
fn report_buffer(fix: FixMode, terminal: bool) -> usize {
    if fix == FixMode::Apply || terminal {
        8 * 1024
    } else {
        REPORT_BUFFER
    }
}

/// The buffer of a report going to a file or a pipe, without `--fix`.
const REPORT_BUFFER: usize = 1024 * 1024;

/// A report written to `path`: into a temporary file beside it, renamed
/// over it when complete.
fn report_file(path: &Path, fix: FixMode) -> anyhow::Result<Sink> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let cannot = |e: io::Error| {
        anyhow::anyhow!(
            "cannot write {}: {}",
            path.display(),
            copylint::walk::io_message(&e)
        )
    };
    let mut builder = tempfile::Builder::new();
    // A report is an ordinary file: a new one gets the usual 0666
    // less the umask (a temporary file would be 0600, unreadable to
    // the next job's user), an existing one keeps its mode exactly.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let tmp = builder.tempfile_in(dir).map_err(cannot)?;
    if let Ok(existing) = std::fs::metadata(path) {
        tmp.as_file()
            .set_permissions(existing.permissions())
            .map_err(cannot)?;
    }
    Ok(Sink::File(
        BufWriter::with_capacity(report_buffer(fix, false), tmp),
        path.to_path_buf(),
    ))
}

/// Whether the report is JSON (every JSON-based format, and `--statistics`
/// with `--format json`).
fn writes_json(args: &CheckArgs) -> bool {
    match args.format {
        OutputFormat::Json => true,
        OutputFormat::Jsonl | OutputFormat::Sarif | OutputFormat::Rdjson | OutputFormat::Gitlab => {
            !args.statistics
        }
        OutputFormat::Human
        | OutputFormat::Concise
        | OutputFormat::Github
        | OutputFormat::Junit => false,
    }
}

/// Whether the report shows fixes, or counts the findings they would fix:
/// without `--fix`, the other formats need no edits computed.
fn shows_fixes(args: &CheckArgs) -> bool {
    if args.statistics {
        return false;
    }
    match args.format {
        OutputFormat::Human
        | OutputFormat::Json
        | OutputFormat::Jsonl
        | OutputFormat::Sarif
        | OutputFormat::Rdjson => true,
        OutputFormat::Concise
        | OutputFormat::Github
        | OutputFormat::Gitlab
        | OutputFormat::Junit => false,
    }
}

pub fn run(global: &GlobalArgs, args: &CheckArgs) -> anyhow::Result<Status> {
    // The rules compile on a thread of their own from here, while this one
    // finds the files and another reads and parses the first (see below);
    // errors in them still come first, before any other error and before
    // any output.
    let Some(setup) = setup_pending(global, &[])? else {
        return Ok(Status::Error);
    };
    let status = std::thread::scope(|scope| {
        // Not on rayon's pool: the compile needs its threads.
        scope.spawn(|| setup.rules.get());
        check(&setup, args)
    });
    // The process ends next, and the system takes its memory back at once:
    // freeing the compiled rules (every automaton and regex, with their
    // caches) took 4 ms after the report of one large file.
    std::mem::forget(setup);
    status
}

fn check(setup: &PendingSetup, args: &CheckArgs) -> anyhow::Result<Status> {
    let rules_failed = || match setup.rules.get() {
        Ok(_) => false,
        Err(errors) => {
            report_errors(errors);
            true
        }
    };
    let fail = |e: anyhow::Error| {
        if rules_failed() {
            Ok(Status::Error)
        } else {
            Err(e)
        }
    };
    let fail_on = fail_on(args, setup.config.file.fail_on);
    let stdin = args.paths.iter().any(|p| p.as_os_str() == "-");
    let usage = |message: &str| {
        if !rules_failed() {
            anstream::eprintln!("{}: {message}", error_label());
        }
        Ok(Status::Error)
    };
    if stdin && args.paths.len() > 1 {
        return usage("`-` (standard input) cannot be combined with other paths");
    }
    if args.stdin_filename.is_some() && !stdin {
        return usage("--stdin-filename needs `-` as the path");
    }
    if stdin && (args.changed_since.is_some() || args.shard.is_some()) {
        return usage("--changed-since and --shard work on files, not on standard input");
    }
    let fix = if args.fix {
        FixMode::Apply
    } else if args.diff {
        FixMode::Diff
    } else {
        FixMode::Off
    };
    if args.unsafe_fixes && fix == FixMode::Off {
        return usage("--unsafe-fixes needs --fix or --diff");
    }
    if fix != FixMode::Off && args.changed_since.is_some() {
        return usage("--fix and --diff work on whole files, not with --changed-since");
    }
    if fix == FixMode::Diff && (args.statistics || args.format != OutputFormat::Human) {
        return usage("--diff prints only a unified diff; it takes no --format or --statistics");
    }
    if fix == FixMode::Diff && (args.baseline.is_some() || args.write_baseline.is_some()) {
        return usage("--diff reports no findings; it takes no --baseline or --write-baseline");
    }
    if args.statistics
        && !matches!(
            args.format,
            OutputFormat::Human | OutputFormat::Concise | OutputFormat::Json
        )
    {
        return usage("--statistics prints a table (human, concise) or JSON (json)");
    }

    let changed = match &args.changed_since {
        Some(reference) => {
            match ChangedLines::since(&git_dir(&setup.cwd, &args.paths), reference) {
                Ok(c) => Some(c),
                Err(e) => return usage(&e.to_string()),
            }
        }
        None => None,
    };
    let mut baseline = match &args.baseline {
        Some(path) => match Baseline::load(path, &setup.cwd) {
            Ok(b) => Some(b),
            Err(e) => return usage(&e.to_string()),
        },
        None => None,
    };

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
        Err(e) => return usage(&format!("invalid --exclude glob: {e}")),
    };
    let include = match PathFilter::file_types(&include) {
        Ok(include) => include,
        Err(e) => return fail(e.into()),
    };
    let walker = Walker {
        include,
        exclude,
        base: setup.config.base.clone(),
        cwd: setup.cwd.clone(),
        hidden: args.hidden,
        no_ignore: args.no_ignore,
    };
    let mut files: Vec<PathBuf> = Vec::new();
    // Paths that could not be walked: reported like unreadable files.
    let mut unreadable: Vec<(String, String)> = Vec::new();
    // `--stdin-filename` names the text for `exclude` too, as for editors
    // and hooks that pipe a file through copylint.
    let stdin_excluded = stdin
        && args
            .stdin_filename
            .as_ref()
            .is_some_and(|n| walker.excluded(n));
    if !stdin {
        let (found, errors) = walker.walk(&args.paths);
        unreadable.extend(
            errors
                .into_iter()
                .map(|e| (display_path(&e.path), e.message)),
        );
        files = found;
        if let Some(shard) = args.shard {
            // Stable across machines and runs: a hash of the path relative to
            // the configuration's directory, with `/` separators.
            let base = lexical_absolute(&setup.cwd, &setup.config.base);
            files.retain(|f| {
                let key = baseline::relative_key(&base, &setup.cwd, f);
                stable_hash(&key) % shard.count == shard.index - 1
            });
        }
        if let Some(changed) = &changed {
            files.retain(|f| changed.touches(f));
        }
        if fix != FixMode::Off {
            // One file named twice (or through a link) is fixed once.
            let mut seen = std::collections::HashSet::new();
            files.retain(|f| seen.insert(std::fs::canonicalize(f).unwrap_or_else(|_| f.clone())));
        }
    }

    let stdout_buffer = {
        use std::io::IsTerminal;
        report_buffer(fix, io::stdout().is_terminal())
    };
    let mut sink = match &args.output {
        Some(path) => match report_file(path, fix) {
            Ok(sink) => sink,
            Err(e) => return fail(e),
        },
        // The fixed text of standard input goes to standard output.
        None if stdin && fix == FixMode::Apply => {
            Sink::Stderr(AutoStream::auto(io::stderr().lock()))
        }
        None if writes_json(args) => {
            Sink::JsonStdout(BufWriter::with_capacity(stdout_buffer, io::stdout().lock()))
        }
        None if AutoStream::choice(&io::stdout()) == anstream::ColorChoice::Never => {
            Sink::Uncolored(BufWriter::with_capacity(
                stdout_buffer,
                Uncolored::new(io::stdout().lock()),
            ))
        }
        None => Sink::Stdout(BufWriter::with_capacity(
            stdout_buffer,
            AutoStream::auto(io::stdout().lock()),
        )),
    };
    let color = match &sink {
        Sink::Stdout(_) => true,
        Sink::Stderr(_) => AutoStream::choice(&io::stderr()) != anstream::ColorChoice::Never,
        Sink::File(..) | Sink::JsonStdout(_) | Sink::Uncolored(_) => false,
    };
    let job = Job {
        rules: &setup.rules,
        options: LintOptions {
            report_unused_disables: args.report_unused_disables,
            skip_fixes: fix == FixMode::Off && !shows_fixes(args),
            ..LintOptions::default()
        },
        changed: changed.as_ref(),
        fingerprints: baseline.is_some() || args.write_baseline.is_some(),
        fix,
        unsafe_fixes: args.unsafe_fixes,
    };
    // Set when the report cannot be written (a closed pipe, a full disk):
    // the chunk being linted meanwhile stops taking files, so that `--fix`
    // does not rewrite files it can no longer report.
    let stop = AtomicBool::new(false);
    let lint_chunk = |chunk: &[PathBuf]| -> Vec<Option<Outcome>> {
        if fix == FixMode::Off {
            return job.lint_files(chunk, &stop);
        }
        // One file per task: with rayon's default splitting, a thread that
        // finishes its half of a chunk early finds the other's files in one
        // run it cannot steal from, and idles until the chunk ends.
        chunk
            .par_iter()
            .with_max_len(1)
            .map(|p| {
                if stop.load(Ordering::Relaxed) {
                    return None;
                }
                job.lint(
                    p,
                    display_path(p),
                    copylint::read_text(p),
                    Format::from_path(p),
                    true,
                )
            })
            .collect()
    };
    // Without fixes to write, the first file is read and parsed on a thread
    // of its own while the rules compile (start-up is a fifth of the time
    // of one 10 MB file). Nothing is written before they compile.
    let early = files.first().filter(|_| !stdin && fix == FixMode::Off);
    let (rules, early) = std::thread::scope(|scope| {
        // Not on rayon's pool: the compile needs its threads (and a thread
        // of the pool must not wait for it, see `PendingRules::get`).
        let early = early.map(|p| {
            scope.spawn(|| {
                vec![job.lint(
                    p,
                    display_path(p),
                    copylint::read_text(p),
                    Format::from_path(p),
                    true,
                )]
            })
        });
        let rules = setup.rules.get();
        let early = early.map(|handle| {
            handle
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        });
        (rules, early)
    });
    let rules = match rules {
        Ok(rules) => rules,
        Err(errors) => {
            report_errors(errors);
            return Ok(Status::Error);
        }
    };
    let mut renderer = renderer(args, rules, fail_on, color);
    let baseline_dir = args
        .write_baseline
        .as_ref()
        .map(|p| baseline::baseline_dir(p, &setup.cwd))
        .or_else(|| baseline.as_ref().map(|b| b.dir().to_path_buf()));
    let mut recorded: Vec<Entry> = Vec::new();

    if fix != FixMode::Diff {
        renderer.begin(sink.writer())?;
    }
    let mut summary = Summary::default();
    let mut failed = false;
    let mut has_diff = false;
    // The fixed text of standard input, printed after the report.
    let mut fixed_stdin: Option<String> = None;
    let mut had_error = !unreadable.is_empty();
    for (path, message) in &unreadable {
        summary.errors += 1;
        renderer.error(sink.writer(), path, message)?;
        anstream::eprintln!("{}: {path}: {message}", error_label());
    }
    let mut emit =
        |outcome: Outcome, out: &mut dyn Write, summary: &mut Summary| -> io::Result<()> {
            match outcome.result {
                Ok(mut linted) => {
                    summary.files += 1;
                    if let Some(fixed) = &linted.fixed {
                        if let Some(e) = &fixed.write_error {
                            had_error = true;
                            summary.unwritten += 1;
                            anstream::eprintln!("{}: {}: {e}", error_label(), outcome.shown);
                        } else {
                            summary.fixed += fixed.applied;
                        }
                        if !fixed.converged {
                            anstream::eprintln!(
                                "{}: {}: fixes did not settle after {} passes; \
                                 the text may still change on another run",
                                warning_label(),
                                outcome.shown,
                                copylint::fix::MAX_PASSES
                            );
                        }
                        if fix == FixMode::Diff {
                            // `--diff` shows the diff only: no findings.
                            has_diff |= !fixed.diff.is_empty();
                            return out.write_all(fixed.diff.as_bytes());
                        }
                        if stdin && fix == FixMode::Apply {
                            fixed_stdin = Some(linted.source.clone());
                        }
                    }
                    if let Some(dir) = &baseline_dir {
                        let key = baseline::relative_key(dir, &setup.cwd, &outcome.path);
                        let entries: Vec<Entry> = linted
                            .diagnostics
                            .iter()
                            .zip(&linted.fingerprints)
                            .map(|(d, fp)| Entry {
                                path: key.clone(),
                                rule: d.rule.id.clone(),
                                fingerprint: fp.clone(),
                            })
                            .collect();
                        if let Some(b) = baseline.as_mut() {
                            let known: Vec<bool> = entries.iter().map(|e| b.take(e)).collect();
                            let mut keep = known.iter().map(|k| !k);
                            linted.diagnostics.retain(|_| keep.next().unwrap_or(true));
                        }
                        recorded.extend(entries);
                    }
                    for d in &linted.diagnostics {
                        summary.counts.add(d.severity);
                        failed |= fail_on.fails(d.severity);
                        match d.fix.as_ref().map(|f| f.applicability) {
                            Some(Applicability::Safe) => summary.fixable += 1,
                            Some(Applicability::Unsafe) if !args.unsafe_fixes => {
                                summary.unsafe_fixable += 1;
                            }
                            Some(Applicability::Unsafe) => summary.fixable += 1,
                            None => {}
                        }
                    }
                    renderer.file(
                        out,
                        &FileReport {
                            path: &outcome.shown,
                            source: &linted.source,
                            diagnostics: &linted.diagnostics,
                        },
                    )
                }
                Err(e) => {
                    summary.errors += 1;
                    had_error = true;
                    let message = e.to_string();
                    renderer.error(out, &outcome.shown, &message)?;
                    out.flush()?;
                    anstream::eprintln!("{}: {}: {message}", error_label(), outcome.shown);
                    Ok(())
                }
            }
        };

    // With `--fix`, standard input always comes back out on standard
    // output: fixed, or as it was when it is excluded or unreadable.
    let mut echo_stdin: Option<Vec<u8>> = None;
    if stdin && stdin_excluded && fix == FixMode::Apply {
        let mut bytes = Vec::new();
        io::stdin().lock().read_to_end(&mut bytes)?;
        echo_stdin = Some(bytes);
    } else if stdin && !stdin_excluded {
        let mut bytes = Vec::new();
        io::stdin().lock().read_to_end(&mut bytes)?;
        if fix == FixMode::Apply {
            echo_stdin = Some(bytes.clone());
        }
        let name = args
            .stdin_filename
            .clone()
            .unwrap_or_else(|| PathBuf::from("<stdin>"));
        let format = if args.stdin_filename.is_some() {
            Format::from_path(&name)
        } else {
            Format::Markdown
        };
        if let Some(outcome) = job.lint(
            &name,
            display_path(&name),
            copylint::text_from_bytes(bytes),
            format,
            false,
        ) {
            emit(outcome, sink.writer(), &mut summary)?;
        }
    } else {
        // Writing a chunk's report (rendering, line/column, the write
        // itself) happens on this thread, beside the pool linting the next
        // chunk, so that the cores do not idle while it runs. Output order
        // is the file order either way; at most two chunks are held.
        std::thread::scope(|scope| -> io::Result<()> {
            // The first file, when it was linted early, heads the first chunk.
            let rest = &files[early.as_ref().map_or(0, Vec::len)..];
            let mut chunks = rest.chunks(CHUNK);
            let mut ready = match early {
                Some(mut first) => {
                    first.extend(chunks.next().map(lint_chunk).unwrap_or_default());
                    Some(first)
                }
                None => chunks.next().map(lint_chunk),
            };
            while let Some(outcomes) = ready.take() {
                let next = chunks.next().map(|c| scope.spawn(move || lint_chunk(c)));
                // Each chunk's report goes out before the next is taken, so
                // that a report that can no longer be written (a closed
                // pipe) is found, and stops the chunk in flight, within a
                // chunk whatever the size of the buffer.
                let written = outcomes
                    .into_iter()
                    .flatten()
                    .try_for_each(|outcome| emit(outcome, sink.writer(), &mut summary))
                    .and_then(|()| sink.writer().flush());
                if let Err(e) = written {
                    stop.store(true, Ordering::Relaxed);
                    return Err(e);
                }
                ready = next.map(|handle| {
                    handle
                        .join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                });
            }
            Ok(())
        })?;
    }
    if fix != FixMode::Diff {
        renderer.finish(sink.writer(), &summary)?;
    }
    sink.close()?;
    let stdin_out = fixed_stdin.map(String::into_bytes).or(echo_stdin);
    if let Some(bytes) = stdin_out {
        let mut out = io::stdout().lock();
        out.write_all(&bytes)?;
        out.flush()?;
    }

    if let Some(path) = &args.write_baseline
        && let Err(e) = baseline::write(path, recorded)
    {
        anstream::eprintln!("{}: {e}", error_label());
        return Ok(Status::Error);
    }
    let too_many_warnings = args
        .max_warnings
        .is_some_and(|max| summary.counts.warning > max);
    if too_many_warnings && !args.quiet {
        anstream::eprintln!(
            "{} warnings exceed --max-warnings {}",
            summary.counts.warning,
            args.max_warnings.unwrap_or_default()
        );
    }
    Ok(if had_error {
        Status::Error
    } else if fix == FixMode::Diff {
        if has_diff {
            Status::Failed
        } else {
            Status::Clean
        }
    } else if args.write_baseline.is_some() {
        // Every finding is now recorded, so none is new: a script can go on
        // (`… --write-baseline b.json && git add b.json`).
        Status::Clean
    } else if failed || too_many_warnings {
        Status::Failed
    } else {
        Status::Clean
    })
}
