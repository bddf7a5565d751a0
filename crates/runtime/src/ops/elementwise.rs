//! Elementwise arithmetic with ONNX (numpy) broadcasting: Add, Sub, Mul, Div, Pow, Mod, and the
//! variadic Max, Min, Sum, Mean. [`Bin`] is also the kind of the comparison, logic and bitwise ops
//! (`logic.rs`), which share [`bin`].
//!
//! Integer math stays integer: Div truncates toward zero (C semantics, not the floor that a float
//! division followed by a cast would give), Mod follows the sign of the divisor (Python) while
//! `fmod=1` follows the dividend (C), and Pow of integers is computed in float and rounded back.
//! Small host values (shape arithmetic) are computed on the host; everything else on the device.

use crate::error::OpResult;
use crate::plan::Node;
use crate::proto::Attrs;
use crate::registry::{Op, OpDef, SyncOp};
use crate::types::DType;
use crate::value::*;

use super::Ctx;
use super::helpers::*;

pub(crate) const OPS: &[OpDef] = &[
    OpDef::bin("Add", Bin::Add),
    OpDef::bin("Sub", Bin::Sub),
    OpDef::bin("Mul", Bin::Mul),
    OpDef::bin("Div", Bin::Div),
    OpDef::bin("Pow", Bin::Pow),
    OpDef::by_node("Mod", mod_op).note("fmod 0/1"),
    OpDef::sync("Max", max),
    OpDef::sync("Min", min),
    OpDef::sync("Sum", sum),
    OpDef::sync("Mean", mean),
];

/// `fmod` is read once, at plan time.
fn mod_op(a: &Attrs, _opset: i64) -> Op {
    Op::Sync(SyncOp::Bin(if a.i("fmod", 0) == 1 {
        Bin::FMod
    } else {
        Bin::Mod
    }))
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Bin {
    Add,
    Sub,
    Mul,
    Div,
    Pow,
    Max,
    Min,
    Mod,
    FMod,
    Eq,
    Lt,
    Le,
    Gt,
    Ge,
    And,
    Or,
    Xor,
    BitAnd,
    BitOr,
    BitXor,
}

impl Bin {
    fn is_cmp(self) -> bool {
        matches!(self, Bin::Eq | Bin::Lt | Bin::Le | Bin::Gt | Bin::Ge)
    }
    fn is_logic(self) -> bool {
        matches!(self, Bin::And | Bin::Or | Bin::Xor)
    }
}

fn host_bin(op: Bin, a: &HVal, b: &HVal) -> OpResult<HVal> {
    let out = bcast(&a.shape, &b.shape)?;
    let ia = bcast_idx(&out, &a.shape);
    let ib = bcast_idx(&out, &b.shape);
    let int = a.data.kind() != Kind::F && b.data.kind() != Kind::F && !op.is_logic();
    if op.is_logic() {
        let (x, y) = (a.data.as_i64(), b.data.as_i64());
        let v = ia
            .iter()
            .zip(&ib)
            .map(|(&i, &j)| {
                let (p, q) = (x[i] != 0, y[j] != 0);
                match op {
                    Bin::And => p && q,
                    Bin::Or => p || q,
                    _ => p ^ q,
                }
            })
            .collect();
        return Ok(HVal::new(out, HData::B(v), DType::Bool));
    }
    if int {
        let (x, y) = (a.data.as_i64(), b.data.as_i64());
        if op.is_cmp() {
            let v = ia
                .iter()
                .zip(&ib)
                .map(|(&i, &j)| {
                    let (p, q) = (x[i], y[j]);
                    match op {
                        Bin::Eq => p == q,
                        Bin::Lt => p < q,
                        Bin::Le => p <= q,
                        Bin::Gt => p > q,
                        _ => p >= q,
                    }
                })
                .collect();
            return Ok(HVal::new(out, HData::B(v), DType::Bool));
        }
        let mut v = Vec::with_capacity(ia.len());
        for (&i, &j) in ia.iter().zip(&ib) {
            let (p, q) = (x[i], y[j]);
            v.push(match op {
                Bin::Add => p.wrapping_add(q),
                Bin::Sub => p.wrapping_sub(q),
                Bin::Mul => p.wrapping_mul(q),
                Bin::Div => {
                    if q == 0 {
                        return Err("integer division by zero".into());
                    }
                    p.wrapping_div(q)
                }
                Bin::Pow => (p as f64).powf(q as f64) as i64,
                Bin::Max => p.max(q),
                Bin::Min => p.min(q),
                Bin::Mod | Bin::FMod => {
                    if q == 0 {
                        return Err("integer modulo by zero".into());
                    }
                    let r = p.wrapping_rem(q);
                    if op == Bin::Mod && r != 0 && ((r < 0) != (q < 0)) {
                        r + q
                    } else {
                        r
                    }
                }
                Bin::BitAnd => p & q,
                Bin::BitOr => p | q,
                Bin::BitXor => p ^ q,
                _ => unreachable!(),
            });
        }
        let dtype = if a.dtype.is_int() {
            a.dtype
        } else {
            DType::I64
        };
        return Ok(HVal::new(out, HData::I(wrap_ints(v, dtype)), dtype));
    }
    let (x, y) = (a.data.as_f64(), b.data.as_f64());
    if op.is_cmp() {
        let v = ia
            .iter()
            .zip(&ib)
            .map(|(&i, &j)| {
                let (p, q) = (x[i], y[j]);
                match op {
                    Bin::Eq => p == q,
                    Bin::Lt => p < q,
                    Bin::Le => p <= q,
                    Bin::Gt => p > q,
                    _ => p >= q,
                }
            })
            .collect();
        return Ok(HVal::new(out, HData::B(v), DType::Bool));
    }
    let v = ia
        .iter()
        .zip(&ib)
        .map(|(&i, &j)| {
            let (p, q) = (x[i], y[j]);
            (match op {
                Bin::Add => p + q,
                Bin::Sub => p - q,
                Bin::Mul => p * q,
                Bin::Div => p / q,
                Bin::Pow => p.powf(q),
                Bin::Max => p.max(q),
                Bin::Min => p.min(q),
                Bin::FMod => p % q,
                Bin::Mod => {
                    let r = p % q;
                    if r != 0.0 && ((r < 0.0) != (q < 0.0)) {
                        r + q
                    } else {
                        r
                    }
                }
                _ => f64::NAN,
            }) as f32
        })
        .collect();
    let dtype = if a.dtype.is_float() {
        a.dtype
    } else {
        float_dtype(b.dtype)
    };
    Ok(HVal::new(out, HData::F(v), dtype))
}

pub(crate) fn dev_bin(op: Bin, a: DVal, b: DVal) -> OpResult<DVal> {
    let out = bcast(&a.shape, &b.shape)?;
    let s6 = p6(&out)?;
    let same = a.shape == b.shape;
    let ka = a.kind();
    let kb = b.kind();
    let (adt, bdt) = (a.dtype, b.dtype);
    let mk = |t: TData, dtype| DVal {
        t,
        shape: out.clone(),
        dtype,
    };
    if op.is_logic() {
        let (x, y) = (a.b(), b.b());
        let (x, y) = if same {
            (x, y)
        } else {
            (x.expand(s6), y.expand(s6))
        };
        let r = match op {
            Bin::And => x.bool_and(y),
            Bin::Or => x.bool_or(y),
            _ => x.bool_xor(y),
        };
        return Ok(mk(TData::B(r), DType::Bool));
    }
    if ka == Kind::F || kb == Kind::F || op == Bin::Pow {
        // Pow on ints is computed in float and rounded back.
        let int_pow = op == Bin::Pow && ka != Kind::F;
        let (x, y) = (a.f(), b.f());
        let (x, y) = if same {
            (x, y)
        } else {
            (x.expand(s6), y.expand(s6))
        };
        if op.is_cmp() {
            let r = match op {
                Bin::Eq => x.equal(y),
                Bin::Lt => x.lower(y),
                Bin::Le => x.lower_equal(y),
                Bin::Gt => x.greater(y),
                _ => x.greater_equal(y),
            };
            return Ok(mk(TData::B(r), DType::Bool));
        }
        let r = match op {
            Bin::Add => x.add(y),
            Bin::Sub => x.sub(y),
            Bin::Mul => x.mul(y),
            Bin::Div => x.div(y),
            Bin::Pow => {
                if int_pow {
                    return Ok(mk(TData::I(x.powf(y).round().int()), adt));
                }
                x.powf(y)
            }
            Bin::Max => x.max_pair(y),
            Bin::Min => x.min_pair(y),
            Bin::FMod => x.fmod(y),
            Bin::Mod => {
                // Python-style: r = a - b*floor(a/b)
                let q = x.clone().div(y.clone()).floor();
                x.sub(q.mul(y))
            }
            other => return Err(format!("{other:?} is not defined on floats")),
        };
        let dt = if adt.is_float() {
            adt
        } else {
            float_dtype(bdt)
        };
        return Ok(mk(TData::F(r), dt));
    }
    let (x, y) = (a.i(), b.i());
    let (x, y) = if same {
        (x, y)
    } else {
        (x.expand(s6), y.expand(s6))
    };
    if op.is_cmp() {
        let r = match op {
            Bin::Eq => x.equal(y),
            Bin::Lt => x.lower(y),
            Bin::Le => x.lower_equal(y),
            Bin::Gt => x.greater(y),
            _ => x.greater_equal(y),
        };
        return Ok(mk(TData::B(r), DType::Bool));
    }
    let r = match op {
        Bin::Add => x.add(y),
        Bin::Sub => x.sub(y),
        Bin::Mul => x.mul(y),
        Bin::Div => {
            // Truncating integer division (C semantics), computed without relying on the
            // backend's rounding: q = sign * (|a| / |b|).
            let neg = x.clone().lower_elem(0).bool_xor(y.clone().lower_elem(0));
            let q = x.abs().div(y.abs());
            q.clone().mask_where(neg, q.neg())
        }
        Bin::Max => x.max_pair(y),
        Bin::Min => x.min_pair(y),
        Bin::Mod | Bin::FMod => {
            // C remainder: r = a - trunc(a/b)*b, then Python-style fix for Mod.
            let neg = x.clone().lower_elem(0).bool_xor(y.clone().lower_elem(0));
            let q = x.clone().abs().div(y.clone().abs());
            let q = q.clone().mask_where(neg, q.neg());
            let r = x.sub(q.mul(y.clone()));
            if op == Bin::Mod {
                let fix = r
                    .clone()
                    .not_equal_elem(0)
                    .bool_and(r.clone().lower_elem(0).bool_xor(y.clone().lower_elem(0)));
                r.clone().mask_where(fix, r.add(y))
            } else {
                r
            }
        }
        Bin::BitAnd => x.bitwise_and(y),
        Bin::BitOr => x.bitwise_or(y),
        Bin::BitXor => x.bitwise_xor(y),
        _ => unreachable!(),
    };
    Ok(mk(TData::I(r), adt))
}

pub(crate) fn bin(ctx: &Ctx, op: Bin, a: &Val, b: &Val) -> OpResult<Val> {
    let out = bcast(a.shape(), b.shape())?;
    let dtype_out = if op.is_cmp() || op.is_logic() {
        DType::Bool
    } else if a.dtype().is_float() {
        a.dtype()
    } else if b.dtype().is_float() && op != Bin::Pow {
        b.dtype()
    } else {
        a.dtype()
    };
    if numel(&out) == 0 {
        return Ok(empty_val(out, dtype_out));
    }
    match (a, b) {
        (Val::H(x), Val::H(y)) => Ok(host_or_dev(host_bin(op, x, y)?, ctx)?),
        _ => Ok(Val::D(dev_bin(op, a.dev(ctx.dev)?, b.dev(ctx.dev)?)?)),
    }
}

/// Fast paths for the hot arithmetic ops on device floats: they take their inputs by value (so
/// the backend may reuse the buffer) and use scalar ops for scalar operands. `None` when the
/// general path must run.
fn fast_bin(op: Bin, ins: &mut [Option<Val>]) -> Option<Val> {
    // device ⊕ scalar, scalar ⊕ device (commutative ops), device ⊕ device of equal shape
    let (xi, s) = if is_dev_f(&ins[0]) && host_scalar(&ins[1]).is_some() {
        (0, host_scalar(&ins[1]))
    } else if is_dev_f(&ins[1])
        && host_scalar(&ins[0]).is_some()
        && matches!(op, Bin::Add | Bin::Mul)
    {
        (1, host_scalar(&ins[0]))
    } else {
        (0, None)
    };
    if let Some(s) = s {
        let other_rank = ins[1 - xi].as_ref().unwrap().rank();
        let Some(Val::D(d)) = ins[xi].take() else {
            unreachable!()
        };
        if other_rank > d.shape.len() {
            ins[xi] = Some(Val::D(d));
            return None;
        }
        let (shape, dt) = (d.shape.clone(), d.dtype);
        let t = d.f();
        let r = match op {
            Bin::Add => t.add_scalar(s),
            Bin::Sub => t.sub_scalar(s),
            Bin::Mul => t.mul_scalar(s),
            _ => t.div_scalar(s),
        };
        return Some(fval(r, shape, dt));
    }
    if is_dev_f(&ins[0])
        && is_dev_f(&ins[1])
        && ins[0].as_ref().unwrap().shape() == ins[1].as_ref().unwrap().shape()
    {
        let Some(Val::D(x)) = ins[0].take() else {
            unreachable!()
        };
        let Some(Val::D(y)) = ins[1].take() else {
            unreachable!()
        };
        let (shape, dt) = (x.shape.clone(), x.dtype);
        let (x, y) = (x.f(), y.f());
        let r = match op {
            Bin::Add => x.add(y),
            Bin::Sub => x.sub(y),
            Bin::Mul => x.mul(y),
            _ => x.div(y),
        };
        return Some(fval(r, shape, dt));
    }
    None
}

/// Runs a binary node (`Op::Bin`): the fast path when it applies, else [`bin`].
pub(crate) fn binary(ctx: &Ctx, op: Bin, ins: &mut [Option<Val>]) -> OpResult<Vec<Val>> {
    if matches!(op, Bin::Add | Bin::Sub | Bin::Mul | Bin::Div)
        && ins.len() == 2
        && let Some(v) = fast_bin(op, ins)
    {
        return one(v);
    }
    one(bin(ctx, op, req(ins, 0)?, req(ins, 1)?)?)
}

/// Max, Min, Sum and Mean over any number of broadcast inputs.
fn variadic(ctx: &Ctx, op: Bin, mean: bool, ins: &[Option<Val>]) -> OpResult<Vec<Val>> {
    let present: Vec<&Val> = ins.iter().flatten().collect();
    if present.is_empty() {
        return Err("needs at least one input".into());
    }
    let mut acc = present[0].clone();
    for v in &present[1..] {
        acc = bin(ctx, op, &acc, v)?;
    }
    if mean {
        let cnt = Val::H(HVal::new(
            vec![],
            HData::F(vec![present.len() as f32]),
            acc.dtype(),
        ));
        acc = bin(ctx, Bin::Div, &acc, &cnt)?;
    }
    one(acc)
}
fn max(ctx: &Ctx, _n: &Node, ins: &mut [Option<Val>]) -> OpResult<Vec<Val>> {
    variadic(ctx, Bin::Max, false, ins)
}
fn min(ctx: &Ctx, _n: &Node, ins: &mut [Option<Val>]) -> OpResult<Vec<Val>> {
    variadic(ctx, Bin::Min, false, ins)
}
fn sum(ctx: &Ctx, _n: &Node, ins: &mut [Option<Val>]) -> OpResult<Vec<Val>> {
    variadic(ctx, Bin::Add, false, ins)
}
fn mean(ctx: &Ctx, _n: &Node, ins: &mut [Option<Val>]) -> OpResult<Vec<Val>> {
    variadic(ctx, Bin::Add, true, ins)
}

#[cfg(test)]
mod tests {
    use crate::HostTensor;
    use crate::testing::*;

    /// Dividends and divisors of every sign combination.
    fn ab() -> (Vec<i64>, Vec<i64>) {
        (vec![7, -7, 7, -7, 6], vec![3, 3, -3, -3, 3])
    }

    /// `op(a, b)` on the device (graph inputs) and on the host (constants), as int64.
    fn both(op: &str, attrs: Vec<onnx_ir::AttributeProto>) -> (Vec<i64>, Vec<i64>) {
        let (a, b) = ab();
        let dev = run_op(
            13,
            op,
            vec![
                HostTensor::i64(vec![5], a.clone()),
                HostTensor::i64(vec![5], b.clone()),
            ],
            attrs.clone(),
            INT64,
        )
        .unwrap();
        let host = Graph::new(13)
            .init_i("a", &[5], &a)
            .init_i("b", &[5], &b)
            .node(op, &["a", "b"], &["y"], attrs)
            .output("y", INT64)
            .run(vec![])
            .unwrap();
        (i64s(&dev), i64s(&host[0]))
    }

    #[test]
    fn integer_div_truncates_toward_zero() {
        let (dev, host) = both("Div", vec![]);
        assert_eq!(dev, [2, -2, -2, 2, 2]);
        assert_eq!(host, dev);
    }

    #[test]
    fn integer_mod_takes_the_divisors_sign() {
        // fmod = 0: the result has the sign of the divisor (Python's %).
        let (dev, host) = both("Mod", vec![]);
        assert_eq!(dev, [1, 2, -2, -1, 0]);
        assert_eq!(host, dev);
    }

    #[test]
    fn integer_fmod_takes_the_dividends_sign() {
        // fmod = 1: the result has the sign of the dividend (C's fmod).
        let (dev, host) = both("Mod", vec![attr_i("fmod", 1)]);
        assert_eq!(dev, [1, -1, 1, -1, 0]);
        assert_eq!(host, dev);
    }

    #[test]
    fn float_fmod_and_mod() {
        let x = || {
            vec![
                HostTensor::f32(vec![2], vec![7.5, -7.5]),
                HostTensor::f32(vec![2], vec![2.0, 2.0]),
            ]
        };
        let y = run_op(13, "Mod", x(), vec![attr_i("fmod", 1)], FLOAT).unwrap();
        assert_close(&y, &[2], &[1.5, -1.5]);
        let y = run_op(13, "Mod", x(), vec![], FLOAT).unwrap();
        assert_close(&y, &[2], &[1.5, 0.5]);
    }

    #[test]
    fn integer_division_by_zero_on_the_host_is_an_error() {
        let host = Graph::new(13)
            .init_i("a", &[1], &[1])
            .init_i("b", &[1], &[0])
            .node("Div", &["a", "b"], &["y"], vec![])
            .output("y", INT64)
            .run(vec![]);
        assert!(host.unwrap_err().contains("integer division by zero"));
    }

    #[test]
    fn broadcasting_and_the_scalar_fast_path() {
        let x = HostTensor::f32(vec![2, 3], vec![1., 2., 3., 4., 5., 6.]);
        // [2, 3] − [3]: general broadcasting.
        let y = run_op(
            13,
            "Sub",
            vec![x.clone(), HostTensor::f32(vec![3], vec![1., 1., 2.])],
            vec![],
            FLOAT,
        )
        .unwrap();
        assert_close(&y, &[2, 3], &[0., 1., 1., 3., 4., 4.]);
        // [2, 3] / scalar constant: the fast path; scalar − device is not commutative.
        let g = Graph::new(13)
            .input("x", FLOAT)
            .init_f("c", &[], &[2.0])
            .node("Div", &["x", "c"], &["d"], vec![])
            .node("Sub", &["c", "d"], &["y"], vec![])
            .output("y", FLOAT);
        let y = g.run(vec![("x", x)]).unwrap();
        assert_close(&y[0], &[2, 3], &[1.5, 1., 0.5, 0., -0.5, -1.]);
    }

    #[test]
    fn variadic_mean_and_max() {
        let ins = || {
            vec![
                HostTensor::f32(vec![2], vec![1., 4.]),
                HostTensor::f32(vec![1], vec![3.]),
                HostTensor::f32(vec![2], vec![2., 2.]),
            ]
        };
        assert_close(
            &run_op(13, "Mean", ins(), vec![], FLOAT).unwrap(),
            &[2],
            &[2., 3.],
        );
        assert_close(
            &run_op(13, "Max", ins(), vec![], FLOAT).unwrap(),
            &[2],
            &[3., 4.],
        );
    }
}
