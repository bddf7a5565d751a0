#!/usr/bin/env python3
"""Benchmark: Assay's per-slice metrics with bootstrap intervals against
Fairlearn's MetricFrame (n_boot) on the same data, in one run.

1,000,000 binary predictions with three slice columns (4, 5 and 3 values),
generated here into bench/out/slices_1m.csv.

  reference: for each slice column, fairlearn.metrics.MetricFrame with
    accuracy, precision, recall (at threshold 0.5), ROC AUC, log loss and the
    Brier score per group, n_boot bootstrap resamples (ci_quantiles 2.5% and
    97.5%); timed after pandas has read the CSV.
  assay: the slice audit (crates/engine/examples/slice_audit.rs) on the same
    columns and number of resamples — every metric of the task (16) plus ECE
    per slice and for the rest of the data, paired gap intervals, tests,
    q-values and power — timed after its own CSV read.

Checks that the per-group point values agree, prints both times and the ratio.
Usage: python3 bench/bench_slice_metrics.py [--rows N] [--boot B]
"""
import argparse, json, subprocess, sys, time
from pathlib import Path

import numpy as np
import pandas as pd
from fairlearn.metrics import MetricFrame
from sklearn.metrics import accuracy_score, brier_score_loss, log_loss, precision_score, recall_score, roc_auc_score

ROOT = Path(__file__).resolve().parent.parent
COLS = ["region", "plan", "channel"]


def generate(path, n, seed=7):
    if path.exists() and sum(1 for _ in open(path)) == n + 1:
        return
    rng = np.random.default_rng(seed)
    region = rng.choice(["north", "south", "east", "west"], n, p=[0.4, 0.3, 0.2, 0.1])
    plan = rng.choice(["a", "b", "c", "d", "e"], n)
    channel = rng.choice(["web", "store", "phone"], n, p=[0.6, 0.3, 0.1])
    z = rng.normal(-0.2, 1.3, n) + (region == "west") * 0.4
    y = (rng.random(n) < 1 / (1 + np.exp(-z))).astype(int)
    noise = rng.normal(0, 0.4 + 0.6 * (channel == "phone"), n)
    p = np.round(1 / (1 + np.exp(-(1.8 * z + noise))), 6)
    path.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame({"y": y, "p": p, "region": region, "plan": plan, "channel": channel}).to_csv(path, index=False)


def at(f):
    return lambda y, p: f(y, (p >= 0.5).astype(int))


METRICS = {
    "accuracy": at(accuracy_score),
    "precision": at(lambda y, q: precision_score(y, q, zero_division=0)),
    "recall": at(lambda y, q: recall_score(y, q, zero_division=0)),
    "roc_auc": roc_auc_score,
    "log_loss": lambda y, p: log_loss(y, p, labels=[0, 1]),
    "brier": brier_score_loss,
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--boot", type=int, default=20)
    ap.add_argument("--assay", default=None, help="the slice_audit example binary")
    a = ap.parse_args()
    data = ROOT / "bench/out" / f"slices_{a.rows}.csv"
    generate(data, a.rows)
    exe = a.assay
    if exe is None:
        subprocess.run(["cargo", "build", "--release", "-q", "-p", "assay-engine", "--example", "slice_audit"], check=True, cwd=ROOT)
        import os
        target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
        exe = str(target / "release/examples/slice_audit")

    df = pd.read_csv(data)
    y, p = df["y"].to_numpy(), df["p"].to_numpy()
    t = time.perf_counter()
    frames = {c: MetricFrame(metrics=METRICS, y_true=y, y_pred=p, sensitive_features=df[c], n_boot=a.boot,
                             ci_quantiles=[0.025, 0.975], random_state=0) for c in COLS}
    ref_s = time.perf_counter() - t

    t = time.perf_counter()
    out = subprocess.run([exe, str(data), "y", "p", str(a.boot), *COLS], check=True, capture_output=True, text=True)
    wall = time.perf_counter() - t
    r = json.loads(out.stdout)
    ours = r["analysis_s"]

    worst = 0.0
    for g in r["section"]["groupings"]:
        bg = frames[g["name"]].by_group
        for s in g["slices"]:
            for m in s["metrics"]:
                if m["key"] in METRICS:
                    worst = max(worst, abs(m["value"] - float(bg.loc[s["label"], m["key"]])))
    print(f"rows {a.rows:,}, {len(COLS)} slice columns, {a.boot} bootstrap resamples")
    print(f"fairlearn MetricFrame (6 metrics per group):          {ref_s:8.2f} s")
    print(f"assay slice audit (17 metrics, slice and rest, tests): {ours:8.2f} s   (process {wall:.2f} s incl. CSV read)")
    print(f"ratio: {ref_s / ours:.1f}x   largest point difference {worst:.1e}")
    if worst > 1e-9:
        sys.exit("point values differ")


if __name__ == "__main__":
    main()
