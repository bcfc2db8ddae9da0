//! Tests of `crate::fit`.
//!
//! Tolerances of the parameter-recovery tests: at n = 5,000 the MLE is
//! asymptotically normal around the truth with standard deviation equal to
//! the standard error from the Fisher information (which is itself estimated
//! to within about 1/sqrt(2n) ≈ 1% relative). So |estimate - truth| / SE is
//! approximately |N(0, 1)|, which exceeds 4 with probability 6.3e-5; over the
//! 7 parameters checked the chance that a random seed fails is below 5e-4.
//! The seed is fixed, so the tests are deterministic: the 4-SE bound only
//! makes them robust to a change of seed or of the sampling algorithm.

use rand::SeedableRng;
use rand::rngs::Xoshiro256PlusPlus;
use rand_distr::Distribution;

use super::numeric::trigamma;
use super::*;

mod history;

const N: usize = 5_000;

fn sample(p: Params, n: usize, seed: u64) -> Vec<f64> {
    let mut r = Xoshiro256PlusPlus::seed_from_u64(seed);
    match p {
        Params::Exponential { mean } => {
            let d = rand_distr::Exp::new(1.0 / mean).unwrap();
            (0..n).map(|_| d.sample(&mut r)).collect()
        }
        Params::Lognormal { mu, sigma } => {
            let d = rand_distr::LogNormal::new(mu, sigma).unwrap();
            (0..n).map(|_| d.sample(&mut r)).collect()
        }
        Params::Weibull { shape, scale } => {
            let d = rand_distr::Weibull::new(scale, shape).unwrap();
            (0..n).map(|_| d.sample(&mut r)).collect()
        }
        Params::Gamma { shape, scale } => {
            let d = rand_distr::Gamma::new(shape, scale).unwrap();
            (0..n).map(|_| d.sample(&mut r)).collect()
        }
    }
}

fn assert_within_4_se(truth: Params, seed: u64) {
    let data = sample(truth, N, seed);
    let f = fit(truth.family(), &data).unwrap();
    let est = f.params.values();
    let se = f.param_std_errors.values();
    for ((name, want), ((_, got), (_, s))) in truth.values().iter().zip(est.iter().zip(&se)) {
        assert!(s.is_finite() && *s > 0.0, "{truth:?}: SE of {name} = {s}");
        let z = (got - want) / s;
        assert!(z.abs() < 4.0, "{truth:?}: {name} = {got} (SE {s}), truth {want}, z = {z:.2}");
    }
}

#[test]
fn exponential_mle_within_4_se() {
    assert_within_4_se(Params::Exponential { mean: 5.0 }, 1);
}

#[test]
fn lognormal_mle_within_4_se() {
    assert_within_4_se(Params::Lognormal { mu: 1.5, sigma: 1.2 }, 2);
}

#[test]
fn weibull_mle_within_4_se() {
    assert_within_4_se(Params::Weibull { shape: 0.6, scale: 4.0 }, 3);
    assert_within_4_se(Params::Weibull { shape: 2.5, scale: 4.0 }, 4);
}

#[test]
fn gamma_mle_within_4_se() {
    assert_within_4_se(Params::Gamma { shape: 0.6, scale: 3.0 }, 5);
    assert_within_4_se(Params::Gamma { shape: 2.5, scale: 3.0 }, 6);
}

/// Lognormal (sigma 1.2), Weibull and gamma (shape 0.6 and 2.5) differ
/// clearly in their tails, and at n = 5,000 the true family wins by a wide
/// AIC margin. Exponential data are the nested case k = 1 of Weibull and
/// gamma: their extra shape parameter improves lnL by χ²₁/2, so AIC picks
/// exponential only with probability P(χ²₁ < 2) ≈ 0.84 per rival (about 0.7
/// against both: 28 of 40 seeds tried); the test asserts the pick at this
/// fixed seed. Over those 40 seeds the other families always won, by at
/// least 26 AIC points.
#[test]
fn aic_picks_the_true_family() {
    let cases = [
        Params::Exponential { mean: 5.0 },
        Params::Lognormal { mu: 1.0, sigma: 1.2 },
        Params::Weibull { shape: 0.6, scale: 4.0 },
        Params::Weibull { shape: 2.5, scale: 4.0 },
        Params::Gamma { shape: 0.6, scale: 3.0 },
        Params::Gamma { shape: 2.5, scale: 3.0 },
    ];
    for (i, truth) in cases.into_iter().enumerate() {
        let data = sample(truth, N, 100 + i as u64);
        let fits = fit_all(&data);
        assert_eq!(fits.len(), 4, "{truth:?}: every family converges");
        assert!(fits.windows(2).all(|w| w[0].aic <= w[1].aic));
        assert_eq!(
            fits[0].family,
            truth.family(),
            "{truth:?}: AIC ranking {:?}",
            fits.iter().map(|f| (f.family, f.aic)).collect::<Vec<_>>()
        );
    }
}

#[test]
fn ks_statistic_matches_hand_computation() {
    // Exponential(mean 1): F = 0.0952, 0.3935, 0.6321, 0.9502 at 0.1, 0.5, 1, 3.
    // F_n steps 0.25, 0.5, 0.75, 1. Largest gap: F(3) - 0.75 = 0.25 - e^-3.
    let data = [0.1, 0.5, 1.0, 3.0];
    let (d, p) = ks_test(&data, |x| 1.0 - (-x).exp());
    let want = 0.25 - (-3.0f64).exp();
    assert!((d - want).abs() < 1e-12, "D = {d}, want {want}");
    let lambda = (2.0 + 0.12 + 0.11 / 2.0) * want;
    assert!((p - kolmogorov_sf(lambda)).abs() < 1e-15);
    assert!(p > 0.9 && p < 1.0, "p = {p}");
    // Uniform(0, 5) on 1..4: D = 0.2 on both sides.
    let (d, _) = ks_test(&[1.0, 2.0, 3.0, 4.0], |x| x / 5.0);
    assert!((d - 0.2).abs() < 1e-12);
    // Ties: two points at 1 under Uniform(0, 2): F_n jumps 0 -> 1 at F = 0.5.
    let (d, _) = ks_test(&[1.0, 1.0], |x| x / 2.0);
    assert!((d - 0.5).abs() < 1e-12);
}

#[test]
fn kolmogorov_sf_matches_tables() {
    // Critical values of the Kolmogorov distribution: Q(1.2238) = 0.10,
    // Q(1.3581) = 0.05, Q(1.6276) = 0.01; Q(1) = 0.27000, Q(0.5) = 0.96394.
    for (lambda, q) in [(1.2238, 0.10), (1.3581, 0.05), (1.6276, 0.01), (1.0, 0.2700), (0.5, 0.96394)] {
        let got = kolmogorov_sf(lambda);
        assert!((got - q).abs() < 5e-5, "Q({lambda}) = {got}, want {q}");
    }
    // The two series agree where the implementation switches.
    assert!((kolmogorov_sf(1.18 - 1e-9) - kolmogorov_sf(1.18 + 1e-9)).abs() < 1e-8);
    assert_eq!(kolmogorov_sf(0.0), 1.0);
    assert!(kolmogorov_sf(10.0) < 1e-80);
}

#[test]
fn ks_p_value_of_true_model_is_not_tiny() {
    let cases = [
        Params::Exponential { mean: 5.0 },
        Params::Lognormal { mu: 1.0, sigma: 1.2 },
        Params::Weibull { shape: 0.6, scale: 4.0 },
        Params::Gamma { shape: 2.5, scale: 3.0 },
    ];
    for (i, truth) in cases.into_iter().enumerate() {
        let data = sample(truth, N, 200 + i as u64);
        let f = fit(truth.family(), &data).unwrap();
        assert!(f.ks_p_value > 0.001, "{truth:?}: p = {}", f.ks_p_value);
    }
}

#[test]
fn ks_rejects_exponential_on_lognormal_data() {
    let data = sample(Params::Lognormal { mu: 1.0, sigma: 2.0 }, N, 300);
    let f = fit(Family::Exponential, &data).unwrap();
    assert!(f.ks_p_value < 1e-10, "p = {}", f.ks_p_value);
}

#[test]
fn gamma_numerical_std_errors_match_analytic() {
    // At the gamma MLE the observed information equals
    // n [[ψ'(k), 1/θ], [1/θ, k/θ²]] exactly.
    let data = sample(Params::Gamma { shape: 2.5, scale: 3.0 }, N, 7);
    let f = fit(Family::Gamma, &data).unwrap();
    let (Params::Gamma { shape: k, scale: t }, Params::Gamma { shape: sk, scale: st }) = (f.params, f.param_std_errors)
    else {
        panic!("not a gamma fit");
    };
    let n = N as f64;
    let (a, b, d) = (n * trigamma(k), n / t, n * k / (t * t));
    let det = a * d - b * b;
    let (want_sk, want_st) = ((d / det).sqrt(), (a / det).sqrt());
    assert!((sk / want_sk - 1.0).abs() < 1e-4, "{sk} vs {want_sk}");
    assert!((st / want_st - 1.0).abs() < 1e-4, "{st} vs {want_st}");
}

#[test]
fn trigamma_known_values() {
    let pi2 = std::f64::consts::PI.powi(2);
    for (x, want) in [(1.0, pi2 / 6.0), (0.5, pi2 / 2.0), (10.0, 0.105_166_335_681_685_75), (1e-3, 1_000_001.642_533_9)]
    {
        let got = trigamma(x);
        assert!((got / want - 1.0).abs() < 1e-10, "ψ'({x}) = {got}, want {want}");
    }
}

#[test]
fn cdf_quantile_mean_median_agree() {
    let cases = [
        (Params::Exponential { mean: 2.0 }, 2.0),
        (Params::Lognormal { mu: 1.0, sigma: 0.5 }, (1.125f64).exp()),
        (Params::Weibull { shape: 1.0, scale: 3.0 }, 3.0),
        (Params::Weibull { shape: 2.0, scale: 2.0 }, std::f64::consts::PI.sqrt()),
        (Params::Gamma { shape: 0.6, scale: 3.0 }, 1.8),
    ];
    for (p, mean) in cases {
        assert!((p.mean() / mean - 1.0).abs() < 1e-12, "{p:?} mean");
        assert!((p.cdf(p.median()) - 0.5).abs() < 1e-9, "{p:?} median");
        for q in [1e-4, 0.01, 0.5, 0.95, 0.999] {
            let x = p.quantile(q);
            assert!((p.cdf(x) - q).abs() < 1e-9 * q.max(0.01), "{p:?} q{q}");
        }
        assert_eq!(p.quantile(0.0), 0.0);
        assert_eq!(p.quantile(1.0), f64::INFINITY);
        assert_eq!(p.cdf(-1.0), 0.0);
        assert_eq!(p.cdf(f64::INFINITY), 1.0);
    }
}

#[test]
fn fit_rejects_bad_data() {
    for f in Family::ALL {
        assert!(matches!(fit(f, &[1.0]), Err(FitError::TooFewData { count: 1 })));
        for bad in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            let err = fit(f, &[1.0, bad, 2.0]).unwrap_err();
            assert!(matches!(err, FitError::BadDatum { index: 1, .. }), "{err}");
        }
    }
    for f in [Family::Lognormal, Family::Weibull, Family::Gamma] {
        let err = fit(f, &[3.0, 3.0, 3.0]).unwrap_err();
        assert!(matches!(err, FitError::Degenerate { .. }), "{err}");
    }
    assert_eq!(fit_all(&[3.0, 3.0]).len(), 1, "only exponential fits");
    assert!(fit_all(&[]).is_empty());
}

#[test]
fn extreme_shapes_converge() {
    // Very heavy and very light tails, and a 2-point sample.
    for truth in [
        Params::Weibull { shape: 0.15, scale: 1.0 },
        Params::Weibull { shape: 40.0, scale: 1e6 },
        Params::Gamma { shape: 0.05, scale: 10.0 },
        Params::Gamma { shape: 500.0, scale: 1e-3 },
    ] {
        assert_within_4_se(truth, 8);
    }
    for f in Family::ALL {
        fit(f, &[1.0, 2.0]).unwrap();
    }
}
