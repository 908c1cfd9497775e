//! A report written where colors are off, stripped only when it has to be.

use std::io::{self, Write};

use anstream::StripStream;
use anstream::stream::AsLockedWrite;

/// Writes to `W` as `anstream`'s [`StripStream`] would (escape sequences
/// and control characters removed), without reading every byte through
/// its parser while nothing could be removed.
///
/// The renderers style nothing when colors are off, so a report holds
/// escape sequences or control characters only where a document put some
/// in a message; yet stripping parses every byte, half the time of writing
/// a concise report of one 10 MB file. Each write is passed on as is while
/// it holds no byte stripping could remove; from the first one that does,
/// everything goes through a stripping stream. Writes arrive whole
/// (`BufWriter` hands on its buffer, which holds whole strings), so the
/// stream starts between characters, where a parser that had read
/// everything before would be waiting for the next one.
#[derive(Debug)]
pub(super) enum Uncolored<W: Write + AsLockedWrite> {
    AsIs(W),
    Stripped(StripStream<W>),
    /// Never seen outside [`Uncolored::writer`]: the place of `W` while it
    /// moves into a stripping stream.
    Moving,
}

impl<W: Write + AsLockedWrite> Uncolored<W> {
    pub(super) fn new(out: W) -> Self {
        Uncolored::AsIs(out)
    }

    /// Where `buf` goes.
    fn writer(&mut self, buf: &[u8]) -> &mut dyn Write {
        if matches!(self, Uncolored::AsIs(_))
            && buf.iter().any(|&b| may_be_stripped(b))
            && let Uncolored::AsIs(out) = std::mem::replace(self, Uncolored::Moving)
        {
            *self = Uncolored::Stripped(StripStream::new(out));
        }
        match self {
            Uncolored::AsIs(out) => out,
            Uncolored::Stripped(out) => out,
            Uncolored::Moving => unreachable!("replaced above"),
        }
    }
}

/// Whether stripping may remove `byte`: ASCII control characters but tab,
/// line feed, form feed and carriage return (escape sequences start with
/// one), and delete. Characters beyond ASCII, the C1 controls among them,
/// are printed whole (the property test below holds this to `anstream`).
fn may_be_stripped(byte: u8) -> bool {
    match byte {
        b'\t' | b'\n' | 0x0C | b'\r' => false,
        0x00..=0x1F | 0x7F => true,
        _ => false,
    }
}

impl<W: Write + AsLockedWrite> Write for Uncolored<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.writer(buf).write(buf)
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.writer(buf).write_all(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Uncolored::AsIs(out) => out.flush(),
            Uncolored::Stripped(out) => out.flush(),
            Uncolored::Moving => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    proptest::proptest! {
        /// Whatever the report holds and however it is cut into writes, the
        /// output is what a stripping stream makes of it.
        #[test]
        fn writes_what_stripping_writes(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec![
                    "a", "Book a demo", " ", "\t", "\n", "\r\n", "\x0c", "é", "—", "“", "日本",
                    "🎉", "°", "£", "\u{85}", "\u{9b}31m", "\x1b[31m", "\x1b[0m", "\x1b]0;t\x07",
                    "\x07", "\x08", "\x0b", "\x7f", "\0", "[", "m", ";",
                ]),
                0..40,
            ),
            cuts in proptest::collection::vec(0usize..40, 0..6),
        ) {
            let mut writes: Vec<String> = Vec::new();
            let mut current = String::new();
            for (i, p) in pieces.iter().enumerate() {
                current.push_str(p);
                if cuts.contains(&i) {
                    writes.push(std::mem::take(&mut current));
                }
            }
            writes.push(current);

            let mut ours = Uncolored::new(Vec::new());
            let mut theirs = StripStream::new(Vec::new());
            for w in &writes {
                ours.write_all(w.as_bytes()).unwrap();
                theirs.write_all(w.as_bytes()).unwrap();
            }
            let ours = match ours {
                Uncolored::AsIs(out) => out,
                Uncolored::Stripped(out) => out.into_inner(),
                Uncolored::Moving => unreachable!(),
            };
            let theirs = theirs.into_inner();
            proptest::prop_assert_eq!(
                String::from_utf8_lossy(&ours),
                String::from_utf8_lossy(&theirs)
            );
        }
    }

    /// Clean text is passed on as is; the first escape switches to stripping
    /// for good.
    #[test]
    fn strips_from_the_first_write_that_needs_it() {
        let mut out = Uncolored::new(Vec::new());
        out.write_all(b"plain: caf\xc3\xa9\n").unwrap();
        assert!(matches!(out, Uncolored::AsIs(_)));
        out.write_all(b"\x1b[31mred\x1b[0m\n").unwrap();
        out.write_all(b"plain again\n").unwrap();
        let Uncolored::Stripped(stream) = out else {
            panic!("still as is");
        };
        assert_eq!(
            stream.into_inner(),
            b"plain: caf\xc3\xa9\nred\nplain again\n"
        );
    }
}
