//! The normalised *lint text* of a document and its map back to source bytes.
//!
//! Matchers (one Aho-Corasick automaton for the phrases, one regex set for
//! every pattern and the shortest phrases) run over a single buffer per
//! document in which
//!
//! * only prose is present (code, HTML, front matter and URLs are left out or
//!   replaced by [`PLACEHOLDER`]),
//! * every run of whitespace, including line breaks and blockquote markers
//!   between the lines of one paragraph, is one ASCII space,
//! * curly quotes are straight quotes,
//! * blocks are separated by `\n`, so no phrase can span two blocks.
//!
//! This is what makes phrases tolerant of line breaks and inline markup
//! (`Book a **demo**` matches `book a demo`) while every finding still maps back
//! to exact byte offsets in the original source through [`SourceMap`].

use std::ops::Range;

/// Stands in for inline code and bare URLs inside a sentence: it is neither a
/// word character nor whitespace, so it breaks phrases without joining words.
pub const PLACEHOLDER: char = '\u{FFFC}';

/// How one source character appears in the lint text. The same table
/// normalises rule phrases, so that phrases and text always agree.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Norm {
    /// Copied as is.
    Keep,
    /// Part of a whitespace run (one space in the lint text).
    Space,
    /// Replaced (curly quotes become straight) or dropped (`""`, for
    /// zero-width characters and soft hyphens).
    Replace(&'static str),
}

pub(crate) fn normalize_char(c: char) -> Norm {
    match c {
        '\u{2018}' | '\u{2019}' | '\u{201B}' | '\u{2032}' => Norm::Replace("'"),
        '\u{201C}' | '\u{201D}' | '\u{201F}' | '\u{2033}' => Norm::Replace("\""),
        '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}' => {
            Norm::Replace("")
        }
        c if c.is_whitespace() => Norm::Space,
        _ => Norm::Keep,
    }
}

/// Whether `source` is exactly `lint` once normalised: no markup, code,
/// link destination or HTML inside, only prose and whitespace.
pub(crate) fn is_plain(source: &str, lint: &str) -> bool {
    // Most spans are printable ASCII with single spaces, copied as they are:
    // the loop below would keep every byte.
    let bytes = source.as_bytes();
    if source == lint
        && bytes.iter().all(|b| (b' '..=b'~').contains(b))
        && !bytes.windows(2).any(|w| w == b"  ")
    {
        return true;
    }
    plain_by_chars(source, lint)
}

/// [`is_plain`], character by character.
fn plain_by_chars(source: &str, lint: &str) -> bool {
    let mut lint = lint.chars().peekable();
    let mut in_space = false;
    for c in source.chars() {
        match normalize_char(c) {
            Norm::Keep => {
                in_space = false;
                if lint.next() != Some(c) {
                    return false;
                }
            }
            Norm::Space => {
                if !in_space && lint.next() != Some(' ') {
                    return false;
                }
                in_space = true;
            }
            Norm::Replace(s) => {
                in_space = false;
                for r in s.chars() {
                    if lint.next() != Some(r) {
                        return false;
                    }
                }
            }
        }
    }
    lint.peek().is_none()
}

/// One run of lint text and the source bytes it came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Piece {
    /// Offset of the run in the lint text.
    text: usize,
    /// Source range of the run.
    src: usize,
    src_end: usize,
    /// `true` when the run is a byte-for-byte copy of the source, so offsets
    /// inside it map one to one; otherwise the whole run maps to `src..src_end`.
    exact: bool,
}

/// Maps offsets in the lint text back to byte offsets in the source.
#[derive(Clone, Debug, Default)]
pub struct SourceMap {
    pieces: Vec<Piece>,
}

impl SourceMap {
    fn piece_containing(&self, pos: usize) -> Option<&Piece> {
        let idx = self.pieces.partition_point(|p| p.text <= pos);
        idx.checked_sub(1).map(|i| &self.pieces[i])
    }

    /// Source offset of a range that starts at `pos` in the lint text.
    pub fn start(&self, pos: usize) -> usize {
        start_in(self.piece_containing(pos), pos)
    }

    /// Source offset (exclusive) of a range that ends at `pos` in the lint text.
    pub fn end(&self, pos: usize) -> usize {
        if pos == 0 {
            return self.pieces.first().map_or(0, |p| p.src);
        }
        end_in(self.piece_containing(pos - 1), pos)
    }

    /// Source range of a lint-text range.
    pub fn range(&self, r: Range<usize>) -> Range<usize> {
        let start = self.start(r.start);
        let end = self.end(r.end).max(start);
        start..end
    }

    /// A [`range`](Self::range) for many ranges in text order: each lookup
    /// walks on from the last instead of searching all the pieces.
    pub(crate) fn cursor(&self) -> Cursor<'_> {
        Cursor { map: self, next: 0 }
    }

    /// Source ranges copied verbatim into the lint text, in order (adjacent
    /// runs from one text event are already merged).
    pub fn prose_ranges(&self) -> impl Iterator<Item = Range<usize>> + '_ {
        self.pieces
            .iter()
            .filter(|p| p.exact && p.src_end > p.src)
            .map(|p| p.src..p.src_end)
    }
}

fn start_in(piece: Option<&Piece>, pos: usize) -> usize {
    match piece {
        Some(p) if p.exact => p.src + (pos - p.text),
        Some(p) => p.src,
        None => 0,
    }
}

fn end_in(piece: Option<&Piece>, pos: usize) -> usize {
    match piece {
        Some(p) if p.exact => p.src + (pos - p.text),
        Some(p) => p.src_end,
        None => 0,
    }
}

/// See [`SourceMap::cursor`]. Any order of lookups gives the answers of
/// [`SourceMap::range`]; text order makes them cheap.
pub(crate) struct Cursor<'m> {
    map: &'m SourceMap,
    /// The first piece past the last offset looked up.
    next: usize,
}

impl Cursor<'_> {
    /// [`SourceMap::range`].
    pub(crate) fn range(&mut self, r: Range<usize>) -> Range<usize> {
        let start = start_in(self.piece_containing(r.start), r.start);
        let end = match r.end.checked_sub(1) {
            Some(last) => end_in(self.piece_containing(last), r.end),
            None => self.map.end(0),
        };
        start..end.max(start)
    }

    fn piece_containing(&mut self, pos: usize) -> Option<&Piece> {
        let pieces = &self.map.pieces;
        if self.next > 0 && pieces[self.next - 1].text > pos {
            // Backwards: search.
            self.next = pieces.partition_point(|p| p.text <= pos);
        } else {
            while pieces.get(self.next).is_some_and(|p| p.text <= pos) {
                self.next += 1;
            }
        }
        self.next.checked_sub(1).map(|i| &pieces[i])
    }
}

/// Builds the lint text block by block.
#[derive(Debug)]
pub(crate) struct TextBuilder<'s> {
    source: &'s str,
    text: String,
    pieces: Vec<Piece>,
    /// A whitespace run seen since the last content, emitted lazily so that
    /// blocks never start or end with a space.
    pending_space: Option<Range<usize>>,
    block_start: usize,
}

/// A one in each byte of a word; the high bit of each byte.
const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// The eight bytes of `bytes` from `i` as one word (the first in the
/// lowest byte), if there are eight.
#[inline]
pub(crate) fn word_at(bytes: &[u8], i: usize) -> Option<u64> {
    let chunk = bytes.get(i..i.checked_add(8)?)?;
    <[u8; 8]>::try_from(chunk).ok().map(u64::from_le_bytes)
}

/// Whether the loop in [`TextBuilder::normalised`] would skip all eight
/// bytes of `x` byte by byte, checked at once: printable ASCII and
/// spaces, no two spaces together and none at either end (so each space has
/// a printable character on both sides within the eight).
#[inline]
fn plain_chunk(x: u64) -> bool {
    // Exactly the bytes equal to a space.
    let t = x ^ (0x20 * ONES);
    let spaces = !(((t & !HIGH) + !HIGH) | t) & HIGH;
    !outside_space_to_tilde(x) && spaces & (spaces >> 8) == 0 && spaces & (0x80 | 0x80 << 56) == 0
}

/// Whether any of the eight bytes of `x` lies outside `' '..='~'`
/// (printable ASCII and the space).
#[inline]
pub(crate) fn outside_space_to_tilde(x: u64) -> bool {
    let low = x & !HIGH;
    // High bit of each byte: set where the byte is from 0x80 up, below
    // 0x20 (`low - 0x20` borrows, which `| HIGH` keeps inside the byte),
    // or 0x7F (`low + 1` carries into it).
    (x | !((low | HIGH) - 0x20 * ONES) | (low + ONES)) & HIGH != 0
}

impl<'s> TextBuilder<'s> {
    pub fn new(source: &'s str) -> Self {
        Self {
            source,
            text: String::with_capacity(source.len()),
            pieces: Vec::new(),
            pending_space: None,
            block_start: 0,
        }
    }

    pub fn len(&self) -> usize {
        self.text.len()
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    fn push_piece(&mut self, s: &str, src: Range<usize>, exact: bool) {
        if s.is_empty() {
            return;
        }
        let text = self.text.len();
        match self.pieces.last_mut() {
            Some(last)
                if exact && last.exact && last.src_end == src.start && last.src_end > last.src =>
            {
                last.src_end = src.end;
            }
            _ => self.pieces.push(Piece {
                text,
                src: src.start,
                src_end: src.end,
                exact,
            }),
        }
        self.text.push_str(s);
    }

    pub fn flush_space(&mut self) {
        if let Some(range) = self.pending_space.take()
            && self.text.len() > self.block_start
        {
            let exact = &self.source[range.clone()] == " ";
            self.push_piece(" ", range, exact);
        }
    }

    /// Records whitespace (a line break, a run of spaces) at `src`.
    pub fn space(&mut self, src: Range<usize>) {
        match &mut self.pending_space {
            Some(r) => {
                r.start = r.start.min(src.start);
                r.end = r.end.max(src.end);
            }
            None => self.pending_space = Some(src),
        }
    }

    /// Appends the source bytes `src` as prose, normalising whitespace and quotes.
    pub fn source_text(&mut self, src: Range<usize>) {
        let s = self.source;
        self.normalised(&s[src.clone()], src.start, None);
    }

    /// Appends `content` (text that differs from its source, such as a decoded
    /// entity); the whole of it maps to `src`.
    pub fn decoded_text(&mut self, content: &str, src: Range<usize>) {
        self.normalised(content, src.start, Some(src));
    }

    /// Appends a placeholder for a non-prose span inside a sentence.
    pub fn placeholder(&mut self, src: Range<usize>) -> Range<usize> {
        self.flush_space();
        let start = self.text.len();
        let mut buf = [0u8; 4];
        self.push_piece(PLACEHOLDER.encode_utf8(&mut buf), src, false);
        start..self.text.len()
    }

    /// `base` is the source offset of `content` when it is a verbatim slice;
    /// `inexact` maps everything to one range when it is not.
    ///
    /// Most prose is printable ASCII with single spaces between words, which
    /// is its own lint text: those bytes are skipped over without decoding,
    /// and only the others (a space that starts, ends or doubles a
    /// whitespace run, a line break, any non-ASCII character) are looked at
    /// one character at a time.
    fn normalised(&mut self, content: &str, base: usize, inexact: Option<Range<usize>>) {
        let bytes = content.as_bytes();
        let printable = |b: u8| (b'!'..=b'~').contains(&b);
        let mut run_start = 0;
        let mut i = 0;
        while i < bytes.len() {
            if word_at(bytes, i).is_some_and(plain_chunk) {
                i += 8;
                continue;
            }
            let b = bytes[i];
            // A single space between two printable characters.
            if printable(b)
                || b == b' '
                    && i > 0
                    && printable(bytes[i - 1])
                    && bytes.get(i + 1).is_some_and(|&n| printable(n))
            {
                i += 1;
                continue;
            }
            let Some(c) = content[i..].chars().next() else {
                break;
            };
            let replacement = match normalize_char(c) {
                Norm::Keep => {
                    i += c.len_utf8();
                    continue;
                }
                Norm::Replace(rep) => Some(rep),
                Norm::Space => None,
            };
            // Flush the verbatim run before `i`.
            self.verbatim(content, run_start..i, base, &inexact);
            let len = c.len_utf8();
            match replacement {
                Some(rep) => {
                    if !rep.is_empty() {
                        self.flush_space();
                    }
                    let src = inexact.clone().unwrap_or(base + i..base + i + len);
                    self.push_piece(rep, src, false);
                    run_start = i + len;
                }
                None => {
                    let mut end = i + len;
                    for d in content[end..].chars() {
                        if !d.is_whitespace() {
                            break;
                        }
                        end += d.len_utf8();
                    }
                    let src = inexact.clone().unwrap_or(base + i..base + end);
                    self.space(src);
                    run_start = end;
                }
            }
            i = run_start;
        }
        self.verbatim(content, run_start..content.len(), base, &inexact);
    }

    fn verbatim(
        &mut self,
        content: &str,
        r: Range<usize>,
        base: usize,
        inexact: &Option<Range<usize>>,
    ) {
        if r.is_empty() {
            return;
        }
        self.flush_space();
        match inexact {
            Some(src) => self.push_piece(&content[r], src.clone(), false),
            None => self.push_piece(&content[r.clone()], base + r.start..base + r.end, true),
        }
    }

    /// Ends the current block: drops trailing whitespace and appends the block
    /// separator. Returns the lint-text range of the finished block.
    pub fn end_block(&mut self, src_end: usize) -> Range<usize> {
        self.pending_space = None;
        let range = self.block_start..self.text.len();
        if !range.is_empty() {
            self.push_piece("\n", src_end..src_end, false);
        }
        self.block_start = self.text.len();
        range
    }

    /// Drops the block that started at `start` (returned by
    /// [`end_block`](Self::end_block)) and its separator: text that turned
    /// out not to be prose.
    pub fn discard_block(&mut self, start: usize) {
        self.text.truncate(start);
        // A block's first piece never merges into the previous block's
        // separator, so its pieces are exactly those from `start` on.
        self.pieces.retain(|p| p.text < start);
        self.pending_space = None;
        self.block_start = start;
    }

    pub fn finish(self) -> (String, SourceMap) {
        (
            self.text,
            SourceMap {
                pieces: self.pieces,
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn build(source: &str) -> (String, SourceMap) {
        let mut b = TextBuilder::new(source);
        b.source_text(0..source.len());
        b.end_block(source.len());
        b.finish()
    }

    /// The lint text of one block, char by char: whitespace runs (with
    /// dropped characters inside them) become one space, none at the edges.
    fn oracle(source: &str) -> String {
        let mut out = String::new();
        let mut pending = false;
        for c in source.chars() {
            let piece = match normalize_char(c) {
                Norm::Space => {
                    pending = true;
                    continue;
                }
                Norm::Replace("") => continue,
                Norm::Replace(s) => s.to_string(),
                Norm::Keep => c.to_string(),
            };
            if pending && !out.is_empty() {
                out.push(' ');
            }
            pending = false;
            out.push_str(&piece);
        }
        out
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 2048, ..Default::default() })]

        /// The fast path over plain ASCII and the character-by-character
        /// path build the same lint text, and every word maps back to
        /// source bytes that normalise to it.
        #[test]
        fn lint_text_matches_the_character_rules(
            src in "[a-c .,\\n\\t\\r]{0,30}|([ab ]|\\u{2019}|\\u{200B}|\\u{A0}|\\u{2003}|é|\\n){0,30}|(?s).{0,30}"
        ) {
            let (text, map) = build(&src);
            let expected = oracle(&src);
            let body = text.strip_suffix('\n').unwrap_or(&text);
            proptest::prop_assert_eq!(body, expected.as_str());
            let mut at = 0;
            for word in body.split(' ') {
                let r = at..at + word.len();
                at = r.end + 1;
                if word.is_empty() {
                    continue;
                }
                proptest::prop_assert_eq!(oracle(&src[map.range(r)]), word);
            }
        }
    }

    proptest::proptest! {
        /// The ASCII shortcut answers as the character loop does.
        #[test]
        fn plain_spans_are_found_as_the_character_loop_finds_them(
            source in "[a-c .,\\n\\t*]{0,12}|(?s).{0,12}",
            lint in "[a-c .,]{0,12}",
            same in proptest::bool::ANY,
        ) {
            let lint = if same { source.as_str() } else { lint.as_str() };
            proptest::prop_assert_eq!(is_plain(&source, lint), plain_by_chars(&source, lint));
        }
    }

    proptest::proptest! {
        /// A cursor answers as the map does, whichever way the lookups go.
        #[test]
        fn a_cursor_maps_ranges_as_the_map_does(
            words in proptest::collection::vec(
                proptest::sample::select(vec![
                    "a", "*b*", "`c`", "&amp;", "[d](https://e.test)", "\u{2019}", "  ", "\n", "\n\n",
                    "- ", "<f>", "\u{200B}", "é",
                ]),
                0..40,
            ),
            ranges in proptest::collection::vec((0usize..200, 0usize..20), 0..30),
            sorted in proptest::bool::ANY,
        ) {
            let src = words.join(" ");
            let doc = crate::Document::parse(&src, crate::Format::Markdown);
            let len = doc.text().len();
            let mut ranges: Vec<Range<usize>> = ranges
                .into_iter()
                .map(|(a, n)| a.min(len)..(a + n).min(len))
                .collect();
            if sorted {
                ranges.sort_by_key(|r| r.start);
            }
            let mut cursor = doc.map().cursor();
            for r in ranges {
                proptest::prop_assert_eq!(cursor.range(r.clone()), doc.map().range(r));
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 4096, ..Default::default() })]

        /// The eight-byte check agrees with the byte loop it stands for.
        #[test]
        fn plain_chunks_are_what_the_byte_loop_skips(
            chunk in proptest::collection::vec(
                proptest::prop_oneof![
                    8 => proptest::sample::select(b" a.~!".to_vec()),
                    1 => proptest::sample::select(b"\x7f\x1f\x20\x80\xff\n\t".to_vec()),
                    1 => proptest::num::u8::ANY,
                ],
                8,
            )
        ) {
            let printable = |b: u8| (b'!'..=b'~').contains(&b);
            let skipped = (0..8).all(|i| {
                printable(chunk[i])
                    || chunk[i] == b' '
                        && i > 0
                        && printable(chunk[i - 1])
                        && i < 7
                        && printable(chunk[i + 1])
            });
            proptest::prop_assert_eq!(word_at(&chunk, 0).is_some_and(plain_chunk), skipped);
        }

        /// Long plain runs (read eight bytes at a time) build the lint text
        /// the character rules give.
        #[test]
        fn long_runs_match_the_character_rules(
            src in "([a-z]{1,9}[ .,]|  |\\n|\u{2019}|\u{A0}){0,40}"
        ) {
            let (text, _) = build(&src);
            let body = text.strip_suffix('\n').unwrap_or(&text);
            let expected = oracle(&src);
            proptest::prop_assert_eq!(body, expected.as_str());
        }
    }

    #[test]
    fn every_byte_at_every_place_is_classed_as_printable_or_not() {
        for b in 0..=u8::MAX {
            for at in 0..8 {
                let mut chunk = [b'a'; 8];
                chunk[at] = b;
                // Neighbours that sit at the edges of the ranges.
                chunk[(at + 1) % 8] = if b % 2 == 0 { b' ' } else { b'~' };
                let x = u64::from_le_bytes(chunk);
                assert_eq!(
                    outside_space_to_tilde(x),
                    !(b' '..=b'~').contains(&b),
                    "byte {b:#04x} at {at}"
                );
            }
        }
    }

    #[test]
    fn plain_spans_have_no_markup() {
        assert!(is_plain("Book a\n  demo.", "Book a demo."));
        assert!(is_plain("\u{2019}tis", "'tis"));
        assert!(!is_plain("Book a **demo**.", "Book a demo."));
        assert!(!is_plain("[Book](https://x.test) now.", "Book now."));
        assert!(!is_plain("Book a\n> demo.", "Book a demo."));
        assert!(!is_plain("Book", "Book a"));
        // Equal, but the lint text never holds two spaces together.
        assert!(!is_plain("Book  a", "Book  a"));
    }

    #[test]
    fn whitespace_runs_collapse_and_map_back() {
        let src = "Book  a\n   demo today";
        let (text, map) = build(src);
        assert_eq!(text, "Book a demo today\n");
        let at = text.find("demo").unwrap();
        assert_eq!(&src[map.range(at..at + 4)], "demo");
        assert_eq!(&src[map.range(0..11)], "Book  a\n   demo");
    }

    #[test]
    fn curly_quotes_become_straight_and_map_to_the_whole_char() {
        let src = "we\u{2019}re \u{201C}best\u{201D}";
        let (text, map) = build(src);
        assert_eq!(text, "we're \"best\"\n");
        assert_eq!(&src[map.range(0..5)], "we\u{2019}re");
        let q = text.find('"').unwrap();
        assert_eq!(&src[map.range(q..q + 6)], "\u{201C}best\u{201D}");
    }

    #[test]
    fn leading_and_trailing_space_is_dropped_per_block() {
        let src = "  hello  ";
        let (text, _) = build(src);
        assert_eq!(text, "hello\n");
    }

    #[test]
    fn pieces_from_separate_events_join_with_one_space() {
        let src = "one\ntwo";
        let mut b = TextBuilder::new(src);
        b.source_text(0..3);
        b.space(3..4);
        b.source_text(4..7);
        b.end_block(7);
        let (text, map) = b.finish();
        assert_eq!(text, "one two\n");
        assert_eq!(map.range(0..7), 0..7);
    }

    #[test]
    fn decoded_text_maps_to_its_whole_source_range() {
        let src = "AT&amp;T";
        let mut b = TextBuilder::new(src);
        b.source_text(0..2);
        b.decoded_text("&", 2..7);
        b.source_text(7..8);
        b.end_block(8);
        let (text, map) = b.finish();
        assert_eq!(text, "AT&T\n");
        assert_eq!(map.range(0..4), 0..8);
        assert_eq!(map.range(2..3), 2..7);
    }
}
