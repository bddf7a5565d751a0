#!/usr/bin/env python3
"""Generate Assay's golden test fixtures: small CSV datasets and the values
scikit-learn computes for them.

Reference values were produced with:
    Python 3.11, scikit-learn 1.9.1, scipy 1.17.1, numpy 2.4.6, pandas 3.1.1
(see tests/requirements.txt). Other sklearn versions may differ (for example
brier_score_loss with a 2-D probability matrix, and the log_loss clipping eps,
changed in recent releases), so re-run only with the pinned versions.

Usage (from the repository root):
    python tests/golden/make_golden.py

Outputs (everything is rewritten from scratch on every run):
    tests/golden/cases/<case>.csv      the input data
    tests/golden/expected/<case>.json  scikit-learn's numbers for that data

Conventions the Rust side relies on:
  * Floats in the CSVs are written with Python's repr (shortest round-trip
    string), so any correctly-rounding parser reads back the exact doubles.
    Integers are written as integers, strings unquoted (no commas occur).
  * Every metric is computed from the data *as read back from the CSV with
    pandas* (and we assert that this equals the generated data bit for bit).
  * Binary: y_pred = positive iff score >= threshold.
  * Multiclass: y_pred = class of the first maximum of the score columns
    (np.argmax); class order = score-column order (which is also the sorted
    order of the class labels, because sklearn requires sorted `labels` for
    top_k_accuracy_score / roc_auc_score and one-hot encodes log_loss/brier
    targets in sorted label order).
  * Undefined metrics (NaN in sklearn, or the special cases listed in
    `binary_metrics` / `multiclass_metrics`) are written as JSON null.
  * All class labels in the JSON ("positive", "classes", confusion-matrix and
    per-class "labels", group names) are strings, even for integer labels.
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
import sklearn
from sklearn import metrics as M
from sklearn.exceptions import UndefinedMetricWarning

HERE = Path(__file__).resolve().parent
CASES_DIR = HERE / "cases"
EXPECTED_DIR = HERE / "expected"

EXPECTED_VERSIONS = {"sklearn": "1.9.1", "numpy": "2.4.6", "pandas": "3.1.1"}


# --------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def fmt_value(v) -> str:
    """Format one CSV cell. Floats use repr (shortest round-trip)."""
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
        lines.append(",".join(fmt_value(col[i]) for col in cols))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def read_csv_checked(path: Path, columns: dict) -> pd.DataFrame:
    """Read the CSV back with pandas and assert it equals what we generated,
    bit for bit for floats. Metrics are then computed from the DataFrame."""
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
    """A column as a plain numpy array (object dtype for strings, so sklearn
    never sees pandas' 'str' extension dtype)."""
    s = df[name]
    if s.dtype.kind in "fiu":
        return s.to_numpy()
    return s.to_numpy(dtype=object)


def jnum(x):
    """Python float/int for JSON; NaN/inf -> None."""
    if x is None:
        return None
    if isinstance(x, (np.integer, int)) and not isinstance(x, bool):
        return int(x)
    f = float(x)
    return f if math.isfinite(f) else None


def jlist(a):
    return [jnum(v) for v in np.asarray(a).tolist()]


def dump_json(obj, indent=0) -> str:
    """Pretty JSON with objects indented but lists of scalars (curves,
    per-class arrays, matrix rows) kept on one line. Floats use Python's
    shortest round-trip repr; NaN/inf are refused."""
    pad = " " * (indent + 2)
    if isinstance(obj, dict):
        if not obj:
            return "{}"
        items = [f"{pad}{json.dumps(str(k))}: {dump_json(v, indent + 2)}"
                 for k, v in obj.items()]
        return "{\n" + ",\n".join(items) + "\n" + " " * indent + "}"
    if isinstance(obj, list) and any(isinstance(v, (dict, list)) for v in obj):
        items = [pad + dump_json(v, indent + 2) for v in obj]
        return "[\n" + ",\n".join(items) + "\n" + " " * indent + "]"
    return json.dumps(obj, allow_nan=False)


def call_quiet(fn, *args, **kwargs):
    """Call an sklearn metric, returning (value, list_of_warning_categories)."""
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        value = fn(*args, **kwargs)
    return value, [x.category for x in w]


def mcc_denominator_is_zero(y_true, y_pred, labels) -> bool:
    """sklearn's matthews_corrcoef returns 0.0 when cov_ytyt * cov_ypyp == 0
    (y_true or y_pred has a single class). Assay reports null there, so detect
    exactly sklearn's condition from the confusion matrix."""
    C = M.confusion_matrix(y_true, y_pred, labels=labels)
    t_sum = C.sum(axis=1, dtype=np.float64)
    p_sum = C.sum(axis=0, dtype=np.float64)
    n = p_sum.sum()
    cov_ypyp = n**2 - np.dot(p_sum, p_sum)
    cov_ytyt = n**2 - np.dot(t_sum, t_sum)
    return cov_ypyp * cov_ytyt == 0


def kappa_or_none(y_true, y_pred, labels):
    value, warns = call_quiet(M.cohen_kappa_score, y_true, y_pred, labels=labels)
    if UndefinedMetricWarning in warns or not math.isfinite(value):
        return None
    return float(value)


# --------------------------------------------------------------------------
# Metric computation
# --------------------------------------------------------------------------


def binary_metrics(y, p, pos, neg, threshold):
    """All binary metrics for labels y (any dtype), positive-class scores p."""
    assert sorted([neg, pos]) == [neg, pos], "positive must sort last"
    y_pred = np.where(p >= threshold, pos, neg).astype(y.dtype)
    labels = [neg, pos]
    nan = np.nan
    n_pos = int(np.sum(y == pos))
    out = {}

    out["accuracy"] = M.accuracy_score(y, y_pred)
    out["balanced_accuracy"] = call_quiet(M.balanced_accuracy_score, y, y_pred)[0]
    out["precision"] = call_quiet(
        M.precision_score, y, y_pred, pos_label=pos, zero_division=nan
    )[0]
    out["recall"] = call_quiet(
        M.recall_score, y, y_pred, pos_label=pos, zero_division=nan
    )[0]
    out["f1"] = call_quiet(M.f1_score, y, y_pred, pos_label=pos, zero_division=nan)[0]
    out["specificity"] = call_quiet(
        M.recall_score, y, y_pred, pos_label=neg, zero_division=nan
    )[0]
    if mcc_denominator_is_zero(y, y_pred, labels):
        out["mcc"] = None
    else:
        out["mcc"] = M.matthews_corrcoef(y, y_pred)
    out["cohen_kappa"] = kappa_or_none(y, y_pred, labels)

    # roc_auc_score for binary y takes the greater label as positive; we pass
    # the 0/1 indicator (identical result, also for string labels).
    y01 = (y == pos).astype(np.int64)
    if len(np.unique(y)) < 2:
        out["roc_auc"] = None
    else:
        auc = M.roc_auc_score(y01, p)
        assert auc == M.roc_auc_score(y, p)
        out["roc_auc"] = auc
    if n_pos == 0:
        out["average_precision"] = None  # sklearn returns 0.0 with a warning
    else:
        out["average_precision"] = M.average_precision_score(y, p, pos_label=pos)
    out["log_loss"] = M.log_loss(y, p, labels=labels)
    out["brier"] = M.brier_score_loss(y, p, pos_label=pos)
    out["prevalence"] = n_pos / len(y)

    (tn, fp), (fn, tp) = M.confusion_matrix(y, y_pred, labels=labels).tolist()
    out["npv"] = tn / (tn + fn) if (tn + fn) else None
    out["fpr"] = fp / (fp + tn) if (fp + tn) else None
    out["fnr"] = fn / (fn + tp) if (fn + tp) else None
    return {k: jnum(v) for k, v in out.items()}, y_pred


def multiclass_metrics(y, P, classes):
    classes_arr = np.asarray(classes, dtype=y.dtype)
    assert list(np.sort(classes_arr)) == list(classes_arr), "classes must be sorted"
    y_pred = classes_arr[np.argmax(P, axis=1)]
    nan = np.nan
    out = {}
    out["accuracy"] = M.accuracy_score(y, y_pred)
    out["balanced_accuracy"] = call_quiet(M.balanced_accuracy_score, y, y_pred)[0]
    out["top_2_accuracy"] = M.top_k_accuracy_score(y, P, k=2, labels=classes_arr)
    if len(classes) > 3:
        out["top_3_accuracy"] = M.top_k_accuracy_score(y, P, k=3, labels=classes_arr)
    for avg in ("macro", "micro", "weighted"):
        kw = dict(labels=classes_arr, average=avg, zero_division=nan)
        out[f"precision_{avg}"] = call_quiet(M.precision_score, y, y_pred, **kw)[0]
        out[f"recall_{avg}"] = call_quiet(M.recall_score, y, y_pred, **kw)[0]
        out[f"f1_{avg}"] = call_quiet(M.f1_score, y, y_pred, **kw)[0]
    out["log_loss"] = M.log_loss(y, P, labels=classes_arr)
    out["brier"] = M.brier_score_loss(y, P, labels=classes_arr)
    for avg in ("macro", "weighted"):
        try:
            v = call_quiet(
                M.roc_auc_score, y, P, multi_class="ovr", average=avg,
                labels=classes_arr,
            )[0]
        except ValueError:
            v = None
        out[f"roc_auc_ovr_{avg}"] = v
    out["cohen_kappa"] = kappa_or_none(y, y_pred, classes_arr)
    if mcc_denominator_is_zero(y, y_pred, classes_arr):
        out["mcc"] = None
    else:
        out["mcc"] = M.matthews_corrcoef(y, y_pred)
    return {k: jnum(v) for k, v in out.items()}, y_pred


def regression_metrics(y, yhat):
    out = {}
    out["mae"] = M.mean_absolute_error(y, yhat)
    out["mse"] = M.mean_squared_error(y, yhat)
    out["rmse"] = M.root_mean_squared_error(y, yhat)
    out["mape"] = M.mean_absolute_percentage_error(y, yhat)
    constant = bool(np.all(y == y[0]))
    out["r2"] = None if constant else M.r2_score(y, yhat)
    out["explained_variance"] = (
        None if constant else M.explained_variance_score(y, yhat)
    )
    out["median_ae"] = M.median_absolute_error(y, yhat)
    out["max_error"] = M.max_error(y, yhat)
    return {k: jnum(v) for k, v in out.items()}


def per_class(y, y_pred, labels):
    p, r, f, s = call_quiet(
        M.precision_recall_fscore_support, y, y_pred, labels=labels,
        average=None, zero_division=np.nan,
    )[0]
    return {
        "labels": [str(x) for x in labels],
        "precision": jlist(p),
        "recall": jlist(r),
        "f1": jlist(f),
        "support": [int(x) for x in s],
    }


def confusion(y, y_pred, labels):
    return {
        "labels": [str(x) for x in labels],
        "matrix": M.confusion_matrix(y, y_pred, labels=labels).tolist(),
    }


# --------------------------------------------------------------------------
# Case evaluation -> JSON document
# --------------------------------------------------------------------------


def evaluate_binary(case, df, label, score, pos, neg, threshold, group=None):
    y = col(df, label)
    p = col(df, score)
    assert p.dtype == np.float64
    metrics, y_pred = binary_metrics(y, p, pos, neg, threshold)
    doc = {
        "case": case,
        "file": f"{case}.csv",
        "task": "binary",
        "label": label,
        "scores": [score],
        "positive": str(pos),
        "threshold": threshold,
        "n": int(len(y)),
        "metrics": metrics,
        "confusion_matrix": confusion(y, y_pred, [neg, pos]),
        "per_class": per_class(y, y_pred, [neg, pos]),
    }
    fpr, tpr, thr = call_quiet(
        M.roc_curve, y, p, pos_label=pos, drop_intermediate=False
    )[0]
    assert np.isinf(thr[0])
    doc["roc_curve"] = {
        "fpr": jlist(fpr),
        "tpr": jlist(tpr),
        "thresholds": [None] + jlist(thr[1:]),
    }
    prec, rec, pthr = call_quiet(
        M.precision_recall_curve, y, p, pos_label=pos, drop_intermediate=False
    )[0]
    doc["pr_curve"] = {
        "precision": jlist(prec),
        "recall": jlist(rec),
        "thresholds": jlist(pthr),
    }
    if group is not None:
        g = col(df, group)
        groups = {}
        for gv in sorted(set(g.tolist()), key=str):
            mask = g == gv
            gm, _ = binary_metrics(y[mask], p[mask], pos, neg, threshold)
            groups[str(gv)] = {"n": int(mask.sum()), "metrics": gm}
        doc["by_group"] = {"column": group, "groups": groups}
    return doc


def evaluate_multiclass(case, df, label, score_cols, classes):
    y = col(df, label)
    P = np.column_stack([col(df, c) for c in score_cols])
    assert P.dtype == np.float64
    classes_arr = np.asarray(classes, dtype=y.dtype)
    metrics, y_pred = multiclass_metrics(y, P, classes)
    return {
        "case": case,
        "file": f"{case}.csv",
        "task": "multiclass",
        "label": label,
        "scores": list(score_cols),
        "classes": [str(c) for c in classes],
        "n": int(len(y)),
        "metrics": metrics,
        "confusion_matrix": confusion(y, y_pred, classes_arr),
        "per_class": per_class(y, y_pred, classes_arr),
    }


def evaluate_regression(case, df, label, score):
    y = col(df, label)
    yhat = col(df, score)
    assert y.dtype == np.float64 and yhat.dtype == np.float64
    return {
        "case": case,
        "file": f"{case}.csv",
        "task": "regression",
        "label": label,
        "scores": [score],
        "n": int(len(y)),
        "metrics": regression_metrics(y, yhat),
    }


# --------------------------------------------------------------------------
# Dataset generators. Each returns (columns: dict name -> array, spec: dict).
# Every generator uses its own fixed seed so cases are independent.
# --------------------------------------------------------------------------


def gen_binary_basic(seed=101, n=1000, threshold=0.5):
    rng = np.random.default_rng(seed)
    group = rng.choice(np.array(["A", "B", "C"]), size=n, p=[0.5, 0.3, 0.2])
    x1 = rng.normal(0.0, 1.0, n)
    g_eff = np.select([group == "A", group == "B"], [-0.3, 0.4], 0.1)
    true_logit = 1.3 * x1 + g_eff - 0.4
    y = (rng.random(n) < sigmoid(true_logit)).astype(np.int64)
    p = sigmoid(0.9 * true_logit + rng.normal(0.0, 0.6, n))
    assert np.all((p > 0) & (p < 1))
    cols = {"y": y, "p": p, "group": group, "x1": x1}
    spec = dict(kind="binary", label="y", score="p", pos=1, neg=0,
                threshold=threshold, group="group")
    return cols, spec


def gen_binary_ties(seed=202, n=800):
    rng = np.random.default_rng(seed)
    z = rng.normal(0.0, 1.2, n)
    y = (rng.random(n) < sigmoid(1.5 * z)).astype(np.int64)
    # Heavily tied scores: only 11 distinct values 0.0, 0.1, ..., 1.0
    # (np.round gives the double nearest to k/10, i.e. repr "0.3" etc.).
    p = np.round(sigmoid(1.2 * z + rng.normal(0.0, 0.5, n)), 1)
    cols = {"y": y, "p": p}
    spec = dict(kind="binary", label="y", score="p", pos=1, neg=0, threshold=0.5)
    return cols, spec


def gen_binary_strings(seed=303, n=600):
    rng = np.random.default_rng(seed)
    z = rng.normal(0.0, 1.0, n)
    yes = rng.random(n) < sigmoid(1.8 * z - 0.5)
    outcome = np.where(yes, "yes", "no")
    prob_yes = sigmoid(1.5 * z - 0.4 + rng.normal(0.0, 0.7, n))
    cols = {"outcome": outcome, "prob_yes": prob_yes}
    spec = dict(kind="binary", label="outcome", score="prob_yes", pos="yes",
                neg="no", threshold=0.5)
    return cols, spec


def gen_binary_extremes(seed=404, n=500):
    rng = np.random.default_rng(seed)
    z = rng.normal(0.0, 1.5, n)
    y = (rng.random(n) < sigmoid(2.0 * z)).astype(np.int64)
    p = sigmoid(2.5 * z + rng.normal(0.0, 0.8, n))
    idx = rng.permutation(n)
    # Exact 0.0 / 1.0, both correct and confidently wrong.
    pos_idx = idx[np.isin(idx, np.flatnonzero(y == 1))]
    neg_idx = idx[np.isin(idx, np.flatnonzero(y == 0))]
    p[pos_idx[:20]] = 1.0   # correct, p=1
    p[pos_idx[20:25]] = 0.0  # confidently wrong: y=1, p=0
    p[neg_idx[:20]] = 0.0   # correct, p=0
    p[neg_idx[20:25]] = 1.0  # confidently wrong: y=0, p=1
    # Values inside the clipping band [eps, 1-eps] boundaries.
    eps = np.finfo(np.float64).eps
    p[pos_idx[25]] = 1e-300          # y=1, tiny -> clipped up to eps
    p[pos_idx[26]] = eps / 4          # y=1, below eps -> clipped
    p[neg_idx[25]] = 1.0 - 2.0**-53   # y=0, 1-p = 2^-53 < eps -> clipped
    p[neg_idx[26]] = 1.0 - eps        # y=0, exactly at the clip boundary
    p[pos_idx[27]] = 5e-324           # smallest subnormal
    cols = {"y": y, "p": p}
    spec = dict(kind="binary", label="y", score="p", pos=1, neg=0, threshold=0.5)
    return cols, spec


def gen_binary_slice_missing_class(seed=505, n=1200):
    """Groups:
    A, B: ordinary.
    C: only negatives, all scores < 0.5 -> no predicted positives either
       (precision, recall, f1, roc_auc, AP, mcc, kappa undefined).
    D: both classes present but no predicted positives
       (precision undefined, recall 0, f1 = 0 in sklearn, mcc null).
    """
    rng = np.random.default_rng(seed)
    group = rng.choice(np.array(["A", "B", "C", "D"]), size=n,
                       p=[0.4, 0.3, 0.15, 0.15])
    z = rng.normal(0.0, 1.0, n)
    y = (rng.random(n) < sigmoid(1.6 * z - 0.2)).astype(np.int64)
    p = sigmoid(1.4 * z - 0.2 + rng.normal(0.0, 0.6, n))
    is_c = group == "C"
    y[is_c] = 0
    p[is_c] = rng.uniform(0.01, 0.45, is_c.sum())
    is_d = group == "D"
    p[is_d] = rng.uniform(0.02, 0.49, is_d.sum())
    assert y[is_d].sum() > 0 and (y[is_d] == 0).sum() > 0
    cols = {"y": y, "p": p, "group": group}
    spec = dict(kind="binary", label="y", score="p", pos=1, neg=0,
                threshold=0.5, group="group")
    return cols, spec


def gen_binary_threshold(seed=606, n=1000):
    cols, spec = gen_binary_basic(seed=seed, n=n, threshold=0.3)
    # A few scores exactly at the threshold: predicted positive (>=).
    cols["p"][:7] = 0.3
    return cols, spec


def gen_binary_one_class(seed=707, n=300):
    rng = np.random.default_rng(seed)
    y = np.zeros(n, dtype=np.int64)
    p = rng.beta(2.0, 5.0, n)  # some >= 0.5 -> a few false positives
    cols = {"y": y, "p": p}
    spec = dict(kind="binary", label="y", score="p", pos=1, neg=0, threshold=0.5)
    return cols, spec


def gen_multiclass_3(seed=808, n=900):
    rng = np.random.default_rng(seed)
    classes = ["setosa", "versicolor", "virginica"]
    yi = rng.choice(3, size=n, p=[0.3, 0.4, 0.3])
    logits = rng.normal(0.0, 1.2, (n, 3))
    logits[np.arange(n), yi] += 1.8
    P = softmax(logits)
    cols = {"species": np.asarray(classes, dtype=object)[yi]}
    for j, c in enumerate(classes):
        cols[f"p_{c}"] = P[:, j].copy()
    spec = dict(kind="multiclass", label="species",
                scores=[f"p_{c}" for c in classes], classes=classes)
    return cols, spec


def gen_multiclass_5_int(seed=909, n=1500):
    """Probabilities are multiples of 1/20 (counts/20), so ties are common.
    Class 4 is never the *first* maximum: its count is at most the max of the
    others, and on ties np.argmax picks the earlier class. Some rows tie class
    4 with the max on purpose (top-k ranks it *first* there, see notes)."""
    rng = np.random.default_rng(seed)
    k = 5
    y = rng.choice(k, size=n, p=[0.3, 0.25, 0.2, 0.15, 0.1]).astype(np.int64)
    counts = np.empty((n, k), dtype=np.int64)
    for i in range(n):
        w = np.full(k, 1.0)
        w[y[i]] += 2.5
        counts[i] = rng.multinomial(20, w / w.sum())
    # Class 4 never strictly above the others' max: swap with the argmax.
    for i in range(n):
        m = int(np.argmax(counts[i, :4]))
        if counts[i, 4] > counts[i, m]:
            counts[i, 4], counts[i, m] = counts[i, m], counts[i, 4]
    # Force a tie between class 4 and the leading class on some rows.
    for i in rng.choice(n, size=60, replace=False):
        m = int(np.argmax(counts[i, :4]))
        if counts[i, 4] < counts[i, m]:
            d = counts[i, m] - counts[i, 4]
            # move d units from other non-leading classes to class 4
            for j in range(4):
                if j == m:
                    continue
                take = min(d, counts[i, j])
                counts[i, j] -= take
                counts[i, 4] += take
                d -= take
                if d == 0:
                    break
            if counts[i, 4] > counts[i, m]:
                raise AssertionError("bad tie construction")
    assert np.all(counts.sum(axis=1) == 20)
    assert np.all(np.argmax(counts, axis=1) != 4)
    P = counts / 20.0
    cols = {"label": y}
    for j in range(k):
        cols[f"prob_{j}"] = P[:, j].copy()
    spec = dict(kind="multiclass", label="label",
                scores=[f"prob_{j}" for j in range(k)], classes=list(range(k)))
    return cols, spec


def gen_regression_basic(seed=1010, n=700):
    rng = np.random.default_rng(seed)
    x = rng.normal(0.0, 1.0, n)
    target = 3.0 * x + 1.0 + rng.normal(0.0, 0.5, n)
    target[rng.choice(n, size=35, replace=False)] = 0.0  # MAPE eps path
    prediction = target + rng.normal(0.0, 0.8, n)
    cols = {"target": target, "prediction": prediction}
    spec = dict(kind="regression", label="target", score="prediction")
    return cols, spec


def gen_regression_large_offset(seed=1111, n=500):
    rng = np.random.default_rng(seed)
    target = 1e6 + rng.normal(0.0, 0.5, n)
    prediction = target + rng.normal(0.0, 0.2, n)
    cols = {"target": target, "prediction": prediction}
    spec = dict(kind="regression", label="target", score="prediction")
    return cols, spec


CASES = {
    "binary_basic": gen_binary_basic,
    "binary_ties": gen_binary_ties,
    "binary_strings": gen_binary_strings,
    "binary_extremes": gen_binary_extremes,
    "binary_slice_missing_class": gen_binary_slice_missing_class,
    "binary_threshold": gen_binary_threshold,
    "binary_one_class": gen_binary_one_class,
    "multiclass_3": gen_multiclass_3,
    "multiclass_5_int": gen_multiclass_5_int,
    "regression_basic": gen_regression_basic,
    "regression_large_offset": gen_regression_large_offset,
}


def main() -> int:
    versions = {"sklearn": sklearn.__version__, "numpy": np.__version__,
                "pandas": pd.__version__}
    if versions != EXPECTED_VERSIONS:
        print(f"WARNING: versions {versions} differ from the pinned "
              f"{EXPECTED_VERSIONS}; expected values may change.",
              file=sys.stderr)

    for d in (CASES_DIR, EXPECTED_DIR):
        if d.exists():
            shutil.rmtree(d)
        d.mkdir(parents=True)

    print(f"scikit-learn {sklearn.__version__}, numpy {np.__version__}, "
          f"pandas {pd.__version__}")
    for case, gen in CASES.items():
        cols, spec = gen()
        csv_path = CASES_DIR / f"{case}.csv"
        write_csv(csv_path, cols)
        df = read_csv_checked(csv_path, cols)

        if spec["kind"] == "binary":
            doc = evaluate_binary(case, df, spec["label"], spec["score"],
                                  spec["pos"], spec["neg"], spec["threshold"],
                                  spec.get("group"))
        elif spec["kind"] == "multiclass":
            doc = evaluate_multiclass(case, df, spec["label"], spec["scores"],
                                      spec["classes"])
        else:
            doc = evaluate_regression(case, df, spec["label"], spec["score"])

        text = dump_json(doc)
        assert json.loads(text) == doc
        (EXPECTED_DIR / f"{case}.json").write_text(text + "\n", encoding="utf-8")

        m = doc["metrics"]
        keys = {"binary": ("accuracy", "f1", "roc_auc", "log_loss"),
                "multiclass": ("accuracy", "f1_macro", "log_loss", "brier"),
                "regression": ("mae", "rmse", "mape", "r2")}[doc["task"]]
        shown = ", ".join(f"{k}={m[k]!r}" for k in keys)
        print(f"  {case:28s} n={doc['n']:5d}  {shown}")
    print(f"wrote {len(CASES)} cases to {CASES_DIR.relative_to(HERE.parent.parent)}"
          f" and {EXPECTED_DIR.relative_to(HERE.parent.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
