//! Activations that are not plain elementwise maps: Softmax, LogSoftmax and Hardmax (along an
//! axis), PRelu (a broadcast slope) and Clip.
//!
//! Opset traps: before opset 13 Softmax/LogSoftmax/Hardmax flatten the input to 2-D at `axis`
//! (default 1) and normalize over the whole trailing block; from 13 they normalize along `axis`
//! alone (default −1). Before opset 11 Clip's bounds are attributes, from 11 optional inputs.
//! Clip with min > max gives max everywhere, as ONNX specifies (clamp to min, then to max).

use burn::tensor::activation;
use burn::tensor::{Int, Tensor};

use crate::error::OpResult;
use crate::plan::Node;
use crate::registry::{AsyncOp, OpDef};
use crate::value::*;

use super::Ctx;
use super::helpers::*;

pub(crate) const OPS: &[OpDef] = &[
    OpDef::asynk("Clip", AsyncOp::Clip),
    OpDef::sync("Hardmax", hardmax),
    OpDef::sync("LogSoftmax", log_softmax),
    OpDef::sync("PRelu", prelu),
    OpDef::sync("Softmax", softmax),
];

#[derive(Clone, Copy, PartialEq)]
enum Softmax {
    Plain,
    Log,
    Hard,
}

fn softmax(ctx: &Ctx, n: &Node, ins: &mut [Option<Val>]) -> OpResult<Vec<Val>> {
    softmax_like(ctx, n, Softmax::Plain, ins)
}
fn log_softmax(ctx: &Ctx, n: &Node, ins: &mut [Option<Val>]) -> OpResult<Vec<Val>> {
    softmax_like(ctx, n, Softmax::Log, ins)
}
fn hardmax(ctx: &Ctx, n: &Node, ins: &mut [Option<Val>]) -> OpResult<Vec<Val>> {
    softmax_like(ctx, n, Softmax::Hard, ins)
}

fn softmax_like(ctx: &Ctx, n: &Node, kind: Softmax, ins: &[Option<Val>]) -> OpResult<Vec<Val>> {
    let a = &n.attrs;
    let x = req(ins, 0)?;
    let r = x.rank();
    let log = kind == Softmax::Log;
    if x.numel() == 0 {
        return one(x.clone());
    }
    let (t, s, dt) = fdev(x, ctx)?;
    let sm = |t: FT, dim: usize| -> FT {
        if kind == Softmax::Hard {
            let am = t.clone().argmax(dim);
            let iota = Tensor::<1, Int>::arange(0..t.dims()[dim] as i64, ctx.dev);
            let mut sh = [1usize; R];
            sh[dim] = t.dims()[dim];
            let iota = iota.reshape([t.dims()[dim]]).reshape(sh).expand(t.dims());
            iota.equal(am.expand(t.dims())).float()
        } else if log {
            activation::log_softmax(t, dim)
        } else {
            activation::softmax(t, dim)
        }
    };
    if n.opset < 13 {
        let ax = norm_axis(a.i("axis", 1), r)?;
        let (o, i) = (numel(&s[..ax]), numel(&s[ax..]));
        let t2 = t.reshape(p6(&[o, i])?);
        let y = sm(t2, R - 1).reshape(p6(&s)?);
        return one(fval(y, s, dt));
    }
    let ax = norm_axis(a.i("axis", -1), r)?;
    if ax + 1 == r && kind != Softmax::Hard {
        // Rows × classes: the backend's 2-D path is much faster than a rank-6 one.
        let (rows, cols) = (numel(&s[..ax]), s[ax]);
        let t2: Tensor<2> = t.reshape([rows, cols]);
        let m = t2.clone().max_dim(1);
        let z = t2.sub(m.expand([rows, cols]));
        let e = z.clone().exp();
        let sum = e.clone().sum_dim(1);
        let y2 = if log {
            z.sub(sum.log().expand([rows, cols]))
        } else {
            e.div(sum.expand([rows, cols]))
        };
        return one(fval(y2.reshape(p6(&s)?), s, dt));
    }
    one(fval(sm(t, dax(ax, r)), s, dt))
}

fn prelu(ctx: &Ctx, _n: &Node, ins: &mut [Option<Val>]) -> OpResult<Vec<Val>> {
    let (x, slope) = (req(ins, 0)?, req(ins, 1)?);
    let out = bcast(x.shape(), slope.shape())?;
    let s6 = p6(&out)?;
    let (t, _, dt) = fdev(x, ctx)?;
    let (sl, _, _) = fdev(slope, ctx)?;
    let t = t.expand(s6);
    let neg = t.clone().lower_elem(0.0);
    let r = t.clone().mask_where(neg, t.mul(sl.expand(s6)));
    one(fval(r, out, dt))
}

/// Clip: the fast path (opset ≥ 11, a device float, scalar bounds on the host) takes the input by
/// value; otherwise the bounds may have to be read back from the device.
pub(crate) async fn clip(ctx: &Ctx<'_>, n: &Node, ins: &mut [Option<Val>]) -> OpResult<Vec<Val>> {
    if n.opset >= 11
        && ins.first().is_some_and(is_dev_f)
        && let Some(v) = clip_fast(ins)
    {
        return one(v);
    }
    let a = &n.attrs;
    let x = req(ins, 0)?;
    let (mut lo, mut hi): (Option<f64>, Option<f64>) = (None, None);
    if n.opset < 11 {
        lo = a.has("min").then(|| a.f("min", 0.0) as f64);
        hi = a.has("max").then(|| a.f("max", 0.0) as f64);
    } else {
        if let Some(v) = opt(ins, 1) {
            lo = Some(
                v.host()
                    .await?
                    .data
                    .as_f64()
                    .first()
                    .copied()
                    .ok_or("empty min")?,
            );
        }
        if let Some(v) = opt(ins, 2) {
            hi = Some(
                v.host()
                    .await?
                    .data
                    .as_f64()
                    .first()
                    .copied()
                    .ok_or("empty max")?,
            );
        }
    }
    if x.numel() == 0 {
        return one(x.clone());
    }
    let d = x.dev(ctx.dev)?;
    let (s, dt) = (d.shape.clone(), d.dtype);
    // clamp_min then clamp_max: when min > max every value becomes max, as ONNX says.
    if d.kind() == Kind::I {
        let mut t = d.i();
        if let Some(l) = lo {
            t = t.clamp_min(l as i64);
        }
        if let Some(h) = hi {
            t = t.clamp_max(h as i64);
        }
        return one(ival(t, s, dt));
    }
    let mut t = d.f();
    if let Some(l) = lo {
        t = t.clamp_min(l as f32);
    }
    if let Some(h) = hi {
        t = t.clamp_max(h as f32);
    }
    one(fval(t, s, dt))
}

/// `None` when a bound is not a host scalar.
fn clip_fast(ins: &mut [Option<Val>]) -> Option<Val> {
    let lo = match ins.get(1) {
        None | Some(None) => None,
        Some(v) => Some(host_scalar(v)?),
    };
    let hi = match ins.get(2) {
        None | Some(None) => None,
        Some(v) => Some(host_scalar(v)?),
    };
    let Some(Val::D(d)) = ins[0].take() else {
        unreachable!()
    };
    let (shape, dt) = (d.shape.clone(), d.dtype);
    let t = d.f();
    let r = match (lo, hi) {
        // min > max is legal ONNX: every value becomes max.
        (Some(l), Some(h)) if l > h => t.zeros_like().add_scalar(h),
        (Some(l), Some(h)) => t.clamp(l, h),
        (Some(l), None) => t.clamp_min(l),
        (None, Some(h)) => t.clamp_max(h),
        (None, None) => t,
    };
    Some(fval(r, shape, dt))
}

#[cfg(test)]
mod tests {
    use crate::HostTensor;
    use crate::testing::*;

    fn x() -> HostTensor {
        HostTensor::f32(vec![4], vec![-2.0, 0.0, 1.5, 3.0])
    }

    #[test]
    fn clip_with_min_above_max_gives_max() {
        // opset ≥ 11, bounds as host constants: the fast path.
        let g = Graph::new(13)
            .input("x", FLOAT)
            .init_f("lo", &[], &[2.0])
            .init_f("hi", &[], &[1.0])
            .node("Clip", &["x", "lo", "hi"], &["y"], vec![])
            .output("y", FLOAT);
        assert_close(&g.run(vec![("x", x())]).unwrap()[0], &[4], &[1.0; 4]);
        // Bounds as graph inputs (device values, read back): the general path.
        let y = run_op(
            13,
            "Clip",
            vec![
                x(),
                HostTensor::f32(vec![], vec![2.0]),
                HostTensor::f32(vec![], vec![1.0]),
            ],
            vec![],
            FLOAT,
        )
        .unwrap();
        assert_close(&y, &[4], &[1.0; 4]);
        // Before opset 11 the bounds are attributes.
        let y = run_op(
            6,
            "Clip",
            vec![x()],
            vec![attr_f("min", 2.0), attr_f("max", 1.0)],
            FLOAT,
        )
        .unwrap();
        assert_close(&y, &[4], &[1.0; 4]);
        // Integers too.
        let y = run_op(
            13,
            "Clip",
            vec![
                HostTensor::i64(vec![3], vec![-5, 0, 5]),
                HostTensor::i64(vec![], vec![2]),
                HostTensor::i64(vec![], vec![1]),
            ],
            vec![],
            INT64,
        )
        .unwrap();
        assert_eq!(i64s(&y), [1, 1, 1]);
    }

    #[test]
    fn clip_bounds_are_optional() {
        let g = Graph::new(13)
            .input("x", FLOAT)
            .init_f("hi", &[], &[1.0])
            .node("Clip", &["x", "", "hi"], &["y"], vec![])
            .output("y", FLOAT);
        assert_close(
            &g.run(vec![("x", x())]).unwrap()[0],
            &[4],
            &[-2.0, 0.0, 1.0, 1.0],
        );
        let y = run_op(6, "Clip", vec![x()], vec![attr_f("min", 0.0)], FLOAT).unwrap();
        assert_close(&y, &[4], &[0.0, 0.0, 1.5, 3.0]);
    }

    fn softmax(v: &[f64]) -> Vec<f32> {
        let s: f64 = v.iter().map(|x| x.exp()).sum();
        v.iter().map(|x| (x.exp() / s) as f32).collect()
    }

    #[test]
    fn softmax_before_13_flattens_from_axis_and_after_13_uses_one_axis() {
        // x[b, i, j] = 4b + 2i + j, shape [2, 2, 2], axis = 1.
        let v: Vec<f32> = (0..8).map(|i| i as f32).collect();
        let x = || HostTensor::f32(vec![2, 2, 2], v.clone());
        // opset 11: each batch row [4b .. 4b+3] is one distribution over 4 values.
        let y = run_op(11, "Softmax", vec![x()], vec![attr_i("axis", 1)], FLOAT).unwrap();
        let row = softmax(&[0.0, 1.0, 2.0, 3.0]);
        let want: Vec<f32> = row.iter().chain(&row).copied().collect();
        assert_close(&y, &[2, 2, 2], &want);
        // opset 13: distributions along axis 1 only, pairs (x[b,0,j], x[b,1,j]) two apart.
        let y = run_op(13, "Softmax", vec![x()], vec![attr_i("axis", 1)], FLOAT).unwrap();
        let p = softmax(&[0.0, 2.0]);
        assert_close(
            &y,
            &[2, 2, 2],
            &[p[0], p[0], p[1], p[1], p[0], p[0], p[1], p[1]],
        );
        // The defaults differ too: axis 1 before 13, −1 from 13.
        let y = run_op(11, "LogSoftmax", vec![x()], vec![], FLOAT).unwrap();
        let want: Vec<f32> = want.iter().map(|p| p.ln()).collect();
        assert_close(&y, &[2, 2, 2], &want);
        let y = run_op(13, "Softmax", vec![x()], vec![], FLOAT).unwrap();
        let p = softmax(&[0.0, 1.0]);
        assert_close(&y, &[2, 2, 2], &p.repeat(4));
    }

    #[test]
    fn hardmax_and_prelu() {
        let x = HostTensor::f32(vec![2, 3], vec![1., 3., 3., -1., -2., -3.]);
        let y = run_op(13, "Hardmax", vec![x.clone()], vec![], FLOAT).unwrap();
        assert_close(&y, &[2, 3], &[0., 1., 0., 1., 0., 0.]);
        let slope = HostTensor::f32(vec![3], vec![0.5, 1.0, 2.0]);
        let y = run_op(13, "PRelu", vec![x, slope], vec![], FLOAT).unwrap();
        assert_close(&y, &[2, 3], &[1., 3., 3., -0.5, -2., -6.]);
    }
}
