//! Fuzz target: any bytes as a shard part file (`drsim merge`). Reading,
//! checking and merging must return a merged run or an error, never panic;
//! a merged run's reports must show finite numbers only.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    drsim::harden::read_check_merge_part(data);
});
