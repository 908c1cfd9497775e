//! Writes a deterministic benchmark corpus of realistic Markdown.
//!
//! ```sh
//! cargo run --release --example gen_corpus -- target/bench-corpus --mb 100
//! cargo run --release --example gen_corpus -- target/bench-one --single-paragraph-mb 10
//! cargo run --release --example gen_corpus -- --phrases target/phrases.txt
//! ```
//!
//! The same arguments always give the same bytes. The output is never
//! committed; `scripts/bench.sh` regenerates it.

use std::path::PathBuf;

use anyhow::Context as _;
use clap::Parser;

#[path = "../benches/corpus/mod.rs"]
mod corpus;

#[derive(Debug, Parser)]
#[command(about = "Generate a deterministic Markdown corpus for benchmarks")]
struct Args {
    /// Directory to write (created; existing generated files are overwritten)
    out: Option<PathBuf>,
    /// Total size of the many-files corpus, in MB (10^6 bytes)
    #[arg(long, default_value_t = 100)]
    mb: usize,
    /// Write one file holding a single paragraph of this many MB instead
    #[arg(long, value_name = "MB")]
    single_paragraph_mb: Option<usize>,
    /// Seed of the generator
    #[arg(long, default_value_t = 2026)]
    seed: u64,
    /// Write every literal phrase of the default rule packs, one per line
    /// (the pattern file of the `rg -F -f` floor), to this file and exit
    #[arg(long, value_name = "FILE")]
    phrases: Option<PathBuf>,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if let Some(path) = &args.phrases {
        let lib = copylint::RuleLibrary::load(&copylint::LoadOptions::default())
            .map_err(|e| anyhow::anyhow!("shipped rules do not load: {e:?}"))?;
        let set = copylint::RuleSet::compile(&lib, &copylint::Selection::default())
            .map_err(|e| anyhow::anyhow!("shipped rules do not compile: {e:?}"))?;
        let mut text = set.literal_phrases().join("\n");
        text.push('\n');
        std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))?;
        eprintln!(
            "wrote {} phrases to {}",
            set.literal_phrases().len(),
            path.display()
        );
        return Ok(());
    }
    let out = args
        .out
        .context("give the output directory (or --phrases FILE)")?;
    std::fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;
    let mut generator = corpus::Gen::new(args.seed);
    if let Some(mb) = args.single_paragraph_mb {
        let path = out.join("single-paragraph.md");
        std::fs::write(&path, generator.single_paragraph(mb * 1_000_000))
            .with_context(|| format!("writing {}", path.display()))?;
        eprintln!("wrote {}", path.display());
        return Ok(());
    }
    let target = args.mb * 1_000_000;
    let mut total = 0;
    let mut files = 0;
    while total < target {
        // Posts of 2–40 KB in 64 sections, like a documentation site.
        let size = 2_000 + (files * 7_919) % 38_000;
        let dir = out.join(format!("section-{:02}", files % 64));
        std::fs::create_dir_all(&dir)?;
        let text = generator.document(size);
        total += text.len();
        let path = dir.join(format!("post-{files:05}.md"));
        std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
        files += 1;
    }
    eprintln!(
        "wrote {files} files, {:.1} MB, to {}",
        total as f64 / 1e6,
        out.display()
    );
    Ok(())
}
