//! Byte offsets → 1-based lines and columns, computed only for findings that
//! are reported. Columns count Unicode scalar values (`char`s); a line ends
//! at `\n`, `\r\n` or a lone `\r`; a leading byte-order mark is not a column.

use std::ops::Range;

/// The largest character boundary of `s` at or below `i`.
pub fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The smallest character boundary of `s` at or above `i` (its length at
/// most).
pub fn ceil_char_boundary(s: &str, i: usize) -> usize {
    let mut i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// Start offsets of every line of a source text.
#[derive(Clone, Debug)]
pub struct LineIndex {
    starts: Vec<usize>,
    /// The last position computed, `(offset, line index, column)`: findings
    /// come in order, so the next column is counted from here, not from the
    /// start of a long line.
    last: std::cell::Cell<(usize, usize, usize)>,
}

/// A 1-based line and column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl LineIndex {
    pub fn new(src: &str) -> Self {
        let bom = if src.starts_with('\u{FEFF}') { 3 } else { 0 };
        let mut starts = vec![bom];
        let bytes = src.as_bytes();
        // A `\r` before a `\n` ends nothing: the `\n` ends the line.
        starts.extend(
            memchr::memchr2_iter(b'\n', b'\r', &bytes[bom..])
                .map(|i| bom + i)
                .filter(|&i| bytes[i] == b'\n' || bytes.get(i + 1) != Some(&b'\n'))
                .map(|i| i + 1),
        );
        LineIndex {
            starts,
            last: std::cell::Cell::new((0, usize::MAX, 0)),
        }
    }

    /// 0-based index of the line containing `offset`.
    fn line_of(&self, offset: usize) -> usize {
        self.starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1)
    }

    /// The 1-based position of byte `offset` (clamped to char boundaries).
    pub fn position(&self, src: &str, offset: usize) -> Position {
        let offset = offset.min(src.len());
        let line = self.line_of(offset);
        let (last_offset, last_line, last_column) = self.last.get();
        // Counting from the last position asked for keeps a run of nearby
        // positions on one long line linear, in either direction.
        let column = if last_line == line && last_offset <= offset {
            last_column
                + src
                    .get(last_offset..offset)
                    .map_or(0, |s| s.chars().count())
        } else if last_line == line && offset - self.starts[line] > last_offset - offset {
            last_column
                - src
                    .get(offset..last_offset)
                    .map_or(0, |s| s.chars().count())
        } else {
            let start = self.starts[line].min(offset);
            src.get(start..offset).map_or(0, |s| s.chars().count()) + 1
        };
        self.last.set((offset, line, column));
        Position {
            line: line + 1,
            column,
        }
    }

    /// Byte range of 1-based `line`, without its terminator.
    pub fn line_range(&self, src: &str, line: usize) -> Range<usize> {
        let i = line.saturating_sub(1).min(self.starts.len() - 1);
        let start = self.starts[i];
        let mut end = self.starts.get(i + 1).copied().unwrap_or(src.len());
        let bytes = src.as_bytes();
        while end > start && matches!(bytes[end - 1], b'\n' | b'\r') {
            end -= 1;
        }
        start..end
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns() {
        let src = "ab\r\ncé d\re\n";
        let idx = LineIndex::new(src);
        assert_eq!(idx.position(src, 0), Position { line: 1, column: 1 });
        assert_eq!(idx.position(src, 4), Position { line: 2, column: 1 });
        let d = src.find('d').unwrap();
        assert_eq!(idx.position(src, d), Position { line: 2, column: 4 });
        let e = src.find('e').unwrap();
        assert_eq!(idx.position(src, e), Position { line: 3, column: 1 });
        assert_eq!(&src[idx.line_range(src, 2)], "cé d");
        assert_eq!(&src[idx.line_range(src, 1)], "ab");
    }

    #[test]
    fn positions_in_any_order_agree_with_counting_from_the_line_start() {
        let src = "aé b\ncdé f g\n";
        let idx = LineIndex::new(src);
        let offsets: Vec<usize> = src.char_indices().map(|(i, _)| i).collect();
        let fresh: Vec<Position> = offsets
            .iter()
            .map(|&o| LineIndex::new(src).position(src, o))
            .collect();
        let forward: Vec<Position> = offsets.iter().map(|&o| idx.position(src, o)).collect();
        let backward: Vec<Position> = offsets
            .iter()
            .rev()
            .map(|&o| idx.position(src, o))
            .collect();
        assert_eq!(forward, fresh);
        assert_eq!(backward.into_iter().rev().collect::<Vec<_>>(), fresh);
    }

    proptest::proptest! {
        /// Line starts agree with a byte-by-byte reading of the terminators.
        #[test]
        fn line_starts_agree_with_a_byte_loop(src in "(\\PC|[\r\n]){0,40}") {
            let bytes = src.as_bytes();
            let bom = if src.starts_with('\u{FEFF}') { 3 } else { 0 };
            let mut oracle = vec![bom];
            for i in bom..bytes.len() {
                let lone_cr = bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n');
                if bytes[i] == b'\n' || lone_cr {
                    oracle.push(i + 1);
                }
            }
            proptest::prop_assert_eq!(LineIndex::new(&src).starts, oracle);
        }
    }

    #[test]
    fn bom_is_not_a_column() {
        let src = "\u{FEFF}Hi";
        let idx = LineIndex::new(src);
        assert_eq!(idx.position(src, 3), Position { line: 1, column: 1 });
        assert_eq!(&src[idx.line_range(src, 1)], "Hi");
    }
}
