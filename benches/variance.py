#!/usr/bin/env python3
"""Plain vs stratified sampling on SecureCart (benches/README.md, "Variance reduction").

Usage: benches/variance.py BIN [seeds] [trials] [modes] [strategies]

`modes` is a comma-separated list of --variance-reduction settings compared
with plain sampling (default: stratified,crossed,late-detection); `SETTING:K` adds
`--region-replays K` (`none:8`: plain sampling, each region incident's
recovery played 8 times). `strategies`, a comma-separated list, runs only
those (`--strategy` each; the default runs all four); with one, figure (c)
is not printed.

1. Equal trial counts (independent of machine load): `seeds` runs of `trials`
   trials per setting; for (a) the P99 of annual cost, (b) P(region RTO met)
   (c) the paired cost difference between the two first-ranked
   strategies and (d) the expected annual cost, the standard error as the spread over the seeds and as
   stated, and the ratio plain / stratified.
2. Time per run (interleaved, 5 each) and so relative SE per second.

An SE ratio from `seeds` runs of each setting is itself an estimate: the
log of a ratio of two spreads of `S` independent runs each has a standard
error of about `1 / sqrt(S - 1)` (each sample standard deviation's relative
error is `1 / sqrt(2 (S - 1))` for normal estimates), so the 95% interval
printed beside the SE ratio is `ratio x exp(+-1.96 / sqrt(S - 1))`, and the
per-second figure's, which squares it, twice as wide in the log: about
+-64% with 40 seeds, +-20% with 400.
"""
import json, math, statistics, subprocess, sys, time

BIN = sys.argv[1]
SEEDS = int(sys.argv[2]) if len(sys.argv) > 2 else 40
TRIALS = int(sys.argv[3]) if len(sys.argv) > 3 else 50000
MODES = sys.argv[4].split(",") if len(sys.argv) > 4 else ["stratified", "crossed", "late-detection"]
STRATEGIES = [f for name in sys.argv[5].split(",") for f in ("--strategy", name)] if len(sys.argv) > 5 else []
MODEL = "models/securecart-monolith.toml"
Z = 1.959963984540054


def run(mode, seed, trials):
    setting, _, plays = mode.partition(":")
    extra = ["--region-replays", plays] if plays else []
    args = [BIN, "run", MODEL, "--trials", str(trials), "--seed", str(seed), "-q", "--format", "json",
            "--variance-reduction", setting, *extra, *STRATEGIES]
    t = time.perf_counter()
    out = subprocess.run(args, check=True, capture_output=True).stdout
    return json.loads(out), time.perf_counter() - t


def figures(r):
    """name -> (estimate, stated SE)"""
    out = {}
    for s in r["strategies"]:
        q = s["cost"]["total_annual_quantiles_usd"]["p99"]
        out[f"(a) P99 cost {s['name']}"] = (q["value"], (q["high"] - q["low"]) / (2 * Z))
        reg = next(k for k in s["kinds"] if k["kind"] == "region")
        m = reg["rto_met"]
        out[f"(b) region RTO met {s['name']}"] = (m["estimate"], (m["high"] - m["low"]) / (2 * Z))
        t = s["cost"]["total_annual_usd"]
        out[f"(d) expected cost {s['name']}"] = (t["value"], t["std_error"])
    d = r["decision"]
    if len(d["ranking"]) < 2:
        return out
    second = d["ranking"][1]
    c = next(v for v in d["verdicts"] if v["strategy"] == second)["cost_vs_reference"]
    out[f"(c) cost {second} - {d['ranking'][0]}"] = (c["mean_usd"], (c["high_usd"] - c["low_usd"]) / (2 * Z))
    return out


results = {}
for mode in ["none", *MODES]:
    rows = [figures(run(mode, 1000 + s, TRIALS)[0]) for s in range(SEEDS)]
    results[mode] = {k: ([r[k][0] for r in rows], [r[k][1] for r in rows]) for k in rows[0]}

times = {mode: [] for mode in ["none", *MODES]}
for _ in range(5):
    for mode in times:
        times[mode].append(run(mode, 7, 200000)[1])
med = {mode: statistics.median(t) for mode, t in times.items()}
print("time per 200,000 trials: " + ", ".join(
    f"{mode} {med[mode]:.2f} s (range {min(t):.2f}-{max(t):.2f})" for mode, t in times.items()))
print(f"{SEEDS} seeds x {TRIALS} trials")
for mode in MODES:
    print(f"\n{mode} against plain")
    print(f"| figure | plain SE (spread) | {mode} SE (spread) | SE ratio (95% interval) | stated ratio | {mode} stated / spread | precision per second, {mode} / plain (95% interval) |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    half = Z / (SEEDS - 1) ** 0.5
    for k in results["none"]:
        if k not in results[mode]:
            continue
        pv, ps = results["none"][k]
        sv, ss = results[mode][k]
        sp, sst = statistics.stdev(pv), statistics.stdev(sv)
        mean = abs(statistics.mean(pv)) or 1.0
        stated = statistics.mean(ps) / max(statistics.mean(ss), 1e-300)
        ratio = sp / sst if sst > 0 else float("inf")
        # Precision per second: 1 / (SE^2 x time); relative SE at equal time scales the same.
        per_s = ratio ** 2 * med["none"] / med[mode]
        # The stated errors' root mean square, as tests/common's check takes
        # it: the mean would understate a heavy-tailed figure's spread.
        calib = math.sqrt(statistics.fmean(x * x for x in ss)) / sst if sst > 0 else float("nan")
        lo, hi = math.exp(-half), math.exp(half)
        print(f"| {k} | {sp / mean:.3%} | {sst / mean:.3%} | {ratio:.2f} ({ratio * lo:.2f}-{ratio * hi:.2f}) "
              f"| {stated:.2f} | {calib:.2f} | {per_s:.2f}x ({per_s * lo * lo:.2f}-{per_s * hi * hi:.2f}) |")
