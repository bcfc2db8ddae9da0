//! Tests of the history reader, scope classification, the real data file
//! and the TOML snippet.

use std::path::{Path, PathBuf};

use super::super::*;

#[test]
fn sig_formats_significant_digits() {
    for (x, want) in [
        (3.2, "3.2"),
        (0.857_142, "0.857"),
        (80.0, "80"),
        (336.4, "336"),
        (12_345.0, "12300"),
        (9.996, "10"),
        (0.000_123_45, "0.000123"),
        (-2.345_6, "-2.35"),
        (0.0, "0"),
    ] {
        assert_eq!(sig(x, 3), want, "{x}");
    }
    assert_eq!(hours(4.123), "4.12h");
}

fn snippet_for(params: Params) -> String {
    let fit = FamilyFit {
        family: params.family(),
        params,
        log_likelihood: -28.6,
        aic: 61.2,
        ks_statistic: 0.1412,
        ks_p_value: 0.9311,
        param_std_errors: params,
    };
    let next = FamilyFit { family: Family::Weibull, aic: 62.04, ..fit.clone() };
    failure_snippet_ranked(&one_region(ScopeKind::Region), 0.857, (0.443, 1.497), 12, 14.0, &[fit, next], "x.csv")
}

/// The rate of one region's own history, so the snippet gives it unchanged.
fn one_region(kind: ScopeKind) -> RateScope {
    RateScope { kind, provider: Some("AWS".into()), region: Some("us-east-1".into()), regions: None, azs: None }
}

#[test]
fn failure_snippet_lognormal_uses_hours_and_seconds() {
    let s = snippet_for(Params::Lognormal { mu: 1.72, sigma: 0.81 });
    assert!(s.starts_with("# Fitted by `drsim fit` from x.csv: 12 events over 14.0 years.\n"));
    assert!(s.contains("# Rate 0.857/yr for us-east-1 (95% exact Poisson interval 0.443-1.5).\n"));
    assert!(s.contains("# rate_per_year is per region: this rate counts one region, so it is used as it is.\n"));
    assert!(s.contains("# Duration: lognormal by MLE, AIC 61.2 (next: weibull 62.0), KS D = 0.14, p = 0.93.\n"));
    assert!(s.contains("[[failure]]\nkind = \"region\"\nrate_per_year = 0.857   # per region\n"));
    // median e^1.72 = 5.58 h; p95 = e^(1.72 + 1.6449 * 0.81) = 21.2 h.
    assert!(s.contains("duration = { dist = \"lognormal\", median = \"5.58h\", p95 = \"21.2h\" }\n"));
    // mu of ln(seconds) = 1.72 + ln 3600 = 9.909.
    assert!(s.contains("mu = 9.91, sigma = 0.81"), "{s}");
    assert!(!s.contains("Warning"));
}

#[test]
fn failure_snippet_other_families() {
    let s = snippet_for(Params::Weibull { shape: 0.834, scale: 4.1 });
    assert!(s.contains("duration = { dist = \"weibull\", shape = 0.834, scale = \"4.1h\" }"));
    let s = snippet_for(Params::Gamma { shape: 2.0, scale: 3.456 });
    assert!(s.contains("duration = { dist = \"gamma\", shape = 2.0, scale = \"3.46h\" }"));
    let s = snippet_for(Params::Exponential { mean: 5.2 });
    assert!(s.contains("duration = { dist = \"exponential\", mean = \"5.2h\" }"));
    let one = fit(Family::Exponential, &[1.0, 2.0, 3.0]).unwrap();
    let az = RateScope { azs: Some(4), ..one_region(ScopeKind::Az) };
    let s = failure_snippet(&az, 1.0, (0.5, 2.0), 3, 3.0, &one, "a\nb");
    // 1.0/yr for the region's 4 AZs together: 0.25 per AZ, interval 0.125 to 0.5.
    assert!(s.contains("from a b: 3 events") && s.contains("rate_per_year = 0.25   # per AZ\n"), "{s}");
    assert!(s.contains("# rate_per_year is per AZ: 1/yr / 4 AZs (--azs) = 0.25/yr\n"), "{s}");
    assert!(s.contains("# (95% interval 0.125 to 0.5), assuming incidents strike every AZ alike.\n"), "{s}");
    assert!(!s.contains("next:"));
}

// The snippet's rate_per_year means what the key means in a model (per region
// for `region`, per AZ for `az`), computed by hand from the bundled AWS
// history: 9 region events and 11 AZ events over 15 catalogue years.
#[test]
fn snippet_rate_is_per_region_or_per_az_as_in_a_model() {
    let records = read_history(Path::new(REAL)).unwrap();
    let aws = Filter { provider: Some("AWS".into()), ..Filter::default() };
    let years = observation_years(&select(&records, &aws));
    let snippet = |kind: ScopeKind, region: Option<&str>, regions: Option<u32>, azs: Option<u32>| {
        let chosen = select(&records, &Filter { kind: Some(kind), region: region.map(str::to_string), ..aws.clone() });
        let hours: Vec<f64> = chosen.iter().map(|r| r.duration_hours).collect();
        let n = chosen.len() as u64;
        let scope = RateScope { kind, provider: Some("AWS".into()), region: region.map(str::to_string), regions, azs };
        failure_snippet_ranked(&scope, n as f64 / years, (0.0, 0.0), n, years, &fit_all(&hours), REAL)
    };
    // Provider-wide region rate 9 / 15 = 0.6 over 20 regions: 0.03 per region.
    let s = snippet(ScopeKind::Region, None, Some(20), None);
    assert!(s.contains("# Rate 0.6/yr for all of AWS, every region together"), "{s}");
    assert!(s.contains("\nrate_per_year = 0.03   # per region\n"), "{s}");
    // Provider-wide AZ rate 11 / 15 = 0.7333 over 20 regions x 3 AZs: 0.01222 per AZ.
    let s = snippet(ScopeKind::Az, None, Some(20), Some(3));
    assert!(s.contains("\nrate_per_year = 0.0122   # per AZ\n"), "{s}");
    // us-east-1's own AZ events: 6 / 15 = 0.4 for its 6 AZs together: 0.0667 per AZ.
    let s = snippet(ScopeKind::Az, Some("us-east-1"), None, Some(6));
    assert!(s.contains("6 events over 15.0 years") && s.contains("\nrate_per_year = 0.0667   # per AZ\n"), "{s}");
    // us-east-1's own region events: 8 / 15 = 0.533, already per region.
    let s = snippet(ScopeKind::Region, Some("us-east-1"), None, None);
    assert!(s.contains("\nrate_per_year = 0.533   # per region\n"), "{s}");
    // Without the divisors the key is left for the user, and the comment says why.
    let s = snippet(ScopeKind::Region, None, None, None);
    assert!(s.contains("\n# rate_per_year = ?   # per region: see above\n"), "{s}");
    assert!(!s.contains("\nrate_per_year"), "{s}");
}

#[test]
fn region_counts_split_multi_region_cells() {
    let records = read_history(Path::new(REAL)).unwrap();
    let f = Filter { provider: Some("AWS".into()), kind: Some(ScopeKind::Region), region: None };
    let counts = region_counts(&select(&records, &f));
    let want = [("us-east-1", 8), ("us-west-1", 1), ("us-west-2", 1)];
    assert_eq!(counts, want.map(|(n, c)| (n.to_string(), c)).to_vec());
}

// ---------------------------------------------------------------- history

const REAL: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/models/data/public-outages.csv");

#[test]
fn classify_every_scope_in_the_real_data() {
    use ScopeKind::{Az, Region};
    let table = [
        ("single-AZ", Az),
        ("single-AZ power", Az),
        ("single-AZ (use1-az4 power)", Az),
        ("single-AZ (+regional EBS API)", Az),
        ("single-AZ (+regional control plane)", Az),
        ("single-AZ EBS (+regional API throttling)", Az),
        ("single datacenter in one AZ", Az),
        ("single AZ (cooling)", Az),
        ("single AZ (Az01 network config)", Az),
        ("zone -a destroyed (initial region-wide)", Az),
        ("single datacenter (region-wide impact)", Region),
        ("single zone (regional impact)", Region),
        ("multi-region network", Region),
        ("global control plane (Service Control)", Region),
        ("regional service", Region),
        ("regional service (internal Kinesis cell)", Region),
        ("regional (control planes)", Region),
        ("regional (DynamoDB DNS)", Region),
        ("regional (storage config)", Region),
        ("control plane (ARM)", Region),
    ];
    for (scope, kind) in table {
        assert_eq!(ScopeKind::classify(scope), kind, "{scope}");
    }
    let records = read_history(Path::new(REAL)).unwrap();
    for r in &records {
        assert!(table.iter().any(|(s, _)| *s == r.scope), "untabulated {}", r.scope);
    }
    assert_eq!(ScopeKind::classify("hazard in the building"), ScopeKind::Other);
    assert_eq!(ScopeKind::classify("Zonal storage"), ScopeKind::Az);
    assert_eq!("AZ".parse::<ScopeKind>(), Ok(ScopeKind::Az));
    assert_eq!("Region".parse::<ScopeKind>(), Ok(ScopeKind::Region));
    assert!("continent".parse::<ScopeKind>().is_err());
}

#[test]
fn real_history_fits_aws() {
    let records = read_history(Path::new(REAL)).unwrap();
    assert_eq!(records.len(), 29);
    assert_eq!(records[0].line, 2);
    assert_eq!(records[0].year, 2011);
    assert_eq!(records[0].duration_hours, 80.0);
    let aws = Filter { provider: Some("aws".into()), ..Filter::default() };
    let window = select(&records, &aws);
    let years = observation_years(&window);
    assert_eq!(years, 15.0, "AWS catalogue covers 2011-2025");
    // Region: 9 events, best exponential (mean 82.55 h / 9); AZ: 11 events,
    // best lognormal (mu, sigma of ln hours). `cargo test real_history --
    // --nocapture` prints every family and the snippets.
    let expected = [
        (ScopeKind::Region, 9, Params::Exponential { mean: 82.55 / 9.0 }),
        (ScopeKind::Az, 11, Params::Lognormal { mu: 1.5422, sigma: 1.2786 }),
    ];
    for (kind, count, best) in expected {
        let f = Filter { kind: Some(kind), ..aws.clone() };
        let events = select(&records, &f);
        assert_eq!(events.len(), count, "{kind}");
        let hours: Vec<f64> = events.iter().map(|r| r.duration_hours).collect();
        let fits = fit_all(&hours);
        assert_eq!(fits.len(), 4, "{kind}: every family converges");
        for f in &fits {
            eprintln!(
                "AWS {kind}: {} {:?} SE {:?} AIC {:.2} KS D {:.3} p {:.3}",
                f.family, f.params, f.param_std_errors, f.aic, f.ks_statistic, f.ks_p_value
            );
        }
        let rate = count as f64 / years;
        let scope = RateScope { kind, provider: Some("AWS".into()), region: None, regions: None, azs: None };
        let s = failure_snippet_ranked(&scope, rate, (0.0, 0.0), count as u64, years, &fits, REAL);
        eprintln!("{s}");
        assert_eq!(fits[0].family, best.family(), "{kind}");
        for ((name, got), (_, want)) in fits[0].params.values().iter().zip(best.values()) {
            assert!((got - want).abs() < 1e-4 * want.abs(), "{kind} {name}: {got} vs {want}");
        }
        assert!(fits[0].ks_p_value > 0.05, "{kind}: best family fits");
    }
}

struct TempCsv(PathBuf);

impl TempCsv {
    fn new(name: &str, text: &str) -> TempCsv {
        let path = std::env::temp_dir().join(format!("drsim-fit-{}-{name}.csv", std::process::id()));
        std::fs::write(&path, text).unwrap();
        TempCsv(path)
    }
}

impl Drop for TempCsv {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

const HEADER: &str = "date,provider,region,scope,services,duration_hours,source\n";

#[test]
fn read_history_names_missing_columns() {
    let t = TempCsv::new("missing", "date,provider,region,scope,services\n2020-01-01,AWS,x,single-AZ,EC2\n");
    let msg = read_history(&t.0).unwrap_err().to_string();
    let file = t.0.display().to_string();
    assert!(msg.contains(&file), "{msg}");
    assert!(msg.contains("missing column(s) duration_hours, source"), "{msg}");
}

#[test]
fn read_history_bad_duration_names_file_line_column_and_text() {
    let text = format!("{HEADER}2020-01-01,AWS,x,single-AZ,EC2,1.5,u\n2020-02-01,AWS,x,single-AZ,EC2,abc,u\n");
    let t = TempCsv::new("bad-duration", &text);
    let err = read_history(&t.0).unwrap_err();
    assert!(matches!(err, FitError::BadField { line: 3, column: "duration_hours", .. }));
    let msg = err.to_string();
    let want = format!("{}:3: column duration_hours: not a number: \"abc\"", t.0.display());
    assert_eq!(msg, want);
}

#[test]
fn read_history_other_errors() {
    let cases = [
        ("2020-02-30,AWS,x,single-AZ,EC2,1,u", "2: column date"),
        ("2020-01-01,AWS,x,single-AZ,EC2,-1,u", "2: column duration_hours: not a positive"),
        ("2020-01-01,,x,single-AZ,EC2,1,u", "2: column provider: empty"),
        ("2020-01-01,AWS,x,single-AZ,EC2,1", "2: malformed CSV: row has 6 cells but the header has 7"),
    ];
    for (i, (row, want)) in cases.iter().enumerate() {
        let t = TempCsv::new(&format!("other-{i}"), &format!("{HEADER}{row}\n"));
        let msg = read_history(&t.0).unwrap_err().to_string();
        assert!(msg.contains(want), "{row}: {msg}");
    }
    let msg = read_history(Path::new("/nonexistent/h.csv")).unwrap_err().to_string();
    assert!(msg.starts_with("cannot read /nonexistent/h.csv"), "{msg}");
    // Column order is free, extra columns and comment lines are fine.
    let text = "# comment\nsource,duration_hours,services,scope,region,provider,date,extra\nu, 2.5 ,EC2,single-AZ,x,GCP,2024-02-29,z\n";
    let t = TempCsv::new("reordered", text);
    let r = read_history(&t.0).unwrap();
    assert_eq!((r[0].line, r[0].year, r[0].duration_hours), (3, 2024, 2.5));
    assert_eq!(r[0].provider, "GCP");
}

#[test]
fn filter_and_observation_window() {
    let records = read_history(Path::new(REAL)).unwrap();
    let by_region = |g: &str| Filter { region: Some(g.into()), ..Filter::default() };
    // Substring match: us-west-2 is in "us-west-1+us-west-2".
    assert_eq!(select(&records, &by_region("US-WEST-2")).len(), 1);
    assert_eq!(select(&records, &by_region("us-east-1")).len(), 14);
    let gcp = Filter { provider: Some("gcp".into()), kind: Some(ScopeKind::Region), region: None };
    let sel = select(&records, &gcp);
    assert_eq!(sel.len(), 3);
    assert_eq!(observation_years(&sel), 2025.0 - 2019.0 + 1.0);
    assert_eq!(observation_years(&[]), 0.0);
    assert_eq!(select(&records, &Filter::default()).len(), 29);
}

#[test]
fn mle_is_a_local_maximum_on_real_data() {
    // Every fitted family: moving any parameter by ±0.1% lowers lnL, and the
    // reported lnL and AIC match the parameters.
    let records = read_history(Path::new(REAL)).unwrap();
    let hours: Vec<f64> = records.iter().map(|r| r.duration_hours).collect();
    for f in fit_all(&hours) {
        let ll = f.params.log_likelihood(&hours);
        assert!((ll - f.log_likelihood).abs() < 1e-9);
        let k = f.family.num_params() as f64;
        assert!((f.aic - (2.0 * k - 2.0 * ll)).abs() < 1e-9);
        let v: Vec<f64> = f.params.values().iter().map(|p| p.1).collect();
        for i in 0..v.len() {
            for step in [1.001, 0.999] {
                let mut w = v.clone();
                w[i] *= step;
                let moved = match f.params {
                    Params::Exponential { .. } => Params::Exponential { mean: w[0] },
                    Params::Lognormal { .. } => Params::Lognormal { mu: w[0], sigma: w[1] },
                    Params::Weibull { .. } => Params::Weibull { shape: w[0], scale: w[1] },
                    Params::Gamma { .. } => Params::Gamma { shape: w[0], scale: w[1] },
                };
                assert!(moved.log_likelihood(&hours) < ll, "{:?} not a maximum", f.params);
            }
        }
    }
}
