#!/usr/bin/env python3
"""Benchmark: weak-slice discovery, Assay against the `sliceline` package, on
the same data in one run.

Generates 10,000 rows of 5 categorical features (bench/out/slices_<card>.csv)
— each feature takes one frequent value on 15% of the rows and is uniform
over its other values otherwise, so every value occurs — with a 0/1 error
column: 8% overall, 45% where f0 takes its frequent value, 60% where f1 and
f2 both do. Then, for cardinality 1,000 and 100, runs

  sliceline: Slicefinder(alpha=0.95, k=3, max_l=2, min_sup=1).fit(X, errors)
             in a child Python process (pandas read_csv + fit);
  Assay:     the release example `discover` (engine CSV reader, groups by
             value, discover with the same settings), a child process too;

and prints, for each, the search time (fit / discover alone), the process's
wall time end to end (process start, reading the CSV, the search), its
peak resident memory (GNU time's maximum RSS), the ratios, and whether the top slices (predicates, sizes, scores
to 1e-9) agree. Assay's timings are the best of --repeat runs; sliceline's
of one (it is slow).

Build Assay's side first:
    cargo build --release -p assay-engine --example discover
Usage: python3 bench/bench_slices.py [--rows N] [--cards 1000,100] [--repeat R] [--assay PATH]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
TIME = "/usr/bin/time"

SLICELINE_CHILD = r"""
import json, sys, time, warnings
warnings.filterwarnings("ignore")
import pandas as pd
from sliceline.slicefinder import Slicefinder
t0 = time.perf_counter()
df = pd.read_csv(sys.argv[1])
e = df.pop("error").to_numpy(float)
names = list(df.columns)
t1 = time.perf_counter()
sf = Slicefinder(alpha=0.95, k=3, max_l=2, min_sup=1, verbose=False)
sf.fit(df.to_numpy(), e)
t2 = time.perf_counter()
slices = [{"predicates": [{"column": names[j], "value": str(v)} for j, v in enumerate(s) if v is not None],
           "score": st["slice_score"], "rows": int(st["slice_size"])}
          for s, st in zip(sf.top_slices_, sf.top_slices_statistics_)]
print(json.dumps({"slices": slices, "seconds": {"read": t1 - t0, "discover": t2 - t1}}))
"""


def generate(path: Path, n: int, card: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    cols = {}
    for j in range(5):
        hot = rng.random(n) < 0.15
        cols[f"f{j}"] = np.where(hot, 0, rng.integers(1, card, size=n))
    p = np.full(n, 0.08)
    p[cols["f0"] == 0] = 0.45
    both = (cols["f1"] == 0) & (cols["f2"] == 0)
    p[both] = np.maximum(p[both], 0.60)
    cols["error"] = (rng.random(n) < p).astype(int)
    path.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(cols).to_csv(path, index=False)


def run_child(cmd):
    """Run a command: its stdout as JSON, wall seconds, and its peak resident
    memory in MiB. The peak comes from GNU time (`/usr/bin/time -f %M`):
    Linux carries a process's peak RSS across exec, so wait4 on a child
    forked from this (large) Python process would report this process's
    size for a small child; `time` is small when it forks the command."""
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as rss:
        t = time.perf_counter()
        p = subprocess.run([TIME, "-f", "%M", "-o", rss.name, *cmd], capture_output=True, text=True)
        wall = time.perf_counter() - t
        if p.returncode != 0:
            sys.exit(f"{cmd[0]} failed ({p.returncode}): {p.stderr}")
        peak_kib = int(rss.read().split()[-1])
    return json.loads(p.stdout), wall, peak_kib / 1024


def key(s):
    return tuple((p["column"], p["value"]) for p in s["predicates"])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=10_000)
    ap.add_argument("--cards", default="1000,100")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--assay", default=str(TARGET / "release/examples/discover"))
    a = ap.parse_args()
    if not Path(TIME).exists():
        sys.exit(f"{TIME} (GNU time) is needed to measure peak memory: apt-get install time")
    if not Path(a.assay).exists():
        sys.exit(f"{a.assay} not found: cargo build --release -p assay-engine --example discover")
    import sliceline  # noqa: F401  (fail early if missing)
    from importlib.metadata import version
    print(f"machine: {os.cpu_count()} cores; sliceline {version('sliceline')}, numpy {np.__version__}, "
          f"scipy {version('scipy')}, scikit-learn {version('scikit-learn')}")
    print("settings: alpha=0.95, k=3, max_l=2, min_sup=1\n")
    rows = []
    for card in [int(c) for c in a.cards.split(",")]:
        data = ROOT / "bench/out" / f"slices_{a.rows}_{card}.csv"
        generate(data, a.rows, card)
        sl, sl_wall, sl_mem = run_child([sys.executable, "-c", SLICELINE_CHILD, str(data)])
        best = None
        for _ in range(a.repeat):
            r = run_child([a.assay, str(data), "--top-k", "3", "--max-level", "2",
                           "--min-support", "1", "--alpha", "0.95"])
            if best is None or r[1] < best[1]:
                best = r
        asy, asy_wall, asy_mem = best
        same = [key(s) for s in sl["slices"]] == [key(s) for s in asy["slices"]] and all(
            s["rows"] == t["rows"] and abs(s["score"] - t["score"]) <= 1e-9 * max(1, abs(s["score"]))
            for s, t in zip(sl["slices"], asy["slices"]))
        rows.append((card, sl, sl_wall, sl_mem, asy, asy_wall, asy_mem, same))

    print(f"{'cardinality':<12}{'':<22}{'sliceline':>12}{'assay':>12}{'ratio':>10}")
    for card, sl, sl_wall, sl_mem, asy, asy_wall, asy_mem, same in rows:
        t_sl, t_as = sl["seconds"]["discover"], asy["seconds"]["discover"]
        print(f"{card:<12}{'search (fit/discover)':<22}{t_sl:>11.3f}s{t_as:>11.4f}s{t_sl / t_as:>9.0f}x")
        print(f"{'':<12}{'process, end to end':<22}{sl_wall:>11.3f}s{asy_wall:>11.4f}s{sl_wall / asy_wall:>9.0f}x")
        print(f"{'':<12}{'peak memory (RSS)':<22}{sl_mem:>10.0f}MiB{asy_mem:>9.1f}MiB{sl_mem / asy_mem:>9.0f}x")
        print(f"{'':<12}{'top slices agree':<22}{'yes' if same else 'NO':>12}")
        for s in asy["slices"]:
            preds = " ∧ ".join(f"{c} = {v}" for c, v in key(s))
            print(f"{'':<14}{preds:<28} rows {s['rows']:>5}  score {s['score']:.6f}")
    if not all(r[-1] for r in rows):
        sys.exit("top slices differ")


if __name__ == "__main__":
    main()
