#!/usr/bin/env python3
"""How much a stratum of coinciding region failures could gain on
active-active's P(region RTO met) (benches/README.md, "Coinciding region
failures").

Usage: benches/coincidence_bound.py BIN [trials]

Active-active misses a region RTO almost only when its other region is down
when one fails: 0.06% of its region incidents on
models/securecart-monolith.toml, set by the world, which `--region-replays`
does not redraw. Cut the horizon into blocks of length `L` and let `D` be
the number of blocks holding a failure point of the primary region and one
of another region. The two regions' failure points are independent Poisson
processes (before thinning by their own down time), so each block holds
both with probability `q = (1 - e^{-a L}) (1 - e^{-b L})`, independently
of the other blocks: `P(D = 0)` is a product in closed form, exact weights
for strata `D = 0` and `D >= 1`.

The script runs BIN on a copy of the model with a probe strategy that
never invokes DR (its region incidents are the primary region's failures;
benches/probe.py), beside active-active, whose region incidents are both
regions' failures: those not the probe's are the other region's. Per block
length it prints `P(D >= 1)` in closed form and as seen (the seen points
are thinned, so slightly fewer), how many of the misses fall in trials
with `D >= 1`, and the variance gain on active-active's P(region RTO met)
of the Neyman allocation between the two strata at equal trials, and the
share of the trials it gives to `D >= 1`: the
residual `Y - R X` of the ratio estimator (Y a trial's misses, X its region
incidents, R the pooled share) in place of a per-trial value. Nothing here
is built: it bounds what such a design could give.
"""
import collections, csv, math, os, subprocess, sys, tempfile, tomllib

from probe import PROBE, with_probe

BIN = sys.argv[1]
TRIALS = int(sys.argv[2]) if len(sys.argv) > 2 else 1000000
MODEL = "models/securecart-monolith.toml"
STRATEGY = "active-active"
YEAR = 365 * 86400

model = tomllib.load(open(MODEL, "rb"))
rate = next(f for f in model["failure"] if f["kind"] == "region")["rate_per_year"]
rto = float(model["targets"]["rto"][:-1]) * {"m": 60, "h": 3600}[model["targets"]["rto"][-1]]

with tempfile.TemporaryDirectory() as tmp:
    probed = os.path.join(tmp, "model.toml")
    open(probed, "w").write(with_probe(open(MODEL).read()))
    out = os.path.join(tmp, "run")
    subprocess.run([BIN, "run", probed, "--strategy", STRATEGY, "--strategy", PROBE, "--trials", str(TRIALS),
                    "--incidents", "--out", out, "-q", "--format", "json"], check=True, capture_output=True)
    primary = collections.defaultdict(set)
    incidents = collections.defaultdict(list)
    with open(os.path.join(out, "incidents.csv")) as f:
        for r in csv.DictReader(f):
            if r["kind"] != "region":
                continue
            t = int(r["trial"])
            if r["strategy"] == PROBE:
                primary[t].add(r["start_s"])
            else:
                incidents[t].append((r["start_s"], float(r["downtime_s"]) > rto))

x = [0] * TRIALS  # region incidents
y = [0] * TRIALS  # of them missing the RTO
points = {}  # trial: (primary's failure times, the other region's)
for t, rows in incidents.items():
    x[t], y[t] = len(rows), sum(miss for _, miss in rows)
    points[t] = ([float(s) for s in primary[t]], [float(s) for s, _ in rows if s not in primary[t]])
share = sum(y) / sum(x)
residual = [y[t] - share * x[t] for t in range(TRIALS)]
mean = sum(residual) / TRIALS
plain = sum((e - mean) ** 2 for e in residual) / TRIALS
print(f"{STRATEGY}: {sum(x)} region incidents in {TRIALS} trials, {sum(y)} missing the RTO "
      f"(P(region RTO met) {1 - share:.5f})")
for days in (1, 2, 4, 7, 14):
    length = days * 86400
    blocks = [min(length, YEAR - s) for s in range(0, YEAR, length)]
    both = lambda b: (1 - math.exp(-rate * b / YEAR)) ** 2
    p_any = 1 - math.prod(1 - both(b) for b in blocks)
    stratum = [0] * TRIALS
    for t, (a, b) in points.items():
        stratum[t] = int(bool({int(s // length) for s in a} & {int(s // length) for s in b}))
    parts, n, misses = [], collections.Counter(stratum), collections.Counter()
    for k in (0, 1):
        values = [residual[t] for t in range(TRIALS) if stratum[t] == k]
        m = sum(values) / len(values)
        parts.append(len(values) / TRIALS * math.sqrt(sum((v - m) ** 2 for v in values) / len(values)))
    sd = sum(parts)
    for t in range(TRIALS):
        misses[stratum[t]] += y[t]
    print(f"  blocks of {days:>2} days: P(D >= 1) {p_any:.5f} in closed form, {n[1] / TRIALS:.5f} seen; "
          f"{misses[1]} of the {sum(y)} misses in those years; "
          f"Neyman gain at equal trials {plain / sd ** 2:.2f}x, giving D >= 1 {parts[1] / sd:.0%} of the trials")
