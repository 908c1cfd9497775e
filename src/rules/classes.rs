//! Built-in classes of evidence and specifics: dates, figures, owners,
//! mechanisms, proper nouns, quotes, links, code, citations, and the persons
//! a sentence speaks as or to.
//!
//! A class is named in YAML wherever a list name is accepted
//! (`none: [number]`, `evidence: [date, owner]`). Each class finds ranges in
//! one sentence (or, for classes whose hits can span sentences, one block)
//! of a document's lint text at a time; the engine computes a class only
//! for the sentences or blocks where an active rule asks for it, and at most
//! once for each.

use std::ops::Range;
use std::sync::OnceLock;

use rayon::prelude::*;
use regex::Regex;

use crate::document::{Document, InlineKind};
use crate::rules::compile::ascii_word_boundaries;

/// A built-in class.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Class {
    Date,
    Number,
    Owner,
    Mechanism,
    ProperNoun,
    Name,
    Quote,
    Link,
    Code,
    Citation,
    You,
    We,
    I,
}

impl Class {
    pub const ALL: [Class; 13] = [
        Class::Date,
        Class::Number,
        Class::Owner,
        Class::Mechanism,
        Class::ProperNoun,
        Class::Name,
        Class::Quote,
        Class::Link,
        Class::Code,
        Class::Citation,
        Class::You,
        Class::We,
        Class::I,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Class::Date => "date",
            Class::Number => "number",
            Class::Owner => "owner",
            Class::Mechanism => "mechanism",
            Class::ProperNoun => "proper-noun",
            Class::Name => "name",
            Class::Quote => "quote",
            Class::Link => "link",
            Class::Code => "code",
            Class::Citation => "citation",
            Class::You => "you",
            Class::We => "we",
            Class::I => "i",
        }
    }

    /// Whether the class is found sentence by sentence rather than block by
    /// block: its hits never span two sentences. Quotes can ("\"We ship. You
    /// wait.\""), and so can dates ("Mar. 5": the segmenter breaks before a
    /// number after a word it does not know as an abbreviation) and
    /// citations ("(Smith et al. 2020)"); the classes read from inline markup
    /// are cheap per block.
    pub(crate) const fn per_sentence(self) -> bool {
        !matches!(
            self,
            Class::Quote | Class::Date | Class::Link | Class::Code | Class::Citation
        )
    }

    /// A rank of what finding the class in a sentence or block costs the
    /// first time (measured on the benchmark corpus: inline spans are
    /// looked up, the person classes are a word scan, dates a large
    /// regex over whole blocks); 0 is cheapest.
    pub(crate) const fn cost(self) -> u8 {
        match self {
            Class::Link | Class::Code => 0,
            Class::You | Class::We | Class::I | Class::Citation => 1,
            Class::Number => 2,
            Class::Name | Class::Mechanism | Class::ProperNoun => 3,
            Class::Quote => 4,
            Class::Owner => 5,
            Class::Date => 6,
        }
    }

    pub fn from_name(name: &str) -> Option<Class> {
        Class::ALL.into_iter().find(|c| c.name() == name)
    }

    /// How the class is named when it is missing ("no date, figure, owner or mechanism").
    pub fn noun(self) -> &'static str {
        match self {
            Class::Number => "figure",
            Class::ProperNoun => "name",
            Class::Name => "name",
            Class::Quote => "quote",
            Class::You => "address to the reader",
            Class::We | Class::I => "first-person speaker",
            other => other.name(),
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            Class::Date => {
                "dates and deadlines: month names, years, quarters, ISO dates, weekdays, \"next week\", \"by the end of\", \"every quarter\""
            }
            Class::Number => {
                "figures: digits, percentages, currency amounts, spelled-out numbers (two, dozen, million)"
            }
            Class::Owner => {
                "owners: roles (CEO, director, committee, board), \"the <name> team\", and multi-word capitalised names"
            }
            Class::Mechanism => {
                "mechanisms: a concrete action verb (publish, release, launch, audit, hire, fund, report, track …) with an object"
            }
            Class::ProperNoun => {
                "capitalised words that do not start a sentence (names, products, places, acronyms)"
            }
            Class::Name => {
                "names of people and bodies: runs of two or more capitalised words (\"Erin Meyer\", \"Board of Directors\") not introduced by a determiner"
            }
            Class::Quote => {
                "quoted speech of three or more characters and attribution verbs (said, according to)"
            }
            Class::Link => "link text, bare URLs and e-mail addresses",
            Class::Code => "inline code spans",
            Class::Citation => {
                "footnote references, [3]-style markers and (Author, 2020)-style references"
            }
            Class::You => "you, your, yours, yourself",
            Class::We => "we, our, ours, us",
            Class::I => "I, me, my, mine (the author speaking for themselves)",
        }
    }
}

/// Compiles a class pattern once, with ASCII word boundaries (see
/// [`ascii_word_boundaries`]: a Unicode `\b` sends the regex engine to its
/// slowest mode on any non-ASCII text). `pattern` is called only the first
/// time: the patterns built with `format!` are not rebuilt on every call.
fn compiled<P: AsRef<str>>(
    cell: &'static OnceLock<Regex>,
    pattern: impl FnOnce() -> P,
) -> &'static Regex {
    cell.get_or_init(|| {
        #[allow(clippy::unwrap_used)] // constant patterns, each exercised by the tests below
        Regex::new(&ascii_word_boundaries(pattern().as_ref())).unwrap()
    })
}

const SPELLED_NUMBERS: &str = "two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|million|billion|trillion|dozen|half|twice|double|triple|quadruple";

fn number_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    compiled(&RE, || {
        format!(r"(?i)[$€£¥]\s?\d|\d+(?:[.,:]\d+)*(?:\s?%)?|\b(?:{SPELLED_NUMBERS})\b")
    })
}

/// Figures, minus numbers that are part of a name or version ("Windows 11",
/// "Flowdesk 2.0", "version 3"): a number right after a capitalised word
/// that does not start its sentence, or after "version"/"v".
fn numbers(text: &str, within: Range<usize>, sentence_starts: &[usize]) -> Vec<Range<usize>> {
    matches_in(number_re(), text, within)
        .filter(|m| unicode_bounded(text, m))
        .filter(|m| {
            let before = &text[..m.start];
            // A rank is no figure: "#1", "the No. 1 app", "number 1"; but
            // "No." that is a sentence of its own answers a question ("Is
            // it slow? No. 98% finish in a minute").
            let ends_with = |suffix: &str| {
                before
                    .len()
                    .checked_sub(suffix.len())
                    .and_then(|at| before.get(at..))
                    .is_some_and(|tail| tail.eq_ignore_ascii_case(suffix))
            };
            let rank_no =
                ends_with("no. ") && sentence_starts.binary_search(&(m.start - 4)).is_err();
            if before.ends_with('#') || rank_no || ends_with("number ") {
                return false;
            }
            if before.ends_with(['v', 'V']) && !before.ends_with(char::is_whitespace) {
                let b = before.trim_end_matches(['v', 'V']);
                if b.is_empty() || b.ends_with(|c: char| !c.is_alphanumeric()) {
                    return false;
                }
            }
            let Some(prev) = before.strip_suffix(' ') else {
                return true;
            };
            let word_start = prev
                .rfind(|c: char| !(c.is_alphanumeric() || c == '-' || c == '.'))
                .map_or(0, |i| {
                    i + prev[i..].chars().next().map_or(1, char::len_utf8)
                });
            let word = &prev[word_start..];
            if word.eq_ignore_ascii_case("version") || word.eq_ignore_ascii_case("release") {
                return false;
            }
            let named = word.starts_with(char::is_uppercase)
                && sentence_starts.binary_search(&word_start).is_err();
            !named || text[m.clone()].contains('%')
        })
        .collect()
}

fn date_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    compiled(&RE, || {
        format!(
            r"(?x)
            \b(?:January|February|March|April|May|June|July|August|September|October|November|December)\b
            | \b(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?\s\d
            | \b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b
            | \b[QH][1-4]\b
            | (?i:
                \b\d{{4}}-\d{{2}}-\d{{2}}\b
              | \b\d{{1,2}}/\d{{1,2}}/\d{{2,4}}\b
              | \b(?:first|second|third|fourth|last|next|this)\s(?:quarter|half)\b
              | \b(?:next|this|coming|following)\s(?:week|month|year|quarter|spring|summer|fall|autumn|winter|season)\b
              | \bby\s(?:the\s)?end\sof\b
              | \b(?:tomorrow|tonight|deadline|due\sdate)\b
              | \b(?:each|every|per)\s(?:day|week|month|quarter|year)\b
              | \b(?:daily|weekly|monthly|quarterly|annually|yearly|biweekly|fortnightly|biannually)\b
              | \b(?:within|in|after|for|every)\s(?:the\s)?(?:next\s|first\s|last\s)?(?:\d+|{SPELLED_NUMBERS}|one)\s(?:hours?|days?|weeks?|months?|years?)\b
            )
            | \b(?:19|20)\d{{2}}s?\b"
        )
    })
}

fn owner_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    compiled(&RE, || {
        r"(?x)
        \b(?:CEO|CTO|CFO|COO|CMO|CIO|CISO|CPO|VP|SVP|EVP)\b
        | (?i:
            \b(?:founder|co-founder|director|manager|officer|chair|chairman|chairwoman|chairperson|president|ombudsman|ombudsperson|head\sof\s\w+|board\sof\s(?:directors|trustees)|steering\s(?:group|committee)|working\sgroup|task\sforce|committee)\b
          | \b(?:the|our|its|their|a)\s(?:[\w-]+\s){1,2}(?:team|department|committee|board|office|council|unit|division)\b
        )"
    })
}

/// Concrete actions, as `base 3rd-person past -ing` (multi-word verbs use `_`
/// for the space inside one form).
const MECHANISM_VERBS: &[&str] = &[
    "publish publishes published publishing",
    "release releases released releasing",
    "ship ships shipped shipping",
    "launch launches launched launching",
    "open-source open-sources open-sourced open-sourcing",
    "fund funds funded funding",
    "hire hires hired hiring",
    "audit audits audited auditing",
    "report reports reported reporting",
    "issue issues issued issuing",
    "track tracks tracked tracking",
    "measure measures measured measuring",
    "monitor monitors monitored monitoring",
    "survey surveys surveyed surveying",
    "offset offsets offset offsetting",
    "train trains trained training",
    "certify certifies certified certifying",
    "deploy deploys deployed deploying",
    "install installs installed installing",
    "replace replaces replaced replacing",
    "phase_out phases_out phased_out phasing_out",
    "switch switches switched switching",
    "require requires required requiring",
    "send sends sent sending",
    "disclose discloses disclosed disclosing",
    "submit submits submitted submitting",
    "notify notifies notified notifying",
    "call calls called calling",
    "email emails emailed emailing",
    "appoint appoints appointed appointing",
    "allocate allocates allocated allocating",
    "establish establishes established establishing",
    "introduce introduces introduced introducing",
    "implement implements implemented implementing",
    "roll_out rolls_out rolled_out rolling_out",
    "set_up sets_up set_up setting_up",
    "sign signs signed signing",
    "commission commissions commissioned commissioning",
    "verify verifies verified verifying",
    "inspect inspects inspected inspecting",
    "assess assesses assessed assessing",
    "review reviews reviewed reviewing",
    "test tests tested testing",
    "benchmark benchmarks benchmarked benchmarking",
    "document documents documented documenting",
    "refund refunds refunded refunding",
    "recycle recycles recycled recycling",
    "eliminate eliminates eliminated eliminating",
    "ban bans banned banning",
    "remove removes removed removing",
    "schedule schedules scheduled scheduling",
    "post posts posted posting",
    "update updates updated updating",
    "reschedule reschedules rescheduled rescheduling",
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Form {
    /// Base or third-person form: doubles as a noun ("issues", "reports").
    Finite,
    Past,
    Gerund,
}

/// Every inflected form of the mechanism verbs, and which form it is.
fn mechanism_forms() -> &'static std::collections::HashMap<String, Form> {
    static FORMS: OnceLock<std::collections::HashMap<String, Form>> = OnceLock::new();
    FORMS.get_or_init(|| {
        let mut map = std::collections::HashMap::new();
        for entry in MECHANISM_VERBS {
            for (i, form) in entry.split(' ').enumerate() {
                let kind = match i {
                    0 | 1 => Form::Finite,
                    2 => Form::Past,
                    _ => Form::Gerund,
                };
                map.entry(form.replace('_', " ")).or_insert(kind);
            }
        }
        map
    })
}

fn mechanism_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        let mut forms: Vec<String> = mechanism_forms()
            .keys()
            .map(|f| regex::escape(f).replace(' ', r"\s"))
            .collect();
        forms.sort_by_key(|f| std::cmp::Reverse(f.len()));
        let pattern = format!(r"(?i)\b(?:{})\b", forms.join("|"));
        #[allow(clippy::unwrap_used)] // built from constants; exercised by tests
        Regex::new(&ascii_word_boundaries(&pattern)).unwrap()
    })
}

/// Words after which a base form is a verb ("we publish", "will publish").
const SUBJECTS_AND_AUXILIARIES: &[&str] = &[
    "we",
    "i",
    "they",
    "it",
    "he",
    "she",
    "who",
    "which",
    "that",
    "will",
    "shall",
    "must",
    "to",
    "then",
    "also",
    "already",
    "now",
    "currently",
    "regularly",
    "publicly",
    "each",
    "annually",
    "quarterly",
    "monthly",
    "weekly",
    "can",
    "should",
    "would",
    "could",
    "may",
    "ll",
    "d",
];

/// Words after which an -ing form is a verb ("by publishing", "are publishing").
const GERUND_CONTEXT: &[&str] = &[
    "by",
    "through",
    "via",
    "are",
    "is",
    "am",
    "was",
    "were",
    "be",
    "been",
    "re",
    "m",
    "start",
    "started",
    "begin",
    "began",
    "keep",
    "continue",
    "continues",
    "include",
    "includes",
    "currently",
    "now",
    "already",
];

fn previous_word(text: &str, at: usize) -> Option<String> {
    let before = text[..at].trim_end();
    let word = before
        .rsplit(|c: char| !(c.is_alphanumeric() || c == '-'))
        .next()?;
    (!word.is_empty()).then(|| word.to_lowercase())
}

/// What follows a mechanism verb: an object, perhaps after a preposition.
fn object_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    compiled(
        &RE,
        || r"(?i)^\s(?:(?:to|for|on|with|about|in|by)\s)?[\w$£€\u{FFFC}]",
    )
}

/// Concrete actions: a mechanism verb, used as a verb (judged by the word
/// before it), followed by an object.
fn mechanisms(text: &str, within: Range<usize>) -> Vec<Range<usize>> {
    let object = object_re();
    let forms = mechanism_forms();
    matches_in(mechanism_re(), text, within)
        .filter(|verb| unicode_bounded(text, verb))
        .filter(|verb| object.is_match(&text[verb.end..]))
        .filter_map(|verb| {
            let normalised: String = text[verb.clone()]
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .to_lowercase();
            let form = *forms.get(&normalised)?;
            let prev = previous_word(text, verb.start);
            let ok = match form {
                Form::Finite => prev
                    .as_deref()
                    .is_some_and(|w| SUBJECTS_AND_AUXILIARIES.contains(&w)),
                Form::Past => prev.as_deref().is_none_or(|w| !DETERMINERS.contains(&w)),
                Form::Gerund => prev.as_deref().is_some_and(|w| {
                    GERUND_CONTEXT.contains(&w) || SUBJECTS_AND_AUXILIARIES.contains(&w)
                }),
            };
            ok.then_some(verb)
        })
        .collect()
}

fn proper_noun_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    // No `\b`: an ASCII one would miss "Élodie"; the start of the word is
    // checked in `capitalised_words`.
    compiled(&RE, || r"\p{Lu}[\p{L}\p{N}&'-]*")
}

/// Capitalised words in `text[within]`: a capital that starts a word, and
/// the rest of it.
fn capitalised_words(text: &str, within: Range<usize>) -> impl Iterator<Item = Range<usize>> + '_ {
    matches_in(proper_noun_re(), text, within).filter(move |m| {
        text[..m.start]
            .chars()
            .next_back()
            .is_none_or(|c| !(c.is_alphanumeric() || c == '_'))
    })
}

fn quote_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    compiled(
        &RE,
        || r#""[^"\n]{3,}"|(?i)\b(?:said|says|told|according\sto|explained|wrote|writes|stated)\b"#,
    )
}

fn citation_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    compiled(
        &RE,
        || r"\[\d+(?:\s?[,–-]\s?\d+)*\]|\((?:[\p{Lu}][\p{L}-]+(?:\set\sal\.)?(?:\s(?:and|&)\s[\p{Lu}][\p{L}-]+)?,?\s)?(?:19|20)\d{2}[a-z]?\)",
    )
}

fn you_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    compiled(&RE, || format!(r"(?i)\b(?:{})\b", YOU_WORDS.join("|")))
}

fn i_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    compiled(&RE, || format!(r"\bI\b|(?i:\b(?:{})\b)", I_WORDS.join("|")))
}

fn we_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    compiled(&RE, || format!(r"(?i)\b(?:{})\b", WE_WORDS.join("|")))
}

/// The only characters outside ASCII that case-insensitive matching
/// takes for ASCII letters: the long s (`s`) and the Kelvin sign (`k`).
/// A test holds the list to the regex engine's case folding.
const FOLDS_TO_ASCII: [char; 2] = ['\u{17F}', '\u{212A}'];

/// The words of [`you_re`] (lowercase, as [`person_hits`] compares them).
const YOU_WORDS: &[&str] = &["you", "your", "yours", "yourself", "yourselves"];
/// The words of [`we_re`].
const WE_WORDS: &[&str] = &["we", "our", "ours", "ourselves", "us"];
/// The words of [`i_re`] but its capital `I`, which matches in that case
/// only.
const I_WORDS: &[&str] = &["me", "my", "mine", "myself"];

/// The hits of a person class's regex `re` (a list of `words` between
/// ASCII word boundaries, any case, and with `capital_i` the word `I`).
/// A match is a whole run of ASCII word characters (every other character
/// is a non-word one to an ASCII boundary), so the runs are compared with
/// the list; the regex reads text with a character that Unicode case
/// folding matches to an ASCII letter (see [`FOLDS_TO_ASCII`]). Called
/// for most sentences: the regex's per-search set-up cost more than the
/// reading.
fn person_hits(
    re: &Regex,
    words: &[&str],
    capital_i: bool,
    text: &str,
    within: Range<usize>,
) -> Vec<Range<usize>> {
    let s = &text.as_bytes()[within.clone()];
    if !s.is_ascii() && text[within.clone()].contains(FOLDS_TO_ASCII) {
        return regex_hits(re, text, within);
    }
    let is_word = |b: &u8| b.is_ascii_alphanumeric() || *b == b'_';
    let mut out = Vec::new();
    let mut i = 0;
    while i < s.len() {
        if !is_word(&s[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < s.len() && is_word(&s[i]) {
            i += 1;
        }
        let run = &s[start..i];
        if (capital_i && run == b"I")
            || words.iter().any(|w| run.eq_ignore_ascii_case(w.as_bytes()))
        {
            out.push(within.start + start..within.start + i);
        }
    }
    // Unicode word boundaries: a hit beside a letter outside ASCII, inside
    // `within` or around it, is inside a word.
    out.retain(|r| unicode_bounded(text, r));
    out
}

/// Compiles every class regex now (each compiles on first use otherwise):
/// the rule compiler calls it beside its own patterns, on rayon's pool, so
/// that a large document's first rules do not wait for them. Every
/// function above that returns a class regex belongs in this list.
pub(crate) fn compile_all() {
    let all: [fn() -> &'static Regex; 11] = [
        object_re,
        number_re,
        date_re,
        owner_re,
        mechanism_re,
        proper_noun_re,
        quote_re,
        citation_re,
        you_re,
        i_re,
        we_re,
    ];
    all.into_par_iter().for_each(|re| {
        re();
    });
}

/// The matches of `re` in `text[within]`, as ranges of `text`.
fn matches_in<'t>(
    re: &'t Regex,
    text: &'t str,
    within: Range<usize>,
) -> impl Iterator<Item = Range<usize>> + 't {
    re.find_iter(&text[within.clone()])
        .map(move |m| within.start + m.start()..within.start + m.end())
}

fn regex_hits(re: &Regex, text: &str, within: Range<usize>) -> Vec<Range<usize>> {
    matches_in(re, text, within)
        .filter(|r| unicode_bounded(text, r))
        .collect()
}

/// Class regexes use ASCII word boundaries (fast on any text); this puts
/// back the Unicode ones: a hit that starts or ends with a word character
/// next to a non-ASCII letter is inside a word ("ten" in "Universitäten").
pub(crate) fn unicode_bounded(text: &str, r: &Range<usize>) -> bool {
    let word = |c: char| c.is_alphanumeric() || c == '_';
    let joined = |edge: Option<char>, beside: Option<char>| {
        edge.is_some_and(word) && beside.is_some_and(|c| !c.is_ascii() && word(c))
    };
    !joined(
        text[r.start..].chars().next(),
        text[..r.start].chars().next_back(),
    ) && !joined(
        text[..r.end].chars().next_back(),
        text[r.end..].chars().next(),
    )
}

/// Words before a capitalised run that make it a title, not a name.
const DETERMINERS: &[&str] = &[
    "our", "the", "a", "an", "this", "that", "its", "their", "your", "my", "his", "her",
];

/// Capitalised function words that start sentences but never start a name
/// ("At Corbel, we …" names the speaker, not an owner).
const NOT_NAME_STARTS: &[&str] = &[
    "at", "in", "on", "for", "with", "by", "as", "since", "when", "if", "after", "before",
    "during", "from", "here", "there", "today", "these", "those", "we", "it", "they", "he", "she",
    "you", "and", "but", "so", "or", "yet", "despite", "although", "while", "once", "every",
    "each", "all", "some", "many", "most", "no", "not", "to", "of",
];

/// Words a sentence may start with that are not names.
const NOT_NAMES: &[&str] = &["I", "I'm", "I've", "I'll", "I'd"];

/// Finds the ranges of `class` in `within`, one block of `doc`'s lint text
/// or, for a class found [per sentence](Class::per_sentence), one sentence
/// (the words around it still count as context, e.g. the word before a
/// number). `sentence_starts` are the
/// lint-text offsets of the first word of every sentence, sorted; `names`
/// gives the hits of [`Class::Name`] in the same unit, which
/// [`Class::Owner`] includes (so that a caller that caches classes finds
/// names once).
pub(crate) fn find<'n>(
    class: Class,
    doc: &Document<'_>,
    within: Range<usize>,
    sentence_starts: &[usize],
    names: impl FnOnce() -> &'n [Range<usize>],
) -> Vec<Range<usize>> {
    let text = doc.text();
    let inline = |kinds: &[InlineKind]| -> Vec<Range<usize>> {
        let inlines = doc.inlines();
        let first = inlines.partition_point(|i| i.text.start < within.start);
        inlines[first..]
            .iter()
            .take_while(|i| i.text.start < within.end)
            .filter(|i| kinds.contains(&i.kind))
            .map(|i| i.text.clone())
            .collect()
    };
    let w = within.clone();
    let mut hits = match class {
        Class::Date => regex_hits(date_re(), text, w),
        Class::Number => numbers(text, w, sentence_starts),
        Class::Mechanism => mechanisms(text, w),
        Class::Quote => regex_hits(quote_re(), text, w),
        Class::You => person_hits(you_re(), YOU_WORDS, false, text, w),
        Class::We => person_hits(we_re(), WE_WORDS, false, text, w),
        Class::I => person_hits(i_re(), I_WORDS, true, text, w),
        Class::Link => inline(&[InlineKind::LinkText, InlineKind::Url]),
        Class::Code => inline(&[InlineKind::Code]),
        Class::Citation => {
            let mut v = regex_hits(citation_re(), text, w);
            v.extend(inline(&[InlineKind::Footnote]));
            v
        }
        Class::ProperNoun => proper_nouns(text, w, sentence_starts).collect(),
        Class::Name => self::names(text, w),
        Class::Owner => {
            let mut v = regex_hits(owner_re(), text, w);
            v.extend_from_slice(names());
            v
        }
    };
    hits.sort_by_key(|r| (r.start, r.end));
    hits
}

fn proper_nouns<'t>(
    text: &'t str,
    within: Range<usize>,
    sentence_starts: &'t [usize],
) -> impl Iterator<Item = Range<usize>> + 't {
    capitalised_words(text, within).filter_map(move |m| {
        let word = text[m.clone()].trim_end_matches(['\'', '-']);
        if NOT_NAMES.contains(&word) || sentence_starts.binary_search(&m.start).is_ok() {
            return None;
        }
        Some(m.start..m.start + word.len())
    })
}

/// Runs of two or more capitalised words ("Jane Smith", "Board of
/// Directors"), which name a person or a body more often than not. A run
/// introduced by a determiner names a thing ("our Sustainability
/// Commitment", "the Code of Conduct") and is not counted.
fn names(text: &str, within: Range<usize>) -> Vec<Range<usize>> {
    struct Run {
        range: Range<usize>,
        words: usize,
        is_name: bool,
    }
    fn flush(run: Option<Run>, out: &mut Vec<Range<usize>>) {
        if let Some(r) = run.filter(|r| r.is_name && r.words >= 2) {
            out.push(r.range);
        }
    }
    let mut out = Vec::new();
    let mut run: Option<Run> = None;
    for m in capitalised_words(text, within) {
        let word = &text[m.clone()];
        let all_caps = word.chars().all(|c| !c.is_lowercase());
        if let Some(r) = run.as_mut() {
            let gap = &text[r.range.end..m.start];
            if !all_caps && matches!(gap, " " | " of " | " for " | " and " | " & ") {
                r.range.end = m.end;
                r.words += 1;
                continue;
            }
        }
        flush(run.take(), &mut out);
        let is = |list: &[&str]| list.iter().any(|w| w.eq_ignore_ascii_case(word));
        // "At Corbel, we …" and "our Sustainability Commitment": the run
        // names the speaker or a thing, not an owner.
        if is(DETERMINERS) || word.eq_ignore_ascii_case("at") {
            run = Some(Run {
                range: m.clone(),
                words: 0,
                is_name: false,
            });
            continue;
        }
        if is(NOT_NAME_STARTS) {
            continue;
        }
        if all_caps || NOT_NAMES.contains(&word) {
            continue;
        }
        let after_determiner = text[..m.start]
            .trim_end()
            .rsplit(|c: char| !c.is_alphanumeric())
            .next()
            .is_some_and(|w| {
                w.eq_ignore_ascii_case("at")
                    || DETERMINERS.iter().any(|d| d.eq_ignore_ascii_case(w))
            });
        run = Some(Run {
            range: m.clone(),
            words: 1,
            is_name: !after_determiner,
        });
    }
    flush(run, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Format;

    fn found(class: Class, text: &str) -> Vec<String> {
        let doc = Document::parse(text, Format::Markdown);
        let starts: Vec<usize> = doc
            .sentences()
            .iter()
            .map(|s| {
                let t = &doc.text()[s.text.clone()];
                s.text.start + t.find(|c: char| c.is_alphanumeric()).unwrap_or(0)
            })
            .collect();
        let units: Vec<Range<usize>> = if class.per_sentence() {
            doc.sentences().iter().map(|s| s.text.clone()).collect()
        } else {
            doc.blocks().iter().map(|b| b.text.clone()).collect()
        };
        let mut out = Vec::new();
        for unit in units {
            let names = names(doc.text(), unit.clone());
            out.extend(
                find(class, &doc, unit, &starts, || &names)
                    .into_iter()
                    .map(|r| doc.text()[r].to_string()),
            );
        }
        out
    }

    #[test]
    fn quotes_may_span_sentences() {
        assert_eq!(
            found(Class::Quote, "He said \"We ship. You wait.\" Then left."),
            vec!["said", "\"We ship. You wait.\""]
        );
    }

    #[test]
    fn names_round_trip() {
        for c in Class::ALL {
            assert_eq!(Class::from_name(c.name()), Some(c));
            assert!(!c.description().is_empty());
        }
        assert_eq!(Class::from_name("nope"), None);
    }

    #[test]
    fn numbers() {
        assert_eq!(
            found(Class::Number, "We cut costs by 30% and $2m, twice."),
            vec!["30%", "$2", "twice"]
        );
        assert!(found(Class::Number, "One thing is clear: many teams agree.").is_empty());
        assert!(
            found(
                Class::Number,
                "It runs on Windows 11 and Flowdesk 2.0, version 3 or v4."
            )
            .is_empty()
        );
        assert_eq!(
            found(
                Class::Number,
                "Over 800 teams use Flowdesk, up 12% on Acme 40%."
            ),
            vec!["800", "12%", "40%"]
        );
        // Ranks are no figures.
        assert!(
            found(
                Class::Number,
                "It is the #1 tool, No. 1 in tests, number 1 overall."
            )
            .is_empty()
        );
        assert_eq!(
            found(Class::Number, "Is it slow? No. 98% finish in a minute."),
            vec!["98%"]
        );
        // ASCII word boundaries, made Unicode again.
        assert!(found(Class::Number, "Die Universitäten und Qualitäten.").is_empty());
    }

    #[test]
    fn names_may_start_with_any_capital() {
        assert_eq!(
            found(Class::Name, "We thank Élodie Durand, then Øyvind Åsen."),
            vec!["Élodie Durand", "Øyvind Åsen"]
        );
        assert!(
            found(Class::Name, "An iPhone Pro case.")
                .iter()
                .all(|n| !n.contains("Phone"))
        );
    }

    #[test]
    fn dates() {
        let hits = found(
            Class::Date,
            "We ship in March 2026, by Q3, on 2026-03-01, next week, by the end of the year, every quarter, within 30 days.",
        );
        for want in [
            "March",
            "2026",
            "Q3",
            "2026-03-01",
            "next week",
            "by the end of",
            "every quarter",
            "within 30 days",
        ] {
            assert!(hits.iter().any(|h| h == want), "missing {want} in {hits:?}");
        }
        assert!(found(Class::Date, "We may march on.").is_empty());
        // The segmenter splits "Mar. 5" ("mar" is no abbreviation to it);
        // dates are found per block, so the hit survives.
        assert_eq!(
            found(Class::Date, "Doors open Mar. 5 at noon (Jan. 6 too)."),
            vec!["Mar. 5", "Jan. 6"]
        );
    }

    #[test]
    fn owners() {
        let hits = found(
            Class::Owner,
            "The CEO and our data protection team, with Jane Smith, own it.",
        );
        assert_eq!(hits, vec!["CEO", "our data protection team", "Jane Smith"]);
        assert!(
            found(
                Class::Owner,
                "It is used by our Sustainability Commitment and the Code Of Conduct."
            )
            .is_empty()
        );
        assert!(found(Class::Owner, "Our Sustainability Commitment applies.").is_empty());
        assert_eq!(
            found(
                Class::Name,
                "Speakers include Erin Meyer and Peter Hinssen."
            ),
            vec!["Erin Meyer and Peter Hinssen"]
        );
        assert!(found(Class::Owner, "We care about our team and AI.").is_empty());
    }

    #[test]
    fn mechanisms_need_an_object() {
        assert_eq!(
            found(Class::Mechanism, "We will publish the dataset.").len(),
            1
        );
        assert_eq!(
            found(Class::Mechanism, "The team audited the code.").len(),
            1
        );
        assert!(found(Class::Mechanism, "Known issues and reports exist.").is_empty());
        assert!(
            found(
                Class::Mechanism,
                "We are committed to making scheduling fair."
            )
            .is_empty()
        );
        assert_eq!(
            found(
                Class::Mechanism,
                "We are publishing it by reporting to the board."
            )
            .len(),
            2
        );
        assert_eq!(
            found(
                Class::Mechanism,
                "We will roll out a fix and then phase out plastic."
            )
            .len(),
            2
        );
        assert!(found(Class::Mechanism, "We will publish.").is_empty());
        assert!(found(Class::Mechanism, "We strive to do better.").is_empty());
    }

    #[test]
    fn proper_nouns_skip_sentence_starts_and_i() {
        assert_eq!(
            found(
                Class::ProperNoun,
                "Our tool beats Salesforce. I think GitHub agrees."
            ),
            vec!["Salesforce", "GitHub"]
        );
    }

    #[test]
    fn quotes_links_code_citations_persons() {
        assert_eq!(
            found(Class::Quote, "She said \"it works well\" today."),
            vec!["said", "\"it works well\""]
        );
        assert_eq!(
            found(
                Class::Link,
                "See [the report](https://x.y) or https://a.b/c."
            ),
            vec!["the report", "\u{FFFC}"]
        );
        assert_eq!(found(Class::Code, "Set `timeout` now."), vec!["\u{FFFC}"]);
        assert_eq!(
            found(Class::Citation, "It grew [3] (Smith, 2020)."),
            vec!["[3]", "(Smith, 2020)"]
        );
        assert_eq!(found(Class::You, "Your team and you."), vec!["Your", "you"]);
        assert_eq!(found(Class::We, "We and our users."), vec!["We", "our"]);
    }

    /// `FOLDS_TO_ASCII` is every character outside ASCII that the regex
    /// engine's case-insensitive matching takes for an ASCII letter.
    #[test]
    fn only_the_long_s_and_the_kelvin_sign_fold_to_ascii_letters() {
        let letter = Regex::new("(?i)^[a-z]$").unwrap();
        let folding: Vec<char> = ('\u{80}'..=char::MAX)
            .filter(|c| letter.is_match(c.encode_utf8(&mut [0; 4])))
            .collect();
        assert_eq!(folding, FOLDS_TO_ASCII);
    }

    /// Word characters are ASCII letters, digits and the underscore, and
    /// a long s inside a word is read by the regex.
    #[test]
    fn person_words_are_whole_ascii_words() {
        let we = |text: &str| -> Vec<String> {
            let hits = person_hits(we_re(), WE_WORDS, false, text, 0..text.len());
            assert_eq!(hits, regex_hits(we_re(), text, 0..text.len()), "{text}");
            hits.into_iter().map(|r| text[r].to_string()).collect()
        };
        assert_eq!(we("_we we_ we2 We, (us) OURS."), ["We", "us", "OURS"]);
        assert_eq!(
            we("we\u{2019}re \u{2014}our\u{2014} éwe uſ ourſelves"),
            ["we", "our"]
        );
        assert_eq!(we("uſa"), ["uſ"]);
        let i = |text: &str| person_hits(i_re(), I_WORDS, true, text, 0..text.len()).len();
        assert_eq!(i("I i my MY I'm _I"), 4);
    }

    proptest::proptest! {
        /// The word-by-word search of the person classes finds what their
        /// regexes find, in ASCII text and (by the regexes) in the rest,
        /// with any text around the searched range.
        #[test]
        fn person_words_are_the_person_regexes(
            words in proptest::collection::vec(
                proptest::sample::select(vec![
                    "you", "YOUR", "Yours", "yourselves", "yourself", "youth", "we", "We",
                    "ours", "us", "US", "use", "I", "i", "I'm", "me", "MY", "mine2", "_my",
                    "myself", "uſ", "ourſelves", "é", "I’ve", "we’re", "ıt", "İ", "mİne", "yoü",
                    "\u{212A}", "(", ")", ".", "-", "'", "_", "—", "3", " ", "  ",
                ]),
                0..40,
            ),
            joiner in proptest::sample::select(vec!["", " ", "-", "_"]),
            cut in (0usize..200, 0usize..200),
        ) {
            let text = words.join(joiner);
            let floor = |i: usize| crate::location::floor_char_boundary(&text, i.min(text.len()));
            let (a, b) = (floor(cut.0), floor(cut.1));
            let within = a.min(b)..a.max(b);
            for (re, list, capital_i) in [
                (you_re(), YOU_WORDS, false),
                (we_re(), WE_WORDS, false),
                (i_re(), I_WORDS, true),
            ] {
                proptest::prop_assert_eq!(
                    person_hits(re, list, capital_i, &text, within.clone()),
                    regex_hits(re, &text, within.clone()),
                    "{} in {:?}", re.as_str(), &text[within.clone()]
                );
            }
        }
    }
}
