//! `drsim --version` names the git revision; `drsim completions SHELL` and
//! `drsim man` are generated from the clap definitions and cover every
//! subcommand.

use std::process::Command;

fn drsim(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_drsim")).args(args).output().expect("drsim starts")
}

const SUBCOMMANDS: [&str; 11] = [
    "run",
    "check",
    "timeline",
    "merge",
    "sweep",
    "sensitivity",
    "fit",
    "import-policy",
    "export-policy",
    "completions",
    "man",
];

#[test]
fn version_names_the_crate_version_and_the_git_revision() {
    let out = drsim(&["--version"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let expected = format!("drsim {} (git ", env!("CARGO_PKG_VERSION"));
    assert!(text.starts_with(&expected), "{text}");
    let revision = text.trim_end().trim_start_matches(&expected).trim_end_matches(')');
    let hash = revision.trim_end_matches("-dirty");
    assert!(hash == "unknown" || (hash.len() == 12 && hash.chars().all(|c| c.is_ascii_hexdigit())), "{text}");
}

#[test]
fn completions_cover_every_subcommand_in_every_shell() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = drsim(&["completions", shell]);
        assert!(out.status.success(), "{shell}");
        let text = String::from_utf8(out.stdout).unwrap();
        for sub in SUBCOMMANDS {
            assert!(text.contains(sub), "{shell} completion lacks {sub}");
        }
    }
    let bad = drsim(&["completions", "cmd.exe"]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn the_man_page_is_roff_and_lists_the_subcommands() {
    let out = drsim(&["man"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains(".TH drsim 1"), "{}", &text[..200.min(text.len())]);
    for sub in SUBCOMMANDS {
        // roff writes every '-' as '\-'.
        let roff = sub.replace('-', "\\-");
        assert!(text.contains(&format!("drsim\\-{roff}")) || text.contains(&roff), "man page lacks {sub}");
    }
}
