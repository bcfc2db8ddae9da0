//! What a fitted arrival rate counts, and how it becomes a model's
//! `rate_per_year`.
//!
//! `drsim fit` counts the selected incidents per year of the catalogue.
//! Without `--region` that is every incident of the provider in every region
//! together: a provider-wide rate. With `--region R` it is the incidents that
//! touched R: R's own rate, all its AZs together. A model's `rate_per_year`
//! is per AZ for `az` failures and per region for `region` failures
//! (docs/model-reference.md), so neither rate can be pasted as it is for
//! `az`, and a provider-wide one cannot for `region`. The catalogue does not
//! say over how many regions or AZs its incidents are spread, so the divisors
//! come from the user (`--regions N`, `--azs N`); without them the snippet
//! leaves `rate_per_year` for the user to write.

use super::ScopeKind;
use super::sig;

/// What the fitted rate counts and the divisors the user gave to turn it
/// into a per-region or per-AZ `rate_per_year`.
#[derive(Clone, Debug, PartialEq)]
pub struct RateScope {
    /// The failure kind the snippet declares: [`ScopeKind::Az`] or
    /// [`ScopeKind::Region`] (anything else is treated as `Region`).
    pub kind: ScopeKind,
    /// The provider filter (`--provider`), `None` for every provider.
    pub provider: Option<String>,
    /// The region filter (`--region`): the rate is then that region's own.
    pub region: Option<String>,
    /// Regions a provider-wide rate is spread over (`--regions`), ≥ 1.
    pub regions: Option<u32>,
    /// AZs per region (`--azs`), ≥ 1; used for `az` only.
    pub azs: Option<u32>,
}

/// How the fitted rate becomes the model's `rate_per_year`.
#[derive(Clone, Debug, PartialEq)]
pub enum Conversion {
    /// `rate_per_year` = fitted rate / `divisor` (1 when the rate already
    /// counts one region and the kind is `region`).
    Divide {
        /// Product of the divisors.
        divisor: f64,
        /// The divisors in words, e.g. `" / 30 regions (--regions) / 3 AZs (--azs)"`; empty for 1.
        how: String,
    },
    /// A divisor is missing: the snippet cannot give `rate_per_year`.
    Missing {
        /// The flags that would supply the divisors, each with what it means.
        flags: Vec<String>,
    },
}

impl RateScope {
    fn is_az(&self) -> bool {
        self.kind == ScopeKind::Az
    }

    /// The snippet's `kind`: `"az"` or `"region"`.
    pub fn kind_name(&self) -> &'static str {
        if self.is_az() { "az" } else { "region" }
    }

    /// What the rate counts, after "for": `all of AWS, every region
    /// together`, `us-east-1, all its AZs together`, `us-east-1`.
    pub fn counted(&self) -> String {
        match &self.region {
            Some(r) if self.is_az() => format!("{}, all its AZs together", r.trim()),
            Some(r) => r.trim().to_string(),
            None => match &self.provider {
                Some(p) => format!("all of {}, every region together", p.trim()),
                None => "every provider in the file, every region together".to_string(),
            },
        }
    }

    /// The unit of the model's `rate_per_year` for this kind: `per AZ` or `per region`.
    pub fn per(&self) -> &'static str {
        if self.is_az() { "per AZ" } else { "per region" }
    }

    /// How the fitted rate becomes a per-region or per-AZ `rate_per_year`.
    pub fn conversion(&self) -> Conversion {
        let mut divisor = 1.0;
        let mut how = String::new();
        let mut missing = Vec::new();
        if self.region.is_none() {
            match self.regions {
                Some(n) => {
                    divisor *= f64::from(n);
                    how.push_str(&format!(" / {n} regions (--regions)"));
                }
                None => missing.push("--regions N to spread it over N regions alike (or --region R for one region)"),
            }
        }
        if self.is_az() {
            match self.azs {
                Some(n) => {
                    divisor *= f64::from(n);
                    how.push_str(&format!(" / {n} AZs (--azs)"));
                }
                None => missing.push("--azs N, the AZs per region"),
            }
        }
        if missing.is_empty() {
            Conversion::Divide { divisor, how }
        } else {
            Conversion::Missing { flags: missing.into_iter().map(str::to_string).collect() }
        }
    }

    /// The model's `rate_per_year` for this fitted rate, `None` while a
    /// divisor is missing.
    pub fn model_rate(&self, rate: f64) -> Option<f64> {
        match self.conversion() {
            Conversion::Divide { divisor, .. } => Some(rate / divisor),
            Conversion::Missing { .. } => None,
        }
    }

    /// The sentences, as lines of at most about 90 characters and without a
    /// comment prefix, that say how `rate` (with its 95% `interval`) becomes
    /// `rate_per_year`; the printed summary and the snippet's comment both
    /// show them.
    pub fn explanation(&self, rate: f64, interval: (f64, f64)) -> Vec<String> {
        let per = self.per();
        match self.conversion() {
            Conversion::Divide { how, .. } if how.is_empty() => {
                vec![format!("rate_per_year is {per}: this rate counts one region, so it is used as it is.")]
            }
            Conversion::Divide { divisor, how } => {
                let alike = match (self.region.is_none(), self.is_az()) {
                    (true, true) => "region and AZ",
                    (false, true) => "AZ",
                    _ => "region",
                };
                vec![
                    format!("rate_per_year is {per}: {}/yr{how} = {}/yr", sig(rate, 3), sig(rate / divisor, 3)),
                    format!(
                        "(95% interval {} to {}), assuming incidents strike every {alike} alike.",
                        sig(interval.0 / divisor, 3),
                        sig(interval.1 / divisor, 3)
                    ),
                ]
            }
            Conversion::Missing { flags } => {
                let mut lines = vec![format!("rate_per_year is {per}, and this rate is not. Rerun with")];
                lines.extend(flags.iter().map(|f| format!("  {f}")));
                lines.push("or write your own figure.".to_string());
                lines
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope(kind: ScopeKind, region: Option<&str>, regions: Option<u32>, azs: Option<u32>) -> RateScope {
        RateScope { kind, provider: Some("AWS".into()), region: region.map(str::to_string), regions, azs }
    }

    // Hand computations on the bundled AWS history (15 catalogue years):
    // 9 region events -> 0.6/yr for all of AWS; over 30 regions 0.6 / 30 = 0.02.
    // 11 AZ events -> 0.7333/yr; over 30 regions of 3 AZs: 0.7333 / 90 = 0.008148.
    // 6 us-east-1 AZ events -> 0.4/yr for us-east-1; over its 6 AZs 0.4 / 6 = 0.06667.
    // 8 us-east-1 region events -> 0.5333/yr, already per region.
    #[test]
    fn per_region_and_per_az_rates_by_hand() {
        let close = |got: Option<f64>, want: f64| {
            let got = got.expect("a rate");
            assert!((got - want).abs() < 1e-12, "{got} vs {want}");
        };
        close(scope(ScopeKind::Region, None, Some(30), None).model_rate(9.0 / 15.0), 0.02);
        close(scope(ScopeKind::Az, None, Some(30), Some(3)).model_rate(11.0 / 15.0), 11.0 / 15.0 / 90.0);
        close(scope(ScopeKind::Az, Some("us-east-1"), None, Some(6)).model_rate(6.0 / 15.0), 0.4 / 6.0);
        close(scope(ScopeKind::Region, Some("us-east-1"), None, None).model_rate(8.0 / 15.0), 8.0 / 15.0);
        assert_eq!(scope(ScopeKind::Region, None, None, None).model_rate(0.6), None);
        assert_eq!(scope(ScopeKind::Az, Some("us-east-1"), None, None).model_rate(0.4), None);
        assert_eq!(scope(ScopeKind::Az, None, None, Some(3)).model_rate(0.7), None);
    }

    #[test]
    fn the_explanation_names_the_unit_and_the_divisors() {
        let s = scope(ScopeKind::Az, None, Some(30), Some(3));
        assert_eq!(s.counted(), "all of AWS, every region together");
        let text = s.explanation(11.0 / 15.0, (0.366, 1.31)).join(" ");
        // 0.7333 / 90 = 0.00815; 0.366 / 90 = 0.00407; 1.31 / 90 = 0.0146.
        assert_eq!(
            text,
            "rate_per_year is per AZ: 0.733/yr / 30 regions (--regions) / 3 AZs (--azs) = 0.00815/yr \
             (95% interval 0.00407 to 0.0146), assuming incidents strike every region and AZ alike."
        );
        let s = scope(ScopeKind::Region, Some("us-east-1"), None, None);
        assert_eq!(s.counted(), "us-east-1");
        assert!(s.explanation(0.533, (0.23, 1.05))[0].contains("counts one region, so it is used as it is"));
        let s = scope(ScopeKind::Az, Some("us-east-1"), None, None);
        assert_eq!(s.counted(), "us-east-1, all its AZs together");
        assert_eq!(s.explanation(0.4, (0.1, 0.9))[1], "  --azs N, the AZs per region");
        let none = RateScope { provider: None, ..scope(ScopeKind::Region, None, None, None) };
        assert_eq!(none.counted(), "every provider in the file, every region together");
        assert!(none.explanation(1.0, (0.5, 2.0))[1].contains("--regions N"));
    }
}
