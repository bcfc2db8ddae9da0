//! Draws for a renewal process observed from an arbitrary moment: the time
//! from that moment to the next renewal (the *forward recurrence time*).
//!
//! A trial looks at a system that has been running for a long time, so a
//! component's first failure in the trial is not an up-time drawn from new:
//! the trial starts inside an up-time, and long up-times are more likely to
//! contain it (the inspection paradox). In a stationary renewal process the
//! up-time containing the start has the *length-biased* density
//! `x f(x) / mean`, and the start falls uniformly inside it; so the time to
//! the first failure is `U x L`, U uniform on [0, 1) and L length-biased.
//! With this first draw the expected number of renewals in a window of
//! length T is exactly `T / mean` (for any up-time distribution), which the
//! closed-form tests check. For the exponential it is the exponential
//! itself (memorylessness), so models that give only a rate are unchanged.

use rand::{Rng, RngExt};
use rand_distr::Distribution;

use super::{Dist, Family};

/// Most rejection rounds for a bounded family before the mean-preserving
/// fallback (the length-biased draw of a bounded family accepts each round
/// with probability mean / max, at least 1/n for the empirical of n values).
const MAX_ROUNDS: u32 = 10_000;

impl Dist {
    /// Time from a moment picked at random in a long run of up-times drawn
    /// from this distribution to the end of the up-time containing it, in
    /// base units. Finite and >= 0.
    pub fn sample_forward_recurrence<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        let u: f64 = rng.random();
        let length = match &self.kind {
            Family::Fixed(v) => *v,
            Family::Exponential { sampler, .. } => return sampler.sample(rng),
            // x^k e^{-(x/l)^k}: (X/l)^k ~ Gamma(1 + 1/k, 1).
            Family::Weibull { shape, scale, .. } => match rand_distr::Gamma::new(1.0 + 1.0 / shape, 1.0) {
                Ok(g) => scale * g.sample(rng).powf(1.0 / shape),
                Err(_) => self.mean(),
            },
            // x^k e^{-x/t}: Gamma(k + 1, t).
            Family::Gamma { shape, scale, .. } => match rand_distr::Gamma::new(shape + 1.0, *scale) {
                Ok(g) => g.sample(rng),
                Err(_) => self.mean(),
            },
            // x f(x) for the lognormal is lognormal(mu + sigma^2, sigma).
            Family::Lognormal { mu, sigma, .. } => match rand_distr::LogNormal::new(mu + sigma * sigma, *sigma) {
                Ok(d) => d.sample(rng),
                Err(_) => self.mean(),
            },
            // Bounded families: accept a draw x with probability x / max.
            Family::Uniform { .. } | Family::Pert { .. } | Family::Empirical { .. } => {
                let max = self.quantile(1.0);
                let mut accepted = None;
                for _ in 0..MAX_ROUNDS {
                    let x = self.sample(rng);
                    if max <= 0.0 || rng.random::<f64>() * max < x {
                        accepted = Some(x);
                        break;
                    }
                }
                accepted.unwrap_or_else(|| self.mean())
            }
        };
        (u * length).clamp(0.0, f64::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::dist::{DistSpec, Unit};
    use rand::SeedableRng;

    fn dist(spec: &str) -> Dist {
        let spec: DistSpec =
            toml::from_str::<toml::Table>(&format!("d = {spec}")).unwrap()["d"].clone().try_into().unwrap();
        Dist::compile(&spec, Unit::Number, std::path::Path::new(".")).unwrap()
    }

    /// The forward recurrence time has mean E[X^2] / (2 E[X]): checked for
    /// every family against that closed form, within 4 standard errors.
    #[test]
    fn forward_recurrence_mean_is_second_moment_over_twice_the_mean() {
        // (spec, E[X], E[X^2])
        let g = statrs::function::gamma::gamma;
        let cases = [
            ("{ dist = \"weibull\", shape = 3.0, scale = 2.0 }", 2.0 * g(1.0 + 1.0 / 3.0), 4.0 * g(1.0 + 2.0 / 3.0)),
            ("{ dist = \"weibull\", shape = 0.5, scale = 1.0 }", g(3.0), g(5.0)),
            ("{ dist = \"gamma\", shape = 2.0, scale = 3.0 }", 6.0, 2.0 * 3.0 * 9.0),
            ("{ dist = \"exponential\", mean = 2.0 }", 2.0, 8.0),
            ("{ dist = \"uniform\", min = 1.0, max = 3.0 }", 2.0, 13.0 / 3.0),
            ("{ dist = \"fixed\", value = 4.0 }", 4.0, 16.0),
            ("{ dist = \"empirical\", values = [1.0, 3.0] }", 2.0, 5.0),
            ("{ dist = \"lognormal\", mu = 0.0, sigma = 0.5 }", (0.125f64).exp(), (0.5f64).exp()),
        ];
        let mut rng = rand::rngs::Xoshiro256PlusPlus::seed_from_u64(7);
        for (spec, m1, m2) in cases {
            let d = dist(spec);
            let n = 200_000;
            let xs: Vec<f64> = (0..n).map(|_| d.sample_forward_recurrence(&mut rng)).collect();
            let mean = xs.iter().sum::<f64>() / n as f64;
            let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
            let se = (var / n as f64).sqrt();
            let expected = m2 / (2.0 * m1);
            assert!((mean - expected).abs() < 4.0 * se, "{spec}: {mean} vs {expected} (se {se})");
        }
    }
}
