//! The ai.onnx.ml operators that common skl2onnx exports use, from the raw node attributes.

use burn::tensor::activation;
use burn::tensor::{Int, Tensor, TensorData};

use crate::error::OpResult;
use crate::ops::{Ctx, req};
use crate::proto::Node;
use crate::types::DType;
use crate::value::*;

pub(crate) const ML_OPS: &[&str] = &[
    "LinearClassifier",
    "LinearRegressor",
    "Scaler",
    "Normalizer",
    "ArrayFeatureExtractor",
    "Binarizer",
    "Imputer",
    "TreeEnsembleClassifier",
    "TreeEnsembleRegressor",
    "SVMClassifier",
    "SVMRegressor",
];

/// Load-time check of attributes we do not handle; `None` when fine.
pub(crate) fn unsupported_reason(n: &Node) -> Option<String> {
    match n.op.as_str() {
        "LinearClassifier" => classifier_problem(n),
        "LinearRegressor" => {
            let pt = n.attrs.s("post_transform").unwrap_or_else(|| "NONE".into());
            (pt != "NONE").then(|| format!("post_transform {pt} is not supported"))
        }
        "TreeEnsembleClassifier" | "TreeEnsembleRegressor" => {
            classifier_problem(n).or_else(|| Trees::parse(n).err())
        }
        "SVMClassifier" | "SVMRegressor" => crate::svm::Svm::parse(n).err(),
        "Imputer" => n
            .attrs
            .has("imputed_value_int64s")
            .then(|| "integer imputation is not supported".into()),
        _ => None,
    }
}

/// What the classifier-style ops (and tree ensembles) cannot take: string
/// class labels, and post-transforms other than the softmax/logistic family.
pub(crate) fn classifier_problem(n: &Node) -> Option<String> {
    if n.attrs.has("classlabels_strings") {
        return Some("string class labels are not supported; train with integer labels".into());
    }
    let pt = n.attrs.s("post_transform").unwrap_or_else(|| "NONE".into());
    (!matches!(
        pt.as_str(),
        "NONE" | "LOGISTIC" | "SOFTMAX" | "SOFTMAX_ZERO"
    ))
    .then(|| format!("post_transform {pt} is not supported"))
}

/// Input as a float 2-D tensor [N, F] on the device (1-D input is one row).
fn rows(ctx: &Ctx, x: &Val) -> OpResult<(FT, usize, usize)> {
    let (nrow, f) = matrix_shape(x)?;
    if nrow * f == 0 {
        return Err(format!("empty input of shape {:?}", x.shape()));
    }
    let d = x.dev(ctx.dev)?;
    Ok((d.f().reshape([1, 1, 1, 1, nrow, f]), nrow, f))
}

fn const_f(ctx: &Ctx, v: Vec<f32>, shape: [usize; R]) -> FT {
    FT::from_data(TensorData::new(v, shape), ctx.dev)
}

fn post(t: FT, pt: &str) -> FT {
    match pt {
        "LOGISTIC" => activation::sigmoid(t),
        "SOFTMAX" => activation::softmax(t, R - 1),
        "SOFTMAX_ZERO" => {
            // softmax that leaves exact zeros at zero
            let z = t.clone().equal_elem(0.0);
            let m = t.clone().max_dim(R - 1);
            let e = t.sub(m).exp().mask_fill(z, 0.0);
            let s = e.clone().sum_dim(R - 1);
            e.div(s)
        }
        _ => t,
    }
}

/// A parsed tree ensemble (ai.onnx.ml TreeEnsembleClassifier / TreeEnsembleRegressor).
pub(crate) struct Trees {
    /// node: (feature, threshold, mode, true child, false child, missing goes true); mode 0 = leaf
    nodes: Vec<(usize, f32, u8, usize, usize, bool)>,
    roots: Vec<usize>,
    /// leaf node → (output index, weight)
    leaf: Vec<Vec<(usize, f64)>>,
    n_out: usize,
    base: Vec<f64>,
    aggregate: String,
    labels: Vec<i64>,
    binary_one_column: bool,
    used_id: usize,
    all_pos: bool,
}

fn floats_or_tensor(n: &Node, name: &str) -> OpResult<Option<Vec<f64>>> {
    if let Some(v) = n.attrs.floats(name) {
        return Ok(Some(v.iter().map(|&x| x as f64).collect()));
    }
    if let Some(t) = n.attrs.t(&format!("{name}_as_tensor")) {
        return Ok(Some(crate::proto::tensor_from_proto(t)?.data.as_f64()));
    }
    Ok(None)
}

impl Trees {
    pub(crate) fn parse(n: &Node) -> Result<Trees, String> {
        let a = &n.attrs;
        let tids = a.ints("nodes_treeids").ok_or("missing nodes_treeids")?;
        let nids = a.ints("nodes_nodeids").ok_or("missing nodes_nodeids")?;
        let feats = a
            .ints("nodes_featureids")
            .ok_or("missing nodes_featureids")?;
        let vals = floats_or_tensor(n, "nodes_values")?.ok_or("missing nodes_values")?;
        let modes = a.strings_raw("nodes_modes").ok_or("missing nodes_modes")?;
        let tn = a
            .ints("nodes_truenodeids")
            .ok_or("missing nodes_truenodeids")?;
        let fal = a
            .ints("nodes_falsenodeids")
            .ok_or("missing nodes_falsenodeids")?;
        let miss = a
            .ints("nodes_missing_value_tracks_true")
            .unwrap_or_default();
        let m = tids.len();
        if [
            nids.len(),
            feats.len(),
            vals.len(),
            modes.len(),
            tn.len(),
            fal.len(),
        ]
        .iter()
        .any(|&l| l != m)
        {
            return Err("tree attributes have different lengths".into());
        }
        let mut index = std::collections::HashMap::new();
        for k in 0..m {
            index.insert((tids[k], nids[k]), k);
        }
        let mut nodes = Vec::with_capacity(m);
        for k in 0..m {
            let mode = match modes[k].as_str() {
                "LEAF" => 0,
                "BRANCH_LEQ" => 1,
                "BRANCH_LT" => 2,
                "BRANCH_GTE" => 3,
                "BRANCH_GT" => 4,
                "BRANCH_EQ" => 5,
                "BRANCH_NEQ" => 6,
                other => return Err(format!("node mode {other} is not supported")),
            };
            let child = |id: i64| -> Result<usize, String> {
                if mode == 0 {
                    return Ok(0);
                }
                index
                    .get(&(tids[k], id))
                    .copied()
                    .ok_or_else(|| format!("tree {} has no node {id}", tids[k]))
            };
            if feats[k] < 0 {
                return Err("negative feature id".into());
            }
            nodes.push((
                feats[k] as usize,
                vals[k] as f32,
                mode,
                child(tn[k])?,
                child(fal[k])?,
                miss.get(k).copied().unwrap_or(0) != 0,
            ));
        }
        let mut roots: Vec<(i64, usize)> = vec![];
        for k in 0..m {
            if nids[k] == 0 || !roots.iter().any(|r| r.0 == tids[k]) {
                if let Some(r) = roots.iter_mut().find(|r| r.0 == tids[k]) {
                    if nids[k] == 0 {
                        r.1 = k;
                    }
                } else {
                    roots.push((tids[k], *index.get(&(tids[k], 0)).unwrap_or(&k)));
                }
            }
        }
        let classifier = n.op == "TreeEnsembleClassifier";
        let (p, lt, ln, li, lw) = if classifier {
            (
                "class",
                a.ints("class_treeids"),
                a.ints("class_nodeids"),
                a.ints("class_ids"),
                floats_or_tensor(n, "class_weights")?,
            )
        } else {
            (
                "target",
                a.ints("target_treeids"),
                a.ints("target_nodeids"),
                a.ints("target_ids"),
                floats_or_tensor(n, "target_weights")?,
            )
        };
        let (lt, ln, li, lw) = (
            lt.ok_or(format!("missing {p}_treeids"))?,
            ln.ok_or(format!("missing {p}_nodeids"))?,
            li.ok_or(format!("missing {p}_ids"))?,
            lw.ok_or(format!("missing {p}_weights"))?,
        );
        if [ln.len(), li.len(), lw.len()]
            .iter()
            .any(|&l| l != lt.len())
        {
            return Err("leaf attributes have different lengths".into());
        }
        let labels = a.ints("classlabels_int64s").unwrap_or_default();
        let n_out = if classifier {
            labels.len().max(1)
        } else {
            a.i("n_targets", 1).max(1) as usize
        };
        let mut leaf = vec![vec![]; m];
        let mut used = std::collections::BTreeSet::new();
        for k in 0..lt.len() {
            let node = *index
                .get(&(lt[k], ln[k]))
                .ok_or("leaf weight for a missing node")?;
            if li[k] < 0 || li[k] as usize >= n_out {
                return Err(format!("output id {} out of range", li[k]));
            }
            used.insert(li[k]);
            leaf[node].push((li[k] as usize, lw[k]));
        }
        let base = floats_or_tensor(n, "base_values")?.unwrap_or_default();
        let binary_one_column = classifier && n_out == 2 && used.len() == 1;
        let used_id = used.iter().next().copied().unwrap_or(0) as usize;
        let all_pos = lw.iter().all(|&w| w >= 0.0);
        Ok(Trees {
            nodes,
            roots: roots.into_iter().map(|r| r.1).collect(),
            leaf,
            n_out,
            base,
            aggregate: a.s("aggregate_function").unwrap_or_else(|| "SUM".into()),
            labels,
            binary_one_column,
            used_id,
            all_pos,
        })
    }

    fn leaf_of(&self, row: &[f32], mut k: usize) -> usize {
        for _ in 0..self.nodes.len() + 1 {
            let (f, th, mode, t, fl, miss) = self.nodes[k];
            if mode == 0 {
                return k;
            }
            let x = row.get(f).copied().unwrap_or(f32::NAN);
            let go = if x.is_nan() {
                miss
            } else {
                match mode {
                    1 => x <= th,
                    2 => x < th,
                    3 => x >= th,
                    4 => x > th,
                    5 => x == th,
                    _ => x != th,
                }
            };
            k = if go { t } else { fl };
        }
        k
    }

    /// Raw aggregated scores of one row.
    fn scores(&self, row: &[f32]) -> Vec<f64> {
        let mut s = vec![0f64; self.n_out];
        let mut has = vec![false; self.n_out];
        for &r in &self.roots {
            let l = self.leaf_of(row, r);
            for &(i, w) in &self.leaf[l] {
                s[i] = match self.aggregate.as_str() {
                    "MIN" if has[i] => s[i].min(w),
                    "MAX" if has[i] => s[i].max(w),
                    "MIN" | "MAX" => w,
                    _ => s[i] + w,
                };
                has[i] = true;
            }
        }
        if self.aggregate == "AVERAGE" {
            for v in s.iter_mut() {
                *v /= self.roots.len().max(1) as f64;
            }
        }
        for (i, v) in s.iter_mut().enumerate() {
            *v += self.base.get(i).copied().unwrap_or(0.0);
        }
        s
    }
}

pub(crate) fn host_post(v: &mut [f64], pt: &str) {
    match pt {
        "LOGISTIC" => v.iter_mut().for_each(|x| *x = 1.0 / (1.0 + (-*x).exp())),
        "SOFTMAX" | "SOFTMAX_ZERO" => {
            let m = v.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
            let mut sum = 0.0;
            for x in v.iter_mut() {
                *x = if pt == "SOFTMAX_ZERO" && *x == 0.0 {
                    0.0
                } else {
                    (*x - m).exp()
                };
                sum += *x;
            }
            v.iter_mut().for_each(|x| *x /= sum);
        }
        _ => {}
    }
}

type Parsed = std::sync::Arc<dyn std::any::Any + Send + Sync>;

/// A node's attributes parsed once (trees, support vectors), kept on the node
/// for every later batch.
fn parsed<T: std::any::Any + Send + Sync>(
    n: &Node,
    parse: impl FnOnce(&Node) -> Result<T, String>,
) -> OpResult<Parsed> {
    if let Some(c) = n.cache.get() {
        return Ok(c.clone());
    }
    let t: Parsed = std::sync::Arc::new(parse(n)?);
    let _ = n.cache.set(t.clone());
    Ok(t)
}

/// (rows, features) of a 2-D input; a 1-D input is one row.
fn matrix_shape(x: &Val) -> OpResult<(usize, usize)> {
    let s = x.shape();
    match s.len() {
        1 => Ok((1, s[0])),
        2 => Ok((s[0], s[1])),
        _ => Err(format!(
            "expects a 2-D input [rows, features], got shape {s:?}"
        )),
    }
}

async fn svm(ctx: &Ctx<'_>, n: &Node, ins: &[Option<Val>]) -> OpResult<Vec<Val>> {
    let cached = parsed(n, crate::svm::Svm::parse)?;
    let svm = cached
        .downcast_ref::<crate::svm::Svm>()
        .ok_or("internal: svm cache")?;
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

async fn tree_ensemble(ctx: &Ctx<'_>, n: &Node, ins: &[Option<Val>]) -> OpResult<Vec<Val>> {
    let trees = parsed(n, Trees::parse)?;
    let trees = trees
        .downcast_ref::<Trees>()
        .ok_or("internal: tree cache")?;
    let x = req(ins, 0)?;
    let (nrow, f) = matrix_shape(x)?;
    let maxf = trees
        .nodes
        .iter()
        .filter(|n| n.2 != 0)
        .map(|n| n.0 + 1)
        .max()
        .unwrap_or(0);
    if maxf > f {
        return Err(format!(
            "the trees use {maxf} features per row, the input has {f}"
        ));
    }
    let xv = x.host().await?.data.as_f32();
    let pt = n.attrs.s("post_transform").unwrap_or_else(|| "NONE".into());
    let classifier = n.op == "TreeEnsembleClassifier";
    let mut out = Vec::with_capacity(nrow * trees.n_out);
    let mut labels = Vec::with_capacity(nrow);
    for r in 0..nrow {
        let mut sc = trees.scores(&xv[r * f..(r + 1) * f]);
        if trees.binary_one_column {
            // One score column for two classes (onnxruntime's binary case).
            let mut p = vec![sc[trees.used_id]];
            host_post(&mut p, &pt);
            sc = if pt == "LOGISTIC" || trees.all_pos {
                vec![1.0 - p[0], p[0]]
            } else {
                vec![-p[0], p[0]]
            };
        } else {
            host_post(&mut sc, &pt);
        }
        if classifier {
            let arg = (0..sc.len()).fold(0, |b, i| if sc[i] > sc[b] { i } else { b });
            labels.push(trees.labels.get(arg).copied().unwrap_or(arg as i64));
        }
        out.extend(sc.iter().map(|&v| v as f32));
    }
    let cols = out.len() / nrow.max(1);
    let scores = Val::H(HVal::new(vec![nrow, cols], HData::F(out), DType::F32));
    let scores = if scores.numel() > HOST_MAX {
        Val::D(scores.dev(ctx.dev)?)
    } else {
        scores
    };
    if classifier {
        Ok(vec![
            Val::H(HVal::new(vec![nrow], HData::I(labels), DType::I64)),
            scores,
        ])
    } else {
        Ok(vec![scores])
    }
}

pub(crate) async fn exec(ctx: &Ctx<'_>, n: &Node, ins: Vec<Option<Val>>) -> OpResult<Vec<Val>> {
    let a = &n.attrs;
    match n.op.as_str() {
        "TreeEnsembleClassifier" | "TreeEnsembleRegressor" => tree_ensemble(ctx, n, &ins).await,
        "SVMClassifier" | "SVMRegressor" => svm(ctx, n, &ins).await,
        "Scaler" => {
            let x = req(&ins, 0)?;
            let (t, nrow, f) = rows(ctx, x)?;
            let off = a.floats("offset").unwrap_or_else(|| vec![0.0]);
            let sc = a.floats("scale").unwrap_or_else(|| vec![1.0]);
            let vec_of = |v: Vec<f32>, what: &str| -> OpResult<Vec<f32>> {
                if v.len() == f {
                    Ok(v)
                } else if v.len() == 1 {
                    Ok(vec![v[0]; f])
                } else {
                    Err(format!(
                        "{what} has {} values but the input has {f} features per row",
                        v.len()
                    ))
                }
            };
            let off = const_f(ctx, vec_of(off, "offset")?, [1, 1, 1, 1, 1, f]);
            let sc = const_f(ctx, vec_of(sc, "scale")?, [1, 1, 1, 1, 1, f]);
            let s6 = [1, 1, 1, 1, nrow, f];
            let y = t.sub(off.expand(s6)).mul(sc.expand(s6));
            Ok(vec![Val::D(DVal {
                t: TData::F(y),
                shape: vec![nrow, f],
                dtype: DType::F32,
            })])
        }
        "Normalizer" => {
            let x = req(&ins, 0)?;
            let (t, nrow, f) = rows(ctx, x)?;
            let norm = a.s("norm").unwrap_or_else(|| "MAX".into());
            let s6 = [1, 1, 1, 1, nrow, f];
            let d = match norm.as_str() {
                "MAX" => t.clone().max_dim(R - 1),
                "L1" => t.clone().abs().sum_dim(R - 1),
                "L2" => t.clone().square().sum_dim(R - 1).sqrt(),
                other => return Err(format!("unknown norm {other}")),
            };
            let y = t.div(d.expand(s6));
            Ok(vec![Val::D(DVal {
                t: TData::F(y),
                shape: vec![nrow, f],
                dtype: DType::F32,
            })])
        }
        "Binarizer" => {
            let x = req(&ins, 0)?;
            let d = x.dev(ctx.dev)?;
            let (s, dt) = (d.shape.clone(), d.dtype);
            let th = a.f("threshold", 0.0);
            let t = d.f();
            let y = t.greater_elem(th).float();
            Ok(vec![Val::D(DVal {
                t: TData::F(y),
                shape: s,
                dtype: dt,
            })])
        }
        "Imputer" => {
            let x = req(&ins, 0)?;
            let (t, nrow, f) = rows(ctx, x)?;
            let vals = a
                .floats("imputed_value_floats")
                .ok_or("missing imputed_value_floats")?;
            let vals = if vals.len() == 1 {
                vec![vals[0]; f]
            } else {
                vals
            };
            if vals.len() != f {
                return Err(format!("{} imputed values for {f} features", vals.len()));
            }
            let rep = a.f("replaced_value_float", 0.0);
            let s6 = [1, 1, 1, 1, nrow, f];
            let mask = if rep.is_nan() {
                t.clone().is_nan()
            } else {
                t.clone().equal_elem(rep)
            };
            let v = const_f(ctx, vals, [1, 1, 1, 1, 1, f]).expand(s6);
            let y = t.mask_where(mask, v);
            Ok(vec![Val::D(DVal {
                t: TData::F(y),
                shape: x.shape().to_vec(),
                dtype: DType::F32,
            })])
        }
        "ArrayFeatureExtractor" => {
            let (x, idx) = (req(&ins, 0)?, req(&ins, 1)?);
            let s = x.shape().to_vec();
            if s.is_empty() {
                return Err("input must have rank ≥ 1".into());
            }
            let last = *s.last().unwrap() as i64;
            let iv: Vec<i64> = crate::ops::ints(idx).await?;
            for &i in &iv {
                if i < 0 || i >= last {
                    return Err(format!("index {i} is out of range for {last} features"));
                }
            }
            let k = iv.len();
            let mut out = s.clone();
            *out.last_mut().unwrap() = k;
            if s.len() == 1 {
                out = vec![1, k];
            }
            let it = Tensor::<1, Int>::from_data(TensorData::new(iv, [k]), ctx.dev);
            let d = x.dev(ctx.dev)?;
            let dt = d.dtype;
            let t = match d.t {
                TData::F(t) => TData::F(t.select(R - 1, it)),
                TData::I(t) => TData::I(t.select(R - 1, it)),
                TData::B(t) => TData::B(t.select(R - 1, it)),
            };
            let mut sh = p6(&out)?;
            if s.len() == 1 {
                sh = p6(&[1, k])?;
            }
            let t = match t {
                TData::F(t) => TData::F(t.reshape(sh)),
                TData::I(t) => TData::I(t.reshape(sh)),
                TData::B(t) => TData::B(t.reshape(sh)),
            };
            Ok(vec![Val::D(DVal {
                t,
                shape: out,
                dtype: dt,
            })])
        }
        "LinearRegressor" => {
            let x = req(&ins, 0)?;
            let (t, nrow, f) = rows(ctx, x)?;
            let coef = a.floats("coefficients").ok_or("missing coefficients")?;
            let targets = a.i("targets", 1).max(1) as usize;
            if coef.len() != targets * f {
                return Err(format!(
                    "the model has {} coefficients for {targets} target(s), i.e. {} features per row, but the input has {f}",
                    coef.len(),
                    coef.len() / targets
                ));
            }
            let w = const_f(ctx, coef, [1, 1, 1, 1, targets, f]).swap_dims(4, 5);
            let mut y = t.matmul(w);
            if let Some(b) = a.floats("intercepts")
                && b.len() == targets
            {
                y = y.add(
                    const_f(ctx, b, [1, 1, 1, 1, 1, targets]).expand([1, 1, 1, 1, nrow, targets]),
                );
            }
            Ok(vec![Val::D(DVal {
                t: TData::F(y),
                shape: vec![nrow, targets],
                dtype: DType::F32,
            })])
        }
        "LinearClassifier" => {
            let x = req(&ins, 0)?;
            let (t, nrow, f) = rows(ctx, x)?;
            let coef = a.floats("coefficients").ok_or("missing coefficients")?;
            let labels: Vec<i64> = a.ints("classlabels_ints").unwrap_or_default();
            if f == 0 || coef.len() % f != 0 {
                return Err(format!(
                    "the model's {} coefficients do not fit {f} features per row",
                    coef.len()
                ));
            }
            let c = coef.len() / f;
            let pt = a.s("post_transform").unwrap_or_else(|| "NONE".into());
            let w = const_f(ctx, coef, [1, 1, 1, 1, c, f]).swap_dims(4, 5);
            let mut s = t.matmul(w);
            if let Some(b) = a.floats("intercepts")
                && b.len() == c
            {
                s = s.add(const_f(ctx, b, [1, 1, 1, 1, 1, c]).expand([1, 1, 1, 1, nrow, c]));
            }
            let scores = post(s.clone(), &pt);
            let ncls = labels.len().max(c);
            let label_idx: Tensor<R, Int> = if c == 1 {
                // Binary with one score column: positive class when the score passes the threshold.
                let th = if pt == "NONE" { 0.0 } else { 0.5 };
                scores.clone().greater_elem(th).int()
            } else {
                scores.clone().argmax(R - 1)
            };
            let idx1 = label_idx.reshape([nrow]);
            let lab = if labels.is_empty() || labels.iter().enumerate().all(|(i, &l)| l == i as i64)
            {
                idx1
            } else {
                let lt = Tensor::<1, Int>::from_data(
                    TensorData::new(labels.clone(), [labels.len()]),
                    ctx.dev,
                );
                if ncls > labels.len() {
                    return Err("fewer class labels than score columns".into());
                }
                lt.select(0, idx1)
            };
            let lab = lab.reshape([1, 1, 1, 1, 1, nrow]);
            Ok(vec![
                Val::D(DVal {
                    t: TData::I(lab),
                    shape: vec![nrow],
                    dtype: DType::I64,
                }),
                Val::D(DVal {
                    t: TData::F(scores),
                    shape: vec![nrow, c],
                    dtype: DType::F32,
                }),
            ])
        }
        other => Err(format!("ai.onnx.ml operator {other} is not implemented")),
    }
}
