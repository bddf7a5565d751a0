#!/usr/bin/env python3
"""Generate Assay's weak-slice discovery fixtures: CSV datasets and the top
slices the `sliceline` package (0.3.0, the reference implementation of
SliceLine, Sagadeeva & Boehm, SIGMOD 2021) finds in them.

Reference values were produced with:
    Python 3.11, sliceline 0.3.0 (NumPy code path: numba not installed),
    scikit-learn 1.9.1, scipy 1.17.1, numpy 2.4.6, pandas 3.1.1
(see tests/requirements.txt). Re-run only with the pinned versions.

Usage (from the repository root):
    python tests/golden/make_sliceline.py

Outputs (the folder is rewritten from scratch on every run):
    tests/golden/sliceline/sliceline_<case>.csv    the input data
    tests/golden/sliceline/sliceline_<case>.json   sliceline's results

The fixtures live in their own folder, like the calibration ones:
make_golden.py rewrites tests/golden/cases and tests/golden/expected from
scratch, and the evaluation tests read every JSON file in expected/ as an
evaluation case.

Cases:
  * toy: the package's own worked example (the `basic_test_data` fixture
    of its test suite: 8 rows, 4 columns, alpha 0.95, k 2, max_l 2,
    min_sup 1);
  * exp01 .. exp16: the package's end-to-end examples (the `experiments`
    fixture of its test suite), regenerated here with the same seeds and
    parameters; its documentation's notebooks use the Titanic and
    California housing datasets, which are not available offline;
  * random: one dataset of our own (3,000 rows, 7 columns of 2 to 9
    values, a 0/1 error and a continuous loss with planted weak slices)
    under several parameter settings;
  * divergent: 19 rows where sliceline's pruning is not exact (see
    `divergent()`).

Each JSON holds the file, the feature columns, and one entry per run:
sliceline's parameters, the absolute minimum support it used, its average
error, and its top slices in its order — predicates as {column, value}
(values as the CSV writes them), score, size, error sum, max error, mean
error. Each run also records `exact`: whether sliceline's top slices equal
a brute-force enumeration of all slices under the same definitions
(score > 0, size >= min_sup, every slice tied with the k-th kept, ties
ordered by the one-hot rows), computed here independently; where they
differ (only the `divergent` case, on purpose), the brute-force slices are
recorded too, as `brute_force`.

CSV conventions: integers as integers, errors with Python's repr (shortest
round-trip string), so a correctly rounding parser reads the exact doubles.
"""
import importlib.metadata
import itertools
import json
import shutil
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import rankdata
from sliceline.slicefinder import Slicefinder

HERE = Path(__file__).resolve().parent
OUT = HERE / "sliceline"


def toy():
    X = np.array([
        [1, 1, 1, 1, 1, 1, 2, 2],
        [1, 1, 1, 1, 2, 2, 1, 1],
        [1, 2, 3, 4, 5, 6, 7, 8],
        [3, 3, 3, 1, 3, 1, 2, 1],
    ]).T
    e = np.array([1, 1, 1, 1, 0, 0, 0, 0], dtype=float)
    return {"toy": (X, {"error": e}, [dict(alpha=0.95, k=2, max_l=2, min_sup=1)])}


def experiments():
    """The package's end-to-end examples (tests/conftest.py, `experiments`),
    with their defaults alpha 0.95, k 2, max_l 2, min_sup 1."""
    d = dict(alpha=0.95, k=2, max_l=2, min_sup=1)
    out = {}
    np.random.seed(1)
    ns = 10
    X1 = np.array([[1] * ns + [2] * (ns // 2) + [1] * (ns // 2),
                   [1] * ns + [1] * (ns // 2) + [2] * (ns // 2),
                   np.random.randint(1, 4, size=2 * ns)]).T
    e1 = np.array([1] * ns + [0] * ns, dtype=float)
    out["exp01"] = (X1, {"error": e1}, [d])
    np.random.seed(2)
    X2 = np.array([np.random.randint(1, 4, size=2 * ns),
                   [1] * ns + [1] * (ns // 2) + [2] * (ns // 2),
                   np.random.randint(1, 5, size=2 * ns),
                   np.random.randint(1, 7, size=2 * ns),
                   [1] * ns + [2] * (ns // 2) + [1] * (ns // 2),
                   np.arange(2 * ns) + 1]).T
    out["exp02"] = (X2, {"error": e1}, [d])
    np.random.seed(3)
    n = 100
    X3 = np.array([[1] * n + [2] * (n // 2) + [1] * (n // 2),
                   [1] * n + [1] * (n // 2) + [2] * (n // 2),
                   np.random.randint(1, 4, size=2 * n)]).T
    e3 = np.array([1] * n + [0] * n, dtype=float)
    out["exp03"] = (X3, {"error": e3}, [d])
    np.random.seed(4)
    X4 = np.array([[1] * n + [2] * (n // 2) + [1] * (n // 2),
                   [1] * n + [1] * (n // 2) + [2] * (n // 2),
                   np.random.randint(1, 4, size=2 * n),
                   np.random.randint(1, 5, size=2 * n),
                   np.random.randint(1, 7, size=2 * n),
                   np.arange(2 * n) + 1]).T
    # Experiments 4-8, 14 and 15: one dataset, several settings.
    out["exp04"] = (X4, {"error": e3}, [
        d, {**d, "min_sup": 50}, {**d, "max_l": 1}, {**d, "alpha": 0.7},
        {**d, "k": 3}, {**d, "min_sup": 10}, {**d, "alpha": 0.5}])
    np.random.seed(9)
    e9 = np.concatenate([np.random.randint(1, 61, ns),
                         np.random.randint(41, 101, ns)]) / 100
    out["exp09"] = (X1, {"error": e9}, [d])
    np.random.seed(10)
    n = 10000
    X10 = np.array([[1] * n + [2] * (n // 2) + [1] * (n // 2),
                    [1] * n + [1] * (n // 2) + [2] * (n // 2),
                    np.random.randint(1, 4, size=2 * n),
                    np.random.randint(1, 5, size=2 * n),
                    np.random.randint(1, 7, size=2 * n),
                    np.concatenate([np.arange(1, 1 + 2 * n // 40)] * 40)]).T
    out["exp10"] = (X10, {"error": np.array([1] * n + [0] * n, dtype=float)}, [d])
    X11 = np.array([[1] * 6 + [2] * 2 + [1] * 4, [1] * 8 + [2] * 2 + [1] * 2,
                    [1] * 10 + [2] * 2, list(range(1, 13))]).T
    e11 = np.array([1] * 6 + [0] * 6, dtype=float)
    out["exp11"] = (X11, {"error": e11}, [{**d, "max_l": 3}])
    X12 = np.array([[1] * 8 + [2] * 2 + [1] * 6, [1] * 10 + [2] * 2 + [1] * 4,
                    [1] * 12 + [2] * 2 + [1] * 2, [1] * 14 + [2] * 2,
                    list(range(1, 17))]).T
    e12 = np.array([1] * 8 + [0] * 8, dtype=float)
    out["exp12"] = (X12, {"error": e12}, [{**d, "max_l": 4}])
    X13 = np.array([[1, 1, 1, 1, 1, 1, 2, 2],
                    ["a", "a", "a", "a", "b", "b", "a", "a"],
                    [1, 2, 3, 4, 5, 6, 7, 8],
                    [3, 3, 3, 1, 3, 1, 2, 1]], dtype=object).T
    out["exp13"] = (X13, {"error": np.array([1, 1, 1, 1, 0, 0, 0, 0], dtype=float)}, [d])
    X16 = np.array([list("gggggg" + "aaaaaaaaa"), list("bbbbbbbbbbbb" + "fff"),
                    list("hhhhcccc" + "hhhhhhh"), list("dddddddddddd" + "eee")],
                   dtype=object).T
    e16 = np.array([0] * 6 + [1] * 6 + [0] * 3, dtype=float)
    out["exp16"] = (X16, {"error": e16}, [dict(alpha=0.01, k=2, max_l=3, min_sup=7)])
    return out


def random_case():
    rng = np.random.default_rng(20210620)
    n, cards = 3000, [2, 3, 4, 5, 6, 8, 9]
    X = np.stack([rng.integers(1, c + 1, size=n) for c in cards], axis=1)
    p = np.full(n, 0.12)
    p[X[:, 1] == 2] = 0.3
    cross = (X[:, 3] == 1) & (X[:, 5] == 4)
    p[cross] = np.maximum(p[cross], 0.65)
    error = (rng.random(n) < p).astype(float)
    loss = np.round(-np.log(1 - rng.random(n) * p * 1.4), 6)
    runs = [
        dict(alpha=0.95, k=5, max_l=3, min_sup=20, error="error"),
        dict(alpha=0.8, k=10, max_l=2, min_sup=0.01, error="error"),
        dict(alpha=1.0, k=5, max_l=2, min_sup=50, error="error"),
        dict(alpha=0.99, k=4, max_l=4, min_sup=5, error="loss"),
        dict(alpha=0.6, k=3, max_l=3, min_sup=10, error="loss"),
        dict(alpha=0.95, k=8, max_l=3, min_sup=30, error="loss"),
    ]
    return {"random": (X, {"error": error, "loss": loss}, runs)}


def divergent():
    """A small dataset with more one-hot columns (32) than rows (19), where
    sliceline's bound (which counts one-hot columns, not rows) and its
    threshold (its lowest top-k score while it holds fewer than k slices)
    prune a slice that ties for the last place: its top slices differ from
    the brute-force enumeration, which Assay follows."""
    X = np.array([
        [3, 4, 6, 1, 0, 8, 4, 6, 4, 8, 3, 8, 1, 0, 8, 5, 8, 4, 3],
        [8, 4, 0, 2, 7, 6, 6, 0, 4, 8, 1, 8, 7, 9, 0, 3, 3, 4, 0],
        [9, 3, 4, 2, 1, 6, 7, 6, 2, 7, 1, 4, 9, 7, 1, 6, 3, 5, 0],
        [5, 6, 6, 5, 3, 2, 6, 1, 4, 4, 2, 2, 3, 0, 4, 6, 2, 4, 6],
    ]).T
    e = np.array([0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0], dtype=float)
    return {"divergent": (X, {"error": e}, [dict(alpha=0.99, k=10, max_l=3, min_sup=3)])}


def label(v):
    """A value as the CSV writes it (and Assay's groups label it)."""
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (float, np.floating)) and float(v).is_integer():
        return str(int(v))
    return str(v)


def brute_force(X, e, alpha, k, max_l, min_sup):
    n, m = X.shape
    cats = [sorted(set(X[:, j].tolist())) for j in range(m)]
    off = np.cumsum([0] + [len(c) for c in cats])
    pos = [{v: off[j] + i for i, v in enumerate(cats[j])} for j in range(m)]
    ebar = float(np.mean(e))
    rows = {}
    for r in range(n):
        for l in range(1, min(max_l, m) + 1):
            for cols in itertools.combinations(range(m), l):
                rows.setdefault(tuple(pos[j][X[r, j]] for j in cols), []).append(r)
    found = []
    where = [(j, v) for j in range(m) for v in cats[j]]
    for key, rs in rows.items():
        ss, se, sm = len(rs), float(e[rs].sum()), float(e[rs].max())
        if ss < min_sup or ebar == 0:
            continue
        sc = alpha * ((se / ss) / ebar - 1) - (1 - alpha) * (n / ss - 1)
        if sc > 0:
            found.append((sc, key, ss, se, sm))
    if not found:
        return [], where
    keep = rankdata(-np.array([f[0] for f in found]), method="min") <= k
    found = [f for f, kp in zip(found, keep) if kp]
    width = int(off[-1])

    def bits(key):
        b = [0] * width
        for i in key:
            b[i] = 1
        return b

    found.sort(key=lambda f: (-f[0], bits(f[1])))
    # (one-hot positions, score, size, error sum, max error), and the
    # (column, value) of each one-hot position.
    return [(f[1], f[0], f[2], f[3], f[4]) for f in found], where


def run_sliceline(X, e, params, names):
    m = X.shape[1]
    cats = [sorted(set(X[:, j].tolist())) for j in range(m)]
    off = np.cumsum([0] + [len(c) for c in cats])
    pos = [{v: off[j] + i for i, v in enumerate(cats[j])} for j in range(m)]
    sf = Slicefinder(alpha=params["alpha"], k=params["k"], max_l=params["max_l"],
                     min_sup=params["min_sup"], verbose=False)
    sf.fit(X, e)
    slices, keys = [], []
    for s, st in zip(sf.top_slices_, sf.top_slices_statistics_):
        preds = [(j, v) for j, v in enumerate(s) if v is not None]
        keys.append((tuple(pos[j][v] for j, v in preds), st["slice_score"]))
        slices.append({
            "predicates": [{"column": names[j], "value": label(v)} for j, v in preds],
            "score": st["slice_score"],
            "rows": int(st["slice_size"]),
            "error_sum": st["sum_slice_error"],
            "max_error": st["max_slice_error"],
            "mean_error": st["slice_average_error"],
        })
    min_sup = sf._min_sup_actual
    bf, where = brute_force(X, e, params["alpha"], params["k"], params["max_l"], min_sup)
    exact = len(bf) == len(keys) and all(
        a[0] == b[0] and abs(a[1] - b[1]) <= 1e-9 for a, b in zip(bf, keys))
    out = {
        "alpha": params["alpha"], "k": params["k"], "max_l": params["max_l"],
        "min_sup": params["min_sup"], "min_support": int(min_sup),
        "average_error": sf.average_error_, "exact": exact, "slices": slices,
    }
    if not exact:
        out["brute_force"] = [{
            "predicates": [{"column": names[where[i][0]], "value": label(where[i][1])} for i in key],
            "score": sc, "rows": ss, "error_sum": se, "max_error": sm, "mean_error": se / ss,
        } for key, sc, ss, se, sm in bf]
    return out


def main() -> int:
    warnings.filterwarnings("ignore")
    version = importlib.metadata.version("sliceline")
    if version != "0.3.0":
        print(f"WARNING: sliceline {version} is not the pinned 0.3.0; "
              "expected values may change.", file=sys.stderr)
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    cases = {**toy(), **experiments(), **random_case(), **divergent()}
    inexact = 0
    for case, (X, errs, runs) in cases.items():
        m = X.shape[1]
        names = [f"f{j}" for j in range(m)]
        df = pd.DataFrame({names[j]: [label(v) if isinstance(v, str) else v for v in X[:, j]]
                           for j in range(m)})
        for col, e in errs.items():
            df[col] = [repr(float(x)) for x in e]
        csv = OUT / f"sliceline_{case}.csv"
        df.to_csv(csv, index=False)
        back = pd.read_csv(csv, dtype=str)
        for col, e in errs.items():
            assert np.array_equal(back[col].astype(float).to_numpy(), e), (case, col)
        results = []
        for params in runs:
            col = params.get("error", "error")
            r = run_sliceline(X, errs[col], params, names)
            r["error"] = col
            inexact += not r["exact"]
            results.append(r)
            print(f"{case:7} {col:5} alpha={params['alpha']:<5} k={params['k']:<3}"
                  f" max_l={params['max_l']} min_sup={r['min_support']:<4}"
                  f" -> {len(r['slices'])} slices{'' if r['exact'] else '  (NOT exact)'}")
        doc = {"case": case, "file": csv.name, "features": names,
               "errors": list(errs), "runs": results}
        (OUT / f"sliceline_{case}.json").write_text(json.dumps(doc, indent=1) + "\n")
    print(f"{len(cases)} cases; {inexact} runs where sliceline differs from brute force")
    return 0


if __name__ == "__main__":
    sys.exit(main())
