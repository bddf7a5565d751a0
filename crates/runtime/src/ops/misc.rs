//! Ops of no larger family: Identity, Dropout (inference: the identity, mask all true), Constant
//! (folded into the plan's constants at load time), Range, Trilu, NegativeLogLikelihoodLoss.

use crate::error::OpResult;
use crate::plan::Node;
use crate::registry::{AsyncOp, OpDef};
use crate::types::DType;
use crate::value::*;

use super::Ctx;
use super::helpers::*;

pub(crate) const OPS: &[OpDef] = &[
    OpDef::sync("Identity", identity),
    OpDef::sync("Dropout", identity),
    OpDef::sync("Constant", constant),
    OpDef::asynk("Range", AsyncOp::Range),
    OpDef::asynk("Trilu", AsyncOp::Trilu),
    OpDef::asynk(
        "NegativeLogLikelihoodLoss",
        AsyncOp::NegativeLogLikelihoodLoss,
    ),
];

/// Never runs: the plan folds Constant nodes (`fold::constant_value`).
fn constant(_ctx: &Ctx, _n: &Node, _ins: &mut [Option<Val>]) -> OpResult<Vec<Val>> {
    Err("Constant nodes are folded at load time".into())
}

/// Identity, and Dropout at inference (the mask output is all true).
fn identity(ctx: &Ctx, n: &Node, ins: &mut [Option<Val>]) -> OpResult<Vec<Val>> {
    req(ins, 0)?;
    // The input by value: no copy, not even of the tensor handle.
    let x = ins[0].take().expect("checked");
    let s = x.shape().to_vec();
    let mut out = vec![x];
    if n.outputs.len() > 1 {
        let m = HVal::new(s.clone(), HData::B(vec![true; numel(&s)]), DType::Bool);
        out.push(host_or_dev(m, ctx)?);
    }
    Ok(out)
}

pub(crate) async fn range(ctx: &Ctx<'_>, _n: &Node, ins: &mut [Option<Val>]) -> OpResult<Vec<Val>> {
    let (s, l, d) = (req(ins, 0)?, req(ins, 1)?, req(ins, 2)?);
    let dt = s.dtype();
    if dt.is_float() {
        let (s, l, d) = (
            scalar_f(s).await? as f64,
            scalar_f(l).await? as f64,
            scalar_f(d).await? as f64,
        );
        if d == 0.0 {
            return Err("delta cannot be 0".into());
        }
        let cnt = ((l - s) / d).ceil().max(0.0) as usize;
        check_size(&[cnt])?;
        let v: Vec<f32> = (0..cnt).map(|i| (s + i as f64 * d) as f32).collect();
        return one(host_or_dev(HVal::new(vec![cnt], HData::F(v), dt), ctx)?);
    }
    let (s, l, d) = (ints(s).await?[0], ints(l).await?[0], ints(d).await?[0]);
    if d == 0 {
        return Err("delta cannot be 0".into());
    }
    let cnt = (((l - s) as f64) / d as f64).ceil().max(0.0) as usize;
    check_size(&[cnt])?;
    let v: Vec<i64> = (0..cnt as i64).map(|i| s + i * d).collect();
    one(host_or_dev(HVal::new(vec![cnt], HData::I(v), dt), ctx)?)
}

pub(crate) async fn trilu(ctx: &Ctx<'_>, n: &Node, ins: &mut [Option<Val>]) -> OpResult<Vec<Val>> {
    let a = &n.attrs;
    let x = req(ins, 0)?;
    if x.rank() < 2 {
        return Err("input must have rank ≥ 2".into());
    }
    let k = match opt(ins, 1) {
        Some(v) => ints(v).await?[0],
        None => 0,
    };
    let upper = a.i("upper", 1) == 1;
    if x.numel() == 0 {
        return one(x.clone());
    }
    let d = x.dev(ctx.dev)?;
    let (s, dt, kind) = (d.shape.clone(), d.dtype, d.kind());
    let t = match kind {
        Kind::F => {
            let t = d.f();
            TData::F(if upper { t.triu(k) } else { t.tril(k) })
        }
        _ => {
            let t = d.i();
            let t = if upper { t.triu(k) } else { t.tril(k) };
            if kind == Kind::B {
                TData::B(t.bool())
            } else {
                TData::I(t)
            }
        }
    };
    one(Val::D(DVal {
        t,
        shape: s,
        dtype: dt,
    }))
}

pub(crate) async fn nll_loss(
    ctx: &Ctx<'_>,
    n: &Node,
    ins: &mut [Option<Val>],
) -> OpResult<Vec<Val>> {
    let a = &n.attrs;
    // A training loss, computed on the host (small inputs in practice).
    let (x, tg) = (req(ins, 0)?.host().await?, req(ins, 1)?.host().await?);
    let xs = x.shape.clone();
    if xs.len() < 2
        || tg.shape.len() != xs.len() - 1
        || tg.shape[0] != xs[0]
        || tg.shape[1..] != xs[2..]
    {
        return Err(format!("input {xs:?} and target {:?} do not fit", tg.shape));
    }
    let (nb, c, dd) = (xs[0], xs[1], numel(&xs[2..]));
    let w = match opt(ins, 2) {
        Some(w) => Some(floats(w).await?),
        None => None,
    };
    let ign = a.has("ignore_index").then(|| a.i("ignore_index", 0));
    let xv = x.data.as_f32();
    let tv = tg.data.as_i64();
    let mut loss = vec![0f32; nb * dd];
    let mut wsum = 0f64;
    for i in 0..nb {
        for d in 0..dd {
            let t = tv[i * dd + d];
            if Some(t) == ign {
                continue;
            }
            if t < 0 || t as usize >= c {
                return Err(format!("target {t} is out of range for {c} classes"));
            }
            let wt = w.as_ref().map(|w| w[t as usize]).unwrap_or(1.0);
            loss[i * dd + d] = -xv[(i * c + t as usize) * dd + d] * wt;
            wsum += wt as f64;
        }
    }
    let red = a.s("reduction").unwrap_or_else(|| "mean".into());
    let h = match red.as_str() {
        "none" => HVal::new(tg.shape.clone(), HData::F(loss), x.dtype),
        "sum" => HVal::new(
            vec![],
            HData::F(vec![loss.iter().map(|&v| v as f64).sum::<f64>() as f32]),
            x.dtype,
        ),
        _ => HVal::new(
            vec![],
            HData::F(vec![
                (loss.iter().map(|&v| v as f64).sum::<f64>() / wsum) as f32,
            ]),
            x.dtype,
        ),
    };
    one(host_or_dev(h, ctx)?)
}

#[cfg(test)]
mod tests {
    use crate::HostTensor;
    use crate::testing::*;

    #[test]
    fn dropout_at_inference_is_the_identity_with_a_true_mask() {
        let x = HostTensor::f32(vec![3], vec![1., -2., 3.]);
        let g = Graph::new(13)
            .input("x", FLOAT)
            .node("Dropout", &["x"], &["y", "mask"], vec![])
            .node("Identity", &["y"], &["z"], vec![])
            .output("z", FLOAT)
            .output("mask", BOOL);
        let y = g.run(vec![("x", x)]).unwrap();
        assert_close(&y[0], &[3], &[1., -2., 3.]);
        assert_eq!(f32s(&y[1]), [1., 1., 1.]);
    }

    #[test]
    fn range_and_trilu() {
        let s = |v: i64| HostTensor::i64(vec![], vec![v]);
        let y = run_op(11, "Range", vec![s(5), s(-1), s(-2)], vec![], INT64).unwrap();
        assert_eq!(i64s(&y), [5, 3, 1]);
        let f = |v: f32| HostTensor::f32(vec![], vec![v]);
        let y = run_op(11, "Range", vec![f(0.), f(1.), f(0.25)], vec![], FLOAT).unwrap();
        assert_close(&y, &[4], &[0., 0.25, 0.5, 0.75]);
        let m = HostTensor::f32(vec![2, 2], vec![1., 2., 3., 4.]);
        let y = run_op(14, "Trilu", vec![m.clone()], vec![], FLOAT).unwrap();
        assert_close(&y, &[2, 2], &[1., 2., 0., 4.]);
        let y = run_op(14, "Trilu", vec![m], vec![attr_i("upper", 0)], FLOAT).unwrap();
        assert_close(&y, &[2, 2], &[1., 0., 3., 4.]);
    }

    #[test]
    fn constant_nodes_are_folded() {
        let mut c = onnx_ir::AttributeProto::new();
        c.name = "value_floats".into();
        c.floats = vec![1., 2.];
        let g = Graph::new(13)
            .input("x", FLOAT)
            .node("Constant", &[], &["c"], vec![c])
            .node("Add", &["x", "c"], &["y"], vec![])
            .output("y", FLOAT);
        let y = g
            .run(vec![("x", HostTensor::f32(vec![2], vec![1., 1.]))])
            .unwrap();
        assert_close(&y[0], &[2], &[2., 3.]);
    }
}
