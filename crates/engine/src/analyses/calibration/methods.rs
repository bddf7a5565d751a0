//! Recalibration maps: fit on labelled scores, apply to new scores.
//!
//! | method | map | fit |
//! |---|---|---|
//! | temperature | σ(logit(p) / T); multiclass softmax(log p / T) | Newton on β = 1/T, exact MLE (Guo et al. 2017) |
//! | platt | σ(a · logit(p) + b) | logistic regression on the logit, plain 0/1 targets (no Platt target smoothing), exact MLE |
//! | isotonic | pool-adjacent-violators, linear interpolation between knots, clipped outside | identical to scikit-learn's `IsotonicRegression(out_of_bounds="clip")` |
//! | histogram | mean outcome of the score's equal-width bin (empty bin: its centre) | Zadrozny & Elkan 2001 |
//! | beta | σ(a · ln p − b · ln(1 − p) + c), a, b ≥ 0 | logistic regression on (ln p, −ln(1 − p)); if a < 0 refit without ln p, else if b < 0 without −ln(1 − p) (Kull et al. 2017, as the `betacal` package) |
//!
//! Scores are clipped to [1e-12, 1 − 1e-12] before any logit or logarithm,
//! so scores of exactly 0 or 1 never produce infinities.
//!
//! Multiclass: temperature scaling is native (one T for all classes); the
//! other methods are fitted one-vs-rest per class and the calibrated
//! probabilities renormalised to sum to one, as scikit-learn's
//! `CalibratedClassifierCV` does.

use super::binning::{self, Strategy};
use super::fit::{LOGIT_EPS, chunked_sum, logistic, logit, newton_1d, sigmoid};
use crate::metrics::Undefined;
use crate::stats::det::Det;
use crate::stats::par_map;
use serde::{Deserialize, Serialize};

/// A recalibration method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    Temperature,
    Platt,
    Isotonic,
    Histogram,
    Beta,
}

impl Method {
    /// All methods, in report order.
    pub const ALL: [Method; 5] = [
        Method::Temperature,
        Method::Platt,
        Method::Isotonic,
        Method::Histogram,
        Method::Beta,
    ];

    /// Stable name.
    pub fn name(&self) -> &'static str {
        match self {
            Method::Temperature => "temperature",
            Method::Platt => "platt",
            Method::Isotonic => "isotonic",
            Method::Histogram => "histogram",
            Method::Beta => "beta",
        }
    }
}

impl std::fmt::Display for Method {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Method {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "temperature" | "temp" => Ok(Method::Temperature),
            "platt" | "sigmoid" | "logistic" => Ok(Method::Platt),
            "isotonic" => Ok(Method::Isotonic),
            "histogram" | "histogram-binning" | "binning" => Ok(Method::Histogram),
            "beta" => Ok(Method::Beta),
            _ => Err(format!(
                "unknown calibration method '{s}' (temperature, platt, isotonic, histogram, beta)"
            )),
        }
    }
}

/// A fitted map from a probability to a calibrated probability.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "method", rename_all = "lowercase")]
pub enum BinaryMap {
    Temperature { temperature: f64 },
    Platt { a: f64, b: f64 },
    Isotonic { x: Vec<f64>, y: Vec<f64> },
    Histogram { edges: Vec<f64>, values: Vec<f64> },
    Beta { a: f64, b: f64, c: f64 },
}

impl BinaryMap {
    /// The method.
    pub fn method(&self) -> Method {
        match self {
            BinaryMap::Temperature { .. } => Method::Temperature,
            BinaryMap::Platt { .. } => Method::Platt,
            BinaryMap::Isotonic { .. } => Method::Isotonic,
            BinaryMap::Histogram { .. } => Method::Histogram,
            BinaryMap::Beta { .. } => Method::Beta,
        }
    }

    /// Calibrate one probability.
    pub fn apply(&self, p: f64) -> f64 {
        match self {
            BinaryMap::Temperature { temperature } => sigmoid(logit(p) / temperature),
            BinaryMap::Platt { a, b } => sigmoid(a * logit(p) + b),
            BinaryMap::Isotonic { x, y } => isotonic_predict(x, y, p),
            BinaryMap::Histogram { edges, values } => {
                values[binning::bin_of(&edges[1..edges.len() - 1], p)]
            }
            BinaryMap::Beta { a, b, c } => {
                let q = p.clamp(LOGIT_EPS, 1.0 - LOGIT_EPS);
                sigmoid(a * q.dln() - b * (1.0 - q).dln() + c)
            }
        }
    }

    /// Check parameters read from a file before use.
    pub fn validate(&self) -> Result<(), String> {
        let finite = |v: &[f64]| v.iter().all(|x| x.is_finite());
        match self {
            BinaryMap::Temperature { temperature }
                if *temperature > 0.0 && temperature.is_finite() =>
            {
                Ok(())
            }
            BinaryMap::Temperature { .. } => Err("temperature must be a positive number".into()),
            BinaryMap::Platt { a, b } if finite(&[*a, *b]) => Ok(()),
            BinaryMap::Beta { a, b, c } if finite(&[*a, *b, *c]) => Ok(()),
            BinaryMap::Isotonic { x, y }
                if !x.is_empty()
                    && x.len() == y.len()
                    && finite(x)
                    && finite(y)
                    && x.windows(2).all(|w| w[0] < w[1]) =>
            {
                Ok(())
            }
            BinaryMap::Histogram { edges, values }
                if edges.len() == values.len() + 1
                    && !values.is_empty()
                    && finite(edges)
                    && finite(values)
                    && edges.windows(2).all(|w| w[0] <= w[1]) =>
            {
                Ok(())
            }
            m => Err(format!("invalid {} calibrator parameters", m.method())),
        }
    }
}

/// A fitted calibrator for a task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Calibrator {
    /// Binary: a map of P(positive).
    Binary { map: BinaryMap },
    /// Multiclass temperature scaling: softmax(log p / T).
    MulticlassTemperature { temperature: f64 },
    /// Multiclass one-vs-rest maps (one per class, in class order), renormalised.
    OneVsRest { maps: Vec<BinaryMap> },
}

impl Calibrator {
    /// The method.
    pub fn method(&self) -> Method {
        match self {
            Calibrator::Binary { map } => map.method(),
            Calibrator::MulticlassTemperature { .. } => Method::Temperature,
            Calibrator::OneVsRest { maps } => maps.first().map_or(Method::Isotonic, |m| m.method()),
        }
    }

    /// Calibrate binary scores.
    pub fn apply_binary(&self, p: &[f64]) -> Result<Vec<f64>, String> {
        match self {
            Calibrator::Binary { map } => Ok(par_map(p, |&x| map.apply(x))),
            _ => Err("this calibrator was fitted on a multiclass task, not a binary one".into()),
        }
    }

    /// Calibrate an n × k probability matrix (row-major).
    pub fn apply_multiclass(&self, probs: &[f64], k: usize) -> Result<Vec<f64>, String> {
        match self {
            Calibrator::Binary { .. } => {
                Err("this calibrator was fitted on a binary task, not a multiclass one".into())
            }
            Calibrator::MulticlassTemperature { temperature } => {
                Ok(softmax_temperature(probs, k, 1.0 / temperature))
            }
            Calibrator::OneVsRest { maps } => {
                if maps.len() != k {
                    return Err(format!(
                        "this calibrator has {} classes, the data {k}",
                        maps.len()
                    ));
                }
                let mut out = Vec::with_capacity(probs.len());
                for row in probs.chunks(k) {
                    let cal: Vec<f64> = row.iter().zip(maps).map(|(&p, m)| m.apply(p)).collect();
                    let s: f64 = cal.iter().sum();
                    if s > 0.0 {
                        out.extend(cal.iter().map(|v| v / s));
                    } else {
                        out.extend(std::iter::repeat_n(1.0 / k as f64, k));
                    }
                }
                Ok(out)
            }
        }
    }

    /// Check parameters read from a file.
    pub fn validate(&self) -> Result<(), String> {
        match self {
            Calibrator::Binary { map } => map.validate(),
            Calibrator::MulticlassTemperature { temperature } => BinaryMap::Temperature {
                temperature: *temperature,
            }
            .validate(),
            Calibrator::OneVsRest { maps } => maps.iter().try_for_each(BinaryMap::validate),
        }
    }
}

/// softmax(β · log(clip p)) per row.
pub fn softmax_temperature(probs: &[f64], k: usize, beta: f64) -> Vec<f64> {
    let mut out = Vec::with_capacity(probs.len());
    let mut buf = vec![0.0; k];
    for row in probs.chunks(k) {
        let mut m = f64::NEG_INFINITY;
        for (b, &p) in buf.iter_mut().zip(row) {
            *b = beta * p.clamp(LOGIT_EPS, 1.0).dln();
            m = m.max(*b);
        }
        let mut s = 0.0;
        for b in buf.iter_mut() {
            *b = (*b - m).dexp();
            s += *b;
        }
        out.extend(buf.iter().map(|b| b / s));
    }
    out
}

/// Fit a binary map on scores `p`, outcomes `y` (0/1) and weights `w`.
pub fn fit_binary(
    method: Method,
    p: &[f64],
    y: &[f64],
    w: &[f64],
    bins: usize,
) -> Result<BinaryMap, Undefined> {
    fit_binary_hinted(method, p, y, w, bins, &[])
}

/// Starting point for a logistic-family fit from maps already fitted on the
/// same rows: Platt from temperature (a = 1/T, b = 0), beta from Platt
/// (a = b = slope: beta with a = b is Platt) or temperature. Newton then
/// needs two or three passes instead of six. The optimum does not change.
fn start_from(method: Method, hints: &[&BinaryMap]) -> Option<[f64; 3]> {
    let platt = hints.iter().find_map(|h| match h {
        BinaryMap::Platt { a, b } => Some((*a, *b)),
        _ => None,
    });
    let temp = hints.iter().find_map(|h| match h {
        BinaryMap::Temperature { temperature } => Some(1.0 / temperature),
        _ => None,
    });
    match method {
        Method::Platt => temp.map(|b| [b, 0.0, 0.0]),
        Method::Beta => platt
            .map(|(a, b)| [a, a, b])
            .or_else(|| temp.map(|b| [b, b, 0.0])),
        _ => None,
    }
}

/// [`fit_binary`], warm-started from maps already fitted on the same rows.
pub fn fit_binary_hinted(
    method: Method,
    p: &[f64],
    y: &[f64],
    w: &[f64],
    bins: usize,
    hints: &[&BinaryMap],
) -> Result<BinaryMap, Undefined> {
    let n = p.len();
    let hint = start_from(method, hints);
    if w.iter().sum::<f64>() == 0.0 {
        return Err(Undefined("no rows to fit on"));
    }
    let pos: f64 = y.iter().zip(w).map(|(a, b)| a * b).sum();
    let tot: f64 = w.iter().sum();
    if method != Method::Isotonic && method != Method::Histogram && (pos == 0.0 || pos == tot) {
        return Err(Undefined("the calibration rows hold a single class"));
    }
    match method {
        Method::Temperature => {
            let z = par_map(p, |&x| logit(x));
            // Derivatives of the NLL in β = 1/T over every `stride`-th row.
            let derivs = |b: f64, stride: usize| {
                let m = n.div_ceil(stride);
                let [d1, d2] = chunked_sum::<2, _>(m, |r| {
                    let mut a = [0.0; 2];
                    for i in r.map(|i| i * stride) {
                        if w[i] == 0.0 {
                            continue;
                        }
                        let s = sigmoid(b * z[i]);
                        a[0] += w[i] * (s - y[i]) * z[i];
                        a[1] += w[i] * s * (1.0 - s) * z[i] * z[i];
                    }
                    a
                });
                (d1, d2)
            };
            // A strided sample's optimum is the start; the full data's
            // optimum the answer.
            let start = if n > 1 << 18 {
                newton_1d(1.0, |b| derivs(b, n >> 16)).unwrap_or(1.0)
            } else {
                1.0
            };
            let beta = newton_1d(start, |b| derivs(b, 1))?;
            if beta <= 0.0 {
                return Err(Undefined(
                    "the scores rank the classes backwards, so no positive temperature fits",
                ));
            }
            Ok(BinaryMap::Temperature {
                temperature: 1.0 / beta,
            })
        }
        Method::Platt => {
            let z = par_map(p, |&x| logit(x));
            let th = logistic(
                n,
                2,
                |i| [z[i], 1.0, 0.0],
                |i| y[i],
                |i| w[i],
                hint.unwrap_or([1.0, 0.0, 0.0]),
            )?;
            Ok(BinaryMap::Platt { a: th[0], b: th[1] })
        }
        Method::Beta => {
            let clip = |x: f64| x.clamp(LOGIT_EPS, 1.0 - LOGIT_EPS);
            let l1 = par_map(p, |&q| clip(q).dln());
            let l2 = par_map(p, |&q| -(1.0 - clip(q)).dln());
            let x1 = |i: usize| l1[i];
            let x2 = |i: usize| l2[i];
            let th = logistic(
                n,
                3,
                |i| [x1(i), x2(i), 1.0],
                |i| y[i],
                |i| w[i],
                hint.unwrap_or([1.0, 1.0, 0.0]),
            )?;
            if th[0] < 0.0 {
                let t = logistic(
                    n,
                    2,
                    |i| [x2(i), 1.0, 0.0],
                    |i| y[i],
                    |i| w[i],
                    [1.0, 0.0, 0.0],
                )?;
                Ok(BinaryMap::Beta {
                    a: 0.0,
                    b: t[0],
                    c: t[1],
                })
            } else if th[1] < 0.0 {
                let t = logistic(
                    n,
                    2,
                    |i| [x1(i), 1.0, 0.0],
                    |i| y[i],
                    |i| w[i],
                    [1.0, 0.0, 0.0],
                )?;
                Ok(BinaryMap::Beta {
                    a: t[0],
                    b: 0.0,
                    c: t[1],
                })
            } else {
                Ok(BinaryMap::Beta {
                    a: th[0],
                    b: th[1],
                    c: th[2],
                })
            }
        }
        Method::Histogram => {
            let edges = binning::edges(p, bins, Strategy::Uniform);
            let inner = &edges[1..edges.len() - 1];
            let mut sw = vec![0.0; bins];
            let mut sy = vec![0.0; bins];
            for i in 0..n {
                let b = binning::bin_of(inner, p[i]);
                sw[b] += w[i];
                sy[b] += w[i] * y[i];
            }
            let values = (0..bins)
                .map(|b| {
                    if sw[b] > 0.0 {
                        sy[b] / sw[b]
                    } else {
                        (edges[b] + edges[b + 1]) / 2.0
                    }
                })
                .collect();
            Ok(BinaryMap::Histogram { edges, values })
        }
        Method::Isotonic => {
            let (x, y) = isotonic_fit(p, y, w);
            Ok(BinaryMap::Isotonic { x, y })
        }
    }
}

/// scikit-learn's `IsotonicRegression(increasing=True)` fit: drop zero
/// weights, sort by (x, y), merge x values closer than 1e-15 (NumPy's float64
/// resolution) into their weighted mean y, pool adjacent violators, keep only
/// the knots where y changes (plus the ends).
pub fn isotonic_fit(x: &[f64], y: &[f64], w: &[f64]) -> (Vec<f64>, Vec<f64>) {
    let mut idx: Vec<usize> = (0..x.len()).filter(|&i| w[i] > 0.0).collect();
    if y.iter().all(|&v| v == 0.0 || v == 1.0) && x.iter().all(|&v| v >= 0.0) {
        // Scores in [0, 1] and 0/1 outcomes (always, for calibration): one
        // radix sort of (score bits, outcome) keys gives the same order.
        let mut keys: Vec<(u64, u32)> = idx
            .iter()
            .map(|&i| {
                let v = if x[i] == 0.0 { 0.0f64 } else { x[i] };
                ((v.to_bits() << 1) | y[i] as u64, i as u32)
            })
            .collect();
        radsort::sort_by_key(&mut keys, |k| k.0);
        idx = keys.into_iter().map(|k| k.1 as usize).collect();
    } else {
        idx.sort_by(|&a, &b| x[a].total_cmp(&x[b]).then(y[a].total_cmp(&y[b])));
    }
    // _make_unique
    let eps = 1e-15;
    let (mut ux, mut uy, mut uw) = (Vec::new(), Vec::new(), Vec::new());
    if let Some(&first) = idx.first() {
        let (mut cx, mut cy, mut cw) = (x[first], 0.0, 0.0);
        for &j in &idx {
            if x[j] - cx >= eps {
                ux.push(cx);
                uw.push(cw);
                uy.push(cy / cw);
                cx = x[j];
                cw = w[j];
                cy = y[j] * w[j];
            } else {
                cw += w[j];
                cy += y[j] * w[j];
            }
        }
        ux.push(cx);
        uw.push(cw);
        uy.push(cy / cw);
    }
    pav(&mut uy, &mut uw);
    // Keep the ends and every point whose y differs from a neighbour's.
    let m = uy.len();
    let keep: Vec<bool> = (0..m)
        .map(|i| i == 0 || i == m - 1 || uy[i] != uy[i - 1] || uy[i] != uy[i + 1])
        .collect();
    let kx = ux
        .iter()
        .zip(&keep)
        .filter(|(_, k)| **k)
        .map(|(v, _)| *v)
        .collect();
    let ky = uy
        .iter()
        .zip(&keep)
        .filter(|(_, k)| **k)
        .map(|(v, _)| *v)
        .collect();
    (kx, ky)
}

/// Pool adjacent violators in place (scikit-learn's
/// `_inplace_contiguous_isotonic_regression`, same order of operations).
fn pav(y: &mut [f64], w: &mut [f64]) {
    let n = y.len();
    if n == 0 {
        return;
    }
    let mut target: Vec<usize> = (0..n).collect();
    let mut i = 0;
    while i < n {
        let mut k = target[i] + 1;
        if k == n {
            break;
        }
        if y[i] < y[k] {
            i = k;
            continue;
        }
        let mut sum_wy = w[i] * y[i];
        let mut sum_w = w[i];
        loop {
            let prev_y = y[k];
            sum_wy += w[k] * y[k];
            sum_w += w[k];
            k = target[k] + 1;
            if k == n || prev_y < y[k] {
                y[i] = sum_wy / sum_w;
                w[i] = sum_w;
                target[i] = k - 1;
                target[k - 1] = i;
                if i > 0 {
                    i = target[i - 1];
                }
                break;
            }
        }
    }
    let mut i = 0;
    while i < n {
        let k = target[i] + 1;
        let v = y[i];
        for item in y.iter_mut().take(k).skip(i + 1) {
            *item = v;
        }
        i = k;
    }
}

/// scikit-learn's isotonic prediction: clip to the fitted range, then
/// `scipy.interpolate.interp1d(kind="linear")` — for a point exactly on a
/// knot, the interval to its left is used, as scipy does.
pub fn isotonic_predict(x: &[f64], y: &[f64], t: f64) -> f64 {
    let m = x.len();
    if m == 1 {
        return y[0];
    }
    let t = t.clamp(x[0], x[m - 1]);
    let idx = x.partition_point(|&v| v < t).clamp(1, m - 1);
    let (lo, hi) = (idx - 1, idx);
    let slope = (y[hi] - y[lo]) / (x[hi] - x[lo]);
    slope * (t - x[lo]) + y[lo]
}

/// Fit multiclass temperature scaling: minimise Σ w_i [LSE(β l_i) − β l_{i,y_i}]
/// with l = log(clip p); T = 1/β.
pub fn fit_multiclass_temperature(
    probs: &[f64],
    k: usize,
    y: &[u32],
    w: &[f64],
) -> Result<f64, Undefined> {
    let logs: Vec<f64> = probs
        .iter()
        .map(|p| p.clamp(LOGIT_EPS, 1.0).dln())
        .collect();
    let n = y.len();
    let beta = newton_1d(1.0, |b| {
        let [d1, d2] = chunked_sum::<2, _>(n, |r| {
            let (mut d1, mut d2) = (0.0, 0.0);
            for i in r {
                if w[i] == 0.0 {
                    continue;
                }
                let l = &logs[i * k..(i + 1) * k];
                let m = l.iter().fold(f64::NEG_INFINITY, |a, &v| a.max(b * v));
                let (mut s, mut s1, mut s2) = (0.0, 0.0, 0.0);
                for &v in l {
                    let e = (b * v - m).dexp();
                    s += e;
                    s1 += e * v;
                    s2 += e * v * v;
                }
                let mean = s1 / s;
                let ly = l[y[i] as usize];
                d1 += w[i] * (mean - ly);
                d2 += w[i] * (s2 / s - mean * mean);
            }
            [d1, d2]
        });
        (d1, d2)
    })?;
    if beta <= 0.0 {
        return Err(Undefined(
            "the scores rank the classes backwards, so no positive temperature fits",
        ));
    }
    Ok(1.0 / beta)
}

/// Fit a calibrator for a multiclass task.
pub fn fit_multiclass(
    method: Method,
    probs: &[f64],
    k: usize,
    y: &[u32],
    w: &[f64],
    bins: usize,
) -> Result<Calibrator, Undefined> {
    match method {
        Method::Temperature => Ok(Calibrator::MulticlassTemperature {
            temperature: fit_multiclass_temperature(probs, k, y, w)?,
        }),
        m => {
            let n = y.len();
            let mut maps = Vec::with_capacity(k);
            for c in 0..k {
                let pc: Vec<f64> = (0..n).map(|i| probs[i * k + c]).collect();
                let yc: Vec<f64> = y.iter().map(|&t| (t as usize == c) as u8 as f64).collect();
                maps.push(fit_binary(m, &pc, &yc, w, bins)?);
            }
            Ok(Calibrator::OneVsRest { maps })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pav_pools_violators() {
        let (x, y) = isotonic_fit(&[1.0, 2.0, 3.0, 4.0], &[1.0, 3.0, 2.0, 4.0], &[1.0; 4]);
        assert_eq!(x, vec![1.0, 2.0, 3.0, 4.0]);
        assert_eq!(y, vec![1.0, 2.5, 2.5, 4.0]);
        assert_eq!(isotonic_predict(&x, &y, 0.0), 1.0);
        assert_eq!(isotonic_predict(&x, &y, 1.5), 1.75);
        assert_eq!(isotonic_predict(&x, &y, 9.0), 4.0);
    }

    #[test]
    fn duplicates_are_merged_and_flat_runs_trimmed() {
        let (x, y) = isotonic_fit(
            &[0.1, 0.1, 0.2, 0.3, 0.4, 0.5],
            &[0.0, 1.0, 0.5, 0.5, 0.5, 1.0],
            &[1.0; 6],
        );
        // 0.1 merges to y 0.5; then 0.5, 0.5, 0.5 flat; the middle 0.3 is dropped.
        assert_eq!(x, vec![0.1, 0.4, 0.5]);
        assert_eq!(y, vec![0.5, 0.5, 1.0]);
    }

    #[test]
    fn temperature_of_a_calibrated_model_is_one() {
        // Outcomes weighted exactly by their probabilities: calibrated, T = 1.
        let ps: Vec<f64> = (1..20).map(|i| i as f64 / 20.0).collect();
        let (mut p, mut y, mut w) = (vec![], vec![], vec![]);
        for &q in &ps {
            p.extend([q, q]);
            y.extend([1.0, 0.0]);
            w.extend([q, 1.0 - q]);
        }
        let m = fit_binary(Method::Temperature, &p, &y, &w, 15).unwrap();
        match m {
            BinaryMap::Temperature { temperature } => assert!((temperature - 1.0).abs() < 1e-12),
            _ => unreachable!(),
        }
        let m = fit_binary(Method::Platt, &p, &y, &w, 15).unwrap();
        match m {
            BinaryMap::Platt { a, b } => {
                assert!((a - 1.0).abs() < 1e-10 && b.abs() < 1e-10, "{a} {b}")
            }
            _ => unreachable!(),
        }
        let m = fit_binary(Method::Beta, &p, &y, &w, 15).unwrap();
        match m {
            BinaryMap::Beta { a, b, c } => {
                assert!(
                    (a - 1.0).abs() < 1e-9 && (b - 1.0).abs() < 1e-9 && c.abs() < 1e-9,
                    "{a} {b} {c}"
                )
            }
            _ => unreachable!(),
        }
    }

    #[test]
    fn extreme_scores_stay_finite() {
        let p = [0.0, 1.0, 0.0, 1.0, 0.3, 0.7];
        let y = [0.0, 1.0, 1.0, 0.0, 0.0, 1.0];
        for m in Method::ALL {
            let map = fit_binary(m, &p, &y, &[1.0; 6], 5).unwrap();
            for &q in &p {
                let v = map.apply(q);
                assert!(v.is_finite() && (0.0..=1.0).contains(&v), "{m}: {v}");
            }
        }
    }
}
