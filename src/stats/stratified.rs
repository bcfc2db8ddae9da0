//! Estimators of stratified sampling: each stratum's own exact tallies,
//! combined with known weights at read-out (never merged across strata, so
//! merging stays exact).
//!
//! A stratum `k` holding `n_k` trials of probability `p_k` gives each of its
//! trials the weight `w_k = p_k / n_k`. A part below is a stratum's figure
//! with the weight of each of its values (`w_k` for per-trial values; the
//! same `w_k` for per-incident values, whose count then varies by stratum).
//! With `W = sum_k w_k c_k` over the parts' value counts `c_k`, each part's
//! share of the mixture is `P_k = w_k c_k / W`:
//!
//! * a mean is `sum_k P_k mean_k`, its standard error `sqrt(sum_k P_k^2 se_k^2)`
//!   (for per-trial values `P_k = p_k`: the textbook stratified estimator);
//! * for per-incident values it is a ratio estimator `sum_k w_k Y_k / sum_k
//!   w_k X_k` (`X`, `Y` a trial's count and sum of values), whose
//!   delta-method variance is `sum_k (w_k / W)^2 n_k Var_k(Y - mean X)`:
//!   with the stratum's per-trial totals known ([`Spread::Totals`], a
//!   [`TrialSpread`]) that is `(w_k / W)^2 (S_yy - 2 mean S_xy + mean^2
//!   S_xx)`, `S` being `n_k` times the trials' sample (co)variances, exact
//!   however the values of one trial depend on one another; with only the
//!   counts known ([`Spread::Counts`], for quantiles and outcome shares)
//!   the values are taken as independent within a stratum, as the plain
//!   figures take them, and the variance is the first line's plus
//!   `sum_k (w_k / W)^2 S_xx (mean_k - mean)^2`. With one stratum of
//!   independent values both come to the plain figure's;
//! * a share is the mean of 0/1 values, with a Wilson interval at the
//!   effective size `n = p(1 - p) / se^2`;
//! * a quantile is read from the mixture CDF `sum_k P_k F_k(x)`
//!   (`LogHistogram`'s `Mixture`).

use super::interval::z_for;

/// How a part's values vary with the trials that hold them: what its
/// figure's variance needs besides its own standard error.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub enum Spread {
    /// Per-trial values (one per trial): the part's standard error is all.
    #[default]
    PerTrial,
    /// Per-incident values, taken as independent within the stratum, whose
    /// per-trial counts have this [`count_spread`].
    Counts(f64),
    /// Per-incident values whose per-trial counts and totals are known:
    /// the exact delta-method variance (module docs).
    Totals(TrialSpread),
}

/// `n` times the sample variances and covariance, over a stratum's `n`
/// trials, of a trial's count of values `x` and their total `y` (in the
/// values' unit): `stats::TrialTotals::spread`.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct TrialSpread {
    /// `n Var(x)`, the [`count_spread`].
    pub count: f64,
    /// `n Cov(x, y)`.
    pub cross: f64,
    /// `n Var(y)`.
    pub total: f64,
}

impl TrialSpread {
    /// The spread of `y` measured in units of `unit`: `y / unit`.
    pub fn per(self, unit: f64) -> TrialSpread {
        TrialSpread { count: self.count, cross: self.cross / unit, total: self.total / (unit * unit) }
    }

    /// `n Var(y - r x)`: the spread of a trial's residual about the ratio `r`.
    fn residual(self, r: f64) -> f64 {
        (self.total - 2.0 * r * self.cross + r * r * self.count).max(0.0)
    }
}

/// One stratum's mean: per-value weight, mean, standard error, values.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PartMean {
    /// Weight of each value (`p_k / n_k`).
    pub weight: f64,
    /// The stratum's mean.
    pub mean: f64,
    /// Its standard error.
    pub std_error: f64,
    /// Values behind it.
    pub count: u64,
    /// How its values vary with their trials.
    pub spread: Spread,
}

/// `n Var(x)` of the per-trial counts `x` of a stratum of `trials` trials
/// holding `count` values in all, `count_sq` the sum of the squared
/// per-trial counts (sample variance; 0 below two trials). What a
/// per-incident figure's variance adds for the count in a ratio estimator
/// (module docs).
pub fn count_spread(trials: u64, count: u64, count_sq: u64) -> f64 {
    co_spread(trials, count as f64, count as f64, count_sq as f64).max(0.0)
}

/// `n` times the sample covariance of `x` and `y` over `trials` trials
/// (divisor `n - 1`), from `sum x`, `sum y` and `sum x y`; 0 below two
/// trials. With `x = y`, `n` times the sample variance.
pub fn co_spread(trials: u64, sum_x: f64, sum_y: f64, sum_xy: f64) -> f64 {
    if trials < 2 {
        return 0.0;
    }
    let n = trials as f64;
    (sum_xy - sum_x * sum_y / n) * n / (n - 1.0)
}

/// A part's contribution to an estimate's variance, `P` its share of the
/// mixture, `c` its values, `own` the variance its own standard error gives
/// (`P^2 se^2`), `estimate` the whole estimate: with [`Spread::Totals`],
/// `(P / c)^2 n Var(y - estimate x)`, which replaces `own`; otherwise
/// `own`, the count term being [`count_variance`]'s.
fn part_variance(p: f64, c: u64, own: f64, spread: Spread, estimate: f64) -> f64 {
    match spread {
        Spread::Totals(t) if c > 0 => (p / c as f64).powi(2) * t.residual(estimate),
        _ => own,
    }
}

/// The variance a ratio estimator's counts add under [`Spread::Counts`]:
/// `sum_k (P_k / c_k)^2 S_k (value_k - estimate)^2` over parts `(P_k,
/// c_k, spread_k, value_k)`, `P_k / c_k` being `w_k / W`. Exactly 0 when
/// every part with values has the same value (the estimate is then that
/// value, whatever its rounding).
fn count_variance(parts: impl Iterator<Item = (f64, u64, Spread, f64)> + Clone, estimate: f64) -> f64 {
    let live = parts.filter(|&(_, c, _, _)| c > 0);
    let mut values = live.clone().map(|(_, _, _, value)| value);
    let first = values.next();
    if values.all(|v| Some(v) == first) {
        return 0.0;
    }
    live.filter_map(|(p, c, spread, value)| match spread {
        Spread::Counts(s) if s > 0.0 => Some((p / c as f64).powi(2) * s * (value - estimate).powi(2)),
        _ => None,
    })
    .sum()
}

/// The parts' shares `P_k` of the mixture (0 for parts without values).
fn shares(parts: impl Iterator<Item = (f64, u64)> + Clone) -> Vec<f64> {
    let total: f64 = parts.clone().map(|(w, c)| w * c as f64).sum();
    parts.map(|(w, c)| if total > 0.0 { w * c as f64 / total } else { 0.0 }).collect()
}

/// The stratified mean and its standard error; `(0, 0)` without values.
/// The error is exactly 0 when every value is the same (every part with
/// values has one mean and no spread), whatever the rounding of the mean.
pub fn mean(parts: &[PartMean]) -> (f64, f64) {
    let p = shares(parts.iter().map(|m| (m.weight, m.count)));
    let value = parts.iter().zip(&p).map(|(m, p)| p * m.mean).sum();
    let live: Vec<&PartMean> = parts.iter().filter(|m| m.count > 0).collect();
    if live.iter().all(|m| m.std_error == 0.0 && m.mean == live[0].mean) {
        return (value, 0.0);
    }
    let var: f64 = parts
        .iter()
        .zip(&p)
        .map(|(m, &p)| part_variance(p, m.count, (p * m.std_error).powi(2), m.spread, value))
        .sum::<f64>()
        + count_variance(parts.iter().zip(&p).map(|(m, &p)| (p, m.count, m.spread, m.mean)), value);
    (value, var.sqrt())
}

/// One stratum's share: per-value weight, successes, values.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PartShare {
    /// Weight of each value (`p_k / n_k`).
    pub weight: f64,
    /// Successes among its values.
    pub successes: u64,
    /// Values.
    pub trials: u64,
    /// When each value is itself a share of replays (`engine::replay`):
    /// how many; the estimate then reads these, not `successes`.
    pub replayed: Option<PlaysMet>,
    /// How its values vary with their trials.
    pub spread: Spread,
}

/// Values that are shares `m_i / plays` of replays meeting a target
/// (conditional Monte Carlo): `met` is `sum_i m_i`, `met_sq` is `sum_i m_i^2`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PlaysMet {
    /// Plays per value (at least 1).
    pub plays: u32,
    /// Plays meeting the target, summed over values.
    pub met: u64,
    /// The sum of their squares.
    pub met_sq: u64,
}

impl PartShare {
    /// A part of 0/1 values: `successes` of `trials`.
    pub fn of(weight: f64, successes: u64, trials: u64) -> PartShare {
        PartShare { weight, successes, trials, replayed: None, spread: Spread::PerTrial }
    }

    /// The same part, its values varying with their trials as `spread` says.
    pub fn per_incident(self, spread: Spread) -> PartShare {
        PartShare { spread, ..self }
    }

    /// The mean of its values.
    fn rate(&self) -> f64 {
        if self.trials == 0 {
            return 0.0;
        }
        match self.replayed {
            Some(r) => r.met as f64 / (f64::from(r.plays) * self.trials as f64),
            None => self.successes as f64 / self.trials as f64,
        }
    }

    /// The variance of one of its values: `p (1 - p)` for 0/1 values; for
    /// shares of replays their sample variance (`p (1 - p)`, its upper
    /// bound, with fewer than two values).
    fn value_variance(&self) -> f64 {
        let p = self.rate();
        match self.replayed {
            Some(r) if self.trials >= 2 => {
                let k = f64::from(r.plays);
                let n = self.trials as f64;
                ((r.met_sq as f64 / (k * k) - n * p * p) / (n - 1.0)).max(0.0)
            }
            _ => p * (1.0 - p),
        }
    }

    /// Every value a success (every play, for replays).
    fn all(&self) -> bool {
        match self.replayed {
            Some(r) => r.met == u64::from(r.plays) * self.trials,
            None => self.successes == self.trials,
        }
    }

    /// No value a success.
    fn none(&self) -> bool {
        match self.replayed {
            Some(r) => r.met == 0,
            None => self.successes == 0,
        }
    }
}

/// The stratified share, its standard error and its Wilson interval at
/// `confidence` (at the effective size); `None` without values.
pub fn share(parts: &[PartShare], confidence: f64) -> Option<(f64, f64, (f64, f64))> {
    let p = shares(parts.iter().map(|s| (s.weight, s.trials)));
    if p.iter().all(|&p| p == 0.0) {
        return None;
    }
    let est: f64 = parts.iter().zip(&p).map(|(s, p)| p * s.rate()).sum::<f64>().clamp(0.0, 1.0);
    let all = parts.iter().all(PartShare::all);
    let none = parts.iter().all(PartShare::none);
    // Every value 1 (or every value 0): no variance, whatever the rounding of `est`.
    let var: f64 = if all || none {
        0.0
    } else {
        parts
            .iter()
            .zip(&p)
            .filter(|(s, _)| s.trials > 0)
            .map(|(s, &p)| part_variance(p, s.trials, p * p * s.value_variance() / s.trials as f64, s.spread, est))
            .sum::<f64>()
            + count_variance(parts.iter().zip(&p).map(|(s, &p)| (p, s.trials, s.spread, s.rate())), est)
    };
    // Kish's effective size when every stratum is all or nothing.
    let kish =
        1.0 / parts.iter().zip(&p).filter(|(s, _)| s.trials > 0).map(|(s, p)| p * p / s.trials as f64).sum::<f64>();
    let n = if var > 0.0 { est * (1.0 - est) / var } else { kish };
    Some((est, var.sqrt(), wilson(est, n, confidence, none, all)))
}

/// What replays did for a share of replayed values (`engine::replay`):
/// `(replayed_share, variance_gain)`. `replayed_share` is the part of the
/// variance of one play's 0/1 outcome that the plays of one incident vary
/// by, `1 - rho` (what replays divide by `K`); the rest, `rho`, is set by the
/// incident's history. `variance_gain` is `1 / (rho + (1 - rho) / K)`: how
/// many times smaller the variance is than with one play per incident at
/// equal trials. From each part's within-incident variance of a play,
/// `(sum m_i - sum m_i^2 / K) / (n (K - 1))`, weighted as the estimate is,
/// against `q (1 - q)`. `None` without replays, with one play, or when every
/// play of every incident had the same outcome (`q` 0 or 1).
pub fn replay_gain(parts: &[PartShare]) -> Option<(f64, f64)> {
    let plays = parts.iter().find_map(|p| p.replayed)?.plays;
    if plays < 2 {
        return None;
    }
    let p = shares(parts.iter().map(|s| (s.weight, s.trials)));
    let q: f64 = parts.iter().zip(&p).map(|(s, p)| p * s.rate()).sum::<f64>().clamp(0.0, 1.0);
    let total = q * (1.0 - q);
    if total <= 0.0 {
        return None;
    }
    let k = f64::from(plays);
    let within: f64 = parts
        .iter()
        .zip(&p)
        .filter_map(|(s, p)| {
            let r = s.replayed.filter(|_| s.trials > 0)?;
            Some(p * (r.met as f64 - r.met_sq as f64 / k) / (s.trials as f64 * (k - 1.0)))
        })
        .sum();
    let replayed = (within / total).clamp(0.0, 1.0);
    let rho = 1.0 - replayed;
    Some((replayed, 1.0 / (rho + replayed / k)))
}

/// Wilson score interval of `p` at a real sample size `n`.
pub fn wilson(p: f64, n: f64, confidence: f64, none: bool, all: bool) -> (f64, f64) {
    let z = z_for(confidence);
    if z.is_infinite() || n.is_nan() || n <= 0.0 {
        return (0.0, 1.0);
    }
    let z2n = z * z / n;
    let denom = 1.0 + z2n;
    let center = (p + z2n / 2.0) / denom;
    let half = z / denom * (p * (1.0 - p) / n + z2n / (4.0 * n)).sqrt();
    let lower = if none { 0.0 } else { center - half };
    let upper = if all { 1.0 } else { center + half };
    (lower.clamp(0.0, 1.0), upper.clamp(0.0, 1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_stratum_is_the_plain_estimate() {
        let (m, se) =
            mean(&[PartMean { weight: 0.01, mean: 3.0, std_error: 0.5, count: 100, spread: Spread::PerTrial }]);
        assert_eq!((m, se), (3.0, 0.5));
        let (p, _, (lo, hi)) = share(&[PartShare::of(0.01, 30, 100)], 0.95).unwrap();
        let plain = crate::stats::Proportion { successes: 30, trials: 100 }.wilson(0.95).unwrap();
        assert!((p - 0.3).abs() < 1e-15);
        assert!((lo - plain.0).abs() < 1e-12 && (hi - plain.1).abs() < 1e-12);
    }

    #[test]
    fn replayed_values_are_shares_of_plays_with_their_sample_variance() {
        // Three incidents played 8 times each, meeting the target in 8, 4 and 0
        // plays: values 1, 1/2, 0; mean 1/2; sample variance
        // ((1/2)^2 + 0 + (1/2)^2) / 2 = 1/4; SE sqrt(1/4 / 3).
        let replayed = Some(PlaysMet { plays: 8, met: 12, met_sq: 64 + 16 });
        let part = PartShare { weight: 1.0, successes: 2, trials: 3, replayed, spread: Spread::PerTrial };
        let (p, se, _) = share(&[part], 0.95).unwrap();
        assert!((p - 0.5).abs() < 1e-15, "{p}");
        assert!((se - (0.25f64 / 3.0).sqrt()).abs() < 1e-15, "{se}");
        // Every play met: all, the upper end is 1.
        let all = PartShare { replayed: Some(PlaysMet { plays: 8, met: 24, met_sq: 192 }), ..part };
        assert_eq!(share(&[all], 0.95).unwrap().2.1, 1.0);
    }

    #[test]
    fn replay_gain_splits_the_variance_between_the_history_and_the_replays() {
        // Half the incidents always meet the target (the world decided), the
        // other half meet it in half their 4 plays: m = 4, 4, 2, 2.
        // q = 12/16 = 3/4, total variance 3/16; within: incidents of the second
        // half vary with variance 1/2 x 1/2 x 4/3 (sample, K = 4) = 1/3, on average
        // (0 + 0 + 1/3 + 1/3) / 4 = 1/6. replayed share (1/6) / (3/16) = 8/9,
        // rho = 1/9, gain 1 / (1/9 + (8/9)/4) = 3.
        let part = PartShare {
            weight: 1.0,
            successes: 3,
            trials: 4,
            replayed: Some(PlaysMet { plays: 4, met: 12, met_sq: 16 + 16 + 4 + 4 }),
            spread: Spread::PerTrial,
        };
        let (replayed, gain) = replay_gain(&[part]).unwrap();
        assert!((replayed - 8.0 / 9.0).abs() < 1e-12, "{replayed}");
        assert!((gain - 3.0).abs() < 1e-12, "{gain}");
        assert_eq!(replay_gain(&[PartShare::of(1.0, 3, 4)]), None, "no replays");
        let all = PartShare { replayed: Some(PlaysMet { plays: 4, met: 16, met_sq: 64 }), ..part };
        assert_eq!(replay_gain(&[all]), None, "every play met: nothing to split");
    }

    // Two strata whose values are constant (standard error 0), so the
    // whole variance is how their per-trial counts vary. Stratum 0: p 0.5,
    // 4 trials holding 0, 1, 1, 2 values of 1; stratum 1: p 0.5, 2 trials
    // holding 1 and 3 values of 3. Weights w = 0.125, 0.25; W = sum w c =
    // 0.5 + 1 = 1.5; the mean (0.5 x 1 + 1 x 3) / 1.5 = 7/3. Count spreads
    // n Var(x): (6 - 16/4) x 4/3 = 8/3 and (10 - 16/2) x 2 = 4. The
    // delta-method variance of sum w Y / sum w X with Y = mean_k X:
    // (0.125/1.5)^2 (8/3) (1 - 7/3)^2 + (0.25/1.5)^2 4 (3 - 7/3)^2.
    #[test]
    fn a_ratio_estimator_adds_how_the_strata_counts_vary() {
        assert_eq!(count_spread(4, 4, 6), 8.0 / 3.0);
        assert_eq!(count_spread(2, 4, 10), 4.0);
        assert_eq!(count_spread(1, 3, 9), 0.0, "one trial: no spread");
        let parts = [
            PartMean { weight: 0.125, mean: 1.0, std_error: 0.0, count: 4, spread: Spread::Counts(8.0 / 3.0) },
            PartMean { weight: 0.25, mean: 3.0, std_error: 0.0, count: 4, spread: Spread::Counts(4.0) },
        ];
        let (m, se) = mean(&parts);
        assert!((m - 7.0 / 3.0).abs() < 1e-12, "{m}");
        let var = (0.125f64 / 1.5).powi(2) * (8.0 / 3.0) * (4.0f64 / 3.0).powi(2)
            + (0.25f64 / 1.5).powi(2) * 4.0 * (2.0f64 / 3.0).powi(2);
        assert!((se - var.sqrt()).abs() < 1e-12, "{se} against {}", var.sqrt());

        // The same for shares: stratum 0 all met, stratum 1 none, so each
        // stratum's 0/1 values have no variance and the estimate's comes
        // from the counts alone (1/3 met: (0.125/1.5)^2 (8/3) (2/3)^2 +
        // (0.25/1.5)^2 4 (1/3)^2).
        let shares = [
            PartShare::of(0.125, 4, 4).per_incident(Spread::Counts(8.0 / 3.0)),
            PartShare::of(0.25, 0, 4).per_incident(Spread::Counts(4.0)),
        ];
        let (p, se, (lo, hi)) = share(&shares, 0.95).unwrap();
        assert!((p - 1.0 / 3.0).abs() < 1e-12, "{p}");
        let var = (0.125f64 / 1.5).powi(2) * (8.0 / 3.0) * (2.0f64 / 3.0).powi(2)
            + (0.25f64 / 1.5).powi(2) * 4.0 * (1.0f64 / 3.0).powi(2);
        assert!((se - var.sqrt()).abs() < 1e-12, "{se} against {}", var.sqrt());
        assert!(lo > 0.0 && hi < 1.0, "({lo}, {hi})");

        // One stratum, or strata of one value: nothing to add, whatever the spreads.
        let one = PartMean { weight: 0.01, mean: 3.0, std_error: 0.5, count: 100, spread: Spread::Counts(40.0) };
        assert_eq!(mean(&[one]), (3.0, 0.5));
        let same = [
            PartShare::of(0.3, 4, 4).per_incident(Spread::Counts(2.0)),
            PartShare::of(0.1, 7, 7).per_incident(Spread::Counts(5.0)),
        ];
        let plain_all = share(&[PartShare::of(0.3, 4, 4), PartShare::of(0.1, 7, 7)], 0.95);
        assert_eq!(share(&same, 0.95), plain_all, "every value met: the estimate is 1 however counts vary");
    }

    // With the per-trial totals known, the variance is that of a trial's
    // residual `y - mean x`. Stratum 0 and 1 as above, their values
    // constant within a stratum: the same variance as from the counts.
    // One stratum whose two trials hold 2 values of 5 and 2 values of 1:
    // the values of a trial move together, so the mean 3 is as uncertain
    // as the mean of the two trials' means, se sqrt(((5-3)^2 + (1-3)^2) / 2)
    // / sqrt(2) = 2, not the 1.15 of four independent values.
    #[test]
    fn per_trial_totals_give_the_ratio_estimators_exact_variance() {
        let totals = |trials: &[(u64, f64)]| {
            let mut t = crate::stats::TrialTotals::default();
            trials.iter().for_each(|&(x, y)| t.push(x, (y * 1e6) as i128));
            Spread::Totals(t.spread(trials.len() as u64))
        };
        let parts = [
            PartMean {
                weight: 0.125,
                mean: 1.0,
                std_error: 0.0,
                count: 4,
                spread: totals(&[(0, 0.0), (1, 1.0), (1, 1.0), (2, 2.0)]),
            },
            PartMean { weight: 0.25, mean: 3.0, std_error: 0.0, count: 4, spread: totals(&[(1, 3.0), (3, 9.0)]) },
        ];
        let counts = [
            PartMean { spread: Spread::Counts(8.0 / 3.0), ..parts[0] },
            PartMean { spread: Spread::Counts(4.0), ..parts[1] },
        ];
        let ((m, se), (m_counts, se_counts)) = (mean(&parts), mean(&counts));
        assert_eq!(m, m_counts);
        assert!((se - se_counts).abs() < 1e-12, "{se} against {se_counts}");

        let moving = PartMean {
            weight: 0.5,
            mean: 3.0,
            std_error: (16.0f64 / 3.0 / 4.0).sqrt(),
            count: 4,
            spread: totals(&[(2, 10.0), (2, 2.0)]),
        };
        let (m, se) = mean(&[moving]);
        assert_eq!(m, 3.0);
        assert!((se - 2.0).abs() < 1e-12, "{se}");

        // A share whose every value met has no variance, whatever the totals.
        let all = [PartShare::of(0.5, 4, 4).per_incident(totals(&[(3, 3.0), (1, 1.0)]))];
        assert_eq!(share(&all, 0.95).unwrap().1, 0.0);
    }

    #[test]
    fn strata_weigh_by_probability_not_by_trials() {
        // Stratum 0: p = 0.9, 10 trials, mean 1; stratum 1: p = 0.1, 90 trials, mean 11.
        let parts = [
            PartMean { weight: 0.9 / 10.0, mean: 1.0, std_error: 0.3, count: 10, spread: Spread::PerTrial },
            PartMean { weight: 0.1 / 90.0, mean: 11.0, std_error: 0.2, count: 90, spread: Spread::PerTrial },
        ];
        let (m, se) = mean(&parts);
        assert!((m - 2.0).abs() < 1e-12);
        assert!((se - (0.81f64 * 0.09 + 0.01 * 0.04).sqrt()).abs() < 1e-12);
    }
}
