//! Linear models: LinearRegressor (no post-transform) and LinearClassifier (post_transform NONE,
//! LOGISTIC, SOFTMAX, SOFTMAX_ZERO; integer labels; one score column means binary with a
//! threshold), as a matrix product on the device.

use burn::tensor::{Int, Tensor, TensorData};

use crate::error::OpResult;
use crate::ops::Ctx;
use crate::ops::helpers::req;
use crate::plan::Node;
use crate::registry::OpDef;
use crate::types::DType;
use crate::value::*;

use super::{classifier_problem, const_f, post, rows};

pub(crate) const OPS: &[OpDef] = &[
    OpDef::sync("LinearClassifier", linear_classifier)
        .check(classifier_problem)
        .note("post_transform NONE/LOGISTIC/SOFTMAX/SOFTMAX_ZERO, integer labels"),
    OpDef::sync("LinearRegressor", linear_regressor).check(regressor_problem),
];

fn regressor_problem(n: &Node) -> Option<String> {
    let pt = n.attrs.s("post_transform").unwrap_or_else(|| "NONE".into());
    (pt != "NONE").then(|| format!("post_transform {pt} is not supported"))
}

fn linear_regressor(ctx: &Ctx, n: &Node, ins: &mut [Option<Val>]) -> OpResult<Vec<Val>> {
    let a = &n.attrs;
    let x = req(ins, 0)?;
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
        y = y.add(const_f(ctx, b, [1, 1, 1, 1, 1, targets]).expand([1, 1, 1, 1, nrow, targets]));
    }
    Ok(vec![Val::D(DVal {
        t: TData::F(y),
        shape: vec![nrow, targets],
        dtype: DType::F32,
    })])
}

fn linear_classifier(ctx: &Ctx, n: &Node, ins: &mut [Option<Val>]) -> OpResult<Vec<Val>> {
    let a = &n.attrs;
    let x = req(ins, 0)?;
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
    let lab = if labels.is_empty() || labels.iter().enumerate().all(|(i, &l)| l == i as i64) {
        idx1
    } else {
        let lt =
            Tensor::<1, Int>::from_data(TensorData::new(labels.clone(), [labels.len()]), ctx.dev);
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

#[cfg(test)]
mod tests {
    use crate::HostTensor;
    use crate::testing::*;

    fn x() -> HostTensor {
        HostTensor::f32(vec![2, 2], vec![1., 2., -1., 0.5])
    }

    #[test]
    fn linear_regressor() {
        let g = Graph::new(13)
            .import("ai.onnx.ml", 1)
            .input("x", FLOAT)
            .node_in(
                "ai.onnx.ml",
                "LinearRegressor",
                &["x"],
                &["y"],
                vec![
                    attr_floats("coefficients", &[2., 1.]),
                    attr_floats("intercepts", &[0.5]),
                ],
            )
            .output("y", FLOAT);
        assert_close(&g.run(vec![("x", x())]).unwrap()[0], &[2, 1], &[4.5, -1.]);
    }

    fn classifier(attrs: Vec<onnx_ir::AttributeProto>) -> Result<Vec<HostTensor>, String> {
        Graph::new(13)
            .import("ai.onnx.ml", 1)
            .input("x", FLOAT)
            .node_in(
                "ai.onnx.ml",
                "LinearClassifier",
                &["x"],
                &["label", "p"],
                attrs,
            )
            .output("label", INT64)
            .output("p", FLOAT)
            .run(vec![("x", x())])
    }

    #[test]
    fn linear_classifier_labels_and_post_transform() {
        // Two classes, scores x·[1, 0] and x·[0, 1]; labels 10 and 20.
        let base = || {
            vec![
                attr_floats("coefficients", &[1., 0., 0., 1.]),
                attr_ints("classlabels_ints", &[10, 20]),
            ]
        };
        let y = classifier(base()).unwrap();
        assert_eq!(i64s(&y[0]), [20, 20]);
        assert_close(&y[1], &[2, 2], &[1., 2., -1., 0.5]);
        let mut a = base();
        a.push(attr_s("post_transform", "SOFTMAX"));
        let y = classifier(a).unwrap();
        let s = |a: f32, b: f32| 1.0 / (1.0 + (b - a).exp());
        assert_close(
            &y[1],
            &[2, 2],
            &[s(1., 2.), s(2., 1.), s(-1., 0.5), s(0.5, -1.)],
        );
        // Refused at load time: string labels, unknown post-transforms.
        let mut a = base();
        a.push(attr_s("post_transform", "PROBIT"));
        assert!(
            classifier(a)
                .unwrap_err()
                .contains("post_transform PROBIT is not supported")
        );
        let mut s = onnx_ir::AttributeProto::new();
        s.name = "classlabels_strings".into();
        let e = classifier(vec![attr_floats("coefficients", &[1., 0.]), s]).unwrap_err();
        assert!(e.contains("string class labels"), "{e}");
    }
}
