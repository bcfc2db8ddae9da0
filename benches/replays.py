#!/usr/bin/env python3
"""Replayed recoveries (`--region-replays K`) on SecureCart: precision per second
of P(region RTO met) (benches/README.md, "Replayed recoveries").

Usage: benches/replays.py BIN [trials] [rounds]

1. The world's share rho of the variance of each strategy's region RTO outcome,
   from one run of `trials` trials with 8 plays written as a shard part (its tally
   holds, per strategy, the replayed incidents n, sum m_i and sum m_i^2):
   the mean variance of one play within an incident is
   W = (sum m_i - sum m_i^2 / K) / (n (K - 1)), the variance of one play
   V = q (1 - q), and rho = 1 - W / V. The variance at equal trials then falls by
   1 / (rho + (1 - rho) / K) with K plays (law of total variance).
2. Whole-process time of 1,000,000 trials (200,000 with all four strategies),
   `rounds` interleaved rounds, median: every strategy together, and each
   strategy alone, for K in 1, 4, 8, 16, 32, 64.
3. Precision per second against K = 1: the variance gain times the time ratio.
"""
import json, statistics, subprocess, sys, tempfile, time
from pathlib import Path

BIN = sys.argv[1]
TRIALS = sys.argv[2] if len(sys.argv) > 2 else "1000000"
ROUNDS = int(sys.argv[3]) if len(sys.argv) > 3 else 5
MODEL = "models/securecart-monolith.toml"
PLAYS = [1, 4, 8, 16, 32, 64]
STRATEGIES = ["backup-restore", "pilot-light", "warm-standby", "active-active"]

with tempfile.TemporaryDirectory() as tmp:
    out = Path(tmp) / "part"
    subprocess.run([BIN, "run", MODEL, "--trials", TRIALS, "--region-replays", "8", "-q",
                    "--shard", "1/1", "--out", str(out)], check=True)
    part = json.loads((out / "part.json").read_text())
tally, k = part["tally"], part["tally"]["region_plays"]
rho = {}
print(f"world's share of the variance, {TRIALS} trials, {k} plays")
print("| strategy | region incidents | P(region RTO met) | rho | gain at equal trials, K = 4 / 8 / 16 / 32 / 64 | at most |")
print("| --- | --- | --- | --- | --- | --- |")
for name, s in zip(part["strategies"], tally["strategies"]):
    r = next(kind["replayed"] for kind in s["kinds"] if kind.get("replayed"))
    n, (m, m2) = r["incidents"], r["rto_met"]
    q = m / (k * n)
    within = (m - m2 / k) / (n * (k - 1))
    rho[name] = max(0.0, 1 - within / (q * (1 - q))) if 0 < q < 1 else 1.0
    gains = " / ".join(f"{1 / (rho[name] + (1 - rho[name]) / p):.2f}" for p in PLAYS[1:])
    most = f"{1 / rho[name]:.1f}" if rho[name] > 1e-9 else "inf"
    print(f"| {name} | {n:,} | {q:.4f} | {rho[name]:.3f} | {gains} | {most} |")


def timed(args):
    t = time.perf_counter()
    subprocess.run(args, check=True, capture_output=True)
    return time.perf_counter() - t


setups = {"all four (200,000 trials)": ([], "200000")}
setups.update({f"{s} alone": (["--strategy", s], "1000000") for s in STRATEGIES})
times = {(s, p): [] for s in setups for p in PLAYS}
keys = list(times)
for r in range(ROUNDS):
    for key in keys[r % len(keys):] + keys[:r % len(keys)]:
        setup, plays = key
        extra, trials = setups[setup]
        times[key].append(timed([BIN, "run", MODEL, "--trials", trials, "-q", "--format", "json",
                                 "--region-replays", str(plays), *extra]))
print(f"\nwhole-process time, median of {ROUNDS} interleaved rounds (range), and precision per second"
      " of P(region RTO met) against K = 1")
print("| run | K | time s | time / K=1 | " + " | ".join(f"per second: {s}" for s in STRATEGIES) + " |")
print("| --- | --- | --- | --- | " + " | ".join("---" for _ in STRATEGIES) + " |")
for setup in setups:
    base = statistics.median(times[(setup, 1)])
    for p in PLAYS:
        t = times[(setup, p)]
        med = statistics.median(t)
        per = [f"{(1 / (rho[s] + (1 - rho[s]) / p)) * base / med:.2f}x"
               if setup.startswith(("all", s)) else "" for s in STRATEGIES]
        print(f"| {setup} | {p} | {med:.3f} ({min(t):.3f}-{max(t):.3f}) | {med / base:.2f} | "
              + " | ".join(per) + " |")
