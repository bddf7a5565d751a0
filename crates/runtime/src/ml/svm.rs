//! ai.onnx.ml `SVMClassifier` and `SVMRegressor`: what skl2onnx exports for
//! scikit-learn's `SVC`, `NuSVC`, `SVR`, `NuSVR` and `OneClassSVM`.
//!
//! Semantics follow the ONNX-ML operator definitions as the `onnx` package's
//! reference implementation and onnxruntime execute them (the tests compare
//! against onnxruntime):
//!
//! * kernels: `LINEAR` x·s, `POLY` (γ x·s + c₀)^d, `RBF` exp(−γ‖x − s‖²),
//!   `SIGMOID` tanh(γ x·s + c₀), with `kernel_params = [γ, c₀, d]`;
//! * a classifier with support vectors is libsvm's one-vs-one machine: one
//!   decision value per pair of classes (i < j), a vote for i when it is > 0;
//! * with `prob_a`/`prob_b` (`SVC(probability=True)`) each pair's decision
//!   value becomes a pairwise probability by Platt's sigmoid, clipped to
//!   [1e-7, 1 − 1e-7], and the class probabilities are libsvm's pairwise
//!   coupling (Wu, Lin and Weng 2004, "method 2": the fixed-point iteration
//!   with tolerance 0.005/k and at least 100 iterations);
//! * the label is the class with the most votes (or the largest score when
//!   there are no support vectors: liblinear mode).
//!
//! Everything runs on the host in f64 (a kernel machine is a few thousand
//! dot products per row, and the pairwise coupling is sequential per row);
//! outputs are f32 like onnxruntime's.

use crate::error::OpResult;
use crate::ops::Ctx;
use crate::ops::helpers::req;
use crate::plan::Node;
use crate::registry::{AsyncOp, OpDef};
use crate::types::DType;
use crate::value::*;

use super::{host_post, matrix_shape, parse_into_cache, parsed};

pub(crate) const OPS: &[OpDef] = &[
    OpDef::asynk("SVMClassifier", AsyncOp::Svm)
        .check(check)
        .note(
            "SVC, NuSVC; linear/poly/RBF/sigmoid kernels; Platt probabilities, pairwise coupling",
        ),
    OpDef::asynk("SVMRegressor", AsyncOp::Svm)
        .check(check)
        .note("SVR, NuSVR, OneClassSVM"),
];

/// The support vectors and coefficients, parsed into the node's cache.
fn check(n: &Node) -> Option<String> {
    parse_into_cache(n, Svm::parse)
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Kernel {
    Linear,
    Poly,
    Rbf,
    Sigmoid,
}

/// The parsed attributes shared by both operators.
pub(crate) struct Svm {
    kernel: Kernel,
    gamma: f64,
    coef0: f64,
    degree: i32,
    /// Support vectors, row-major `[count, features]` (empty in linear mode).
    sv: Vec<f64>,
    count: usize,
    coefs: Vec<f64>,
    rho: Vec<f64>,
    post: String,
    /// Classifier only.
    vectors_per_class: Vec<usize>,
    prob_a: Vec<f64>,
    prob_b: Vec<f64>,
    labels: Vec<i64>,
    /// Regressor only: output ±1 (OneClassSVM).
    one_class: bool,
}

fn f64s(n: &Node, name: &str) -> Vec<f64> {
    n.attrs
        .floats(name)
        .unwrap_or_default()
        .into_iter()
        .map(f64::from)
        .collect()
}

impl Svm {
    pub(crate) fn parse(n: &Node) -> Result<Svm, String> {
        let a = &n.attrs;
        if let Some(problem) = crate::ml::classifier_problem(n) {
            return Err(problem);
        }
        let kernel = match a
            .s("kernel_type")
            .unwrap_or_else(|| "LINEAR".into())
            .to_uppercase()
            .as_str()
        {
            "LINEAR" => Kernel::Linear,
            "POLY" => Kernel::Poly,
            "RBF" => Kernel::Rbf,
            "SIGMOID" => Kernel::Sigmoid,
            other => return Err(format!("unknown kernel_type {other}")),
        };
        let kp = f64s(n, "kernel_params");
        let post = a.s("post_transform").unwrap_or_else(|| "NONE".into());
        let classifier = n.op == "SVMClassifier";
        if !classifier && post != "NONE" {
            return Err(format!("post_transform {post} is not supported"));
        }
        let vectors_per_class: Vec<usize> = a
            .ints("vectors_per_class")
            .unwrap_or_default()
            .into_iter()
            .map(|v| usize::try_from(v).map_err(|_| "negative vectors_per_class".to_string()))
            .collect::<Result<_, _>>()?;
        let count = if classifier {
            vectors_per_class.iter().sum()
        } else {
            usize::try_from(a.i("n_supports", 0)).map_err(|_| "negative n_supports")?
        };
        let sv = f64s(n, "support_vectors");
        let coefs = f64s(n, "coefficients");
        let rho = f64s(n, "rho");
        let labels = a.ints("classlabels_ints").unwrap_or_default();
        let svm = Svm {
            kernel: if count > 0 { kernel } else { Kernel::Linear },
            gamma: kp.first().copied().unwrap_or(0.0),
            coef0: kp.get(1).copied().unwrap_or(0.0),
            degree: kp.get(2).copied().unwrap_or(0.0) as i32,
            sv,
            count,
            coefs,
            rho,
            post,
            vectors_per_class,
            prob_a: f64s(n, "prob_a"),
            prob_b: f64s(n, "prob_b"),
            labels,
            one_class: a.i("one_class", 0) != 0,
        };
        svm.check(classifier)?;
        Ok(svm)
    }

    fn classes(&self) -> usize {
        self.labels.len().max(1)
    }

    fn check(&self, classifier: bool) -> Result<(), String> {
        if self.rho.is_empty() {
            return Err("no rho (intercepts)".into());
        }
        if self.count > 0 {
            if self.sv.is_empty() || !self.sv.len().is_multiple_of(self.count) {
                return Err(format!(
                    "{} support vector values do not split into {} vectors",
                    self.sv.len(),
                    self.count
                ));
            }
            if classifier {
                let k = self.classes();
                if self.vectors_per_class.len() != k {
                    return Err(format!(
                        "vectors_per_class has {} entries for {k} classes",
                        self.vectors_per_class.len()
                    ));
                }
                let pairs = k * (k - 1) / 2;
                if self.coefs.len() != (k - 1) * self.count || self.rho.len() < pairs {
                    return Err(format!(
                        "{} coefficients and {} intercepts do not fit {k} classes and {} vectors",
                        self.coefs.len(),
                        self.rho.len(),
                        self.count
                    ));
                }
                if !self.prob_a.is_empty()
                    && (self.prob_a.len() < pairs || self.prob_b.len() < pairs)
                {
                    return Err("prob_a / prob_b are shorter than the number of class pairs".into());
                }
            } else if self.coefs.len() != self.count {
                return Err(format!(
                    "{} coefficients for {} support vectors",
                    self.coefs.len(),
                    self.count
                ));
            }
        } else if self.coefs.is_empty()
            || (classifier && !self.coefs.len().is_multiple_of(self.classes()))
        {
            return Err("no usable coefficients".into());
        }
        Ok(())
    }

    /// Features per row the model expects.
    pub(crate) fn width(&self) -> usize {
        if let Some(w) = self.sv.len().checked_div(self.count) {
            w
        } else if self.labels.is_empty() {
            self.coefs.len()
        } else {
            self.coefs.len() / self.classes()
        }
    }

    fn kernel(&self, x: &[f64], s: &[f64]) -> f64 {
        let dot = || x.iter().zip(s).map(|(a, b)| a * b).sum::<f64>();
        match self.kernel {
            Kernel::Linear => dot(),
            Kernel::Poly => (self.gamma * dot() + self.coef0).powi(self.degree),
            Kernel::Rbf => {
                let d2: f64 = x.iter().zip(s).map(|(a, b)| (a - b) * (a - b)).sum();
                (-self.gamma * d2).exp()
            }
            Kernel::Sigmoid => (self.gamma * dot() + self.coef0).tanh(),
        }
    }

    /// SVMRegressor on one row.
    pub(crate) fn regress(&self, x: &[f64]) -> f64 {
        let s = if self.count > 0 {
            let f = self.width();
            (0..self.count)
                .map(|j| self.coefs[j] * self.kernel(x, &self.sv[j * f..(j + 1) * f]))
                .sum::<f64>()
                + self.rho[0]
        } else {
            self.kernel(x, &self.coefs) + self.rho[0]
        };
        if self.one_class {
            if s > 0.0 { 1.0 } else { -1.0 }
        } else {
            s
        }
    }

    /// SVMClassifier on one row: (label, scores).
    pub(crate) fn classify(&self, x: &[f64]) -> (i64, Vec<f64>) {
        let k = self.classes();
        let f = self.width();
        let (votes, mut scores) = if self.count == 0 {
            // liblinear mode: one score per class.
            let s: Vec<f64> = (0..k)
                .map(|c| self.kernel(x, &self.coefs[c * f..(c + 1) * f]) + self.rho[0])
                .collect();
            (None, s)
        } else {
            let kern: Vec<f64> = (0..self.count)
                .map(|j| self.kernel(x, &self.sv[j * f..(j + 1) * f]))
                .collect();
            let mut start = Vec::with_capacity(k);
            let mut acc = 0;
            for &c in &self.vectors_per_class {
                start.push(acc);
                acc += c;
            }
            let dot = |row: usize, from: usize, len: usize| -> f64 {
                let c = &self.coefs[row * self.count + from..row * self.count + from + len];
                c.iter()
                    .zip(&kern[from..from + len])
                    .map(|(a, b)| a * b)
                    .sum()
            };
            let mut votes = vec![0usize; k];
            let mut s = Vec::with_capacity(k * (k - 1) / 2);
            let mut e = 0;
            for i in 0..k {
                for j in i + 1..k {
                    let (si, ci) = (start[i], self.vectors_per_class[i]);
                    let (sj, cj) = (start[j], self.vectors_per_class[j]);
                    let d = self.rho[e] + dot(j - 1, si, ci) + dot(i, sj, cj);
                    votes[if d > 0.0 { i } else { j }] += 1;
                    s.push(d);
                    e += 1;
                }
            }
            (Some(votes), s)
        };
        let has_proba = self.count > 0 && !self.prob_a.is_empty();
        if has_proba {
            scores = self.probabilities(&scores, k);
        }
        // The label: most votes (ties to the lower class), else the top score.
        let (best, weight) = match &votes {
            Some(v) => {
                let b = (0..k).fold(0, |b, c| if v[c] > v[b] { c } else { b });
                (b, v[b] as f64)
            }
            None => {
                let b = (0..scores.len()).fold(0, |b, c| if scores[c] > scores[b] { c } else { b });
                (b, scores[b])
            }
        };
        let label_of = |c: usize| self.labels.get(c).copied().unwrap_or(c as i64);
        let all_positive = self.coefs.iter().all(|&c| c >= 0.0);
        let mut second_class = false;
        let label = if self.rho.len() == 1 {
            // One decision value: the two-class conventions of the operator.
            if self.labels.len() == 2 {
                second_class = true;
                if !has_proba && all_positive && weight >= 0.5 {
                    label_of(1)
                } else {
                    label_of(best)
                }
            } else if weight > 0.0 {
                1
            } else {
                0
            }
        } else {
            label_of(best)
        };
        let out = if scores.len() >= 2 {
            let mut s = scores;
            host_post(&mut s, &self.post);
            s
        } else if second_class {
            let mut s = vec![-scores[0], scores[0]];
            host_post(&mut s, &self.post);
            s
        } else {
            scores
        };
        (label, out)
    }

    /// Pairwise probabilities → class probabilities (libsvm's coupling).
    fn probabilities(&self, decisions: &[f64], k: usize) -> Vec<f64> {
        let mut r = vec![0.0; k * k];
        let mut e = 0;
        for i in 0..k {
            for j in i + 1..k {
                // P(i | i or j) = 1 − σ(A·d + B), as libsvm's Platt scaling.
                let v = decisions[e] * self.prob_a[e] + self.prob_b[e];
                let p = (1.0 - 1.0 / (1.0 + (-v).exp())).clamp(1e-7, 1.0 - 1e-7);
                r[i * k + j] = p;
                r[j * k + i] = 1.0 - p;
                e += 1;
            }
        }
        couple(&r, k)
    }
}

/// Wu–Lin–Weng pairwise coupling: minimise Σ_i Σ_{j≠i} (r_ji p_i − r_ij p_j)²
/// over the simplex by libsvm's fixed-point iteration. `r[i*k+j]` = P(i | i or j).
fn couple(r: &[f64], k: usize) -> Vec<f64> {
    let mut q = vec![0.0; k * k];
    for t in 0..k {
        for j in 0..k {
            if j != t {
                q[t * k + t] += r[j * k + t] * r[j * k + t];
                q[t * k + j] = -r[j * k + t] * r[t * k + j];
            }
        }
    }
    let mut p = vec![1.0 / k as f64; k];
    let mut qp = vec![0.0; k];
    let eps = 0.005 / k as f64;
    for _ in 0..k.max(100) {
        let mut pqp = 0.0;
        for t in 0..k {
            qp[t] = (0..k).map(|j| q[t * k + j] * p[j]).sum();
            pqp += p[t] * qp[t];
        }
        let max_err = qp.iter().map(|v| (v - pqp).abs()).fold(0.0, f64::max);
        if max_err < eps {
            break;
        }
        for t in 0..k {
            let diff = (pqp - qp[t]) / q[t * k + t];
            p[t] += diff;
            pqp =
                (pqp + diff * (diff * q[t * k + t] + 2.0 * qp[t])) / ((1.0 + diff) * (1.0 + diff));
            for j in 0..k {
                qp[j] = (qp[j] + diff * q[t * k + j]) / (1.0 + diff);
                p[j] /= 1.0 + diff;
            }
        }
    }
    p
}

pub(crate) async fn svm(ctx: &Ctx<'_>, n: &Node, ins: &mut [Option<Val>]) -> OpResult<Vec<Val>> {
    let cached = parsed(n, Svm::parse)?;
    let svm = cached.downcast_ref::<Svm>().ok_or("internal: svm cache")?;
    let x = req(ins, 0)?;
    let (nrow, f) = matrix_shape(x)?;
    if f != svm.width() {
        return Err(format!(
            "the model expects {} features per row, the input has {f}",
            svm.width()
        ));
    }
    let xv: Vec<f64> = x
        .host()
        .await?
        .data
        .as_f32()
        .iter()
        .map(|&v| f64::from(v))
        .collect();
    let rows = xv.chunks(f.max(1)).take(nrow);
    let to_dev = |v: Val| -> OpResult<Val> {
        Ok(if v.numel() > HOST_MAX {
            Val::D(v.dev(ctx.dev)?)
        } else {
            v
        })
    };
    if n.op == "SVMRegressor" {
        let out: Vec<f32> = rows.map(|r| svm.regress(r) as f32).collect();
        let v = Val::H(HVal::new(vec![nrow, 1], HData::F(out), DType::F32));
        return Ok(vec![to_dev(v)?]);
    }
    let mut labels = Vec::with_capacity(nrow);
    let mut out = Vec::new();
    for r in rows {
        let (l, sc) = svm.classify(r);
        labels.push(l);
        out.extend(sc.iter().map(|&v| v as f32));
    }
    let cols = out.len() / nrow.max(1);
    Ok(vec![
        Val::H(HVal::new(vec![nrow], HData::I(labels), DType::I64)),
        to_dev(Val::H(HVal::new(
            vec![nrow, cols],
            HData::F(out),
            DType::F32,
        )))?,
    ])
}

#[cfg(test)]
mod tests {
    use super::couple;

    #[test]
    fn coupling_of_consistent_pairs_recovers_the_probabilities() {
        // Pairwise probabilities made from p = (0.5, 0.3, 0.2): r_ij = p_i / (p_i + p_j).
        let p = [0.5, 0.3, 0.2];
        let k = 3;
        let mut r = vec![0.0; 9];
        for i in 0..k {
            for j in 0..k {
                if i != j {
                    r[i * k + j] = p[i] / (p[i] + p[j]);
                }
            }
        }
        let got = couple(&r, k);
        for i in 0..k {
            assert!((got[i] - p[i]).abs() < 2e-3, "{got:?}");
        }
        assert!((got.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    }
}
