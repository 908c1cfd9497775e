//! Sentence segmentation over one block of lint text.
//!
//! Unicode sentence boundaries (UAX #29) do the heavy lifting; on top of them
//! we re-join the breaks that follow common abbreviations ("e.g.", "U.S.",
//! "Inc.", "Dr.") and initials ("J. Smith").

use std::ops::Range;
use unicode_segmentation::UnicodeSegmentation;

/// Abbreviations (lowercase, without the final period) after which a period
/// never ends a sentence.
const ABBREVIATIONS: &[&str] = &[
    "approx", "apr", "aug", "ave", "blvd", "calif", "cf", "co", "corp", "dec", "dept", "dr", "e.g",
    "eg", "est", "feb", "fig", "figs", "gen", "gov", "i.e", "ie", "inc", "jan", "jr", "jul", "jun",
    "lt", "ltd", "mr", "mrs", "ms", "mt", "nov", "oct", "p.m", "a.m", "ph.d", "prof", "rep", "rev",
    "sen", "sep", "sept", "sgt", "sr", "st", "u.k", "u.s", "u.s.a", "vs", "viz",
];

/// Abbreviations that only join when a number follows ("No. 5", "pp. 12").
const NUMBER_ABBREVIATIONS: &[&str] = &["no", "nos", "pp", "p", "vol", "ch", "sec", "art"];

/// Splits `text` (one block, whitespace already normalised) into sentence
/// ranges relative to `text`, trimmed of surrounding whitespace.
pub(crate) fn split(text: &str) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    let mut join_next = false;
    for (start, seg) in text.split_sentence_bound_indices() {
        let end = start + seg.len();
        if join_next {
            if let Some(last) = out.last_mut() {
                last.end = end;
            }
        } else {
            out.push(start..end);
        }
        let current = out.last().cloned().unwrap_or(start..end);
        let rest = &text[end..];
        join_next = !rest.is_empty() && ends_with_abbreviation(&text[current], rest);
    }
    out.into_iter()
        .flat_map(|r| split_before_numbers(text, r))
        .filter_map(|r| trim(text, r))
        .collect()
}

/// UAX #29 keeps "… evolving. 87% of graduates …" together because a
/// lowercase word follows the number; a terminator, a space and a digit
/// start a new sentence unless an abbreviation ("No. 5", "pp. 12") or a
/// number ("2. 3") precedes the terminator.
fn split_before_numbers(text: &str, r: Range<usize>) -> Vec<Range<usize>> {
    let s = &text[r.clone()];
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if !matches!(b, b'.' | b'!' | b'?') {
            continue;
        }
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
        let lower = token.to_ascii_lowercase();
        let numeric = token
            .chars()
            .next_back()
            .is_some_and(|c| c.is_ascii_digit());
        if token.is_empty()
            || numeric
            || NUMBER_ABBREVIATIONS.contains(&lower.as_str())
            || ABBREVIATIONS.contains(&lower.as_str())
        {
            continue;
        }
        out.push(r.start + start..r.start + j);
        start = k;
    }
    out.push(r.start + start..r.end);
    out
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
    let lower = token.to_ascii_lowercase();
    if ABBREVIATIONS.contains(&lower.as_str()) {
        return true;
    }
    // Dotted initialisms: "U.S", "e.g", "Ph.D", "a.m".
    if lower.contains('.')
        && lower
            .split('.')
            .all(|p| !p.is_empty() && p.chars().count() <= 2 && p.chars().all(char::is_alphabetic))
    {
        return true;
    }
    let next_is_digit = rest.trim_start().starts_with(|c: char| c.is_ascii_digit());
    next_is_digit && NUMBER_ABBREVIATIONS.contains(&lower.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

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
