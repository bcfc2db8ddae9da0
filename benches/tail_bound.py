#!/usr/bin/env python3
"""What sets the P99 of annual cost on SecureCart, and how much importance
sampling of when logical failures fall could gain on it (benches/README.md,
"Late detections").

Usage: benches/tail_bound.py BIN [trials] [plays]

1. Runs `BIN run models/securecart-monolith.toml --trials N --incidents` (plain
   sampling, seed 20260101) and, per strategy, describes the years at or
   above the P99 of incident cost: the kind and path of each year's costliest
   incident, the load multiplier when it began, whether it lost all data.
2. How many of those years a `--variance-reduction peak-season` design
   marks: a primary-region outage longer than the P90 of its length (a
   long outage), a primary-region or logical failure inside a peak window
   (the peak opened earlier by the detection delay's P90), or a logical
   failure detected after the late threshold (the shortest retention less
   its interval); the share of all years so marked, and the variance gain
   on P(C > P99) of a Neyman allocation between marked and unmarked years
   (the most two such strata could give that figure). The outages' lengths
   come from a probe strategy added to a copy of the model: a copy of
   backup-restore that never invokes DR, so its region incidents last as
   long as the outages. Strategies draw from streams of their own, so the
   others' years are the same as without it.
3. The most any allocation of trials over the design's strata could give
   on `P(C > P99)` at equal trials: each year's stratum (long outages 0, 1,
   2 or more; a late detection or not; a peak point or not), the share of
   each stratum's years in the tail `pi_k` and its probability `p_k`, and
   the Neyman allocation's variance `(sum_k p_k sqrt(pi_k (1 - pi_k)))^2`
   against plain sampling's `p (1 - p)`, per strategy (each strategy's own
   best; one run's allocation serves all four, so it gets less). The same
   with a fourth count crossed in: the timely logical failures outside the
   windows, `0 to 2` against `3 or more` (7.5% of SecureCart's years). And
   with the peak count split four ways, each `0` or `1 or more`: region or
   logical points, each at a load of 4 or more when the failure is found
   (a region failure when it begins, a logical one after its detection
   delay) or below (both are marks of the points, so each part would again
   be a Poisson count with exact weights).
4. For proposals that reshape when logical failures fall toward high load,
   `g(t) = (1 - beta) + beta load(t)^k / mean(load^k)` (the same rate, so
   the likelihood ratio of a trial is `prod 1/g(t_i)` over its logical
   failures), the variance of the weighted estimator of `p = P(C > q)` is
   `E_plain[1{C > q} prod 1/g(t_i)] - p^2`, computed here from the plain
   trials themselves. Prints the gain `p (1 - p) / that variance`: above 1
   the proposal helps, below 1 it hurts.

5. With `plays` K (default 1: not run), how much of the variance of `1{C >
   q}` at the P99 the strategy's own draws hold, against the world's: the
   copy of the model also holds K - 1 copies of every strategy, which see
   the same worlds but draw from streams of their own (a strategy's stream
   is keyed by its position), so each trial gives K independent years of
   the strategy given its world. `rho`, the world's share, is `Var(E[1 |
   world]) / Var(1)`, estimated as `(K V_K - V_1) / (K - 1)` from the
   variance `V_K` of the K years' mean. Then the Neyman bound of section 3
   with each trial's K years averaged (what playing the strategy's whole
   year K times over one world could give at equal trials, before paying
   for the plays) and with infinitely many. `100000 8` takes a few minutes
   and about 3 GB in a temporary directory.

The load profile is read from the model (`[workload.load_profile]`),
normalised to mean 1 per factor as drsim does.
"""
import collections, csv, math, os, subprocess, sys, tempfile, tomllib

from probe import PROBE, with_probe

BIN = sys.argv[1]
TRIALS = int(sys.argv[2]) if len(sys.argv) > 2 else 20000
PLAYS = int(sys.argv[3]) if len(sys.argv) > 3 else 1
MODEL = "models/securecart-monolith.toml"

profile = tomllib.load(open(MODEL, "rb"))["workload"]["load_profile"]
hours = [h / (sum(profile["hour_of_day"]) / 24) for h in profile["hour_of_day"]]
days = [d / (sum(profile["day_of_week"]) / 7) for d in profile["day_of_week"]]


def load(t):
    """The load multiplier at `t` seconds into the year (src/model/profile.rs)."""
    h = int(t / 3600)
    m = hours[h % 24] * days[(h // 24) % 7]
    for p in profile.get("peak", []):
        start = (p["start_day"] - 1) * 86400
        if start <= t < start + p["days"] * 86400:
            m *= p["multiplier"]
    return m


year_loads = [load(h * 3600 + 1800) for h in range(8760)]

# The peak-season windows (src/world/strata.rs, `peak_season`): the lognormal
# detection delay's P90 before each peak above 1, to the peak's end.
model = tomllib.load(open(MODEL, "rb"))
delay = next(f for f in model["failure"] if f["kind"] == "logical")["detection_delay"]
SECS = {"m": 60, "h": 3600, "d": 86400}
to_s = lambda text: float(text[:-1]) * SECS[text[-1]]
sigma = math.log(to_s(delay["p95"]) / to_s(delay["median"])) / 1.6448536269514722
lead = to_s(delay["median"]) * math.exp(1.2815515655446004 * sigma)
windows = [((p["start_day"] - 1) * 86400 - lead, (p["start_day"] - 1 + p["days"]) * 86400)
           for p in profile.get("peak", []) if p["multiplier"] > 1]
late_after = min(to_s(s["backup"]["retention"]) - to_s(s["backup"]["interval"])
                 for s in model["strategy"] if "backup" in s)

# A long outage: longer than the P90 of the region outage's length
# (src/world/strata.rs, `long_threshold`; the model's is exponential).
region = next(f for f in model["failure"] if f["kind"] == "region")["duration"]
assert region["dist"] == "exponential", "this script reads an exponential region outage length"
long_after = to_s(region["mean"]) * math.log(10)
with tempfile.TemporaryDirectory() as tmp:
    text = open(MODEL).read()
    # Section 5's copies: each strategy's block (up to the next strategy or
    # the [uncertain] table), renamed.
    names = [st["name"] for st in model["strategy"]]
    starts = [text.index(f'[[strategy]]\nname = "{n}"') for n in names] + [text.index("[uncertain]")]
    copies = "".join(text[starts[i]:starts[i + 1]].replace(f'name = "{n}"', f'name = "{n}-play-{k}"') + "\n"
                     for i, n in enumerate(names) for k in range(1, PLAYS))
    probed = os.path.join(tmp, "model.toml")
    open(probed, "w").write(with_probe(text) + "\n" + copies)
    out = os.path.join(tmp, "run")
    subprocess.run([BIN, "run", probed, "--trials", str(TRIALS), "--incidents", "--out", out, "-q",
                    "--format", "json"], check=True, capture_output=True)
    by = collections.defaultdict(lambda: collections.defaultdict(list))
    logical = collections.defaultdict(list)
    marked = set()
    # Section 5: each strategy's cost per trial in each of its plays.
    plays = collections.defaultdict(lambda: [[0.0] * TRIALS for _ in range(PLAYS)])
    # Per trial: long outages, late detections, peak points, timely logical
    # failures outside the windows.
    counts = collections.defaultdict(lambda: [0, 0, 0, 0])
    long_starts, points = set(), []
    # Per trial: the peak points' (kind, busy when found) marks.
    peak_marks = collections.defaultdict(set)
    with open(os.path.join(out, "incidents.csv")) as f:
        first = None
        for r in csv.DictReader(f):
            if r["strategy"] == PROBE:
                if r["kind"] == "region" and float(r["downtime_s"]) > long_after:
                    marked.add(int(r["trial"]))
                    counts[int(r["trial"])][0] += 1
                    long_starts.add((int(r["trial"]), r["start_s"]))
                continue
            name, _, k = r["strategy"].partition("-play-")
            plays[name][int(k or 0)][int(r["trial"])] += float(r["cost_usd"])
            if k:
                continue
            first = first or r["strategy"]
            by[r["strategy"]][int(r["trial"])].append(r)
            if r["strategy"] == first and r["kind"] == "logical":
                logical[int(r["trial"])].append(float(r["start_s"]))
            # The first strategy (single-region) sees the primary region's failures.
            if r["strategy"] == first and r["kind"] in ("region", "application", "logical"):
                start = float(r["start_s"])
                late = r["kind"] == "logical" and float(r["detection_delay_s"]) > late_after
                inside = any(a <= start < b for a, b in windows)
                if late or inside:
                    marked.add(int(r["trial"]))
                if r["kind"] != "application":
                    delay_s = float(r["detection_delay_s"] or 0)
                    points.append((int(r["trial"]), r["kind"], r["start_s"], late, inside, delay_s))
    for t, kind, start, late, inside, delay_s in points:
        if late:
            counts[t][1] += 1
        elif inside and (t, start) not in long_starts:
            counts[t][2] += 1
            found = float(start) + (delay_s if kind == "logical" else 0.0)
            peak_marks[t].add((kind, load(found) >= 4.0))
        elif kind == "logical" and not inside:
            counts[t][3] += 1

for name, trials in by.items():
    cost = [sum(float(r["cost_usd"]) for r in trials.get(t, [])) for t in range(TRIALS)]
    q = sorted(cost)[int(0.99 * TRIALS)]
    tail = [t for t in range(TRIALS) if cost[t] >= q]
    biggest = [max(trials[t], key=lambda r: float(r["cost_usd"])) for t in tail]
    kinds = collections.Counter(r["kind"] for r in biggest)
    lost = sum(r["data_lost_entirely"] == "true" for r in biggest)
    peak = sum(load(float(r["start_s"])) >= 4.0 for r in biggest)
    print(f"{name}: P99 of incident cost ${q:,.0f}; {len(tail)} years at or above it; costliest incident "
          + ", ".join(f"{k} {v}" for k, v in kinds.most_common())
          + f"; a total loss in {lost}; begun at load >= 4 in {peak}")
    p = len(tail) / TRIALS
    w1 = len(marked) / TRIALS
    p1 = len(set(tail) & marked) / max(len(marked), 1)
    p0 = len(set(tail) - marked) / max(TRIALS - len(marked), 1)
    neyman = (w1 * math.sqrt(p1 * (1 - p1)) + (1 - w1) * math.sqrt(p0 * (1 - p0))) ** 2
    print(f"  peak-season marks {len(set(tail) & marked)} of them and {w1:.2%} of all years; "
          f"two Neyman strata would gain {p * (1 - p) / neyman:.2f}x in variance on P(C > P99)")
    marks = [(kind, busy) for kind in ("region", "logical") for busy in (True, False)]
    designs = (
        ("the design's strata", lambda t, g, m, pk, off: (min(g, 2), min(m, 1), min(pk, 1))),
        ("with the off-peak count", lambda t, g, m, pk, off: (min(g, 2), min(m, 1), min(pk, 1), off >= 3)),
        ("with the peak count split by kind and load", lambda t, g, m, pk, off: (min(g, 2), min(m, 1))
         + tuple(mark in peak_marks[t] for mark in marks)),
    )
    for label, stratum in designs:
        n, hit = collections.Counter(), collections.Counter()
        for t in range(TRIALS):
            k = stratum(t, *counts[t])
            n[k] += 1
            hit[k] += cost[t] >= q
        sd = sum(n[k] / TRIALS * math.sqrt(hit[k] / n[k] * (1 - hit[k] / n[k])) for k in n)
        print(f"  {label} ({len(n)} seen): Neyman allocation for this strategy alone gains at most "
              f"{p * (1 - p) / sd ** 2:.2f}x in variance on P(C > P99) at equal trials")
    gains = []
    for k in (1, 2):
        mean = sum(x ** k for x in year_loads) / len(year_loads)
        for beta in (0.25, 0.5, 0.8):
            second = 0.0
            for t in tail:
                w = 1.0
                for s in logical[t]:
                    w /= (1 - beta) + beta * load(s) ** k / mean
                second += w
            var = second / TRIALS - p * p
            gains.append(f"k={k} beta={beta}: {p * (1 - p) / var:.2f}x")
    print("  importance sampling of logical failure times, variance gain on P(C > P99): " + ", ".join(gains))

if PLAYS > 1:
    print(f"\nThe strategy's own draws, {PLAYS} plays of every strategy over each world:")
for name, years in (plays.items() if PLAYS > 1 else ()):
    pooled = sorted(x for play in years for x in play)
    q = pooled[int(0.99 * len(pooled))]
    share = [sum(play[t] >= q for play in years) / PLAYS for t in range(TRIALS)]
    p = sum(share) / TRIALS
    v1 = p * (1 - p)
    rho = (PLAYS * sum((x - p) ** 2 for x in share) / TRIALS - v1) / (PLAYS - 1) / v1
    strata = collections.defaultdict(list)
    for t in range(TRIALS):
        g, m, pk, off = counts[t]
        strata[(min(g, 2), min(m, 1), min(pk, 1))].append(share[t])
    sd = [0.0, 0.0, 0.0]  # one play, PLAYS plays, infinitely many
    for xs in strata.values():
        pi = sum(xs) / len(xs)
        within1 = pi * (1 - pi)
        within = sum((x - pi) ** 2 for x in xs) / len(xs)
        world = max((PLAYS * within - within1) / (PLAYS - 1), 0.0)
        for i, v in enumerate((within1, within, world)):
            sd[i] += len(xs) / TRIALS * math.sqrt(v)
    print(f"{name}: rho {rho:.3f} (at most {1 / rho:.2f}x from plays without strata); the design's strata, "
          f"Neyman for this strategy alone: {v1 / sd[0] ** 2:.2f}x in variance with one play, "
          f"{v1 / sd[1] ** 2:.2f}x with {PLAYS}, {v1 / sd[2] ** 2:.2f}x with infinitely many")
