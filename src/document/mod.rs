//! The document model.
//!
//! A [`Document`] owns nothing but borrows the source text; it knows which
//! byte ranges are prose, groups them into [`Block`]s with a scope (heading,
//! paragraph, list item, table cell, image alt text), splits blocks into
//! [`Sentence`]s, and keeps the normalised *lint text* the matchers run over
//! (see [`text`]). Every range a rule reports is mapped back to exact source
//! bytes; line and column are computed only by the renderers.

mod markdown;
mod plain;
mod sentence;

/// Splits one block of lint text into sentence ranges (see
/// [`Document::sentences`] for the sentences of a parsed document).
pub fn split_sentences(text: &str) -> Vec<std::ops::Range<usize>> {
    sentence::split(text)
}
pub mod text;

use std::ops::Range;
use std::path::Path;
use std::sync::OnceLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

pub use text::SourceMap;
use text::TextBuilder;

/// How a file is parsed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// CommonMark with GitHub tables, footnotes, strikethrough, task lists and
    /// YAML (`---`) / TOML (`+++`) front matter.
    Markdown,
    /// Markdown plus MDX: top-level `import`/`export` lines are not prose.
    Mdx,
    /// Plain text: blank-line separated paragraphs.
    Plain,
}

impl Format {
    /// Picks the parser from a file name: `.md`, `.markdown`, `.mdx` and
    /// friends are Markdown, everything else is plain text.
    pub fn from_path(path: &Path) -> Format {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("md" | "markdown" | "mdown" | "mkd" | "mkdn") => Format::Markdown,
            Some("mdx") => Format::Mdx,
            _ => Format::Plain,
        }
    }
}

/// Where a piece of prose sits in the document; rules may restrict themselves
/// to some scopes with `scope:`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scope {
    /// Any heading.
    Heading,
    #[serde(rename = "heading-1")]
    Heading1,
    #[serde(rename = "heading-2")]
    Heading2,
    #[serde(rename = "heading-3")]
    Heading3,
    #[serde(rename = "heading-4")]
    Heading4,
    #[serde(rename = "heading-5")]
    Heading5,
    #[serde(rename = "heading-6")]
    Heading6,
    /// A paragraph outside lists (plain-text paragraphs too).
    Paragraph,
    /// Text inside a list item, at any depth.
    ListItem,
    /// Text inside a blockquote, at any depth.
    Blockquote,
    TableCell,
    /// The text of a link (never its destination).
    LinkText,
    /// The alt text of an image.
    ImageAlt,
}

/// The leaf container a block of prose comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlockKind {
    Heading(u8),
    Paragraph,
    ListItem,
    TableCell,
    ImageAlt,
}

impl BlockKind {
    /// Human name used in messages ("paragraph", "list item").
    pub fn name(self) -> &'static str {
        match self {
            BlockKind::Heading(_) => "heading",
            BlockKind::Paragraph => "paragraph",
            BlockKind::ListItem => "list item",
            BlockKind::TableCell => "table cell",
            BlockKind::ImageAlt => "image alt text",
        }
    }
}

/// A run of prose that is read as one unit: a paragraph, a heading, the text
/// of a list item, a table cell, an image's alt text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Block {
    pub kind: BlockKind,
    pub in_blockquote: bool,
    pub in_list_item: bool,
    /// Range in the lint text.
    pub text: Range<usize>,
    /// Range in the source, from the first prose byte to the last.
    pub source: Range<usize>,
    /// Indexes into [`Document::sentences`].
    pub sentences: Range<usize>,
}

impl Block {
    /// Whether this block is in `scope`.
    pub fn in_scope(&self, scope: Scope) -> bool {
        match scope {
            Scope::Heading => matches!(self.kind, BlockKind::Heading(_)),
            Scope::Heading1 => self.kind == BlockKind::Heading(1),
            Scope::Heading2 => self.kind == BlockKind::Heading(2),
            Scope::Heading3 => self.kind == BlockKind::Heading(3),
            Scope::Heading4 => self.kind == BlockKind::Heading(4),
            Scope::Heading5 => self.kind == BlockKind::Heading(5),
            Scope::Heading6 => self.kind == BlockKind::Heading(6),
            Scope::Paragraph => self.kind == BlockKind::Paragraph,
            Scope::ListItem => self.kind == BlockKind::ListItem || self.in_list_item,
            Scope::Blockquote => self.in_blockquote,
            Scope::TableCell => self.kind == BlockKind::TableCell,
            Scope::ImageAlt => self.kind == BlockKind::ImageAlt,
            Scope::LinkText => false,
        }
    }
}

/// A sentence: a range of the lint text inside one block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sentence {
    pub text: Range<usize>,
    pub block: usize,
}

/// Inline spans that matter to rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InlineKind {
    /// The text of a link.
    LinkText,
    /// An inline code span (a placeholder in the lint text).
    Code,
    /// A bare URL, autolink or e-mail address (a placeholder in the lint text).
    Url,
    /// A footnote reference (a placeholder in the lint text).
    Footnote,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inline {
    pub kind: InlineKind,
    /// Range in the lint text.
    pub text: Range<usize>,
}

/// A parsed document.
#[derive(Debug)]
pub struct Document<'s> {
    source: &'s str,
    format: Format,
    text: String,
    map: SourceMap,
    blocks: Vec<Block>,
    sentences: Vec<Sentence>,
    inlines: Vec<Inline>,
    comments: Vec<Range<usize>>,
}

impl<'s> Document<'s> {
    /// Parses `source` as `format`.
    pub fn parse(source: &'s str, format: Format) -> Self {
        match format {
            Format::Markdown | Format::Mdx => markdown::parse(source, format),
            Format::Plain => plain::parse(source),
        }
    }

    pub fn source(&self) -> &'s str {
        self.source
    }

    pub fn format(&self) -> Format {
        self.format
    }

    /// The normalised lint text (see [`text`]).
    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn map(&self) -> &SourceMap {
        &self.map
    }

    pub fn blocks(&self) -> &[Block] {
        &self.blocks
    }

    pub fn sentences(&self) -> &[Sentence] {
        &self.sentences
    }

    pub fn inlines(&self) -> &[Inline] {
        &self.inlines
    }

    /// Source ranges of HTML comments (`<!-- … -->`), where suppression
    /// directives live.
    pub fn comments(&self) -> &[Range<usize>] {
        &self.comments
    }

    /// Index of the block containing lint-text offset `pos`.
    pub fn block_at(&self, pos: usize) -> Option<usize> {
        let i = self
            .blocks
            .partition_point(|b| b.text.start <= pos)
            .checked_sub(1)?;
        (pos < self.blocks[i].text.end).then_some(i)
    }

    /// Index of the sentence containing lint-text offset `pos`.
    pub fn sentence_at(&self, pos: usize) -> Option<usize> {
        let i = self
            .sentences
            .partition_point(|s| s.text.start <= pos)
            .checked_sub(1)?;
        (pos < self.sentences[i].text.end).then_some(i)
    }

    /// Whether lint-text offset `pos` lies inside `scope`.
    pub fn in_scope(&self, pos: usize, scope: Scope) -> bool {
        if scope == Scope::LinkText {
            return self
                .inlines
                .iter()
                .any(|i| i.kind == InlineKind::LinkText && i.text.contains(&pos));
        }
        self.block_at(pos)
            .is_some_and(|b| self.blocks[b].in_scope(scope))
    }
}

/// Shared state of the Markdown and plain-text parsers.
struct DocBuilder<'s> {
    source: &'s str,
    format: Format,
    tb: TextBuilder<'s>,
    blocks: Vec<Block>,
    sentences: Vec<Sentence>,
    inlines: Vec<Inline>,
    comments: Vec<Range<usize>>,
    open: Option<OpenBlock>,
    /// The sentences of the block being closed, and the splitter's buffers.
    block_sentences: Vec<Range<usize>>,
    sentence_scratch: sentence::Scratch,
}

#[derive(Debug)]
struct OpenBlock {
    kind: BlockKind,
    in_blockquote: bool,
    in_list_item: bool,
    source: Option<Range<usize>>,
}

fn url_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        #[allow(clippy::unwrap_used)] // a constant pattern, covered by tests
        Regex::new(
            r#"(?i)\b(?:(?:https?|ftp)://|www\.)[^\s<>"'\[\]{}]*[^\s<>"'\[\]{}.,;:!?)]|\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\b[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:com|org|net|io|co|ai|app|dev|uk|de|fr|eu|us|ca|au|nl|se|no|dk|fi|es|it|ch|at|be|ie|nz|in|info|biz|me|tv|studio|agency|shop|store|blog|site|online|tech|cloud|news|xyz)(?:/[^\s<>"'\[\]{}]*[^\s<>"'\[\]{}.,;:!?)])?\b"#,
        )
        .unwrap()
    })
}

impl<'s> DocBuilder<'s> {
    fn new(source: &'s str, format: Format) -> Self {
        Self {
            source,
            format,
            tb: TextBuilder::new(source),
            blocks: Vec::new(),
            sentences: Vec::new(),
            inlines: Vec::new(),
            comments: Vec::new(),
            open: None,
            block_sentences: Vec::new(),
            sentence_scratch: sentence::Scratch::default(),
        }
    }

    fn is_open(&self) -> bool {
        self.open.is_some()
    }

    fn open(&mut self, kind: BlockKind, in_blockquote: bool, in_list_item: bool) {
        if self.open.is_none() {
            self.open = Some(OpenBlock {
                kind,
                in_blockquote,
                in_list_item,
                source: None,
            });
        }
    }

    fn touch(&mut self, src: &Range<usize>) {
        if let Some(open) = &mut self.open {
            open.source = Some(match open.source.take() {
                Some(r) => r.start.min(src.start)..r.end.max(src.end),
                None => src.clone(),
            });
        }
    }

    /// Prose from the source; bare URLs and e-mail addresses inside it become
    /// placeholders.
    fn prose(&mut self, src: Range<usize>) {
        self.touch(&src);
        let s = &self.source[src.clone()];
        // Cheap pre-check: a scheme, an address, or a dot glued to a letter
        // ("example.com"); most prose has none and skips the regex.
        let bytes = s.as_bytes();
        let may_have_url = memchr::memchr3_iter(b'.', b'@', b':', bytes).any(|i| match bytes[i] {
            b'@' => true,
            b':' => bytes[i + 1..].starts_with(b"//"),
            _ => bytes.get(i + 1).is_some_and(u8::is_ascii_alphanumeric),
        });
        if !may_have_url {
            self.tb.source_text(src);
            return;
        }
        let mut at = 0;
        for m in url_regex().find_iter(s) {
            self.tb.source_text(src.start + at..src.start + m.start());
            self.inline_placeholder(InlineKind::Url, src.start + m.start()..src.start + m.end());
            at = m.end();
        }
        self.tb.source_text(src.start + at..src.end);
    }

    /// Text that differs from its source bytes (an entity or escape).
    fn decoded(&mut self, content: &str, src: Range<usize>) {
        self.touch(&src);
        self.tb.decoded_text(content, src);
    }

    fn space(&mut self, src: Range<usize>) {
        if self.is_open() {
            self.tb.space(src);
        }
    }

    fn inline_placeholder(&mut self, kind: InlineKind, src: Range<usize>) {
        self.touch(&src);
        let text = self.tb.placeholder(src);
        self.inlines.push(Inline { kind, text });
    }

    fn close(&mut self) {
        let Some(open) = self.open.take() else {
            return;
        };
        let src_end = open.source.as_ref().map_or(0, |r| r.end);
        let text = self.tb.end_block(src_end);
        let Some(source) = open.source else {
            return;
        };
        if text.is_empty() {
            return;
        }
        let content = &self.tb.text()[text.clone()];
        if self.format == Format::Mdx
            && !open.in_list_item
            && !open.in_blockquote
            && (content.starts_with("import ") || content.starts_with("export "))
        {
            // Not prose: no matcher or class may see it.
            self.tb.discard_block(text.start);
            self.inlines.retain(|i| i.text.start < text.start);
            return;
        }
        let block = self.blocks.len();
        let first = self.sentences.len();
        self.block_sentences.clear();
        sentence::split_into(
            content,
            &mut self.sentence_scratch,
            &mut self.block_sentences,
        );
        for r in &self.block_sentences {
            self.sentences.push(Sentence {
                text: text.start + r.start..text.start + r.end,
                block,
            });
        }
        self.blocks.push(Block {
            kind: open.kind,
            in_blockquote: open.in_blockquote,
            in_list_item: open.in_list_item,
            text,
            source,
            sentences: first..self.sentences.len(),
        });
    }

    /// Records every `<!-- … -->` inside `src` as a comment.
    fn scan_comments(&mut self, src: Range<usize>) {
        let s = &self.source[src.clone()];
        let mut at = 0;
        while let Some(open) = s[at..].find("<!--") {
            let start = at + open;
            let Some(close) = s[start + 4..].find("-->") else {
                break;
            };
            let end = start + 4 + close + 3;
            self.comments.push(src.start + start..src.start + end);
            at = end;
        }
    }

    fn finish(mut self) -> Document<'s> {
        self.close();
        self.inlines.sort_by_key(|i| i.text.start);
        let (text, map) = self.tb.finish();
        Document {
            source: self.source,
            format: self.format,
            text,
            map,
            blocks: self.blocks,
            sentences: self.sentences,
            inlines: self.inlines,
            comments: self.comments,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_from_extension() {
        assert_eq!(Format::from_path(Path::new("a/b.md")), Format::Markdown);
        assert_eq!(Format::from_path(Path::new("B.MARKDOWN")), Format::Markdown);
        assert_eq!(Format::from_path(Path::new("x.mdx")), Format::Mdx);
        assert_eq!(Format::from_path(Path::new("notes.txt")), Format::Plain);
        assert_eq!(Format::from_path(Path::new("README")), Format::Plain);
    }

    #[test]
    fn bare_urls_and_emails_are_not_prose() {
        let doc = Document::parse(
            "Visit https://example.com/a?b=1, or mail sales@example.com today.",
            Format::Plain,
        );
        assert_eq!(doc.text(), "Visit \u{FFFC}, or mail \u{FFFC} today.\n");
        assert_eq!(doc.inlines().len(), 2);
        assert!(doc.inlines().iter().all(|i| i.kind == InlineKind::Url));
        let bare = Document::parse(
            "Go to shop.example.co.uk/spring or ledger.io now; see Node.js and e.g. U.S. docs.",
            Format::Plain,
        );
        assert_eq!(
            bare.text(),
            "Go to \u{FFFC} or \u{FFFC} now; see Node.js and e.g. U.S. docs.\n"
        );
    }
}
