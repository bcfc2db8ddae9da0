//! Every bad input gets a clear error, never a panic: one table of cases run
//! through the real binary. Each model case breaks tests/fixtures/bad/base.toml
//! in one place and expects exit code 2, an error that names
//! `file:line:column` (where that line really holds the key), the key, and
//! words saying what is wrong or allowed; no case may print panic or
//! backtrace text. CLI and file-system cases check the exit code and message.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// How a case builds its model from base.toml.
#[derive(Clone, Copy)]
enum Edit {
    /// Replace the first occurrence of the text (which must be there).
    Replace(&'static str, &'static str),
    /// Append tests/fixtures/bad/extra-strategies.toml, then replace.
    Extra(&'static str, &'static str),
    /// Append text.
    Append(&'static str),
    /// Append the text this many times, `{i}` replaced by the copy's number.
    Repeat(&'static str, usize),
    /// Keep the text before this marker.
    CutAt(&'static str),
    /// The whole file.
    Whole(&'static str),
    /// base.toml unchanged (for command-line cases).
    Base,
    /// No file: the model path is this name under the case directory (missing
    /// file, or a directory when it is `dir/`).
    Path(&'static str),
    /// base.toml, and a one-shard run of it in `{dir}/p` whose part.json is
    /// then edited by the function (the cases of `drsim merge`).
    Part(fn(&mut serde_json::Value)),
}

/// One row of the table.
struct Case {
    name: &'static str,
    edit: Edit,
    /// Arguments; `{model}` is the model path and `{dir}` the case directory
    /// (its parent, the table's temporary directory, is the working directory).
    args: &'static [&'static str],
    code: i32,
    /// The key the error names (checked as `file:L:C: key:`), `None` when the
    /// error is not about one key of a model.
    key: Option<&'static str>,
    /// Fragments the error must contain (what is wrong / what is allowed).
    says: &'static [&'static str],
}

const CHECK: &[&str] = &["check", "{model}"];
/// Words of Rust and serde that a model error must never show: it speaks of
/// keys, numbers, strings, tables and arrays.
const RUST_WORDS: [&str; 12] = [
    "unknown field",
    "unknown variant",
    "missing field",
    "invalid type",
    "f64",
    "u32",
    "enum ",
    "struct ",
    "untagged",
    "variant identifier",
    "sequence",
    "DistSpec",
];
/// `drsim merge` of the part a [`Edit::Part`] case wrote and edited.
const MERGE: &[&str] = &["merge", "{dir}/p/part.json", "--out", "{dir}/m"];

/// The bundled outage history, for `drsim fit`.
const OUTAGES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/models/data/public-outages.csv");

const fn model(name: &'static str, edit: Edit, key: &'static str, says: &'static [&'static str]) -> Case {
    Case { name, edit, args: CHECK, code: 2, key: Some(key), says }
}

const fn cli(name: &'static str, args: &'static [&'static str], code: i32, says: &'static [&'static str]) -> Case {
    Case { name, edit: Edit::Base, args, code, key: None, says }
}

use Edit::*;

const CASES: &[Case] = &[
    // Malformed TOML: position and the parser's reason; there is no key yet.
    Case {
        name: "unterminated-string",
        edit: Replace("name = \"LintShop\"", "name = \"LintShop"),
        args: CHECK,
        code: 2,
        key: None,
        says: &[":4:17:", "invalid basic string"],
    },
    Case {
        name: "missing-equals",
        edit: Replace("dataset_gb = 100.0", "dataset_gb 100.0"),
        args: CHECK,
        code: 2,
        key: None,
        says: &[":7:", "expected"],
    },
    Case {
        name: "unclosed-array",
        edit: Whole("x = [1, 2\n"),
        args: CHECK,
        code: 2,
        key: None,
        says: &[":1:10:", "unclosed array"],
    },
    Case {
        name: "duplicate-table",
        edit: Append("\n[workload]\nname = \"again\"\n"),
        args: CHECK,
        code: 2,
        key: None,
        says: &["duplicate key"],
    },
    Case {
        name: "empty-file",
        edit: Whole(""),
        args: CHECK,
        code: 2,
        key: None,
        says: &[":1:1:", "missing key `workload`", "required"],
    },
    // Wrong types.
    model(
        "string-for-number",
        Replace("dataset_gb = 100.0", "dataset_gb = \"lots\""),
        "workload.dataset_gb",
        &["expected a number, found the string \"lots\""],
    ),
    model(
        "string-for-bool",
        Replace("immutable = true", "immutable = \"yes\""),
        "strategy[0].backup.immutable",
        &["expected true or false, found the string \"yes\""],
    ),
    model("number-for-duration", Replace("rpo = \"1h\"", "rpo = 60"), "targets.rpo", &["with a unit", "\"15m\""]),
    // Unknown and missing keys.
    model(
        "unknown-key",
        Replace("dataset_gb = 100.0", "dataset_gb = 100.0\ndatset_gb = 5.0"),
        "workload.datset_gb",
        &["unknown key `datset_gb`; did you mean `dataset_gb`? allowed: name, "],
    ),
    model(
        "unknown-table",
        Replace("[workload]", "[workloads]"),
        "workloads",
        &["unknown key `workloads`; did you mean `workload`?"],
    ),
    model(
        "unknown-strategy-key",
        Replace("dr_region = \"us-west-2\"", "dr_region = \"us-west-2\"\ndr_regoin = 1"),
        "strategy[0].dr_regoin",
        &["unknown key `dr_regoin`; did you mean `dr_region`?"],
    ),
    model(
        "missing-dataset",
        Replace("dataset_gb = 100.0\n", ""),
        "workload",
        &["missing key `dataset_gb`", "required"],
    ),
    model("missing-strategy-name", Replace("name = \"restore\"\n", ""), "strategy[0]", &["missing key `name`"]),
    model(
        "missing-backup-interval",
        Replace("interval = \"1h\"\n", ""),
        "strategy[0].backup",
        &["missing key `interval`"],
    ),
    model(
        "missing-response-step",
        Replace("decision = { dist = \"fixed\", value = \"10m\" }\n", ""),
        "strategy[0].decision",
        &["missing", "[response]"],
    ),
    // Negative, zero, NaN and infinite numbers.
    model(
        "negative-dataset",
        Replace("dataset_gb = 100.0", "dataset_gb = -100.0"),
        "workload.dataset_gb",
        &["-100 is not allowed", "allowed: a positive number of GB"],
    ),
    model(
        "zero-dataset",
        Replace("dataset_gb = 100.0", "dataset_gb = 0.0"),
        "workload.dataset_gb",
        &["allowed: a positive"],
    ),
    model("nan-dataset", Replace("dataset_gb = 100.0", "dataset_gb = nan"), "workload.dataset_gb", &["NaN", "allowed"]),
    model(
        "infinite-dataset",
        Replace("dataset_gb = 100.0", "dataset_gb = inf"),
        "workload.dataset_gb",
        &["inf", "allowed"],
    ),
    model(
        "negative-revenue",
        Replace("revenue_per_hour = 1000.0", "revenue_per_hour = -1.0"),
        "workload.revenue_per_hour",
        &["allowed: zero or a positive"],
    ),
    model(
        "negative-rate",
        Replace("rate_per_year = 0.5", "rate_per_year = -0.5"),
        "failure[0].rate_per_year",
        &["allowed: zero or a positive number of failures per year"],
    ),
    model(
        "infinite-rate",
        Replace("rate_per_year = 0.5", "rate_per_year = inf"),
        "failure[0].rate_per_year",
        &["allowed"],
    ),
    model(
        "nan-rate",
        Replace("rate_per_year = 1.0", "rate_per_year = nan"),
        "failure[1].rate_per_year",
        &["NaN", "allowed"],
    ),
    model(
        "zero-throughput",
        Replace("value = 500.0", "value = 0.0"),
        "strategy[0].restore.throughput_gb_per_hour",
        &["above 0 GB per hour"],
    ),
    model(
        "negative-throughput",
        Replace("value = 500.0", "value = -5.0"),
        "strategy[0].restore.throughput_gb_per_hour.value",
        &[">= 0"],
    ),
    model(
        "zero-azs",
        Replace("{ name = \"us-east-1\", azs = 3 }", "{ name = \"us-east-1\", azs = 0 }"),
        "topology.region[0].azs",
        &["allowed: 1 to 26 AZs per region"],
    ),
    model(
        "too-many-azs",
        Replace("{ name = \"us-east-1\", azs = 3 }", "{ name = \"us-east-1\", azs = 4000000000 }"),
        "topology.region[0].azs",
        &["allowed: 1 to 26 AZs per region"],
    ),
    model(
        "rate-beyond-hourly",
        Replace("rate_per_year = 0.5", "rate_per_year = 1e12"),
        "failure[0].rate_per_year",
        &["more than one every hour", "allowed: 0 to 8760"],
    ),
    model(
        "zero-backup-interval",
        Replace("interval = \"1h\"", "interval = \"0s\""),
        "strategy[0].backup.interval",
        &["at least 1s (got 0s)"],
    ),
    model(
        "zero-lognormal-median",
        Replace("median = \"6h\"", "median = \"0s\""),
        "failure[0].duration.median",
        &["larger than 0"],
    ),
    // Distribution shapes.
    model(
        "p95-below-median",
        Replace("p95 = \"20h\"", "p95 = \"2h\""),
        "failure[0].duration.p95",
        &["must be larger than median"],
    ),
    model(
        "pert-mode-below-min",
        Replace(
            "decision = { dist = \"fixed\", value = \"10m\" }",
            "decision = { dist = \"pert\", min = \"10m\", mode = \"5m\", max = \"1h\" }",
        ),
        "response.decision.mode",
        &["must not be smaller than min"],
    ),
    model(
        "uniform-min-above-max",
        Replace(
            "decision = { dist = \"fixed\", value = \"10m\" }",
            "decision = { dist = \"uniform\", min = \"1h\", max = \"5m\" }",
        ),
        "response.decision.max",
        &["must not be larger than max"],
    ),
    model(
        "unknown-distribution",
        Replace("dist = \"lognormal\", median = \"6h\"", "dist = \"lognormall\", median = \"6h\""),
        "failure[0].duration.dist",
        &["unknown value `lognormall`; did you mean `lognormal`?", "pert"],
    ),
    // Errors in the model's words, never Rust's (type names, "field",
    // "variant", "sequence"); an unknown key names the nearest allowed one.
    model(
        "unknown-key-nearest",
        Replace("rate_per_year = 0.5", "rate_per_yr = 0.5"),
        "failure[0].rate_per_yr",
        &["unknown key `rate_per_yr`; did you mean `rate_per_year`? allowed: kind, rate_per_year, uptime,"],
    ),
    model(
        "unknown-key-no-near-one",
        Replace("[costs]\n", "[costs]\nbudget = 5.0\n"),
        "costs.budget",
        &["unknown key `budget`; allowed: primary_compute_usd_per_month"],
    ),
    model(
        "unknown-distribution-key-nearest",
        Replace("median = \"6h\", p95 = \"20h\"", "median = \"6h\", p59 = \"20h\""),
        "failure[0].duration",
        &["unknown key `p59`; did you mean `p95`?"],
    ),
    model(
        "unknown-reliability-key-nearest",
        Replace("drill_interval = \"90d\"", "drill_interval = \"90d\"\nreliability = { failure_probabilty = 0.1 }"),
        "strategy[0].reliability.failure_probabilty",
        &["did you mean `failure_probability`?"],
    ),
    model(
        "distribution-given-as-string",
        Replace("detection = { dist = \"fixed\", value = \"1m\" }", "detection = \"1m\""),
        "response.detection",
        &["expected a distribution table, found the string \"1m\"", "{ dist = \"fixed\", value = \"1m\" }"],
    ),
    model(
        "distribution-given-as-number",
        Replace("detection = { dist = \"fixed\", value = \"1m\" }", "detection = 60"),
        "response.detection",
        &["expected a distribution table, found the number 60", "value = 60 }"],
    ),
    model(
        "distribution-value-of-wrong-type",
        Replace("detection = { dist = \"fixed\", value = \"1m\" }", "detection = { dist = \"fixed\", value = true }"),
        "response.detection",
        &["expected a number or a duration string like \"30s\", found true"],
    ),
    model(
        "distribution-name-not-a-string",
        Replace("detection = { dist = \"fixed\", value = \"1m\" }", "detection = { dist = 3, value = \"1m\" }"),
        "response.detection.dist",
        &["expected a name in quotes, found the number 3"],
    ),
    model(
        "number-in-quotes",
        Replace("rate_per_year = 0.5", "rate_per_year = \"0.5\""),
        "failure[0].rate_per_year",
        &["expected a number, found the string \"0.5\"; write the number without quotes"],
    ),
    model(
        "array-for-number",
        Replace("rate_per_year = 0.5", "rate_per_year = [0.5]"),
        "failure[0].rate_per_year",
        &["expected a number, found an array"],
    ),
    model(
        "negative-az-count",
        Replace("azs = 3 }, { name", "azs = -3 }, { name"),
        "topology.region[0].azs",
        &["expected a whole number, 0 or more, found the number -3"],
    ),
    model(
        "fractional-az-count",
        Replace("azs = 3 }, { name", "azs = 3.5 }, { name"),
        "topology.region[0].azs",
        &["expected a whole number, 0 or more, found the number 3.5"],
    ),
    model(
        "number-for-table",
        Replace("drill_interval = \"90d\"", "drill_interval = \"90d\"\nreliability = 5"),
        "strategy[0].reliability",
        &["expected a table, found the number 5"],
    ),
    model(
        "unknown-strategy-kind-nearest",
        Replace("kind = \"backup_restore\"", "kind = \"backup_restor\""),
        "strategy[0].kind",
        &["unknown strategy kind \"backup_restor\"; did you mean \"backup_restore\"? allowed: backup_restore, "],
    ),
    model(
        "single-brackets-for-an-array-of-tables",
        Replace("[[strategy]]\n", "[strategy]\n"),
        "strategy",
        &["expected an array [...], found a table", "double brackets: [[strategy]]"],
    ),
    model(
        "string-for-array",
        Replace("control_plane_probability = 0.3", "control_plane_probability = 0.3\nregions = \"us-east-1\""),
        "failure[0].regions",
        &["expected an array [...], found the string \"us-east-1\""],
    ),
    // Probabilities outside [0, 1].
    model(
        "probability-above-one",
        Replace("ransomware_share = 0.25", "ransomware_share = 1.5"),
        "failure[1].ransomware_share",
        &["1.5 is not a probability", "allowed: a number from 0 to 1"],
    ),
    model(
        "probability-negative",
        Replace("control_plane_probability = 0.3", "control_plane_probability = -0.1"),
        "failure[0].control_plane_probability",
        &["allowed: a number from 0 to 1"],
    ),
    model(
        "confidence-above-one",
        Replace("confidence = 0.9", "confidence = 2"),
        "targets.confidence",
        &["not a probability"],
    ),
    model(
        "job-success-percent",
        Replace("job_success = 0.99", "job_success = 99"),
        "strategy[0].backup.job_success",
        &["99 is not a probability"],
    ),
    // Durations.
    model(
        "duration-parsecs",
        Replace("rto = \"4h\"", "rto = \"5 parsecs\""),
        "targets.rto",
        &["unknown unit \"parsecs\"", "allowed: ms, s, m, h, d, w, y"],
    ),
    model(
        "duration-negative",
        Replace("rpo = \"1h\"", "rpo = \"-3h\""),
        "targets.rpo",
        &["negative durations are not allowed"],
    ),
    model("duration-empty", Replace("rpo = \"1h\"", "rpo = \"\""), "targets.rpo", &["empty duration", "\"90s\""]),
    model(
        "duration-no-unit",
        Replace("retention = \"35d\"", "retention = \"35\""),
        "strategy[0].backup.retention",
        &["missing unit"],
    ),
    model(
        "retention-below-interval",
        Replace("retention = \"35d\"", "retention = \"10m\""),
        "strategy[0].backup.retention",
        &["shorter than the backup interval", "allowed: at least one interval"],
    ),
    // Strategies.
    // Nothing in the file to point at: the start of the file and the key.
    Case {
        name: "no-strategies",
        edit: CutAt("[[strategy]]"),
        args: CHECK,
        code: 2,
        key: None,
        says: &[":1:1: strategy: no strategies", "add at least one [[strategy]]"],
    },
    model(
        "unknown-strategy-kind",
        Replace("kind = \"backup_restore\"", "kind = \"backup_and_pray\""),
        "strategy[0].kind",
        &[
            "unknown strategy kind \"backup_and_pray\"",
            "allowed: backup_restore, pilot_light, warm_standby, active_active",
        ],
    ),
    model(
        "unknown-failure-kind",
        Replace("kind = \"region\"", "kind = \"meteor\""),
        "failure[0].kind",
        &["allowed: az, region, logical"],
    ),
    model(
        "unknown-deployment",
        Replace("deployment = \"multi_az\"", "deployment = \"multi_region\""),
        "strategy[0].deployment",
        &["allowed: multi_az, single_az"],
    ),
    model(
        "duplicate-strategy-name",
        Extra("name = \"aa\"", "name = \"restore\""),
        "strategy[1].name",
        &["defined twice"],
    ),
    model(
        "shares-above-one",
        Extra("traffic_shares = [0.5, 0.5]", "traffic_shares = [0.5, 0.6]"),
        "strategy[1].traffic_shares",
        &["add up to 1.1", "must add up to 1"],
    ),
    model(
        "shares-missing-one",
        Extra("traffic_shares = [0.5, 0.5]", "traffic_shares = [1.0]"),
        "strategy[1].traffic_shares",
        &["one share per region"],
    ),
    model(
        "capacity-above-one",
        Extra("capacity_fraction = 0.5", "capacity_fraction = 1.5"),
        "strategy[2].capacity_fraction",
        &["allowed: a share above 0 and at most 1"],
    ),
    model(
        "load-profile-short",
        Append("\n[workload.load_profile]\nday_of_week = [1.0, 2.0]\n"),
        "workload.load_profile.day_of_week",
        &["give exactly 7"],
    ),
    // Regions.
    model(
        "unknown-primary",
        Replace("primary = \"us-east-1\"", "primary = \"mars-1\""),
        "topology.primary",
        &["\"mars-1\" is not a listed region", "allowed: us-east-1, us-west-2"],
    ),
    model(
        "unknown-dr-region",
        Replace("dr_region = \"us-west-2\"", "dr_region = \"mars-1\""),
        "strategy[0].dr_region",
        &["not in [topology]"],
    ),
    model(
        "dr-region-is-primary",
        Replace("dr_region = \"us-west-2\"", "dr_region = \"us-east-1\""),
        "strategy[0].dr_region",
        &["is the primary region"],
    ),
    model(
        "duplicate-region",
        Replace("{ name = \"us-west-2\", azs = 3 }", "{ name = \"us-east-1\", azs = 3 }"),
        "topology.region[1].name",
        &["listed twice"],
    ),
    // Empirical data.
    model(
        "empirical-file-missing",
        Replace(
            "detection_delay = { dist = \"lognormal\", median = \"2h\", p95 = \"2d\" }",
            "detection_delay = { dist = \"empirical\", file = \"no-such.csv\" }",
        ),
        "failure[1].detection_delay.file",
        &["cannot open empirical data file \"no-such.csv\""],
    ),
    model(
        "empirical-bad-rows",
        Replace(
            "detection_delay = { dist = \"lognormal\", median = \"2h\", p95 = \"2d\" }",
            "detection_delay = { dist = \"empirical\", file = \"bad-rows.csv\" }",
        ),
        "failure[1].detection_delay.file",
        &["bad-rows.csv:3", "\"abc\""],
    ),
    model(
        "empirical-no-values",
        Replace(
            "detection_delay = { dist = \"lognormal\", median = \"2h\", p95 = \"2d\" }",
            "detection_delay = { dist = \"empirical\", values = [] }",
        ),
        "failure[1].detection_delay.values",
        &["must not be empty"],
    ),
    // Unreadable models.
    Case {
        name: "model-missing",
        edit: Path("no-such-model.toml"),
        args: CHECK,
        code: 2,
        key: None,
        says: &["cannot read the model file", "No such file"],
    },
    Case {
        name: "model-is-a-directory",
        edit: Path("dir/"),
        args: CHECK,
        code: 2,
        key: None,
        says: &["cannot read the model file"],
    },
    // Values whose arithmetic would not finish (K2).
    model(
        "sub-second-backup-interval",
        Replace("interval = \"1h\"", "interval = \"0.01ms\""),
        "strategy[0].backup.interval",
        &["at least 1s", "replication_lag"],
    ),
    model(
        "gamma-shape-1e300",
        Replace(
            "detection_delay = { dist = \"lognormal\", median = \"2h\", p95 = \"2d\" }",
            "detection_delay = { dist = \"gamma\", shape = 1e300, scale = \"1ms\" }",
        ),
        "failure[1].detection_delay.shape",
        &["at most 1e6", "use dist = \"fixed\""],
    ),
    // Values whose arithmetic would not finish, or not stay finite, at any
    // size the model allows (shared/cases/hardening.md K2, K4): every value
    // has a documented range (docs/model-reference.md, Limits).
    model(
        "dur-tiny-interval",
        Replace("interval = \"1h\"", "interval = \"0.0001ms\""),
        "strategy[0].backup.interval",
        &["at least 1s"],
    ),
    model(
        "dur-tiny-interval-no-copy",
        Replace("interval = \"1h\"\njob_success = 0.99", "interval = \"1ms\"\njob_success = 0.0"),
        "strategy[0].backup.interval",
        &["at least 1s"],
    ),
    model(
        "dur-subnormal",
        Replace("interval = \"1h\"", "interval = \"0.000000000000000000000000000000000000000000001ms\""),
        "strategy[0].backup.interval",
        &["at least 1s"],
    ),
    model(
        "dur-2pow64",
        Replace("retention = \"35d\"", "retention = \"18446744073709551616s\""),
        "strategy[0].backup.retention",
        &["5.84942417355072e11 years is too long", "allowed: at most 1e6 years"],
    ),
    model(
        "num-revenue-1e308",
        Replace("revenue_per_hour = 1000.0", "revenue_per_hour = 1e308"),
        "workload.revenue_per_hour",
        &["1e308 is not allowed", "at most 1e12"],
    ),
    model(
        "num-revenue-a-year-too-large",
        Replace("revenue_per_hour = 1000.0", "revenue_per_hour = 1e9"),
        "workload.revenue_per_hour",
        &["the revenue (with the load profile) comes to $8.76e12 a year", "allowed: at most $1e11 a year"],
    ),
    model(
        "num-cost-1e308",
        Replace("primary_compute_usd_per_month = 1000.0", "primary_compute_usd_per_month = 1e308"),
        "costs.primary_compute_usd_per_month",
        &["1e308 is not allowed", "at most 1e12"],
    ),
    model(
        "num-fixed-cost-a-year-too-large",
        Append("\n[strategy.cost]\ndr_service_servers = 1e12\n"),
        "strategy[0].name",
        &["strategy \"restore\": the fixed DR cost comes to $", "allowed: at most $1e11 a year"],
    ),
    model(
        "num-incident-cost-too-large",
        Replace("[costs]\n", "[costs]\ntotal_data_loss_usd = 1e10\n"),
        "costs.total_data_loss_usd",
        &["allowed: zero or a positive amount, at most 1e9"],
    ),
    model(
        "num-load-1e308",
        Append(
            "\n[workload.load_profile]\nhour_of_day = [1e308, 1e308, 1e308, 1e308, 1e308, 1e308, 1e308, 1e308, 1e308, 1e308, 1e308, 1e308, 1e308, 1e308, 1e308, 1e308, 1e308, 1e308, 1e308, 1e308, 1e308, 1e308, 1e308, 1e308]\n",
        ),
        "workload.load_profile.hour_of_day",
        &["at most 1e12"],
    ),
    model(
        "chk-lognormal-mu-800",
        Replace(
            "detection_delay = { dist = \"lognormal\", median = \"2h\", p95 = \"2d\" }",
            "detection_delay = { dist = \"lognormal\", mu = 800.0, sigma = 1.0 }",
        ),
        "failure[1].detection_delay",
        &["its P99 is infinite", "allowed: a distribution whose P99 is at most 1e6 years"],
    ),
    model(
        "weibull-tail-beyond-limit",
        Replace(
            "detection_delay = { dist = \"lognormal\", median = \"2h\", p95 = \"2d\" }",
            "detection_delay = { dist = \"weibull\", shape = 0.01, scale = \"1h\" }",
        ),
        "failure[1].detection_delay",
        &["its P99 is", "at most 1e6 years"],
    ),
    model(
        "empirical-value-too-long",
        Replace(
            "detection_delay = { dist = \"lognormal\", median = \"2h\", p95 = \"2d\" }",
            "detection_delay = { dist = \"empirical\", values = [\"1h\", \"2000000y\"] }",
        ),
        "failure[1].detection_delay.values",
        &["values[1]: 2e6 years is too long"],
    ),
    model(
        "empirical-csv-cell-too-long",
        Replace(
            "detection_delay = { dist = \"lognormal\", median = \"2h\", p95 = \"2d\" }",
            "detection_delay = { dist = \"empirical\", file = \"huge.csv\", column = \"duration_hours\", unit = \"h\" }",
        ),
        "failure[1].detection_delay.file",
        &["huge.csv:2", "too large once scaled by the unit"],
    ),
    cli("cli-years-1e-300", &["run", "{model}", "--years", "1e-300"], 2, &["--years 1e-300", "from 0.001"]),
    cli(
        "fit-huge-duration",
        &["fit", "{dir}/huge.csv"],
        2,
        &["duration_hours", "1e308", "allowed: 1e-6 to 8760000 hours"],
    ),
    cli(
        "fit-huge-duration-out",
        &["fit", "{dir}/huge.csv", "--out", "{dir}/f"],
        2,
        &["duration_hours", "1e308", "allowed: 1e-6 to 8760000 hours"],
    ),
    // Memory (K3): a documented limit on strategies, and on the failures a
    // trial may expect (rate x components x --years).
    model(
        "toml-100k-strategies",
        Repeat("\n[[strategy]]\nname = \"s{i}\"\nkind = \"backup_restore\"\n", 1000),
        "strategy[1000].name",
        &["1001 strategies are too many", "allowed: at most 1000"],
    ),
    Case {
        name: "num-rate-8760-years-1000",
        edit: Replace("rate_per_year = 0.5", "rate_per_year = 8760"),
        args: &["run", "{model}", "--years", "1000", "--trials", "2", "-q"],
        code: 2,
        key: None,
        says: &["--years 1000", "expects 17521000 failures per trial", "allowed: at most 1000000 per trial"],
    },
    cli(
        "out-cwd-force",
        &["run", "{model}", "--trials", "10", "-q", "--force", "--out", "."],
        2,
        &[".: ends in `.` or `..`, so it names no directory of its own"],
    ),
    // A sign inside a duration is a syntax error, not a negative duration (K8).
    model(
        "duration-minus-inside",
        Replace("rto = \"4h\"", "rto = \"1h-30m\""),
        "targets.rto",
        &["unexpected '-' at \"-30m\""],
    ),
    // Files that are not regular files, or empty (shared/cases/hardening.md K1, K8):
    // refused before they are opened, so a FIFO cannot hang and /dev/zero
    // cannot exhaust memory.
    Case {
        name: "model-dev-zero",
        edit: Path("/dev/zero"),
        args: CHECK,
        code: 2,
        key: None,
        says: &["cannot read the model file", "not a regular file (it is a device)"],
    },
    Case {
        name: "model-fifo",
        edit: Path("fifo"),
        args: CHECK,
        code: 2,
        key: None,
        says: &["cannot read the model file", "not a regular file (it is a FIFO)"],
    },
    model(
        "empirical-dev-zero",
        Replace(
            "detection_delay = { dist = \"lognormal\", median = \"2h\", p95 = \"2d\" }",
            "detection_delay = { dist = \"empirical\", file = \"/dev/zero\" }",
        ),
        "failure[1].detection_delay.file",
        &["not a regular file (it is a device)"],
    ),
    model(
        "empirical-fifo",
        Replace(
            "detection_delay = { dist = \"lognormal\", median = \"2h\", p95 = \"2d\" }",
            "detection_delay = { dist = \"empirical\", file = \"fifo\" }",
        ),
        "failure[1].detection_delay.file",
        &["not a regular file (it is a FIFO)"],
    ),
    model(
        "empirical-empty-file",
        Replace(
            "detection_delay = { dist = \"lognormal\", median = \"2h\", p95 = \"2d\" }",
            "detection_delay = { dist = \"empirical\", file = \"empty.csv\" }",
        ),
        "failure[1].detection_delay.file",
        &["empty.csv is empty", "expected a header row"],
    ),
    cli("merge-dev-zero", &["merge", "/dev/zero", "--out", "{dir}/m"], 2, &["/dev/zero", "not a regular file"]),
    cli("merge-fifo", &["merge", "{dir}/fifo", "--out", "{dir}/m"], 2, &["fifo", "not a regular file (it is a FIFO)"]),
    cli("fit-fifo", &["fit", "{dir}/fifo"], 2, &["not a regular file (it is a FIFO)"]),
    cli("fit-dev-zero", &["fit", "/dev/zero"], 2, &["not a regular file (it is a device)"]),
    // `drsim fit` divisors that cannot apply: the rate of one region is not
    // spread over others, a region rate has no AZs, a filter names one region.
    cli(
        "fit-regions-with-region",
        &["fit", OUTAGES, "--region", "us-east-1", "--regions", "3"],
        2,
        &["'--region <REGION>' cannot be used with '--regions <N>'"],
    ),
    cli(
        "fit-azs-for-a-region-rate",
        &["fit", OUTAGES, "--kind", "region", "--azs", "3"],
        2,
        &["--azs: only --kind az"],
    ),
    cli("fit-zero-azs", &["fit", OUTAGES, "--kind", "az", "--azs", "0"], 2, &["'0' for '--azs"]),
    cli(
        "fit-region-filter-names-several",
        &["fit", OUTAGES, "--kind", "region", "--region", "us-east"],
        2,
        &["--region us-east matches 3 regions (us-east-1, us-east1, us-east4)", "give one region's full name"],
    ),
    // Parts that contradict themselves or their model (K6): refused, never merged.
    Case {
        name: "merge-tamper-rto-met",
        edit: Part(|v| {
            let k = &mut v["tally"]["strategies"][0]["kinds"][2];
            k["rto_met"] = serde_json::json!(k["incidents"].as_u64().unwrap() * 10 + 1);
        }),
        args: MERGE,
        code: 2,
        key: None,
        says: &["p/part.json: damaged: ", "rto_met is", "more than its"],
    },
    Case {
        name: "merge-tamper-trials-0",
        edit: Part(|v| v["tally"]["trials"] = serde_json::json!(0)),
        args: MERGE,
        code: 2,
        key: None,
        says: &["p/part.json: damaged: the tally counts 0 trials, its range 0..20 holds 20"],
    },
    Case {
        name: "merge-forged-years-0",
        edit: Part(|v| v["years"] = serde_json::json!(0.0)),
        args: MERGE,
        code: 2,
        key: None,
        says: &["p/part.json: damaged: years per trial: --years 0", "from 0.001"],
    },
    Case {
        name: "merge-forged-years-1e300",
        edit: Part(|v| v["years"] = serde_json::json!(1e300)),
        args: MERGE,
        code: 2,
        key: None,
        says: &["p/part.json: damaged: years per trial: --years 1e300", "to 1000"],
    },
    Case {
        name: "merge-forged-strategies-none",
        edit: Part(|v| v["strategies"] = serde_json::json!(["nope"])),
        args: MERGE,
        code: 2,
        key: None,
        says: &["p/part.json: damaged: strategies [nope] are not strategies of its model"],
    },
    Case {
        name: "merge-tally-shape",
        edit: Part(|v| v["tally"]["strategies"] = serde_json::json!([])),
        args: MERGE,
        code: 2,
        key: None,
        says: &["p/part.json: damaged: the tally does not have the shape of 1 strategies"],
    },
    Case {
        name: "merge-model-text-forged",
        edit: Part(|v| {
            let text = v["model_text"].as_str().unwrap().replacen(
                "revenue_per_hour = 1000.0",
                "revenue_per_hour = 9999999.0",
                1,
            );
            v["model_text"] = serde_json::json!(text);
        }),
        args: MERGE,
        code: 2,
        key: None,
        says: &["p/part.json: damaged: the model text hashes to", "not to the recorded model_sha256"],
    },
    // Found by fuzzing the part reader: quantiles clamp into [min, max].
    Case {
        name: "merge-histogram-min-above-max",
        edit: Part(|v| {
            let h = &mut v["tally"]["strategies"][0]["trial_cost_usd"];
            h["min"] = serde_json::json!(h["max"].as_f64().unwrap() + 1.0);
        }),
        args: MERGE,
        code: 2,
        key: None,
        says: &["p/part.json: cannot read the partial result: damaged: min", "is above max"],
    },
    // Output directories that --force must not replace (K7).
    cli(
        "force-on-the-models-folder",
        &["run", "{model}", "--trials", "10", "-q", "--force", "--out", "{dir}"],
        2,
        &["has no .drsim-output manifest", "--force replaces only a previous drsim output"],
    ),
    cli(
        "force-on-a-dotdot-path",
        &["run", "{model}", "--trials", "10", "-q", "--force", "--out", "{dir}/dir/.."],
        2,
        &["names no directory of its own"],
    ),
    cli(
        "force-on-a-users-folder",
        &["run", "{model}", "--trials", "10", "-q", "--force", "--out", "{dir}/full"],
        2,
        &["full: has no .drsim-output manifest"],
    ),
    // Command-line values.
    cli("zero-trials", &["run", "{model}", "--trials", "0"], 2, &["'0' for '--trials", "1.."]),
    cli("text-trials", &["run", "{model}", "--trials", "many"], 2, &["'many' for '--trials"]),
    cli(
        "nan-years",
        &["run", "{model}", "--years", "nan"],
        2,
        &["--years NaN", "allowed: a number of years from 0.001"],
    ),
    cli("zero-years", &["run", "{model}", "--years", "0"], 2, &["--years 0", "allowed"]),
    cli("huge-years", &["run", "{model}", "--years", "1e9"], 2, &["--years 1e9", "to 1000"]),
    cli("zero-threads", &["run", "{model}", "--threads", "0"], 2, &["'0' for '--threads", "1..=1024"]),
    cli("precision-above-one", &["run", "{model}", "--precision", "2"], 2, &["allowed: a number between 0 and 1"]),
    cli("unknown-strategy-flag", &["run", "{model}", "--strategy", "nope"], 2, &["no such strategy", "known: restore"]),
    cli("unknown-format", &["run", "{model}", "--format", "yaml"], 2, &["possible values: table, json"]),
    cli("unknown-subcommand", &["frobnicate"], 2, &["unrecognized subcommand"]),
    cli("missing-model-argument", &["run"], 2, &["<MODEL>"]),
    // Output directories.
    cli("out-under-a-file", &["run", "{model}", "--trials", "10", "-q", "--out", "{dir}/a-file/out"], 2, &["a-file"]),
    cli(
        "out-exists",
        &["run", "{model}", "--trials", "10", "-q", "--out", "{dir}/full"],
        2,
        &["already exists", "--force"],
    ),
    // Risky recovery inputs (issue 15 items 5-7).
    model(
        "restore-unusable-above-one",
        Append("unusable_probability = 1.5\nfailed_attempt = { dist = \"fixed\", value = \"30m\" }\n"),
        "strategy[0].restore.unusable_probability",
        &["1.5 is not a probability", "allowed: a number from 0 to 1"],
    ),
    model(
        "restore-failed-attempt-missing",
        Append("unusable_probability = 0.3\n"),
        "strategy[0].restore.failed_attempt",
        &["missing", "failed_attempt"],
    ),
    model(
        "restore-test-interval-moved",
        Append(
            "unusable_drift = \"90d\"\nfailed_attempt = { dist = \"fixed\", value = \"30m\" }\ntest_interval = \"30d\"\n",
        ),
        "strategy[0].restore.test_interval",
        &["replaced by `[strategy.backup] restore_test_interval`", "move the key there"],
    ),
    model(
        "promote-after-on-backup-restore",
        Replace("kind = \"backup_restore\"", "kind = \"backup_restore\"\npromote_after = \"1m\""),
        "strategy[0].promote_after",
        &["not a parameter of a backup_restore strategy", "pilot_light, warm_standby"],
    ),
    model(
        "drill-risk-not-a-probability",
        Extra(
            "scale_up = { dist = \"fixed\", value = \"10m\" }",
            "scale_up = { dist = \"fixed\", value = \"10m\" }\n[strategy.drill_risk]\nfailback_failure_probability = 2.0\noutage = { dist = \"fixed\", value = \"4h\" }",
        ),
        "strategy[2].drill_risk.failback_failure_probability",
        &["2 is not a probability", "allowed: a number from 0 to 1"],
    ),
    model(
        "drill-risk-outage-missing",
        Extra(
            "scale_up = { dist = \"fixed\", value = \"10m\" }",
            "scale_up = { dist = \"fixed\", value = \"10m\" }\n[strategy.drill_risk]\nfailback_failure_probability = 0.05",
        ),
        "strategy[2].drill_risk.outage",
        &["missing", "`outage`"],
    ),
    model(
        "split-brain-share-above-one",
        Extra(
            "scale_up = { dist = \"fixed\", value = \"10m\" }",
            "scale_up = { dist = \"fixed\", value = \"10m\" }\n[strategy.split_brain]\nreconcile = { dist = \"fixed\", value = \"1h\" }\nunserved_share = 1.5",
        ),
        "strategy[2].split_brain.unserved_share",
        &["1.5 is not allowed", "allowed: a share of the load from 0 to 1"],
    ),
    model(
        "dr-failure-negative-rate",
        Extra(
            "scale_up = { dist = \"fixed\", value = \"10m\" }",
            "scale_up = { dist = \"fixed\", value = \"10m\" }\n[strategy.dr_failure]\nrate_per_year = -1.0",
        ),
        "strategy[2].dr_failure.rate_per_year",
        &["-1 is not allowed", "allowed: 0 to 8760"],
    ),
    model(
        "failover-cost-negative",
        Extra(
            "scale_up = { dist = \"fixed\", value = \"10m\" }",
            "scale_up = { dist = \"fixed\", value = \"10m\" }\ncost = { failover_usd_per_hour = -5.0 }",
        ),
        "strategy[2].cost.failover_usd_per_hour",
        &["allowed: zero or a positive amount"],
    ),
];

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bad")
}

/// Writes the case's model (and any neighbours it needs) into `dir`.
fn prepare(case: &Case, dir: &Path) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::copy(fixtures().join("bad-rows.csv"), dir.join("bad-rows.csv")).unwrap();
    std::fs::write(dir.join("a-file"), "not a directory").unwrap();
    std::fs::create_dir_all(dir.join("full")).unwrap();
    std::fs::write(dir.join("full/results.json"), "{}").unwrap();
    std::fs::create_dir_all(dir.join("dir")).unwrap();
    std::fs::write(dir.join("empty.csv"), "").unwrap();
    std::fs::write(
        dir.join("huge.csv"),
        "date,provider,region,scope,services,duration_hours,source\n\
         2020-01-01,AWS,r,single-AZ,EC2,1e308,x\n2021-01-01,AWS,r,single-AZ,EC2,1e-308,x\n",
    )
    .unwrap();
    let fifo = dir.join("fifo");
    if !fifo.exists() {
        let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo runs");
        assert!(made.success(), "mkfifo {}", fifo.display());
    }
    let base = std::fs::read_to_string(fixtures().join("base.toml")).unwrap();
    let replace = |text: &str, from: &str, to: &str| {
        assert!(text.contains(from), "{}: {from:?} is not in the base model", case.name);
        text.replacen(from, to, 1)
    };
    let text = match case.edit {
        Replace(from, to) => replace(&base, from, to),
        Extra(from, to) => {
            let extra = std::fs::read_to_string(fixtures().join("extra-strategies.toml")).unwrap();
            replace(&format!("{base}\n{extra}"), from, to)
        }
        Append(more) => format!("{base}{more}"),
        Repeat(more, n) => (0..n).fold(base, |text, i| text + &more.replace("{i}", &i.to_string())),
        CutAt(marker) => base[..base.find(marker).expect("marker")].to_string(),
        Whole(text) => text.to_string(),
        Base | Part(_) => base,
        Path(name) => return dir.join(name),
    };
    let path = dir.join(format!("{}.toml", case.name));
    std::fs::write(&path, text).unwrap();
    if let Part(edit) = case.edit {
        let out = Command::new(env!("CARGO_BIN_EXE_drsim"))
            .args(["run", "--trials", "20", "-q", "--shard", "1/1", "--out"])
            .arg(dir.join("p"))
            .arg(&path)
            .output()
            .expect("runs drsim");
        assert!(out.status.success(), "{}: the shard run: {}", case.name, String::from_utf8_lossy(&out.stderr));
        let part = dir.join("p/part.json");
        let mut value: serde_json::Value = serde_json::from_slice(&std::fs::read(&part).unwrap()).unwrap();
        edit(&mut value);
        std::fs::write(&part, serde_json::to_vec(&value).unwrap()).unwrap();
    }
    path
}

/// Checks that the error names `path:L:C: key:` and that line L of the model
/// really holds the key's last name (or, for a missing key, its table header).
fn assert_located(case: &Case, stderr: &str, path: &Path, key: &str) {
    let prefix = format!("{}:", path.display());
    let line = stderr
        .lines()
        .map(|l| l.trim_start_matches("error: "))
        .find(|l| l.starts_with(&prefix) && l.contains(&format!(": {key}: ")))
        .unwrap_or_else(|| panic!("{}: no `{prefix}L:C: {key}:` in:\n{stderr}", case.name));
    let mut parts = line[prefix.len()..].splitn(3, ':');
    let row: usize = parts.next().unwrap().parse().unwrap_or_else(|_| panic!("{}: line in {line}", case.name));
    let column: usize = parts.next().unwrap().parse().unwrap_or_else(|_| panic!("{}: column in {line}", case.name));
    assert!(row >= 1 && column >= 1, "{}: {line}", case.name);
    let text = std::fs::read_to_string(path).unwrap();
    let held = text.lines().nth(row - 1).unwrap_or_default();
    let last = key.rsplit('.').next().unwrap_or(key);
    let last = last.split('[').next().unwrap_or(last);
    // A missing key is pointed at the header of the table it is missing from.
    let header = held.trim_start().starts_with('[');
    assert!(held.contains(last) || header, "{}: line {row} ({held:?}) does not hold `{last}`", case.name);
}

/// How long one case may take: each answers in well under a second, so a
/// case that takes this long hangs (shared/cases/hardening.md K1, K2).
const LIMIT: Duration = Duration::from_secs(60);

/// Runs `command` to its end and collects its output, or kills it and fails
/// the case when it has not ended within `limit`.
fn output_within(mut command: Command, limit: Duration, name: &str) -> Output {
    let mut child = command.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("runs drsim");
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            bytes
        })
    };
    let stdout = drain(Box::new(child.stdout.take().expect("piped")));
    let stderr = drain(Box::new(child.stderr.take().expect("piped")));
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("waits") {
            break status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{name}: no answer within {limit:?}: drsim hangs on this input");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    Output { status, stdout: stdout.join().expect("stdout"), stderr: stderr.join().expect("stderr") }
}

#[test]
fn every_bad_input_gets_a_clear_error_and_no_panic() {
    let root = std::env::temp_dir().join(format!("drsim-bad-input-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let mut names = std::collections::HashSet::new();
    for case in CASES {
        assert!(names.insert(case.name), "case {} is listed twice", case.name);
        let dir = root.join(case.name);
        let path = prepare(case, &dir);
        let args: Vec<String> = case
            .args
            .iter()
            .map(|a| a.replace("{model}", &path.display().to_string()).replace("{dir}", &dir.display().to_string()))
            .collect();
        let mut command = Command::new(env!("CARGO_BIN_EXE_drsim"));
        // In the table's own temporary directory, so that `--out .` names it.
        command.args(&args).env("RUST_BACKTRACE", "1").current_dir(&root);
        let out = output_within(command, LIMIT, case.name);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(case.code), "{}: {args:?}\n{stderr}", case.name);
        for banned in ["panicked", "backtrace", "RUST_BACKTRACE", "thread 'main'"] {
            assert!(!stderr.contains(banned), "{}: {banned} in\n{stderr}", case.name);
        }
        assert!(stderr.starts_with("error: "), "{}: {stderr}", case.name);
        for fragment in case.says {
            assert!(stderr.contains(fragment), "{}: {fragment:?} not in\n{stderr}", case.name);
        }
        if case.args == CHECK {
            for rust in RUST_WORDS {
                assert!(!stderr.contains(rust), "{}: Rust's word {rust:?} in\n{stderr}", case.name);
            }
        }
        if let Some(key) = case.key {
            assert_located(case, &stderr, &path, key);
        }
        if case.args[0] == "run" && case.name.starts_with("out-") {
            assert!(!dir.join("a-file/out").exists(), "{}: wrote output", case.name);
            assert_eq!(std::fs::read_to_string(dir.join("full/results.json")).unwrap(), "{}", "{}", case.name);
        }
    }
    // The table's size is reported in the closing note.
    assert!(CASES.len() >= 60, "{} cases", CASES.len());
    let _ = std::fs::remove_dir_all(&root);
}
