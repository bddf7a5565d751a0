#!/usr/bin/env python3
"""Generate the reference values of Assay's hypothesis tests, multiple-testing
correction and power guidance (crates/engine/src/stats/hypothesis.rs).

Reference values were produced with:
    Python 3.11, scipy 1.17.1, statsmodels 0.15.0, numpy 2.4.6, mpmath 1.3.0
(see tests/requirements.txt; mpmath, used for the exact Fisher p-values, is
not pinned there yet: add mpmath==1.3.0). Re-run only with these versions.

Usage (from the repository root):
    python tests/golden/make_stats.py

Output (rewritten on every run; the folder holds nothing else):
    tests/golden/stats/stats.json
It lives in its own folder, not tests/golden/expected/: make_golden.py wipes
that folder, and crates/engine/tests/golden.rs reads every JSON file in it as
a scikit-learn case.

Read by crates/engine/tests/stats.rs. Conventions:
  * Alternatives are written as Assay names them: "two_sided", "greater",
    "less" (statsmodels' "larger"/"smaller" and scipy's "two-sided").
  * JSON null: the value is undefined (Assay returns None). Non-finite
    numbers that are results (scipy's odds ratio) are the strings "inf" and
    "nan". A NaN *input* p-value of Benjamini-Hochberg is null.
  * All cases are generated from fixed lists and a fixed seed.

Definitions:
  normal          scipy.stats.norm.cdf / .sf.
  two_proportion_z
                  statsmodels proportions_ztest(count=[k1, k2],
                  nobs=[n1, n2], value=0, alternative) (pooled variance);
                  null where statsmodels gives NaN (pooled proportion 0 or 1)
                  or the inputs are invalid (n = 0, k > n).
  fisher_exact    scipy.stats.fisher_exact(table, alternative).
                  NOTE: scipy 1.17's two-sided rule sums pmf values
                  <= pmf(observed) * (1 + 1e-14) (not 1e-7 as in older
                  releases); the Rust side follows 1.17.
                  p_value_exact: the same p-value from exact pmfs (mpmath,
                  50 digits; the tails summed by the exact ratio recurrence;
                  the two-sided boundary found by bisection with the same
                  1 + 1e-14 rule). scipy's Boost CDF is off by up to ~3.5e-10
                  relative for totals near 1e6; this is the sharper check.
  benjamini_hochberg
                  scipy.stats.false_discovery_control(p, method='bh').
                  scipy rejects NaN; Assay leaves NaN (and values outside
                  [0, 1]) out: their q is NaN and m counts the valid ones. The
                  reference is therefore false_discovery_control of the valid
                  p-values, put back in place (null where the input is NaN).
  power           Cohen's h a two-sample z-test detects:
                  statsmodels NormalIndPower().solve_power(effect_size=None,
                  nobs1=n_slice, alpha, power, ratio=n_rest/n_slice,
                  alternative='two-sided' | 'larger' (for greater and less)).
                  statsmodels' power function for two-sided tests includes
                  the rejections in the wrong tail:
                      power = sf(c - x) + cdf(-c - x), c = isf(alpha/2),
                  x = h * sqrt(n_eff), n_eff = 1/(1/n1 + 1/n2); its root finder
                  stops early (power residuals up to ~1e-5). So:
                    h          the root of statsmodels' own equation solved
                               here to machine precision (brentq, xtol 1e-300,
                               rtol 4 eps; one-sided: closed form
                               (isf(alpha) + ppf(power)) * sqrt(1/n1 + 1/n2));
                               Assay must equal it to 1e-9.
                    h_statsmodels, power_residual_statsmodels
                               solve_power's answer and power(h_sm) - power:
                               Assay is compared with it at the tolerance its
                               residual allows (see stats.rs).
                    h_closed_form
                               (isf(alpha') + ppf(power)) * sqrt(1/n1 + 1/n2),
                               alpha' = alpha/2 two-sided: informational (the
                               textbook approximation; equal to h one-sided).
                  Per p_rest: above = sin^2(asin(sqrt p_rest) + h/2) (null if
                  the angle > pi/2), below = sin^2(asin(sqrt p_rest) - h/2)
                  (null if < 0), min_detectable_difference = above - p_rest
                  (greater), p_rest - below (less), the smaller existing one
                  (two_sided); null where undefined.
                  Invalid inputs (n = 0, not 0 < alpha < power < 1): all null.
  mean_difference (isf(alpha') + norm.ppf(power)) *
                  sqrt(sd_slice^2/n_slice + sd_rest^2/n_rest), alpha' = alpha/2
                  two-sided, alpha one-sided; null for invalid inputs.
"""

from __future__ import annotations

import json
import math
import sys
import warnings
from pathlib import Path

import mpmath
import numpy as np
import scipy
import statsmodels
from scipy import optimize, stats
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import proportions_ztest

mpmath.mp.dps = 50

HERE = Path(__file__).resolve().parent
OUT_DIR = HERE / "stats"
OUT_FILE = OUT_DIR / "stats.json"

EXPECTED_VERSIONS = {"scipy": "1.17.1", "statsmodels": "0.15.0",
                     "numpy": "2.4.6", "mpmath": "1.3.0"}

ALTS = ["two_sided", "greater", "less"]
SCIPY_ALT = {"two_sided": "two-sided", "greater": "greater", "less": "less"}
SM_ALT = {"two_sided": "two-sided", "greater": "larger", "less": "smaller"}
SEED = 20240611


def num(x):
    """A finite float, or None for NaN (undefined)."""
    x = float(x)
    if math.isnan(x):
        return None
    assert math.isfinite(x), x
    return x


def num_or_str(x):
    """A float; non-finite ones as "inf" / "-inf" / "nan"."""
    x = float(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x


# ---------------------------------------------------------------------------
# normal
# ---------------------------------------------------------------------------

def normal_cases():
    xs = [0.0, 0.1, -0.1, 0.5, -0.5, 0.7071, -0.7072, 1.0, -1.0, 1.959963984540054,
          -1.959963984540054, 3.0, -3.0, 5.5, -5.5, 8.0, -8.0, 10.0, -10.0,
          20.0, -20.0, 30.0, -30.0, 37.0, -37.0, 38.0, -38.0, 1e-10, -1e-12]
    return [{"x": x, "cdf": float(stats.norm.cdf(x)),
             "sf": float(stats.norm.sf(x))} for x in xs]


# ---------------------------------------------------------------------------
# two-proportion z
# ---------------------------------------------------------------------------

def ztest_cases():
    rng = np.random.default_rng(SEED)
    pairs = [
        (7, 20, 3, 25), (0, 10, 4, 12), (10, 10, 3, 9), (10, 10, 0, 9),
        (1, 2, 0, 3), (1, 1, 0, 1), (0, 1, 1, 1), (5, 10, 50, 100),
        (50, 100, 50, 100), (0, 50, 1, 1_000_000), (1, 3, 300_000, 1_000_000),
        (120_000, 1_000_000, 100_000, 1_000_000),
        (100_500, 1_000_000, 100_000, 1_000_000),
        (900_000, 1_000_000, 100_000, 1_000_000),  # p underflows to 0
        (7_300, 20_000, 4_000, 20_000),  # z = 36.6: p ~ 1e-293
        (4_000, 20_000, 7_380, 20_000),  # z = -37.3: p ~ 1e-304
        (7_400, 20_000, 4_000, 20_000),  # p = 2.3e-310 (subnormal)
        (3_300, 10_000, 2_250, 10_000),  # z ~ 16.5
        (5_000, 10_000, 5_001, 10_000),  # p near 1
        (40, 40, 0, 960), (13, 40, 270, 960), (2, 40, 50, 960),
        (0, 10, 0, 20), (10, 10, 20, 20),  # pooled 0 / 1: undefined
        (0, 0, 1, 2), (3, 2, 1, 5),  # invalid: n = 0, k > n
    ]
    for n_scale in (10, 100, 3_000, 100_000):
        for _ in range(5):
            n1 = int(rng.integers(1, n_scale + 1))
            n2 = int(rng.integers(1, n_scale + 1))
            p = float(rng.uniform(0.02, 0.98))
            k1 = int(rng.binomial(n1, p))
            k2 = int(rng.binomial(n2, min(0.99, p * rng.uniform(0.8, 1.25))))
            pairs.append((k1, n1, k2, n2))
    out = []
    for (k1, n1, k2, n2) in pairs:
        for alt in ALTS:
            if n1 == 0 or n2 == 0 or k1 > n1 or k2 > n2:
                z, p = float("nan"), float("nan")
            else:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", RuntimeWarning)
                    z, p = proportions_ztest([k1, k2], [n1, n2], value=0,
                                             alternative=SM_ALT[alt])
            z, p = num(z), num(p)
            if z is None or p is None:
                z = p = None
            out.append({"k1": k1, "n1": n1, "k2": k2, "n2": n2,
                        "alternative": alt, "statistic": z, "p_value": p})
    return out


# ---------------------------------------------------------------------------
# Fisher's exact test
# ---------------------------------------------------------------------------

def _hyper(t):
    (a, b), (c, d) = t
    N, K, n = a + b + c + d, a + b, a + c
    lo, hi = max(0, n - (N - K)), min(n, K)
    return N, K, n, lo, hi


def _lpmf(x, N, K, n):
    g = mpmath.loggamma
    return (g(K + 1) - g(x + 1) - g(K - x + 1) + g(N - K + 1) - g(n - x + 1)
            - g(N - K - n + x + 1) - g(N + 1) + g(n + 1) + g(N - n + 1))


def _tail(x0, step, N, K, n, lo, hi):
    """Sum of the pmf from x0 outwards (step -1: down to lo; +1: up to hi),
    by the exact ratio recurrence, until the terms are negligible."""
    if x0 < lo or x0 > hi:
        return mpmath.mpf(0)
    term = mpmath.exp(_lpmf(x0, N, K, n))
    total, x = term, x0
    while True:
        if step < 0:
            if x <= lo:
                break
            term *= mpmath.mpf(x * (N - K - n + x)) / ((K - x + 1) * (n - x + 1))
        else:
            if x >= hi:
                break
            term *= mpmath.mpf((K - x) * (n - x)) / ((x + 1) * (N - K - n + x + 1))
        x += step
        total += term
        if term < total * mpmath.mpf(10) ** -45:
            break
    return total


def fisher_exact_mpmath(t, alt):
    """The exact p-value, 50 significant digits: the tails are summed from
    the side away from the mode (the other side is one minus that)."""
    N, K, n, lo, hi = _hyper(t)
    mode = (n + 1) * (K + 1) // (N + 2)

    def lower(x):  # P(X <= x)
        if x < mode:
            return _tail(x, -1, N, K, n, lo, hi)
        return 1 - _tail(x + 1, +1, N, K, n, lo, hi)

    def upper(x):  # P(X >= x)
        if x > mode:
            return _tail(x, +1, N, K, n, lo, hi)
        return 1 - _tail(x - 1, -1, N, K, n, lo, hi)

    a = t[0][0]
    if alt == "less":
        p = lower(a)
    elif alt == "greater":
        p = upper(a)
    else:
        # all x with pmf(x) <= pmf(a) (1 + 1e-14), scipy 1.17's rule
        thresh = mpmath.exp(_lpmf(a, N, K, n)) * (1 + mpmath.mpf("1e-14"))

        def small(x):
            return mpmath.exp(_lpmf(x, N, K, n)) <= thresh

        if a <= mode:
            # the first y >= mode with pmf(y) <= thresh (pmf decreasing)
            l, h = mode, hi + 1
            while l < h:
                m = (l + h) // 2
                if small(m):
                    h = m
                else:
                    l = m + 1
            p = lower(a) + (upper(l) if l <= hi else 0)
            if l <= a:  # a is (tied with) the mode: every x counts
                p = mpmath.mpf(1)
        else:
            l, h = lo - 1, mode  # the last y <= mode with pmf(y) <= thresh
            while l < h:
                m = (l + h + 1) // 2
                if small(m):
                    l = m
                else:
                    h = m - 1
            p = upper(a) + (lower(l) if l >= lo else 0)
            if l >= a:
                p = mpmath.mpf(1)
    return float(min(p, 1))


def fisher_cases():
    rng = np.random.default_rng(SEED + 1)
    tables = [
        [[8, 2], [1, 5]], [[6, 2], [1, 4]], [[1, 9], [11, 3]],
        [[0, 0], [3, 4]], [[0, 5], [0, 3]], [[5, 0], [0, 3]], [[0, 5], [3, 0]],
        [[0, 1], [1, 0]], [[1, 0], [0, 1]], [[1, 1], [1, 1]],
        [[0, 10], [10, 0]], [[10, 0], [0, 10]], [[3, 3], [3, 3]],
        [[2, 5], [5, 2]], [[5, 2], [2, 5]], [[4, 4], [4, 5]],
        [[0, 7], [2, 9]], [[7, 0], [9, 2]], [[20, 0], [0, 1]],
        [[1, 20], [0, 1]], [[0, 1], [0, 1]], [[12, 0], [5, 7]],
        # large and symmetric (exact ties across the mode)
        [[500, 520], [520, 500]], [[5_000, 5_000], [5_000, 5_000]],
        [[49_800, 50_200], [50_200, 49_800]],
        # large, extreme: p-values near the smallest doubles
        [[500, 0], [0, 500]], [[480, 20], [20, 480]], [[300, 0], [0, 300]],
        [[530, 0], [0, 530]],
        # large counts (totals up to 2e6)
        [[1_000, 999_000], [1_100, 998_900]],
        [[100_000, 900_000], [100_500, 899_500]],
        [[50, 999_950], [20, 999_980]], [[0, 1_000_000], [5, 999_995]],
        [[1_000_000, 0], [999_990, 10]], [[3, 1_000_000], [1, 10]],
        [[250_000, 250_000], [249_000, 251_000]],
        [[10, 990], [40, 960]], [[40, 960], [10, 990]],
        [[13, 27], [270, 690]], [[2, 38], [50, 910]],
    ]
    for scale in (5, 30, 300, 5_000, 100_000, 1_000_000):
        for _ in range(8):
            n1 = int(rng.integers(1, scale + 1))
            n2 = int(rng.integers(1, scale + 1))
            p = float(rng.uniform(0.0, 1.0)) ** 2
            a = int(rng.binomial(n1, p))
            q = min(1.0, p * float(rng.uniform(0.7, 1.4)))
            c = int(rng.binomial(n2, q))
            tables.append([[a, n1 - a], [c, n2 - c]])
    out = []
    for t in tables:
        for alt in ALTS:
            r = stats.fisher_exact(t, alternative=SCIPY_ALT[alt])
            exact = fisher_exact_mpmath(t, alt)
            out.append({"table": t, "alternative": alt,
                        "odds_ratio": num_or_str(r.statistic),
                        "p_value": float(r.pvalue), "p_value_exact": exact})
    return out


# ---------------------------------------------------------------------------
# Benjamini-Hochberg
# ---------------------------------------------------------------------------

def bh_reference(p):
    """false_discovery_control of the valid p-values, NaN elsewhere."""
    p = np.asarray(p, dtype=float)
    q = np.full(p.shape, np.nan)
    ok = ~np.isnan(p)
    if ok.any():
        q[ok] = stats.false_discovery_control(p[ok], method="bh")
    return q


def bh_cases():
    rng = np.random.default_rng(SEED + 2)
    nan = float("nan")
    vectors = [
        [0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344,
         0.0459, 0.3240, 0.4262, 0.5719, 0.6528, 0.7590, 1.000],
        [0.5, 0.6, 0.1, 0.001],
        [0.05], [nan], [], [nan, nan], [0.3, nan], [nan, 0.2, nan, 0.01],
        [0.0, 0.0, 0.0], [1.0, 1.0, 1.0], [0.0, 1.0], [1e-300, 0.5, 1e-300],
        [1e-300, 1e-250, 1e-200, 0.999999, 1.0],
        [0.02, 0.02, 0.02, 0.02], [0.04, 0.01, 0.04, 0.03, 0.04, 0.01],
        [0.9, 0.8, 0.7, 0.6, 0.5], [0.01, 0.02, 0.03, 0.04, 0.05],
        [0.2, nan, 0.2, 0.05, nan, 1e-9, 0.2, 0.7],
        [0.999999999, 0.9999999999, 1.0],
    ]
    vectors.append([float(v) for v in rng.uniform(0, 1, 50)])
    v = rng.uniform(0, 0.05, 200)
    v[rng.integers(0, 200, 20)] = np.nan
    v[:10] = v[10]  # ties
    vectors.append([float(x) for x in v])
    vectors.append([float(x) for x in 10.0 ** -rng.uniform(0, 300, 100)])
    out = []
    for p in vectors:
        q = bh_reference(p)
        out.append({"p": [num(x) for x in p], "q": [num(x) for x in q]})
    return out


# ---------------------------------------------------------------------------
# power
# ---------------------------------------------------------------------------

def shift_exact(alpha, power, alt):
    """x = h sqrt(n_eff) solving statsmodels' power equation exactly."""
    zp = stats.norm.ppf(power)
    if alt != "two_sided":
        return stats.norm.isf(alpha) + zp
    c = stats.norm.isf(alpha / 2)

    def f(x):
        return stats.norm.sf(c - x) + stats.norm.cdf(-c - x) - power

    return optimize.brentq(f, 0.0, c + zp, xtol=1e-300,
                           rtol=4 * np.finfo(float).eps, maxiter=500)


def proportions(p_rest, h, alt):
    phi = math.asin(math.sqrt(p_rest))
    up, down = phi + h / 2, phi - h / 2
    above = math.sin(up) ** 2 if up <= math.pi / 2 else None
    below = math.sin(down) ** 2 if down >= 0 else None
    du = None if above is None else above - p_rest
    dd = None if below is None else p_rest - below
    if alt == "greater":
        d = du
    elif alt == "less":
        d = dd
    else:
        d = min(x for x in (du, dd) if x is not None) if (du, dd) != (None, None) else None
    return above, below, d


P_RESTS = [0.0, 1e-4, 0.01, 0.1, 0.3, 0.5, 0.7, 0.95, 0.999, 1.0]


def valid(n1, n2, alpha, power):
    return n1 >= 1 and n2 >= 1 and 0 < alpha < power < 1


def power_cases():
    rng = np.random.default_rng(SEED + 3)
    fixed = [
        (50, 950, 0.05, 0.8), (10, 20, 0.2, 0.5), (1000, 1_000_000, 0.01, 0.9),
        (5, 5, 0.05, 0.99), (1, 1, 0.05, 0.8), (1, 1_000_000, 0.05, 0.8),
        (1_000_000, 1_000_000, 0.05, 0.8), (40, 2960, 0.05, 0.8),
        (200, 2800, 1e-6, 0.9), (30, 30, 0.3, 0.35), (30, 30, 0.05, 0.06),
        (100, 100, 0.05, 0.999999), (100, 100, 1e-10, 0.5),
        # invalid: all null
        (0, 10, 0.05, 0.8), (10, 0, 0.05, 0.8), (10, 10, 0.05, 0.05),
        (10, 10, 0.05, 0.01), (10, 10, 0.0, 0.8), (10, 10, 0.05, 1.0),
    ]
    grid_n = [1, 3, 12, 40, 200, 5_000, 1_000_000]
    grid_a = [0.2, 0.1, 0.05, 0.01, 0.001]
    grid_p = [0.5, 0.7, 0.8, 0.9, 0.95, 0.99]
    for _ in range(60):
        fixed.append((int(rng.choice(grid_n)), int(rng.choice(grid_n)),
                      float(rng.choice(grid_a)), float(rng.choice(grid_p))))
    out = []
    for (n1, n2, alpha, power) in fixed:
        for alt in ALTS:
            case = {"n_slice": n1, "n_rest": n2, "alpha": alpha, "power": power,
                    "alternative": alt}
            if not valid(n1, n2, alpha, power):
                case.update({"h": None, "h_statsmodels": None,
                             "power_residual_statsmodels": None,
                             "h_closed_form": None, "p_rest": P_RESTS,
                             "above": [None] * len(P_RESTS),
                             "below": [None] * len(P_RESTS),
                             "min_detectable_difference": [None] * len(P_RESTS)})
                out.append(case)
                continue
            scale = math.sqrt(1 / n1 + 1 / n2)
            h = shift_exact(alpha, power, alt) * scale
            a2 = alpha / 2 if alt == "two_sided" else alpha
            closed = (stats.norm.isf(a2) + stats.norm.ppf(power)) * scale
            sm_alt = "two-sided" if alt == "two_sided" else "larger"
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    h_sm = NormalIndPower().solve_power(
                        effect_size=None, nobs1=n1, alpha=alpha, power=power,
                        ratio=n2 / n1, alternative=sm_alt)
                    h_sm = float(np.asarray(h_sm).item())
                except Exception:  # noqa: BLE001 - recorded as missing
                    h_sm = float("nan")
            if math.isfinite(h_sm):
                resid = float(NormalIndPower().power(
                    h_sm, n1, alpha, ratio=n2 / n1, alternative=sm_alt)) - power
                # the exact root satisfies statsmodels' own power function
                r_exact = float(NormalIndPower().power(
                    h, n1, alpha, ratio=n2 / n1, alternative=sm_alt)) - power
                assert abs(r_exact) < 1e-12, (case, r_exact)
            else:
                h_sm, resid = None, None
            ab = [proportions(pr, h, alt) for pr in P_RESTS]
            case.update({
                "h": float(h), "h_statsmodels": h_sm,
                "power_residual_statsmodels": resid,
                "h_closed_form": float(closed), "p_rest": P_RESTS,
                "above": [x[0] for x in ab], "below": [x[1] for x in ab],
                "min_detectable_difference": [x[2] for x in ab],
            })
            out.append(case)
    return out


def mean_difference_cases():
    rng = np.random.default_rng(SEED + 4)
    fixed = [
        (1.0, 1.0, 50, 950, 0.05, 0.8), (0.0, 0.0, 10, 10, 0.05, 0.8),
        (0.0, 2.5, 10, 1000, 0.01, 0.9), (0.3, 0.2, 1, 1, 0.05, 0.8),
        (1e3, 5e2, 1_000_000, 1_000_000, 1e-6, 0.99),
        (0.7, 0.9, 40, 2960, 0.2, 0.5), (1.0, 1.0, 100, 100, 1e-10, 0.999999),
        # invalid: null
        (1.0, 1.0, 0, 10, 0.05, 0.8), (-1.0, 1.0, 10, 10, 0.05, 0.8),
        (1.0, float("inf"), 10, 10, 0.05, 0.8), (1.0, 1.0, 10, 10, 0.5, 0.4),
    ]
    for _ in range(30):
        fixed.append((float(rng.uniform(0, 3)), float(rng.uniform(0, 3)),
                      int(rng.choice([2, 15, 80, 700, 20_000])),
                      int(rng.choice([3, 60, 900, 50_000])),
                      float(rng.choice([0.1, 0.05, 0.01])),
                      float(rng.choice([0.6, 0.8, 0.9]))))
    out = []
    for (s1, s2, n1, n2, alpha, power) in fixed:
        for alt in ALTS:
            ok = (valid(n1, n2, alpha, power) and math.isfinite(s1)
                  and math.isfinite(s2) and s1 >= 0 and s2 >= 0)
            if ok:
                a2 = alpha / 2 if alt == "two_sided" else alpha
                v = ((stats.norm.isf(a2) + stats.norm.ppf(power))
                     * math.sqrt(s1 ** 2 / n1 + s2 ** 2 / n2))
                v = float(v)
            else:
                v = None
            out.append({"sd_slice": num_or_str(s1), "sd_rest": num_or_str(s2),
                        "n_slice": n1, "n_rest": n2, "alpha": alpha,
                        "power": power, "alternative": alt, "value": v})
    return out


def main() -> int:
    versions = {"scipy": scipy.__version__,
                "statsmodels": statsmodels.__version__,
                "numpy": np.__version__, "mpmath": mpmath.__version__}
    if versions != EXPECTED_VERSIONS:
        print(f"WARNING: versions {versions} differ from the pinned "
              f"{EXPECTED_VERSIONS}; expected values may change.",
              file=sys.stderr)
    doc = {
        "generator": "tests/golden/make_stats.py; Python "
                     f"{sys.version.split()[0]}, "
                     + ", ".join(f"{k} {v}" for k, v in versions.items()),
        "normal": normal_cases(),
        "two_proportion_z": ztest_cases(),
        "fisher_exact": fisher_cases(),
        "benjamini_hochberg": bh_cases(),
        "power": power_cases(),
        "mean_difference": mean_difference_cases(),
    }
    text = json.dumps(doc, allow_nan=False, indent=1)
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    OUT_FILE.write_text(text + "\n", encoding="utf-8")
    worst = max((abs(c["power_residual_statsmodels"]) for c in doc["power"]
                 if c["power_residual_statsmodels"] is not None), default=0)
    print(", ".join(f"{k} {v}" for k, v in versions.items()))
    for k, v in doc.items():
        if isinstance(v, list):
            print(f"  {k:20s} {len(v):5d} cases")
    print(f"  worst statsmodels power residual {worst:.3g}")
    print(f"wrote {OUT_FILE.relative_to(HERE.parent.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
