//! Fixes as data, and applying them.
//!
//! A [`Fix`] is a list of byte-range [`Edit`]s with an [`Applicability`]:
//! `safe` fixes keep the meaning and are applied by `--fix`; `unsafe` ones
//! change it (removing a call to action) and need `--unsafe-fixes`. Applying
//! is a loop (as in ruff): lint, take the applicable fixes that do not
//! overlap, apply them, lint again, until nothing changes or a pass cap is
//! reached. Writing is atomic and refuses to clobber a file that changed
//! since it was read.

use std::borrow::Cow;
use std::io::Write;
use std::ops::Range;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::diagnostic::Diagnostic;
use crate::document::Format;
use crate::engine::LintOptions;
use crate::location::floor_char_boundary;
use crate::rules::RuleSet;

/// Whether applying a fix keeps the meaning of the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    /// Meaning-preserving; applied by `--fix`.
    Safe,
    /// Changes meaning; applied only with `--unsafe-fixes`.
    Unsafe,
}

impl Applicability {
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
        }
    }
}

/// Replace `range` of the source with `content`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Edit {
    pub range: Range<usize>,
    pub content: String,
}

/// A fix for one finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Fix {
    pub applicability: Applicability,
    /// What the fix does, for humans ("replace with 'use'").
    pub description: String,
    /// Sorted, non-overlapping.
    pub edits: Vec<Edit>,
}

/// Most passes of the fix loop.
pub const MAX_PASSES: usize = 10;

/// `replacement` in the case of `original`: "WORLD-CLASS" → "PROVEN",
/// "World-class" → "Proven", "world-class" → "proven".
pub fn match_case(original: &str, replacement: &str) -> String {
    let letters: Vec<char> = original.chars().filter(|c| c.is_alphabetic()).collect();
    let all_upper = letters.len() > 1 && letters.iter().all(|c| c.is_uppercase());
    if all_upper {
        return replacement.to_uppercase();
    }
    if original.chars().next().is_some_and(char::is_uppercase) {
        let mut chars = replacement.chars();
        return match chars.next() {
            Some(first) => first.to_uppercase().chain(chars).collect(),
            None => String::new(),
        };
    }
    replacement.to_string()
}

fn is_space(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// How far the tidy-up looks around a removed span, in bytes: enough for
/// block markers, an article, a comma or a conjunction. Looking no further
/// keeps fixing linear on a document that is one long line.
const LOOK: usize = 64;

/// Up to [`LOOK`] bytes of `src` before `at`.
fn window_before(src: &str, at: usize) -> &str {
    &src[floor_char_boundary(src, at.saturating_sub(LOOK))..at]
}

/// Offset just past the line break at `at` (if any).
fn past_break(src: &str, at: usize) -> usize {
    if src[at..].starts_with("\r\n") {
        at + 2
    } else if at < src.len() {
        at + 1
    } else {
        at
    }
}

/// If only blanks follow `at` up to the end of its line: that end.
fn blank_rest(src: &str, at: usize) -> Option<usize> {
    let bytes = src.as_bytes();
    let mut i = at;
    while i < bytes.len() && is_space(bytes[i]) {
        i += 1;
    }
    (i == bytes.len() || matches!(bytes[i], b'\n' | b'\r')).then_some(i)
}

/// If only blanks and Markdown block markers precede `at` on its line:
/// where the line starts (after a byte-order mark on the first line).
fn marker_line_start(src: &str, at: usize) -> Option<usize> {
    let window = window_before(src, at);
    let start = match window.rfind(['\n', '\r']) {
        Some(i) => at - window.len() + i + 1,
        None if window.len() == at => usize::from(src.starts_with('\u{FEFF}')) * 3,
        None => return None,
    };
    only_markers(&src[start..at]).then_some(start)
}

/// `prefix` holds only Markdown block markers: blockquote `>`, a list
/// bullet or number, heading `#`s.
pub(crate) fn only_markers(prefix: &str) -> bool {
    let rest = prefix.trim_start_matches(|c: char| c == '>' || c.is_whitespace());
    let rest = rest
        .strip_prefix(['-', '*', '+'])
        .or_else(|| {
            let digits = rest.trim_start_matches(|c: char| c.is_ascii_digit());
            (digits.len() < rest.len()).then(|| digits.strip_prefix(['.', ')']))?
        })
        .or_else(|| {
            let hashes = rest.trim_start_matches('#');
            (hashes.len() < rest.len()).then_some(hashes)
        })
        .unwrap_or(rest);
    rest.trim().is_empty()
}

/// Whether the line at `at` underlines the line above it (`===`, `---`):
/// removing that line would turn the paragraph before into a heading.
fn underline_at(src: &str, at: usize) -> bool {
    let bytes = src.as_bytes();
    let mut i = at;
    while i < bytes.len() && is_space(bytes[i]) {
        i += 1;
    }
    let Some(&mark) = bytes.get(i).filter(|b| matches!(b, b'=' | b'-')) else {
        return false;
    };
    while i < bytes.len() && bytes[i] == mark {
        i += 1;
    }
    blank_rest(src, i).is_some()
}

/// The edits that drop the line `first..` holding the span `start..last`
/// (nothing else on it but markers), or `None` when the rest of a list item
/// continues on the next line.
fn remove_line(src: &str, first: usize, start: usize, last: usize) -> Option<Vec<Edit>> {
    let next = past_break(src, last);
    let next_blank = blank_rest(src, next);
    let marker = src[first..start].trim_start_matches([' ', '\t', '>']);
    if !marker.is_empty()
        && !marker.starts_with('#')
        && next_blank.is_none()
        && !only_markers_start(&src[next..floor_char_boundary(src, (next + LOOK).min(src.len()))])
    {
        // "- Book a demo.\n  more of the item": no clean cut.
        return None;
    }
    if underline_at(src, next) {
        return None;
    }
    // Drop the whole line; merge the blank lines around it.
    let (mut from, mut to) = (first, next);
    let blank_before = from == 0
        || src[..from].ends_with("\n\n")
        || src[..from].ends_with("\r\n\r\n")
        || from == 3 && src.starts_with('\u{FEFF}');
    let ordered = |line: &str| ordered_marker(line.trim_start_matches([' ', '\t', '>']));
    // The item after: the next non-blank line (a loose list has blank lines
    // between items). The item before: the nearest line above that is
    // neither blank nor indented (an item's continuation lines are).
    let next_item = src[next..]
        .split(['\n', '\r'])
        .find(|l| !l.trim().is_empty())
        .unwrap_or("");
    let previous_item = src[..from]
        .rsplit(['\n', '\r'])
        .find(|l| !l.trim().is_empty() && !l.starts_with([' ', '\t']))
        .unwrap_or("");
    if ordered(marker) && ordered(next_item) && !ordered(previous_item) {
        // The first item of an ordered list sets its start number: without
        // it, "1. a / 2. b" would become a list that starts at 2.
        return None;
    }
    if marker.starts_with('#') && !blank_before && next_blank.is_none() && next < src.len() {
        // A heading between two lines holds them apart: without it, the
        // next line ("    indented code", "| a | b |") could join the
        // paragraph above and change what it is.
        return None;
    }
    match next_blank {
        Some(end) if blank_before && next < src.len() => to = past_break(src, end),
        _ if blank_before && next == src.len() && src[..from].ends_with('\n') => {
            // The last paragraph: the blank line before it goes instead.
            from -= if src[..from].ends_with("\r\n") { 2 } else { 1 };
        }
        _ => {}
    }
    Some(vec![Edit {
        range: from..to,
        content: String::new(),
    }])
}

/// Adverbs that modify the next word, which keep a comma before them
/// ("fast, extremely reliable").
fn is_adverb(span: &str) -> bool {
    let lower = lowercase(span);
    lower.ends_with("ly")
        || ["very", "super", "so", "too", "quite", "pretty"].contains(&lower.as_ref())
}

/// `word` lowercased, borrowed when it is lowercase ASCII already (most
/// words) and copied otherwise.
fn lowercase(word: &str) -> Cow<'_, str> {
    if word
        .bytes()
        .all(|b| b.is_ascii() && !b.is_ascii_uppercase())
    {
        Cow::Borrowed(word)
    } else {
        Cow::Owned(word.to_lowercase())
    }
}

/// The longest prefix of `text` whose characters pass `keep`, at most
/// `max` of them.
fn prefix_while(text: &str, max: usize, keep: impl Fn(char) -> bool) -> &str {
    let end = text
        .char_indices()
        .enumerate()
        .find(|&(n, (_, c))| n == max || !keep(c))
        .map_or(text.len(), |(_, (i, _))| i);
    &text[..end]
}

/// Edits that delete `range` (a phrase or a whole sentence) from `src` and
/// tidy up around it, or `None` when no tidy deletion keeps the text
/// grammatical, such as a predicative adjective ("it is seamless.").
///
/// * a line left with nothing but blanks or Markdown markers goes with its
///   line break (and a doubled blank line is merged);
/// * one space goes with the phrase;
/// * before closing punctuation, a listing comma or conjunction goes too
///   ("fast, cheap and seamless." → "fast, cheap.");
/// * an article before it agrees with the new next word ("an
///   industry-leading tool" → "a tool");
/// * a deleted sentence start capitalises the next word.
///
/// Work is bounded by a few dozen bytes around the span.
pub fn removal(src: &str, range: Range<usize>, sentence_start: bool) -> Option<Vec<Edit>> {
    let bytes = src.as_bytes();
    let (mut start, mut end) = (range.start, range.end);
    let span = &src[range.clone()];
    let sentence = ends_sentence(span);
    if !sentence && !removable_phrase(window_before(src, start), span) {
        return None;
    }
    if let (Some(first), Some(last)) = (marker_line_start(src, start), blank_rest(src, end)) {
        return remove_line(src, first, start, last);
    }
    let mut after = end;
    while after < bytes.len() && is_space(bytes[after]) {
        after += 1;
    }
    let at_line_end = after >= bytes.len() || matches!(bytes[after], b'\n' | b'\r');
    let next_char = src[after..].chars().next();
    let closes = next_char.is_some_and(|c| matches!(c, '.' | ',' | ';' | ':' | '!' | '?' | ')'));
    let spaces_before = |mut i: usize| {
        while i > 0 && is_space(bytes[i - 1]) {
            i -= 1;
        }
        i
    };
    if at_line_end {
        let next_line = src[after..].trim_start_matches(['\r', '\n', ' ', '\t', '>']);
        if !sentence && (next_line.starts_with("and ") || next_line.starts_with("or ")) {
            // "a seamless\nand fast login": the next line joins another
            // modifier to this one.
            return None;
        }
        // "… seamless\n": the spaces before go with it.
        start = spaces_before(start);
    } else if closes {
        // Only a listed item may go before punctuation: "fast, cheap,
        // seamless." or "fast and seamless."; "it is seamless." may not.
        let mut s = spaces_before(start);
        let before = window_before(src, s);
        let conjunction = conjunction_at_end(before);
        let listed = next_char == Some(',') && adjective_follows(&src[after + 1..]);
        if listed && !before.ends_with(',') {
            // "a cutting-edge, open tool" → "an open tool".
            s = start;
            end = after + 1;
            while end < bytes.len() && is_space(bytes[end]) {
                end += 1;
            }
        } else if before.ends_with(',') {
            s -= 1;
        } else if let Some(len) = conjunction {
            s = spaces_before(s - before.len() + len);
            if src[..s].ends_with(',') {
                s -= 1;
            }
        } else if !(sentence_start && sentence) {
            return None;
        }
        if s < start {
            start = spaces_before(s);
        }
    } else if let Some(next) = (!sentence && after > end && after_determiner(src, start))
        .then(|| conjoined_modifier(&src[after..]))
        .flatten()
    {
        // "a seamless and intuitive tool" → "an intuitive tool". Only after
        // a determiner, and only when the next word reads as an adjective:
        // in "a game-changer and teams love it" the "and" joins clauses.
        end = after + next;
    } else if !sentence && (after == end || !adjective_follows(&src[after..])) {
        // Glued to what follows ("world-class's"), or the phrase is not a
        // modifier of the next word ("making it painless for everyone",
        // "a leader in"): no clean cut.
        return None;
    } else {
        let s = spaces_before(start);
        let before = window_before(src, s);
        if before.ends_with(['\n', '\r'])
            && conjunction_at_end(before.trim_end_matches(['\n', '\r'])).is_some()
        {
            // "a powerful and\ninnovative tool": the cut would have to span
            // the line break.
            return None;
        }
        let conjunction = conjunction_at_end(before).map(|len| s - before.len() + len);
        if let Some(at) = conjunction.filter(|_| !sentence && !is_adverb(span)) {
            // The word before "and" decides what "and" joins.
            let first = spaces_before(at);
            let listed = src[..first].ends_with(',');
            let head = last_word_of(&src[..first - usize::from(listed)]);
            let head_start = first - usize::from(listed) - head.len();
            let paired =
                ["both", "either", "neither"].contains(&word_before(src, head_start).as_ref());
            if paired {
                // "both powerful and innovative tools": the pair goes whole
                // or not at all.
                return None;
            } else if looks_adjectival(head) {
                // Two modifiers of one noun: "a powerful and innovative
                // tool" → "a powerful tool", "a fast, reliable, and
                // innovative app" → "a fast, reliable app".
                start = first - usize::from(listed);
            } else if listed {
                // A list of noun phrases: "better sales cycles, and immense
                // customizability" → "…, and customizability". A list of
                // single words ("fast, cheap, and seamless tools") may be
                // modifiers of one noun: no cut.
                let item = src[..head_start].trim_end_matches([' ', '\t']);
                if item.len() == head_start || item.ends_with(',') {
                    return None;
                }
                end = after;
            } else if head.is_empty()
                || [DETERMINERS, COPULAS]
                    .iter()
                    .any(|words| words.contains(&word_before(src, head_start).as_ref()))
            {
                // "our fast and innovative tool" or "your data and seamless
                // sync", "it is fast and innovative software": no telling
                // a modifier from a noun, so no cut.
                return None;
            } else {
                // Two nouns: "sales and seamless onboarding" → "sales and
                // onboarding".
                end = after;
            }
        } else if s > 0
            && bytes[s - 1] == b','
            && (!is_adverb(span) || last_word_of(&src[..s - 1]).eq_ignore_ascii_case(span))
            && !src[..s - 1].ends_with(|c: char| c.is_ascii_digit())
        {
            // "a fast, seamless tool" → "a fast tool"; the comma goes. After
            // the same adverb it goes too ("extremely, extremely good").
            start = s - 1;
        } else {
            end = after;
        }
    }
    let mut edits = Vec::new();
    // Article agreement: "an " / "a " right before the removed word.
    let before = window_before(src, range.start);
    let article = ["an ", "An ", "a ", "A "]
        .iter()
        .find(|a| before.ends_with(*a))
        .map(|a| (range.start - a.len(), &a[..a.len() - 1]));
    if let Some((at, art)) = article
        && at + art.len() <= start
        && !src[..at].ends_with(|c: char| c.is_alphanumeric())
    {
        let want = match_case(art, if wants_an(&src[end..]) { "an" } else { "a" });
        if art != want {
            edits.push(Edit {
                range: at..at + art.len(),
                content: want,
            });
        }
    }
    edits.push(Edit {
        range: start..end,
        content: String::new(),
    });
    // The next word takes the capital of a removed sentence start (a
    // lowercase start, as in a list item "- extremely fast", stays so).
    let capital = src[range.start..]
        .chars()
        .next()
        .is_some_and(char::is_uppercase);
    capitalise_after(src, end, sentence_start && capital, &mut edits);
    edits.sort_by_key(|e| e.range.start);
    Some(edits)
}

/// Whether the next word of `rest` takes "an": by its sound, roughly (a
/// vowel letter, except "u"/"eu" said "you" and "one"; plus a silent "h").
fn wants_an(rest: &str) -> bool {
    let word = lowercase(prefix_while(rest.trim_start(), 12, char::is_alphanumeric));
    const YOU_SOUND: &[&str] = &[
        "use", "usu", "unique", "univers", "union", "unit", "unif", "unicorn", "uniform", "utili",
        "uran", "uri", "eu", "ewe",
    ];
    const ONE_SOUND: &[&str] = &["one", "once"];
    const SILENT_H: &[&str] = &["hour", "honest", "honor", "honour", "heir"];
    if SILENT_H.iter().any(|h| word.starts_with(h)) {
        return true;
    }
    if YOU_SOUND.iter().any(|y| word.starts_with(y)) || ONE_SOUND.contains(&word.as_ref()) {
        return false;
    }
    word.starts_with(['a', 'e', 'i', 'o', 'u'])
}

/// Whether `line` starts with a list or blockquote marker (a new item).
fn only_markers_start(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with(['-', '*', '+', '>', '#']) || ordered_marker(t)
}

/// Whether `t` starts with an ordered-list marker ("1." or "2)").
fn ordered_marker(t: &str) -> bool {
    let digits = t.trim_start_matches(|c: char| c.is_ascii_digit());
    digits.len() < t.len() && digits.starts_with(['.', ')'])
}

/// Whether a phrase (not a sentence) can go without breaking the grammar
/// around it: not after a degree word ("the most powerful", "quietly
/// powerful") and not ending in a function word ("a leader in").
fn removable_phrase(before: &str, span: &str) -> bool {
    const DEGREE: &[&str] = &[
        "most", "more", "less", "least", "very", "so", "too", "quite", "rather", "pretty", "as",
        "how", "such", "truly", "really",
    ];
    fn last_word(s: &str) -> Cow<'_, str> {
        lowercase(last_word_of(s.trim_end_matches(|c: char| {
            !(c.is_alphanumeric() || c == '-' || c == '\'')
        })))
    }
    const NEGATION: &[&str] = &["not", "never", "no", "hardly", "barely", "scarcely", "nor"];
    let previous = last_word(before);
    // "not very easy" is not "not easy".
    let negated = NEGATION.contains(&previous.as_ref()) || previous.ends_with("n't");
    let degree = negated
        || DEGREE.contains(&previous.as_ref())
        || previous.len() > 4 && previous.ends_with("ly") && !before.trim_end().ends_with(',');
    !degree && adjective_follows(&last_word(span))
}

/// Determiners and degree words: the word after one modifies a noun.
const DETERMINERS: &[&str] = &[
    "a", "an", "the", "our", "your", "their", "its", "his", "her", "my", "this", "that", "these",
    "those", "most", "more", "very", "so", "really", "truly",
];

/// Forms of "to be" (an adjective or a noun may follow).
const COPULAS: &[&str] = &[
    "is", "are", "was", "were", "be", "been", "being", "it's", "that's", "what's",
];

/// The word before `at` (past spaces), lowercased; empty when none is
/// there or when something other than a space comes between.
fn word_before(src: &str, at: usize) -> Cow<'_, str> {
    let before = src[..at].trim_end_matches([' ', '\t']);
    if before.len() == at {
        return Cow::Borrowed("");
    }
    lowercase(last_word_of(before))
}

/// Whether the word before `at` is a determiner or a degree word, so that
/// the word at `at` modifies the noun that follows.
fn after_determiner(src: &str, at: usize) -> bool {
    DETERMINERS.contains(&word_before(src, at).as_ref())
}

/// The last word of `before`.
fn last_word_of(before: &str) -> &str {
    before
        .rsplit(|c: char| !(c.is_alphanumeric() || c == '-' || c == '\''))
        .next()
        .unwrap_or("")
}

/// When `rest` is "and"/"or", then a word that reads as an adjective, then
/// the noun ("and intuitive tools"): the offset of that adjective.
fn conjoined_modifier(rest: &str) -> Option<usize> {
    let tail = rest
        .strip_prefix("and ")
        .or_else(|| rest.strip_prefix("or "))?;
    let word = tail.trim_start_matches(' ');
    let adjective = word
        .split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '\''))
        .next()
        .unwrap_or("");
    let noun = word[adjective.len()..].strip_prefix(' ')?;
    (looks_adjectival(adjective) && adjective_follows(noun)).then(|| rest.len() - word.len())
}

/// If `before` ends with the word "and" or "or" after a space or comma:
/// where that word starts.
fn conjunction_at_end(before: &str) -> Option<usize> {
    ["and", "or"].iter().find_map(|w| {
        let rest = before.strip_suffix(w)?;
        rest.ends_with(|c: char| c.is_whitespace() || c == ',')
            .then_some(rest.len())
    })
}

/// Whether `word` reads as an adjective by its form alone: a hyphenated
/// compound ("world-class", "easy-to-use"), or a common adjective ending
/// ("powerful", "innovative", "reliable", "seamless", "famous").
fn looks_adjectival(word: &str) -> bool {
    const NOUNS: &[&str] = &[
        "archive",
        "executive",
        "initiative",
        "objective",
        "alternative",
        "incentive",
        "perspective",
        "directive",
        "representative",
        "narrative",
        "detective",
        "motive",
        "native",
        "cable",
        "table",
        "timetable",
        "variable",
        "deliverable",
        "receivable",
        "payable",
        "vegetable",
        "bible",
        "handful",
        "spoonful",
    ];
    let w = lowercase(word);
    if w.len() < 4 || NOUNS.contains(&w.as_ref()) {
        return false;
    }
    if w.contains('-') {
        // "game-changer", "must-have" are nouns as often as not.
        return !w.starts_with('-')
            && !w.ends_with('-')
            && !w.ends_with("er")
            && !w.ends_with("ers")
            && !w.ends_with("have");
    }
    ["ful", "ive", "ous", "able", "ible", "less"]
        .iter()
        .any(|s| w.len() > s.len() + 2 && w.ends_with(s))
}

/// Whether `rest` (after a comma) goes on with another modifier rather
/// than a new clause: "a fast, open tool", not "fast, which means".
fn adjective_follows(rest: &str) -> bool {
    let word = lowercase(prefix_while(
        rest.trim_start_matches([' ', '\t']),
        usize::MAX,
        |c| c.is_alphanumeric() || c == '-' || c == '\'',
    ));
    const CLAUSE: &[&str] = &[
        "and", "or", "but", "nor", "so", "yet", "which", "who", "whom", "whose", "that", "while",
        "because", "although", "though", "if", "when", "where", "as", "since", "unless", "until",
        "the", "a", "an", "it", "we", "you", "they", "he", "she", "i", "this", "these", "those",
        "our", "your", "their", "its", "with", "without", "for", "from", "to", "in", "on", "at",
        "by", "of", "not", "even", "then",
    ];
    !word.is_empty() && !CLAUSE.contains(&word.as_ref())
}

fn ends_sentence(span: &str) -> bool {
    span.trim_end_matches(['"', '\'', ')', '\u{201D}', '\u{2019}'])
        .ends_with(['.', '!', '?'])
}

/// After deleting a sentence start, the word at `at` starts the sentence.
fn capitalise_after(src: &str, at: usize, sentence_start: bool, edits: &mut Vec<Edit>) {
    if sentence_start && let Some(c) = src[at..].chars().next().filter(|c| c.is_lowercase()) {
        edits.push(Edit {
            range: at..at + c.len_utf8(),
            content: c.to_uppercase().collect(),
        });
    }
}

/// Applies edits (sorted, non-overlapping) to `src`.
pub fn apply_edits(src: &str, edits: &[&Edit]) -> String {
    let mut out = String::with_capacity(src.len());
    let mut at = 0;
    for e in edits {
        out.push_str(&src[at..e.range.start]);
        out.push_str(&e.content);
        at = e.range.end;
    }
    out.push_str(&src[at..]);
    out
}

/// Chooses the applicable fixes of one pass: in order, skipping any whose
/// edits overlap an edit already taken (it is retried next pass).
pub fn select(diagnostics: &[Diagnostic], unsafe_fixes: bool) -> Vec<&Edit> {
    let mut fixes: Vec<&Fix> = diagnostics
        .iter()
        .filter_map(|d| d.fix.as_ref())
        .filter(|f| f.applicability == Applicability::Safe || unsafe_fixes)
        .filter(|f| !f.edits.is_empty())
        .collect();
    fixes.sort_by_key(|f| (f.edits[0].range.start, f.edits[0].range.end));
    let mut taken: Vec<&Edit> = Vec::new();
    for f in fixes {
        let clashes = f.edits.iter().any(|e| {
            taken.iter().any(|t| {
                e.range.start < t.range.end && t.range.start < e.range.end
                    || (e.range.is_empty() || t.range.is_empty()) && e.range.start == t.range.start
            })
        });
        if !clashes {
            taken.extend(f.edits.iter());
        }
    }
    taken.sort_by_key(|e| (e.range.start, e.range.end));
    taken
}

/// What the fix loop did to one text.
#[derive(Clone, Debug)]
pub struct FixOutcome {
    pub text: String,
    /// Fixes applied in all passes.
    pub applied: usize,
    pub passes: usize,
    /// False when the cap was reached with fixes still applicable.
    pub converged: bool,
    /// Findings left after fixing.
    pub remaining: Vec<Diagnostic>,
}

/// Lints and fixes `source` until nothing changes (at most [`MAX_PASSES`]).
pub fn fix_text(
    source: &str,
    format: Format,
    rules: &RuleSet,
    options: LintOptions,
    unsafe_fixes: bool,
) -> FixOutcome {
    // Fixing needs the fixes, whatever the caller's options say.
    let options = LintOptions {
        skip_fixes: false,
        ..options
    };
    let mut text = source.to_string();
    let mut applied = 0;
    let mut passes = 0;
    loop {
        let found = crate::lint_str(&text, format, rules, options);
        let edits = select(&found, unsafe_fixes);
        if edits.is_empty() {
            return FixOutcome {
                text,
                applied,
                passes,
                converged: true,
                remaining: found,
            };
        }
        if passes == MAX_PASSES {
            return FixOutcome {
                text,
                applied,
                passes,
                converged: false,
                remaining: found,
            };
        }
        let fixes_in_pass = found
            .iter()
            .filter_map(|d| d.fix.as_ref())
            .filter(|f| {
                f.edits
                    .iter()
                    .any(|e| edits.iter().any(|t| std::ptr::eq(*t, e)))
            })
            .count();
        let next = apply_edits(&text, &edits);
        passes += 1;
        if next == text {
            return FixOutcome {
                text,
                applied,
                passes,
                converged: true,
                remaining: found,
            };
        }
        applied += fixes_in_pass;
        text = next;
    }
}

/// Why a fixed file was not written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("changed on disk since it was read; not overwritten (run again)")]
    Changed,
    #[error("not writable; not fixed")]
    ReadOnly,
    #[error("has {0} hard links, which replacing it would break; not fixed")]
    HardLinks(u64),
    #[error("cannot write the fixed text: {0}")]
    Io(String),
}

/// Replaces `path` with `text` atomically (a temporary file in the same
/// directory, renamed over the original), keeping its permissions, unless
/// its content is no longer `original`.
pub fn write_atomically(path: &Path, original: &[u8], text: &str) -> Result<(), WriteError> {
    write_with(path, original, |w| w.write_all(text.as_bytes()))
}

/// [`write_atomically`] with the content produced by `write` (tests inject
/// failing writers here).
pub fn write_with(
    path: &Path,
    original: &[u8],
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), WriteError> {
    let io = |e: std::io::Error| WriteError::Io(crate::walk::io_message(&e));
    // A symbolic link is followed: the file it points to is replaced, and
    // the link stays a link.
    let path = &std::fs::canonicalize(path).map_err(io)?;
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let metadata = std::fs::metadata(path).map_err(io)?;
    // Replacing is only for files the user may write: a read-only file is
    // left alone (also for root), as an editor would refuse to save it.
    if metadata.permissions().readonly() {
        return Err(WriteError::ReadOnly);
    }
    if let Err(e) = std::fs::OpenOptions::new().write(true).open(path) {
        return Err(match e.kind() {
            std::io::ErrorKind::PermissionDenied => WriteError::ReadOnly,
            _ => io(e),
        });
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if metadata.nlink() > 1 {
            return Err(WriteError::HardLinks(metadata.nlink()));
        }
    }
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(io)?;
    write(tmp.as_file_mut()).map_err(io)?;
    tmp.as_file_mut().flush().map_err(io)?;
    tmp.as_file().sync_all().map_err(io)?;
    std::fs::set_permissions(tmp.path(), metadata.permissions()).map_err(io)?;
    #[cfg(unix)]
    {
        // Keep the owner where we may (as root, or the same user); anyone
        // else cannot give a file away, and then owns the new file.
        use std::os::unix::fs::MetadataExt;
        let (uid, gid) = (metadata.uid(), metadata.gid());
        if std::os::unix::fs::chown(tmp.path(), Some(uid), Some(gid)).is_err() {
            // A member of the file's group may still keep the group.
            let _ = std::os::unix::fs::chown(tmp.path(), None, Some(gid));
        }
    }
    // Last check before replacing: the file must still hold what we read.
    let now = std::fs::read(path).map_err(io)?;
    if now != original {
        return Err(WriteError::Changed);
    }
    tmp.persist(path).map_err(|e| io(e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_lowercased_and_cut_without_copies_where_possible() {
        assert!(matches!(lowercase("seamless"), Cow::Borrowed("seamless")));
        assert_eq!(lowercase("Seamless"), "seamless");
        assert_eq!(lowercase("ÉCOLE"), "école");
        assert_eq!(lowercase("\u{212A}elvin"), "kelvin");
        assert_eq!(lowercase("\u{17F}eamless"), "\u{17F}eamless");
        assert!(matches!(lowercase("caf\u{E9}"), Cow::Owned(_)));
        assert_eq!(prefix_while("abc def", 12, char::is_alphanumeric), "abc");
        assert_eq!(
            prefix_while("abcdefghijklmnop", 12, char::is_alphanumeric),
            "abcdefghijkl"
        );
        assert_eq!(
            prefix_while("naïve-x, y", usize::MAX, |c| c.is_alphanumeric()
                || c == '-'),
            "naïve-x"
        );
        assert_eq!(
            prefix_while("whole", usize::MAX, char::is_alphanumeric),
            "whole"
        );
        assert_eq!(prefix_while("", 3, char::is_alphanumeric), "");
        assert_eq!(prefix_while("ab", 0, char::is_alphanumeric), "");
    }

    fn remove_at(src: &str, what: &str, sentence_start: bool) -> Option<String> {
        let start = src.find(what).expect("phrase in text");
        let edits = removal(src, start..start + what.len(), sentence_start)?;
        Some(apply_edits(src, &edits.iter().collect::<Vec<_>>()))
    }

    fn remove(src: &str, what: &str) -> String {
        remove_at(src, what, false).expect("a removal")
    }

    fn remove_sentence(src: &str, what: &str) -> String {
        remove_at(src, what, true).expect("a removal")
    }

    #[test]
    fn case_is_preserved() {
        assert_eq!(match_case("World-class", "proven"), "Proven");
        assert_eq!(match_case("WORLD-CLASS", "proven"), "PROVEN");
        assert_eq!(match_case("world-class", "proven"), "proven");
        assert_eq!(match_case("A", "an"), "An");
    }

    #[test]
    fn removal_tidies_spaces_punctuation_articles_and_lines() {
        assert_eq!(remove("Our very good team.", "very"), "Our good team.");
        assert_eq!(remove("Fast, cheap, seamless.", "seamless"), "Fast, cheap.");
        assert_eq!(
            remove("Fast, cheap, and seamless.", "seamless"),
            "Fast, cheap."
        );
        assert_eq!(remove("Fast and seamless!", "seamless"), "Fast!");
        assert_eq!(
            remove("It is an industry-leading tool.", "industry-leading"),
            "It is a tool."
        );
        assert_eq!(
            remove("It is a cutting-edge, open tool.", "cutting-edge,"),
            "It is an open tool."
        );
        assert_eq!(remove("A seamless\nworkflow.", "seamless"), "A\nworkflow.");
        assert_eq!(
            remove("A cutting-edge, open tool.", "cutting-edge"),
            "An open tool."
        );
        assert_eq!(
            remove("A fast, seamless workflow.", "seamless"),
            "A fast workflow."
        );
        assert_eq!(remove("Fast, seamless, cheap.", "seamless"), "Fast, cheap.");
        assert_eq!(
            remove("Fast, extremely reliable and cheap.", "extremely"),
            "Fast, reliable and cheap."
        );
        assert_eq!(
            remove("An extremely useful guide.", "extremely"),
            "A useful guide."
        );
        assert_eq!(
            remove("A truly honest answer.", "truly"),
            "An honest answer."
        );
        assert_eq!(
            remove("We built an innovative\nplatform.", "innovative"),
            "We built a\nplatform."
        );
        assert_eq!(
            remove("In 2020, seamless sync arrived.", "seamless"),
            "In 2020, sync arrived."
        );
        assert_eq!(
            remove("One.\nBook a demo.\nTwo.\n", "Book a demo."),
            "One.\nTwo.\n"
        );
        assert_eq!(
            remove("One.\r\nBook a demo.\r\nTwo.\r\n", "Book a demo."),
            "One.\r\nTwo.\r\n"
        );
        assert_eq!(remove("First. Book a demo.", "Book a demo."), "First.");
        // Modifiers joined by "and"/"or": the conjunction goes with one
        // when both surely modify the noun; two nouns keep it; where the
        // words could be either, there is no fix.
        let cases: &[(&str, &str, Option<&str>)] = &[
            (
                "A powerful and innovative tool.",
                "innovative",
                Some("A powerful tool."),
            ),
            (
                "An innovative and powerful tool.",
                "innovative",
                Some("A powerful tool."),
            ),
            (
                "The most powerful and world-class tool.",
                "world-class",
                Some("The most powerful tool."),
            ),
            (
                "A fast, reliable, and innovative app.",
                "innovative",
                Some("A fast, reliable app."),
            ),
            (
                "It is powerful and innovative software.",
                "innovative",
                Some("It is powerful software."),
            ),
            (
                "We handle sales and seamless onboarding.",
                "seamless",
                Some("We handle sales and onboarding."),
            ),
            (
                "It brings better sales cycles, and immense flexibility.",
                "immense",
                Some("It brings better sales cycles, and flexibility."),
            ),
            ("Fast, cheap, and seamless tools.", "seamless", None),
            ("Both fast and seamless tools.", "seamless", None),
            (
                "It has both powerful and innovative parts.",
                "innovative",
                None,
            ),
            ("Our fast and innovative tool.", "innovative", None),
            (
                "Your data and seamless sync keep us aligned.",
                "seamless",
                None,
            ),
            (
                "It gives more power and seamless integration.",
                "seamless",
                None,
            ),
            ("It is fast and innovative software.", "innovative", None),
            (
                "A seamless and intuitive login.",
                "seamless",
                Some("An intuitive login."),
            ),
            ("A seamless and fast login.", "seamless", None),
            (
                "It's a game-changer and teams love it.",
                "game-changer",
                None,
            ),
            (
                "Onboarding is seamless and customers like it.",
                "seamless",
                None,
            ),
            // Across a line break, no cut.
            ("A powerful and\ninnovative scheduler.", "innovative", None),
            ("A seamless\nand intuitive login.", "seamless", None),
            (
                "A powerful\tand innovative tool.",
                "innovative",
                Some("A powerful tool."),
            ),
        ];
        for (text, what, want) in cases {
            assert_eq!(remove_at(text, what, false).as_deref(), *want, "{text:?}");
        }
        // A stutter loses its comma.
        let stutter = "It is extremely, extremely good.";
        let at = stutter.rfind("extremely").expect("second one");
        let edits = removal(stutter, at..at + 9, false).expect("a removal");
        assert_eq!(
            apply_edits(stutter, &edits.iter().collect::<Vec<_>>()),
            "It is extremely good."
        );
        assert_eq!(
            remove("For the family, extremely good value.", "extremely"),
            "For the family, good value."
        );
    }

    #[test]
    fn a_lowercase_start_stays_lowercase() {
        assert_eq!(
            remove_at("extremely fast tools are here.", "extremely", true).as_deref(),
            Some("fast tools are here.")
        );
        assert_eq!(
            remove_at("Extremely fast tools.", "Extremely", true).as_deref(),
            Some("Fast tools.")
        );
    }

    #[test]
    fn removal_refuses_to_leave_broken_grammar() {
        assert_eq!(
            remove_at("Our service is seamless.", "seamless", false),
            None
        );
        assert_eq!(
            remove_at("It is the cutting-edge.", "cutting-edge", false),
            None
        );
        assert_eq!(
            remove_at("A world-class's reach.", "world-class", false),
            None
        );
        assert_eq!(
            remove_at("It is seamless, which helps.", "seamless", false),
            None
        );
        assert_eq!(
            remove_at("Making it painless for all.", "painless", false),
            None
        );
        assert_eq!(
            remove_at("The most powerful tool.", "powerful", false),
            None
        );
        assert_eq!(
            remove_at("A quietly powerful film.", "powerful", false),
            None
        );
        assert_eq!(
            remove_at("We are a leader in tea.", "a leader in", false),
            None
        );
        assert_eq!(remove_at("It is not very easy.", "very", false), None);
        assert_eq!(remove_at("It isn't very easy.", "very", false), None);
        assert_eq!(
            remove_at("It is seamless and we like it.", "seamless", false),
            None
        );
    }

    #[test]
    fn removing_a_sentence_tidies_the_paragraph() {
        assert_eq!(remove_sentence("Truly great work.", "Truly"), "Great work.");
        assert_eq!(
            remove_sentence("Intro. Book a demo. More.", "Book a demo."),
            "Intro. More."
        );
        assert_eq!(
            remove_sentence("Intro. Book a demo. more.", "Book a demo."),
            "Intro. More."
        );
        // A paragraph of its own goes with one of the blank lines around it.
        assert_eq!(
            remove_sentence("One.\n\nBook a demo.\n\nTwo.\n", "Book a demo."),
            "One.\n\nTwo.\n"
        );
        assert_eq!(
            remove_sentence("One.\n\nBook a demo.\n", "Book a demo."),
            "One.\n"
        );
        assert_eq!(
            remove_sentence("Book a demo.\n\nTwo.\n", "Book a demo."),
            "Two.\n"
        );
        assert_eq!(
            remove_sentence("\u{FEFF}Book a demo.\n\nTwo.\n", "Book a demo."),
            "\u{FEFF}Two.\n"
        );
        assert_eq!(
            remove_sentence("One.\r\n\r\nBook a demo.\r\n", "Book a demo."),
            "One.\r\n"
        );
        // A heading between two non-blank lines stays: the line after it
        // would join the paragraph above (indented code would become text).
        assert_eq!(
            remove_at("e\n# Book a demo.\n    code\n", "Book a demo.", true),
            None
        );
        assert_eq!(
            remove_at("e\n# Book a demo.\n\n    code\n", "Book a demo.", true).as_deref(),
            Some("e\n\n    code\n")
        );
        // The first item of an ordered list keeps its number.
        assert_eq!(
            remove_at("1. Sign up now.\n2. Read.\n", "Sign up now.", true),
            None
        );
        assert_eq!(
            remove_at("1. Sign up now.\n\n2. Read.\n", "Sign up now.", true),
            None
        );
        assert_eq!(
            remove_sentence("1. Read.\n2. Sign up now.\n3. Go.\n", "Sign up now."),
            "1. Read.\n3. Go.\n"
        );
        assert_eq!(
            remove_sentence(
                "1. Read\n   more.\n2. Sign up now.\n3. Go.\n",
                "Sign up now."
            ),
            "1. Read\n   more.\n3. Go.\n"
        );
        // List items and headings: the marker goes with the line …
        assert_eq!(
            remove_sentence("- a\n- Book a demo.\n- b\n", "Book a demo."),
            "- a\n- b\n"
        );
        assert_eq!(remove_sentence("> Book a demo.\n", "Book a demo."), "");
        assert_eq!(
            remove_sentence("# Book a demo.\n```js\nx\n```\n", "Book a demo."),
            "```js\nx\n```\n"
        );
        // … but not when the item continues on the next line, or the next
        // line would underline the paragraph above.
        assert_eq!(
            remove_at("- Book a demo.\n  more text\n", "Book a demo.", true),
            None
        );
        assert_eq!(
            remove_at("- Book a demo.\n```\ncode\n```\n", "Book a demo.", true),
            None
        );
        assert_eq!(
            remove_at("Intro\nBook a demo.\n---\n", "Book a demo.", true),
            None
        );
    }

    #[test]
    fn overlapping_fixes_are_left_for_the_next_pass() {
        use crate::rules::test_set;
        let r = "id: s\ncategory: unspecific\nmessage: m\nwhy: w\nsubstitution:\n  very good: fine\n  good team: crew\n";
        let set = test_set(&[r]);
        let out = fix_text(
            "A very good team.",
            Format::Markdown,
            &set,
            LintOptions::default(),
            false,
        );
        assert_eq!(out.text, "A fine team.");
        assert!(out.converged);
        // Asked to skip fixes, fixing still builds them.
        let skipping = LintOptions {
            skip_fixes: true,
            ..LintOptions::default()
        };
        let out = fix_text("A very good team.", Format::Markdown, &set, skipping, false);
        assert_eq!(out.text, "A fine team.");
    }

    #[test]
    fn a_changed_file_is_not_clobbered_and_a_failing_writer_leaves_the_original() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.md");
        std::fs::write(&path, "new content").unwrap();
        assert!(matches!(
            write_atomically(&path, b"old content", "fixed"),
            Err(WriteError::Changed)
        ));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new content");

        let failing = write_with(&path, b"new content", |_| {
            Err(std::io::Error::other("disk full"))
        });
        assert!(matches!(failing, Err(WriteError::Io(ref m)) if m == "disk full"));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new content");
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temporary file is left behind"
        );

        write_atomically(&path, b"new content", "fixed").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "fixed");
    }

    #[test]
    fn an_edit_made_while_the_fix_is_written_wins() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.md");
        std::fs::write(&path, "as read").unwrap();
        // The writer saves over the file while copylint writes its temp file.
        let result = write_with(&path, b"as read", |w| {
            std::fs::write(&path, "the writer's edit")?;
            w.write_all(b"fixed")
        });
        assert!(matches!(result, Err(WriteError::Changed)));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "the writer's edit");
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temporary file is left behind"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_symbolic_link_stays_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("target.md");
        let link = dir.path().join("link.md");
        std::fs::write(&target, "x").unwrap();
        std::os::unix::fs::symlink(&target, &link).unwrap();
        write_atomically(&link, b"x", "y").unwrap();
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "y");
    }

    #[cfg(unix)]
    #[test]
    fn hard_links_and_read_only_files_are_left_alone() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.md");
        std::fs::write(&path, "x").unwrap();
        std::fs::hard_link(&path, dir.path().join("b.md")).unwrap();
        assert!(matches!(
            write_atomically(&path, b"x", "y"),
            Err(WriteError::HardLinks(2))
        ));
        assert_eq!(
            std::fs::read_to_string(dir.path().join("b.md")).unwrap(),
            "x"
        );

        let ro = dir.path().join("ro.md");
        std::fs::write(&ro, "x").unwrap();
        std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o444)).unwrap();
        let result = write_atomically(&ro, b"x", "y");
        assert!(matches!(result, Err(WriteError::ReadOnly)));
        assert_eq!(std::fs::read_to_string(&ro).unwrap(), "x");
    }

    #[cfg(unix)]
    #[test]
    fn permissions_are_kept() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.md");
        std::fs::write(&path, "x").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        write_atomically(&path, b"x", "y").unwrap();
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o640
        );
    }
}
