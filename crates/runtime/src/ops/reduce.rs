//! Reductions and scans: ReduceSum/Mean/Max/Min/Prod/L1/L2/SumSquare/LogSum/LogSumExp, ArgMax,
//! ArgMin, CumSum.
//!
//! Opset traps: the reduction axes are an input from opset 18 (ReduceSum: from 13), an attribute
//! before; no axes reduces everything unless `noop_with_empty_axes`. Integer Sum/Max/Min/Prod stay
//! integer; reductions of empty sets give the identity (sum 0, prod 1, max −∞, min +∞).

use crate::error::OpResult;
use crate::plan::Node;
use crate::registry::{AsyncOp, OpDef};
use crate::types::DType;
use crate::value::*;

use super::Ctx;
use super::cast::cast;
use super::helpers::*;

/// A reduction kind.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Reduce {
    Mean,
    Sum,
    Max,
    Min,
    Prod,
    L1,
    L2,
    SumSquare,
    LogSum,
    LogSumExp,
}

pub(crate) const OPS: &[OpDef] = &[
    OpDef::asynk("ReduceL1", AsyncOp::Reduce(Reduce::L1)),
    OpDef::asynk("ReduceL2", AsyncOp::Reduce(Reduce::L2)),
    OpDef::asynk("ReduceLogSum", AsyncOp::Reduce(Reduce::LogSum)),
    OpDef::asynk("ReduceLogSumExp", AsyncOp::Reduce(Reduce::LogSumExp)),
    OpDef::asynk("ReduceMax", AsyncOp::Reduce(Reduce::Max)),
    OpDef::asynk("ReduceMean", AsyncOp::Reduce(Reduce::Mean)),
    OpDef::asynk("ReduceMin", AsyncOp::Reduce(Reduce::Min)),
    OpDef::asynk("ReduceProd", AsyncOp::Reduce(Reduce::Prod)),
    OpDef::asynk("ReduceSum", AsyncOp::Reduce(Reduce::Sum)),
    OpDef::asynk("ReduceSumSquare", AsyncOp::Reduce(Reduce::SumSquare)),
    OpDef::sync("ArgMax", arg_max),
    OpDef::sync("ArgMin", arg_min),
    OpDef::asynk("CumSum", AsyncOp::CumSum),
];

pub(crate) async fn reduce(
    ctx: &Ctx<'_>,
    n: &Node,
    op: Reduce,
    ins: &mut [Option<Val>],
) -> OpResult<Vec<Val>> {
    let a = &n.attrs;
    let x = req(ins, 0)?;
    let r = x.rank();
    let axes_in_input = n.opset >= 18 || (op == Reduce::Sum && n.opset >= 13);
    let axes = if axes_in_input {
        match opt(ins, 1) {
            Some(v) => Some(ints(v).await?),
            None => None,
        }
    } else {
        a.ints("axes")
    };
    let keep = a.i("keepdims", 1) == 1;
    let axes: Vec<usize> = match axes {
        Some(ax) if !ax.is_empty() => ax
            .iter()
            .map(|&v| norm_axis(v, r))
            .collect::<OpResult<_>>()?,
        _ => {
            if a.i("noop_with_empty_axes", 0) == 1 {
                return one(x.clone());
            }
            (0..r).collect()
        }
    };
    let out: Vec<usize> = (0..r)
        .filter_map(|i| {
            if axes.contains(&i) {
                if keep { Some(1) } else { None }
            } else {
                Some(x.shape()[i])
            }
        })
        .collect();
    if x.numel() == 0 {
        // Reductions of empty sets: sum 0, prod 1, max -inf, min +inf.
        let v = match op {
            Reduce::Prod => 1.0,
            Reduce::Max => f32::NEG_INFINITY,
            Reduce::Min => f32::INFINITY,
            Reduce::LogSum | Reduce::LogSumExp => f32::NEG_INFINITY,
            _ => 0.0,
        };
        let h = HVal::new(out.clone(), HData::F(vec![v; numel(&out)]), x.dtype());
        return one(cast(ctx, &Val::H(h), x.dtype())?);
    }
    let d = x.dev(ctx.dev)?;
    let (dt, kind) = (d.dtype, d.kind());
    let dims: Vec<usize> = axes.iter().map(|&ax| dax(ax, r)).collect();
    let kept: Vec<usize> = (0..r)
        .map(|i| if axes.contains(&i) { 1 } else { x.shape()[i] })
        .collect();
    let red = if kind == Kind::I
        && matches!(op, Reduce::Sum | Reduce::Max | Reduce::Min | Reduce::Prod)
    {
        let mut t = d.i();
        for &dm in &dims {
            t = match op {
                Reduce::Sum => t.sum_dim(dm),
                Reduce::Max => t.max_dim(dm),
                Reduce::Min => t.min_dim(dm),
                _ => t.prod_dim(dm),
            };
        }
        DVal {
            t: TData::I(t),
            shape: kept,
            dtype: dt,
        }
    } else {
        let t = d.f();
        let t = match op {
            Reduce::L1 => t.abs(),
            Reduce::L2 | Reduce::SumSquare => t.square(),
            _ => t,
        };
        let mut t = if op == Reduce::LogSumExp {
            let mut m = t.clone();
            for &dm in &dims {
                m = m.max_dim(dm);
            }
            let mut e = t.sub(m.clone()).exp();
            for &dm in &dims {
                e = e.sum_dim(dm);
            }
            e.log().add(m)
        } else {
            let mut t = t;
            for &dm in &dims {
                t = match op {
                    Reduce::Mean => t.mean_dim(dm),
                    Reduce::Max => t.max_dim(dm),
                    Reduce::Min => t.min_dim(dm),
                    Reduce::Prod => t.prod_dim(dm),
                    _ => t.sum_dim(dm),
                };
            }
            t
        };
        if op == Reduce::L2 {
            t = t.sqrt();
        } else if op == Reduce::LogSum {
            t = t.log();
        }
        let fdt = if kind == Kind::I { dt } else { float_dtype(dt) };
        if kind == Kind::I {
            DVal {
                t: TData::I(t.int()),
                shape: kept,
                dtype: fdt,
            }
        } else {
            DVal {
                t: TData::F(t),
                shape: kept,
                dtype: fdt,
            }
        }
    };
    one(Val::D(reshape_d(red, out)?))
}

fn arg_max(ctx: &Ctx, n: &Node, ins: &mut [Option<Val>]) -> OpResult<Vec<Val>> {
    arg(ctx, n, true, ins)
}
fn arg_min(ctx: &Ctx, n: &Node, ins: &mut [Option<Val>]) -> OpResult<Vec<Val>> {
    arg(ctx, n, false, ins)
}

/// ArgMax/ArgMin along `axis`; `select_last_index` flips the axis so ties go to the last index.
fn arg(ctx: &Ctx, n: &Node, max: bool, ins: &[Option<Val>]) -> OpResult<Vec<Val>> {
    let a = &n.attrs;
    let x = req(ins, 0)?;
    let r = x.rank();
    let ax = norm_axis(a.i("axis", 0), r)?;
    let keep = a.i("keepdims", 1) == 1;
    let last = a.i("select_last_index", 0) == 1;
    let mut out = x.shape().to_vec();
    if keep {
        out[ax] = 1;
    } else {
        out.remove(ax);
    }
    let mut kept = x.shape().to_vec();
    kept[ax] = 1;
    let d = x.dev(ctx.dev)?;
    let dim = dax(ax, r);
    let size = x.shape()[ax] as i64;
    let f = if d.kind() == Kind::I {
        d.i().float()
    } else {
        d.f()
    };
    let f = if last { f.flip([dim]) } else { f };
    let mut i = if max { f.argmax(dim) } else { f.argmin(dim) };
    if last {
        i = i.neg().add_scalar(size - 1);
    }
    one(Val::D(reshape_d(
        DVal {
            t: TData::I(i),
            shape: kept,
            dtype: DType::I64,
        },
        out,
    )?))
}

pub(crate) async fn cum_sum(
    ctx: &Ctx<'_>,
    n: &Node,
    ins: &mut [Option<Val>],
) -> OpResult<Vec<Val>> {
    let a = &n.attrs;
    let x = req(ins, 0)?;
    let r = x.rank();
    let ax = norm_axis(ints(req(ins, 1)?).await?[0], r)?;
    let (excl, rev) = (a.i("exclusive", 0) == 1, a.i("reverse", 0) == 1);
    let d = x.dev(ctx.dev)?;
    let (s, dt, kind) = (d.shape.clone(), d.dtype, d.kind());
    let dim = dax(ax, r);
    let mut t = d.f();
    if rev {
        t = t.flip([dim]);
    }
    let mut c = t.clone().cumsum(dim);
    if excl {
        c = c.sub(t);
    }
    if rev {
        c = c.flip([dim]);
    }
    if kind == Kind::I {
        return one(ival(c.round().int(), s, dt));
    }
    one(fval(c, s, dt))
}

#[cfg(test)]
mod tests {
    use crate::HostTensor;
    use crate::testing::*;

    fn x() -> HostTensor {
        HostTensor::f32(vec![2, 3], vec![1., 2., 3., 4., 5., 6.])
    }
    fn with_axes(
        opset: i64,
        op: &str,
        axes: &[i64],
        attrs: Vec<onnx_ir::AttributeProto>,
    ) -> HostTensor {
        Graph::new(opset)
            .input("x", FLOAT)
            .init_i("axes", &[axes.len() as i64], axes)
            .node(op, &["x", "axes"], &["y"], attrs)
            .output("y", FLOAT)
            .run(vec![("x", x())])
            .unwrap()
            .remove(0)
    }

    #[test]
    fn reduce_sum_axes_attribute_before_13_input_from_13() {
        let y = run_op(
            11,
            "ReduceSum",
            vec![x()],
            vec![attr_ints("axes", &[1])],
            FLOAT,
        )
        .unwrap();
        assert_close(&y, &[2, 1], &[6., 15.]);
        assert_close(
            &with_axes(13, "ReduceSum", &[0], vec![]),
            &[1, 3],
            &[5., 7., 9.],
        );
        // Other reductions take axes as an input only from opset 18.
        let y = run_op(
            13,
            "ReduceMean",
            vec![x()],
            vec![attr_ints("axes", &[1]), attr_i("keepdims", 0)],
            FLOAT,
        )
        .unwrap();
        assert_close(&y, &[2], &[2., 5.]);
        assert_close(
            &with_axes(18, "ReduceMax", &[-1], vec![attr_i("keepdims", 0)]),
            &[2],
            &[3., 6.],
        );
    }

    #[test]
    fn reduce_without_axes() {
        let y = run_op(
            13,
            "ReduceSum",
            vec![x()],
            vec![attr_i("keepdims", 0)],
            FLOAT,
        )
        .unwrap();
        assert_close(&y, &[], &[21.]);
        let y = run_op(
            13,
            "ReduceSum",
            vec![x()],
            vec![attr_i("noop_with_empty_axes", 1)],
            FLOAT,
        )
        .unwrap();
        assert_close(&y, &[2, 3], &[1., 2., 3., 4., 5., 6.]);
        let y = run_op(
            13,
            "ReduceLogSumExp",
            vec![x()],
            vec![attr_ints("axes", &[1])],
            FLOAT,
        )
        .unwrap();
        let l = |a: f32, b: f32, c: f32| (a.exp() + b.exp() + c.exp()).ln();
        assert_close(&y, &[2, 1], &[l(1., 2., 3.), l(4., 5., 6.)]);
    }

    #[test]
    fn integer_sums_stay_integer_and_arg_select_last_index() {
        let y = run_op(
            13,
            "ReduceSum",
            vec![HostTensor::i64(vec![3], vec![1, -2, 40])],
            vec![],
            INT64,
        )
        .unwrap();
        assert_eq!(i64s(&y), [39]);
        let t = HostTensor::f32(vec![4], vec![1., 3., 3., 0.]);
        let y = run_op(13, "ArgMax", vec![t.clone()], vec![], INT64).unwrap();
        assert_eq!(i64s(&y), [1]);
        let y = run_op(
            13,
            "ArgMax",
            vec![t],
            vec![attr_i("select_last_index", 1)],
            INT64,
        )
        .unwrap();
        assert_eq!(i64s(&y), [2]);
    }

    #[test]
    fn cum_sum_exclusive_reverse() {
        let t = || HostTensor::f32(vec![4], vec![1., 2., 3., 4.]);
        let g = |attrs| {
            Graph::new(14)
                .input("x", FLOAT)
                .init_i("ax", &[], &[0])
                .node("CumSum", &["x", "ax"], &["y"], attrs)
                .output("y", FLOAT)
                .run(vec![("x", t())])
                .unwrap()
                .remove(0)
        };
        assert_close(&g(vec![]), &[4], &[1., 3., 6., 10.]);
        assert_close(
            &g(vec![attr_i("exclusive", 1), attr_i("reverse", 1)]),
            &[4],
            &[9., 7., 4., 0.],
        );
    }
}
