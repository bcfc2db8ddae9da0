//! Fuzz target: any bytes as a model file. Parsing and validation must return
//! a model or an error, never panic; a model that validates must simulate a
//! few trials without panicking and with finite, in-range figures.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        drsim::harden::parse_validate_simulate(text);
    }
});
