//! The default rule packs in `rules/` are embedded with `include_dir!`; tell
//! cargo to rebuild when any of them changes (including added files).
fn main() {
    println!("cargo:rerun-if-changed=rules");
}
