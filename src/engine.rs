//! Document × RuleSet → findings.
//!
//! One pass over the document's lint text that steps the phrase automaton
//! and the regex set side by side (`engine/scan.rs`; the set also finds the
//! phrases of up to three letters or digits), followed by the regexes the
//! set found (block by block, only where it found them), fill a hit table
//! (sorted ranges per matcher);
//! every rule then works on that table with binary searches. Built-in classes
//! are computed sentence by sentence, on first use: a class a rule reads only
//! around its hits is never computed for sentences without them (but in a
//! block of [`PARALLEL_BYTES`] or more, whose classes found per block are
//! found with the scan). Fixes are computed as data on each finding.
//! Suppression comments are applied last.
//!
//! A large document (one 10 MB paragraph, a generated reference page) would
//! otherwise keep one core busy while the others wait at the end of a run:
//! from [`PARALLEL_BYTES`] of lint text on, the automaton pass, the regexes
//! and the rules themselves (with the classes they ask for) run on rayon's
//! pool.
//! The findings are the same, in the same order, as a serial run.
//!
//! [`lint_many`] lints several small documents on one thread: each regex
//! the set found reads its windows in all of them in turn, while its
//! automaton's states are still in the processor's caches. The findings
//! are those of [`lint`] on each.

mod scan;

use std::ops::Range;
use std::sync::OnceLock;

use rayon::prelude::*;

use crate::diagnostic::Diagnostic;
use crate::document::{Block, BlockKind, Document, InlineKind};
use crate::fix::{Edit, Fix};
use crate::rules::RuleSet;
use crate::rules::classes::{self, Class};
use crate::rules::compile::{
    Body, Cond, Counted, FixAction, GaveUp, MatcherId, Matchers, OccurrenceRule, RegexShape, Rule,
    RuleFix, SentenceRule, Source, SpecificityRule, UnbackedRule,
};
use crate::rules::spec::{BlockScope, NoneIn, Per, Person, Report};
use crate::suppress;

/// Options of one lint run.
#[derive(Clone, Copy, Debug, Default)]
pub struct LintOptions {
    /// Report suppression comments that suppressed nothing.
    pub report_unused_disables: bool,
    /// Lint on the calling thread only, even a document of
    /// [`PARALLEL_BYTES`] or more (which otherwise uses rayon's pool).
    pub single_threaded: bool,
    /// Leave every finding's [`fix`](Diagnostic::fix) empty: for a report
    /// that shows no fixes, the edits are work thrown away.
    pub skip_fixes: bool,
}

/// Lints `doc` with `set`; findings are sorted by position, then rule id.
///
/// Rules that count other rules' findings (`occurrence` with `findings:`)
/// run second, on the findings that survived suppression comments.
pub fn lint(doc: &Document<'_>, set: &RuleSet, options: LintOptions) -> Vec<Diagnostic> {
    lint_counting(
        doc,
        set,
        options,
        in_parallel(doc, options),
        Counting::Cheap,
    )
    .0
}

/// Whether `doc` is linted on rayon's pool (see [`PARALLEL_BYTES`]).
fn in_parallel(doc: &Document<'_>, options: LintOptions) -> bool {
    !options.single_threaded && doc.text().len() >= PARALLEL_BYTES
}

/// [`lint`] for several documents: the same findings, in the order of
/// `docs`. Those under [`PARALLEL_BYTES`] are linted on the calling
/// thread: each is scanned; then each regex the set found reads its
/// windows in every document in turn (the order hits are added in does not
/// matter, they are sorted); then the rules run document by document. Read document by document, a regex's lazy DFA steps through
/// states no longer in the processor's caches at every window (a document
/// has one or two per regex): regex by regex, its states stay cached. A
/// few documents at a time keep their own text cached between the steps
/// too. Larger documents take [`lint`]'s own parallel path.
pub fn lint_many(
    docs: &[&Document<'_>],
    set: &RuleSet,
    options: LintOptions,
) -> Vec<Vec<Diagnostic>> {
    let m = &set.matchers;
    let mut scanned: Vec<Option<(HitTable, RegexPending)>> = docs
        .iter()
        .map(|doc| (!in_parallel(doc, options)).then(|| scan_serial(doc, m)))
        .collect();
    for i in 0..m.regexes.len() {
        for (scanned, doc) in scanned.iter_mut().zip(docs) {
            if let Some((hits, pending)) = scanned
                && pending.wants(i)
            {
                let ranges = pending.run(doc, m, i);
                add_regex_hits(m, i, &ranges, hits);
            }
        }
    }
    scanned
        .into_iter()
        .zip(docs)
        .map(|(scanned, doc)| match scanned {
            Some((mut hits, pending)) => {
                settle_hits(&mut hits, set);
                let ctx = Ctx::with_hits(doc, set, false, options.skip_fixes, hits, pending.stats);
                run_rules(ctx, options, Counting::Cheap).0
            }
            None => lint(doc, set, options),
        })
        .collect()
}

/// Each matcher's hits in a document, by matcher id.
type HitTable = Vec<Vec<Range<usize>>>;

/// Lint text from which one document's scans and rules run in parallel.
/// Below it, files are the unit of parallelism and splitting one would
/// only add overhead.
pub const PARALLEL_BYTES: usize = 256 * 1024;

/// How many times one document's lint text was scanned, and by what: the
/// measure of "one pass of the automata" that tests hold steady (a timing
/// would be flaky; a count is exact).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ScanStats {
    /// Passes of the phrase automaton (one, whatever the number of rules;
    /// none when every phrase is a word of up to three letters or digits,
    /// which the set searches).
    pub automaton_passes: usize,
    /// Passes of the combined regex set (one when there are regexes or
    /// such short phrases). Where it gives up, the short phrases' own small
    /// automaton reads that text; its reading is not counted.
    pub regex_set_passes: usize,
    /// Segments of about 1 KiB the set gave up on, where every regex then
    /// reads every block: none in prose; the rest of a document that keeps
    /// the set making new states (a word salad of marketing phrases); one
    /// where a user's Unicode `\<` meets a non-ASCII letter.
    pub regex_set_gave_up: usize,
    /// Passes of single regexes: only those the set found in the document.
    pub regex_passes: usize,
    /// Bytes of lint text those regexes were given, together: each runs
    /// only over the blocks where the set saw one of its matches end, and
    /// only over windows around those ends: back by its longest match, or,
    /// without one and in a block of 4 KiB or more, to the earliest start a
    /// reverse search finds. (A
    /// search from a window that holds no match of its own reads on to the
    /// next match, which this does not count.)
    pub regex_bytes: usize,
    /// Bytes the reverse searches read back from the set's ends to where
    /// matches of a regex without a longest match start, together: at most
    /// one block's length per regex and block (4 KiB or longer).
    pub reverse_bytes: usize,
    /// Built-in classes computed, in one sentence (or block) or more; each
    /// class runs at most once over any sentence or block.
    pub class_passes: usize,
    /// Bytes of lint text the built-in classes ran over, together: only the
    /// sentences (or blocks) where a rule asked for them, and the blocks of
    /// [`PARALLEL_BYTES`] or more, whose classes found per block are found
    /// with the scan.
    pub class_bytes: usize,
}

/// [`lint`], also returning how the text was scanned.
pub fn lint_with_stats(
    doc: &Document<'_>,
    set: &RuleSet,
    options: LintOptions,
) -> (Vec<Diagnostic>, ScanStats) {
    lint_on(doc, set, options, in_parallel(doc, options))
}

/// What a lint run hands back besides its findings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Counting {
    /// Every count of [`ScanStats`].
    All,
    /// The counts the scan keeps anyway; the classes' are left at zero
    /// (adding them up reads every sentence's cache).
    Cheap,
}

/// [`lint_with_stats`] with the parallel path chosen by the caller, whatever
/// the document's size (the fuzz invariants hold both paths to one answer).
pub(crate) fn lint_on(
    doc: &Document<'_>,
    set: &RuleSet,
    options: LintOptions,
    parallel: bool,
) -> (Vec<Diagnostic>, ScanStats) {
    lint_counting(doc, set, options, parallel, Counting::All)
}

fn lint_counting(
    doc: &Document<'_>,
    set: &RuleSet,
    options: LintOptions,
    parallel: bool,
    counting: Counting,
) -> (Vec<Diagnostic>, ScanStats) {
    let ctx = Ctx::new(doc, set, parallel, options.skip_fixes);
    run_rules(ctx, options, counting)
}

/// The rules over a scanned document, suppression comments applied,
/// findings sorted.
fn run_rules(
    mut ctx: Ctx<'_, '_>,
    options: LintOptions,
    counting: Counting,
) -> (Vec<Diagnostic>, ScanStats) {
    let (doc, set, parallel) = (ctx.doc, ctx.set, ctx.parallel);
    let counts_findings = |r: &Rule| matches!(&r.body, Body::Occurrence(o) if matches!(o.counted, Counted::Findings(_)));
    // A catch-all rule stays quiet where a rule of its category already
    // spoke.
    let first = if parallel {
        // On the pool, the catch-alls run beside the other rules, and their
        // findings where their category spoke are dropped after: run on
        // their own after the others, the longest of them held one thread
        // while the other idled (9 ms of a 10 MB paragraph's 200).
        let (fallbacks, others): (Vec<_>, Vec<_>) = ctx
            .run_parallel(|r| !counts_findings(r))
            .into_iter()
            .partition(|(r, _)| r.fallback);
        ctx.spoken = ctx.spoken_in(others.iter().flat_map(|(_, found)| found));
        // Sized once: a large document's findings run to megabytes, which
        // growing would copy and fault in several times over. The rules'
        // order is the serial path's: catch-alls last.
        let all = others.iter().chain(&fallbacks);
        let mut first = Vec::with_capacity(all.map(|(_, found)| found.len()).sum());
        for (_, found) in others {
            first.extend(found);
        }
        for (_, found) in fallbacks {
            first.extend(
                found
                    .into_iter()
                    .filter(|d| !ctx.quiet_in(d.context.start, &d.rule.category)),
            );
        }
        first
    } else {
        // Told where first, a catch-all makes no finding there (a tenth of
        // all findings on the benchmark corpus, each with its message and
        // fix).
        let mut first = ctx.run_serial(|r| !r.fallback && !counts_findings(r));
        if set.rules.iter().any(|r| r.fallback) {
            ctx.spoken = ctx.spoken_in(first.iter());
            first.extend(ctx.run_serial(|r| r.fallback && !counts_findings(r)));
        }
        first
    };
    let mut suppressor = suppress::Suppressor::new(doc, set);
    let mut out = suppressor.filter(first);
    let mut second = Vec::new();
    for rule in set.rules.iter().filter(|r| counts_findings(r)) {
        if let Body::Occurrence(o) = &rule.body {
            ctx.run_finding_count(rule, o, &out, &mut second);
        }
    }
    out.extend(suppressor.filter(second));
    out.extend(suppressor.finish(options.report_unused_disables));
    let mut stats = ctx.stats;
    if counting == Counting::All {
        (stats.class_passes, stats.class_bytes) = ctx.classes.computed();
    }
    let sort = |out: &mut Vec<Diagnostic>| {
        out.sort_by(|a, b| {
            (a.range.start, a.range.end, a.rule_id()).cmp(&(
                b.range.start,
                b.range.end,
                b.rule_id(),
            ))
        });
        out.dedup_by(|a, b| a.range == b.range && a.rule.id == b.rule.id);
    };
    if parallel {
        // A large document's caches (a cell per sentence and class) are
        // freed beside the sort.
        rayon::join(move || drop(ctx), || sort(&mut out));
    } else {
        sort(&mut out);
    }
    (out, stats)
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Whether `text[start..end]` stands as whole words: not glued to a letter or
/// digit on either side, nor to one through a hyphen or apostrophe
/// ("world-class" is not a hit for "class").
pub(crate) fn is_whole_word(text: &str, start: usize, end: usize) -> bool {
    let s = &text[start..end];
    if s.chars().next().is_some_and(is_word_char) {
        let mut before = text[..start].chars().rev();
        match before.next() {
            Some(c) if is_word_char(c) => return false,
            Some('-' | '\'') if before.next().is_some_and(is_word_char) => return false,
            _ => {}
        }
    }
    if s.chars().next_back().is_some_and(is_word_char) {
        let mut after = text[end..].chars();
        match after.next() {
            Some(c) if is_word_char(c) => return false,
            Some('-') if after.next().is_some_and(is_word_char) => return false,
            _ => {}
        }
    }
    true
}

/// The name of the regex group that, when present, is the hit.
pub(crate) const MATCH_GROUP: &str = "match";

/// Fills the hit table: one pass of the phrase automaton and the regex set
/// together (see [`scan`]), then each regex the set found in the text.
/// Also finds the classes of the document's large blocks
/// ([`large_block_classes`]). With `parallel`, those classes are found
/// beside the pass, or where there are none (or only inline spans to look
/// up), the automaton and the set read the text side by side; the regexes
/// run side by side after them.
fn collect_hits(
    doc: &Document<'_>,
    set: &RuleSet,
    parallel: bool,
) -> (HitTable, ScanStats, Vec<BlockClass>) {
    let m = &set.matchers;
    let large = large_block_classes(doc, set);
    let find = |(c, u): (Class, usize)| {
        // Classes found per block read neither sentence starts nor names.
        let hits = classes::find(c, doc, doc.blocks()[u].text.clone(), &[], || &[]);
        (c, u, hits.into_boxed_slice())
    };
    // One pass of both automata, then the regexes it planned.
    let one_pass = |parallel| {
        let (mut hits, pending) = scan_serial(doc, m);
        pending.run_all(doc, m, &mut hits, parallel);
        (hits, pending.stats)
    };
    let (mut hits, stats, found_early) = if !parallel {
        let (hits, stats) = one_pass(false);
        (hits, stats, large.into_iter().map(find).collect())
    } else if large.iter().any(|(c, _)| c.cost() > 0) {
        // One pass reads both automata for less than the two passes side
        // by side (30 ms against 23 + 22 ms of the two threads for 10 MB),
        // and the classes keep the other thread as busy (35 ms).
        let ((hits, stats), found_early) = rayon::join(
            || one_pass(true),
            || large.into_par_iter().map(find).collect(),
        );
        (hits, stats, found_early)
    } else {
        let mut hits: HitTable = vec![Vec::new(); m.count];
        let mut from_regexes = vec![Vec::new(); m.count];
        let ((automaton_passes, _), mut stats) = rayon::join(
            || scan_text(doc, m, Some(&mut hits), false),
            || {
                let (_, found) = scan_text(doc, m, None, true);
                regex_hits(doc, m, found, &mut from_regexes, true)
            },
        );
        stats.automaton_passes = automaton_passes;
        for (h, more) in hits.iter_mut().zip(from_regexes) {
            h.extend(more);
        }
        // Inline spans looked up, if any: not worth a thread.
        (hits, stats, large.into_iter().map(find).collect())
    };
    settle_hits(&mut hits, set);
    (hits, stats, found_early)
}

// `collect_hits` finds the classes found per block without the sentence
// starts and names that these classes read.
const _: () = assert!(
    Class::Number.per_sentence() && Class::ProperNoun.per_sentence() && Class::Owner.per_sentence()
);

/// A class's hits in one block: the class, the block's index, the hits.
type BlockClass = (Class, usize, Box<[Range<usize>]>);

/// The classes found per block that the rules may ask
/// ([`RuleSet::block_classes`]) in each block of [`PARALLEL_BYTES`] or more:
/// found with the scan, on either path of [`lint`] (both compute the same
/// classes), whether or not a rule comes to ask.
/// Found on first use, as in any other block, one block's date class (20 ms
/// for 10 MB) was computed by the first rule to ask, while every other rule
/// asking waited on its cell and the rest of the pool idled.
fn large_block_classes(doc: &Document<'_>, set: &RuleSet) -> Vec<(Class, usize)> {
    doc.blocks()
        .iter()
        .enumerate()
        .filter(|(_, b)| b.text.len() >= PARALLEL_BYTES)
        .flat_map(|(u, _)| set.block_classes.iter().map(move |&c| (c, u)))
        .collect()
}

/// One pass over `doc` on this thread: the automaton's and the set's hits
/// in a new table, and the regex passes planned from what the set found.
fn scan_serial(doc: &Document<'_>, m: &Matchers) -> (HitTable, RegexPending) {
    let mut hits = vec![Vec::new(); m.count];
    let (automaton_passes, found) = scan_text(doc, m, Some(&mut hits), true);
    let mut pending = RegexPending::new(doc, m, found, &mut hits);
    pending.stats.automaton_passes = automaton_passes;
    (hits, pending)
}

/// Sorts each matcher's hits and drops those a term of the vocabulary's
/// `accept` list overlaps.
fn settle_hits(hits: &mut [Vec<Range<usize>>], set: &RuleSet) {
    for h in hits.iter_mut() {
        h.sort_by_key(|r| (r.start, r.end));
        h.dedup();
    }
    if let Some(accept) = set.accept {
        let accepted = std::mem::take(&mut hits[accept as usize]);
        if !accepted.is_empty() {
            let max_len = longest(&accepted);
            for (id, h) in hits.iter_mut().enumerate() {
                if id != accept as usize {
                    h.retain(|r| !overlaps_any(&accepted, max_len, r));
                }
            }
        }
        hits[accept as usize] = accepted;
    }
}

/// The whole-word hits of `ac` (whose patterns are the phrases
/// `phrase_ids`) in `text[within]`, into `hits`.
fn automaton_hits(
    ac: &aho_corasick::AhoCorasick,
    phrase_ids: &[u32],
    text: &str,
    within: Range<usize>,
    m: &Matchers,
    hits: &mut [Vec<Range<usize>>],
) {
    let input = aho_corasick::Input::new(text).range(within);
    for found in ac.find_overlapping_iter(input) {
        if is_whole_word(text, found.start(), found.end()) {
            let phrase = phrase_ids[found.pattern().as_usize()];
            phrase_hit(m, phrase, found.start()..found.end(), hits);
        }
    }
}

fn phrase_hit(m: &Matchers, phrase: u32, at: Range<usize>, hits: &mut [Vec<Range<usize>>]) {
    for &owner in &m.phrase_owners[phrase as usize] {
        hits[owner as usize].push(at.clone());
    }
}

/// Blocks are grouped into segments of at least this much lint text for
/// the regex-set pass, so that the cost of starting a search stays small.
/// (The set reports match ends, so a segment's size no longer decides
/// which blocks a regex runs over; when a search gives up, every regex
/// runs over that one segment.)
const SEGMENT_BYTES: usize = 1024;

/// Consecutive blocks (by index) holding at least [`SEGMENT_BYTES`] of text
/// each, the last one excepted.
fn segments(blocks: &[Block]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut first = 0;
    for (i, b) in blocks.iter().enumerate() {
        if b.text.end - blocks[first].text.start >= SEGMENT_BYTES {
            out.push(first..i + 1);
            first = i + 1;
        }
    }
    if first < blocks.len() {
        out.push(first..blocks.len());
    }
    out
}

/// Where in a block a regex must look: the block (by index) and, inside
/// it, the window `from..to` holding every match it can make there. A
/// block's windows are consecutive in a region, in order.
#[derive(Clone, Debug)]
struct Span {
    block: usize,
    from: usize,
    to: usize,
}

impl Span {
    fn whole(blocks: &[Block], block: usize) -> Self {
        let text = &blocks[block].text;
        Span {
            block,
            from: text.start,
            to: text.end,
        }
    }
}

/// Blocks from which a regex without a longest match reads only back from
/// the ends the set found to the earliest start of a match ending there
/// (see [`crate::rules::compile::RegexGate::earliest_start`]), not the
/// whole block: one reverse search per end costs more than reading a short
/// block. Unit tests take this path in every block.
const REVERSE_FROM_BYTES: usize = if cfg!(test) { 1 } else { 4096 };

/// What the regex set found for [`regex_hits`].
#[derive(Default)]
struct SetFound {
    /// For each regex, where it runs: the windows around the ends the set
    /// found (kept as block ranges in `gave_up`, not as a window per regex
    /// and block, where the set gave up: one of each on a document of many
    /// short blocks took hundreds of megabytes).
    regions: Vec<Vec<Span>>,
    /// The blocks (ranges of indexes) the set gave up on: every regex runs
    /// over each of them, and the short phrases' own automaton reads them.
    gave_up: Vec<Range<usize>>,
    /// Hits of the short phrases the set searches (see `is_gate_phrase`):
    /// (phrase, range), in the order of their ends.
    short: Vec<(u32, Range<usize>)>,
    stats: ScanStats,
}

/// The one pass over `doc`'s lint text (`engine/scan.rs`): with `phrases`, the
/// phrase automaton's whole-word hits go into it, by matcher; with `gate`,
/// the regex set reads the text segment by segment and says where each
/// regex has a match end, and finds the short phrases (see
/// [`crate::rules::compile::is_gate_phrase`]). Returns the automaton passes
/// made (none without phrases) and what the set found.
///
/// A match of a regex in a block ends in that block, so the set finds that
/// end too; it may also find ends a block's regex does not (a match that
/// starts in the block before, one inside another match), which only
/// costs that regex a block, or a search from a window on to its next
/// match. A regex whose matches are at most L bytes long looks only at the
/// windows `end - L..end` around those ends (see [`RuleRegex::hits_in`]);
/// one without a longest match, in a block of [`REVERSE_FROM_BYTES`] or
/// more, at the windows from the earliest start of a match ending there,
/// which a reverse search finds within a budget of the block's length;
/// this matters in long blocks. (Text outside every block, such as MDX
/// import lines, is not prose: no regex runs there, and findings there
/// would be dropped anyway.)
fn scan_text(
    doc: &Document<'_>,
    m: &Matchers,
    mut phrases: Option<&mut [Vec<Range<usize>>]>,
    gate: bool,
) -> (usize, SetFound) {
    let text = doc.text();
    let blocks = doc.blocks();
    let regexes = m.regexes.len();
    let mut found = SetFound {
        regions: vec![Vec::new(); regexes],
        ..SetFound::default()
    };
    let set = m.regex_set.as_ref().filter(|_| gate);
    found.stats.regex_set_passes = usize::from(set.is_some());
    let segments = if set.is_some() {
        segments(blocks)
    } else {
        Vec::new()
    };
    let bytes: Vec<Range<usize>> = segments
        .iter()
        .map(|seg| blocks[seg.start].text.start..blocks[seg.end - 1].text.end)
        .collect();
    let automaton = m.automaton.as_ref().filter(|_| phrases.is_some());
    let passes = usize::from(automaton.is_some());
    let mut phrase_found = |pattern: usize, at: Range<usize>| {
        if let Some(hits) = phrases.as_deref_mut()
            && is_whole_word(text, at.start, at.end)
        {
            phrase_hit(m, m.automaton_phrases[pattern], at, hits);
        }
    };
    // Ends come in order: the block of the latest one.
    let mut b = 0;
    // For each regex, the block its reverse searches last read and the
    // bytes they may still read back in it.
    let mut reverse_budgets = vec![(usize::MAX, 0); regexes];
    let mut gate_found = |i: usize, end: usize| {
        let Some(set) = set else { return };
        if let Some(&phrase) = i.checked_sub(regexes).and_then(|k| m.gate_phrases.get(k)) {
            // The set folds case by Unicode rules and its classes are
            // widened to every non-ASCII character ("é×s" for "sks"): only
            // the automaton's hits count, the phrase's own bytes in ASCII
            // case, as a whole word.
            let want = &m.phrases[phrase as usize];
            let start = end.wrapping_sub(want.len());
            if text
                .get(start..end)
                .is_some_and(|s| s.eq_ignore_ascii_case(want))
                && is_whole_word(text, start, end)
            {
                found.short.push((phrase, start..end));
            }
            return;
        }
        while b < blocks.len() && blocks[b].text.end < end {
            b += 1;
        }
        if b == blocks.len() || blocks[b].text.start >= end || set.absolute_anchors[i] {
            return;
        }
        let block = &blocks[b].text;
        let region = &mut found.regions[i];
        let (from, to) = match set.max_len[i] {
            Some(len) => (end.saturating_sub(len).max(block.start), end),
            // Without a longest match, the regex reads the block from the
            // earliest start of a match ending here (none: nothing to read),
            // or all of it when that cannot be said (or the block is small,
            // or its reverse searches have read as much as the block).
            None if block.len() >= REVERSE_FROM_BYTES => {
                if region
                    .last()
                    .is_some_and(|s| s.block == b && s.from == block.start && s.to == block.end)
                {
                    return;
                }
                let budget = &mut reverse_budgets[i];
                if budget.0 != b {
                    *budget = (b, block.len());
                }
                let before = budget.1;
                let start =
                    set.earliest_start(i, &text[block.clone()], end - block.start, &mut budget.1);
                found.stats.reverse_bytes += before - budget.1;
                match start {
                    Some(Some(start)) => (block.start + start, end),
                    Some(None) => return,
                    None => (block.start, block.end),
                }
            }
            None => (block.start, block.end),
        };
        // Windows that meet are one (an earlier start may reach back over
        // several).
        let (mut from, mut to) = (from, to);
        while let Some(last) = region.last()
            && last.block == b
            && from <= last.to
        {
            from = from.min(last.from);
            to = to.max(last.to);
            region.pop();
        }
        region.push(Span { block: b, from, to });
    };
    let gave_up = scan::pass(
        text,
        &bytes,
        automaton,
        set,
        &mut phrase_found,
        &mut gate_found,
    );
    // Where the set gave up, every regex runs over every block of the
    // segment (and only so, whatever ends it reported), or of the rest of
    // the document.
    for (k, why) in gave_up {
        let rest = why == GaveUp::ForTheDocument;
        let upto = if rest { blocks.len() } else { segments[k].end };
        found.stats.regex_set_gave_up += if rest { segments.len() - k } else { 1 };
        match found.gave_up.last_mut() {
            Some(last) if last.end == segments[k].start => last.end = upto,
            _ => found.gave_up.push(segments[k].start..upto),
        }
    }
    if !found.gave_up.is_empty() {
        let given_up = |block: usize| {
            let i = found.gave_up.partition_point(|r| r.end <= block);
            found.gave_up.get(i).is_some_and(|r| r.start <= block)
        };
        for r in &mut found.regions {
            r.retain(|s| !given_up(s.block));
        }
        found.short.retain(|(_, at)| {
            let block = blocks.partition_point(|bl| bl.text.end < at.end);
            !given_up(block)
        });
    }
    (passes, found)
}

/// The regex passes. Regexes run block by block: a hit never spans two
/// blocks (a heading and the paragraph under it are separate texts), and
/// `^`/`$` are a block's start and end. Each runs only over the blocks
/// where the set (see [`scan_text`]) found one of its match ends (side by
/// side with `parallel`), or every block without a set. Where the set gave
/// up, or without a set, the short phrases' own automaton reads the text.
/// Hits go into `hits`, by matcher.
fn regex_hits(
    doc: &Document<'_>,
    m: &Matchers,
    found: SetFound,
    hits: &mut [Vec<Range<usize>>],
    parallel: bool,
) -> ScanStats {
    let pending = RegexPending::new(doc, m, found, hits);
    pending.run_all(doc, m, hits, parallel);
    pending.stats
}

/// Hits of regex `i` go to every matcher that owns it.
fn add_regex_hits(m: &Matchers, i: usize, ranges: &[Range<usize>], hits: &mut [Vec<Range<usize>>]) {
    for &owner in &m.regex_owners[i] {
        hits[owner as usize].extend(ranges.iter().cloned());
    }
}

/// A document's regex passes, planned from what the set found and not yet
/// run (see [`regex_hits`]; [`lint_many`] runs them regex by regex across
/// documents).
struct RegexPending {
    /// For each regex, the windows it reads (see [`SetFound::regions`]).
    regions: Vec<Vec<Span>>,
    /// The blocks (ranges of indexes) no set read: where it gave up, or
    /// every block without a set.
    unread: Vec<Range<usize>>,
    /// The regexes with anything to read, ascending.
    matching: Vec<usize>,
    stats: ScanStats,
}

impl RegexPending {
    /// Adds the short phrases' hits to `hits` (the set's, and its own
    /// automaton's where no set read) and plans the regex passes.
    fn new(
        doc: &Document<'_>,
        m: &Matchers,
        found: SetFound,
        hits: &mut [Vec<Range<usize>>],
    ) -> Self {
        let text = doc.text();
        let blocks = doc.blocks();
        let SetFound {
            regions,
            gave_up,
            short,
            stats,
        } = found;
        for (phrase, at) in short {
            phrase_hit(m, phrase, at, hits);
        }
        // The short phrases' own automaton reads the blocks the set could not.
        let unread = if m.regex_set.is_some() {
            gave_up
        } else {
            std::iter::once(0..blocks.len()).collect()
        };
        if let Some(ac) = &m.short_automaton {
            for r in &unread {
                if let (Some(first), Some(last)) = (
                    blocks.get(r.start),
                    r.end.checked_sub(1).and_then(|l| blocks.get(l)),
                ) {
                    automaton_hits(
                        ac,
                        &m.gate_phrases,
                        text,
                        first.text.start..last.text.end,
                        m,
                        hits,
                    );
                }
            }
        }
        let mut pending = RegexPending {
            regions,
            unread,
            matching: Vec::new(),
            stats,
        };
        // Every regex with windows or whole blocks to read, and how much.
        for i in 0..pending.regions.len() {
            let windows: usize = pending.regions[i].iter().map(|s| s.to - s.from).sum();
            let mut whole = pending.whole_blocks(doc, m, i).peekable();
            if pending.regions[i].is_empty() && whole.peek().is_none() {
                continue;
            }
            let whole: usize = whole.map(|b| blocks[b].text.len()).sum();
            pending.matching.push(i);
            pending.stats.regex_bytes += windows + whole;
        }
        pending.stats.regex_passes = pending.matching.len();
        pending
    }

    /// The blocks regex `i` reads whole: those the set did not read (every
    /// block without a set), and every block when the set cannot say where
    /// it matches (`\A`/`\z`: the set's callback gives those no windows).
    fn whole_blocks<'p>(
        &'p self,
        doc: &Document<'_>,
        m: &Matchers,
        i: usize,
    ) -> impl Iterator<Item = usize> + 'p {
        let every = m.regex_set.as_ref().is_some_and(|s| s.absolute_anchors[i]);
        let all = every.then(|| 0..doc.blocks().len());
        let unread = if every { &[][..] } else { &self.unread[..] };
        all.into_iter().chain(unread.iter().cloned()).flatten()
    }

    /// Every regex with anything to read, its hits into `hits` (the
    /// regexes side by side with `parallel`).
    fn run_all(
        &self,
        doc: &Document<'_>,
        m: &Matchers,
        hits: &mut [Vec<Range<usize>>],
        parallel: bool,
    ) {
        if parallel {
            let found: Vec<(usize, Vec<Range<usize>>)> = self
                .matching
                .par_iter()
                .map(|&i| (i, self.run(doc, m, i)))
                .collect();
            for (i, ranges) in found {
                add_regex_hits(m, i, &ranges, hits);
            }
        } else {
            for &i in &self.matching {
                add_regex_hits(m, i, &self.run(doc, m, i), hits);
            }
        }
    }

    /// Whether regex `i` has anything to read.
    fn wants(&self, i: usize) -> bool {
        self.matching.binary_search(&i).is_ok()
    }

    /// The hits of regex `i`: blocks in order, those read whole between
    /// the windowed ones.
    fn run(&self, doc: &Document<'_>, m: &Matchers, i: usize) -> Vec<Range<usize>> {
        let text = doc.text();
        let blocks = doc.blocks();
        let re = RuleRegex {
            re: &m.regexes[i],
            shape: m.regex_shapes[i],
        };
        let mut found = Vec::new();
        let whole = |b: usize, found: &mut Vec<Range<usize>>| {
            re.hits_in(
                text,
                blocks[b].text.clone(),
                &[Span::whole(blocks, b)],
                found,
            );
        };
        let mut read_whole = self.whole_blocks(doc, m, i).peekable();
        for windows in self.regions[i].chunk_by(|a, b| a.block == b.block) {
            let block = windows[0].block;
            while let Some(b) = read_whole.next_if(|&b| b < block) {
                whole(b, &mut found);
            }
            re.hits_in(text, blocks[block].text.clone(), windows, &mut found);
        }
        for b in read_whole {
            whole(b, &mut found);
        }
        found
    }
}

/// A rule regex with what its hits need.
struct RuleRegex<'r> {
    re: &'r regex::Regex,
    shape: RegexShape,
}

impl RuleRegex<'_> {
    /// Adds to `out` the non-empty hits in the block `text[block]`, as
    /// ranges of `text`: those the regex finds reading the whole block,
    /// left to right. The bytes beside a block are block separators (line
    /// feeds), so word boundaries at its edges read as they do in `text`.
    ///
    /// With `windows` narrower than the block, it reads only from each
    /// window on. That finds the same matches: every match lies inside one
    /// window (it ends where the set saw an end, and starts no earlier than
    /// the regex's longest match before it, or than the earliest start the
    /// reverse search found; meeting windows are merged), so no match starts in the
    /// text a search skips, and a search from a window's start (which keeps
    /// the text before it as context for `\b`) finds the match a reading
    /// of the whole block would find next.
    fn hits_in(
        &self,
        text: &str,
        block: Range<usize>,
        windows: &[Span],
        out: &mut Vec<Range<usize>>,
    ) {
        let base = block.start;
        let hay = &text[block.clone()];
        let keep = |range: &Range<usize>| {
            !range.is_empty() && (!self.shape.bounded || classes::unicode_bounded(text, range))
        };
        let at = |r: Range<usize>| base + r.start..base + r.end;
        if let [only] = windows
            && only.from == block.start
            && only.to == block.end
        {
            if self.shape.narrowed {
                out.extend(
                    self.re
                        .captures_iter(hay)
                        .filter_map(|caps| caps.name(MATCH_GROUP).map(|g| at(g.range())))
                        .filter(keep),
                );
            } else {
                out.extend(self.re.find_iter(hay).map(|f| at(f.range())).filter(keep));
            }
            return;
        }
        // A match moves `pos` on (an empty one, which a regex without a
        // longest match may make in context, by a character).
        let mut pos = 0;
        let mut w = 0;
        loop {
            while w < windows.len() && windows[w].to - base <= pos {
                w += 1;
            }
            let Some(window) = windows.get(w).filter(|_| pos <= hay.len()) else {
                return;
            };
            pos = pos.max(window.from - base);
            let (whole, hit) = if self.shape.narrowed {
                let Some(caps) = self.re.captures_at(hay, pos) else {
                    return;
                };
                let whole = caps.get(0).map_or(pos..pos, |g| g.range());
                (whole, caps.name(MATCH_GROUP).map(|g| g.range()))
            } else {
                let Some(f) = self.re.find_at(hay, pos) else {
                    return;
                };
                (f.range(), Some(f.range()))
            };
            // Not empty (see above); were it, step past it as `find_iter`
            // does rather than loop on one spot.
            pos = if whole.is_empty() {
                whole.end + hay[whole.end..].chars().next().map_or(1, char::len_utf8)
            } else {
                whole.end
            };
            if let Some(hit) = hit.map(at).filter(keep) {
                out.push(hit);
            }
        }
    }
}

/// The first hit in sorted `hits` that starts inside `r`.
fn first_starting_in<'h>(hits: &'h [Range<usize>], r: &Range<usize>) -> Option<&'h Range<usize>> {
    let i = hits.partition_point(|h| h.start < r.start);
    hits.get(i).filter(|h| h.start < r.end)
}

/// Hits in sorted `hits` that start inside `r`.
fn starting_in<'h>(hits: &'h [Range<usize>], r: &Range<usize>) -> &'h [Range<usize>] {
    let lo = hits.partition_point(|h| h.start < r.start);
    let hi = hits.partition_point(|h| h.start < r.end);
    &hits[lo..hi.max(lo)]
}

/// Length of the longest of `hits`.
fn longest(hits: &[Range<usize>]) -> usize {
    hits.iter().map(|h| h.len()).max().unwrap_or(0)
}

/// Whether any of sorted `hits` (none longer than `max_len`) overlaps `r`.
/// Only hits starting within `max_len` before `r` can reach into it, so
/// the scan is bounded.
fn overlaps_any(hits: &[Range<usize>], max_len: usize, r: &Range<usize>) -> bool {
    let lo = hits.partition_point(|h| h.start + max_len <= r.start);
    let hi = hits.partition_point(|h| h.start < r.end.max(r.start + 1));
    hits[lo..hi.max(lo)]
        .iter()
        .any(|h| h.end > r.start && h.start < r.end.max(r.start + 1))
}

/// Keeps the longest of overlapping hits, leftmost first.
fn non_overlapping(hits: Vec<Range<usize>>) -> Vec<Range<usize>> {
    let mut last_end = 0;
    non_overlapping_after(hits, &mut last_end)
}

/// [`non_overlapping`] for hits that all start at or after those of an
/// earlier call, which ended at `last_end`: calls over consecutive windows
/// keep what one call over all of them would.
fn non_overlapping_after(mut hits: Vec<Range<usize>>, last_end: &mut usize) -> Vec<Range<usize>> {
    hits.sort_by_key(|r| (r.start, std::cmp::Reverse(r.end)));
    let mut out: Vec<Range<usize>> = Vec::with_capacity(hits.len());
    for h in hits {
        if h.start >= *last_end {
            *last_end = h.end;
            out.push(h);
        }
    }
    out
}

struct Ctx<'a, 's> {
    doc: &'a Document<'s>,
    set: &'a RuleSet,
    /// Whether rules run on rayon's pool (see [`PARALLEL_BYTES`]).
    parallel: bool,
    /// Where the rules that are not catch-alls spoke (see
    /// [`Self::spoken_in`]), once they have run: a catch-all rule makes no
    /// finding there (on this thread, it is told before it runs; on the
    /// pool, its findings there are dropped after).
    spoken: Vec<(usize, &'a str)>,
    hits: HitTable,
    classes: ClassHits<'a, 's>,
    /// Length of the longest hit of each matcher (bounds overlap scans).
    max_len: Vec<usize>,
    /// Offset of the first word of every sentence.
    sentence_starts: Vec<usize>,
    quotes: OnceLock<(Vec<Range<usize>>, usize)>,
    protected: OnceLock<(Vec<Range<usize>>, usize)>,
    /// Per sentence: where its clauses start and break (several rules ask
    /// of the same sentence).
    clause_starts: PerUnit<Box<[usize]>>,
    clause_breaks: PerUnit<Box<[Range<usize>]>>,
    /// [`LintOptions::skip_fixes`].
    skip_fixes: bool,
    stats: ScanStats,
}

/// A value per unit (sentence or block), each computed on first use (the
/// table of them too: most documents never ask for most of them).
struct PerUnit<T> {
    count: usize,
    cells: OnceLock<Box<[OnceLock<T>]>>,
}

impl<T> PerUnit<T> {
    fn new(count: usize) -> Self {
        PerUnit {
            count,
            cells: OnceLock::new(),
        }
    }

    fn cells(&self) -> &[OnceLock<T>] {
        self.cells
            .get_or_init(|| (0..self.count).map(|_| OnceLock::new()).collect())
    }

    fn get_or_init(&self, i: usize, f: impl FnOnce() -> T) -> &T {
        self.cells()[i].get_or_init(f)
    }

    /// Sets the value of unit `i`, computed ahead of its first use (a value
    /// already there stays).
    fn fill(&self, i: usize, value: T) {
        // Unused when the cell is set: the two values are the same.
        let _ = self.cells()[i].set(value);
    }

    /// The units whose value has been computed.
    fn computed(&self) -> impl Iterator<Item = usize> + '_ {
        self.cells
            .get()
            .into_iter()
            .flat_map(|cells| cells.iter().enumerate())
            .filter_map(|(u, cell)| cell.get().map(|_| u))
    }
}

// `ClassHits::in_unit` hands Owner the names of the unit it is computing.
const _: () = assert!(Class::Owner.per_sentence() == Class::Name.per_sentence());

// `ClassHits::by_class` is indexed by `Class as usize` and zipped with
// `Class::ALL`: the two orders must agree.
const _: () = {
    let mut i = 0;
    while i < Class::ALL.len() {
        assert!(Class::ALL[i] as usize == i);
        i += 1;
    }
};

/// The hits of the built-in classes, computed sentence by sentence (or
/// block by block, see [`Class::per_sentence`]) on first use.
struct ClassHits<'d, 's> {
    doc: &'d Document<'s>,
    /// Per class (in the order of [`Class::ALL`]), its hits in each unit.
    by_class: [PerUnit<Box<[Range<usize>]>>; Class::ALL.len()],
}

impl<'d, 's> ClassHits<'d, 's> {
    fn new(doc: &'d Document<'s>) -> Self {
        let units = |c: Class| {
            if c.per_sentence() {
                doc.sentences().len()
            } else {
                doc.blocks().len()
            }
        };
        ClassHits {
            doc,
            by_class: Class::ALL.map(|c| PerUnit::new(units(c))),
        }
    }

    /// The lint-text range of unit `u` of `c`.
    fn unit(&self, c: Class, u: usize) -> &'d Range<usize> {
        if c.per_sentence() {
            &self.doc.sentences()[u].text
        } else {
            &self.doc.blocks()[u].text
        }
    }

    /// The units of `c` that overlap `r`, as indexes (units are disjoint
    /// and in document order).
    fn overlapping(&self, c: Class, r: &Range<usize>) -> Range<usize> {
        fn among<T>(
            units: &[T],
            text: impl Fn(&T) -> &Range<usize>,
            r: &Range<usize>,
        ) -> Range<usize> {
            let first = units.partition_point(|u| text(u).end <= r.start);
            let end = units.partition_point(|u| text(u).start < r.end);
            first..end.max(first)
        }
        if c.per_sentence() {
            among(self.doc.sentences(), |s| &s.text, r)
        } else {
            among(self.doc.blocks(), |b| &b.text, r)
        }
    }

    /// The hits of `c` in its unit `u`, sorted.
    fn in_unit(&self, c: Class, u: usize, sentence_starts: &[usize]) -> &[Range<usize>] {
        self.by_class[c as usize].get_or_init(u, || {
            classes::find(
                c,
                self.doc,
                self.unit(c, u).clone(),
                sentence_starts,
                || {
                    // Owner reads the names of the same unit.
                    self.in_unit(Class::Name, u, sentence_starts)
                },
            )
            .into_boxed_slice()
        })
    }

    /// How many classes were computed, and over how many bytes of lint text.
    fn computed(&self) -> (usize, usize) {
        let mut classes = 0;
        let mut bytes = 0;
        for (c, units) in Class::ALL.into_iter().zip(&self.by_class) {
            let mut used = false;
            for u in units.computed() {
                used = true;
                bytes += self.unit(c, u).len();
            }
            classes += usize::from(used);
        }
        (classes, bytes)
    }
}

/// Whether an em or en dash (E2 80 94, E2 80 93) starts at byte `i`.
fn is_long_dash(bytes: &[u8], i: usize) -> bool {
    bytes
        .get(i..i + 3)
        .is_some_and(|d| matches!(d, [0xE2, 0x80, 0x93 | 0x94]))
}

/// Offset of the first word in `text[pos..end]` (`end` when there is none).
fn first_word(text: &str, pos: usize, end: usize) -> usize {
    text[pos..end]
        .find(|c: char| c.is_alphanumeric())
        .map_or(end, |i| pos + i)
}

impl<'a, 's> Ctx<'a, 's> {
    /// The findings of the rules `which` selects, rule after rule in the
    /// set's order, on this thread.
    fn run_serial(&self, which: impl Fn(&Rule) -> bool) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        for rule in self.set.rules.iter().filter(|r| which(r)) {
            self.run(rule, &mut out);
        }
        out
    }

    /// The findings of the rules `which` selects on rayon's pool, a list
    /// per rule in the set's order.
    fn run_parallel(
        &self,
        which: impl Fn(&Rule) -> bool + Sync,
    ) -> Vec<(&'a Rule, Vec<Diagnostic>)> {
        self.set
            .rules
            .par_iter()
            .filter(|r| which(r))
            .map(|rule| {
                let mut out = Vec::new();
                self.run(rule, &mut out);
                (rule, out)
            })
            .collect()
    }

    /// Where `found` speaks: each finding's sentence (its source start) and
    /// its category (the set's copy, which outlives `found`), sorted.
    fn spoken_in<'d>(&self, found: impl Iterator<Item = &'d Diagnostic>) -> Vec<(usize, &'a str)> {
        let mut spoken: Vec<(usize, &'a str)> = found
            .filter_map(|d| Some((d.context.start, self.set.category(&d.rule.category)?)))
            .collect();
        spoken.sort_unstable();
        spoken.dedup();
        spoken
    }

    /// Whether a catch-all rule of `category` stays quiet in the sentence
    /// starting at source offset `sentence` (see [`Self::spoken`]).
    fn quiet_in(&self, sentence: usize, category: &str) -> bool {
        self.spoken.binary_search(&(sentence, category)).is_ok()
    }

    /// Scans `doc` ([`collect_hits`], side by side with `parallel`), and
    /// finds the classes of its large blocks with it. Other classes are
    /// computed later, where rules ask for them.
    fn new(doc: &'a Document<'s>, set: &'a RuleSet, parallel: bool, skip_fixes: bool) -> Self {
        let (hits, stats, found_early) = collect_hits(doc, set, parallel);
        let ctx = Self::with_hits(doc, set, parallel, skip_fixes, hits, stats);
        for (c, u, hits) in found_early {
            ctx.classes.by_class[c as usize].fill(u, hits);
        }
        ctx
    }

    /// [`Ctx::new`] for a document whose hit table is filled and settled.
    fn with_hits(
        doc: &'a Document<'s>,
        set: &'a RuleSet,
        parallel: bool,
        skip_fixes: bool,
        hits: HitTable,
        stats: ScanStats,
    ) -> Self {
        let sentence_starts: Vec<usize> = doc
            .sentences()
            .iter()
            .map(|s| first_word(doc.text(), s.text.start, s.text.end))
            .collect();
        let max_len = hits.iter().map(|h| longest(h)).collect();
        Ctx {
            doc,
            set,
            parallel,
            spoken: Vec::new(),
            hits,
            max_len,
            classes: ClassHits::new(doc),
            sentence_starts,
            quotes: OnceLock::new(),
            protected: OnceLock::new(),
            clause_starts: PerUnit::new(doc.sentences().len()),
            clause_breaks: PerUnit::new(doc.sentences().len()),
            skip_fixes,
            stats,
        }
    }

    fn text(&self) -> &'a str {
        self.doc.text()
    }

    /// The hits of `s` that may start inside `r`, as sorted slices in
    /// document order: the whole hit list of a matcher, or a class's hits
    /// in each sentence (or block) overlapping `r`, computed on first use.
    fn source_slices(
        &self,
        s: Source,
        r: &Range<usize>,
    ) -> impl Iterator<Item = &[Range<usize>]> + use<'_, 'a, 's> {
        let (whole, class, units) = match s {
            Source::Matcher(m) => (Some(&self.hits[m as usize][..]), None, 0..0),
            Source::Class(c) => (None, Some(c), self.classes.overlapping(c, r)),
        };
        whole.into_iter().chain(
            units.filter_map(move |u| {
                class.map(|c| self.classes.in_unit(c, u, &self.sentence_starts))
            }),
        )
    }

    /// Every hit of `s` in the document, in order.
    fn source_hits(&self, s: Source) -> impl Iterator<Item = &Range<usize>> + '_ {
        self.source_slices(s, &(0..self.text().len())).flatten()
    }

    fn matcher_hits(&self, m: MatcherId) -> &[Range<usize>] {
        &self.hits[m as usize]
    }

    /// Whether `cond` has a hit starting inside `r`.
    fn any_in(&self, cond: &Cond, r: &Range<usize>) -> bool {
        cond.sources.iter().any(|&s| self.source_in(s, r))
    }

    /// Whether `s` has a hit starting inside `r`.
    fn source_in(&self, s: Source, r: &Range<usize>) -> bool {
        self.source_slices(s, r)
            .any(|hits| first_starting_in(hits, r).is_some())
    }

    /// The earliest hit of `cond` starting inside `r`.
    fn first_in(&self, cond: &Cond, r: &Range<usize>) -> Option<Range<usize>> {
        cond.sources
            .iter()
            .filter_map(|&s| {
                self.source_slices(s, r)
                    .find_map(|hits| first_starting_in(hits, r))
                    .cloned()
            })
            .min_by_key(|h| (h.start, std::cmp::Reverse(h.end)))
    }

    /// All hits of `cond` starting inside `r`, longest of overlapping ones.
    fn all_in(&self, cond: &Cond, r: &Range<usize>) -> Vec<Range<usize>> {
        non_overlapping(self.hits_in(cond, r))
    }

    /// All hits of `cond` starting inside `r`, overlapping ones included.
    fn hits_in(&self, cond: &Cond, r: &Range<usize>) -> Vec<Range<usize>> {
        self.slices_in(cond, r).flatten().cloned().collect()
    }

    /// How many hits [`hits_in`](Self::hits_in) lists, without listing them.
    fn count_in(&self, cond: &Cond, r: &Range<usize>) -> usize {
        self.slices_in(cond, r).map(<[_]>::len).sum()
    }

    /// The hits of `cond` starting inside `r`, source by source.
    fn slices_in<'c>(
        &'c self,
        cond: &'c Cond,
        r: &'c Range<usize>,
    ) -> impl Iterator<Item = &'c [Range<usize>]> {
        cond.sources.iter().flat_map(move |&s| {
            self.source_slices(s, r)
                .map(move |hits| starting_in(hits, r))
        })
    }

    /// All hits of `cond` in the document.
    fn all(&self, cond: &Cond) -> Vec<Range<usize>> {
        self.all_in(cond, &(0..self.text().len()))
    }

    /// A hit of `matcher` that starts exactly at `pos` (the longest).
    fn matcher_hit_at(&self, m: MatcherId, pos: usize) -> Option<Range<usize>> {
        starting_in(self.matcher_hits(m), &(pos..pos + 1))
            .iter()
            .max_by_key(|h| h.end)
            .cloned()
    }

    fn cond_hit_at(&self, cond: &Cond, pos: usize) -> bool {
        let at = pos..pos + 1;
        cond.sources.iter().any(|&s| {
            self.source_slices(s, &at)
                .any(|hits| !starting_in(hits, &at).is_empty())
        })
    }

    /// The first alphanumeric character at or after `pos` (before `end`).
    fn first_word(&self, pos: usize, end: usize) -> usize {
        first_word(self.text(), pos, end)
    }

    fn skip_openers(&self, mut pos: usize, end: usize) -> usize {
        if let Some(openers) = self.set.openers {
            for _ in 0..4 {
                match self.matcher_hit_at(openers, pos) {
                    Some(h) if h.end < end => pos = self.first_word(h.end, end),
                    _ => break,
                }
            }
        }
        pos
    }

    /// Where the clauses a rule may check for a leading word begin: the
    /// sentence start (after openers such as "please", "just"), and, when the
    /// sentence opens with a conditional ("If you want …,", "For details,"),
    /// the clause after the first comma or dash. The sentence start comes
    /// first, the others in no set order (callers ask only `first` and
    /// `any`).
    fn clause_starts(&self, sentence: usize) -> &[usize] {
        self.clause_starts
            .get_or_init(sentence, || self.find_clause_starts(sentence))
    }

    fn find_clause_starts(&self, sentence: usize) -> Box<[usize]> {
        let r = &self.doc.sentences()[sentence].text;
        let p0 = self.skip_openers(self.sentence_starts[sentence], r.end);
        // A sentence without a word after its openers ("→!") starts no
        // clause: its end is the next sentence's business.
        if p0 >= r.end {
            return Box::default();
        }
        let mut out = vec![p0];
        // A semicolon or a dash joins independent clauses ("Applications close
        // on 1 May; apply today"): "; ", " — ", " – " or " - ". (Two that
        // overlap, " - - ", start the same clause.)
        let head = &self.text()[p0..r.end];
        let bytes = head.as_bytes();
        for i in memchr::memchr3_iter(b';', b'-', 0xE2, bytes) {
            let spaced =
                |len: usize| i > 0 && bytes[i - 1] == b' ' && bytes.get(i + len) == Some(&b' ');
            let end = match bytes[i] {
                b';' if bytes.get(i + 1) == Some(&b' ') => i + 2,
                b'-' if spaced(1) => i + 2,
                0xE2 if is_long_dash(bytes, i) && spaced(3) => i + 4,
                _ => continue,
            };
            let p = self.skip_openers(self.first_word(p0 + end, r.end), r.end);
            if p < r.end && !out.contains(&p) {
                out.push(p);
            }
        }
        // A short label before a colon ("PS:", "Next step:") starts a clause.
        if let Some(colon) = head.find(':') {
            let label = &head[..colon];
            let words = label.split_whitespace().count();
            if (1..=3).contains(&words) && !label.contains([',', ';', '.', '?', '!']) {
                let p = self.skip_openers(self.first_word(p0 + colon + 1, r.end), r.end);
                if p < r.end {
                    out.push(p);
                }
            }
        }
        if let Some(cond) = self.set.conditional
            && self.matcher_hit_at(cond, p0).is_some()
        {
            let rest = &self.text()[p0..r.end];
            let brk = [",", " - ", "\u{2014}", "\u{2013}", ":"]
                .iter()
                .filter_map(|d| rest.find(d).map(|i| i + d.len()))
                .min();
            if let Some(b) = brk {
                let p1 = self.skip_openers(self.first_word(p0 + b, r.end), r.end);
                if p1 < r.end {
                    out.push(p1);
                }
            }
        }
        out.into_boxed_slice()
    }

    /// Where the clauses of sentence `idx` break: the offsets of its commas,
    /// semicolons, colons, dashes, brackets and inner full stops.
    fn clause_breaks(&self, idx: usize) -> &[Range<usize>] {
        self.clause_breaks.get_or_init(idx, || {
            let r = &self.doc.sentences()[idx].text;
            let bytes = &self.text().as_bytes()[r.clone()];
            let mut out = Vec::new();
            for (i, &b) in bytes.iter().enumerate() {
                let len = match b {
                    b',' | b';' | b':' | b'(' | b')' | b'.' | b'!' | b'?' => 1,
                    0xE2 if is_long_dash(bytes, i) => 3,
                    _ => continue,
                };
                out.push(r.start + i..r.start + i + len);
            }
            out.into_boxed_slice()
        })
    }

    /// The clause of sentence `r` around hit `h`, given its `breaks`.
    fn clause_around(r: &Range<usize>, breaks: &[Range<usize>], h: &Range<usize>) -> Range<usize> {
        let before = breaks.partition_point(|b| b.end <= h.start);
        let start = before.checked_sub(1).map_or(r.start, |i| breaks[i].end);
        let after = breaks.partition_point(|b| b.start < h.end);
        let end = breaks.get(after).map_or(r.end, |b| b.start);
        start..end.max(start)
    }

    /// Whether hit `h` of sentence `idx` is capitalised without starting the
    /// sentence, outside a heading: then it is part of a name.
    fn is_name_part(&self, idx: usize, h: &Range<usize>) -> bool {
        let capital = self.text()[h.clone()].starts_with(char::is_uppercase);
        let heading = self
            .doc
            .block_at(h.start)
            .is_some_and(|b| matches!(self.doc.blocks()[b].kind, BlockKind::Heading(_)));
        capital && !heading && self.sentence_starts[idx] != h.start
    }

    fn is_question(&self, sentence: usize) -> bool {
        let r = &self.doc.sentences()[sentence].text;
        self.text()[r.clone()]
            .trim_end_matches(['"', '\'', ')', ' ', '*', '_'])
            .ends_with('?')
    }

    /// Whether sentence `idx` speaks as (or to) `person`.
    fn speaks_as(&self, person: Person, idx: usize) -> bool {
        let r = &self.doc.sentences()[idx].text;
        match person {
            Person::You => self.source_in(Source::Class(Class::You), r),
            Person::We => self.source_in(Source::Class(Class::We), r),
            Person::I => self.source_in(Source::Class(Class::I), r),
            Person::Imperative => self.is_imperative(self.clause_starts(idx)),
        }
    }

    fn is_imperative(&self, starts: &[usize]) -> bool {
        self.set
            .imperative
            .is_some_and(|m| starts.iter().any(|&p| self.matcher_hit_at(m, p).is_some()))
    }

    /// Spans inside double quotes, per block; an unclosed quote runs to the
    /// end of its block.
    fn quotes(&self) -> &(Vec<Range<usize>>, usize) {
        self.quotes.get_or_init(|| {
            let mut out = Vec::new();
            for b in self.doc.blocks() {
                let t = &self.text()[b.text.clone()];
                let mut open: Option<usize> = None;
                // `"` is one byte that never occurs inside a longer UTF-8
                // character.
                for i in memchr::memchr_iter(b'"', t.as_bytes()) {
                    match open.take() {
                        Some(s) => out.push(b.text.start + s..b.text.start + i + 1),
                        None => open = Some(i),
                    }
                }
                if let Some(s) = open {
                    out.push(b.text.start + s..b.text.end);
                }
            }
            let max_len = longest(&out);
            (out, max_len)
        })
    }

    fn in_quotes(&self, pos: usize) -> bool {
        let (quotes, max_len) = self.quotes();
        overlaps_any(quotes, *max_len, &(pos..pos + 1))
    }

    fn sentences_of<'h>(
        &self,
        hits: impl Iterator<Item = &'h Range<usize>>,
        into: &mut Vec<usize>,
    ) {
        into.extend(hits.filter_map(|h| self.doc.sentence_at(h.start)));
    }

    fn emit(
        &self,
        rule: &Rule,
        at: Range<usize>,
        vars: &[(&str, &str)],
        related: &[Range<usize>],
        suggestions: Vec<String>,
        out: &mut Vec<Diagnostic>,
    ) {
        if self.doc.block_at(at.start).is_none() {
            return;
        }
        if let Some(ex) = rule.exceptions
            && overlaps_any(self.matcher_hits(ex), self.max_len[ex as usize], &at)
        {
            return;
        }
        if !rule.scope.is_empty() && !rule.scope.iter().any(|s| self.doc.in_scope(at.start, *s)) {
            return;
        }
        let map = self.doc.map();
        let sentences = self.doc.sentences();
        let context = map.range(
            self.doc
                .sentence_at(at.start)
                .map_or_else(|| at.clone(), |i| sentences[i].text.clone()),
        );
        if rule.fallback && self.quiet_in(context.start, &rule.info.category) {
            return;
        }
        let matched = &self.text()[at.clone()];
        let message = render_message(&rule.info.message, matched, vars);
        let range = map.range(at.clone());
        let fix = rule
            .fix
            .as_ref()
            .filter(|_| !self.skip_fixes)
            .and_then(|f| self.fix_for(f, &at, &range, &suggestions));
        out.push(Diagnostic {
            context,
            rule: rule.info.clone(),
            severity: rule.severity,
            range,
            message,
            related: related.iter().map(|r| map.range(r.clone())).collect(),
            suggestions,
            fix,
        });
    }

    /// Source ranges a fix must never touch: inline code, URLs, footnote
    /// references and HTML comments (everything else that is not prose lies
    /// outside every block).
    fn protected(&self) -> &(Vec<Range<usize>>, usize) {
        self.protected.get_or_init(|| {
            // Inlines other than link text follow one another in text order.
            let mut map = self.doc.map().cursor();
            let mut v: Vec<Range<usize>> = self
                .doc
                .inlines()
                .iter()
                .filter(|i| i.kind != InlineKind::LinkText)
                .map(|i| map.range(i.text.clone()))
                .chain(self.doc.comments().iter().cloned())
                .collect();
            v.sort_by_key(|r| r.start);
            let max_len = longest(&v);
            (v, max_len)
        })
    }

    /// Whether deleting the span leaves the markup and the neighbouring
    /// sentences whole: no emphasis, link or code marker right around it
    /// (`**Book a demo.**` would leave `****`), no hard line break inside,
    /// and no second sentence glued on by the segmenter ("… today. $99 a
    /// month is all." is one sentence to it).
    fn cleanly_removable(&self, at: &Range<usize>, range: &Range<usize>) -> bool {
        let src = self.doc.source();
        let before = src[..range.start].chars().next_back();
        let after = src[range.end..].chars().next();
        if before.is_some_and(|c| "*_~[`>".contains(c))
            || after.is_some_and(|c| "*_~]`<".contains(c))
        {
            return false;
        }
        let original = &src[range.clone()];
        if original.contains("  \n") || original.contains("  \r") || original.contains("\\\n") {
            return false;
        }
        let text = &self.text()[at.clone()];
        let body = text.trim_end_matches(['.', '!', '?', '"', '\'', ')', ' ']);
        let mut chars = body.char_indices().peekable();
        while let Some((_, c)) = chars.next() {
            if matches!(c, '.' | '!' | '?') {
                while chars
                    .peek()
                    .is_some_and(|(_, n)| matches!(n, '"' | '\'' | ')'))
                {
                    chars.next();
                }
                if chars.peek().is_some_and(|(_, n)| *n == ' ') {
                    return false;
                }
            }
        }
        true
    }

    /// The edits of `rule_fix` for a finding at lint range `at` (source
    /// `range`), or `None` when they would touch anything but the prose of
    /// the finding's block.
    fn fix_for(
        &self,
        rule_fix: &RuleFix,
        at: &Range<usize>,
        range: &Range<usize>,
        suggestions: &[String],
    ) -> Option<Fix> {
        let src = self.doc.source();
        let original = src.get(range.clone())?;
        // Only plain prose is edited: a span with markup, a link or code
        // inside has no fix (it could unbalance the markup).
        if !crate::document::text::is_plain(original, &self.text()[at.clone()]) {
            return None;
        }
        // Nor is a quotation: the words are someone else's.
        let (quotes, max_len) = self.quotes();
        if overlaps_any(quotes, *max_len, at) {
            return None;
        }
        let (edits, description) = match &rule_fix.action {
            FixAction::Substitute => {
                let word = suggestions.first()?;
                let content = crate::fix::match_case(original, word);
                (
                    vec![Edit {
                        range: range.clone(),
                        content: content.clone(),
                    }],
                    format!("replace with '{content}'"),
                )
            }
            FixAction::Replace(text) => {
                let content = crate::fix::match_case(original, text);
                (
                    vec![Edit {
                        range: range.clone(),
                        content: content.clone(),
                    }],
                    format!("replace with '{content}'"),
                )
            }
            FixAction::Remove => {
                if !self.cleanly_removable(at, range) {
                    return None;
                }
                // Emptying a table cell can break the table (a header row
                // with fewer cells than the delimiter row is no table).
                let block = &self.doc.blocks()[self.doc.block_at(at.start)?];
                if block.kind == BlockKind::TableCell
                    && self.text()[block.text.clone()].trim() == self.text()[at.clone()].trim()
                {
                    return None;
                }
                let starts_sentence = self
                    .doc
                    .sentence_at(at.start)
                    .is_some_and(|i| self.sentence_starts[i] == at.start);
                (
                    crate::fix::removal(src, range.clone(), starts_sentence)?,
                    ["remove '", &abbreviate(&self.text()[at.clone()], 40), "'"].concat(),
                )
            }
        };
        // Edits stay on the lines of the finding's block and off code.
        let block = &self.doc.blocks()[self.doc.block_at(at.start)?];
        let first_line = src[..block.source.start]
            .rfind(['\n', '\r'])
            .map_or(0, |i| i + 1);
        let last_line_end = src[block.source.end..]
            .find(['\n', '\r'])
            .map_or(src.len(), |i| block.source.end + i);
        let last_line_end = if src[last_line_end..].starts_with("\r\n") {
            last_line_end + 2
        } else {
            (last_line_end + 1).min(src.len())
        };
        let (protected, max_len) = self.protected();
        // Outside those lines, an edit may only take blank lines.
        let blank = |r: Range<usize>| src.get(r).is_some_and(|s| s.trim().is_empty());
        // Nor may a removal that starts a line leave a `---` or `+++` line
        // in its place: at the start of the file, or after a blank line,
        // pulldown-cmark reads what follows as a metadata block.
        let bom = if src.starts_with('\u{FEFF}') { 3 } else { 0 };
        let opens_front_matter = |e: &Edit| {
            (e.range.start <= bom || src[..e.range.start].ends_with(['\n', '\r']))
                && e.content.is_empty()
                && matches!(
                    src[e.range.end..]
                        .split(['\n', '\r'])
                        .next()
                        .map(str::trim_end),
                    Some("---" | "+++")
                )
        };
        let safe = edits.iter().all(|e| {
            !opens_front_matter(e)
                && (e.range.start >= first_line
                    || blank(e.range.start..first_line.min(e.range.end)))
                && (e.range.end <= last_line_end
                    || blank(last_line_end.max(e.range.start)..e.range.end))
                && !overlaps_any(protected, *max_len, &e.range)
        });
        safe.then_some(Fix {
            applicability: rule_fix.applicability,
            description,
            edits,
        })
    }

    fn run(&self, rule: &Rule, out: &mut Vec<Diagnostic>) {
        match &rule.body {
            Body::Match(cond) => {
                for h in self.all(cond) {
                    self.emit(rule, h, &[], &[], Vec::new(), out);
                }
            }
            Body::Substitution(entries) => {
                let mut found: Vec<(Range<usize>, usize)> = Vec::new();
                for (i, (m, _)) in entries.iter().enumerate() {
                    found.extend(self.matcher_hits(*m).iter().map(|h| (h.clone(), i)));
                }
                found.sort_by_key(|(r, _)| (r.start, std::cmp::Reverse(r.end)));
                let mut last_end = 0;
                for (h, i) in found {
                    if h.start < last_end {
                        continue;
                    }
                    last_end = h.end;
                    let alts = &entries[i].1;
                    let suggestion = alts
                        .iter()
                        .map(|a| format!("'{a}'"))
                        .collect::<Vec<_>>()
                        .join(" or ");
                    self.emit(
                        rule,
                        h,
                        &[("suggestion", &suggestion)],
                        &[],
                        alts.clone(),
                        out,
                    );
                }
            }
            Body::Sentence(s) => self.run_sentence(rule, s, out),
            Body::Unbacked(u) => self.run_unbacked(rule, u, out),
            Body::Specificity(s) => self.run_specificity(rule, s, out),
            Body::Occurrence(o) => self.run_occurrence(rule, o, out),
        }
    }

    /// Whether any of `conds` hits somewhere in the document outside quotes.
    fn document_has(&self, conds: &[Cond]) -> bool {
        conds.iter().any(|c| {
            c.sources
                .iter()
                .any(|&s| self.source_hits(s).any(|h| !self.in_quotes(h.start)))
        })
    }

    fn run_sentence(&self, rule: &Rule, s: &SentenceRule, out: &mut Vec<Diagnostic>) {
        let sentences = self.doc.sentences();
        // A sentence must hit every `all` condition, one of `any`, and
        // `starts_with` at one of its clause starts (which lie inside it):
        // any of these groups yields the candidates, best one whose hits are
        // already in the table (listing a class's hits computes it on every
        // sentence).
        let mut groups: Vec<&[Cond]> = s.all.iter().map(std::slice::from_ref).collect();
        if !s.any.is_empty() {
            groups.push(&s.any);
        }
        if let Some(c) = &s.starts_with {
            groups.push(std::slice::from_ref(c));
        }
        let is_class = |c: &Cond| c.sources.iter().any(|s| matches!(s, Source::Class(_)));
        let group = groups
            .iter()
            .find(|g| !g.iter().any(is_class))
            .or(groups.first());
        let mut candidates = Vec::new();
        match group {
            Some(conds) => {
                for &src in conds.iter().flat_map(|c| &c.sources) {
                    self.sentences_of(self.source_hits(src), &mut candidates);
                }
            }
            None => candidates.extend(0..sentences.len()),
        }
        if candidates.is_empty() {
            return;
        }
        if !s.document_any.is_empty() && !self.document_has(&s.document_any) {
            return;
        }
        candidates.sort_unstable();
        candidates.dedup();

        for idx in candidates {
            let r = &sentences[idx].text;
            if !s.all.iter().all(|c| self.any_in(c, r)) {
                continue;
            }
            if !s.any.is_empty() && !s.any.iter().any(|c| self.any_in(c, r)) {
                continue;
            }
            if s.none_in == NoneIn::Sentence && s.none.iter().any(|c| self.any_in(c, r)) {
                continue;
            }
            if s.question.is_some_and(|q| self.is_question(idx) != q) {
                continue;
            }
            if s.skip_quoted
                && s.report == Report::Sentence
                && self.in_quotes(self.sentence_starts[idx])
            {
                continue;
            }
            let starts = if s.starts_with.is_some()
                || s.not_starts_with.is_some()
                || s.person.contains(&Person::Imperative)
            {
                self.clause_starts(idx)
            } else {
                &[]
            };
            if let Some(c) = &s.starts_with
                && !starts.iter().any(|&p| self.cond_hit_at(c, p))
            {
                continue;
            }
            if let Some(c) = &s.not_starts_with
                && starts.first().is_some_and(|&p| self.cond_hit_at(c, p))
            {
                continue;
            }
            if !s.person.is_empty() && !s.person.iter().any(|p| self.speaks_as(*p, idx)) {
                continue;
            }
            let anchors: &[Cond] = if s.any.is_empty() {
                &s.all[..s.all.len().min(1)]
            } else {
                &s.any
            };
            // With `none_in: clause`, a hit is excused only by evidence in its
            // own clause (breaks computed once per sentence).
            let breaks = if s.none_in == NoneIn::Clause {
                self.clause_breaks(idx)
            } else {
                &[]
            };
            let excused = |h: &Range<usize>| {
                s.none_in == NoneIn::Clause && {
                    let clause = Self::clause_around(r, breaks, h);
                    s.none.iter().any(|c| self.any_in(c, &clause))
                }
            };
            match s.report {
                Report::Sentence => {
                    let anchor = anchors
                        .iter()
                        .filter_map(|c| self.first_in(c, r))
                        .min_by_key(|h| h.start);
                    if anchor.as_ref().is_some_and(excused) {
                        continue;
                    }
                    // Quoted speech inside a sentence ("She said: \"Subscribe.\"").
                    if s.skip_quoted && anchor.as_ref().is_some_and(|h| self.in_quotes(h.start)) {
                        continue;
                    }
                    let m = anchor.unwrap_or_else(|| r.clone());
                    let sentence = self.sentence_var(rule, r);
                    let vars = [("match", &self.text()[m]), ("sentence", &*sentence)];
                    self.emit(rule, r.clone(), &vars, &[], Vec::new(), out);
                }
                Report::Match => {
                    let mut hits = Vec::new();
                    for c in anchors {
                        hits.extend(self.all_in(c, r));
                    }
                    let sentence = self.sentence_var(rule, r);
                    for h in non_overlapping(hits) {
                        if s.skip_capitalized && self.is_name_part(idx, &h) {
                            continue;
                        }
                        if !(excused(&h) || s.skip_quoted && self.in_quotes(h.start)) {
                            self.emit(rule, h, &[("sentence", &sentence)], &[], Vec::new(), out);
                        }
                    }
                }
            }
        }
    }

    /// The `{sentence}` placeholder: sentence `r`, abbreviated, if the
    /// rule's message shows it (most do not).
    fn sentence_var(&self, rule: &Rule, r: &Range<usize>) -> std::borrow::Cow<'_, str> {
        if rule.info.message.contains("{sentence}") {
            abbreviate(&self.text()[r.clone()], 60)
        } else {
            "".into()
        }
    }

    fn run_unbacked(&self, rule: &Rule, u: &UnbackedRule, out: &mut Vec<Diagnostic>) {
        let sentences = self.doc.sentences();
        let blocks = self.doc.blocks();
        let mut last_sentence = None;
        for h in self.all(&u.trigger) {
            let Some(idx) = self.doc.sentence_at(h.start) else {
                continue;
            };
            if last_sentence == Some(idx) {
                continue;
            }
            if u.skip_quoted && self.in_quotes(h.start) {
                continue;
            }
            if !u.person.is_empty() && !u.person.iter().any(|p| self.speaks_as(*p, idx)) {
                continue;
            }
            let block = &blocks[sentences[idx].block];
            let first = idx.saturating_sub(u.before).max(block.sentences.start);
            let last = (idx + u.window).min(block.sentences.end.saturating_sub(1));
            // Evidence counts in the trigger's own sentence and in the
            // neighbours that continue it; a following call to action or
            // question ("Book today for £15") is not a plan.
            let backed = (first..=last).any(|j| {
                let r = &sentences[j].text;
                let continues =
                    j == idx || !(self.is_question(j) || self.is_imperative(self.clause_starts(j)));
                continues && u.evidence.iter().any(|c| self.any_in(c, r))
            });
            if backed {
                continue;
            }
            last_sentence = Some(idx);
            let sentence = self.sentence_var(rule, &sentences[idx].text);
            self.emit(
                rule,
                h,
                &[("missing", &u.missing), ("sentence", &sentence)],
                &[],
                Vec::new(),
                out,
            );
        }
    }

    fn run_specificity(&self, rule: &Rule, s: &SpecificityRule, out: &mut Vec<Diagnostic>) {
        for block in self.doc.blocks() {
            let wanted = s.blocks.iter().any(|b| match b {
                BlockScope::Paragraph => block.kind == BlockKind::Paragraph,
                BlockScope::ListItem => block.kind == BlockKind::ListItem,
                BlockScope::Heading => matches!(block.kind, BlockKind::Heading(_)),
                BlockScope::TableCell => block.kind == BlockKind::TableCell,
            });
            if !wanted {
                continue;
            }
            let r = &block.text;
            // Overlapping claims count once, so fewer raw hits than
            // `min_claims` settle the block without listing them (most
            // blocks).
            if s.claims.iter().map(|c| self.count_in(c, r)).sum::<usize>() < s.min_claims {
                continue;
            }
            // Without `min_ratio` the verdict on specifics does not depend
            // on the claims: it is settled first, which usually ends the
            // block at its first figure before its claims are collected
            // (a long block has many).
            let settled = match s.min_ratio {
                None => match self.few_specifics(s, block, 0) {
                    Some(n) => Some(n),
                    None => continue,
                },
                Some(_) => None,
            };
            let claims = non_overlapping(
                s.claims
                    .iter()
                    .flat_map(|c| non_overlapping(self.hits_in(c, r)))
                    .collect(),
            );
            if claims.len() < s.min_claims {
                continue;
            }
            let Some(specifics) = settled.or_else(|| self.few_specifics(s, block, claims.len()))
            else {
                continue;
            };
            // Each claim once, in order of appearance, with a count if repeated.
            let mut distinct: Vec<(String, usize)> = Vec::new();
            for h in &claims {
                let word = self.text()[h.clone()].to_lowercase();
                match distinct.iter_mut().find(|(w, _)| *w == word) {
                    Some((_, n)) => *n += 1,
                    None => distinct.push((word, 1)),
                }
            }
            let list: Vec<String> = distinct
                .iter()
                .take(5)
                .map(|(w, n)| {
                    if *n > 1 {
                        format!("'{w}' ×{n}")
                    } else {
                        format!("'{w}'")
                    }
                })
                .collect();
            let claim_list = if distinct.len() > 5 {
                format!("{}, …", list.join(", "))
            } else {
                list.join(", ")
            };
            let (n_claims, n_specifics) = (claims.len().to_string(), specifics.to_string());
            self.emit(
                rule,
                claims[0].clone(),
                &[
                    ("claims", &n_claims),
                    ("specifics", &n_specifics),
                    ("claim_list", &claim_list),
                    ("block", block.kind.name()),
                ],
                &claims[1..],
                Vec::new(),
                out,
            );
        }
    }

    /// The specifics of `block` when they are few enough for rule `s` to
    /// fire beside `claims` claims, else `None`. They are counted sentence
    /// by sentence (from each start to the next, so every hit falls in one
    /// window and the overlap passes, carried from window to window, see
    /// them in the order one pass would), and only until the block fails:
    /// most blocks show a figure in their first sentences, and the classes
    /// of the rest are never computed.
    fn few_specifics(&self, s: &SpecificityRule, block: &Block, claims: usize) -> Option<usize> {
        let passes = |specifics: usize| {
            let few = s.max_specifics.is_none_or(|m| specifics <= m);
            let ratio = s
                .min_ratio
                .is_none_or(|ratio| claims as f64 >= ratio * specifics as f64);
            few && ratio
        };
        let r = &block.text;
        let sentences = &self.doc.sentences()[block.sentences.clone()];
        let bounds: Vec<usize> = std::iter::once(r.start)
            .chain(sentences.iter().skip(1).map(|s| s.text.start))
            .chain(std::iter::once(r.end))
            .collect();
        let mut specifics = 0;
        let mut cond_ends = vec![0; s.specifics.len()];
        let mut last_end = 0;
        for w in bounds.windows(2) {
            let window = w[0]..w[1];
            let mut found = Vec::new();
            // `passes` only turns false as the count grows (`min_ratio` is
            // positive, checked at compile time), and a hit past the last
            // one counted adds one at least: when one more already fails,
            // such a hit settles the verdict and the costlier conditions
            // (listed later) go unasked, classes of a whole block among them.
            let one_more_fails = !passes(specifics + 1);
            for (c, cond_end) in s.specifics.iter().zip(&mut cond_ends) {
                let hits = non_overlapping_after(self.hits_in(c, &window), cond_end);
                // Sorted by start: the last starts latest.
                if one_more_fails && hits.last().is_some_and(|h| h.start >= last_end) {
                    return None;
                }
                found.extend(hits);
            }
            specifics += non_overlapping_after(found, &mut last_end).len();
            if !passes(specifics) {
                return None;
            }
        }
        Some(specifics)
    }

    /// The units an occurrence rule counts in, as lint-text ranges.
    fn occurrence_units(&self, per: Per) -> Vec<(Range<usize>, &'static str)> {
        match per {
            Per::Document => {
                let blocks = self.doc.blocks();
                match (blocks.first(), blocks.last()) {
                    (Some(f), Some(l)) => vec![(f.text.start..l.text.end, "document")],
                    _ => Vec::new(),
                }
            }
            Per::Block => self
                .doc
                .blocks()
                .iter()
                .map(|b| (b.text.clone(), b.kind.name()))
                .collect(),
            Per::Sentence => self
                .doc
                .sentences()
                .iter()
                .map(|s| (s.text.clone(), "sentence"))
                .collect(),
        }
    }

    /// `occurrence` over other rules' findings (source ranges).
    fn run_finding_count(
        &self,
        rule: &Rule,
        o: &OccurrenceRule,
        findings: &[Diagnostic],
        out: &mut Vec<Diagnostic>,
    ) {
        let Counted::Findings(names) = &o.counted else {
            return;
        };
        let mut counted: Vec<&Diagnostic> = findings
            .iter()
            .filter(|d| {
                d.rule.id != rule.info.id
                    && (names.contains(&d.rule.id) || names.contains(&d.rule.category))
            })
            .collect();
        counted.sort_by_key(|d| (d.range.start, d.range.end));
        // Several rules may flag one sentence; it is still one call to action.
        let mut seen = std::collections::HashSet::new();
        counted.retain(|d| seen.insert((d.context.start, d.context.end)));
        let map = self.doc.map();
        let src = self.doc.source();
        for (unit, name) in self.occurrence_units(o.per) {
            let unit_src = map.range(unit.clone());
            let in_unit: Vec<&Diagnostic> = counted
                .iter()
                .copied()
                .filter(|d| unit_src.contains(&d.range.start))
                .collect();
            let count = in_unit.len().to_string();
            let mut push =
                |range: Range<usize>, related: Vec<Range<usize>>, vars: &[(&str, &str)]| {
                    let matched = src.get(range.clone()).unwrap_or("");
                    out.push(Diagnostic {
                        rule: rule.info.clone(),
                        severity: rule.severity,
                        message: render_message(&rule.info.message, matched, vars),
                        context: range.clone(),
                        range,
                        related,
                        suggestions: Vec::new(),
                        fix: None,
                    });
                };
            if let Some(max) = o.max.filter(|&m| in_unit.len() > m) {
                let related = in_unit[max + 1..].iter().map(|d| d.range.clone()).collect();
                push(
                    in_unit[max].range.clone(),
                    related,
                    &[("count", &count), ("max", &max.to_string()), ("unit", name)],
                );
            }
            if let Some(min) = o.min.filter(|&m| in_unit.len() < m) {
                let first = self
                    .doc
                    .sentence_at(unit.start)
                    .map_or(unit.clone(), |i| self.doc.sentences()[i].text.clone());
                push(
                    map.range(first),
                    Vec::new(),
                    &[("count", &count), ("min", &min.to_string()), ("unit", name)],
                );
            }
        }
    }

    fn run_occurrence(&self, rule: &Rule, o: &OccurrenceRule, out: &mut Vec<Diagnostic>) {
        let Counted::Hits(cond) = &o.counted else {
            return;
        };
        let hits = self.all(cond);
        for (unit, name) in self.occurrence_units(o.per) {
            let lo = hits.partition_point(|h| h.start < unit.start);
            let hi = hits.partition_point(|h| h.start < unit.end);
            let in_unit = &hits[lo..hi.max(lo)];
            let count = in_unit.len().to_string();
            if let Some(max) = o.max
                && in_unit.len() > max
            {
                let max_s = max.to_string();
                self.emit(
                    rule,
                    in_unit[max].clone(),
                    &[("count", &count), ("max", &max_s), ("unit", name)],
                    &in_unit[max + 1..],
                    Vec::new(),
                    out,
                );
            }
            if let Some(min) = o.min
                && in_unit.len() < min
            {
                let min_s = min.to_string();
                let at = self
                    .doc
                    .sentence_at(unit.start)
                    .map_or(unit.clone(), |i| self.doc.sentences()[i].text.clone());
                self.emit(
                    rule,
                    at,
                    &[("count", &count), ("min", &min_s), ("unit", name)],
                    &[],
                    Vec::new(),
                    out,
                );
            }
        }
    }
}

/// `text` cut to about `max` characters at a word boundary, with an ellipsis.
fn abbreviate(text: &str, max: usize) -> std::borrow::Cow<'_, str> {
    // No more bytes than `max` is no more characters.
    if text.len() <= max {
        return text.into();
    }
    let Some((end, _)) = text.char_indices().nth(max) else {
        return text.into();
    };
    let cut = &text[..end];
    let cut = cut.rsplit_once(' ').map_or(cut, |(head, _)| head);
    [cut.trim_end_matches([',', ';', ':', ' ']), "…"]
        .concat()
        .into()
}

/// Fills `{match}` and the other placeholders of a message template.
fn render_message(template: &str, matched: &str, vars: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + matched.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            out.push_str(&rest[open..]);
            return out;
        };
        let name = &after[..close];
        let value = vars.iter().find(|(k, _)| *k == name).map(|(_, v)| *v);
        match (name, value) {
            (_, Some(v)) => out.push_str(v),
            ("match", None) => out.push_str(matched),
            _ => out.push_str(&rest[open..open + close + 2]),
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_words() {
        let t = "world-class classes, class. non-world-class team's";
        assert!(is_whole_word(t, 0, 11));
        assert!(!is_whole_word(t, 6, 11)); // "class" inside "world-class"
        assert!(!is_whole_word(t, 12, 17)); // "class" inside "classes"
        assert!(is_whole_word(t, 21, 26));
        assert!(!is_whole_word(t, 32, 43)); // "world-class" inside "non-world-class"
        assert!(is_whole_word(t, 44, 48)); // "team" before 's
    }

    #[test]
    fn messages_fill_placeholders() {
        assert_eq!(
            render_message(
                "'{match}' lacks {missing}.",
                "we pledge",
                &[("missing", "a date")]
            ),
            "'we pledge' lacks a date."
        );
        assert_eq!(
            render_message("{match} {unknown} {", "x", &[]),
            "x {unknown} {"
        );
    }

    #[test]
    fn abbreviations_cut_at_words() {
        assert_eq!(abbreviate("short", 60), "short");
        assert_eq!(abbreviate("one two three four", 10), "one two…");
        // Characters, not bytes: ten of them in twenty bytes fit in ten.
        assert_eq!(abbreviate("éééé éééé é", 11), "éééé éééé é");
        assert_eq!(abbreviate("éééé éééé é", 10), "éééé éééé…");
        assert_eq!(abbreviate("one two, three", 9), "one two…");
    }

    /// Clause starts follow "; " and spaced em, en and hyphen dashes only
    /// (a figure dash or a bullet shares the em dash's first two bytes).
    #[test]
    fn clauses_start_after_semicolons_and_spaced_dashes() {
        let set = crate::rules::test_set(&[]);
        let text = "Ship a ‒ bee. Ship a — bee. Ship a – bee. Ship a - - bee. Ship a; bee. \
                    Ship a—bee. Ship a • bee. Ship a -bee.";
        let doc = Document::parse(text, crate::Format::Markdown);
        let ctx = Ctx::new(&doc, &set, false, false);
        let starts: Vec<Vec<&str>> = (0..doc.sentences().len())
            .map(|i| {
                ctx.clause_starts(i)
                    .iter()
                    .map(|&p| &ctx.text()[p..p + 4])
                    .collect()
            })
            .collect();
        let two = vec!["Ship", "bee."];
        assert_eq!(
            starts,
            [
                vec!["Ship"],
                two.clone(),
                two.clone(),
                two.clone(),
                two,
                vec!["Ship"],
                vec!["Ship"],
                vec!["Ship"],
            ]
        );
    }

    proptest::proptest! {
        /// Overlap passes over consecutive windows, carrying where the last
        /// kept hit ended, keep what one pass over all the hits keeps.
        #[test]
        fn windowed_overlap_passes_agree_with_one_pass(
            hits in proptest::collection::vec((0usize..60, 1usize..12), 0..25),
            cuts in proptest::collection::vec(0usize..60, 0..5),
        ) {
            let hits: Vec<Range<usize>> = hits.into_iter().map(|(s, l)| s..s + l).collect();
            let mut bounds = cuts;
            bounds.extend([0, 60]);
            bounds.sort_unstable();
            let mut last_end = 0;
            let mut windowed = Vec::new();
            for w in bounds.windows(2) {
                let inside = hits.iter().filter(|h| (w[0]..w[1]).contains(&h.start)).cloned().collect();
                windowed.extend(non_overlapping_after(inside, &mut last_end));
            }
            proptest::prop_assert_eq!(windowed, non_overlapping(hits));
        }
    }

    /// Rules with a regex each: bounded ones (read in windows around the
    /// ends the set reports), unbounded ones (read back from each end to
    /// the earliest start, see `REVERSE_FROM_BYTES`; one, `k`, whose later
    /// match reaches back over the windows of earlier ones), one narrowed
    /// to a group, one whose matches can sit side by side, block anchors,
    /// a leftmost-first choice, and a Unicode `\<` that makes the set give
    /// up on "café".
    const WINDOW_RULES: [&str; 11] = [
        "id: a\ncategory: cta\nmessage: m\nwhy: w\npatterns: ['\\bbook\\s(?:a|the)\\s(?:demo|tool)\\b']\n",
        "id: b\ncategory: cta\nmessage: m\nwhy: w\npatterns: ['\\bthe\\s(?:[\\w-]+\\s){0,2}?tool\\b']\n",
        "id: c\ncategory: cta\nmessage: m\nwhy: w\npatterns: ['\\b(?<match>very)\\s(?:fast|best)\\b']\n",
        "id: d\ncategory: cta\nmessage: m\nwhy: w\npatterns: ['\\bwe\\b[^.!?]{0,30}?\\bdemo\\b']\n",
        "id: e\ncategory: cta\nmessage: m\nwhy: w\npatterns: ['a\\sa']\n",
        "id: f\ncategory: cta\nmessage: m\nwhy: w\npatterns: ['\\bcats?\\b']\n",
        "id: g\ncategory: cta\nmessage: m\nwhy: w\npatterns: ['^we\\s\\w+', '\\w+\\stool$']\n",
        "id: h\ncategory: cta\nmessage: m\nwhy: w\npatterns: ['(?:a\\sa|a)\\s(?:book|a\\sbook)']\n",
        "id: i\ncategory: cta\nmessage: m\nwhy: w\npatterns: ['\\<demo\\s(?:x|tool)']\n",
        "id: j\ncategory: cta\nmessage: m\nwhy: w\npatterns: ['(?:very\\s)+fast']\n",
        "id: k\ncategory: cta\nmessage: m\nwhy: w\npatterns: ['\\bwe\\b[^.]*\\bdemo\\b|\\bcats?\\b']\n",
    ];

    proptest::proptest! {
        /// The regex hits of a document, each regex run only where the set
        /// saw its matches end (in windows), are the hits of every regex
        /// reading every block whole. Without rule `i`
        /// the set does not give up on non-ASCII text, so its widened
        /// classes must still see every end ("the naïve tool", "catſ").
        #[test]
        fn regexes_placed_by_the_set_find_what_reading_every_block_finds(
            words in proptest::collection::vec(
                proptest::sample::select(vec![
                    "we", "book", "a", "the", "demo", "tool", "very", "fast", "best",
                    "cats", "cat", "café", "x", ".", "\n\n", "\n\n", "world-class",
                    "naïve", "catſ", "\u{212A}",
                ]),
                0..700,
            ),
            parallel in proptest::bool::ANY,
            gate_gives_up in proptest::bool::ANY,
        ) {
            let rules: Vec<&str> = WINDOW_RULES
                .iter()
                .filter(|r| gate_gives_up || !r.starts_with("id: i\n"))
                .copied()
                .collect();
            let set = crate::rules::test_set(&rules);
            let text = words.join(" ");
            let doc = Document::parse(&text, crate::Format::Markdown);
            let m = &set.matchers;
            let mut placed = vec![Vec::new(); m.count];
            let (_, found) = scan_text(&doc, m, None, true);
            regex_hits(&doc, m, found, &mut placed, parallel);
            let blocks = doc.blocks();
            let mut whole = vec![Vec::new(); m.count];
            for (i, re) in m.regexes.iter().enumerate() {
                let re = RuleRegex { re, shape: m.regex_shapes[i] };
                let mut found = Vec::new();
                for b in 0..blocks.len() {
                    let span = Span::whole(blocks, b);
                    re.hits_in(doc.text(), blocks[b].text.clone(), &[span], &mut found);
                }
                for &owner in &m.regex_owners[i] {
                    whole[owner as usize].extend(found.iter().cloned());
                }
            }
            proptest::prop_assert_eq!(placed, whole);
        }
    }

    proptest::proptest! {
        // Up to five documents, one of them perhaps of 256 KiB, each linted
        // twice: fewer cases than the default keep a debug build's run short.
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        /// Documents linted together, each regex reading its windows in
        /// all of them in turn, get the findings each gets alone: with
        /// regexes placed in windows or read whole (where the set gives
        /// up), short phrases, and a document large enough for the
        /// parallel path among them.
        #[test]
        fn documents_linted_together_find_what_each_finds_alone(
            docs in proptest::collection::vec(
                proptest::collection::vec(
                    proptest::sample::select(vec![
                        "we", "book", "a", "the", "demo", "tool", "very", "fast", "best",
                        "cats", "or", "us", "more", "café", "x", ".", "\n\n", "naïve",
                    ]),
                    0..300,
                ),
                0..5,
            ),
            large in proptest::option::of(0..5usize),
        ) {
            let rules: Vec<&str> = WINDOW_RULES.iter().chain(&PHRASE_RULES).copied().collect();
            let set = crate::rules::test_set(&rules);
            let mut texts: Vec<String> = docs.iter().map(|words| words.join(" ")).collect();
            if let Some(i) = large.filter(|&i| i < texts.len()) {
                texts[i] = format!("{} ", texts[i]).repeat(PARALLEL_BYTES / (texts[i].len() + 1) + 1);
            }
            let parsed: Vec<Document<'_>> = texts
                .iter()
                .map(|t| Document::parse(t, crate::Format::Markdown))
                .collect();
            let refs: Vec<&Document<'_>> = parsed.iter().collect();
            let options = LintOptions::default();
            let together = lint_many(&refs, &set, options);
            let alone: Vec<Vec<Diagnostic>> = refs.iter().map(|d| lint(d, &set, options)).collect();
            proptest::prop_assert_eq!(format!("{together:?}"), format!("{alone:?}"));
        }
    }

    /// Phrase rules with short phrases (which the gate searches) beside
    /// long ones, one sharing a matcher with a short one, and a user's
    /// Unicode `\<`, which makes the gate give up on non-ASCII text.
    const PHRASE_RULES: [&str; 4] = [
        "id: p\ncategory: cta\nmessage: m\nwhy: w\nphrases: [or, As, k, us, 2x, sks]\n",
        "id: q\ncategory: cta\nmessage: m\nwhy: w\nphrases: [or more, book a demo, us]\n",
        "id: r\ncategory: cta\nmessage: m\nwhy: w\nphrases: ['#1', café, x]\n",
        "id: s\ncategory: cta\nmessage: m\nwhy: w\npatterns: ['\\<demo\\s(?:x|tool)']\n",
    ];

    proptest::proptest! {
        /// The clause scans read bytes; the string searches they replaced
        /// are the oracle: every break `match_indices` finds, and (in text
        /// without colons or conditionals) the sentence start plus the word
        /// after each "; ", " — ", " – " or " - ".
        #[test]
        fn clause_scans_find_what_string_searches_find(
            words in proptest::collection::vec(
                proptest::sample::select(vec![
                    "a", "Book", "é", "ça", " ", " ", ";", "-", "\u{2014}", "\u{2013}", "\u{2012}",
                    "\u{2022}", ",", ".", "!", "?", "(", ")", "please", "just", "\n\n",
                ]),
                0..120,
            ),
        ) {
            static SET: OnceLock<RuleSet> = OnceLock::new();
            let set = SET.get_or_init(|| crate::rules::test_set(&[]));
            let text: String = words.concat();
            let doc = Document::parse(&text, crate::Format::Markdown);
            let ctx = Ctx::new(&doc, set, false, false);
            const BREAKS: &[char] = &[
                ',', ';', ':', '(', ')', '\u{2014}', '\u{2013}', '.', '!', '?',
            ];
            for (idx, s) in doc.sentences().iter().enumerate() {
                let r = s.text.clone();
                let breaks: Vec<Range<usize>> = ctx.text()[r.clone()]
                    .match_indices(BREAKS)
                    .map(|(i, m)| r.start + i..r.start + i + m.len())
                    .collect();
                proptest::prop_assert_eq!(ctx.clause_breaks(idx), &breaks[..]);

                let starts = ctx.clause_starts(idx);
                let Some(&p0) = starts.first() else { continue };
                let mut expected = vec![p0];
                let head = &ctx.text()[p0..r.end];
                for brk in ["; ", " \u{2014} ", " \u{2013} ", " - "] {
                    let mut from = 0;
                    while let Some(i) = head[from..].find(brk) {
                        let at = ctx.first_word(p0 + from + i + brk.len(), r.end);
                        let p = ctx.skip_openers(at, r.end);
                        if p < r.end && !expected.contains(&p) {
                            expected.push(p);
                        }
                        from += i + brk.len();
                    }
                }
                let mut got = starts.to_vec();
                got.sort_unstable();
                expected.sort_unstable();
                proptest::prop_assert_eq!(got, expected, "{:?}", &ctx.text()[r]);
            }
        }
    }

    proptest::proptest! {
        /// Short phrases found by the gate (or, where it gives up or is
        /// missing, by their own automaton) are the hits one automaton of
        /// every phrase finds.
        #[test]
        fn short_phrases_in_the_gate_find_what_the_automaton_finds(
            words in proptest::collection::vec(
                proptest::sample::select(vec![
                    "or", "OR", "Or", "for", "or-", "-or", "pre-or", "_or", "or_", "as", "As.",
                    "k", "K", "\u{212A}", "\u{17F}", "us", "US", "us'", "2x", "2X", "x", "#1",
                    "café", "cafe", "ſ", "more", "book", "a", "demo", "tool", ".", "\n\n",
                    // Widened, the gate's `sks` matches "é×s": only "sks"
                    // itself is a hit.
                    "zé×s", "SKS",
                ]),
                0..300,
            ),
            joiner in proptest::sample::select(vec![" ", "", "-", "'"]),
            parallel in proptest::bool::ANY,
            without_gate in proptest::bool::ANY,
            gate_gives_up in proptest::bool::ANY,
        ) {
            let rules = if gate_gives_up { &PHRASE_RULES[..] } else { &PHRASE_RULES[..3] };
            let mut set = crate::rules::test_set(rules);
            if without_gate {
                set.matchers.regex_set = None;
            }
            let text = words.join(joiner);
            let doc = Document::parse(&text, crate::Format::Markdown);
            let m = &set.matchers;
            let (found, _, _) = collect_hits(&doc, &set, parallel);
            let all = aho_corasick::AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .build(&m.phrases)
                .unwrap();
            let mut expected = vec![Vec::new(); m.count];
            let lint = doc.text();
            for f in all.find_overlapping_iter(lint) {
                if is_whole_word(lint, f.start(), f.end()) {
                    for &owner in &m.phrase_owners[f.pattern().as_usize()] {
                        expected[owner as usize].push(f.start()..f.end());
                    }
                }
            }
            for h in &mut expected {
                h.sort_by_key(|r| (r.start, r.end));
                h.dedup();
            }
            // The regex rule's matcher aside (it is not a phrase).
            let regex_owned: Vec<u32> = m.regex_owners.iter().flatten().copied().collect();
            for owner in regex_owned {
                expected[owner as usize] = found[owner as usize].clone();
            }
            proptest::prop_assert_eq!(found, expected);
        }
    }

    #[test]
    fn short_phrases_go_to_the_gate() {
        let set = crate::rules::test_set(&PHRASE_RULES);
        let m = &set.matchers;
        let named = |ids: &[u32]| -> Vec<&str> {
            ids.iter()
                .map(|&i| m.phrases[i as usize].as_str())
                .collect()
        };
        let (gate, automaton) = (named(&m.gate_phrases), named(&m.automaton_phrases));
        for p in ["2x", "as", "k", "or", "us", "x"] {
            assert!(gate.contains(&p), "{p}: {gate:?}");
        }
        for p in ["#1", "book a demo", "café", "or more"] {
            assert!(automaton.contains(&p), "{p}: {automaton:?}");
        }
        assert_eq!(gate.len() + automaton.len(), m.phrases.len());
        assert!(
            gate.iter()
                .all(|p| crate::rules::compile::is_gate_phrase(p))
        );
        assert!(
            !automaton
                .iter()
                .any(|p| crate::rules::compile::is_gate_phrase(p))
        );
        // Where the gate gives up (the user's `\<` meets "café"), the short
        // phrases' own automaton reads the text.
        let text = "Or café, us and K.\n\nFor us: 2x or more. zé×s sks";
        let doc = Document::parse(text, crate::Format::Markdown);
        let (hits, stats, _) = collect_hits(&doc, &set, false);
        assert!(stats.regex_set_gave_up > 0, "{stats:?}");
        let p = m.phrase_owners[m.phrases.iter().position(|p| p == "or").unwrap()][0];
        let found: Vec<&str> = hits[p as usize]
            .iter()
            .map(|r| &doc.text()[r.clone()])
            .collect();
        assert_eq!(found, ["Or", "us", "K", "us", "2x", "or", "sks"]);
        // Where it does not (without the `\<`), the gate's widened classes
        // find more than the phrase ("é×s" for "sks", whose `s` and `k`
        // have non-ASCII case variants): only the phrase's own bytes count.
        let set = crate::rules::test_set(&PHRASE_RULES[..3]);
        let doc = Document::parse("zé×s sks", crate::Format::Markdown);
        let (hits, stats, _) = collect_hits(&doc, &set, false);
        assert_eq!(stats.regex_set_gave_up, 0);
        assert_eq!(hits[p as usize], vec![Range { start: 7, end: 10 }]);
    }

    /// A document of several segments where the set reads the first and
    /// gives up on a later one: the short phrases of both are found once.
    #[test]
    fn short_phrases_survive_a_give_up_in_a_later_segment() {
        let set = crate::rules::test_set(&PHRASE_RULES);
        let m = &set.matchers;
        let plain = "For us or as many as we like, or more. ".repeat(40);
        let text = format!("{plain}\n\n{plain}\n\nOr café, us.\n\n{plain}");
        let doc = Document::parse(&text, crate::Format::Markdown);
        let (hits, stats, _) = collect_hits(&doc, &set, false);
        assert!(stats.regex_set_gave_up > 0, "{stats:?}");
        assert!(segments(doc.blocks()).len() > 2);
        // Rule `p`'s phrases that occur here: "or", "as", "us".
        let p = m.phrase_owners[m.phrases.iter().position(|p| p == "or").unwrap()][0];
        let lint = doc.text();
        let mut expected: Vec<Range<usize>> = ["or", "as", "us"]
            .iter()
            .flat_map(|w| {
                lint.to_ascii_lowercase()
                    .match_indices(w)
                    .map(|(i, _)| i..i + 2)
                    .collect::<Vec<_>>()
            })
            .filter(|r| is_whole_word(lint, r.start, r.end))
            .collect();
        expected.sort_by_key(|r| r.start);
        assert_eq!(expected.len(), 3 * 40 * 5 + 2);
        assert_eq!(hits[p as usize], expected);
    }

    #[test]
    fn gate_classes_widen_to_every_non_ascii_character() {
        let parse = |p: &str| {
            regex_syntax::ParserBuilder::new()
                .case_insensitive(true)
                .build()
                .parse(p)
                .unwrap()
        };
        let matches = |hir: &regex_syntax::hir::Hir, s: &str| {
            regex_automata::meta::Regex::builder()
                .build_from_hir(hir)
                .unwrap()
                .is_match(s)
        };
        let widened = |p: &str| crate::rules::compile::widen_to_non_ascii(&parse(p));
        // Unicode classes keep their ASCII part and take every non-ASCII
        // character, inside repetitions, groups and alternations too.
        for p in [r"^\w$", r"^(?:x|\w)+$", r"^(\s)$", "^k$"] {
            assert!(matches(&widened(p), "→"), "{p}");
        }
        assert!(matches(&widened(r"^\w$"), "a"));
        assert!(!matches(&widened(r"^\w$"), "-"));
        assert!(matches(&widened("^k$"), "K"));
        assert!(!matches(&widened("^k$"), "j"));
        // ASCII-only classes and literals stay as they are.
        assert_eq!(widened("^[a-c]x$"), parse("^[a-c]x$"));
        assert_eq!(widened(r"(?-u:\b)ab"), parse(r"(?-u:\b)ab"));
    }

    #[test]
    fn overlapping_hits_keep_the_longest() {
        assert_eq!(
            non_overlapping(vec![3..5, 0..4, 0..2, 6..8]),
            vec![0..4, 6..8]
        );
    }
}

#[cfg(test)]
mod kind_tests {
    use crate::document::Format;
    use crate::rules::test_set;
    use crate::{LintOptions, lint_str};

    /// `(rule id, source text of the finding)` for every finding.
    fn run(rules: &[&str], text: &str) -> Vec<(String, String)> {
        run_with(rules, text, LintOptions::default())
    }

    fn run_with(rules: &[&str], text: &str, options: LintOptions) -> Vec<(String, String)> {
        let set = test_set(rules);
        lint_str(text, Format::Markdown, &set, options)
            .into_iter()
            .map(|d| (d.rule.id.clone(), text[d.range.clone()].to_string()))
            .collect()
    }

    fn texts(found: &[(String, String)]) -> Vec<&str> {
        found.iter().map(|(_, t)| t.as_str()).collect()
    }

    const HEAD: &str = "category: cta\nmessage: '{match}'\nwhy: w\n";

    fn rule(id: &str, body: &str) -> String {
        format!("id: {id}\n{HEAD}{body}")
    }

    /// The shipped word lists (not rules) and one inline rule `r.yaml`.
    fn library_with(rule: &str) -> crate::rules::RuleLibrary {
        let builtin = crate::rules::load::builtin_files()
            .into_iter()
            .map(|(o, t)| (o, std::sync::Arc::<str>::from(t)))
            .collect();
        let mut errors = Vec::new();
        let lib = crate::rules::RuleLibrary::from_files(
            builtin,
            vec![(
                crate::rules::Origin::Inline("r.yaml".into()),
                std::sync::Arc::from(rule),
            )],
            false,
            &mut errors,
        );
        assert!(errors.is_empty(), "{errors:?}");
        lib
    }

    #[test]
    fn phrases_are_case_insensitive_whole_word_and_cross_markup_and_lines() {
        let r = rule("demo", "phrases: [book a demo]\n");
        let text = "BOOK A\n**demo** now. Rebook a demos. `book a demo`\n\n```\nbook a demo\n```\n";
        assert_eq!(texts(&run(&[&r], text)), vec!["BOOK A\n**demo"]);
    }

    #[test]
    fn patterns_see_one_block_at_a_time() {
        // Never across blocks: a heading and the paragraph under it.
        let r = rule("demo", "patterns: ['book\\sa\\sdemo']\n");
        let text = "# Book a\n\ndemo today. Book a demo now.\n";
        assert_eq!(texts(&run(&[&r], text)), vec!["Book a demo"]);
        // `^` and `$` are the block's start and end, and `\A`/`\z` too,
        // in every block (not only the document's first and last).
        for pattern in ["'^we\\s\\w+'", "'(?m)^we\\s\\w+'", "'\\Awe\\s\\w+'"] {
            let r = rule("start", &format!("patterns: [{pattern}]\n"));
            let found = run(&[&r], "We ship.\n\n## We test\n\nSo we do.\n");
            assert_eq!(texts(&found), vec!["We ship", "We test"], "{pattern}");
        }
        for pattern in ["'can\\shelp$'", "'can\\shelp\\z'"] {
            let r = rule("end", &format!("patterns: [{pattern}]\n"));
            let found = run(
                &[&r],
                "Our team can help\n\nWe can help you.\n\n- It can help\n",
            );
            assert_eq!(texts(&found), vec!["can help", "can help"], "{pattern}");
        }
    }

    #[test]
    fn a_match_found_late_reaches_back_over_earlier_windows() {
        // The ends of "yy" come first and get windows of their own; the end
        // of "qq … zz" comes last, and its window (from "qq" on, found by
        // the reverse search) must take in the two "yy" windows it spans,
        // or the search from the first "yy" would report it alone.
        let r = rule("late", "patterns: ['\\bqq\\b[^.]*\\bzz\\b|\\byy\\b']\n");
        let found = run(&[&r], "aa yy qq yy yy zz\n");
        assert_eq!(texts(&found), vec!["yy", "qq yy yy zz"]);
    }

    #[test]
    fn exceptions_and_scope_filter_findings() {
        let r = rule(
            "seamless",
            "phrases: [seamless]\nexceptions: [seamless gutters]\nscope: [heading]\n",
        );
        let found = run(
            &[&r],
            "# Seamless sync\n\nSeamless sync, seamless gutters.\n\n## Seamless gutters\n",
        );
        assert_eq!(texts(&found), vec!["Seamless"]);
    }

    #[test]
    fn substitution_offers_the_preferred_wording() {
        let r = "id: plain\ncategory: unspecific\nmessage: \"use {suggestion}\"\nwhy: w\nsubstitution:\n  utilize: use\n  leverage: [use, apply]\n";
        let set = test_set(&[r]);
        let found = lint_str(
            "We leverage and utilize it.",
            Format::Markdown,
            &set,
            LintOptions::default(),
        );
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].message, "use 'use' or 'apply'");
        assert_eq!(found[0].suggestions, vec!["use", "apply"]);
        assert_eq!(found[1].suggestions, vec!["use"]);
    }

    #[test]
    fn skip_fixes_leaves_the_findings_and_drops_only_their_fixes() {
        let set = test_set(&[
            "id: plain\ncategory: unspecific\nmessage: m\nwhy: w\nsubstitution:\n  utilize: use\n",
            &rule("cut", "phrases: [world-class]\nfix: remove\n"),
        ]);
        let text = "We utilize a world-class team.";
        let with = lint_str(text, Format::Markdown, &set, LintOptions::default());
        let without = lint_str(
            text,
            Format::Markdown,
            &set,
            LintOptions {
                skip_fixes: true,
                ..LintOptions::default()
            },
        );
        let fixes: Vec<bool> = with.iter().map(|d| d.fix.is_some()).collect();
        assert_eq!(fixes, [true, true]);
        assert!(without.iter().all(|d| d.fix.is_none()));
        let finding = |d: &crate::Diagnostic| {
            (
                d.rule.id.clone(),
                d.range.clone(),
                d.message.clone(),
                d.suggestions.clone(),
            )
        };
        assert_eq!(
            with.iter().map(finding).collect::<Vec<_>>(),
            without.iter().map(finding).collect::<Vec<_>>()
        );
    }

    #[test]
    fn sentence_rules_combine_all_any_none() {
        let r = rule(
            "offer",
            "sentence:\n  all: [{phrases: [our team]}]\n  any: [{phrases: [demo, trial]}]\n  none: [{phrases: [last year]}]\n",
        );
        let found = run(
            &[&r],
            "Our team offers a demo. Our team met last year for a demo. Our team is great. A trial exists.",
        );
        assert_eq!(texts(&found), vec!["Our team offers a demo."]);
    }

    #[test]
    fn document_conditions_ignore_mdx_import_lines() {
        let r = rule(
            "hype",
            "sentence:\n  any: [{phrases: [stunning]}]\n  document_any: [we, {phrases: [premiere]}]\n",
        );
        let set = test_set(&[&r]);
        let found = |text: &str| lint_str(text, Format::Mdx, &set, LintOptions::default()).len();
        let body = "\n\nThe final scene is stunning.\n";
        assert_eq!(found(&format!("We saw it.{body}")), 1);
        assert_eq!(
            found(&format!("import Hero from '../our/premiere'{body}")),
            0
        );
        assert_eq!(found(&format!("export const us = 'premiere'{body}")), 0);
    }

    #[test]
    fn imperative_is_found_after_openers_and_leading_clauses() {
        let r = rule(
            "imp",
            "sentence:\n  any: [{phrases: [newsletter]}]\n  person: [imperative]\n",
        );
        let text = "Please just subscribe to the newsletter. If you liked it, join the newsletter. \
                    The newsletter grew. Readers join the newsletter.";
        let found = run(&[&r], text);
        assert_eq!(
            texts(&found),
            vec![
                "Please just subscribe to the newsletter.",
                "If you liked it, join the newsletter."
            ]
        );
    }

    #[test]
    fn person_you_and_questions() {
        let r = rule(
            "q",
            "sentence:\n  any: [{phrases: [ready]}]\n  person: [you]\n  question: true\n",
        );
        let found = run(&[&r], "Are you ready? You are ready. Is the team ready?");
        assert_eq!(texts(&found), vec!["Are you ready?"]);
    }

    #[test]
    fn starts_with_and_not_starts_with_look_at_clause_starts() {
        let r = rule(
            "sw",
            "sentence:\n  starts_with: {phrases: [click]}\n  not_starts_with: {phrases: [to]}\n  any: [{phrases: [here]}]\n",
        );
        let found = run(
            &[&r],
            "Click here. To see it, click here. They click here. Now click here.",
        );
        assert_eq!(texts(&found), vec!["Click here.", "Now click here."]);
    }

    #[test]
    fn a_sentence_without_words_starts_no_clause() {
        // "→!" is a sentence of its own; its clause start must not be read
        // from the sentence glued to it.
        let r = rule(
            "sw",
            "sentence:\n  starts_with: {phrases: [book]}\n  any: [{patterns: ['→']}]\n",
        );
        assert!(run(&[&r], "[→](https://x.test)!Book a demo.").is_empty());
        assert_eq!(texts(&run(&[&r], "Book a demo →.")), vec!["Book a demo →."]);
    }

    #[test]
    fn quoted_sentences_and_hits_can_be_skipped() {
        let r = rule(
            "q",
            "sentence:\n  any: [{phrases: [contact us]}]\n  skip_quoted: true\n",
        );
        let text = "The sample says: \"We fixed it. Contact us for help.\" Contact us today.";
        assert_eq!(texts(&run(&[&r], text)), vec!["Contact us today."]);
        let m = rule(
            "m",
            "sentence:\n  any: [{phrases: [click here]}]\n  skip_quoted: true\n  report: match\n",
        );
        assert_eq!(
            texts(&run(
                &[&m],
                "Avoid \"click here\" links; click here instead."
            )),
            vec!["click here"]
        );
    }

    #[test]
    fn none_in_clause_only_excuses_evidence_in_the_same_clause() {
        let s = rule(
            "s",
            "sentence:\n  any: [{phrases: [world-class]}]\n  none: [number]\n  report: match\n",
        );
        let c = rule(
            "c",
            "sentence:\n  any: [{phrases: [world-class]}]\n  none: [number]\n  none_in: clause\n  report: match\n",
        );
        let text = "In 12 months, we built a world-class team. Our world-class team of 40 engineers ships.";
        assert!(run(&[&s], text).is_empty());
        assert_eq!(texts(&run(&[&c], text)), vec!["world-class"]);
    }

    #[test]
    fn unbacked_looks_for_evidence_in_the_window() {
        let one = "id: one\ncategory: value-not-plan\nmessage: 'no {missing}'\nwhy: w\nunbacked:\n  trigger: {phrases: [we are committed to]}\n";
        let two = "id: two\ncategory: value-not-plan\nmessage: 'no {missing}'\nwhy: w\nunbacked:\n  trigger: {phrases: [we are committed to]}\n  window: 2\n";
        let text = "We are committed to openness. It matters. We will publish the code on 3 May.\n\n\
                    We are committed to openness.\n\nWe will publish the code on 3 May.\n";
        let found = run(&[one, two], text);
        let ids: Vec<&str> = found.iter().map(|(id, _)| id.as_str()).collect();
        // `one` misses the plan two sentences later; neither sees across paragraphs.
        assert_eq!(ids, vec!["one", "one", "two"]);
        let set = test_set(&[one]);
        let d = &lint_str(
            "We are committed to openness.",
            Format::Markdown,
            &set,
            LintOptions::default(),
        )[0];
        assert_eq!(d.message, "no date, figure, owner or mechanism");
    }

    #[test]
    fn unbacked_custom_evidence_and_before() {
        let r = "id: u\ncategory: value-not-plan\nmessage: 'no {missing}'\nwhy: w\nunbacked:\n  trigger: {phrases: [we aim to]}\n  evidence: [date, {phrases: [roadmap]}]\n  window: 0\n  before: 1\n";
        let found = run(
            &[r],
            "Our roadmap is public. We aim to improve. We aim to grow. We aim to ship by May.",
        );
        let set = test_set(&[r]);
        let msg = &lint_str(
            "We aim to grow.",
            Format::Markdown,
            &set,
            LintOptions::default(),
        )[0]
        .message;
        assert_eq!(msg, "no date or other evidence");
        assert_eq!(texts(&found), vec!["We aim to"]);
        assert_eq!(found.len(), 1);
    }

    #[test]
    fn unbacked_ignores_evidence_in_following_calls_to_action_and_questions() {
        let r = "id: u\ncategory: value-not-plan\nmessage: m\nwhy: w\nunbacked:\n  trigger: {phrases: [we strive to]}\n  window: 2\n";
        assert_eq!(
            run(
                &[r],
                "We strive to honour our roots. Book a class today for $15."
            )
            .len(),
            1
        );
        assert_eq!(
            run(&[r], "We strive to honour our roots. Need 10 more seats?").len(),
            1
        );
        assert!(
            run(
                &[r],
                "We strive to honour our roots. Our 12 teachers train in India each year."
            )
            .is_empty()
        );
    }

    #[test]
    fn unbacked_person_filter() {
        let r = "id: u\ncategory: value-not-plan\nmessage: m\nwhy: w\nunbacked:\n  trigger: {phrases: [is committed to]}\n  person: [we]\n";
        assert_eq!(run(&[r], "Our company is committed to fairness.").len(), 1);
        assert!(run(&[r], "The council is committed to fairness.").is_empty());
    }

    #[test]
    fn semicolons_and_dashes_start_clauses() {
        let r = rule(
            "imp",
            "sentence:\n  any: [{phrases: [apply]}]\n  person: [imperative]\n",
        );
        let found = run(
            &[&r],
            "Applications close on 1 May; apply today. Doors open at six - apply at the desk. We apply it daily.",
        );
        assert_eq!(found.len(), 2);
    }

    #[test]
    fn specificity_counts_claims_against_specifics() {
        let r = "id: spec\ncategory: unspecific\nmessage: '{claims} claims, {specifics} specifics: {claim_list} in a {block}'\nwhy: w\nspecificity:\n  claims: [puffery-hype, puffery-innovation]\n  min_claims: 2\n  max_specifics: 0\n";
        let set = test_set(&[r]);
        let text = "An amazing, innovative, stunning tool.\n\nAn amazing, innovative tool used by 40 teams.\n\n- Amazing.\n";
        let found = lint_str(text, Format::Markdown, &set, LintOptions::default());
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].message,
            "3 claims, 0 specifics: 'amazing', 'innovative', 'stunning' in a paragraph"
        );
        let repeated = lint_str(
            "Amazing, amazing, innovative tool.",
            Format::Markdown,
            &set,
            LintOptions::default(),
        );
        assert_eq!(
            repeated[0].message,
            "3 claims, 0 specifics: 'amazing' ×2, 'innovative' in a paragraph"
        );
        assert_eq!(&text[found[0].range.clone()], "amazing");
        assert_eq!(found[0].related.len(), 2);

        let ratio = "id: ratio\ncategory: unspecific\nmessage: m\nwhy: w\nspecificity:\n  claims: [puffery-hype]\n  min_claims: 2\n  min_ratio: 2\n";
        let found = run(
            &[ratio],
            "Amazing, stunning and incredible work by 40 people.\n\nAmazing, stunning work by 40 people in 2024.\n",
        );
        assert_eq!(found.len(), 1);
    }

    #[test]
    fn a_settled_specificity_verdict_leaves_costlier_classes_unasked() {
        // The default specifics, cheapest first: links, code and citations
        // (a lookup and a regex with a literal prefilter, over the block),
        // then figures in the first sentence, where "40" settles
        // `max_specifics: 0`. Names, quotes and dates (a large regex over
        // the whole block, 10 MB of it in a one-paragraph document) are
        // never asked; all seven were before.
        let r = "id: spec\ncategory: unspecific\nmessage: m\nwhy: w\nspecificity:\n  claims: [puffery-hype, puffery-innovation]\n  min_claims: 2\n  max_specifics: 0\n";
        let set = test_set(&[r]);
        let text = "An amazing, innovative tool for 40 teams. It is stunning. Jane Doe said so \"in March 2024\".\n";
        let doc = crate::Document::parse(text, Format::Markdown);
        let (found, stats) = crate::lint_with_stats(&doc, &set, LintOptions::default());
        assert!(found.is_empty(), "{found:?}");
        assert_eq!(stats.class_passes, 4, "{stats:?}");
        // Without the figure nothing settles it in the first two
        // sentences, which ask every class; "Jane Doe" in the third does.
        let text = text.replace(" for 40 teams", "");
        let doc = crate::Document::parse(&text, Format::Markdown);
        let (found, stats) = crate::lint_with_stats(&doc, &set, LintOptions::default());
        assert!(found.is_empty(), "{found:?}");
        assert_eq!(stats.class_passes, 7, "{stats:?}");
    }

    #[test]
    fn occurrence_counts_per_unit() {
        let max = "id: bang\ncategory: unspecific\nmessage: '{count} in {unit}, max {max}'\nwhy: w\noccurrence:\n  match: {patterns: ['!']}\n  per: block\n  max: 1\n";
        let set = test_set(&[max]);
        let found = lint_str(
            "Wow! Yes!\n\nFine!\n",
            Format::Markdown,
            &set,
            LintOptions::default(),
        );
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].message, "2 in paragraph, max 1");
        let min = "id: cite\ncategory: unspecific\nmessage: '{count} < {min}'\nwhy: w\noccurrence:\n  match: citation\n  per: document\n  min: 1\n";
        assert_eq!(run(&[min], "No sources here.").len(), 1);
        assert!(run(&[min], "One source [1].").is_empty());
    }

    #[test]
    fn suppression_comments() {
        let r = rule("demo", "phrases: [book a demo]\n");
        let u = "id: hype\ncategory: unspecific\nmessage: m\nwhy: w\nphrases: [amazing]\n";
        let text = "Book a demo.\n\n<!-- copylint-disable cta -->\nBook a demo. Amazing.\n<!-- copylint-enable -->\n\n\
                    <!-- copylint-disable-next-line demo -->\n\nBook a demo.\n\nBook a demo, amazing.\n";
        let found = run(&[&r, u], text);
        let ids: Vec<&str> = found.iter().map(|(id, _)| id.as_str()).collect();
        assert_eq!(ids, vec!["demo", "hype", "demo", "hype"]);

        let file = format!("<!-- copylint-disable-file -->\n{text}");
        assert!(run(&[&r, u], &file).is_empty());

        let bad = "<!-- copylint-disable nope -->\n<!-- copylint-frobnicate -->\n<!-- copylint-disable-next-line hype -->\nNothing.\n";
        let found = run_with(
            &[&r, u],
            bad,
            LintOptions {
                report_unused_disables: true,
                ..LintOptions::default()
            },
        );
        let ids: Vec<&str> = found.iter().map(|(id, _)| id.as_str()).collect();
        assert_eq!(
            ids,
            vec![
                "invalid-suppression",
                "invalid-suppression",
                "unused-suppression"
            ]
        );
        let without = run(&[&r, u], bad);
        assert_eq!(
            without.len(),
            2,
            "unused suppressions are only reported on request"
        );
    }

    #[test]
    fn labels_and_postscripts_start_a_clause() {
        let r = rule(
            "imp",
            "sentence:\n  any: [{phrases: [demo]}]\n  person: [imperative]\n",
        );
        let found = run(
            &[&r],
            "PS: book a demo. P.S. Book a demo. **Next step:** book a demo. One, two: book a demo.",
        );
        assert_eq!(
            texts(&found),
            vec![
                "PS: book a demo.",
                "P.S. Book a demo.",
                "Next step:** book a demo."
            ]
        );
    }

    /// A catch-all rule stays quiet in a sentence where a rule of its
    /// category spoke, and only there (a rule of another category does not
    /// silence it); the parallel path finds the same.
    #[test]
    fn catch_all_rules_stay_quiet_where_their_category_spoke() {
        let catch_all = format!(
            "{}fallback: true\n",
            rule("zz-catch-all", "phrases: [zorble]\n")
        );
        let other = "id: zz-other\ncategory: unspecific\nmessage: m\nwhy: w\nphrases: [zorble]\n";
        let set = test_set(&[
            &rule("zz-specific", "phrases: [book a zorble]\n"),
            &catch_all,
            other,
        ]);
        let text = "Please book a zorble today. A zorble is here.\n\nOne zorble more.\n";
        let doc = crate::document::Document::parse(text, Format::Markdown);
        let mine = |parallel: bool| -> Vec<(String, &str)> {
            crate::engine::lint_on(&doc, &set, LintOptions::default(), parallel)
                .0
                .into_iter()
                .filter(|d| d.rule.id.starts_with("zz-"))
                .map(|d| (d.rule.id.clone(), &text[d.range.clone()]))
                .collect()
        };
        let found = mine(false);
        let found: Vec<(&str, &str)> = found.iter().map(|(id, t)| (id.as_str(), *t)).collect();
        assert_eq!(
            found,
            [
                ("zz-specific", "book a zorble"),
                ("zz-other", "zorble"),
                ("zz-catch-all", "zorble"),
                ("zz-other", "zorble"),
                ("zz-catch-all", "zorble"),
                ("zz-other", "zorble"),
            ]
        );
        assert_eq!(mine(true), mine(false));
    }

    #[test]
    fn occurrence_can_count_other_rules_findings_after_suppression() {
        let demo = rule("demo", "phrases: [book a demo]\n");
        let many = "id: many\ncategory: cta\nmessage: '{count} > {max}'\nwhy: w\noccurrence:\n  findings: [cta]\n  per: document\n  max: 1\n";
        let found = run(&[&demo, many], "Book a demo. Book a demo. Book a demo.");
        let ids: Vec<&str> = found.iter().map(|(id, _)| id.as_str()).collect();
        assert_eq!(ids, vec!["demo", "demo", "many", "demo"]);
        let suppressed = "<!-- copylint-disable-next-line demo -->\nBook a demo.\n\nBook a demo.\n";
        let found = run(&[&demo, many], suppressed);
        assert_eq!(
            found.len(),
            1,
            "the suppressed finding is not counted: {found:?}"
        );
        let bad = "id: bad\ncategory: cta\nmessage: m\nwhy: w\noccurrence:\n  findings: [nope]\n  per: document\n  max: 1\n";
        let errors = crate::rules::try_test_set(&[bad]).unwrap_err();
        assert!(
            errors[0]
                .message
                .contains("unknown rule or category `nope`"),
            "{errors:?}"
        );
    }

    #[test]
    fn enable_with_names_inside_a_bare_disable_reenables_just_those() {
        let r = rule("demo", "phrases: [book a demo]\n");
        let u = "id: hype\ncategory: unspecific\nmessage: m\nwhy: w\nphrases: [amazing]\n";
        let text = "<!-- copylint-disable -->\nBook a demo. Amazing.\n<!-- copylint-enable unspecific -->\nBook a demo. Amazing.\n";
        let found = run_with(
            &[&r, u],
            text,
            LintOptions {
                report_unused_disables: true,
                ..LintOptions::default()
            },
        );
        let ids: Vec<&str> = found.iter().map(|(id, _)| id.as_str()).collect();
        assert_eq!(
            ids,
            vec!["hype"],
            "only the re-enabled category is reported after the enable"
        );
    }

    #[test]
    fn suppression_rules_follow_the_selection() {
        let r = rule("demo", "phrases: [book a demo]\n");
        let lib = library_with(&r);
        let text = "<!-- copylint-disable nope -->\nBook a demo.\n";
        let with = |sel: crate::rules::Selection| {
            let set = crate::rules::RuleSet::compile(&lib, &sel).unwrap();
            lint_str(text, Format::Markdown, &set, LintOptions::default())
                .into_iter()
                .map(|d| (d.rule.id.clone(), d.severity))
                .collect::<Vec<_>>()
        };
        use crate::rules::Selector;
        let all = with(crate::rules::Selection::default());
        assert_eq!(all.len(), 2);
        let ignored = with(crate::rules::Selection {
            ignore: vec![Selector::new("suppression")],
            ..Default::default()
        });
        assert_eq!(
            ignored
                .iter()
                .map(|(id, _)| id.as_str())
                .collect::<Vec<_>>(),
            vec!["demo"]
        );
        let selected = with(crate::rules::Selection {
            select: vec![Selector::new("cta")],
            ..Default::default()
        });
        assert_eq!(selected.len(), 1);
        let graded = with(crate::rules::Selection {
            severity: vec![(Selector::new("invalid-suppression"), crate::Severity::Error)],
            ..Default::default()
        });
        assert!(graded.contains(&("invalid-suppression".to_string(), crate::Severity::Error)));
    }

    #[test]
    fn classes_are_accepted_as_top_level_lists() {
        let r = rule("figures", "lists: [number]\n");
        assert_eq!(texts(&run(&[&r], "We sold 40 bikes.")), vec!["40"]);
    }

    #[test]
    fn vocabulary_accept_cancels_hits_inside_accepted_terms() {
        let lib_rule = rule("seamless", "phrases: [seamless]\n");
        let lib = library_with(&lib_rule);
        let sel = crate::rules::Selection {
            accept: vec![crate::rules::Selector::new("Seamless Labs")],
            ..Default::default()
        };
        let set = crate::rules::RuleSet::compile(&lib, &sel).unwrap();
        let found = lint_str(
            "Seamless Labs makes seamless tools.",
            Format::Markdown,
            &set,
            LintOptions::default(),
        );
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].range, 20..28);
    }
}
