//! `drsim --version` names the git revision; `drsim completions SHELL` and
//! `drsim man` are generated from the clap definitions and cover every
//! subcommand; every `drsim` command of docs/ci.md runs and exits as written.

use std::process::Command;

fn drsim(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_drsim")).args(args).output().expect("drsim starts")
}

const SUBCOMMANDS: [&str; 12] = [
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
    "schema",
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

/// One `drsim` command of a document: its arguments, the files its
/// standard input and output are redirected from and to, and the exit code
/// it is documented to end with (`# exits N`, else 0).
#[derive(Debug)]
struct DocCommand {
    line: String,
    args: Vec<String>,
    stdin: Option<String>,
    stdout: Option<String>,
    exit: i32,
}

/// Every line of a fenced code block in `markdown` that runs drsim (as a
/// shell line, a YAML `run:` step or a GitLab `script:` item).
fn doc_commands(markdown: &str) -> Vec<DocCommand> {
    let mut out = Vec::new();
    let mut in_block = false;
    for raw in markdown.lines() {
        if raw.trim_start().starts_with("```") {
            in_block = !in_block;
            continue;
        }
        let line = raw.trim_start();
        let line = line.strip_prefix("run: ").or_else(|| line.strip_prefix("- ")).unwrap_or(line);
        if !in_block || !line.starts_with("drsim ") {
            continue;
        }
        let (command, comment) = line.split_once('#').unwrap_or((line, ""));
        let exit = comment.trim().strip_prefix("exits ").map_or(0, |n| n.trim().parse().expect("# exits N"));
        assert!(!command.contains('|') && !command.contains('"') && !command.contains('$'), "too clever: {line}");
        let mut words = command.split_whitespace().skip(1);
        let mut cmd = DocCommand { line: line.to_string(), args: Vec::new(), stdin: None, stdout: None, exit };
        while let Some(word) = words.next() {
            match word {
                "<" => cmd.stdin = words.next().map(str::to_string),
                ">" => cmd.stdout = words.next().map(str::to_string),
                _ => cmd.args.push(word.to_string()),
            }
        }
        out.push(cmd);
    }
    out
}

#[test]
fn every_command_in_docs_ci_md_works_as_written() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("docs/ci.md")).unwrap();
    let commands = doc_commands(&text);
    assert!(commands.len() >= 8, "{commands:?}");
    // A checkout's layout: models/ and tests/fixtures/, and nothing written yet.
    let dir = std::env::temp_dir().join(format!("drsim-ci-docs-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("tests")).unwrap();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(root.join("models"), dir.join("models")).unwrap();
        std::os::unix::fs::symlink(root.join("tests/fixtures"), dir.join("tests/fixtures")).unwrap();
    }
    #[cfg(not(unix))]
    return;
    for c in commands {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_drsim"));
        cmd.args(&c.args).current_dir(&dir);
        cmd.stdin(match &c.stdin {
            Some(file) => std::process::Stdio::from(std::fs::File::open(dir.join(file)).unwrap()),
            None => std::process::Stdio::null(),
        });
        let out = cmd.output().expect("drsim starts");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(c.exit), "{}\n{stderr}", c.line);
        if let Some(file) = &c.stdout {
            std::fs::write(dir.join(file), &out.stdout).unwrap();
            if file.ends_with(".json") || file.ends_with(".sarif") {
                serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap_or_else(|e| panic!("{}: {e}", c.line));
            }
        }
        // --out appears whole (staged, then renamed into place).
        if let Some(i) = c.args.iter().position(|a| a == "--out") {
            assert!(dir.join(&c.args[i + 1]).join("results.json").is_file(), "{}", c.line);
            std::fs::remove_dir_all(dir.join(&c.args[i + 1])).unwrap();
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
