#!/usr/bin/env python3
"""Build Assay's synthetic credit-default demo (web/demo/).

Everything here is synthetic: no real applicants, no real lender. The data
are drawn from fixed-seed numpy generators, so re-running reproduces the same
files (with the library versions pinned in tests/requirements.txt:
scikit-learn 1.9.1, numpy 2.4.6, pandas 3.1.1, skl2onnx 1.20.0,
onnxruntime 1.32.0, onnx 1.23.2).

Usage (from the repository root):
    python scripts/make_demo.py

Writes:
    web/demo/demo.csv          test split: features, categories, label, p_default
    web/demo/demo_model.onnx   StandardScaler + MLPClassifier pipeline (ONNX)
    web/demo/README.md         short description

The true default process has a deliberate weakness for one subgroup: in
region "East" defaults carry an extra baseline risk and depend on a hidden
risk factor, neither of which the model can see (it only gets the 8 numeric
features, not the region), so the model is miscalibrated (under-predicts) and
less accurate there. The demo is meant to show this up in per-slice metrics.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pandas as pd
import sklearn
import skl2onnx
from skl2onnx import to_onnx
from skl2onnx.common.data_types import FloatTensorType
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "web" / "demo"

SEED = 20240611
N = 6000
FEATURES = [
    "age", "income", "debt_ratio", "credit_lines",
    "late_payments", "years_employed", "loan_amount", "savings",
]
REGIONS = ["North", "South", "East", "West"]
TOL = 1e-5


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def age_band(age: np.ndarray) -> np.ndarray:
    return np.select(
        [age < 30, age < 45, age < 60], ["18-29", "30-44", "45-59"], "60+"
    ).astype(object)


def generate(rng: np.random.Generator) -> pd.DataFrame:
    """Synthetic applicants. Values are rounded to realistic precision so the
    CSV is compact; the model is trained on exactly these rounded values."""
    region = rng.choice(np.array(REGIONS), size=N, p=[0.3, 0.25, 0.2, 0.25])
    sex = rng.choice(np.array(["F", "M"]), size=N)
    age = np.clip(np.round(rng.gamma(9.0, 4.6, N) + 1.0), 21, 79).astype(np.int64)
    income = np.round(
        np.exp(rng.normal(10.6, 0.45, N) + 0.006 * (age - 40)), -2
    )  # yearly, rounded to 100
    debt_ratio = np.round(np.clip(rng.beta(2.2, 5.0, N) * 1.4, 0.0, 1.4), 3)
    credit_lines = rng.poisson(2.0 + (age - 21) / 12.0).astype(np.int64)
    years_employed = np.round(
        np.minimum(rng.exponential(6.0, N), age - 18.0), 1
    )
    loan_amount = np.round(income * rng.uniform(0.1, 0.9, N), -2)
    savings = np.round(rng.lognormal(8.5, 1.2, N) * (income / 40000.0), 0)
    risk0 = 1.2 * debt_ratio + 0.2 * (years_employed < 1)
    late_payments = rng.poisson(0.25 + 1.0 * risk0).astype(np.int64)

    # True default process: logistic with nonlinearities.
    z = (
        -2.2
        + 2.6 * (debt_ratio - 0.4)
        + 1.6 * np.maximum(debt_ratio - 0.7, 0.0)        # hinge
        + 0.45 * late_payments
        - 0.8 * np.log(income / 45000.0)
        + 0.35 * np.log1p(loan_amount / 10000.0)
        - 0.25 * np.log1p(savings / 1000.0)
        + 0.0009 * (age - 42.0) ** 2                      # U-shape in age
        - 0.04 * years_employed
        - 0.05 * credit_lines
    )
    east = region == "East"
    # The subgroup the model cannot see (region is not a model input): extra
    # baseline risk plus a hidden, unobserved risk factor, so predictions are
    # both too low (miscalibrated) and less discriminative there.
    hidden = rng.normal(0.0, 1.0, N)
    z = z + east * (0.9 + 1.4 * hidden)
    default = (rng.random(N) < sigmoid(z)).astype(np.int64)

    return pd.DataFrame({
        "age": age,
        "income": income,
        "debt_ratio": debt_ratio,
        "credit_lines": credit_lines,
        "late_payments": late_payments,
        "years_employed": years_employed,
        "loan_amount": loan_amount,
        "savings": savings,
        "region": region.astype(object),
        "age_band": age_band(age),
        "sex": sex.astype(object),
        "default": default,
    })


def fmt(v) -> str:
    if isinstance(v, (float, np.floating)):
        return repr(float(v))  # shortest round-trip
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    return str(v)


def write_csv(path: Path, df: pd.DataFrame) -> None:
    cols = list(df.columns)
    data = [df[c].tolist() for c in cols]
    lines = [",".join(cols)]
    for i in range(len(df)):
        lines.append(",".join(fmt(col[i]) for col in data))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


README = """\
# Assay demo: synthetic credit-default model

This folder holds a **fully synthetic** demo: a credit-default classifier scored on made-up loan applicants (no real people or lender).
`demo.csv` is the 30% test split ({n_test} rows) of {n} applicants generated by `scripts/make_demo.py` (fixed seeds; scikit-learn {skl}).
Columns: the 8 numeric features, the categories `region`, `age_band`, `sex`, the label `default` (1 = defaulted), and the model's probability `p_default`.
The label comes from a logistic model with nonlinear terms; region `East` has extra risk the model cannot see, so the model is miscalibrated there.
Model: `Pipeline(StandardScaler(), MLPClassifier(hidden_layer_sizes=(16,), max_iter=500, random_state=0))` trained on the 70% train split.
`demo_model.onnx` is that pipeline exported with skl2onnx (ai.onnx opset 17, ZipMap disabled).
Input: `input`, float32 tensor of shape [N, 8], columns in this order: {features}.
Outputs: `label` (int64 [N], predicted class 0/1) and `probabilities` (float32 [N, 2]: P(default=0), P(default=1)).
`p_default` is scikit-learn's float64 `predict_proba(X)[:, 1]`; ONNX Runtime's `probabilities[:, 1]` (float32) agrees within {maxdiff:.1e}.
Regenerate with `python scripts/make_demo.py` using the versions pinned in `tests/requirements.txt`.
"""


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(SEED)
    df = generate(rng)
    train, test = train_test_split(
        df, test_size=0.3, random_state=SEED % (2**32), stratify=df["default"]
    )
    test = test.sort_index()  # stable, readable row order

    X_train = train[FEATURES].to_numpy(dtype=np.float64)
    y_train = train["default"].to_numpy()
    X_test = test[FEATURES].to_numpy(dtype=np.float64)

    mlp = MLPClassifier(hidden_layer_sizes=(16,), max_iter=500, random_state=0)
    pipe = make_pipeline(StandardScaler(), mlp)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always", ConvergenceWarning)
        pipe.fit(X_train, y_train)
    converged = not any(issubclass(x.category, ConvergenceWarning) for x in w)
    p_default = pipe.predict_proba(X_test)[:, 1]

    out = test.copy()
    out["p_default"] = p_default
    csv_path = OUT / "demo.csv"
    write_csv(csv_path, out)

    # Check the CSV reads back exactly.
    back = pd.read_csv(csv_path)
    assert np.array_equal(back["p_default"].to_numpy(), p_default)
    assert np.array_equal(back[FEATURES].to_numpy(dtype=np.float64), X_test)

    # ONNX export: float input "input" [None, 8], no ZipMap, ai.onnx opset 17.
    onx = to_onnx(
        pipe,
        initial_types=[("input", FloatTensorType([None, len(FEATURES)]))],
        target_opset={"": 17, "ai.onnx.ml": 3},
        options={id(mlp): {"zipmap": False}},
    )
    onnx.checker.check_model(onx)
    onnx_path = OUT / "demo_model.onnx"
    onnx_path.write_bytes(onx.SerializeToString())

    sess = ort.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    in_names = [i.name for i in sess.get_inputs()]
    out_names = [o.name for o in sess.get_outputs()]
    assert in_names == ["input"], in_names
    label_o, proba_o = sess.run(None, {"input": X_test.astype(np.float32)})
    maxdiff = float(np.max(np.abs(proba_o[:, 1].astype(np.float64) - p_default)))
    assert maxdiff < TOL, f"ONNX mismatch {maxdiff}"
    assert np.array_equal(label_o, pipe.predict(X_test))

    (OUT / "README.md").write_text(
        README.format(
            n=N, n_test=len(test), skl=sklearn.__version__,
            features=", ".join(f"`{f}`" for f in FEATURES),
            maxdiff=max(maxdiff, 1e-12),
        ),
        encoding="utf-8",
    )

    # Summary
    from sklearn.metrics import roc_auc_score
    y_test = test["default"].to_numpy()
    print(f"scikit-learn {sklearn.__version__}, skl2onnx {skl2onnx.__version__}, onnxruntime {ort.__version__}")
    print(f"applicants {N}: train {len(train)}, test {len(test)}; "
          f"default rate {df['default'].mean():.3f}; MLP converged: {converged}")
    print(f"test ROC AUC {roc_auc_score(y_test, p_default):.4f}")
    for r in REGIONS:
        m = test["region"].to_numpy() == r
        print(f"  region {r:5s} n={m.sum():4d} default rate {y_test[m].mean():.3f}"
              f"  mean p_default {p_default[m].mean():.3f}"
              f"  AUC {roc_auc_score(y_test[m], p_default[m]):.4f}")
    print(f"ONNX inputs {in_names}, outputs {out_names}; "
          f"opsets {[(o.domain or 'ai.onnx', o.version) for o in onx.opset_import]}")
    print(f"max |onnx - sklearn| on p_default: {maxdiff:.3e}")
    for p in (csv_path, onnx_path, OUT / "README.md"):
        print(f"wrote {p.relative_to(ROOT)} ({p.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
