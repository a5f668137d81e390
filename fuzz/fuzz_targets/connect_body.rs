#![no_main]
// Checks live in src/fuzzing.rs, so `cargo test` replays the seeds through them.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Err(e) = oxcnotif::fuzzing::run_target("connect_body", data) {
        panic!("connect_body: {e}");
    }
});
