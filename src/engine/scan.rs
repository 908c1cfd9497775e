//! The one pass over a document's lint text: the phrase automaton and the
//! regex gate read each byte in the same loop.
//!
//! Both are DFAs, and a DFA step is a table lookup whose address depends on
//! the step before: one automaton alone waits on that load at every byte.
//! Stepped in one loop, the two give the processor independent chains to
//! overlap. Over the benchmark corpus one phrase DFA reads about 410 MB/s
//! alone, two walks in one loop 680 MB/s together; the two passes one
//! after the other took a fifth of a run's time.
//!
//! The phrase automaton reads the whole text. The gate reads segments
//! (consecutive blocks), each from its own start state as a haystack of its
//! own, as the library's overlapping search of one would (the tests hold
//! the two to the same ends); where it gives up, the phrase automaton goes
//! on alone.

use std::ops::Range;

use aho_corasick::Anchored;
use aho_corasick::automaton::{Automaton, StateID};
use regex_automata::Input;
use regex_automata::hybrid::dfa::{Cache, DFA};
use regex_automata::util::primitives::PatternID;

use crate::rules::compile::{GaveUp, PhraseDfa, RegexGate};

/// A phrase automaton hit: the automaton's pattern and where it is (not
/// yet checked to be a whole word).
pub(super) type PhraseFound<'f> = dyn FnMut(usize, Range<usize>) + 'f;

/// One step of the phrase automaton per byte, or none.
trait Phrases {
    fn step(&mut self, byte: u8, at: usize, found: &mut PhraseFound<'_>);
}

/// No phrase automaton: the gate alone.
impl Phrases for () {
    #[inline(always)]
    fn step(&mut self, _: u8, _: usize, _: &mut PhraseFound<'_>) {}
}

/// The phrase automaton and its state.
struct Walk<'a> {
    dfa: &'a aho_corasick::dfa::DFA,
    sid: StateID,
}

impl Phrases for Walk<'_> {
    #[inline(always)]
    fn step(&mut self, byte: u8, at: usize, found: &mut PhraseFound<'_>) {
        self.sid = self.dfa.next_state(Anchored::No, self.sid, byte);
        // Without a prefilter only match states (and the dead state, which
        // an unanchored standard search never reaches) are special.
        if self.dfa.is_special(self.sid) {
            self.matched(at + 1, found);
        }
    }
}

impl Walk<'_> {
    #[inline(never)]
    fn matched(&self, end: usize, found: &mut PhraseFound<'_>) {
        if !self.dfa.is_match(self.sid) {
            return;
        }
        for i in 0..self.dfa.match_len(self.sid) {
            let pattern = self.dfa.match_pattern(self.sid, i);
            found(pattern.as_usize(), end - self.dfa.pattern_len(pattern)..end);
        }
    }
}

/// Reads `text` once: every (overlapping) hit of the phrase automaton
/// `phrases` goes to `phrase_found`; for each of `segments` (ascending,
/// disjoint byte ranges), every end of a match of a `gate` pattern goes to
/// `gate_found(pattern, end)`, in order of end. Returns the segments (by
/// index) the gate gave up on, with why; after [`GaveUp::ForTheDocument`]
/// it reads no further segments.
pub(super) fn pass(
    text: &str,
    segments: &[Range<usize>],
    phrases: Option<&PhraseDfa>,
    gate: Option<&RegexGate>,
    phrase_found: &mut PhraseFound<'_>,
    gate_found: &mut dyn FnMut(usize, usize),
) -> Vec<(usize, GaveUp)> {
    let Some(gate) = gate.filter(|_| !segments.is_empty()) else {
        if let Some(phrases) = phrases {
            let mut walk = start(phrases);
            alone(&mut walk, text.as_bytes(), 0..text.len(), phrase_found);
        }
        return Vec::new();
    };
    match phrases {
        Some(phrases) => with_gate(
            &mut start(phrases),
            text,
            segments,
            gate,
            phrase_found,
            gate_found,
        ),
        None => with_gate(&mut (), text, segments, gate, phrase_found, gate_found),
    }
}

fn start(phrases: &PhraseDfa) -> Walk<'_> {
    Walk {
        dfa: &phrases.dfa,
        sid: phrases.start,
    }
}

/// The phrase automaton alone over `text[range]`.
fn alone<P: Phrases>(p: &mut P, text: &[u8], range: Range<usize>, found: &mut PhraseFound<'_>) {
    let base = range.start;
    for (i, &byte) in text[range].iter().enumerate() {
        p.step(byte, base + i, found);
    }
}

fn with_gate<P: Phrases>(
    p: &mut P,
    text: &str,
    segments: &[Range<usize>],
    gate: &RegexGate,
    phrase_found: &mut PhraseFound<'_>,
    gate_found: &mut dyn FnMut(usize, usize),
) -> Vec<(usize, GaveUp)> {
    let bytes = text.as_bytes();
    let mut cache = gate.caches.get();
    let mut gave_up = Vec::new();
    let mut at = 0;
    for (k, seg) in segments.iter().enumerate() {
        alone(p, bytes, at..seg.start, phrase_found);
        at = seg.end;
        if let Err((why, read)) = segment(
            p,
            &gate.dfa,
            &mut cache,
            text,
            seg.clone(),
            phrase_found,
            gate_found,
        ) {
            alone(p, bytes, read..seg.end, phrase_found);
            gave_up.push((k, why));
            if why == GaveUp::ForTheDocument {
                break;
            }
        }
    }
    alone(p, bytes, at..bytes.len(), phrase_found);
    gave_up
}

/// Both automata over one segment. `Err` says why the gate gave up and
/// how far the phrase automaton has read.
fn segment<P: Phrases>(
    p: &mut P,
    dfa: &DFA,
    cache: &mut Cache,
    text: &str,
    seg: Range<usize>,
    phrase_found: &mut PhraseFound<'_>,
    gate_found: &mut dyn FnMut(usize, usize),
) -> Result<(), (GaveUp, usize)> {
    let bytes = &text.as_bytes()[seg.clone()];
    let base = seg.start;
    // The segment is a haystack of its own: no look-behind before it.
    let mut sid = match dfa.start_state_forward(cache, &Input::new(bytes)) {
        Ok(sid) => sid,
        Err(e) => return Err((GaveUp::at_start(dfa, cache, &e), base)),
    };
    cache.search_start(base);
    for (i, &byte) in bytes.iter().enumerate() {
        let at = base + i;
        p.step(byte, at, phrase_found);
        // From an untagged state, a known transition is a table lookup. The
        // rest may compute a state, and the lazy DFA gives up when it makes
        // states faster than it moves on (`minimum_bytes_per_state`): it is
        // told how far the search has read first, as the library's own
        // search loop does.
        let mut next = if sid.is_tagged() {
            sid
        } else {
            dfa.next_state_untagged(cache, sid, byte)
        };
        if sid.is_tagged() || next.is_unknown() {
            cache.search_update(at);
            next = match dfa.next_state(cache, sid, byte) {
                Ok(next) => next,
                Err(_) => {
                    cache.reset(dfa);
                    return Err((GaveUp::ForTheDocument, at + 1));
                }
            };
        }
        if next.is_tagged() {
            if next.is_match() {
                // Matches are delayed by a byte: they end before this one.
                report(dfa, cache, next, at, gate_found);
            } else if next.is_dead() {
                cache.search_finish(at);
                alone(p, text.as_bytes(), at + 1..seg.end, phrase_found);
                return Ok(());
            } else if next.is_quit() {
                cache.search_finish(at);
                return Err((GaveUp::Here, at + 1));
            }
        }
        sid = next;
    }
    cache.search_update(seg.end);
    match dfa.next_eoi_state(cache, sid) {
        Ok(eoi) => {
            if eoi.is_match() {
                report(dfa, cache, eoi, seg.end, gate_found);
            }
        }
        Err(_) => {
            cache.reset(dfa);
            return Err((GaveUp::ForTheDocument, seg.end));
        }
    }
    cache.search_finish(seg.end);
    Ok(())
}

#[inline(never)]
fn report(
    dfa: &DFA,
    cache: &Cache,
    sid: regex_automata::hybrid::LazyStateID,
    end: usize,
    found: &mut dyn FnMut(usize, usize),
) {
    for i in 0..dfa.match_len(cache, sid) {
        let pattern: PatternID = dfa.match_pattern(cache, sid, i);
        found(pattern.as_usize(), end);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Phrases (some sharing prefixes and suffixes), patterns (one with a
    /// Unicode `\<`, on which the gate gives up at a non-ASCII letter) and
    /// short phrases, which the gate searches.
    const RULES: [&str; 3] = [
        "id: a\ncategory: cta\nmessage: m\nwhy: w\nphrases: [book a demo, a demo, demo day, world-class, class act, or]\n",
        "id: b\ncategory: cta\nmessage: m\nwhy: w\npatterns: ['\\bbook\\s(?:a|the)\\s(?:demo|tool)\\b', '(?:very\\s)+fast', '\\w+\\stool$']\n",
        "id: c\ncategory: cta\nmessage: m\nwhy: w\npatterns: ['\\<demo\\s(?:x|tool)']\n",
    ];

    proptest::proptest! {
        /// One pass finds what the two libraries' own searches find: every
        /// overlapping phrase hit in the whole text, and in each segment
        /// read as a haystack of its own, every gate match end, or the
        /// same give-up. Either automaton alone finds the same.
        #[test]
        fn one_pass_finds_what_each_search_finds_alone(
            words in proptest::collection::vec(
                proptest::sample::select(vec![
                    "book", "Book", "a", "demo", "DEMO", "day", "world-class", "class", "act",
                    "or", "very", "fast", "tool", "the", "café", "x", "\n", "\n\n", ".",
                ]),
                0..200,
            ),
            cuts in proptest::collection::vec(0usize..2000, 0..12),
        ) {
            let set = crate::rules::test_set(&RULES);
            let m = &set.matchers;
            let text = words.join(" ");
            // Disjoint segments from the cuts, every other gap left out.
            let mut points: Vec<usize> = cuts
                .into_iter()
                .map(|c| c.min(text.len()))
                .filter(|&c| text.is_char_boundary(c))
                .chain([0, text.len()])
                .collect();
            points.sort_unstable();
            points.dedup();
            let segments: Vec<Range<usize>> = points
                .windows(2)
                .step_by(2)
                .map(|w| w[0]..w[1])
                .collect();

            let ac = m.automaton.as_ref().unwrap();
            let gate = m.regex_set.as_ref().unwrap();
            let run = |phrases: bool, with_gate: bool| {
                let (mut p, mut g) = (Vec::new(), Vec::new());
                let gave_up = pass(
                    &text,
                    &segments,
                    phrases.then_some(ac),
                    with_gate.then_some(gate),
                    &mut |i, at| p.push((i, at)),
                    &mut |i, end| g.push((i, end)),
                );
                (p, g, gave_up)
            };
            let (phrases, ends, gave_up) = run(true, true);

            let patterns: Vec<&str> = m
                .automaton_phrases
                .iter()
                .map(|&i| m.phrases[i as usize].as_str())
                .collect();
            let expected: Vec<(usize, Range<usize>)> = aho_corasick::AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .build(&patterns)
                .unwrap()
                .find_overlapping_iter(&text)
                .map(|f| (f.pattern().as_usize(), f.range()))
                .collect();
            proptest::prop_assert_eq!(&phrases, &expected);

            let (mut expected_ends, mut expected_gave_up) = (Vec::new(), Vec::new());
            for (k, seg) in segments.iter().enumerate() {
                let mut found = Vec::new();
                let searched = gate.match_ends(&text[seg.clone()], |i, end| {
                    found.push((i, seg.start + end));
                });
                // Ends before a give-up are not compared: the caller drops them.
                match searched {
                    Ok(()) => expected_ends.extend(found),
                    Err(why) => {
                        expected_gave_up.push((k, why));
                        if why == GaveUp::ForTheDocument {
                            break;
                        }
                    }
                }
            }
            let given_up = |end: usize| {
                expected_gave_up
                    .iter()
                    .any(|&(k, _)| segments[k].start <= end && end <= segments[k].end)
            };
            let kept: Vec<(usize, usize)> =
                ends.iter().copied().filter(|&(_, end)| !given_up(end)).collect();
            proptest::prop_assert_eq!(&kept, &expected_ends);
            proptest::prop_assert_eq!(&gave_up, &expected_gave_up);

            let (only_phrases, no_ends, none_given_up) = run(true, false);
            proptest::prop_assert_eq!(&only_phrases, &phrases);
            proptest::prop_assert!(no_ends.is_empty() && none_given_up.is_empty());
            let (no_phrases, only_ends, same_given_up) = run(false, true);
            proptest::prop_assert!(no_phrases.is_empty());
            proptest::prop_assert_eq!((&only_ends, &same_given_up), (&ends, &gave_up));
        }
    }

    /// The gate gives up on the segment where its Unicode `\<` meets a
    /// non-ASCII letter, and only there; the phrase automaton reads on.
    #[test]
    fn a_give_up_stops_the_gate_for_its_segment_only() {
        let set = crate::rules::test_set(&RULES);
        let m = &set.matchers;
        let text = "book a demo café here. book the tool";
        let cafe = text.find("café").unwrap();
        let segments = [0..cafe + 6, cafe + 6..text.len()];
        let (mut phrases, mut ends) = (Vec::new(), Vec::new());
        let gave_up = pass(
            text,
            &segments,
            m.automaton.as_ref(),
            m.regex_set.as_ref(),
            &mut |_, at: Range<usize>| phrases.push((&text[at.clone()], at.start)),
            &mut |i, end| ends.push((i, end)),
        );
        assert_eq!(gave_up, [(0, GaveUp::Here)]);
        // (The shipped packs are loaded too: "book" is one of their phrases.)
        assert!(phrases.contains(&("book a demo", 0)), "{phrases:?}");
        assert!(phrases.contains(&("a demo", 5)), "{phrases:?}");
        assert!(phrases.contains(&("book", cafe + 12)), "{phrases:?}");
        // "book the tool" ends the text: the first pattern and `tool$`.
        assert!(ends.contains(&(0, text.len())), "{ends:?}");
        assert!(ends.contains(&(2, text.len())), "{ends:?}");
    }
}
