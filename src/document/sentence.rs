//! Sentence segmentation over one block of lint text.
//!
//! Unicode sentence boundaries (UAX #29) do the heavy lifting; on top of them
//! we re-join the breaks that follow common abbreviations ("e.g.", "U.S.",
//! "Inc.", "Dr.") and initials ("J. Smith").

use super::text;
use rayon::prelude::*;
use std::ops::Range;
use unicode_segmentation::UnicodeSegmentation;

/// Abbreviations (lowercase, without the final period) after which a period
/// never ends a sentence.
const ABBREVIATIONS: &[&str] = &[
    "a.m", "approx", "apr", "aug", "ave", "blvd", "calif", "cf", "co", "corp", "dec", "dept", "dr",
    "e.g", "eg", "est", "feb", "fig", "figs", "gen", "gov", "i.e", "ie", "inc", "jan", "jr", "jul",
    "jun", "lt", "ltd", "mr", "mrs", "ms", "mt", "nov", "oct", "p.m", "ph.d", "prof", "rep", "rev",
    "sen", "sep", "sept", "sgt", "sr", "st", "u.k", "u.s", "u.s.a", "viz", "vs",
];

/// Abbreviations that only join when a number follows ("No. 5", "pp. 12").
const NUMBER_ABBREVIATIONS: &[&str] = &["art", "ch", "no", "nos", "p", "pp", "sec", "vol"];

/// Splits `text` (one block, whitespace already normalised) into sentence
/// ranges relative to `text`, trimmed of surrounding whitespace.
pub(crate) fn split(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    split_into(text, &mut Scratch::default(), &mut out);
    out
}

/// Buffers [`split_into`] reuses from one block to the next.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    bounds: Vec<Range<usize>>,
    joined: Vec<Range<usize>>,
}

/// Texts this long or longer are split in pieces side by side
/// ([`split_in_pieces`]).
const PIECES_FROM: usize = 2 * PIECE_BYTES;

/// About how long the pieces of [`split_in_pieces`] are.
const PIECE_BYTES: usize = 256 * 1024;

/// [`split`], appending the ranges to `out`.
pub(crate) fn split_into(text: &str, scratch: &mut Scratch, out: &mut Vec<Range<usize>>) {
    if text.len() >= PIECES_FROM && split_in_pieces(text, PIECE_BYTES, out) {
        return;
    }
    scratch.bounds.clear();
    if !fast_bounds_into(text, &mut scratch.bounds) {
        scratch.bounds.extend(
            text.split_sentence_bound_indices()
                .map(|(start, seg)| start..start + seg.len()),
        );
    }
    sentences_from_bounds(text, scratch, out);
}

/// [`split_into`] for a long text: cut at [`cuts`], the pieces split side by
/// side on rayon's pool, the same ranges. A 10 MB paragraph took 15 ms to
/// split on one thread, at the end of a parse that leaves the other core
/// idle. `false`, with nothing appended, when a piece holds a character
/// [`sb`] does not know: the general tables might read across a cut.
fn split_in_pieces(text: &str, piece: usize, out: &mut Vec<Range<usize>>) -> bool {
    let cuts = cuts(text, piece);
    let pieces: Option<Vec<Vec<Range<usize>>>> = cuts
        .par_windows(2)
        .map(|cut| {
            let text = &text[cut[0]..cut[1]];
            let mut scratch = Scratch::default();
            if !fast_bounds_into(text, &mut scratch.bounds) {
                return None;
            }
            let mut found = Vec::new();
            sentences_from_bounds(text, &mut scratch, &mut found);
            Some(found)
        })
        .collect();
    let Some(pieces) = pieces else {
        return false;
    };
    out.reserve(pieces.iter().map(Vec::len).sum());
    for (cut, found) in cuts.iter().zip(pieces) {
        out.extend(found.into_iter().map(|r| cut + r.start..cut + r.end));
    }
    true
}

/// Where [`split_in_pieces`] cuts `text` (with its start and end): about
/// every `piece` bytes, before the capital letter of "word. Capital", where
/// the word is two or more lowercase ASCII letters after a space and no
/// abbreviation. A sentence ends there, and neither side's reading looks
/// across: the full stop follows a letter and precedes a space (no rule
/// joins it to the next character), the capital after the space ends the
/// sentence (SB11), the next terminator is the reading's next stop whichever
/// side it starts from, and the word before is no abbreviation or initial
/// (nothing rejoins the two sentences).
fn cuts(text: &str, piece: usize) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut cuts = vec![0];
    let mut from = piece.max(1);
    while let Some(found) = bytes
        .get(from..)
        .and_then(|b| memchr::memmem::find(b, b". "))
    {
        let stop = from + found;
        let cut = stop + 2;
        let word = bytes[..stop]
            .iter()
            .rev()
            .take_while(|b| b.is_ascii_lowercase())
            .count();
        let ok = bytes.get(cut).is_some_and(u8::is_ascii_uppercase)
            && word >= 2
            && stop > word
            && bytes[stop - word - 1] == b' '
            && !is_one_of(&text[stop - word..stop], &ABBREVIATION_KEYS);
        if ok {
            cuts.push(cut);
            from = cut + piece;
        } else {
            from = stop + 1;
        }
    }
    cuts.push(text.len());
    cuts
}

/// The sentences of `text` from its UAX #29 bounds (in `scratch`): bounds
/// after an abbreviation rejoined, numbered sentences split, each trimmed.
fn sentences_from_bounds(text: &str, scratch: &mut Scratch, out: &mut Vec<Range<usize>>) {
    let Scratch { bounds, joined } = scratch;
    joined.clear();
    let mut join_next = false;
    for &Range { start, end } in bounds.iter() {
        if join_next {
            if let Some(last) = joined.last_mut() {
                last.end = end;
            }
        } else {
            joined.push(start..end);
        }
        let current = joined.last().cloned().unwrap_or(start..end);
        let rest = &text[end..];
        join_next = !rest.is_empty() && ends_with_abbreviation(&text[current], rest);
    }
    let from = out.len();
    for r in joined.drain(..) {
        split_before_numbers(text, r, out);
    }
    // Trimmed; the ranges that were only whitespace go.
    let mut kept = from;
    for i in from..out.len() {
        if let Some(t) = trim(text, out[i].clone()) {
            out[kept] = t;
            kept += 1;
        }
    }
    out.truncate(kept);
}

/// The UAX #29 sentence property of a character, for the characters
/// [`fast_bounds_into`] knows; `None` for the rest.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Sb {
    Sp,
    Lower,
    Upper,
    Numeric,
    ATerm,
    STerm,
    Close,
    SContinue,
    Other,
}

fn sb(c: char) -> Option<Sb> {
    Some(match c {
        ' ' | '\t' => Sb::Sp,
        'a'..='z' => Sb::Lower,
        'A'..='Z' => Sb::Upper,
        '0'..='9' => Sb::Numeric,
        '.' => Sb::ATerm,
        '!' | '?' => Sb::STerm,
        '"' | '\'' | '(' | ')' | '[' | ']' | '{' | '}' => Sb::Close,
        ',' | '-' | ':' | ';' | '\u{2013}' | '\u{2014}' => Sb::SContinue,
        '#' | '$' | '%' | '&' | '*' | '+' | '/' | '<' | '=' | '>' | '@' | '\\' | '^' | '_'
        | '`' | '|' | '~' | '\u{2026}' | '\u{20AC}' | '\u{A3}' | '\u{A5}' | '\u{B0}' | '\u{D7}'
        | '\u{FFFC}' => Sb::Other,
        c if c.is_ascii() => return None,
        // Cased Latin letters (accented and extended), whose case is their
        // UAX #29 class; other scripts, titlecase letters and combining
        // marks take the general tables.
        '\u{C0}'..='\u{24F}' | '\u{1E00}'..='\u{1EFF}' if c.is_lowercase() => Sb::Lower,
        '\u{C0}'..='\u{24F}' | '\u{1E00}'..='\u{1EFF}' if c.is_uppercase() => Sb::Upper,
        _ => return None,
    })
}

/// [`fast_bounds_into`] into a new list.
#[cfg(test)]
fn fast_bounds(text: &str) -> Option<Vec<Range<usize>>> {
    let mut out = Vec::new();
    fast_bounds_into(text, &mut out).then_some(out)
}

/// UAX #29 sentence bounds of `text` by a direct scan, appended to `out`,
/// for text made of the characters [`sb`] knows (ASCII prose, cased Latin
/// letters, a few symbols): several times faster than the general tables.
/// `false`, with nothing appended, for any other character; the caller then
/// uses `unicode-segmentation`. The two agree (a property test checks it);
/// lint text has no line breaks inside a block, so the paragraph-separator
/// rules do not arise.
fn fast_bounds_into(text: &str, out: &mut Vec<Range<usize>>) -> bool {
    if !all_known(text) {
        return false;
    }
    let class_at = |at: usize| text[at..].chars().next().and_then(sb);
    let class_before = |at: usize| text[..at].chars().next_back().and_then(sb);
    let mut start = 0;
    let mut i = 0;
    // Only a terminator can end a sentence; the terminators are ASCII bytes,
    // which never occur inside a multi-byte character.
    while let Some(found) = memchr::memchr3(b'.', b'!', b'?', &text.as_bytes()[i..]) {
        let at = i + found;
        let term = class_at(at);
        let prev = class_before(at);
        i = at + 1;
        // SB6: "3.5"; SB7: "U.S".
        if term == Some(Sb::ATerm) {
            let next = class_at(i);
            if next == Some(Sb::Numeric)
                || matches!(prev, Some(Sb::Upper | Sb::Lower)) && next == Some(Sb::Upper)
            {
                continue;
            }
        }
        // SB9, SB10: closing punctuation and spaces stay with the sentence.
        let mut k = i;
        while class_at(k) == Some(Sb::Close) {
            k += 1;
        }
        while class_at(k) == Some(Sb::Sp) {
            k += 1;
        }
        if k >= text.len() {
            break;
        }
        // SB8a: a continuation or another terminator follows.
        if matches!(class_at(k), Some(Sb::SContinue | Sb::ATerm | Sb::STerm)) {
            i = k;
            continue;
        }
        // SB8: after a full stop, a lowercase word continues the sentence.
        if term == Some(Sb::ATerm) {
            let first_letter = text[i..]
                .chars()
                .filter_map(sb)
                .find(|s| matches!(s, Sb::Upper | Sb::Lower | Sb::ATerm | Sb::STerm));
            if first_letter == Some(Sb::Lower) {
                i = k;
                continue;
            }
        }
        // SB11.
        out.push(start..k);
        start = k;
        i = k;
    }
    if start < text.len() {
        out.push(start..text.len());
    }
    true
}

/// Whether [`sb`] knows every character of `text`: printable ASCII and tabs
/// checked eight bytes at a time, then byte by byte, the rest decoded one
/// character at a time.
fn all_known(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if text::word_at(bytes, i).is_some_and(|x| !text::outside_space_to_tilde(x)) {
            i += 8;
            continue;
        }
        let b = bytes[i];
        if b.is_ascii() {
            if !(b == b'\t' || (b' '..=b'~').contains(&b)) {
                return false;
            }
            i += 1;
            continue;
        }
        let Some(c) = text[i..].chars().next() else {
            return false;
        };
        if sb(c).is_none() {
            return false;
        }
        i += c.len_utf8();
    }
    true
}

/// UAX #29 keeps "… evolving. 87% of graduates …" together because a
/// lowercase word follows the number; a terminator, a space and a digit
/// start a new sentence unless an abbreviation ("No. 5", "pp. 12") or a
/// number ("2. 3") precedes the terminator.
fn split_before_numbers(text: &str, r: Range<usize>, out: &mut Vec<Range<usize>>) {
    let s = &text[r.clone()];
    let bytes = s.as_bytes();
    let mut start = 0;
    for i in memchr::memchr3_iter(b'.', b'!', b'?', bytes) {
        let mut j = i + 1;
        while j < bytes.len() && matches!(bytes[j], b'"' | b'\'' | b')') {
            j += 1;
        }
        if j >= bytes.len() || bytes[j] != b' ' {
            continue;
        }
        let k = j + 1;
        if k >= bytes.len() || !bytes[k].is_ascii_digit() {
            continue;
        }
        let before = &s[start..i];
        let token = before
            .rsplit(|c: char| c.is_whitespace())
            .next()
            .unwrap_or("");
        let numeric = token
            .chars()
            .next_back()
            .is_some_and(|c| c.is_ascii_digit());
        if token.is_empty()
            || numeric
            || is_one_of(token, &NUMBER_ABBREVIATION_KEYS)
            || is_one_of(token, &ABBREVIATION_KEYS)
        {
            continue;
        }
        out.push(r.start + start..r.start + j);
        start = k;
    }
    out.push(r.start + start..r.end);
}

fn trim(text: &str, r: Range<usize>) -> Option<Range<usize>> {
    let s = &text[r.clone()];
    let lead = s.len() - s.trim_start().len();
    let trail = s.len() - s.trim_end().len();
    let t = r.start + lead..r.end - trail;
    (!t.is_empty()).then_some(t)
}

fn ends_with_abbreviation(segment: &str, rest: &str) -> bool {
    let seg = segment.trim_end();
    let Some(body) = seg.strip_suffix('.') else {
        return false;
    };
    let token = body
        .rsplit(|c: char| c.is_whitespace() || matches!(c, '(' | '[' | '"' | '\'' | '/'))
        .next()
        .unwrap_or("");
    if token.is_empty() {
        return false;
    }
    // A single capital letter is an initial: "J. R. R. Tolkien".
    let mut chars = token.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        return c.is_uppercase();
    }
    if is_one_of(token, &ABBREVIATION_KEYS) {
        return true;
    }
    // Dotted initialisms: "U.S", "e.g", "Ph.D", "a.m".
    if token.contains('.')
        && token
            .split('.')
            .all(|p| !p.is_empty() && p.chars().count() <= 2 && p.chars().all(char::is_alphabetic))
    {
        return true;
    }
    let next_is_digit = rest.trim_start().starts_with(|c: char| c.is_ascii_digit());
    next_is_digit && is_one_of(token, &NUMBER_ABBREVIATION_KEYS)
}

/// Whether `token` is one of the words whose [`keys`] are `list`, ignoring
/// ASCII case: one binary search over numbers (comparing the words
/// themselves was 6% of parsing prose, asked after every full stop).
fn is_one_of(token: &str, list: &[u64]) -> bool {
    key(token.as_bytes()).is_some_and(|k| list.binary_search(&k).is_ok())
}

/// A word of up to eight bytes as one number: its bytes big-endian, ASCII
/// letters lowercased, zeros after. The keys of a sorted list of lowercase
/// words are sorted (a zero sorts before every byte, as a word sorts before
/// the longer words it starts). `None` for a longer word, or one with a zero
/// byte, which could pass for a shorter one.
const fn key(word: &[u8]) -> Option<u64> {
    if word.len() > 8 {
        return None;
    }
    let mut k = 0u64;
    let mut i = 0;
    while i < 8 {
        let byte = if i < word.len() {
            if word[i] == 0 {
                return None;
            }
            word[i].to_ascii_lowercase()
        } else {
            0
        };
        k = (k << 8) | byte as u64;
        i += 1;
    }
    Some(k)
}

/// The [`key`] of every word of `list`, in order.
const fn keys<const N: usize>(list: &[&str]) -> [u64; N] {
    let mut out = [0; N];
    let mut i = 0;
    while i < N {
        out[i] = match key(list[i].as_bytes()) {
            Some(k) => k,
            None => panic!("an abbreviation longer than eight bytes"),
        };
        i += 1;
    }
    out
}

const ABBREVIATION_KEYS: [u64; ABBREVIATIONS.len()] = keys(ABBREVIATIONS);
const NUMBER_ABBREVIATION_KEYS: [u64; NUMBER_ABBREVIATIONS.len()] = keys(NUMBER_ABBREVIATIONS);

#[cfg(test)]
mod tests {
    use super::*;

    /// `is_one_of` binary-searches the words' keys: an entry with a capital,
    /// out of order or longer than a key would never match.
    #[test]
    fn abbreviation_lists_are_lowercase_sorted_and_short() {
        let lists = [
            (ABBREVIATIONS, &ABBREVIATION_KEYS[..]),
            (NUMBER_ABBREVIATIONS, &NUMBER_ABBREVIATION_KEYS[..]),
        ];
        for (words, keys) in lists {
            for a in words {
                assert_eq!(*a, a.to_lowercase(), "{a}");
                assert!(a.len() <= 8, "{a} is longer than a key");
            }
            assert!(words.is_sorted(), "{words:?}");
            assert!(keys.is_sorted(), "{words:?}");
            for a in words {
                assert!(is_one_of(a, keys), "{a}");
                assert!(is_one_of(&a.to_uppercase(), keys), "{a}");
            }
        }
        assert!(is_one_of("E.G", &ABBREVIATION_KEYS));
        assert!(!is_one_of("e.g.", &ABBREVIATION_KEYS));
        assert!(!is_one_of("approximately", &ABBREVIATION_KEYS));
        assert!(!is_one_of("", &ABBREVIATION_KEYS));
        assert!(!is_one_of("ﬁg", &ABBREVIATION_KEYS));
        // A zero byte would pad a word out to another.
        assert!(!is_one_of("co\0", &ABBREVIATION_KEYS));
        assert!(!is_one_of("c", &ABBREVIATION_KEYS));
        assert!(!is_one_of("coo", &ABBREVIATION_KEYS));
    }

    /// Reused buffers and a list that already holds ranges change nothing.
    #[test]
    fn split_into_appends_and_reuses_its_buffers() {
        let texts = [
            "Dr. Smith agreed. It grew 87% in 2024. Done",
            "Chinese。 Then more. e.g. this.",
            "",
            "   ",
            "One. Two! Three? 4. Four.",
        ];
        let mut scratch = Scratch::default();
        let mut out = Vec::from([7..9, 10..12]);
        let mut expected = out.clone();
        for t in texts {
            split_into(t, &mut scratch, &mut out);
            expected.extend(split(t));
        }
        assert_eq!(out, expected);
        assert!(expected.len() > 8);
    }

    fn sentences(text: &str) -> Vec<&str> {
        split(text).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn splits_on_terminal_punctuation() {
        assert_eq!(
            sentences("We ship today. Are you ready? Yes! Done"),
            vec!["We ship today.", "Are you ready?", "Yes!", "Done"]
        );
    }

    #[test]
    fn abbreviations_do_not_end_sentences() {
        assert_eq!(
            sentences("Tools, e.g. editors, help. Acme Inc. Sales grew. Dr. Jones agreed."),
            vec![
                "Tools, e.g. editors, help.",
                "Acme Inc. Sales grew.",
                "Dr. Jones agreed."
            ]
        );
        assert_eq!(
            sentences("The U.S. Army and i.e. The Board met. See No. 5 below."),
            vec!["The U.S. Army and i.e. The Board met.", "See No. 5 below."]
        );
    }

    #[test]
    fn initials_and_decimals_stay_inside() {
        assert_eq!(
            sentences("J. R. Smith wrote 2.4x more. Then he left."),
            vec!["J. R. Smith wrote 2.4x more.", "Then he left."]
        );
    }

    #[test]
    fn a_number_after_a_full_stop_starts_a_sentence() {
        assert_eq!(
            sentences("It is evolving. 87% of graduates work. See No. 5 and version 2. 3 more."),
            vec![
                "It is evolving.",
                "87% of graduates work.",
                "See No. 5 and version 2. 3 more."
            ]
        );
    }

    #[test]
    fn plain_words_ending_a_sentence_still_split() {
        assert_eq!(
            sentences("The answer is no. We tried."),
            vec!["The answer is no.", "We tried."]
        );
    }

    #[test]
    fn quotes_close_the_sentence_they_end() {
        assert_eq!(
            sentences("He said \"book now.\" Then he left."),
            vec!["He said \"book now.\"", "Then he left."]
        );
    }
}

#[cfg(test)]
mod fast_path {
    use super::*;
    use proptest::prelude::*;

    fn uax29(text: &str) -> Vec<Range<usize>> {
        text.split_sentence_bound_indices()
            .map(|(s, seg)| s..s + seg.len())
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 4096, ..ProptestConfig::default() })]

        /// The direct scan finds exactly the bounds of the general tables.
        #[test]
        fn agrees_with_unicode_segmentation(
            text in "[a-cA-C0-9 .!?\"'(),;:#%$*-]{0,40}|([a-zA-Z]{1,6}[.!?]{0,2}[\"')]{0,2}[ ]{0,2}){0,8}|[a-zéÉ—–…€ß .!?1A]{0,30}|[ -~éÉßŁł—–…]{0,60}"
        ) {
            if let Some(fast) = fast_bounds(&text) {
                prop_assert_eq!(fast, uax29(&text));
            }
        }

        /// Split in pieces, a text gives the sentences it gives whole,
        /// wherever the pieces fall: next to abbreviations ("Dr. Smith"),
        /// initials, numbered sentences, quotes and closing brackets, and
        /// with characters only the general tables know (the whole text is
        /// then split on one thread).
        #[test]
        fn pieces_give_the_sentences_of_the_whole(
            words in proptest::collection::vec(
                proptest::sample::select(vec![
                    "the", "harbour", "dr", "Dr", "co", "inc", "e.g", "U.S", "J", "no", "pp",
                    "Smith", "The", "It", "We", "3", "2024", "5.5", "café", "日本", "x",
                ]),
                1..120,
            ),
            stops in proptest::collection::vec(
                proptest::sample::select(vec![" ", " ", " ", ". ", ". ", "! ", "? ", ".\" ", ".) ", ", ", "  "]),
                120,
            ),
            piece in 1usize..60,
        ) {
            let mut text = String::new();
            for (w, s) in words.iter().zip(&stops) {
                text.push_str(w);
                text.push_str(s);
            }
            let whole = split(&text);
            let mut pieces = Vec::new();
            if split_in_pieces(&text, piece, &mut pieces) {
                prop_assert_eq!(&pieces, &whole, "cuts {:?} in {:?}", cuts(&text, piece), text);
            } else {
                prop_assert!(pieces.is_empty());
                prop_assert!(!all_known(&text));
            }
        }

        /// The byte scan accepts exactly the texts whose every character `sb` knows.
        #[test]
        fn byte_check_agrees_with_sb(text in "[\\x00-\\x7f]{0,24}|(?s).{0,24}|[a-z\\t\\néŁ—\\u{7f}]{0,24}") {
            prop_assert_eq!(all_known(&text), text.chars().all(|c| sb(c).is_some()));
        }
    }

    /// A long paragraph is cut where sentences end, and only there; one
    /// with no such place is one piece.
    #[test]
    fn cuts_fall_between_sentences_after_plain_words() {
        let text = "We met the harbour. The Dr. Who and e.g. Alf. Co. Then the rest. Done";
        let cuts = cuts(text, 1);
        let at: Vec<&str> = cuts[1..cuts.len() - 1]
            .iter()
            .map(|&c| &text[c..])
            .collect();
        assert_eq!(
            at,
            ["The Dr. Who and e.g. Alf. Co. Then the rest. Done", "Done"]
        );
        assert_eq!(cuts.first(), Some(&0));
        assert_eq!(cuts.last(), Some(&text.len()));
        assert_eq!(super::cuts("no stop here at all", 1), [0, 19]);
        // Long enough to be split in pieces, on the pool.
        let long = "Our team measured the harbour. ".repeat(PIECES_FROM / 30);
        assert!(long.len() >= PIECES_FROM);
        let mut out = Vec::new();
        split_into(&long, &mut Scratch::default(), &mut out);
        assert_eq!(out, split_in_whole(&long));
        assert!(super::cuts(&long, PIECE_BYTES).len() > 2);
    }

    /// [`split`] on one thread.
    fn split_in_whole(text: &str) -> Vec<Range<usize>> {
        let mut scratch = Scratch::default();
        let mut out = Vec::new();
        assert!(fast_bounds_into(text, &mut scratch.bounds));
        sentences_from_bounds(text, &mut scratch, &mut out);
        out
    }

    /// Every character the fast path accepts, in every position that
    /// matters to the rules, against the general tables.
    #[test]
    fn every_known_character_agrees_in_every_rule_position() {
        let known: Vec<char> = (0..=0x10FFFF_u32)
            .filter_map(char::from_u32)
            .filter(|&c| sb(c).is_some())
            .collect();
        assert!(known.len() > 600, "{} known characters", known.len());
        for c in known {
            for probe in [
                format!("a. {c}b"),
                format!("A. {c}"),
                format!("x.{c}"),
                format!("{c}.{c} a"),
                format!("{c}. B"),
                format!("end. \"{c}x"),
                format!("one{c}. two"),
                format!("a? {c} b. c"),
            ] {
                if let Some(fast) = fast_bounds(&probe) {
                    assert_eq!(
                        fast,
                        uax29(&probe),
                        "{c:?} (U+{:04X}) in {probe:?}",
                        c as u32
                    );
                }
            }
        }
    }

    #[test]
    fn known_characters_take_the_fast_path() {
        assert!(fast_bounds("Café — open at 9.30. Naïve? Yes!").is_some());
        assert!(fast_bounds("Line\nbreak").is_none());
        assert!(fast_bounds("Chinese。").is_none());
        assert!(fast_bounds("Georgian ქართული.").is_none());
        assert!(fast_bounds("Titlecase ǅ.").is_none());
    }
}
