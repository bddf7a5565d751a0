#!/usr/bin/env python3
"""Generate Assay's fairness reference fixture: one synthetic binary
classification data set and fairlearn's group metrics for it.

Reference values were produced with:
    Python 3.11, fairlearn 0.15.0, scikit-learn 1.9.1, numpy 2.4.6,
    pandas 3.1.1
(see tests/requirements.txt). Re-run only with the pinned versions.

Usage (from the repository root):
    python tests/golden/make_fairness.py

Outputs (the folder is rewritten from scratch on every run):
    tests/golden/fairness/fairness.csv    the input data
    tests/golden/fairness/fairness.json   the reference values
They live in their own folder, not tests/golden/cases/ and expected/:
make_golden.py wipes those two folders, and crates/engine/tests/golden.rs
reads every JSON file in expected/ as a scikit-learn case.

Data (fixed seed, 3,000 rows): `label` 0/1; `score` the probability of
class 1, rounded to 4 decimals (ties occur, including scores of exactly 0.5)
and kept in [0.0001, 0.9999]; `sex` F/M (1,500 each); `race` asian / black /
indigenous (40 rows) / white, empty for 90 rows; `age` an integer 18-90.
Every "M, indigenous" row is labelled 0, so that intersection has one class
(exercising the undefined cases below).

Conventions:
  * Floats in the CSV are written with Python's repr (shortest round-trip),
    and every number is computed from the data as read back with pandas
    (asserted equal to the generated data).
  * Predictions: y_pred = 1 iff score >= threshold (0.5); positive class 1.
  * Missing race (an empty field) is the group "(missing)": the column is
    filled with that string before fairlearn sees it (fairlearn rejects NaN
    sensitive features).
  * Sensitive specs: ["sex"], ["race"], ["sex", "race"] (the intersection).
    fairlearn's MetricFrame gets sensitive_features = df[columns] (a
    DataFrame). A group's label is its values joined by ", " in column order
    ("F, black"). Groups are sorted by the tuple of their values, each value
    compared as a number when it parses as one and as a string (code-point
    order) otherwise; here that equals sorting the labels as strings.
  * JSON null: undefined (NaN in fairlearn / scikit-learn).

Per group (and under "overall", on all rows), with MetricFrame:
  count            fairlearn.metrics.count
  positives, negatives   rows with label 1 / 0 (for reference)
  selection_rate   fairlearn.metrics.selection_rate (mean of y_pred == 1)
  tpr, fpr, fnr    fairlearn true_positive_rate, false_positive_rate,
                   false_negative_rate. NOTE: these come from scikit-learn's
                   confusion_matrix(normalize="true"), which turns 0/0 into
                   0: a group without positives has tpr = fnr = 0 (not
                   undefined) and one without negatives fpr = 0. These zeros
                   enter the aggregate metrics below as they are.
  precision        sklearn precision_score(zero_division=np.nan): null
                   without predicted positives.
  accuracy         sklearn accuracy_score.
  roc_auc          sklearn roc_auc_score on the scores; null when the group
                   has one class.
  log_loss         sklearn log_loss(labels=[0, 1]) on the scores (defined for
                   one-class groups too).
  brier            sklearn brier_score_loss(pos_label=1) on the scores
                   (defined for one-class groups too).

Per spec (method="between_groups", fairlearn's default):
  demographic_parity_difference / _ratio, equalized_odds_difference /
  _ratio (agg="worst_case", the default), equalized_odds_difference_mean /
  equalized_odds_ratio_mean (agg="mean", supported by fairlearn 0.15),
  equal_opportunity_difference / _ratio (present in fairlearn 0.15, since
  0.11: max - min and min / max of the group TPRs).
"""

from __future__ import annotations

import csv
import json
import math
import shutil
import sys
import warnings
from functools import partial
from pathlib import Path

import fairlearn
import numpy as np
import pandas as pd
import sklearn
from fairlearn import metrics as flm
from sklearn import metrics as skm

HERE = Path(__file__).resolve().parent
OUT_DIR = HERE / "fairness"
CSV_NAME = "fairness.csv"

EXPECTED_VERSIONS = {"fairlearn": "0.15.0", "sklearn": "1.9.1",
                     "numpy": "2.4.6", "pandas": "3.1.1"}

SEED = 20240612
N = 3000
THRESHOLD = 0.5
MISSING = "(missing)"
SPECS = [["sex"], ["race"], ["sex", "race"]]
COLUMNS = ["label", "score", "sex", "race", "age"]


def generate():
    rng = np.random.default_rng(SEED)
    sex = np.array(["F"] * (N // 2) + ["M"] * (N - N // 2), dtype=object)
    rng.shuffle(sex)
    race_counts = {"indigenous": 40, "": 90, "asian": 450, "black": 650}
    race_counts["white"] = N - sum(race_counts.values())
    race = np.array([r for r, c in race_counts.items() for _ in range(c)],
                    dtype=object)
    rng.shuffle(race)
    age = rng.integers(18, 91, N)

    # The true outcome and a model whose errors differ by group.
    group_effect = {"asian": 0.3, "black": -0.2, "indigenous": -0.5,
                    "white": 0.0, "": 0.1}
    latent = (-0.3 + 0.025 * (age - 45) + 0.35 * (sex == "F")
              + np.array([group_effect[r] for r in race])
              + rng.normal(0, 1.0, N))
    label = (rng.uniform(0, 1, N) < 1 / (1 + np.exp(-latent))).astype(int)
    label[(sex == "M") & (race == "indigenous")] = 0
    model_bias = {"asian": 0.2, "black": -0.45, "indigenous": 0.6,
                  "white": 0.0, "": -0.3}
    logit = (1.3 * latent + np.array([model_bias[r] for r in race])
             - 0.3 * (sex == "M") + rng.normal(0, 0.9, N))
    score = np.round(1 / (1 + np.exp(-logit)), 4)
    score = np.clip(score, 0.0001, 0.9999)
    score[rng.choice(N, 7, replace=False)] = 0.5  # ties at the threshold
    return {"label": label, "score": score, "sex": sex, "race": race,
            "age": age}


def write_csv(path, cols):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(COLUMNS)
        for i in range(N):
            w.writerow([int(cols["label"][i]), repr(float(cols["score"][i])),
                        cols["sex"][i], cols["race"][i], int(cols["age"][i])])


def read_csv_checked(path, cols):
    df = pd.read_csv(path, dtype={"sex": str, "race": str})
    assert list(df.columns) == COLUMNS
    assert (df["label"].to_numpy() == cols["label"]).all()
    assert (df["score"].to_numpy() == cols["score"]).all()  # bit for bit
    assert (df["age"].to_numpy() == cols["age"]).all()
    assert (df["sex"].to_numpy() == cols["sex"]).all()
    race = df["race"].to_numpy(dtype=object)
    missing = df["race"].isna().to_numpy()
    assert (missing == (cols["race"] == "")).all()
    assert (race[~missing] == cols["race"][~missing]).all()
    df["race"] = df["race"].fillna(MISSING)
    return df


def num(x):
    x = float(x)
    return None if math.isnan(x) else x


def roc_auc(y_true, y_score):
    y_true = np.asarray(y_true)
    if len(np.unique(y_true)) < 2:
        return float("nan")
    return skm.roc_auc_score(y_true, y_score)


def positives(y_true, y_pred):
    return int(np.sum(np.asarray(y_true) == 1))


def negatives(y_true, y_pred):
    return int(np.sum(np.asarray(y_true) == 0))


PRED_METRICS = {
    "count": flm.count,
    "positives": positives,
    "negatives": negatives,
    "selection_rate": flm.selection_rate,
    "tpr": flm.true_positive_rate,
    "fpr": flm.false_positive_rate,
    "fnr": flm.false_negative_rate,
    "precision": partial(skm.precision_score, zero_division=np.nan),
    "accuracy": skm.accuracy_score,
}
SCORE_METRICS = {
    "roc_auc": roc_auc,
    "log_loss": partial(skm.log_loss, labels=[0, 1]),
    "brier": partial(skm.brier_score_loss, pos_label=1),
}
INT_METRICS = {"count", "positives", "negatives"}


def value_key(v):
    s = str(v)
    try:
        return (0, float(s), "")
    except ValueError:
        return (1, 0.0, s)


def row_of(values_pred, values_score):
    out = {}
    for k in PRED_METRICS:
        v = values_pred[k]
        out[k] = int(v) if k in INT_METRICS else num(v)
    for k in SCORE_METRICS:
        out[k] = num(values_score[k])
    return out


def spec_doc(df, y, y_pred, score, columns):
    sf = df[columns]
    mf_pred = flm.MetricFrame(metrics=PRED_METRICS, y_true=y, y_pred=y_pred,
                              sensitive_features=sf)
    mf_score = flm.MetricFrame(metrics=SCORE_METRICS, y_true=y, y_pred=score,
                               sensitive_features=sf)
    groups = []
    for idx in mf_pred.by_group.index:
        values = idx if isinstance(idx, tuple) else (idx,)
        label = ", ".join(str(v) for v in values)
        row = {"label": label, "values": [str(v) for v in values]}
        row.update(row_of(mf_pred.by_group.loc[idx], mf_score.by_group.loc[idx]))
        groups.append(row)
    groups.sort(key=lambda g: tuple(value_key(v) for v in g["values"]))
    labels = [g["label"] for g in groups]
    assert labels == sorted(labels), labels
    assert sum(g["count"] for g in groups) == len(df)

    kw = {"y_true": y, "y_pred": y_pred, "sensitive_features": sf}
    doc = {
        "columns": columns,
        "groups": groups,
        "demographic_parity_difference": flm.demographic_parity_difference(**kw),
        "demographic_parity_ratio": flm.demographic_parity_ratio(**kw),
        "equalized_odds_difference": flm.equalized_odds_difference(**kw),
        "equalized_odds_ratio": flm.equalized_odds_ratio(**kw),
        "equalized_odds_difference_mean": flm.equalized_odds_difference(**kw, agg="mean"),
        "equalized_odds_ratio_mean": flm.equalized_odds_ratio(**kw, agg="mean"),
        "equal_opportunity_difference": flm.equal_opportunity_difference(**kw),
        "equal_opportunity_ratio": flm.equal_opportunity_ratio(**kw),
    }
    # The definitions, restated from the group values (a self-check).
    sel = [g["selection_rate"] for g in groups]
    tpr = [g["tpr"] for g in groups]
    fpr = [g["fpr"] for g in groups]
    assert doc["demographic_parity_difference"] == max(sel) - min(sel)
    assert doc["equal_opportunity_difference"] == max(tpr) - min(tpr)
    assert doc["equalized_odds_difference"] == max(max(tpr) - min(tpr),
                                                   max(fpr) - min(fpr))
    assert math.isclose(doc["equalized_odds_difference_mean"],
                        ((max(tpr) - min(tpr)) + (max(fpr) - min(fpr))) / 2,
                        rel_tol=1e-15)
    for k in list(doc):
        if k not in ("columns", "groups"):
            doc[k] = num(doc[k])
    return doc


def main() -> int:
    versions = {"fairlearn": fairlearn.__version__, "sklearn": sklearn.__version__,
                "numpy": np.__version__, "pandas": pd.__version__}
    if versions != EXPECTED_VERSIONS:
        print(f"WARNING: versions {versions} differ from the pinned "
              f"{EXPECTED_VERSIONS}; expected values may change.",
              file=sys.stderr)
    if OUT_DIR.exists():
        shutil.rmtree(OUT_DIR)
    OUT_DIR.mkdir(parents=True)

    cols = generate()
    csv_path = OUT_DIR / CSV_NAME
    write_csv(csv_path, cols)
    df = read_csv_checked(csv_path, cols)
    y = df["label"].to_numpy()
    score = df["score"].to_numpy()
    y_pred = (score >= THRESHOLD).astype(int)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # 0/0 warnings: recorded as documented
        specs = [spec_doc(df, y, y_pred, score, c) for c in SPECS]
        overall_pred = flm.MetricFrame(metrics=PRED_METRICS, y_true=y,
                                       y_pred=y_pred,
                                       sensitive_features=df["sex"]).overall
        overall_score = flm.MetricFrame(metrics=SCORE_METRICS, y_true=y,
                                        y_pred=score,
                                        sensitive_features=df["sex"]).overall
    overall = row_of(overall_pred, overall_score)
    assert overall["count"] == N

    doc = {
        "generator": "tests/golden/make_fairness.py; Python "
                     f"{sys.version.split()[0]}, "
                     + ", ".join(f"{k} {v}" for k, v in versions.items()),
        "file": CSV_NAME,
        "n": N,
        "label": "label",
        "score": "score",
        "threshold": THRESHOLD,
        "positive": "1",
        "missing_label": MISSING,
        "notes": [
            "y_pred = 1 iff score >= threshold",
            "missing race (empty field) is filled with missing_label before "
            "fairlearn sees it",
            "tpr/fpr/fnr: fairlearn (sklearn confusion_matrix "
            "normalize='true') gives 0, not NaN, for a group without "
            "positives (tpr, fnr) or negatives (fpr); these zeros enter the "
            "aggregates",
            "precision: zero_division=nan (null) without predicted positives",
            "roc_auc: null for a one-class group; log_loss (labels=[0, 1]) "
            "and brier (pos_label=1) are defined for it",
            "aggregates: method='between_groups'; *_mean use agg='mean'",
            "group label = values joined by ', '; groups sorted by the tuple "
            "of values (numbers numerically)",
        ],
        "specs": specs,
        "overall": overall,
    }
    text = json.dumps(doc, indent=1, allow_nan=False)
    assert json.loads(text) == doc
    (OUT_DIR / "fairness.json").write_text(text + "\n", encoding="utf-8")

    print(", ".join(f"{k} {v}" for k, v in versions.items()))
    for s in specs:
        print(f"  {' x '.join(s['columns']):10s} {len(s['groups']):2d} groups  "
              f"dp_diff={s['demographic_parity_difference']:.4f}  "
              f"eo_diff={s['equalized_odds_difference']:.4f}")
    print(f"wrote {OUT_DIR.relative_to(HERE.parent.parent)}/{{{CSV_NAME}, fairness.json}}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
