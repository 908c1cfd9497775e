//! Plain text → [`Document`]: blank-line separated paragraphs.

use super::{BlockKind, DocBuilder, Document, Format};

pub(super) fn parse(source: &str) -> Document<'_> {
    let mut b = DocBuilder::new(source, Format::Plain);
    let start = if source.starts_with('\u{FEFF}') { 3 } else { 0 };
    b.scan_comments(start..source.len());
    let comments = b.comments.clone();
    let mut next_comment = 0;
    let mut at = start;
    while at < source.len() {
        let rest = &source[at..];
        let line_len = rest.find(['\n', '\r']).unwrap_or(rest.len());
        let line = at..at + line_len;
        let mut term = line.end;
        if source[term..].starts_with("\r\n") {
            term += 2;
        } else if term < source.len() {
            term += 1;
        }
        if source[line.clone()].trim().is_empty() {
            b.close();
        } else {
            // Split the line around comments, which are never prose.
            let mut pos = line.start;
            while pos < line.end {
                while next_comment < comments.len() && comments[next_comment].end <= pos {
                    next_comment += 1;
                }
                let (text_end, skip_to) = match comments.get(next_comment) {
                    Some(c) if c.start < line.end => (c.start.max(pos), c.end),
                    _ => (line.end, line.end),
                };
                if !source[pos..text_end].trim().is_empty() {
                    b.open(BlockKind::Paragraph, false, false);
                    b.prose(pos..text_end);
                }
                if skip_to > text_end {
                    b.space(text_end..text_end);
                }
                pos = skip_to.max(text_end);
            }
            if line.end < term {
                b.space(line.end..term);
            }
        }
        at = term.max(at + 1);
        // A comment spanning lines: jump past it.
        if let Some(c) = comments.get(next_comment)
            && c.start < at
            && c.end > at
        {
            at = c.end;
        }
    }
    b.finish()
}

#[cfg(test)]
mod tests {
    use super::super::{BlockKind, Document, Format};

    #[test]
    fn paragraphs_split_on_blank_lines() {
        let src = "First line\nwraps here.\n\n  \nSecond para.\r\n\r\nThird.";
        let d = Document::parse(src, Format::Plain);
        let blocks: Vec<_> = d
            .blocks()
            .iter()
            .map(|b| &d.text()[b.text.clone()])
            .collect();
        assert_eq!(
            blocks,
            vec!["First line wraps here.", "Second para.", "Third."]
        );
        assert!(d.blocks().iter().all(|b| b.kind == BlockKind::Paragraph));
        let at = d.text().find("line wraps").unwrap();
        assert_eq!(&src[d.map().range(at..at + 10)], "line\nwraps");
    }

    #[test]
    fn lone_cr_is_a_line_break() {
        let d = Document::parse("one\rtwo\r\rthree", Format::Plain);
        let blocks: Vec<_> = d
            .blocks()
            .iter()
            .map(|b| &d.text()[b.text.clone()])
            .collect();
        assert_eq!(blocks, vec!["one two", "three"]);
    }

    #[test]
    fn comments_are_not_prose_but_are_recorded() {
        let src = "<!-- copylint-disable cta -->\nBook a demo <!-- note\nspanning --> today.\n";
        let d = Document::parse(src, Format::Plain);
        assert_eq!(d.text(), "Book a demo today.\n");
        assert_eq!(d.comments().len(), 2);
    }

    #[test]
    fn empty_and_whitespace_documents_have_no_blocks() {
        assert!(Document::parse("", Format::Plain).blocks().is_empty());
        assert!(
            Document::parse(" \n\t\n", Format::Plain)
                .blocks()
                .is_empty()
        );
        assert!(
            Document::parse("\u{FEFF}", Format::Plain)
                .blocks()
                .is_empty()
        );
    }
}
