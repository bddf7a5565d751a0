#!/usr/bin/env python3
"""Benchmark: `assay calibrate` against scikit-learn/scipy doing the same work, in one run.

On 1,000,000 binary predictions (bench/out/calib_1m.csv, generated here):

  reference (numpy + scikit-learn + scipy):
    - read the CSV (pandas)
    - reliability analysis: calibration_curve (uniform and quantile, 15 bins),
      ECE (both binnings), MCE, Brier score and its Murphy decomposition,
      log loss, calibration slope/intercept (LogisticRegression on the logit)
    - a seeded 50/50 split; fit all five recalibrators on one half —
      temperature (scipy minimize_scalar on the NLL), Platt (LogisticRegression
      on the logit), isotonic (IsotonicRegression), histogram binning (numpy),
      beta (LogisticRegression on ln p, -ln(1-p)) — and score ECE, Brier and
      log loss before/after on the other half
  assay calibrate --bootstrap 0 (all of the above, plus the evaluation metrics
  and curves it always computes), end to end as a process.

Prints both times and the ratio. Usage: python3 bench/bench_calibration.py [--rows N] [--repeat R]
"""
import argparse, json, os, subprocess, sys, time
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.optimize import minimize_scalar
from sklearn.calibration import calibration_curve
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, log_loss

ROOT = Path(__file__).resolve().parent.parent
EPS = 1e-12
M = 15


def generate(path, n, seed=1):
    if path.exists():
        return
    rng = np.random.default_rng(seed)
    z = rng.normal(-0.3, 1.2, n)
    y = (rng.random(n) < 1 / (1 + np.exp(-z))).astype(int)
    p = np.round(1 / (1 + np.exp(-(2.2 * z + rng.normal(0, 0.3, n)))), 6)
    path.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame({"y": y, "p": p}).to_csv(path, index=False)


def ece_of(f, o, edges):
    b = np.searchsorted(edges[1:-1], f)
    cnt = np.bincount(b, minlength=M)
    sf = np.bincount(b, weights=f, minlength=M)
    so = np.bincount(b, weights=o, minlength=M)
    return np.abs(so - sf).sum() / len(f), cnt, sf, so, b


def logit(p):
    q = np.clip(p, EPS, 1 - EPS)
    return np.log(q / (1 - q))


def reference(path):
    df = pd.read_csv(path)
    y, p = df["y"].to_numpy(), df["p"].to_numpy()
    out = {}
    # Reliability analysis.
    calibration_curve(y, p, n_bins=M, strategy="uniform")
    calibration_curve(y, p, n_bins=M, strategy="quantile")
    uni = np.linspace(0, 1, M + 1)
    qua = np.percentile(p, uni * 100)
    out["ece"], cnt, sf, so, b = ece_of(p, y, uni)
    out["ece_adaptive"] = ece_of(p, y, qua)[0]
    nz = cnt > 0
    out["mce"] = np.max(np.abs(so[nz] / cnt[nz] - sf[nz] / cnt[nz]))
    out["brier"] = brier_score_loss(y, p)
    obar = y.mean()
    fb, ob = sf[nz] / cnt[nz], so[nz] / cnt[nz]
    out["rel"] = np.sum(cnt[nz] * (fb - ob) ** 2) / len(p)
    out["res"] = np.sum(cnt[nz] * (ob - obar) ** 2) / len(p)
    out["log_loss"] = log_loss(y, p)
    z = logit(p)
    lr = LogisticRegression(penalty=None).fit(z[:, None], y)
    out["slope"] = lr.coef_[0, 0]
    # Split and recalibrate.
    rng = np.random.default_rng(0)
    idx = rng.permutation(len(p))
    cal, test = idx[: len(p) // 2], idx[len(p) // 2:]
    pc, yc, pt, yt = p[cal], y[cal], p[test], y[test]
    zc, zt = logit(pc), logit(pt)

    def nll(t):
        s = 1 / (1 + np.exp(-zc / t))
        return log_loss(yc, s)

    t = minimize_scalar(nll, bounds=(0.01, 100), method="bounded").x
    after = {"temperature": 1 / (1 + np.exp(-zt / t))}
    platt = LogisticRegression(penalty=None).fit(zc[:, None], yc)
    after["platt"] = platt.predict_proba(zt[:, None])[:, 1]
    iso = IsotonicRegression(out_of_bounds="clip").fit(pc, yc)
    after["isotonic"] = iso.predict(pt)
    bc = np.searchsorted(uni[1:-1], pc)
    num = np.bincount(bc, weights=yc, minlength=M)
    den = np.bincount(bc, minlength=M)
    vals = np.where(den > 0, num / np.maximum(den, 1), (uni[:-1] + uni[1:]) / 2)
    after["histogram"] = vals[np.searchsorted(uni[1:-1], pt)]
    qc, qt = np.clip(pc, EPS, 1 - EPS), np.clip(pt, EPS, 1 - EPS)
    beta = LogisticRegression(penalty=None).fit(np.column_stack([np.log(qc), -np.log(1 - qc)]), yc)
    after["beta"] = beta.predict_proba(np.column_stack([np.log(qt), -np.log(1 - qt)]))[:, 1]
    scores = {"before": (ece_of(pt, yt, uni)[0], brier_score_loss(yt, pt), log_loss(yt, pt))}
    for k, v in after.items():
        scores[k] = (ece_of(v, yt, uni)[0], brier_score_loss(yt, v), log_loss(yt, v))
    out["heldout"] = scores
    return out


def best(f, repeat):
    ts, r = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        r = f()
        ts.append(time.perf_counter() - t0)
    return min(ts), r


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--assay", default=str(ROOT / "target/release/assay"))
    a = ap.parse_args()
    data = ROOT / "bench/out" / f"calib_{a.rows}.csv"
    generate(data, a.rows)
    print(f"data: {data} ({data.stat().st_size / 1e6:.1f} MB, {a.rows} rows); {os.cpu_count()} cores")
    out = ROOT / "bench/out/calib_report.json"

    def assay():
        r = subprocess.run([a.assay, "calibrate", "--data", str(data), "--label", "y", "--score", "p",
                            "--bootstrap", "0", "--json", str(out), "--quiet"], capture_output=True, text=True)
        if r.returncode:
            sys.exit(r.stderr)
        return json.loads(out.read_text())

    t_assay, rep = best(assay, a.repeat)
    t_ref, ref = best(lambda: reference(data), a.repeat)
    s = {m["key"]: m["value"] for m in rep["calibration"]["reliability"]["scores"]}
    print(f"\n{'':<40}{'reference':>12}{'assay':>10}{'ratio':>9}")
    print(f"{'reliability + scores + 5 recalibrators':<40}{t_ref:>11.3f}s{t_assay:>9.3f}s{t_ref / t_assay:>8.1f}x")
    print(f"\nECE {s['ece']:.10f} vs {ref['ece']:.10f}; adaptive {s['ece_adaptive']:.10f} vs {ref['ece_adaptive']:.10f}; "
          f"Brier {s['brier']:.12f} vs {ref['brier']:.12f}; slope {s['calibration_slope']:.8f} vs {ref['slope']:.8f}")
    rc = rep["calibration"]["recalibration"]
    print("held-out log loss (assay / reference; different random splits):")
    print(f"  before {rc['before'][2]['value']:.5f} / {ref['heldout']['before'][2]:.5f}")
    for m in rc["methods"]:
        print(f"  {m['method']:<12} {m['after'][2]['value']:.5f} / {ref['heldout'][m['method']][2]:.5f}")


if __name__ == "__main__":
    main()
