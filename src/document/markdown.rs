//! Markdown → [`Document`], with `pulldown-cmark`'s offset iterator.

use std::ops::Range;

use pulldown_cmark::{Event, LinkType, Options, Parser, Tag, TagEnd};

use super::{BlockKind, DocBuilder, Document, Format, InlineKind};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Container {
    Paragraph,
    Heading(u8),
    Item,
    BlockQuote,
    TableCell,
    Link,
    Image,
    /// Code blocks, front matter, autolinks: nothing inside is prose.
    Skip,
    Inline,
    Other,
}

/// Alt text of an image, emitted as its own block after the enclosing one.
#[derive(Debug)]
struct AltText {
    parts: Vec<(Range<usize>, Option<String>)>,
    in_blockquote: bool,
    in_list_item: bool,
}

struct State<'s> {
    b: DocBuilder<'s>,
    stack: Vec<Container>,
    skip: usize,
    links: Vec<usize>,
    alts: Vec<AltText>,
}

pub(super) fn parse(source: &str, format: Format) -> Document<'_> {
    // A byte-order mark is not prose; parse after it and shift offsets back.
    let offset = if source.starts_with('\u{FEFF}') { 3 } else { 0 };
    let body = &source[offset..];
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS
        | Options::ENABLE_PLUSES_DELIMITED_METADATA_BLOCKS;
    let mut st = State {
        b: DocBuilder::new(source, format),
        stack: Vec::new(),
        skip: 0,
        links: Vec::new(),
        alts: Vec::new(),
    };
    for (event, range) in Parser::new_ext(body, options).into_offset_iter() {
        let range = range.start + offset..range.end + offset;
        st.event(event, range);
    }
    st.close_block();
    st.b.finish()
}

impl<'s> State<'s> {
    fn in_image(&self) -> bool {
        self.stack.last() == Some(&Container::Image)
    }

    fn has(&self, c: Container) -> bool {
        self.stack.contains(&c)
    }

    fn ensure_open(&mut self) {
        if self.b.is_open() {
            return;
        }
        let mut kind = BlockKind::Paragraph;
        for (i, c) in self.stack.iter().enumerate().rev() {
            kind = match c {
                Container::Heading(level) => BlockKind::Heading(*level),
                Container::TableCell => BlockKind::TableCell,
                Container::Item => BlockKind::ListItem,
                Container::Paragraph => {
                    if i > 0 && self.stack[i - 1] == Container::Item {
                        BlockKind::ListItem
                    } else {
                        BlockKind::Paragraph
                    }
                }
                _ => continue,
            };
            break;
        }
        let (bq, item) = (self.has(Container::BlockQuote), self.has(Container::Item));
        self.b.open(kind, bq, item);
    }

    fn close_block(&mut self) {
        self.b.close();
        for alt in std::mem::take(&mut self.alts) {
            self.b
                .open(BlockKind::ImageAlt, alt.in_blockquote, alt.in_list_item);
            for (src, decoded) in alt.parts {
                match decoded {
                    None => self.b.prose(src),
                    Some(text) => self.b.decoded(&text, src),
                }
            }
            self.b.close();
        }
    }

    fn start(&mut self, tag: Tag<'_>, range: Range<usize>) {
        let container = match tag {
            Tag::Paragraph => Container::Paragraph,
            Tag::Heading { level, .. } => Container::Heading(level as u8),
            Tag::BlockQuote(_) => Container::BlockQuote,
            Tag::Item => Container::Item,
            Tag::TableCell => Container::TableCell,
            Tag::CodeBlock(_) | Tag::MetadataBlock(_) => Container::Skip,
            Tag::HtmlBlock => {
                self.b.scan_comments(range);
                Container::Skip
            }
            Tag::Link {
                link_type: LinkType::Autolink | LinkType::Email,
                ..
            } => {
                if self.skip == 0 && !self.in_image() {
                    self.ensure_open();
                    self.b.inline_placeholder(InlineKind::Url, range);
                }
                Container::Skip
            }
            Tag::Link { .. } => {
                if self.b.is_open() {
                    self.b.tb.flush_space();
                }
                self.links.push(self.b.tb.len());
                Container::Link
            }
            Tag::Image { .. } => {
                self.alts.push(AltText {
                    parts: Vec::new(),
                    in_blockquote: self.has(Container::BlockQuote),
                    in_list_item: self.has(Container::Item),
                });
                Container::Image
            }
            Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::Superscript
            | Tag::Subscript => Container::Inline,
            _ => Container::Other,
        };
        match container {
            Container::Inline | Container::Link | Container::Image => {}
            Container::Skip
                if matches!(
                    self.stack.last(),
                    Some(
                        Container::Inline
                            | Container::Link
                            | Container::Paragraph
                            | Container::Heading(_)
                            | Container::TableCell
                    )
                ) && self.b.is_open() => {}
            _ => self.close_block(),
        }
        if container == Container::Skip {
            self.skip += 1;
        }
        self.stack.push(container);
    }

    fn end(&mut self, tag: TagEnd) {
        let container = self.stack.pop();
        match container {
            Some(Container::Skip) => self.skip = self.skip.saturating_sub(1),
            Some(Container::Link) => {
                if let Some(start) = self.links.pop() {
                    let end = self.b.tb.len();
                    if end > start && self.b.is_open() {
                        self.b.inlines.push(super::Inline {
                            kind: InlineKind::LinkText,
                            text: start..end,
                        });
                    }
                }
            }
            Some(Container::Inline | Container::Image) => {}
            _ => self.close_block(),
        }
        let _ = tag;
    }

    fn event(&mut self, event: Event<'_>, range: Range<usize>) {
        match event {
            Event::Start(tag) => self.start(tag, range),
            Event::End(tag) => self.end(tag),
            Event::Text(text) => {
                if self.in_image() {
                    let exact = text.as_ref() == &self.b.source[range.clone()];
                    if let Some(alt) = self.alts.last_mut() {
                        alt.parts.push((range, (!exact).then(|| text.to_string())));
                    }
                } else if self.skip == 0 {
                    self.ensure_open();
                    if text.as_ref() == &self.b.source[range.clone()] {
                        self.b.prose(range);
                    } else {
                        self.b.decoded(&text, range);
                    }
                }
            }
            Event::Code(_) | Event::InlineMath(_) | Event::DisplayMath(_) => {
                if self.skip == 0 && !self.in_image() {
                    self.ensure_open();
                    self.b.inline_placeholder(InlineKind::Code, range);
                }
            }
            Event::FootnoteReference(_) => {
                if self.skip == 0 && !self.in_image() {
                    self.ensure_open();
                    self.b.inline_placeholder(InlineKind::Footnote, range);
                }
            }
            Event::InlineHtml(_) => self.b.scan_comments(range),
            Event::Html(_) => {}
            Event::SoftBreak | Event::HardBreak => {
                if self.skip == 0 && !self.in_image() {
                    self.b.space(range);
                }
            }
            Event::Rule => self.close_block(),
            Event::TaskListMarker(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{BlockKind, Document, Format, InlineKind, Scope};

    fn doc(src: &str) -> Document<'_> {
        Document::parse(src, Format::Markdown)
    }

    fn blocks(d: &Document<'_>) -> Vec<(BlockKind, String)> {
        d.blocks()
            .iter()
            .map(|b| (b.kind, d.text()[b.text.clone()].to_string()))
            .collect()
    }

    #[test]
    fn code_html_and_front_matter_are_not_prose() {
        let src = "---\ntitle: World-class\n---\n\n# Title\n\nBook a `demo` now.\n\n```\nbook a demo\n```\n\n<div>\nbook a demo\n</div>\n\n    indented code\n\nEnd <span>inline</span> here.\n";
        let d = doc(src);
        assert_eq!(
            blocks(&d),
            vec![
                (BlockKind::Heading(1), "Title".into()),
                (BlockKind::Paragraph, "Book a \u{FFFC} now.".into()),
                (BlockKind::Paragraph, "End inline here.".into()),
            ]
        );
        assert!(!d.text().contains("World-class"));
        assert!(!d.text().contains("book a demo"));
        assert_eq!(d.inlines()[0].kind, InlineKind::Code);
    }

    #[test]
    fn toml_front_matter_is_skipped() {
        let d = doc("+++\ntitle = \"cutting-edge\"\n+++\n\nHello.\n");
        assert_eq!(blocks(&d), vec![(BlockKind::Paragraph, "Hello.".into())]);
    }

    #[test]
    fn offsets_map_back_exactly_through_markup_and_line_breaks() {
        let src = "> Contact **our\n> team** today.\n";
        let d = doc(src);
        assert_eq!(d.text(), "Contact our team today.\n");
        let at = d.text().find("our team").unwrap();
        let r = d.map().range(at..at + 8);
        assert_eq!(&src[r], "our\n> team");
        assert!(d.blocks()[0].in_blockquote);
        assert!(d.in_scope(at, Scope::Blockquote));
    }

    #[test]
    fn nested_lists_give_list_item_blocks() {
        let src = "- one\n  - two\n    - three\n- four\n\n  second paragraph\n";
        let d = doc(src);
        let b = blocks(&d);
        assert_eq!(
            b,
            vec![
                (BlockKind::ListItem, "one".into()),
                (BlockKind::ListItem, "two".into()),
                (BlockKind::ListItem, "three".into()),
                (BlockKind::ListItem, "four".into()),
                (BlockKind::ListItem, "second paragraph".into()),
            ]
        );
        assert!(d.blocks().iter().all(|b| b.in_list_item));
    }

    #[test]
    fn links_keep_text_and_drop_destinations() {
        let src = "Read [our guide](https://example.com/world-class) or <https://example.com>.\n";
        let d = doc(src);
        assert_eq!(d.text(), "Read our guide or \u{FFFC}.\n");
        let link = d
            .inlines()
            .iter()
            .find(|i| i.kind == InlineKind::LinkText)
            .unwrap();
        assert_eq!(&d.text()[link.text.clone()], "our guide");
        let at = d.text().find("guide").unwrap();
        assert!(d.in_scope(at, Scope::LinkText));
        assert!(!d.in_scope(0, Scope::LinkText));
    }

    #[test]
    fn image_alt_text_is_its_own_block() {
        let src = "Our ![a world-class team](team.png) photo.\n";
        let d = doc(src);
        assert_eq!(
            blocks(&d),
            vec![
                (BlockKind::Paragraph, "Our photo.".into()),
                (BlockKind::ImageAlt, "a world-class team".into()),
            ]
        );
    }

    #[test]
    fn tables_give_cells() {
        let src = "| Plan | Price |\n|---|---|\n| Pro | world-class |\n";
        let d = doc(src);
        let kinds: Vec<_> = blocks(&d).into_iter().collect();
        assert_eq!(kinds.len(), 4);
        assert!(kinds.iter().all(|(k, _)| *k == BlockKind::TableCell));
        assert_eq!(kinds[3].1, "world-class");
    }

    #[test]
    fn crlf_and_bom_keep_offsets() {
        let src = "\u{FEFF}# Title\r\n\r\nBook a\r\ndemo.\r\n";
        let d = doc(src);
        assert_eq!(blocks(&d)[0], (BlockKind::Heading(1), "Title".into()));
        assert_eq!(blocks(&d)[1], (BlockKind::Paragraph, "Book a demo.".into()));
        let at = d.text().find("Book").unwrap();
        let r = d.map().range(at..at + "Book a demo".len());
        assert_eq!(&src[r], "Book a\r\ndemo");
    }

    #[test]
    fn comments_are_collected_from_blocks_and_inline_html() {
        let src =
            "<!-- copylint-disable cta -->\n\nText <!-- copylint-disable-next-line --> more.\n";
        let d = doc(src);
        let bodies: Vec<_> = d.comments().iter().map(|r| &src[r.clone()]).collect();
        assert_eq!(
            bodies,
            vec![
                "<!-- copylint-disable cta -->",
                "<!-- copylint-disable-next-line -->"
            ]
        );
    }

    #[test]
    fn entities_and_escapes_map_to_their_source() {
        let src = "AT&amp;T \\*really\\* grew.\n";
        let d = doc(src);
        assert_eq!(d.text(), "AT&T *really* grew.\n");
        let at = d.text().find("AT&T").unwrap();
        assert_eq!(&src[d.map().range(at..at + 4)], "AT&amp;T");
    }

    #[test]
    fn deep_nesting_does_not_recurse() {
        let src = "> ".repeat(5000) + "deep text\n";
        let d = doc(&src);
        assert_eq!(d.text(), "deep text\n");
    }

    #[test]
    fn unclosed_fence_hides_the_rest() {
        let d = doc("Intro.\n\n```\nbook a demo\n");
        assert_eq!(d.text(), "Intro.\n");
    }

    #[test]
    fn sentences_are_ranges_inside_blocks() {
        let d = doc("First one. Second one.\n\n- Item here.\n");
        let s: Vec<_> = d
            .sentences()
            .iter()
            .map(|s| (&d.text()[s.text.clone()], s.block))
            .collect();
        assert_eq!(
            s,
            vec![("First one.", 0), ("Second one.", 0), ("Item here.", 1)]
        );
    }

    #[test]
    fn mdx_esm_lines_are_not_prose() {
        let d = Document::parse(
            "import X from 'https://x.test/ours'\n\nHello there.\n\nexport const you = 1\n",
            Format::Mdx,
        );
        assert_eq!(d.blocks().len(), 1);
        // Left out of the lint text altogether, with their inline pieces.
        assert_eq!(d.text(), "Hello there.\n");
        assert!(d.inlines().is_empty(), "{:?}", d.inlines());
        let hello = d.source().find("Hello").unwrap();
        assert_eq!(d.map().range(0..5), hello..hello + 5);
    }
}
