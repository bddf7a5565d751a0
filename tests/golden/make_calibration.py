#!/usr/bin/env python3
"""Generate Assay's calibration fixtures: small CSV datasets and the reference
values of every calibration score, reliability-diagram bin and recalibration
map for them.

Reference values were produced with:
    Python 3.11, scikit-learn 1.9.1, statsmodels 0.15.0, scipy 1.17.1,
    numpy 2.4.6, pandas 3.1.1
(see tests/requirements.txt). Re-run only with the pinned versions.

Usage (from the repository root):
    python tests/golden/make_calibration.py

Outputs (the folder is rewritten from scratch on every run):
    tests/golden/calibration/<case>.csv    the input data
    tests/golden/calibration/<case>.json   the reference values

Conventions (shared with make_golden.py):
  * Floats in the CSVs are written with Python's repr (shortest round-trip
    string), so any correctly-rounding parser reads back the exact doubles.
  * Everything is computed from the data *as read back from the CSV with
    pandas* (asserted equal to the generated data bit for bit).
  * Undefined values (empty bins, failed / separated fits) are JSON null.
  * Class labels and group names are strings in the JSON.

Definitions (Assay's documented ones; M = 15 bins, LE = 1e-12):
  * clip(p) = min(max(p, LE), 1 - LE); logit(p) = ln(clip p / (1 - clip p)).
    Multiclass logs use ln(min(max(p, LE), 1)).
  * Binary: confidence f = p (positive-class score), outcome o = y.
    Multiclass: f = max_k p_k (first max, np.argmax), o = [argmax == label].
  * Uniform edges np.linspace(0, 1, M + 1); quantile edges
    np.percentile(f, np.linspace(0, 1, M + 1) * 100) (sklearn's
    calibration_curve); bin id np.searchsorted(edges[1:-1], f) (side left,
    so bins are (e_k, e_k+1], the first one closed on the left too).
  * Per-bin sums use np.bincount (sequential, row order), exactly as
    sklearn.calibration.calibration_curve; we assert the non-empty bins'
    means equal sklearn's prob_true/prob_pred bit for bit.
  * ece = sum_b (n_b/N)|acc_b - conf_b| (uniform bins); ece_adaptive the same
    with quantile edges; mce = max over non-empty uniform bins; classwise_ece
    = mean over classes of the uniform-bin ECE of p_c vs 1[y == c].
  * brier = mean (f - o)^2; Murphy decomposition over uniform bins with the
    within-bin term (asserted: rel - res + unc + within == brier to 1e-12).
  * log_loss = sklearn log_loss (multiclass: the full K-class log loss).
  * calibration_slope / _intercept = b / a of P(o=1) = sigma(a + b logit f),
    statsmodels Logit, Newton, tol 1e-14, maxiter 100 (null on failure or
    perfect separation).
  * Recalibration maps, fitted on all rows with unit weights:
      temperature  T minimising mean log loss of sigma(logit(p)/T)
                   (multiclass: softmax(ln(p)/T)); scipy bounded Brent
                   (xatol 1e-12) -> `temperature_scipy`, then Newton on
                   beta = 1/T -> `temperature` (the exact MLE).
      platt        sigma(a logit(p) + b), statsmodels Logit, 0/1 targets.
      isotonic     sklearn IsotonicRegression(out_of_bounds="clip").
      histogram    mean y per equal-width bin; empty bin -> bin centre.
      beta         sigma(a ln p - b ln(1 - p) + c); logistic on
                   (ln p, -ln(1 - p), 1); if a < 0 refit without ln p, elif
                   b < 0 refit without -ln(1 - p) (betacal's rule).
    Predictions use sigma(x) = 1/(1+e^-x) for x >= 0, e^x/(1+e^x) otherwise.
  * Summation order of row aggregates (np.mean is pairwise) is not Assay's,
    so compare these with a relative tolerance (~1e-9); counts, edges and the
    isotonic knots are exact.

JSON note: the brief's layout had two keys named "scores" at the top level
(the score columns and the score values). JSON cannot hold both, so, as in
make_golden.py, "scores" is the list of score columns and the values live in
"metrics" (also inside "by_slice" groups).
"""

from __future__ import annotations

import json
import math
import shutil
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import scipy
import sklearn
import statsmodels
import statsmodels.api as sm
from scipy.optimize import minimize_scalar
from sklearn.calibration import calibration_curve
from sklearn.isotonic import IsotonicRegression
from sklearn.metrics import brier_score_loss, log_loss
from statsmodels.stats.proportion import proportion_confint
from statsmodels.tools.sm_exceptions import (
    ConvergenceWarning,
    PerfectSeparationError,
    PerfectSeparationWarning,
)

HERE = Path(__file__).resolve().parent
OUT_DIR = HERE / "calibration"

EXPECTED_VERSIONS = {
    "sklearn": "1.9.1", "statsmodels": "0.15.0", "scipy": "1.17.1",
    "numpy": "2.4.6", "pandas": "3.1.1",
}

M_BINS = 15
LE = 1e-12
PROBE_FIXED = [0.0, 1e-15, 0.001, 0.01, 0.05, 0.1, 0.2, 0.25, 0.3, 0.5, 0.7,
               0.75, 0.9, 0.99, 0.999, 1.0]
N_ROWS_MULTICLASS = 50  # rows of the multiclass prediction matrices recorded

# Filled in while running, printed at the end (for the report).
NOTES: list[str] = []


# --------------------------------------------------------------------------
# Small helpers (CSV / JSON as in make_golden.py)
# --------------------------------------------------------------------------


def sigmoid(z):
    """Numerically stable logistic, same branches as Assay's."""
    z = np.asarray(z, dtype=np.float64)
    out = np.empty_like(z)
    pos = z >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-z[pos]))
    e = np.exp(z[~pos])
    out[~pos] = e / (1.0 + e)
    return out


def softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def clip(p):
    return np.clip(p, LE, 1.0 - LE)


def logit(p):
    q = clip(p)
    return np.log(q / (1.0 - q))


def fmt_value(v) -> str:
    if isinstance(v, (bool, np.bool_)):
        raise TypeError("booleans are not written to fixtures")
    if isinstance(v, (float, np.floating)):
        f = float(v)
        if not math.isfinite(f):
            raise ValueError(f"non-finite float in fixture: {f}")
        return repr(f)
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    s = str(v)
    if any(c in s for c in ',"\n\r'):
        raise ValueError(f"value needs quoting, not supported: {s!r}")
    return s


def write_csv(path: Path, columns: dict) -> None:
    names = list(columns)
    n = len(columns[names[0]])
    assert all(len(columns[c]) == n for c in names)
    lines = [",".join(names)]
    cols = [list(columns[c]) for c in names]
    for i in range(n):
        lines.append(",".join(fmt_value(c[i]) for c in cols))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def read_csv_checked(path: Path, columns: dict) -> pd.DataFrame:
    df = pd.read_csv(path, keep_default_na=False)
    assert list(df.columns) == list(columns), (list(df.columns), list(columns))
    for name, orig in columns.items():
        orig = np.asarray(orig)
        back = df[name].to_numpy()
        if orig.dtype.kind == "f":
            assert back.dtype == np.float64, (name, back.dtype)
            assert np.array_equal(orig.view(np.uint64), back.view(np.uint64)), name
        elif orig.dtype.kind in "iu":
            assert back.dtype.kind in "iu", (name, back.dtype)
            assert np.array_equal(orig, back), name
        else:
            assert [str(x) for x in orig] == [str(x) for x in back], name
    return df


def col(df: pd.DataFrame, name: str) -> np.ndarray:
    s = df[name]
    if s.dtype.kind in "fiu":
        return s.to_numpy()
    return s.to_numpy(dtype=object)


def jnum(x):
    if x is None:
        return None
    if isinstance(x, (np.integer, int)) and not isinstance(x, bool):
        return int(x)
    f = float(x)
    return f if math.isfinite(f) else None


def jlist(a):
    return [jnum(v) for v in np.asarray(a).tolist()]


def jmatrix(a):
    return [jlist(row) for row in np.asarray(a)]


def dump_json(obj, indent=0) -> str:
    """Pretty JSON; lists of scalars on one line; shortest round-trip floats."""
    pad = " " * (indent + 2)
    if isinstance(obj, dict):
        if not obj:
            return "{}"
        items = [f"{pad}{json.dumps(str(k))}: {dump_json(v, indent + 2)}"
                 for k, v in obj.items()]
        return "{\n" + ",\n".join(items) + "\n" + " " * indent + "}"
    if isinstance(obj, list) and any(isinstance(v, (dict, list)) for v in obj):
        # Lists of short scalar lists (Wilson pairs, matrix rows): one row
        # per line; lists of dicts: fully expanded.
        items = [pad + dump_json(v, indent + 2) for v in obj]
        return "[\n" + ",\n".join(items) + "\n" + " " * indent + "]"
    return json.dumps(obj, allow_nan=False)


# --------------------------------------------------------------------------
# Logistic fits
# --------------------------------------------------------------------------


def separated(x: np.ndarray, o: np.ndarray) -> bool:
    """Complete separation by a single feature (or a constant outcome)."""
    if o.min() == o.max():
        return True
    x0, x1 = x[o == 0], x[o == 1]
    return x0.max() < x1.min() or x1.max() < x0.min()


def logit_fit(o: np.ndarray, X: np.ndarray, what: str):
    """Unpenalised logistic MLE with statsmodels Logit (Newton, tol 1e-14).
    Returns the parameter vector (column order of X) or None."""
    try:
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            res = sm.Logit(o.astype(np.float64), X).fit(
                method="newton", tol=1e-14, maxiter=100, disp=0)
    except (PerfectSeparationError, np.linalg.LinAlgError) as e:
        NOTES.append(f"{what}: statsmodels failed ({type(e).__name__}) -> null")
        return None
    cats = [x.category for x in w]
    params = np.asarray(res.params, dtype=np.float64)
    if PerfectSeparationWarning in cats or not np.all(np.isfinite(params)):
        NOTES.append(f"{what}: perfect separation / non-finite -> null")
        return None
    if not res.mle_retvals["converged"] or ConvergenceWarning in cats:
        # Newton's absolute 1e-14 step test can miss by an ulp; accept only
        # if the score (gradient) is negligible.
        g = np.abs(res.model.score(params)).max()
        NOTES.append(f"{what}: statsmodels not converged after "
                     f"{res.mle_retvals['iterations']} its, |score|={g:.3g}")
        if not g < 1e-8 * len(o):
            return None
    # Sanity: the gradient of the log-likelihood vanishes.
    g = res.model.score(params)
    assert np.abs(g).max() < 1e-7 * max(1, len(o)), (what, g)
    return params


def with_const(x):
    """[x, 1]-design (slope first, then intercept)."""
    return np.column_stack([np.asarray(x, dtype=np.float64), np.ones(len(x))])


def slope_intercept(f, o, what):
    X = sm.add_constant(logit(f), has_constant="add")  # [1, logit f]
    params = logit_fit(o, X, what)
    if params is None:
        return None, None
    return float(params[1]), float(params[0])


# --------------------------------------------------------------------------
# Reliability bins and calibration scores
# --------------------------------------------------------------------------


def uniform_edges(m=M_BINS):
    return np.linspace(0.0, 1.0, m + 1)


def quantile_edges(f, m=M_BINS):
    return np.percentile(f, np.linspace(0, 1, m + 1) * 100)


def bin_stats(f, o, edges):
    """counts, sums of f and of o per bin (np.bincount, as sklearn), ids."""
    m = len(edges) - 1
    ids = np.searchsorted(edges[1:-1], f)
    counts = np.bincount(ids, minlength=m)
    sum_f = np.bincount(ids, weights=f, minlength=m)
    sum_o = np.bincount(ids, weights=o.astype(np.float64), minlength=m)
    assert len(counts) == m
    nz = counts > 0
    conf = np.full(m, np.nan)
    acc = np.full(m, np.nan)
    conf[nz] = sum_f[nz] / counts[nz]
    acc[nz] = sum_o[nz] / counts[nz]
    return ids, counts, sum_o, conf, acc


def ece_from(counts, conf, acc, n):
    """Sequential sum over bins (bin order) of (n_b/N)|acc_b - conf_b|."""
    total = 0.0
    for b in range(len(counts)):
        if counts[b]:
            total += (counts[b] / n) * abs(acc[b] - conf[b])
    return total


def reliability(f, o, strategy):
    edges = uniform_edges() if strategy == "uniform" else quantile_edges(f)
    _, counts, sum_o, conf, acc = bin_stats(f, o, edges)
    prob_true, prob_pred = calibration_curve(o, f, n_bins=M_BINS,
                                             strategy=strategy)
    nz = counts > 0
    # Our per-bin means are sklearn's, bit for bit.
    assert np.array_equal(prob_true, acc[nz]), strategy
    assert np.array_equal(prob_pred, conf[nz]), strategy
    wilson = []
    for b in range(M_BINS):
        if counts[b] == 0:
            wilson.append(None)
            continue
        k = int(round(sum_o[b]))
        assert k == sum_o[b]
        lo, hi = proportion_confint(k, int(counts[b]), alpha=0.05,
                                    method="wilson")
        wilson.append([jnum(lo), jnum(hi)])
    return {
        "edges": jlist(edges),
        "counts": [int(c) for c in counts],
        "mean_confidence": jlist(conf),
        "accuracy": jlist(acc),
        "wilson": wilson,
        "sklearn_prob_true": jlist(prob_true),
        "sklearn_prob_pred": jlist(prob_pred),
    }


def calib_scores(f, o, what, log_loss_value, extra=None):
    """The top-level calibration scores for confidences f, outcomes o."""
    f = np.asarray(f, dtype=np.float64)
    o = np.asarray(o).astype(np.int64)
    n = len(f)
    out = {}
    ids, counts, _, conf, acc = bin_stats(f, o, uniform_edges())
    out["ece"] = ece_from(counts, conf, acc, n)
    _, qc, _, qconf, qacc = bin_stats(f, o, quantile_edges(f))
    out["ece_adaptive"] = ece_from(qc, qconf, qacc, n)
    nz = counts > 0
    out["mce"] = float(np.max(np.abs(acc[nz] - conf[nz])))

    of = o.astype(np.float64)
    brier = float(np.mean((f - of) ** 2))
    obar = float(np.mean(of))
    rel = res = 0.0
    for b in range(M_BINS):
        if counts[b]:
            rel += counts[b] * (conf[b] - acc[b]) ** 2
            res += counts[b] * (acc[b] - obar) ** 2
    rel /= n
    res /= n
    unc = obar * (1.0 - obar)
    d = f - conf[ids]
    within = float(np.sum(d * d - 2.0 * d * (of - acc[ids])) / n)
    assert abs(rel - res + unc + within - brier) <= 1e-12, (
        what, rel - res + unc + within - brier)
    out["brier"] = brier
    out["brier_reliability"] = rel
    out["brier_resolution"] = res
    out["brier_uncertainty"] = unc
    out["brier_within_bin"] = within
    out["log_loss"] = log_loss_value
    slope, intercept = slope_intercept(f, o, f"{what} calibration slope")
    out["calibration_slope"] = slope
    out["calibration_intercept"] = intercept
    out["mean_predicted"] = float(np.mean(f))
    out["observed_rate"] = obar
    if extra:
        out.update(extra)
    return {k: jnum(v) for k, v in out.items()}


def binary_scores(y, p, what):
    ll = log_loss(y, p, labels=[0, 1])
    s = calib_scores(p, y, what, ll)
    sk = brier_score_loss(y, p)
    assert abs(sk - s["brier"]) <= 1e-15, (what, sk, s["brier"])
    if sk != s["brier"]:
        NOTES.append(f"{what}: np.mean brier {s['brier']!r} vs sklearn "
                     f"{sk!r} (differ in the last bits)")
    return s


def top_label(P, yi):
    pred = np.argmax(P, axis=1)
    f = P[np.arange(len(P)), pred]
    o = (pred == yi).astype(np.int64)
    return f, o


def multiclass_scores(y, yi, P, classes, what):
    f, o = top_label(P, yi)
    n = len(f)
    cw = []
    for k in range(len(classes)):
        ok = (yi == k).astype(np.int64)
        _, c, _, cf, ca = bin_stats(P[:, k], ok, uniform_edges())
        cw.append(ece_from(c, cf, ca, n))
    classwise = 0.0
    for v in cw:
        classwise += v
    classwise /= len(cw)
    ll = log_loss(y, P, labels=np.asarray(classes, dtype=object))
    mb = brier_score_loss(y, P, labels=np.asarray(classes, dtype=object))
    s = calib_scores(f, o, what, ll, extra={"classwise_ece": classwise})
    return s, cw, mb


# --------------------------------------------------------------------------
# Recalibration maps
# --------------------------------------------------------------------------


def temperature_binary(p, y, what):
    z = logit(p)
    yf = y.astype(np.float64)

    def nll(t):
        u = z / t
        return float(np.mean(np.logaddexp(0.0, u) - yf * u))

    r = minimize_scalar(nll, bounds=(0.01, 100), method="bounded",
                        options={"xatol": 1e-12})
    t_scipy = float(r.x)
    beta = 1.0 / t_scipy
    for _ in range(50):
        s = sigmoid(beta * z)
        g = float(np.mean((s - yf) * z))
        h = float(np.mean(s * (1.0 - s) * z * z))
        step = g / h
        beta -= step
        if abs(step) <= 1e-15 * abs(beta):
            break
    # polish is converged: the derivative vanishes
    s = sigmoid(beta * z)
    assert abs(float(np.mean((s - yf) * z))) < 1e-13, what
    t = 1.0 / beta
    NOTES.append(f"{what}: temperature newton={t!r} scipy={t_scipy!r} "
                 f"rel.diff={abs(t - t_scipy) / t:.2e} "
                 f"(nll diff {nll(t_scipy) - nll(t):.2e})")
    return t, t_scipy


def temperature_multiclass(P, yi, what):
    L = np.log(np.clip(P, LE, 1.0))
    n = len(L)
    Ly = L[np.arange(n), yi]

    def nll(t):
        u = L / t
        mx = u.max(axis=1)
        lse = mx + np.log(np.sum(np.exp(u - mx[:, None]), axis=1))
        return float(np.mean(lse - Ly / t))

    r = minimize_scalar(nll, bounds=(0.01, 100), method="bounded",
                        options={"xatol": 1e-12})
    t_scipy = float(r.x)
    beta = 1.0 / t_scipy
    for _ in range(50):
        S = softmax(beta * L)
        m1 = np.sum(S * L, axis=1)
        g = float(np.mean(m1 - Ly))
        h = float(np.mean(np.sum(S * L * L, axis=1) - m1 * m1))
        step = g / h
        beta -= step
        if abs(step) <= 1e-15 * abs(beta):
            break
    S = softmax(beta * L)
    assert abs(float(np.mean(np.sum(S * L, axis=1) - Ly))) < 1e-13, what
    t = 1.0 / beta
    NOTES.append(f"{what}: temperature newton={t!r} scipy={t_scipy!r} "
                 f"rel.diff={abs(t - t_scipy) / t:.2e} "
                 f"(nll diff {nll(t_scipy) - nll(t):.2e})")
    return t, t_scipy


def isotonic_fit(p, y):
    iso = IsotonicRegression(out_of_bounds="clip").fit(p, y)
    return iso, np.asarray(iso.X_thresholds_), np.asarray(iso.y_thresholds_)


def knot_probes(x_knots, k=5):
    """k knots spread over the interior of the fitted knots (ends if few)."""
    if len(x_knots) >= k + 2:
        idx = np.linspace(1, len(x_knots) - 2, k).round().astype(int)
    else:
        idx = np.linspace(0, len(x_knots) - 1, k).round().astype(int)
    return [float(x_knots[i]) for i in idx]


def histogram_fit(p, y):
    edges = uniform_edges()
    ids = np.searchsorted(edges[1:-1], p)
    counts = np.bincount(ids, minlength=M_BINS)
    sums = np.bincount(ids, weights=y.astype(np.float64), minlength=M_BINS)
    values = np.empty(M_BINS)
    for b in range(M_BINS):
        values[b] = sums[b] / counts[b] if counts[b] else (
            (edges[b] + edges[b + 1]) / 2)
    return edges, values


def histogram_predict(edges, values, x):
    return values[np.searchsorted(edges[1:-1], np.asarray(x))]


def beta_features(p):
    q = clip(p)
    return np.log(q), -np.log(1.0 - q)


def beta_fit(p, y, what):
    x1, x2 = beta_features(p)
    one = np.ones(len(p))
    th = logit_fit(y, np.column_stack([x1, x2, one]), f"{what} beta")
    if th is None:
        return None
    a, b, c = (float(v) for v in th)
    refit = "none"
    if a < 0:
        th = logit_fit(y, np.column_stack([x2, one]), f"{what} beta refit")
        if th is None:
            return None
        a, b, c = 0.0, float(th[0]), float(th[1])
        refit = "without_ln_p"
    elif b < 0:
        th = logit_fit(y, np.column_stack([x1, one]), f"{what} beta refit")
        if th is None:
            return None
        a, b, c = float(th[0]), 0.0, float(th[1])
        refit = "without_ln_1_minus_p"
    NOTES.append(f"{what}: beta a={a:.6g} b={b:.6g} c={c:.6g} refit={refit}")
    return a, b, c, refit


def beta_predict(a, b, c, x):
    x1, x2 = beta_features(np.asarray(x, dtype=np.float64))
    # x2 = -ln(1 - p): the fitted predictor a*x1 + b*x2 + c = a ln p - b ln(1 - p) + c.
    return sigmoid(a * x1 + b * x2 + c)


def recalibration_binary(p, y, what):
    out = {}
    iso, kx, ky = isotonic_fit(p, y)
    probe = np.asarray(PROBE_FIXED + knot_probes(kx), dtype=np.float64)

    t, t_scipy = temperature_binary(p, y, what)
    out["temperature"] = {
        "temperature": t,
        "temperature_scipy": t_scipy,
        "predict_data": jlist(sigmoid(logit(p) / t)),
        "predict_probe": jlist(sigmoid(logit(probe) / t)),
    }

    pl = logit_fit(y, with_const(logit(p)), f"{what} platt")
    if pl is None:
        out["platt"] = {"a": None, "b": None, "predict_data": None,
                        "predict_probe": None}
    else:
        a, b = float(pl[0]), float(pl[1])
        out["platt"] = {
            "a": a, "b": b,
            "predict_data": jlist(sigmoid(a * logit(p) + b)),
            "predict_probe": jlist(sigmoid(a * logit(probe) + b)),
        }

    out["isotonic"] = {
        "x": jlist(kx), "y": jlist(ky),
        "predict_data": jlist(iso.predict(p)),
        "predict_probe": jlist(iso.predict(probe)),
    }

    edges, values = histogram_fit(p, y)
    out["histogram"] = {
        "edges": jlist(edges), "values": jlist(values),
        "predict_data": jlist(histogram_predict(edges, values, p)),
        "predict_probe": jlist(histogram_predict(edges, values, probe)),
    }

    bf = beta_fit(p, y, what)
    if bf is None:
        out["beta"] = {"a": None, "b": None, "c": None, "refit": None,
                       "predict_data": None, "predict_probe": None}
    else:
        a, b, c, refit = bf
        out["beta"] = {
            "a": a, "b": b, "c": c, "refit": refit,
            "predict_data": jlist(beta_predict(a, b, c, p)),
            "predict_probe": jlist(beta_predict(a, b, c, probe)),
        }
    return out, probe


def recalibration_multiclass(P, yi, classes, what):
    out = {}
    K = P.shape[1]
    rows = slice(0, N_ROWS_MULTICLASS)
    t, t_scipy = temperature_multiclass(P, yi, what)
    L = np.log(np.clip(P, LE, 1.0))
    out["temperature"] = {
        "temperature": t,
        "temperature_scipy": t_scipy,
        "predict_rows": N_ROWS_MULTICLASS,
        "predict_data": jmatrix(softmax(L[rows] / t)),
    }
    probe_fixed = np.asarray(PROBE_FIXED, dtype=np.float64)
    raw = np.empty_like(P)
    per_class = {}
    for k, c in enumerate(classes):
        ok = (yi == k).astype(np.int64)
        iso, kx, ky = isotonic_fit(P[:, k], ok)
        raw[:, k] = iso.predict(P[:, k])
        probe = np.concatenate([probe_fixed, knot_probes(kx)])
        per_class[str(c)] = {
            "x": jlist(kx), "y": jlist(ky),
            "probe": jlist(probe),
            "predict_probe": jlist(iso.predict(probe)),
        }
    s = raw.sum(axis=1, keepdims=True)
    zero = s[:, 0] == 0
    norm = np.where(s > 0, raw / np.where(s > 0, s, 1.0), 1.0 / K)
    if zero.any():
        NOTES.append(f"{what}: {int(zero.sum())} OvR-isotonic rows sum to 0 "
                     f"(-> uniform); {int(zero[rows].sum())} in the first "
                     f"{N_ROWS_MULTICLASS}")
    out["isotonic_ovr"] = {
        "per_class": per_class,
        "predict_rows": N_ROWS_MULTICLASS,
        "predict_raw": jmatrix(raw[rows]),
        "predict_data": jmatrix(norm[rows]),
    }
    return out


# --------------------------------------------------------------------------
# Dataset generators
# --------------------------------------------------------------------------


def gen_binary_overconfident(seed=2101, n=2000):
    rng = np.random.default_rng(seed)
    segment = rng.choice(np.array(["A", "B", "C"]), size=n, p=[0.45, 0.35, 0.2])
    z = rng.normal(-0.3, 1.2, n)
    q = sigmoid(z)
    y = (rng.random(n) < q).astype(np.int64)
    noise = rng.normal(0.0, 1.0, n)
    p = sigmoid(2.2 * z + noise * 0.3)
    # Segment C: much worse calibrated (more overconfident and shifted up).
    c = segment == "C"
    p[c] = sigmoid(3.5 * z[c] + 0.9 + noise[c] * 0.3)
    assert np.all((p > 0) & (p < 1))
    cols = {"y": y, "p": p, "segment": segment}
    return cols, dict(kind="binary", label="y", score="p", slice="segment")


def gen_binary_extremes(seed=2202, n=600):
    rng = np.random.default_rng(seed)
    z = rng.normal(0.0, 1.5, n)
    y = (rng.random(n) < sigmoid(1.8 * z)).astype(np.int64)
    p = sigmoid(2.5 * z + rng.normal(0.0, 0.8, n))
    idx = rng.permutation(n)
    pos_idx = idx[np.isin(idx, np.flatnonzero(y == 1))]
    neg_idx = idx[np.isin(idx, np.flatnonzero(y == 0))]
    p[neg_idx[:22]] = 0.0    # correct, p = 0
    p[pos_idx[:6]] = 0.0     # confidently wrong: y = 1, p = 0
    p[pos_idx[6:30]] = 1.0   # correct, p = 1
    p[neg_idx[22:27]] = 1.0  # confidently wrong: y = 0, p = 1
    # Inside (0, 1) but beyond the 1e-12 clip, and right at it.
    p[pos_idx[30]] = 5e-324         # smallest subnormal, y = 1
    p[neg_idx[27]] = 1e-300         # y = 0
    p[neg_idx[28]] = 1e-13          # below LE
    p[pos_idx[31]] = 1e-12          # exactly LE
    p[pos_idx[32]] = 1.0 - 2.0**-53  # largest double below 1
    p[neg_idx[29]] = 1.0 - 1e-13    # above 1 - LE
    p[pos_idx[33]] = 1.0 - 1e-12    # (1 - LE as a double)
    assert (p == 0.0).sum() >= 20 and (p == 1.0).sum() >= 20
    cols = {"y": y, "p": p}
    return cols, dict(kind="binary", label="y", score="p")


def gen_binary_calibrated(seed=2303, n=5000):
    rng = np.random.default_rng(seed)
    p = sigmoid(rng.normal(-0.2, 1.4, n))
    y = (rng.random(n) < p).astype(np.int64)
    cols = {"y": y, "p": p}
    return cols, dict(kind="binary", label="y", score="p")


def gen_binary_ties(seed=2404, n=400):
    """Scores are multiples of 0.05 (np.round(x * 20) / 20, i.e. the doubles
    nearest k/20). Uniform bin 3 = (0.2, 0.2667] holds exactly one sample
    (0.25); bins 5 = (0.333, 0.4] and 6 = (0.4, 0.4667] are empty (no 0.35,
    0.4, 0.45); 0.2, 0.6, 0.8 and 0.4 coincide with (or sit next to) uniform
    edges, which exercises searchsorted's side. 14 rows sit at exactly 0.0
    (3 positive), which makes the beta fit refit without ln p."""
    rng = np.random.default_rng(seed)
    z = rng.normal(0.0, 1.3, n)
    y = (rng.random(n) < sigmoid(1.4 * z)).astype(np.int64)
    p = np.round(sigmoid(1.1 * z + rng.normal(0.0, 0.5, n)) * 20) / 20
    edges = uniform_edges()
    ids = np.searchsorted(edges[1:-1], p)
    # Empty bins 5 and 6: move their rows to 0.3 / 0.5.
    p[ids == 5] = 0.3
    p[ids == 6] = 0.5
    # Bin 3 keeps exactly one row.
    in3 = np.flatnonzero(ids == 3)
    assert len(in3) >= 2
    p[in3[1:]] = 0.2
    # 12 more rows at exactly 0.0, 3 of them positive: the positive rate at
    # p = 0 is then high enough that beta calibration's ln p coefficient
    # comes out negative (exercises the refit-without-ln-p branch).
    at01_pos = np.flatnonzero((p == 0.1) & (y == 1))
    at01_neg = np.flatnonzero((p == 0.1) & (y == 0))
    p[np.concatenate([at01_pos[:3], at01_neg[:9]])] = 0.0
    counts = np.bincount(np.searchsorted(edges[1:-1], p), minlength=M_BINS)
    assert counts[3] == 1 and counts[5] == 0 and counts[6] == 0, counts
    assert len(np.unique(p)) <= 21
    assert (p == 0.0).sum() == 14 and y[p == 0.0].sum() == 3
    cols = {"y": y, "p": p}
    return cols, dict(kind="binary", label="y", score="p")


def gen_multiclass(seed=2505, n=1500):
    rng = np.random.default_rng(seed)
    classes = ["c0", "c1", "c2", "c3"]
    yi = rng.choice(4, size=n, p=[0.35, 0.3, 0.2, 0.15])
    logits = rng.normal(0.0, 1.0, (n, 4))
    logits[np.arange(n), yi] += 1.2
    logits += np.log([0.35, 0.3, 0.2, 0.15])
    P = softmax(2.0 * logits)  # overconfident
    cols = {"label": np.asarray(classes, dtype=object)[yi]}
    for j, c in enumerate(classes):
        cols[f"p_{c}"] = P[:, j].copy()
    return cols, dict(kind="multiclass", label="label",
                      scores=[f"p_{c}" for c in classes], classes=classes)


CASES = {
    "cal_binary_overconfident": gen_binary_overconfident,
    "cal_binary_extremes": gen_binary_extremes,
    "cal_binary_calibrated": gen_binary_calibrated,
    "cal_binary_ties": gen_binary_ties,
    "cal_multiclass": gen_multiclass,
}


# --------------------------------------------------------------------------
# Case evaluation
# --------------------------------------------------------------------------


def evaluate_binary(case, df, spec):
    y = col(df, spec["label"])
    p = col(df, spec["score"])
    assert p.dtype == np.float64 and y.dtype.kind in "iu"
    assert set(np.unique(y).tolist()) <= {0, 1}
    doc = {
        "case": case, "file": f"{case}.csv", "task": "binary",
        "label": spec["label"], "scores": [spec["score"]], "positive": "1",
        "n": int(len(y)), "bins": M_BINS,
        "reliability": {s: reliability(p, y, s) for s in ("uniform", "quantile")},
        "metrics": binary_scores(y, p, case),
    }
    rec, probe = recalibration_binary(p, y, case)
    doc["recalibration"] = rec
    doc["probe"] = jlist(probe)
    if spec.get("slice"):
        g = col(df, spec["slice"])
        groups = {}
        for gv in sorted(set(g.tolist()), key=str):
            mask = g == gv
            groups[str(gv)] = {
                "n": int(mask.sum()),
                "metrics": binary_scores(y[mask], p[mask], f"{case}[{gv}]"),
            }
        doc["by_slice"] = {"column": spec["slice"], "groups": groups}
    return doc


def evaluate_multiclass(case, df, spec):
    classes = spec["classes"]
    y = col(df, spec["label"])
    P = np.column_stack([col(df, c) for c in spec["scores"]])
    assert P.dtype == np.float64
    lookup = {c: k for k, c in enumerate(classes)}
    yi = np.array([lookup[v] for v in y], dtype=np.int64)
    f, o = top_label(P, yi)
    metrics, cw, mb = multiclass_scores(y, yi, P, classes, case)
    doc = {
        "case": case, "file": f"{case}.csv", "task": "multiclass",
        "label": spec["label"], "scores": list(spec["scores"]),
        "classes": [str(c) for c in classes],
        "n": int(len(y)), "bins": M_BINS,
        "reliability": {s: reliability(f, o, s) for s in ("uniform", "quantile")},
        "metrics": metrics,
        "info": {
            "multiclass_brier": jnum(mb),
            "classwise_ece_per_class": jlist(cw),
        },
        "recalibration": recalibration_multiclass(P, yi, classes, case),
        "probe": jlist(np.asarray(PROBE_FIXED)),
    }
    return doc


def main() -> int:
    versions = {"sklearn": sklearn.__version__,
                "statsmodels": statsmodels.__version__,
                "scipy": scipy.__version__, "numpy": np.__version__,
                "pandas": pd.__version__}
    if versions != EXPECTED_VERSIONS:
        print(f"WARNING: versions {versions} differ from the pinned "
              f"{EXPECTED_VERSIONS}; expected values may change.",
              file=sys.stderr)
    if OUT_DIR.exists():
        shutil.rmtree(OUT_DIR)
    OUT_DIR.mkdir(parents=True)
    print(", ".join(f"{k} {v}" for k, v in versions.items()))

    for case, gen in CASES.items():
        cols, spec = gen()
        csv_path = OUT_DIR / f"{case}.csv"
        write_csv(csv_path, cols)
        df = read_csv_checked(csv_path, cols)
        if spec["kind"] == "binary":
            doc = evaluate_binary(case, df, spec)
        else:
            doc = evaluate_multiclass(case, df, spec)
        text = dump_json(doc)
        assert json.loads(text) == doc
        (OUT_DIR / f"{case}.json").write_text(text + "\n", encoding="utf-8")
        m = doc["metrics"]
        shown = ", ".join(f"{k}={m[k]!r}" for k in
                          ("ece", "brier", "log_loss", "calibration_slope"))
        print(f"  {case:26s} n={doc['n']:5d}  {shown}")
    print("notes:")
    for note in NOTES:
        print(f"  {note}")
    print(f"wrote {len(CASES)} cases to {OUT_DIR.relative_to(HERE.parent.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
