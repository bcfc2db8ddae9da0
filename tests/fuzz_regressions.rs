//! Fuzzing on stable Rust, and the regression cases fuzzing found.
//!
//! The cargo-fuzz target (`fuzz/`, nightly) runs the same body,
//! `drsim::harden::parse_validate_simulate`: parse + validate any text, and
//! simulate a model that validates under every invariant. Here a fixed-seed
//! mutator breaks the bundled models value by value, line by line and byte by
//! byte for a bounded number of rounds, so `cargo test` fuzzes too. Every
//! input that once crashed is kept in tests/fixtures/fuzz/ and replayed.

use rand::{Rng, RngExt, SeedableRng};

use drsim::harden::parse_validate_simulate;

/// Values that have broken parsers and simulators before: zero, negatives,
/// extremes, NaN and infinities, empty and odd durations, wrong types.
const VALUES: &[&str] = &[
    "0",
    "0.0",
    "-1",
    "1e308",
    "-1e308",
    "1e-300",
    "nan",
    "inf",
    "-inf",
    "8760",
    "4294967295",
    "\"0s\"",
    "\"1ms\"",
    "\"-3h\"",
    "\"\"",
    "\"5 parsecs\"",
    "\"1000y\"",
    "\"1e300y\"",
    "\"999999999d\"",
    "[]",
    "{}",
    "true",
    "0.5",
    "1.0",
    "[0.5, 0.5]",
    "[1.0]",
    "\"us-east-1\"",
    "{ dist = \"fixed\", value = \"0s\" }",
    "{ dist = \"fixed\", value = 0.0 }",
    "{ dist = \"fixed\", value = 1e-300 }",
    "{ dist = \"lognormal\", median = \"1ms\", p95 = \"1000y\" }",
    "{ dist = \"uniform\", min = \"0s\", max = \"0s\" }",
    "{ dist = \"pert\", min = \"0s\", mode = \"0s\", max = \"0s\" }",
    "{ dist = \"exponential\", mean = \"1000y\" }",
    "{ dist = \"weibull\", shape = 0.01, scale = \"1h\" }",
    "{ dist = \"gamma\", shape = 1e-9, scale = \"1h\" }",
    "{ dist = \"empirical\", values = [\"0s\"] }",
];

fn seeds() -> Vec<String> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fuzz/corpus/parse_validate_simulate");
    let mut texts: Vec<String> = std::fs::read_dir(dir)
        .expect("the committed corpus")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with("seed-"))
        .map(|e| std::fs::read_to_string(e.path()).expect("utf-8 seed"))
        .collect();
    texts.sort();
    assert!(texts.len() >= 3, "the corpus is seeded from models/ and the test fixtures");
    texts
}

/// One random edit of a model's text.
fn mutate(text: &str, rng: &mut impl Rng) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let pick = rng.random_range(0..lines.len());
    match rng.random_range(0..10) {
        // Replace a value (most edits: they reach validation and the engine).
        0..=5 => {
            if let Some(eq) = lines[pick].find(" = ") {
                let value = VALUES[rng.random_range(0..VALUES.len())];
                lines[pick] = format!("{} = {value}", &lines[pick][..eq]);
            }
        }
        6 => {
            lines.remove(pick);
        }
        7 => {
            let copy = lines[pick].clone();
            lines.insert(pick, copy);
        }
        8 => {
            // Scale a number in place by a power of ten.
            let line = &lines[pick];
            if let Some(start) = line.find(|c: char| c.is_ascii_digit()) {
                let exponent = rng.random_range(-12..=12);
                lines[pick] = format!("{}{}e{exponent}{}", &line[..start], &line[start..start + 1], &line[start + 1..]);
            }
        }
        _ => {
            // Flip a byte to another printable character.
            let mut bytes = lines[pick].clone().into_bytes();
            if !bytes.is_empty() {
                let at = rng.random_range(0..bytes.len());
                bytes[at] = rng.random_range(b' '..=b'~');
            }
            lines[pick] = String::from_utf8(bytes).expect("ascii");
        }
    }
    lines.join("\n")
}

/// 400 mutants (1 to 3 edits each) of every seed at a fixed seed: a few
/// seconds with the test profile's optimisation.
#[test]
fn mutated_models_never_panic_or_print_impossible_numbers() {
    let mut rng = rand::rngs::Xoshiro256PlusPlus::seed_from_u64(7);
    for seed in seeds() {
        for _ in 0..400 {
            let mut text = seed.clone();
            for _ in 0..rng.random_range(1..=3) {
                text = mutate(&text, &mut rng);
            }
            let result = std::panic::catch_unwind(|| parse_validate_simulate(&text));
            if result.is_err() {
                panic!("this mutant broke an invariant; add it to tests/fixtures/fuzz/:\n{text}");
            }
        }
    }
}

/// Every input that ever crashed, replayed.
#[test]
fn crashes_found_by_fuzzing_stay_fixed() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/fuzz");
    let mut count = 0;
    for entry in std::fs::read_dir(dir).expect("tests/fixtures/fuzz") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "toml") {
            let bytes = std::fs::read(&path).expect("readable");
            if let Ok(text) = std::str::from_utf8(&bytes) {
                parse_validate_simulate(text);
            }
            count += 1;
        }
    }
    assert!(count >= 1, "the regression cases are in {dir}");
}

/// Part files (`drsim merge`): the committed corpus seed as it is and with
/// numbers replaced by extreme values and bytes flipped at a fixed seed, and
/// every part that once broke the reader (tests/fixtures/fuzz/parts/).
#[test]
fn part_files_never_panic_or_merge_into_impossible_numbers() {
    let corpus = concat!(env!("CARGO_MANIFEST_DIR"), "/fuzz/corpus/read_part");
    let regressions = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/fuzz/parts");
    let files = |dir: &str| -> Vec<Vec<u8>> {
        let mut paths: Vec<_> = std::fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("{dir}: {e}"))
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        paths.sort();
        paths.iter().map(|p| std::fs::read(p).expect("readable")).collect()
    };
    let seeds = files(corpus);
    assert!(!seeds.is_empty(), "a part is in {corpus}");
    let mut rng = rand::rngs::Xoshiro256PlusPlus::seed_from_u64(11);
    for seed in &seeds {
        let seed = this_version(seed);
        let text = String::from_utf8(seed.clone()).expect("utf-8 part");
        drsim::harden::read_check_merge_part(&seed);
        // Byte offsets of the numbers in the JSON (the tally's counts, years, ranges).
        let numbers: Vec<(usize, usize)> = text
            .match_indices([':', '[', ','])
            .filter_map(|(at, _)| {
                let rest = &text[at + 1..];
                let len = rest.find(|c: char| !(c.is_ascii_digit() || ".-+eE".contains(c))).unwrap_or(rest.len());
                (len > 0 && rest.as_bytes()[0].is_ascii_digit()).then_some((at + 1, at + 1 + len))
            })
            .collect();
        for _ in 0..300 {
            let mutant = if rng.random_range(0..4) == 0 {
                let mut bytes = seed.clone();
                let at = rng.random_range(0..bytes.len());
                bytes[at] = rng.random_range(b' '..=b'~');
                bytes
            } else {
                let (a, b) = numbers[rng.random_range(0..numbers.len())];
                let value = ["0", "1", "1e308", "-1", "18446744073709551615", "1e-300", "0.5", "4294967296"]
                    [rng.random_range(0..8)];
                format!("{}{value}{}", &text[..a], &text[b..]).into_bytes()
            };
            let result = std::panic::catch_unwind(|| drsim::harden::read_check_merge_part(&mutant));
            if result.is_err() {
                panic!(
                    "this part broke the reader; add it to tests/fixtures/fuzz/parts/:\n{}",
                    String::from_utf8_lossy(&mutant)
                );
            }
        }
    }
    let found = files(regressions);
    assert!(!found.is_empty(), "the part regressions are in {regressions}");
    for part in found {
        drsim::harden::read_check_merge_part(&this_version(&part));
    }
}

/// A part as this version of drsim writes it: `drsim_version` replaced by
/// ours, so that a stored part gets past the version check to the code it
/// exercises (bytes without the field are returned as they are).
fn this_version(part: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(part);
    let key = "\"drsim_version\":\"";
    let Some(at) = text.find(key).map(|i| i + key.len()) else { return part.to_vec() };
    let Some(end) = text[at..].find('"').map(|i| at + i) else { return part.to_vec() };
    format!("{}{}{}", &text[..at], env!("CARGO_PKG_VERSION"), &text[end..]).into_bytes()
}
