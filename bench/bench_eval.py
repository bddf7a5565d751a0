#!/usr/bin/env python3
"""Benchmark: `assay eval` against pandas + scikit-learn on the same file, in one run.

Generates a 1,000,000-row binary predictions CSV with three slice columns
(bench/out/eval_1m.csv), then times, on that file:

  Assay (the release CLI, end to end: process start, CSV read, all binary
  metrics, ROC/PR curves, report JSON):
    - without bootstrap (--bootstrap 0)
    - with 200 bootstrap resamples of every metric (--bootstrap 200)
  pandas + scikit-learn doing the same work:
    - read_csv
    - all binary metrics + ROC/PR curves
    - 200 bootstrap resamples of ROC AUC (timed separately)

and prints both and the ratios. Each timing is the best of --repeat runs.
Usage: python3 bench/bench_eval.py [--rows N] [--repeat R] [--assay PATH]
"""
import argparse, os, subprocess, sys, time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn import metrics as skm

ROOT = Path(__file__).resolve().parent.parent


def generate(path: Path, n: int, seed: int = 0):
    if path.exists() and path.stat().st_size > 0:
        head = pd.read_csv(path, nrows=1)
        if list(head.columns) == ["y", "p", "region", "segment", "channel"] and sum(1 for _ in open(path)) - 1 == n:
            return
    rng = np.random.default_rng(seed)
    region = rng.choice(["north", "south", "east", "west"], size=n)
    segment = rng.choice(["retail", "sme", "corporate"], size=n, p=[0.6, 0.3, 0.1])
    channel = rng.choice(["web", "branch", "phone", "partner", "app"], size=n)
    z = rng.normal(size=n)
    y = (rng.random(n) < 1 / (1 + np.exp(-(1.2 * z - 0.4)))).astype(int)
    p = 1 / (1 + np.exp(-(1.0 * z + rng.normal(scale=0.8, size=n) - 0.3)))
    p = np.round(p, 6)
    path.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame({"y": y, "p": p, "region": region, "segment": segment, "channel": channel}).to_csv(path, index=False)


def best(f, repeat):
    times = []
    out = None
    for _ in range(repeat):
        t = time.perf_counter()
        out = f()
        times.append(time.perf_counter() - t)
    return min(times), out


def sklearn_metrics(y, p, t=0.5):
    pred = (p >= t).astype(int)
    out = {
        "accuracy": skm.accuracy_score(y, pred),
        "balanced_accuracy": skm.balanced_accuracy_score(y, pred),
        "precision": skm.precision_score(y, pred, zero_division=np.nan),
        "recall": skm.recall_score(y, pred, zero_division=np.nan),
        "f1": skm.f1_score(y, pred, zero_division=np.nan),
        "specificity": skm.recall_score(y, pred, pos_label=0, zero_division=np.nan),
        "mcc": skm.matthews_corrcoef(y, pred),
        "cohen_kappa": skm.cohen_kappa_score(y, pred),
        "roc_auc": skm.roc_auc_score(y, p),
        "average_precision": skm.average_precision_score(y, p),
        "log_loss": skm.log_loss(y, p),
        "brier": skm.brier_score_loss(y, p),
        "confusion": skm.confusion_matrix(y, pred),
        "prevalence": float(np.mean(y)),
    }
    out["roc_curve"] = skm.roc_curve(y, p)
    out["pr_curve"] = skm.precision_recall_curve(y, p)
    return out


def sklearn_bootstrap_auc(y, p, b=200, seed=0):
    rng = np.random.default_rng(seed)
    n = len(y)
    vals = []
    for _ in range(b):
        idx = rng.integers(0, n, n)
        vals.append(skm.roc_auc_score(y[idx], p[idx]))
    return np.percentile(vals, [2.5, 97.5])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--resamples", type=int, default=200)
    ap.add_argument("--assay", default=str(ROOT / "target/release/assay"))
    a = ap.parse_args()
    data = ROOT / "bench/out" / f"eval_{a.rows}.csv"
    generate(data, a.rows)
    print(f"data: {data} ({data.stat().st_size / 1e6:.1f} MB, {a.rows} rows, 3 slice columns)")
    print(f"machine: {os.cpu_count()} cores; numpy {np.__version__}, pandas {pd.__version__}, scikit-learn {__import__('sklearn').__version__}\n")

    def assay(boot):
        out = ROOT / "bench/out/report.json"
        r = subprocess.run([a.assay, "eval", "--data", str(data), "--label", "y", "--score", "p",
                            "--bootstrap", str(boot), "--json", str(out), "--quiet"], capture_output=True, text=True)
        if r.returncode != 0:
            sys.exit(f"assay failed: {r.stderr}")
        import json
        return json.loads(out.read_text())

    t_assay0, rep = best(lambda: assay(0), a.repeat)
    t_assayB, repB = best(lambda: assay(a.resamples), a.repeat)

    t_read, df = best(lambda: pd.read_csv(data), a.repeat)
    y, p = df["y"].to_numpy(), df["p"].to_numpy()
    t_metrics, sk = best(lambda: sklearn_metrics(y, p), a.repeat)
    t_boot, ci = best(lambda: sklearn_bootstrap_auc(y, p, a.resamples), 1)

    # Same numbers?
    m = {x["key"]: x["value"] for x in rep["evaluation"]["metrics"]}
    worst = max(abs(m[k] - sk[k]) / max(abs(sk[k]), 1e-300) for k in
                ["accuracy", "balanced_accuracy", "precision", "recall", "f1", "specificity", "mcc",
                 "cohen_kappa", "roc_auc", "average_precision", "log_loss", "brier", "prevalence"])
    auc_ci = next(x["ci"] for x in repB["evaluation"]["metrics"] if x["key"] == "roc_auc")

    sk_no_boot = t_read + t_metrics
    sk_total = sk_no_boot + t_boot
    assay_boot_only = max(t_assayB - t_assay0, 1e-9)
    print(f"{'step':<44}{'pandas+sklearn':>16}{'assay':>10}{'ratio':>9}")
    print(f"{'read + all metrics + curves (no bootstrap)':<44}{sk_no_boot:>15.3f}s{t_assay0:>9.3f}s{sk_no_boot / t_assay0:>8.1f}x")
    print(f"{f'  of which read_csv / metrics+curves':<44}{f'{t_read:.3f}+{t_metrics:.3f}':>15}s")
    print(f"{f'{a.resamples} bootstrap resamples (AUC; assay: all 16 metrics)':<44}{t_boot:>15.3f}s{assay_boot_only:>9.3f}s{t_boot / assay_boot_only:>8.1f}x")
    print(f"{'end to end':<44}{sk_total:>15.3f}s{t_assayB:>9.3f}s{sk_total / t_assayB:>8.1f}x")
    print(f"\nmax relative difference of the 13 scalar metrics, assay vs sklearn: {worst:.2e}")
    print(f"AUC 95% CI: assay [{auc_ci['lower']:.5f}, {auc_ci['upper']:.5f}]  sklearn bootstrap [{ci[0]:.5f}, {ci[1]:.5f}]")


if __name__ == "__main__":
    main()
