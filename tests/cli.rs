//! CLI snapshot tests: every `tests/cmd/*.toml` runs the real binary and
//! compares stdout, stderr and the exit code. Regenerate with
//! `TRYCMD=overwrite cargo test --test cli` and review the diff.

#[test]
fn cli() {
    trycmd::TestCases::new().case("tests/cmd/*.toml");
}
