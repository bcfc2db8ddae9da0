#!/usr/bin/env python3
"""The most strata or importance sampling on a Poisson count of region
incidents can gain on a share over incidents (docs/variance.md, "How much
counts can gain at most"), by formula and by a small Monte Carlo of the
same estimators. Standard library only.

Usage: benches/count_bounds.py [mu] [q]   (defaults: SecureCart's 0.6, q 0.4)
"""
import math, random, sys

MU = float(sys.argv[1]) if len(sys.argv) > 1 else 0.6
Q = float(sys.argv[2]) if len(sys.argv) > 2 else 0.4
TRIALS, REPEATS = 2000, 1500
random.seed(1)


def poisson(rate):
    limit, k, p = math.exp(-rate), 0, 1.0
    while True:
        p *= random.random()
        if p < limit:
            return k
        k += 1


def variance_of_ratio(theta):
    """Variance over REPEATS runs of TRIALS trials of the weighted ratio
    sum w M / sum w N, the region failing at theta times its rate, each
    trial weighted by its likelihood ratio e^((theta-1) mu) theta^-N."""
    c, runs = math.exp((theta - 1) * MU), []
    for _ in range(REPEATS):
        met = seen = 0.0
        for _ in range(TRIALS):
            n = poisson(theta * MU)
            if n:
                w = c * theta ** -n
                met += w * sum(random.random() < Q for _ in range(n))
                seen += w * n
        runs.append(met / seen)
    return statistics_variance(runs)


def statistics_variance(xs):
    m = sum(xs) / len(xs)
    return sum((x - m) ** 2 for x in xs) / (len(xs) - 1)


p = [math.exp(-MU) * MU**k / math.factorial(k) for k in range(40)]
print(f"strata on the count, best allocation: {MU / sum(pk * math.sqrt(k) for k, pk in enumerate(p)) ** 2:.3f}x")
best = (1 + math.sqrt(1 + 4 * MU * MU)) / (2 * MU)  # where d/dθ [ln θ - μ(θ + 1/θ - 2)] = 0
formula = best * math.exp(-MU * (best + 1 / best - 2))
plain = variance_of_ratio(1.0)
measured = plain / variance_of_ratio(best)
print(f"importance sampling at theta {best:.3f}: formula {formula:.3f}x, Monte Carlo {measured:.3f}x")
