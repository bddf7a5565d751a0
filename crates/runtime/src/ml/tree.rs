//! Tree ensembles: TreeEnsembleClassifier and TreeEnsembleRegressor (random forests, gradient
//! boosting; SUM/AVERAGE/MIN/MAX aggregation, base values, missing-value tracking, the binary
//! one-column case as onnxruntime does it). Evaluated on the host: the input is read back once,
//! and each row walks every tree. The trees are parsed once, at load time.

use crate::error::OpResult;
use crate::ops::Ctx;
use crate::ops::helpers::req;
use crate::plan::Node;
use crate::registry::{AsyncOp, OpDef};
use crate::types::DType;
use crate::value::*;

use super::{classifier_problem, host_post, matrix_shape, parse_into_cache, parsed};

pub(crate) const OPS: &[OpDef] = &[
    OpDef::asynk("TreeEnsembleClassifier", AsyncOp::TreeEnsemble)
        .check(check)
        .note("random forests, gradient boosting; integer labels"),
    OpDef::asynk("TreeEnsembleRegressor", AsyncOp::TreeEnsemble)
        .check(check)
        .note("random forests, gradient boosting"),
];

/// Classifier attributes first, then the trees themselves (parsed into the node's cache).
fn check(n: &Node) -> Option<String> {
    classifier_problem(n).or_else(|| parse_into_cache(n, Trees::parse))
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

pub(crate) async fn tree_ensemble(
    ctx: &Ctx<'_>,
    n: &Node,
    ins: &mut [Option<Val>],
) -> OpResult<Vec<Val>> {
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

#[cfg(test)]
mod tests {
    use crate::HostTensor;
    use crate::testing::*;

    /// One stump: x[1] ≤ 0.5 → leaf 1 (class 0 weight 1), else leaf 2 (class 1 weight 1).
    fn stump(op: &str, extra: Vec<onnx_ir::AttributeProto>) -> Graph {
        let mut a = vec![
            attr_ints("nodes_treeids", &[0, 0, 0]),
            attr_ints("nodes_nodeids", &[0, 1, 2]),
            attr_ints("nodes_featureids", &[1, 0, 0]),
            attr_floats("nodes_values", &[0.5, 0., 0.]),
            attr_ints("nodes_truenodeids", &[1, 0, 0]),
            attr_ints("nodes_falsenodeids", &[2, 0, 0]),
        ];
        let mut modes = onnx_ir::AttributeProto::new();
        modes.name = "nodes_modes".into();
        modes.strings = ["BRANCH_LEQ", "LEAF", "LEAF"]
            .iter()
            .map(|s| s.as_bytes().to_vec().into())
            .collect();
        a.push(modes);
        a.extend(extra);
        let outs: &[&str] = if op == "TreeEnsembleClassifier" {
            &["label", "p"]
        } else {
            &["p"]
        };
        let mut g = Graph::new(13)
            .import("ai.onnx.ml", 3)
            .input("x", FLOAT)
            .node_in("ai.onnx.ml", op, &["x"], outs, a);
        if op == "TreeEnsembleClassifier" {
            g = g.output("label", INT64);
        }
        g.output("p", FLOAT)
    }

    #[test]
    fn classifier_and_regressor() {
        let x = HostTensor::f32(vec![3, 2], vec![0., 0., 0., 1., 9., 0.5]);
        let g = stump(
            "TreeEnsembleClassifier",
            vec![
                attr_ints("class_treeids", &[0, 0]),
                attr_ints("class_nodeids", &[1, 2]),
                attr_ints("class_ids", &[0, 1]),
                attr_floats("class_weights", &[1., 1.]),
                attr_ints("classlabels_int64s", &[5, 7]),
            ],
        );
        let y = g.run(vec![("x", x.clone())]).unwrap();
        assert_eq!(i64s(&y[0]), [5, 7, 5]);
        assert_close(&y[1], &[3, 2], &[1., 0., 0., 1., 1., 0.]);
        let g = stump(
            "TreeEnsembleRegressor",
            vec![
                attr_ints("target_treeids", &[0, 0]),
                attr_ints("target_nodeids", &[1, 2]),
                attr_ints("target_ids", &[0, 0]),
                attr_floats("target_weights", &[-1., 2.]),
                attr_floats("base_values", &[0.5]),
            ],
        );
        assert_close(
            &g.run(vec![("x", x)]).unwrap()[0],
            &[3, 1],
            &[-0.5, 2.5, -0.5],
        );
    }

    #[test]
    fn bad_trees_are_refused_at_load_time() {
        // A leaf weight for a node the tree does not have: found by the parse in the check.
        let g = stump(
            "TreeEnsembleRegressor",
            vec![
                attr_ints("target_treeids", &[0]),
                attr_ints("target_nodeids", &[9]),
                attr_ints("target_ids", &[0]),
                attr_floats("target_weights", &[1.]),
            ],
        );
        let e = g
            .run(vec![("x", HostTensor::f32(vec![1, 2], vec![0., 0.]))])
            .unwrap_err();
        assert!(
            e.starts_with("unsupported ONNX operators: TreeEnsembleRegressor"),
            "{e}"
        );
        assert!(e.contains("leaf weight for a missing node"), "{e}");
    }
}
