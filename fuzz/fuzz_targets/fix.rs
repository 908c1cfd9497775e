//! Fuzz target: see `copylint::invariants::check_fix` for what must hold.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    copylint::invariants::check_fix(data);
});
