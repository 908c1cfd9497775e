//! Compiling a [`RuleLibrary`] into a [`RuleSet`].
//!
//! Every literal phrase of every active rule and word list goes into ONE
//! Aho-Corasick automaton (ASCII case-insensitive; shared phrases are stored
//! once with several owners), so a document is scanned once for all of them;
//! words of up to three letters or digits go into the regex gate instead (see
//! `is_gate_phrase`), which the document is scanned with anyway.
//! Every regex is compiled once (identical patterns share one compiled
//! regex). Rules keep only matcher ids (`Cond`) into the per-document hit
//! table.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use rayon::prelude::*;
use regex::{Regex, RegexBuilder};
use regex_automata::Input;
use regex_automata::hybrid::dfa::{Cache, DFA};
use regex_automata::nfa::thompson;
use regex_automata::util::pool::Pool;
use regex_syntax::hir::{
    Capture, Class as HirClass, ClassUnicode, ClassUnicodeRange, Hir, HirKind, Look, Repetition,
};
use serde_saphyr::Spanned;

use super::classes::Class;
use super::load::{Origin, RuleError};
use super::spec::{BlockScope, Condition, NoneIn, Per, Person, Report, RuleSpec};
use super::{BUILTIN_CATEGORIES, LoadedRule, RuleInfo, RuleLibrary};
use crate::diagnostic::Severity;
use crate::document::Scope;
use crate::document::text::{Norm, normalize_char};
use crate::fix::Applicability;

/// Index of a matcher in the per-document hit table.
pub(crate) type MatcherId = u32;

/// Names of the word lists the engine itself consults.
pub const IMPERATIVE_VERBS: &str = "imperative-verbs";
pub const SENTENCE_OPENERS: &str = "sentence-openers";
pub const CONDITIONAL_OPENERS: &str = "conditional-openers";

/// Size limit of one compiled regex (bytes).
const REGEX_SIZE_LIMIT: usize = 4 << 20;
/// The combined set of every pattern may be larger than one pattern.
const REGEX_SET_SIZE_LIMIT: usize = 64 << 20;
/// The regex set's lazy DFA cache, per thread. Prose needs a few thousand
/// states; text that keeps many patterns half-matched at once (a word salad
/// of marketing phrases) makes new states faster than it moves on. Once
/// the cache has been cleared [`REGEX_SET_GIVE_UP_CLEARS`] times, a clear
/// after fewer than [`REGEX_SET_BYTES_PER_STATE`] bytes per state makes the
/// search give up; the rest of that document is then read by each regex
/// itself, which is cheaper there (a 4 MB word salad: 3.3 s with a 64 MB
/// cache and no give-up, 0.6 s with this), and the cache is reset for the
/// next one. A smaller cache gives up on ordinary prose too.
const REGEX_SET_CACHE: usize = 8 << 20;
const REGEX_SET_GIVE_UP_CLEARS: usize = 3;
/// Cache of one pattern's reverse automaton (see
/// [`RegexGate::earliest_start`]); it reads a few words back from an end.
const REVERSE_CACHE: usize = 1 << 20;
const REGEX_SET_BYTES_PER_STATE: usize = 10;

/// Where a condition finds its hits: a phrase/pattern matcher or a class.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Source {
    Matcher(MatcherId),
    Class(Class),
}

/// A compiled condition: it hits wherever any of its sources hits.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Cond {
    pub sources: Vec<Source>,
}

impl Cond {
    /// How costly the condition is to ask of a text the first time: its
    /// costliest source's [`Class::cost`] (a matcher's hits are in the
    /// table already).
    fn cost(&self) -> u8 {
        self.sources
            .iter()
            .map(|s| match s {
                Source::Matcher(_) => 0,
                Source::Class(c) => c.cost(),
            })
            .max()
            .unwrap_or(0)
    }
}

/// `conds` in the order of their [`Cond::cost`], for lists only ever asked
/// whether any of them hits (`none`, `evidence`), or how many hits they
/// make together (`specifics`): the answer does not depend on the order,
/// and a cheap hit spares the costly classes.
fn cheapest_first(mut conds: Vec<Cond>) -> Vec<Cond> {
    conds.sort_by_key(Cond::cost);
    conds
}

#[derive(Debug)]
pub(crate) struct SentenceRule {
    pub any: Vec<Cond>,
    pub all: Vec<Cond>,
    pub none: Vec<Cond>,
    pub none_in: NoneIn,
    pub document_any: Vec<Cond>,
    pub starts_with: Option<Cond>,
    pub not_starts_with: Option<Cond>,
    pub person: Vec<Person>,
    pub question: Option<bool>,
    pub skip_quoted: bool,
    pub skip_capitalized: bool,
    pub report: Report,
}

#[derive(Debug)]
pub(crate) struct UnbackedRule {
    pub trigger: Cond,
    pub evidence: Vec<Cond>,
    /// "date, figure, owner or mechanism".
    pub missing: String,
    pub window: usize,
    pub before: usize,
    pub skip_quoted: bool,
    pub person: Vec<Person>,
}

#[derive(Debug)]
pub(crate) struct SpecificityRule {
    pub blocks: Vec<BlockScope>,
    pub claims: Vec<Cond>,
    pub specifics: Vec<Cond>,
    pub min_claims: usize,
    pub max_specifics: Option<usize>,
    pub min_ratio: Option<f64>,
}

/// What an occurrence rule counts.
#[derive(Debug)]
pub(crate) enum Counted {
    Hits(Cond),
    /// Findings of these rule ids or categories.
    Findings(Vec<String>),
}

#[derive(Debug)]
pub(crate) struct OccurrenceRule {
    pub counted: Counted,
    pub per: Per,
    pub max: Option<usize>,
    pub min: Option<usize>,
}

/// What a rule's fix does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum FixAction {
    /// Delete the finding's span and tidy around it.
    Remove,
    /// Replace the span (case kept).
    Replace(String),
    /// Replace with the substitution's first wording (case kept).
    Substitute,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct RuleFix {
    pub action: FixAction,
    pub applicability: Applicability,
}

#[derive(Debug)]
pub(crate) enum Body {
    Match(Cond),
    Substitution(Vec<(MatcherId, Vec<String>)>),
    Sentence(SentenceRule),
    Unbacked(UnbackedRule),
    Specificity(SpecificityRule),
    Occurrence(OccurrenceRule),
}

impl Body {
    /// Every condition the rule may ask (the person classes aside).
    fn conds(&self) -> Vec<&Cond> {
        match self {
            Body::Match(c) => vec![c],
            Body::Substitution(_) => Vec::new(),
            Body::Sentence(s) => {
                let lists = [&s.any, &s.all, &s.none, &s.document_any];
                let firsts = [&s.starts_with, &s.not_starts_with];
                lists
                    .into_iter()
                    .flatten()
                    .chain(firsts.into_iter().flatten())
                    .collect()
            }
            Body::Unbacked(u) => std::iter::once(&u.trigger).chain(&u.evidence).collect(),
            Body::Specificity(s) => s.claims.iter().chain(&s.specifics).collect(),
            Body::Occurrence(o) => match &o.counted {
                Counted::Hits(c) => vec![c],
                Counted::Findings(_) => Vec::new(),
            },
        }
    }
}

/// The classes found per block ([`Class::per_sentence`] false) that some
/// of `rules` may ask, in the order of [`Class::ALL`].
fn block_classes(rules: &[Rule]) -> Vec<Class> {
    let asked: BTreeSet<Class> = rules
        .iter()
        .flat_map(|r| r.body.conds())
        .flat_map(|c| &c.sources)
        .filter_map(|s| match s {
            Source::Class(c) if !c.per_sentence() => Some(*c),
            _ => None,
        })
        .collect();
    asked.into_iter().collect()
}

/// A compiled, active rule.
#[derive(Debug)]
pub(crate) struct Rule {
    pub info: Arc<RuleInfo>,
    /// Effective severity (after configuration overrides).
    pub severity: Severity,
    pub scope: Vec<Scope>,
    pub exceptions: Option<MatcherId>,
    pub fallback: bool,
    pub fix: Option<RuleFix>,
    pub body: Body,
}

/// All phrases in one automaton, all patterns in one set, but for the
/// short phrases, which the set searches with the patterns (see
/// [`is_gate_phrase`]).
#[derive(Debug, Default)]
pub(crate) struct Matchers {
    pub automaton: Option<PhraseDfa>,
    /// For each automaton pattern, its phrase (an index of `phrases`).
    pub automaton_phrases: Vec<u32>,
    /// The short phrases, by the gate's pattern number after the regexes:
    /// their indexes in `phrases`.
    pub gate_phrases: Vec<u32>,
    /// The short phrases in an automaton of their own, for the text the
    /// gate gave up on (or all text, without a gate).
    pub short_automaton: Option<AhoCorasick>,
    /// For each phrase, the matchers that own it.
    pub phrase_owners: Vec<Vec<MatcherId>>,
    pub regexes: Vec<Regex>,
    /// For each regex, what its hits need.
    pub regex_shapes: Vec<RegexShape>,
    /// All of `regexes` in one set: one pass tells where each of them has
    /// matches ending, so only those run, and only there (`None` without
    /// regexes, or when the set cannot be built, e.g. too big: then every
    /// regex runs over every block).
    pub regex_set: Option<RegexGate>,
    /// For each regex, the matchers that own it.
    pub regex_owners: Vec<Vec<MatcherId>>,
    pub count: usize,
    /// Every phrase, normalised.
    pub phrases: Vec<String>,
}

type CachePoolFn =
    Box<dyn Fn() -> Cache + Send + Sync + std::panic::UnwindSafe + std::panic::RefUnwindSafe>;

/// What the hits of a rule regex need, read once when rules are compiled.
#[derive(Clone, Copy, Debug)]
pub(crate) struct RegexShape {
    /// The pattern runs with ASCII word boundaries; a hit glued to a
    /// non-ASCII letter is inside a word after all.
    pub bounded: bool,
    /// A group named `match` narrows the hit to itself.
    pub narrowed: bool,
}

impl RegexShape {
    fn of(re: &Regex) -> Self {
        RegexShape {
            bounded: re.as_str().contains("(?-u:\\b"),
            narrowed: re
                .capture_names()
                .any(|n| n == Some(crate::engine::MATCH_GROUP)),
        }
    }
}

/// Every rule regex in one lazy DFA that only says where their matches end
/// (from any start): a `regex::RegexSet` says less (which of them match)
/// and builds a reverse automaton and capture states a set never uses,
/// which made it a third of start-up.
pub(crate) struct RegexGate {
    pub dfa: DFA,
    /// One search cache per thread, as `regex::Regex` keeps them.
    pub caches: Pool<Cache, CachePoolFn>,
    /// For each pattern, whether it uses `\A` or `\z`. Regexes run on one
    /// block at a time; the gate runs over several blocks at once in
    /// multi-line mode, where `^` and `$` still hold at every block's start
    /// and end but `\A` and `\z` do not. The gate cannot say where such a
    /// pattern matches, so it runs over every block.
    pub absolute_anchors: Vec<bool>,
    /// For each pattern, the longest match it can make in bytes, when it
    /// has a longest and never matches the empty string: every match then
    /// lies within that many bytes before the end the gate reports.
    pub max_len: Vec<Option<usize>>,
    /// For each pattern, its widened form (see [`widen_to_non_ascii`]), from
    /// which [`Self::earliest_start`] builds a reverse automaton.
    widened: Vec<Hir>,
    /// For each pattern, its reverse automaton once built (`None` if it
    /// could not be).
    reverse: Vec<std::sync::OnceLock<Option<Reverse>>>,
}

/// A pattern's reverse lazy DFA, anchored at an end, longest match: the
/// earliest start of any match ending there.
struct Reverse {
    dfa: DFA,
    caches: Pool<Cache, CachePoolFn>,
}

/// `hir` with every character class that holds a non-ASCII character
/// widened to its ASCII part and every non-ASCII character: a superset, so
/// the gate still reports every end a rule regex's match has (and, rarely,
/// an end only the widened pattern has, which costs a window). Unicode
/// classes (`\w`, `\s`, `\d`, and every letter with a non-ASCII case
/// variant, such as `k` and the Kelvin sign) are large byte tries; the
/// widened ones share a handful of UTF-8 byte ranges. With the shipped
/// rules the gate's NFA shrinks by 29% and its byte classes from 189 to 96,
/// so its states are smaller and its search faster.
pub(crate) fn widen_to_non_ascii(hir: &Hir) -> Hir {
    match hir.kind() {
        HirKind::Class(HirClass::Unicode(class))
            if class.ranges().last().is_some_and(|r| r.end() > '\x7f') =>
        {
            let mut ranges: Vec<ClassUnicodeRange> = class
                .ranges()
                .iter()
                .filter(|r| r.start() <= '\x7f')
                .map(|r| ClassUnicodeRange::new(r.start(), r.end().min('\x7f')))
                .collect();
            ranges.push(ClassUnicodeRange::new('\u{80}', char::MAX));
            Hir::class(HirClass::Unicode(ClassUnicode::new(ranges)))
        }
        HirKind::Repetition(rep) => Hir::repetition(Repetition {
            sub: Box::new(widen_to_non_ascii(&rep.sub)),
            ..rep.clone()
        }),
        HirKind::Capture(cap) => Hir::capture(Capture {
            sub: Box::new(widen_to_non_ascii(&cap.sub)),
            ..cap.clone()
        }),
        HirKind::Concat(subs) => Hir::concat(subs.iter().map(widen_to_non_ascii).collect()),
        HirKind::Alternation(subs) => {
            Hir::alternation(subs.iter().map(widen_to_non_ascii).collect())
        }
        _ => hir.clone(),
    }
}

/// Whether a phrase is searched by the regex gate (with word boundaries)
/// instead of the automaton: a word of at most three letters or digits.
/// Such words ("or", "as", "us") are everywhere inside longer words, and
/// the automaton, which cannot require a word boundary, stopped at each
/// (three times out of four it stopped for a hit inside a word, once
/// every 19 bytes of the benchmark corpus); the gate, searching with
/// `\b`, only stops at whole words, for about the cost of its search
/// without them.
pub(crate) fn is_gate_phrase(phrase: &str) -> bool {
    phrase.len() <= 3 && phrase.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// An overlapping, ASCII case-insensitive automaton of `phrases` (`None`
/// for none).
fn phrase_automaton(phrases: &[&str]) -> Result<Option<AhoCorasick>, RuleError> {
    if phrases.is_empty() {
        return Ok(None);
    }
    AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::Standard)
        .kind(Some(aho_corasick::AhoCorasickKind::ContiguousNFA))
        .build(phrases)
        .map(Some)
        .map_err(automaton_error)
}

/// The phrase automaton as a full DFA without a prefilter, which the scan
/// steps byte by byte beside the regex gate (see `engine::scan`): a
/// prefilter would make its start state special, and the scan leave its
/// loop at every word.
#[derive(Debug)]
pub(crate) struct PhraseDfa {
    pub dfa: aho_corasick::dfa::DFA,
    /// Its unanchored start state.
    pub start: aho_corasick::automaton::StateID,
}

fn phrase_dfa(phrases: &[&str]) -> Result<Option<PhraseDfa>, RuleError> {
    use aho_corasick::automaton::Automaton;
    if phrases.is_empty() {
        return Ok(None);
    }
    let dfa = aho_corasick::dfa::Builder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::Standard)
        .start_kind(aho_corasick::StartKind::Unanchored)
        .prefilter(false)
        .build(phrases)
        .map_err(automaton_error)?;
    let start = dfa
        .start_state(aho_corasick::Anchored::No)
        .map_err(automaton_error)?;
    Ok(Some(PhraseDfa { dfa, start }))
}

fn automaton_error(e: impl std::fmt::Display) -> RuleError {
    RuleError {
        path: "rules".into(),
        line: 0,
        column: 0,
        message: format!("cannot build the phrase automaton: {e}"),
    }
}

/// The lazy DFAs of the set and of the reverse searches: every match (an
/// overlapping or longest search), a cache of `cache` bytes, and the
/// give-up rule of [`REGEX_SET_CACHE`].
fn lazy_dfa_config(cache: usize) -> regex_automata::hybrid::dfa::Config {
    DFA::config()
        .match_kind(regex_automata::MatchKind::All)
        .cache_capacity(cache)
        .minimum_cache_clear_count(Some(REGEX_SET_GIVE_UP_CLEARS))
        .minimum_bytes_per_state(Some(REGEX_SET_BYTES_PER_STATE))
        // A Unicode `\b` left in a user's pattern (`\<`): searches of
        // non-ASCII text give up (see [`GaveUp::Here`]).
        .unicode_word_boundary(true)
}

/// One search cache per thread for `dfa`, as `regex::Regex` keeps them.
fn cache_pool(dfa: &DFA) -> Pool<Cache, CachePoolFn> {
    let for_pool = dfa.clone();
    Pool::new(Box::new(move || for_pool.create_cache()))
}

/// A regex-set search the lazy DFA gave up on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum GaveUp {
    /// At a character it cannot read (a Unicode word boundary in a user's
    /// pattern meeting a non-ASCII letter): the next search may not.
    Here,
    /// Because the text makes it new states faster than it moves on (see
    /// [`REGEX_SET_CACHE`]): the rest of the same document is likely no
    /// better. Its cache has been reset, so later documents start afresh.
    ForTheDocument,
}

impl GaveUp {
    /// Why a lazy DFA has no start state: a quit byte beside the start (a
    /// Unicode `\b` meeting a non-ASCII letter), or a full cache, which is
    /// reset (its count of clears only grows: left as it is, every later
    /// search with it would give up at once).
    pub(crate) fn at_start(dfa: &DFA, cache: &mut Cache, e: &regex_automata::MatchError) -> Self {
        if matches!(e.kind(), regex_automata::MatchErrorKind::Quit { .. }) {
            GaveUp::Here
        } else {
            cache.reset(dfa);
            GaveUp::ForTheDocument
        }
    }
}

impl std::fmt::Debug for RegexGate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RegexGate")
            .field("patterns", &self.dfa.pattern_len())
            .finish()
    }
}

impl RegexGate {
    /// Compiles `patterns` (already rewritten with ASCII word boundaries)
    /// case-insensitive, as the rule regexes are matched, and multi-line:
    /// a segment holds several blocks, each between line feeds, and `^`/`$`
    /// must hold at the edges of each as they do at the edges of the one
    /// block a rule regex reads.
    fn new(patterns: &[&str]) -> Result<Self, String> {
        let mut parser = regex_syntax::ParserBuilder::new()
            .case_insensitive(true)
            .multi_line(true)
            .build();
        let hirs = patterns
            .iter()
            .map(|p| parser.parse(p).map_err(|e| e.to_string()))
            .collect::<Result<Vec<_>, _>>()?;
        let absolute_anchors = hirs
            .iter()
            .map(|hir| {
                let looks = hir.properties().look_set();
                looks.contains(Look::Start) || looks.contains(Look::End)
            })
            .collect();
        let max_len = hirs
            .iter()
            .map(|hir| {
                let props = hir.properties();
                props
                    .maximum_len()
                    .filter(|_| props.minimum_len().is_some_and(|min| min > 0))
            })
            .collect();
        let widened: Vec<Hir> = hirs.iter().map(widen_to_non_ascii).collect();
        let reverse = widened.iter().map(|_| std::sync::OnceLock::new()).collect();
        let nfa = thompson::Compiler::new()
            .configure(
                thompson::Config::new()
                    .which_captures(thompson::WhichCaptures::None)
                    .nfa_size_limit(Some(REGEX_SET_SIZE_LIMIT)),
            )
            .build_many_from_hir(&widened)
            .map_err(|e| e.to_string())?;
        let dfa = DFA::builder()
            .configure(lazy_dfa_config(REGEX_SET_CACHE))
            .build_from_nfa(nfa)
            .map_err(|e| e.to_string())?;
        Ok(RegexGate {
            caches: cache_pool(&dfa),
            dfa,
            absolute_anchors,
            max_len,
            widened,
            reverse,
        })
    }

    /// Where the earliest match of pattern `i` that ends at `end` starts,
    /// in `haystack` (one block): `Some(None)` when none ends there, `None`
    /// when that cannot be said (the reverse automaton could not be built,
    /// gave up, or would read more than `budget` bytes back, which it
    /// spends). For a pattern without a longest match (`[\w-]+`), whose
    /// regex would otherwise read the whole block for any end the gate
    /// reports in it. The pattern is the widened one, so the start is at or
    /// before that of any match of the rule's own regex ending there.
    ///
    /// The reverse automaton is stepped here rather than by the library's
    /// search so that it stops at the budget: the caller gives each block
    /// a budget of its length, so ends packed along a long run (every byte
    /// of `@aaaa…` ends a match of `@[A-Za-z0-9_]{2,}`) cost a linear number
    /// of steps, not one reading back to the run's start per end.
    pub(crate) fn earliest_start(
        &self,
        i: usize,
        haystack: &str,
        end: usize,
        budget: &mut usize,
    ) -> Option<Option<usize>> {
        let reverse = self
            .reverse
            .get(i)?
            .get_or_init(|| self.build_reverse(i))
            .as_ref()?;
        let dfa = &reverse.dfa;
        let mut cache = reverse.caches.get();
        let input = Input::new(haystack)
            .range(..end)
            .anchored(regex_automata::Anchored::Yes);
        let gave_up = |cache: &mut Cache| {
            // A full cache's count of clears only grows: start it afresh.
            cache.reset(dfa);
            None
        };
        let mut sid = match dfa.start_state_reverse(&mut cache, &input) {
            Ok(sid) => sid,
            Err(e) => {
                GaveUp::at_start(dfa, &mut cache, &e);
                return None;
            }
        };
        let bytes = haystack.as_bytes();
        let mut earliest = None;
        cache.search_start(end);
        for at in (0..end).rev() {
            if *budget == 0 {
                cache.search_finish(at + 1);
                return None;
            }
            *budget -= 1;
            cache.search_update(at);
            sid = match dfa.next_state(&mut cache, sid, bytes[at]) {
                Ok(sid) => sid,
                Err(_) => return gave_up(&mut cache),
            };
            if sid.is_tagged() {
                if sid.is_match() {
                    // Matches are delayed by a byte: this one starts after it.
                    earliest = Some(at + 1);
                } else if sid.is_dead() {
                    cache.search_finish(at);
                    return Some(earliest);
                } else if sid.is_quit() {
                    cache.search_finish(at);
                    return None;
                }
            }
        }
        // The block's start: the end-of-input transition.
        match dfa.next_eoi_state(&mut cache, sid) {
            Ok(eoi) if eoi.is_match() => earliest = Some(0),
            Ok(_) => {}
            Err(_) => return gave_up(&mut cache),
        }
        cache.search_finish(0);
        Some(earliest)
    }

    fn build_reverse(&self, i: usize) -> Option<Reverse> {
        let nfa = thompson::Compiler::new()
            .configure(
                thompson::Config::new()
                    .reverse(true)
                    .which_captures(thompson::WhichCaptures::None)
                    .nfa_size_limit(Some(REGEX_SET_SIZE_LIMIT)),
            )
            .build_from_hir(self.widened.get(i)?)
            .ok()?;
        let dfa = DFA::builder()
            .configure(lazy_dfa_config(REVERSE_CACHE))
            .build_from_nfa(nfa)
            .ok()?;
        Some(Reverse {
            caches: cache_pool(&dfa),
            dfa,
        })
    }

    #[cfg(test)]
    /// Calls `found(pattern, end)` for every offset of `haystack` where a
    /// match of a pattern ends (from any start), in order of `end`. `Err`
    /// when the lazy DFA gives up (see [`GaveUp`]): the caller must then
    /// take every pattern as matching anywhere, which only costs the single
    /// regexes a pass.
    pub(crate) fn match_ends(
        &self,
        haystack: &str,
        mut found: impl FnMut(usize, usize),
    ) -> Result<(), GaveUp> {
        use regex_automata::hybrid::dfa::OverlappingState;
        use regex_automata::{Input, MatchErrorKind};
        let mut cache = self.caches.get();
        let input = Input::new(haystack);
        let mut state = OverlappingState::start();
        loop {
            if let Err(e) = self
                .dfa
                .try_search_overlapping_fwd(&mut cache, &input, &mut state)
            {
                if matches!(e.kind(), MatchErrorKind::Quit { .. }) {
                    return Err(GaveUp::Here);
                }
                // The cache's count of clears only ever grows: left as it
                // is, every later search with it would give up at once.
                cache.reset(&self.dfa);
                return Err(GaveUp::ForTheDocument);
            }
            match state.get_match() {
                Some(m) => found(m.pattern().as_usize(), m.offset()),
                None => return Ok(()),
            }
        }
    }

    /// The patterns that match somewhere in `haystack`, in order (all of
    /// them when the search gives up).
    #[cfg(test)]
    fn matching(&self, haystack: &str) -> Vec<usize> {
        let mut found = Vec::new();
        match self.match_ends(haystack, |p, _| found.push(p)) {
            Ok(()) => {
                found.sort_unstable();
                found.dedup();
                found
            }
            Err(_) => (0..self.dfa.pattern_len()).collect(),
        }
    }
}

/// A name in `select`, `ignore` or a severity override: a rule id or a
/// category, with where it was written (for errors).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Selector {
    pub name: String,
    pub origin: Option<Origin>,
    pub line: u64,
    pub column: u64,
}

impl Selector {
    pub fn new(name: impl Into<String>) -> Self {
        Selector {
            name: name.into(),
            origin: None,
            line: 0,
            column: 0,
        }
    }

    pub fn located(name: &Spanned<String>, origin: &Origin) -> Self {
        Selector {
            name: name.value.clone(),
            origin: Some(origin.clone()),
            line: name.referenced.line(),
            column: name.referenced.column(),
        }
    }

    fn matches(&self, info: &RuleInfo) -> bool {
        self.name == info.id || self.name == info.category
    }

    fn in_catalog(&self, ids: &BTreeSet<String>, categories: &BTreeSet<String>) -> bool {
        ids.contains(&self.name) || categories.contains(&self.name)
    }

    fn error(&self, message: String) -> RuleError {
        match &self.origin {
            Some(origin) => RuleError {
                path: origin.to_string(),
                line: self.line,
                column: self.column,
                message,
            },
            None => RuleError {
                path: "command line".into(),
                line: 0,
                column: 0,
                message,
            },
        }
    }
}

/// Which rules run and how: the part of the configuration that shapes a
/// [`RuleSet`].
#[derive(Clone, Debug, Default)]
pub struct Selection {
    /// Only these rules/categories (empty: all).
    pub select: Vec<Selector>,
    /// Never these rules/categories.
    pub ignore: Vec<Selector>,
    /// Severity overrides; a rule id beats a category.
    pub severity: Vec<(Selector, Severity)>,
    /// Terms never flagged by any rule.
    pub accept: Vec<Selector>,
    /// User-defined categories, besides the built-in ones.
    pub categories: Vec<String>,
}

/// The compiled, active rules.
#[derive(Debug)]
pub struct RuleSet {
    pub(crate) rules: Vec<Rule>,
    pub(crate) matchers: Matchers,
    pub(crate) imperative: Option<MatcherId>,
    pub(crate) openers: Option<MatcherId>,
    pub(crate) conditional: Option<MatcherId>,
    pub(crate) accept: Option<MatcherId>,
    /// The classes found per block that the rules may ask: those of a
    /// block of [`crate::engine::PARALLEL_BYTES`] or more are found with
    /// the scan (see `engine::large_block_classes`).
    pub(crate) block_classes: Vec<Class>,
    known_ids: BTreeSet<String>,
    known_categories: BTreeSet<String>,
    /// Active suppression rules with their effective severity.
    suppression_rules: BTreeMap<String, Severity>,
}

impl Selection {
    /// Whether the rule runs.
    fn keeps(&self, info: &RuleInfo) -> bool {
        (self.select.is_empty() || self.select.iter().any(|s| s.matches(info)))
            && !self.ignore.iter().any(|s| s.matches(info))
    }

    /// The rule's severity after overrides (a rule id beats its category;
    /// the last override of each wins).
    fn severity_of(&self, info: &RuleInfo, declared: Severity) -> Severity {
        let by_id = self.severity.iter().rev().find(|(s, _)| s.name == info.id);
        let by_category = self
            .severity
            .iter()
            .rev()
            .find(|(s, _)| s.name == info.category);
        by_id.or(by_category).map_or(declared, |(_, s)| *s)
    }
}

impl RuleSet {
    /// Compiles the rules of `lib` that `selection` keeps. Every rule is
    /// validated (a broken rule is an error even when it is not selected).
    pub fn compile(lib: &RuleLibrary, selection: &Selection) -> Result<RuleSet, Vec<RuleError>> {
        let mut errors = Vec::new();
        let categories: BTreeSet<String> = BUILTIN_CATEGORIES
            .iter()
            .map(|s| (*s).to_string())
            .chain(selection.categories.iter().cloned())
            .collect();

        let cache = RegexCache::default();
        precompile(lib, &categories, &cache);
        // Validate every list once, even unused ones.
        let mut scratch = Builder::new(lib, &cache);
        for name in lib.lists.keys() {
            if let Err(e) = scratch.list_by_name(name) {
                errors.push(e);
            }
        }

        let mut b = Builder::new(lib, &cache);
        let mut rules = Vec::new();
        let mut known_ids = BTreeSet::new();
        let mut known_categories: BTreeSet<String> = categories.clone();
        // copylint's own rules about suppression comments are selected,
        // ignored and re-graded like any other rule.
        let mut suppression_rules = BTreeMap::new();
        for info in [
            &*crate::suppress::INVALID_SUPPRESSION,
            &*crate::suppress::UNUSED_SUPPRESSION,
        ] {
            known_ids.insert(info.id.clone());
            known_categories.insert(info.category.clone());
            if selection.keeps(info) {
                suppression_rules
                    .insert(info.id.clone(), selection.severity_of(info, info.severity));
            }
        }
        for loaded in &lib.rules {
            let info = match rule_info(loaded, &categories) {
                Ok(info) => info,
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            };
            known_ids.insert(info.id.clone());
            known_categories.insert(info.category.clone());
            let active = selection.keeps(&info);
            let builder = if active { &mut b } else { &mut scratch };
            match compile_rule(builder, loaded, info) {
                Ok(rule) if active => rules.push(rule),
                Ok(_) => {}
                Err(e) => errors.push(e),
            }
        }

        for rule in &rules {
            if let Body::Occurrence(OccurrenceRule {
                counted: Counted::Findings(names),
                ..
            }) = &rule.body
            {
                for n in names {
                    if !known_ids.contains(n) && !known_categories.contains(n) {
                        let message = format!("`findings` names unknown rule or category `{n}`");
                        // Point at the name in the rule file.
                        let at = lib.rule(&rule.info.id).and_then(|l| {
                            let spanned = l
                                .spec
                                .occurrence
                                .as_ref()?
                                .value
                                .findings
                                .as_ref()?
                                .iter()
                                .find(|s| s.value == *n)?;
                            Some(RuleError::at(&l.origin, spanned, message.clone()))
                        });
                        errors.push(at.unwrap_or(RuleError {
                            path: rule.info.source.clone(),
                            line: 0,
                            column: 0,
                            message,
                        }));
                    }
                }
            }
        }
        for s in selection
            .select
            .iter()
            .chain(&selection.ignore)
            .chain(selection.severity.iter().map(|(s, _)| s))
        {
            if !s.in_catalog(&known_ids, &known_categories) {
                errors.push(s.error(format!("unknown rule or category `{}`", s.name)));
            }
        }
        for rule in &mut rules {
            rule.severity = selection.severity_of(&rule.info, rule.severity);
        }

        let imperative = b.optional_list(IMPERATIVE_VERBS, &mut errors);
        let openers = b.optional_list(SENTENCE_OPENERS, &mut errors);
        let conditional = b.optional_list(CONDITIONAL_OPENERS, &mut errors);
        let uses_imperative = rules.iter().any(|r| match &r.body {
            Body::Sentence(s) => s.person.contains(&Person::Imperative),
            _ => false,
        });
        let imperative_user = rules.iter().find_map(|r| match &r.body {
            Body::Sentence(s) if s.person.contains(&Person::Imperative) => lib.rule(&r.info.id),
            _ => None,
        });
        if let (Some(user), None) = (imperative_user, imperative) {
            let sentence = user.spec.sentence.as_ref();
            errors.extend(sentence.map(|s| {
                RuleError::at(
                    &user.origin,
                    s,
                    format!("`person: [imperative]` needs a word list named `{IMPERATIVE_VERBS}`"),
                )
            }));
        } else if uses_imperative && imperative.is_none() {
            errors.push(RuleError {
                path: "rules".into(),
                line: 0,
                column: 0,
                message: format!(
                    "`person: [imperative]` needs a word list named `{IMPERATIVE_VERBS}`"
                ),
            });
        }
        let accept = if selection.accept.is_empty() {
            None
        } else {
            let m = b.matcher();
            for term in &selection.accept {
                if let Err(msg) = b.add_phrase(m, &term.name) {
                    errors.push(term.error(format!("vocabulary.accept: {msg}")));
                }
            }
            Some(m)
        };

        let matchers = match b.finish() {
            Ok(m) => m,
            Err(e) => {
                errors.push(e);
                Matchers::default()
            }
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(RuleSet {
            block_classes: block_classes(&rules),
            rules,
            matchers,
            imperative,
            openers,
            conditional,
            accept,
            known_ids,
            known_categories,
            suppression_rules,
        })
    }

    /// Every literal phrase of the active rules and the lists they use, as
    /// compiled (normalised, deduplicated), whether into the automaton or,
    /// for words of up to three letters or digits, into the regex gate.
    pub fn literal_phrases(&self) -> &[String] {
        &self.matchers.phrases
    }

    /// How many distinct regular expressions run over each document.
    pub fn regex_count(&self) -> usize {
        self.matchers.regexes.len()
    }

    /// Every rule a finding can come from: the active rules and copylint's
    /// own suppression rules, with their effective severity.
    pub fn catalog(&self) -> Vec<(Arc<RuleInfo>, Severity)> {
        let meta = [
            &*crate::suppress::INVALID_SUPPRESSION,
            &*crate::suppress::UNUSED_SUPPRESSION,
        ];
        self.rules
            .iter()
            .map(|r| (r.info.clone(), r.severity))
            .chain(
                meta.into_iter()
                    .filter_map(|m| self.suppression_severity(&m.id).map(|s| (m.clone(), s))),
            )
            .collect()
    }

    /// The effective severity of a suppression rule, `None` when it is not selected.
    pub(crate) fn suppression_severity(&self, id: &str) -> Option<Severity> {
        self.suppression_rules.get(id).copied()
    }

    /// Active rules with their effective severity, in load order.
    pub fn rules(&self) -> impl Iterator<Item = (&Arc<RuleInfo>, Severity)> {
        self.rules.iter().map(|r| (&r.info, r.severity))
    }

    pub fn len(&self) -> usize {
        self.rules.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// Whether `name` is a rule id or category known to the library (active or not).
    pub fn knows(&self, name: &str) -> bool {
        self.known_ids.contains(name) || self.known_categories.contains(name)
    }

    /// The set's own copy of category `name`, if it knows it: a name that
    /// lives as long as the set.
    pub(crate) fn category(&self, name: &str) -> Option<&str> {
        self.known_categories.get(name).map(String::as_str)
    }

    /// Whether `name` is a category.
    pub fn is_category(&self, name: &str) -> bool {
        self.known_categories.contains(name)
    }

    /// Number of literal phrases in the automaton and of regexes.
    pub fn matcher_counts(&self) -> (usize, usize) {
        (
            self.matchers.phrase_owners.len(),
            self.matchers.regexes.len(),
        )
    }
}

fn valid_id(id: &str) -> bool {
    let mut chars = id.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// The kind of a rule, from the one matcher key it has.
pub fn kind_of(spec: &RuleSpec) -> Result<&'static str, String> {
    let simple = spec.phrases.is_some() || spec.patterns.is_some() || spec.lists.is_some();
    let mut kinds = Vec::new();
    if simple {
        kinds.push(if spec.patterns.is_none() {
            "phrases"
        } else if spec.phrases.is_none() && spec.lists.is_none() {
            "patterns"
        } else {
            "phrases+patterns"
        });
    }
    for (present, name) in [
        (spec.substitution.is_some(), "substitution"),
        (spec.sentence.is_some(), "sentence"),
        (spec.unbacked.is_some(), "unbacked"),
        (spec.specificity.is_some(), "specificity"),
        (spec.occurrence.is_some(), "occurrence"),
    ] {
        if present {
            kinds.push(name);
        }
    }
    match kinds.as_slice() {
        [one] => Ok(one),
        [] => Err("rule has no matcher: give one of `phrases`, `patterns`, `lists`, `substitution`, `sentence`, `unbacked`, `specificity`, `occurrence`".into()),
        many => Err(format!("rule has more than one kind of matcher ({}); split it into several rules", many.join(", "))),
    }
}

fn placeholders_for(kind: &str) -> &'static [&'static str] {
    match kind {
        "substitution" => &["match", "suggestion"],
        "unbacked" => &["match", "missing", "sentence"],
        "sentence" => &["match", "sentence"],
        "specificity" => &["match", "claims", "specifics", "claim_list", "block"],
        "occurrence" => &["match", "count", "max", "min", "unit"],
        _ => &["match"],
    }
}

fn rule_info(loaded: &LoadedRule, categories: &BTreeSet<String>) -> Result<RuleInfo, RuleError> {
    let spec = &loaded.spec;
    let origin = &loaded.origin;
    let id = &spec.id;
    if !valid_id(&id.value) {
        return Err(RuleError::at(
            origin,
            id,
            format!(
                "rule id `{}` must be lowercase letters, digits and dashes",
                id.value
            ),
        ));
    }
    let kind = kind_of(spec).map_err(|m| RuleError::at(origin, id, m))?;
    let Some(category) = &spec.category else {
        return Err(RuleError::at(origin, id, "missing field `category`"));
    };
    if !categories.contains(&category.value) {
        let known: Vec<&str> = categories.iter().map(String::as_str).collect();
        return Err(RuleError::at(
            origin,
            category,
            format!(
                "unknown category `{}` (known: {}; declare new ones under `categories:` in .copylint.yaml)",
                category.value,
                known.join(", ")
            ),
        ));
    }
    let Some(message) = &spec.message else {
        return Err(RuleError::at(origin, id, "missing field `message`"));
    };
    let allowed = placeholders_for(kind);
    let mut rest = message.value.as_str();
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else { break };
        let name = &after[..close];
        if !allowed.contains(&name) {
            return Err(RuleError::at(
                origin,
                message,
                format!(
                    "unknown placeholder `{{{name}}}` in message (a {kind} rule offers {})",
                    allowed
                        .iter()
                        .map(|p| format!("{{{p}}}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
        rest = &after[close + 1..];
    }
    let Some(why) = &spec.why else {
        return Err(RuleError::at(origin, id, "missing field `why`"));
    };
    Ok(RuleInfo {
        id: id.value.clone(),
        category: category.value.clone(),
        severity: spec.severity.unwrap_or(Severity::Warning),
        kind,
        message: message.value.clone(),
        why: why.trim().to_string(),
        source: origin.to_string(),
        builtin: origin.is_builtin(),
        extends: spec.extends.as_ref().map(|e| e.value.clone()),
        fix: rule_fix(spec, origin)?.map(|f| f.applicability),
    })
}

fn compile_rule(
    b: &mut Builder<'_>,
    loaded: &LoadedRule,
    info: RuleInfo,
) -> Result<Rule, RuleError> {
    let spec = &loaded.spec;
    let o = &loaded.origin;
    let exceptions = match &spec.exceptions {
        Some(list) if !list.is_empty() => {
            let m = b.matcher();
            for p in list {
                b.phrase(m, p, o)?;
            }
            Some(m)
        }
        _ => None,
    };
    let body = if spec.phrases.is_some() || spec.patterns.is_some() || spec.lists.is_some() {
        let mut cond = Cond::default();
        let phrases = spec.phrases.as_deref().unwrap_or_default();
        let patterns = spec.patterns.as_deref().unwrap_or_default();
        b.inline(&mut cond, phrases, patterns, o)?;
        for name in spec.lists.as_deref().unwrap_or_default() {
            cond.sources.push(b.named(&name.value, name, o)?);
        }
        if cond.sources.is_empty() {
            return Err(RuleError::at(
                o,
                &spec.id,
                "the rule's phrases, patterns and lists are all empty",
            ));
        }
        Body::Match(cond)
    } else if let Some(subst) = &spec.substitution {
        if subst.value.is_empty() {
            return Err(RuleError::at(o, subst, "`substitution` is empty"));
        }
        let mut out = Vec::new();
        for (phrase, alternatives) in &subst.value {
            if alternatives.0.is_empty() || alternatives.0.iter().any(|a| a.trim().is_empty()) {
                return Err(RuleError::at(
                    o,
                    subst,
                    format!("`{phrase}` needs a non-empty replacement"),
                ));
            }
            let m = b.matcher();
            b.add_phrase(m, phrase)
                .map_err(|e| RuleError::at(o, subst, e))?;
            out.push((m, alternatives.0.clone()));
        }
        Body::Substitution(out)
    } else if let Some(s) = &spec.sentence {
        let v = &s.value;
        let conds =
            |b: &mut Builder<'_>, list: &[Spanned<Condition>]| -> Result<Vec<Cond>, RuleError> {
                list.iter().map(|c| b.condition(c, o)).collect()
            };
        let rule = SentenceRule {
            any: conds(b, &v.any)?,
            all: conds(b, &v.all)?,
            none: cheapest_first(conds(b, &v.none)?),
            none_in: v.none_in,
            document_any: conds(b, &v.document_any)?,
            starts_with: v
                .starts_with
                .as_ref()
                .map(|c| b.condition(c, o))
                .transpose()?,
            not_starts_with: v
                .not_starts_with
                .as_ref()
                .map(|c| b.condition(c, o))
                .transpose()?,
            person: v.person.clone(),
            question: v.question,
            skip_quoted: v.skip_quoted,
            skip_capitalized: v.skip_capitalized,
            report: v.report,
        };
        if rule.any.is_empty()
            && rule.all.is_empty()
            && rule.starts_with.is_none()
            && rule.person.is_empty()
        {
            return Err(RuleError::at(
                o,
                s,
                "a sentence rule needs at least one of `any`, `all`, `starts_with`, `person`",
            ));
        }
        if rule.report == Report::Match && rule.any.is_empty() && rule.all.is_empty() {
            return Err(RuleError::at(
                o,
                s,
                "`report: match` needs `any` or `all` conditions to report",
            ));
        }
        Body::Sentence(rule)
    } else if let Some(u) = &spec.unbacked {
        let v = &u.value;
        let trigger = b.condition(&v.trigger, o)?;
        let (evidence, missing) = match &v.evidence {
            Some(list) if list.is_empty() => {
                return Err(RuleError::at(
                    o,
                    u,
                    "`evidence` is empty: omit it for the default (date, number, owner, mechanism)",
                ));
            }
            Some(list) => {
                let mut nouns = Vec::new();
                let mut conds = Vec::new();
                for c in list {
                    nouns.push(match &c.value {
                        Condition::Named(n) => Class::from_name(n)
                            .map_or_else(|| n.replace('-', " "), |c| c.noun().to_string()),
                        Condition::Inline(_) => "other evidence".to_string(),
                    });
                    conds.push(b.condition(c, o)?);
                }
                (conds, nouns)
            }
            None => {
                let classes = [Class::Date, Class::Number, Class::Owner, Class::Mechanism];
                (
                    classes
                        .iter()
                        .map(|c| Cond {
                            sources: vec![Source::Class(*c)],
                        })
                        .collect(),
                    classes.iter().map(|c| c.noun().to_string()).collect(),
                )
            }
        };
        Body::Unbacked(UnbackedRule {
            trigger,
            evidence: cheapest_first(evidence),
            missing: join_or(&missing),
            window: v.window as usize,
            before: v.before as usize,
            skip_quoted: v.skip_quoted,
            person: v.person.clone(),
        })
    } else if let Some(s) = &spec.specificity {
        let v = &s.value;
        if v.claims.is_empty() {
            return Err(RuleError::at(o, s, "`claims` is empty"));
        }
        let claims = v
            .claims
            .iter()
            .map(|c| b.condition(c, o))
            .collect::<Result<Vec<_>, _>>()?;
        let specifics = cheapest_first(match &v.specifics {
            Some(list) => list
                .iter()
                .map(|c| b.condition(c, o))
                .collect::<Result<Vec<_>, _>>()?,
            None => [
                Class::Number,
                Class::Date,
                Class::ProperNoun,
                Class::Quote,
                Class::Link,
                Class::Code,
                Class::Citation,
            ]
            .iter()
            .map(|c| Cond {
                sources: vec![Source::Class(*c)],
            })
            .collect(),
        });
        if let Some(r) = v.min_ratio
            && !(r.is_finite() && r > 0.0)
        {
            return Err(RuleError::at(o, s, "`min_ratio` must be a positive number"));
        }
        Body::Specificity(SpecificityRule {
            blocks: v
                .blocks
                .clone()
                .unwrap_or_else(|| vec![BlockScope::Paragraph, BlockScope::ListItem]),
            claims,
            specifics,
            min_claims: v.min_claims.max(1) as usize,
            max_specifics: v
                .max_specifics
                .map(|n| n as usize)
                .or(if v.min_ratio.is_none() { Some(0) } else { None }),
            min_ratio: v.min_ratio,
        })
    } else if let Some(occ) = &spec.occurrence {
        let v = &occ.value;
        if v.max.is_none() && v.min.is_none() {
            return Err(RuleError::at(
                o,
                occ,
                "an occurrence rule needs `max` or `min`",
            ));
        }
        let counted = match (&v.matcher, &v.findings) {
            (Some(m), None) => Counted::Hits(b.condition(m, o)?),
            (None, Some(names)) if !names.is_empty() => {
                Counted::Findings(names.iter().map(|n| n.value.clone()).collect())
            }
            _ => {
                return Err(RuleError::at(
                    o,
                    occ,
                    "an occurrence rule counts either `match` or `findings` (a non-empty list of rule ids or categories)",
                ));
            }
        };
        Body::Occurrence(OccurrenceRule {
            counted,
            per: v.per,
            max: v.max.map(|n| n as usize),
            min: v.min.map(|n| n as usize),
        })
    } else {
        return Err(RuleError::at(o, &spec.id, "rule has no matcher"));
    };
    let fix = rule_fix(spec, o)?;
    Ok(Rule {
        fix,
        severity: info.severity,
        info: Arc::new(info),
        scope: spec.scope.clone().unwrap_or_default(),
        exceptions,
        fallback: spec.fallback.unwrap_or(false),
        body,
    })
}

/// The fix a rule declares (substitution rules fix by default).
fn rule_fix(spec: &RuleSpec, o: &Origin) -> Result<Option<RuleFix>, RuleError> {
    let substitution = spec.substitution.is_some();
    let Some(f) = &spec.fix else {
        return Ok(substitution.then_some(RuleFix {
            action: FixAction::Substitute,
            applicability: Applicability::Safe,
        }));
    };
    let v = &f.value;
    let action = match (v.remove, &v.replace, substitution) {
        (true, Some(_), _) => {
            return Err(RuleError::at(
                o,
                f,
                "a fix either removes or replaces, not both",
            ));
        }
        (true, None, _) => FixAction::Remove,
        (false, Some(text), false) => FixAction::Replace(text.clone()),
        (false, Some(_), true) => {
            return Err(RuleError::at(
                o,
                f,
                "a substitution rule replaces with its own wordings; give only `applicability`",
            ));
        }
        (false, None, true) => FixAction::Substitute,
        (false, None, false) => {
            return Err(RuleError::at(o, f, "a fix needs `remove` or `replace`"));
        }
    };
    let default = if action == FixAction::Remove {
        Applicability::Unsafe
    } else {
        Applicability::Safe
    };
    Ok(Some(RuleFix {
        action,
        applicability: v.applicability.unwrap_or(default),
    }))
}

/// "a, b or c".
fn join_or(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// Lowercases (ASCII), straightens quotes and collapses whitespace the same
/// way the document's lint text is normalised.
pub(crate) fn normalize_phrase(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.trim().chars() {
        let replaced = match normalize_char(c) {
            Norm::Space => {
                space = true;
                continue;
            }
            Norm::Replace(r) => r.to_string(),
            Norm::Keep => c.to_string(),
        };
        if replaced.is_empty() {
            continue;
        }
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        out.push_str(&replaced.to_ascii_lowercase());
    }
    out
}

/// Rewrites `\b` and `\B` as ASCII word boundaries. A Unicode `\b` makes
/// the regex engine fall back to its slowest mode on any non-ASCII text
/// (curly quotes, dashes); the lint text is normalised prose, and phrases use
/// their own Unicode-aware boundary check, so ASCII boundaries lose little.
/// `\w` and other classes stay Unicode.
pub(crate) fn ascii_word_boundaries(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut chars = pattern.chars().peekable();
    let mut in_class = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(b @ ('b' | 'B')) if !in_class => {
                    out.push_str("(?-u:\\");
                    out.push(b);
                    // `\b{start}`, `\b{end-half}`, …: the braces belong to
                    // the assertion, not a repetition of the group.
                    if b == 'b' && chars.peek() == Some(&'{') {
                        for c in chars.by_ref() {
                            out.push(c);
                            if c == '}' {
                                break;
                            }
                        }
                    }
                    out.push(')');
                }
                Some(other) => {
                    out.push('\\');
                    out.push(other);
                }
                None => out.push('\\'),
            },
            '[' => {
                in_class = true;
                out.push(c);
            }
            ']' => {
                in_class = false;
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

fn regex_error(e: &regex::Error) -> String {
    match e {
        regex::Error::Syntax(s) => {
            let last = s
                .lines()
                .rev()
                .find(|l| l.starts_with("error:"))
                .unwrap_or(s);
            format!(
                "invalid regex: {}",
                last.trim_start_matches("error:").trim()
            )
        }
        regex::Error::CompiledTooBig(limit) => {
            format!(
                "regex is too large once compiled (limit {limit} bytes); simplify it or split it"
            )
        }
        other => format!("invalid regex: {other}"),
    }
}

/// Compiled regexes by source, shared by the builders of one compilation so
/// that each pattern is compiled once.
type RegexCache = std::cell::RefCell<HashMap<String, Result<Regex, String>>>;

/// Compiles one rule pattern (with ASCII word boundaries, case-insensitive);
/// the error is the message for the pattern's location.
fn compile_pattern(pattern: &str) -> Result<Regex, String> {
    let re = RegexBuilder::new(&ascii_word_boundaries(pattern))
        .case_insensitive(true)
        .size_limit(REGEX_SIZE_LIMIT)
        .dfa_size_limit(REGEX_SIZE_LIMIT)
        .build()
        .map_err(|e| regex_error(&e))?;
    if re.is_match("") {
        return Err("pattern matches the empty string".to_string());
    }
    Ok(re)
}

/// Fills `cache` with every pattern of `lib`, compiled on rayon's pool:
/// compiling them one after the other was a third of start-up, the whole
/// cost of a pre-commit hook on one file. A dry run of the builders finds
/// the patterns (errors are left to the real run, which reports them in
/// order); a pattern it missed would simply be compiled when met. The
/// built-in classes' regexes compile beside them (about 10 ms of the pool's
/// time, spent also by commands that lint nothing, such as `rules`).
fn precompile(lib: &RuleLibrary, categories: &BTreeSet<String>, cache: &RegexCache) {
    let mut dry = Builder::new(lib, cache);
    dry.seen_patterns = Some(Vec::new());
    for name in lib.lists.keys() {
        let _ = dry.list_by_name(name);
    }
    for loaded in &lib.rules {
        if let Ok(info) = rule_info(loaded, categories) {
            let _ = compile_rule(&mut dry, loaded, info);
        }
    }
    let mut patterns = dry.seen_patterns.take().unwrap_or_default();
    patterns.sort_unstable();
    patterns.dedup();
    let compile = || -> Vec<(String, Result<Regex, String>)> {
        patterns
            .into_par_iter()
            .map(|p| {
                let re = compile_pattern(&p);
                (p, re)
            })
            .collect()
    };
    let (compiled, ()) = rayon::join(compile, crate::rules::classes::compile_all);
    cache.borrow_mut().extend(compiled);
}

struct Builder<'l> {
    lib: &'l RuleLibrary,
    cache: &'l RegexCache,
    phrases: Vec<String>,
    phrase_index: HashMap<String, usize>,
    phrase_owners: Vec<Vec<MatcherId>>,
    regexes: Vec<Regex>,
    regex_index: HashMap<String, usize>,
    regex_owners: Vec<Vec<MatcherId>>,
    count: u32,
    lists: HashMap<String, MatcherId>,
    /// In a dry run ([`precompile`]), the patterns met, not compiled.
    seen_patterns: Option<Vec<String>>,
}

impl<'l> Builder<'l> {
    fn new(lib: &'l RuleLibrary, cache: &'l RegexCache) -> Self {
        Builder {
            lib,
            cache,
            phrases: Vec::new(),
            phrase_index: HashMap::new(),
            phrase_owners: Vec::new(),
            regexes: Vec::new(),
            regex_index: HashMap::new(),
            regex_owners: Vec::new(),
            count: 0,
            lists: HashMap::new(),
            seen_patterns: None,
        }
    }

    fn matcher(&mut self) -> MatcherId {
        self.count += 1;
        self.count - 1
    }

    fn add_phrase(&mut self, m: MatcherId, phrase: &str) -> Result<(), String> {
        let norm = normalize_phrase(phrase);
        if norm.is_empty() {
            return Err("empty phrase".into());
        }
        let idx = match self.phrase_index.get(&norm) {
            Some(&i) => i,
            None => {
                self.phrases.push(norm.clone());
                self.phrase_owners.push(Vec::new());
                self.phrase_index.insert(norm, self.phrases.len() - 1);
                self.phrases.len() - 1
            }
        };
        if !self.phrase_owners[idx].contains(&m) {
            self.phrase_owners[idx].push(m);
        }
        Ok(())
    }

    fn phrase(&mut self, m: MatcherId, p: &Spanned<String>, o: &Origin) -> Result<(), RuleError> {
        self.add_phrase(m, &p.value)
            .map_err(|e| RuleError::at(o, p, e))
    }

    fn pattern(&mut self, m: MatcherId, p: &Spanned<String>, o: &Origin) -> Result<(), RuleError> {
        if let Some(seen) = &mut self.seen_patterns {
            seen.push(p.value.clone());
            return Ok(());
        }
        let compiled = self
            .cache
            .borrow_mut()
            .entry(p.value.clone())
            .or_insert_with(|| compile_pattern(&p.value))
            .clone();
        let re = compiled.map_err(|e| RuleError::at(o, p, e))?;
        // Identical patterns of several matchers are run once per document.
        let idx = match self.regex_index.get(&p.value) {
            Some(&i) => i,
            None => {
                self.regexes.push(re);
                self.regex_owners.push(Vec::new());
                self.regex_index
                    .insert(p.value.clone(), self.regexes.len() - 1);
                self.regexes.len() - 1
            }
        };
        if !self.regex_owners[idx].contains(&m) {
            self.regex_owners[idx].push(m);
        }
        Ok(())
    }

    /// Adds phrases and patterns as one new matcher (if any) to `cond`.
    fn inline(
        &mut self,
        cond: &mut Cond,
        phrases: &[Spanned<String>],
        patterns: &[Spanned<String>],
        o: &Origin,
    ) -> Result<(), RuleError> {
        if phrases.is_empty() && patterns.is_empty() {
            return Ok(());
        }
        let m = self.matcher();
        for p in phrases {
            self.phrase(m, p, o)?;
        }
        for p in patterns {
            self.pattern(m, p, o)?;
        }
        cond.sources.push(Source::Matcher(m));
        Ok(())
    }

    fn list_by_name(&mut self, name: &str) -> Result<Option<MatcherId>, RuleError> {
        if let Some(&m) = self.lists.get(name) {
            return Ok(Some(m));
        }
        let Some(list) = self.lib.lists.get(name) else {
            return Ok(None);
        };
        let m = self.matcher();
        for p in &list.spec.phrases {
            self.phrase(m, p, &list.origin)?;
        }
        for p in &list.spec.patterns {
            self.pattern(m, p, &list.origin)?;
        }
        if list.spec.phrases.is_empty() && list.spec.patterns.is_empty() {
            return Err(RuleError::at(
                &list.origin,
                &list.spec.list,
                format!("list `{name}` has no phrases or patterns"),
            ));
        }
        self.lists.insert(name.to_string(), m);
        Ok(Some(m))
    }

    fn optional_list(&mut self, name: &str, errors: &mut Vec<RuleError>) -> Option<MatcherId> {
        self.list_by_name(name).unwrap_or_else(|e| {
            errors.push(e);
            None
        })
    }

    /// A class or a word list, by name.
    fn named<T>(&mut self, name: &str, at: &Spanned<T>, o: &Origin) -> Result<Source, RuleError> {
        if let Some(class) = Class::from_name(name) {
            return Ok(Source::Class(class));
        }
        match self.list_by_name(name)? {
            Some(m) => Ok(Source::Matcher(m)),
            None => Err(RuleError::at(o, at, self.unknown_name(name))),
        }
    }

    fn unknown_name(&self, name: &str) -> String {
        let classes: Vec<&str> = Class::ALL.iter().map(|c| c.name()).collect();
        let lists: Vec<&str> = self.lib.lists.keys().map(String::as_str).collect();
        format!(
            "unknown list or class `{name}` (classes: {}; lists: {})",
            classes.join(", "),
            if lists.is_empty() {
                "none".to_string()
            } else {
                lists.join(", ")
            }
        )
    }

    fn condition(&mut self, c: &Spanned<Condition>, o: &Origin) -> Result<Cond, RuleError> {
        let mut cond = Cond::default();
        match &c.value {
            Condition::Named(name) => cond.sources.push(self.named(name, c, o)?),
            Condition::Inline(spec) => {
                self.inline(&mut cond, &spec.phrases, &spec.patterns, o)?;
                for name in &spec.lists {
                    cond.sources.push(self.named(&name.value, name, o)?);
                }
                if cond.sources.is_empty() {
                    return Err(RuleError::at(
                        o,
                        c,
                        "empty condition: give phrases, patterns or lists",
                    ));
                }
            }
        }
        Ok(cond)
    }

    fn finish(self) -> Result<Matchers, RuleError> {
        let (short, long): (Vec<u32>, Vec<u32>) = (0..self.phrases.len() as u32)
            .partition(|&i| is_gate_phrase(&self.phrases[i as usize]));
        let phrases_of = |ids: &[u32]| -> Vec<&str> {
            ids.iter()
                .map(|&i| self.phrases[i as usize].as_str())
                .collect()
        };
        let short_phrases = phrases_of(&short);
        // The automaton and the regex set are built side by side.
        let ((automaton, short_automaton), regex_set) = rayon::join(
            || {
                // A full DFA, which the scan steps by hand beside the gate
                // (a contiguous NFA searched 1.7 times slower with the
                // library's own search), for 8 ms more of build than one,
                // which the regex gate's build beside it hides.
                // The short phrases' automaton only reads what the gate
                // cannot: a contiguous NFA, built in a fraction of that.
                (
                    phrase_dfa(&phrases_of(&long)),
                    phrase_automaton(&short_phrases),
                )
            },
            || {
                let words: Vec<String> = short_phrases
                    .iter()
                    .map(|p| format!("(?-u:\\b){}(?-u:\\b)", regex_syntax::escape(p)))
                    .collect();
                let patterns: Vec<&str> = self
                    .regexes
                    .iter()
                    .map(Regex::as_str)
                    .chain(words.iter().map(String::as_str))
                    .collect();
                (!patterns.is_empty())
                    .then(|| RegexGate::new(&patterns).ok())
                    .flatten()
            },
        );
        Ok(Matchers {
            automaton: automaton?,
            automaton_phrases: long,
            short_automaton: short_automaton?,
            gate_phrases: short,
            regex_set,
            phrases: self.phrases,
            phrase_owners: self.phrase_owners,
            regex_shapes: self.regexes.iter().map(RegexShape::of).collect(),
            regexes: self.regexes,
            regex_owners: self.regex_owners,
            count: self.count as usize,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::LoadedList;
    use crate::rules::load::Parsed;
    use crate::rules::load::parse;

    fn lib(rules: &[&str]) -> RuleLibrary {
        let mut lib = RuleLibrary::default();
        for (i, text) in rules.iter().enumerate() {
            let origin = Origin::Inline(format!("r{i}.yaml"));
            match parse(text, &origin).unwrap() {
                Parsed::Rule(spec) => {
                    lib.rules
                        .push(LoadedRule::new(*spec, origin, Arc::from(*text)))
                }
                Parsed::List(spec) => {
                    lib.lists
                        .insert(spec.list.value.clone(), LoadedList { spec, origin });
                }
            }
        }
        lib
    }

    /// The classes a large block has found with its scan are the classes
    /// found per block that some rule names, in any of its conditions.
    #[test]
    fn block_classes_are_those_the_rules_name() {
        let compiled =
            |rules: &[&str]| RuleSet::compile(&lib(rules), &Selection::default()).unwrap();
        let set = compiled(&[
            "id: a\ncategory: unspecific\nmessage: m\nwhy: w\nsentence:\n  any: [number]\n  none: [quote, date, owner]\n",
            "id: b\ncategory: unspecific\nmessage: m\nwhy: w\nsentence:\n  starts_with: link\n  none: [date]\n",
        ]);
        assert_eq!(set.block_classes, [Class::Date, Class::Quote, Class::Link]);
        let set = compiled(&[
            "id: c\ncategory: unspecific\nmessage: m\nwhy: w\nsentence:\n  any: [number]\n  none: [owner, we]\n",
        ]);
        assert!(set.block_classes.is_empty(), "{:?}", set.block_classes);
    }

    fn errors(rules: &[&str]) -> Vec<String> {
        match RuleSet::compile(&lib(rules), &Selection::default()) {
            Ok(_) => Vec::new(),
            Err(e) => e.iter().map(ToString::to_string).collect(),
        }
    }

    const OK: &str =
        "id: a\ncategory: cta\nmessage: m {match}\nwhy: w\nphrases: [Book  a demo, book a demo]\n";

    #[test]
    fn phrases_are_normalised_and_shared() {
        let set = RuleSet::compile(
            &lib(&[
                OK,
                "id: b\ncategory: cta\nmessage: m\nwhy: w\nphrases: [BOOK A DEMO]\n",
            ]),
            &Selection::default(),
        )
        .unwrap();
        assert_eq!(set.matcher_counts(), (1, 0));
        assert_eq!(set.matchers.phrase_owners[0].len(), 2);
    }

    #[test]
    fn bad_regex_is_located() {
        let e = errors(&[
            "id: a\ncategory: cta\nmessage: m\nwhy: w\npatterns:\n  - 'ok'\n  - '(unclosed'\n",
        ]);
        assert_eq!(e.len(), 1);
        assert!(
            e[0].starts_with("r0.yaml:7:5: invalid regex: unclosed group"),
            "{e:?}"
        );
    }

    #[test]
    fn the_regex_gate_names_the_patterns_that_match() {
        let gate = RegexGate::new(&[
            "(?-u:\\b)cats?(?-u:\\b)",
            "^book\\s(?:a|your)\\sdemo$",
            // Not rewritten to ASCII boundaries, as `\<dog\>` would not be.
            "\\bdog\\b",
        ])
        .unwrap();
        assert_eq!(gate.matching("Cats and more"), vec![0]);
        // Multi-line: `^`/`$` hold at each block of a segment.
        assert_eq!(gate.matching("a cat\nBOOK your demo\nend"), vec![0, 1]);
        assert_eq!(gate.matching("a bookish demo"), Vec::<usize>::new());
        assert_eq!(gate.matching("the dog"), vec![2]);
        // A Unicode `\b` meeting non-ASCII text: the lazy DFA gives up, and
        // every pattern is reported (a superset is safe, the single regexes
        // decide).
        assert_eq!(gate.matching("é dog"), vec![0, 1, 2]);
        // Where matches end, from any start, in order.
        let mut ends = Vec::new();
        gate.match_ends("cats\nbook a demo\ncat", |p, end| ends.push((p, end)))
            .unwrap();
        assert_eq!(ends, [(0, 4), (1, 16), (0, 20)]);
        // `\A` and `\z` (not `^` and `$`) cannot be placed by the gate.
        let anchored = RegexGate::new(&["\\Abook", "^book$", "demo\\z"]).unwrap();
        assert_eq!(anchored.absolute_anchors, vec![true, false, true]);
        // Longest matches, in bytes: case-insensitive, `k` may be the
        // three-byte Kelvin sign, and `\s` a three-byte space (6 + 3 + 4 +
        // 3 + 4); none for an unbounded pattern or one that can match the
        // empty string.
        let lengths =
            RegexGate::new(&["book\\s(?:a|your)\\sdemo", "demo\\w+", "(?:demo)?"]).unwrap();
        assert_eq!(lengths.max_len, vec![Some(20), None, None]);
    }

    #[test]
    fn huge_regex_hits_the_size_limit() {
        let e = errors(&[
            "id: a\ncategory: cta\nmessage: m\nwhy: w\npatterns: ['\\w{1000}\\w{1000}\\w{1000}']\n",
        ]);
        assert!(e[0].contains("too large"), "{e:?}");
    }

    #[test]
    fn unknown_category_placeholder_list_and_kind_errors() {
        assert!(
            errors(&["id: a\ncategory: ctaa\nmessage: m\nwhy: w\nphrases: [x]\n"])[0]
                .starts_with("r0.yaml:2:11: unknown category `ctaa`")
        );
        assert!(
            errors(&["id: a\ncategory: cta\nmessage: 'm {nope}'\nwhy: w\nphrases: [x]\n"])[0]
                .contains("unknown placeholder `{nope}`")
        );
        assert!(
            errors(&[
                "id: a\ncategory: cta\nmessage: m\nwhy: w\nsentence:\n  any: [no-such-list]\n"
            ])[0]
                .starts_with("r0.yaml:6:9: unknown list or class `no-such-list`")
        );
        assert!(
            errors(&["id: a\ncategory: cta\nmessage: m\nwhy: w\n"])[0]
                .contains("rule has no matcher")
        );
        assert!(errors(&["id: a\ncategory: cta\nmessage: m\nwhy: w\nphrases: [x]\nsentence: {any: [number]}\n"])[0].contains("more than one kind"));
        assert!(
            errors(&["id: A_b\ncategory: cta\nmessage: m\nwhy: w\nphrases: [x]\n"])[0]
                .contains("lowercase")
        );
    }

    #[test]
    fn selection_filters_and_overrides() {
        let l = lib(&[
            OK,
            "id: b\ncategory: unspecific\nseverity: suggestion\nmessage: m\nwhy: w\nphrases: [x]\n",
        ]);
        let sel = Selection {
            select: vec![Selector::new("unspecific")],
            severity: vec![(Selector::new("unspecific"), Severity::Error)],
            ..Selection::default()
        };
        let set = RuleSet::compile(&l, &sel).unwrap();
        let active: Vec<_> = set.rules().map(|(i, s)| (i.id.clone(), s)).collect();
        assert_eq!(active, vec![("b".to_string(), Severity::Error)]);
        assert!(set.knows("a") && set.knows("cta"));

        let bad = Selection {
            ignore: vec![Selector::new("nope")],
            ..Selection::default()
        };
        let e = RuleSet::compile(&l, &bad).unwrap_err();
        assert_eq!(
            e[0].to_string(),
            "command line: unknown rule or category `nope`"
        );
    }

    /// Lists only asked whether any of them hits are kept cheapest first;
    /// the message still names the evidence in the rule's order.
    #[test]
    fn any_of_lists_are_asked_cheapest_first() {
        let set = RuleSet::compile(
            &lib(&[
                "id: a\ncategory: value-not-plan\nmessage: '{missing}'\nwhy: w\nunbacked:\n  trigger: {phrases: [we pledge]}\n",
                "id: b\ncategory: cta\nmessage: m\nwhy: w\nsentence:\n  any: [{phrases: [zorble]}]\n  none: [date, owner, {phrases: [quux]}, number, link]\n",
            ]),
            &Selection::default(),
        )
        .unwrap();
        let classes = |conds: &[Cond]| -> Vec<Option<Class>> {
            conds
                .iter()
                .map(|c| match c.sources[..] {
                    [Source::Class(class)] => Some(class),
                    _ => None,
                })
                .collect()
        };
        let rule = |id: &str| &set.rules.iter().find(|r| r.info.id == id).unwrap().body;
        match rule("a") {
            Body::Unbacked(u) => {
                assert_eq!(
                    classes(&u.evidence),
                    [Class::Number, Class::Mechanism, Class::Owner, Class::Date].map(Some)
                );
                assert_eq!(u.missing, "date, figure, owner or mechanism");
            }
            other => panic!("{other:?}"),
        }
        match rule("b") {
            Body::Sentence(s) => assert_eq!(
                classes(&s.none),
                [
                    None,
                    Some(Class::Link),
                    Some(Class::Number),
                    Some(Class::Owner),
                    Some(Class::Date)
                ]
            ),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn unbacked_missing_text_names_the_evidence() {
        let set = RuleSet::compile(
            &lib(&["id: a\ncategory: value-not-plan\nmessage: '{missing}'\nwhy: w\nunbacked:\n  trigger: {phrases: [we pledge]}\n"]),
            &Selection::default(),
        )
        .unwrap();
        match &set.rules[0].body {
            Body::Unbacked(u) => assert_eq!(u.missing, "date, figure, owner or mechanism"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn word_boundaries_become_ascii() {
        assert_eq!(
            ascii_word_boundaries(r"\bfoo\B[\b]\\b"),
            r"(?-u:\b)foo(?-u:\B)[\b]\\b"
        );
        assert_eq!(
            ascii_word_boundaries(r"\b{start}go\b{end-half}"),
            r"(?-u:\b{start})go(?-u:\b{end-half})"
        );
        for p in [r"\b{start}go\b{end}", r"\b{start-half}go\b{end-half}"] {
            let re = regex::Regex::new(&ascii_word_boundaries(p)).expect("valid");
            assert!(re.is_match("let go now"));
            assert!(!re.is_match("ago"));
        }
    }

    #[test]
    fn normalize_phrase_matches_document_normalisation() {
        assert_eq!(
            normalize_phrase("  We\u{2019}re   COMMITTED\n to "),
            "we're committed to"
        );
    }
}
