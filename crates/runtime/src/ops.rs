//! Operator implementations. Each op validates shapes itself before calling burn (burn panics on
//! shape errors), keeps integer math integer, and keeps small shape-like values on the host.

use burn::tensor::activation;
use burn::tensor::module as bm;
use burn::tensor::ops::{AvgPoolOptions, ConvOptions, MaxPoolOptions, PadMode};
use burn::tensor::{Device, Int, Tensor};

use crate::error::OpResult;
use crate::proto::{Node, tensor_from_proto};
use crate::types::DType;
use crate::value::*;

pub(crate) struct Ctx<'a> {
    pub dev: &'a Device,
}

macro_rules! each {
    ($t:expr, $x:ident => $e:expr) => {
        match $t {
            TData::F($x) => TData::F($e),
            TData::I($x) => TData::I($e),
            TData::B($x) => TData::B($e),
        }
    };
}

// ---------- small helpers ----------

pub(crate) fn req(ins: &[Option<Val>], i: usize) -> OpResult<&Val> {
    ins.get(i)
        .and_then(|v| v.as_ref())
        .ok_or_else(|| format!("input {i} is required but missing"))
}
pub(crate) fn opt(ins: &[Option<Val>], i: usize) -> Option<&Val> {
    ins.get(i).and_then(|v| v.as_ref())
}

pub(crate) fn norm_axis(axis: i64, rank: usize) -> OpResult<usize> {
    let r = rank as i64;
    let a = if axis < 0 { axis + r } else { axis };
    if a < 0 || a >= r.max(1) && !(r == 0 && a == 0) {
        return Err(format!(
            "axis {axis} is out of range for a tensor of rank {rank}"
        ));
    }
    Ok(a as usize)
}
/// Device axis of logical axis `a` of a rank-`rank` tensor.
pub(crate) fn dax(a: usize, rank: usize) -> usize {
    a + R - rank
}

pub(crate) fn bcast(a: &[usize], b: &[usize]) -> OpResult<Vec<usize>> {
    let n = a.len().max(b.len());
    let mut out = vec![0; n];
    for i in 0..n {
        let da = if i + a.len() >= n {
            a[i + a.len() - n]
        } else {
            1
        };
        let db = if i + b.len() >= n {
            b[i + b.len() - n]
        } else {
            1
        };
        out[i] = if da == db {
            da
        } else if da == 1 {
            db
        } else if db == 1 {
            da
        } else {
            return Err(format!(
                "shapes {a:?} and {b:?} cannot be broadcast together"
            ));
        };
    }
    Ok(out)
}

/// Refuses to create tensors of absurd sizes (a corrupt shape would abort on allocation).
pub(crate) fn check_size(shape: &[usize]) -> OpResult<()> {
    let n = shape.iter().try_fold(1usize, |a, &d| a.checked_mul(d));
    match n {
        Some(n) if n <= 1 << 31 => Ok(()),
        _ => Err(format!("the result of shape {shape:?} is too large")),
    }
}

fn strides(shape: &[usize]) -> Vec<usize> {
    let mut s = vec![1; shape.len()];
    for i in (0..shape.len().saturating_sub(1)).rev() {
        s[i] = s[i + 1] * shape[i + 1];
    }
    s
}

/// For each element of `out` (row-major), the flat index of the broadcast source element.
fn bcast_idx(out: &[usize], inp: &[usize]) -> Vec<usize> {
    let n = numel(out);
    let r = out.len();
    let st = strides(inp);
    let mut ist = vec![0usize; r];
    for i in 0..inp.len() {
        let oi = r - inp.len() + i;
        ist[oi] = if inp[i] == 1 { 0 } else { st[i] };
    }
    let mut idx = vec![0usize; r];
    let mut res = Vec::with_capacity(n);
    for _ in 0..n {
        let mut f = 0;
        for d in 0..r {
            f += idx[d] * ist[d];
        }
        res.push(f);
        for d in (0..r).rev() {
            idx[d] += 1;
            if idx[d] < out[d] {
                break;
            }
            idx[d] = 0;
        }
    }
    res
}

/// Flat indices of the cartesian product of per-axis index lists.
fn cart_idx(shape: &[usize], lists: &[Vec<usize>]) -> Vec<usize> {
    let st = strides(shape);
    let mut res = vec![0usize];
    for (d, l) in lists.iter().enumerate() {
        let mut next = Vec::with_capacity(res.len() * l.len());
        for &b in &res {
            for &i in l {
                next.push(b + i * st[d]);
            }
        }
        res = next;
    }
    res
}

pub(crate) async fn ints(v: &Val) -> OpResult<Vec<i64>> {
    Ok(v.host().await?.data.as_i64())
}
pub(crate) async fn floats(v: &Val) -> OpResult<Vec<f32>> {
    Ok(v.host().await?.data.as_f32())
}
async fn scalar_f(v: &Val) -> OpResult<f32> {
    let f = floats(v).await?;
    f.first()
        .copied()
        .ok_or_else(|| "expected a scalar, got an empty tensor".to_string())
}

fn reshape_d(d: DVal, shape: Vec<usize>) -> OpResult<DVal> {
    if numel(&d.shape) != numel(&shape) {
        return Err(format!("cannot reshape {:?} into {:?}", d.shape, shape));
    }
    let s = p6(&shape)?;
    let t = each!(d.t, x => x.reshape(s));
    Ok(DVal {
        t,
        shape,
        dtype: d.dtype,
    })
}

pub(crate) fn reshape_v(v: Val, shape: Vec<usize>) -> OpResult<Val> {
    match v {
        Val::H(mut h) => {
            if h.numel() != numel(&shape) {
                return Err(format!("cannot reshape {:?} into {:?}", h.shape, shape));
            }
            h.shape = shape;
            Ok(Val::H(h))
        }
        Val::D(d) => Ok(Val::D(reshape_d(d, shape)?)),
    }
}

fn expand_d(d: DVal, shape: &[usize]) -> OpResult<DVal> {
    if d.shape == shape {
        return Ok(d);
    }
    let s = p6(shape)?;
    let t = each!(d.t, x => x.expand(s));
    Ok(DVal {
        t,
        shape: shape.to_vec(),
        dtype: d.dtype,
    })
}

fn host_expand(h: &HVal, shape: &[usize]) -> HVal {
    let idx = bcast_idx(shape, &h.shape);
    HVal {
        shape: shape.to_vec(),
        data: h.data.pick(&idx),
        dtype: h.dtype,
    }
}

fn empty_val(shape: Vec<usize>, dtype: DType) -> Val {
    let data = match kind_of(dtype) {
        Kind::F => HData::F(vec![]),
        Kind::I => HData::I(vec![]),
        Kind::B => HData::B(vec![]),
    };
    Val::H(HVal { shape, data, dtype })
}

/// Keeps a host result on the host when small, else uploads it.
fn host_or_dev(h: HVal, ctx: &Ctx) -> OpResult<Val> {
    if h.numel() <= HOST_MAX || h.numel() == 0 {
        Ok(Val::H(h))
    } else {
        Ok(Val::D(h.upload(ctx.dev)?))
    }
}

fn all_host(ins: &[Option<Val>]) -> bool {
    ins.iter()
        .all(|v| v.as_ref().map(|v| v.is_host()).unwrap_or(true))
}

fn fdev(v: &Val, ctx: &Ctx) -> OpResult<(FT, Vec<usize>, DType)> {
    let d = v.dev(ctx.dev)?;
    let (s, dt) = (d.shape.clone(), d.dtype);
    Ok((d.f(), s, dt))
}

fn fval(t: FT, shape: Vec<usize>, dtype: DType) -> Val {
    Val::D(DVal {
        t: TData::F(t),
        shape,
        dtype,
    })
}
fn ival(t: IT, shape: Vec<usize>, dtype: DType) -> Val {
    Val::D(DVal {
        t: TData::I(t),
        shape,
        dtype,
    })
}
fn bval(t: BT, shape: Vec<usize>) -> Val {
    Val::D(DVal {
        t: TData::B(t),
        shape,
        dtype: DType::Bool,
    })
}

fn float_dtype(d: DType) -> DType {
    if d.is_float() { d } else { DType::F32 }
}

// ---------- elementwise binary ----------

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

// ---------- the dispatcher ----------

/// Fast paths for the hot elementwise ops on device floats: they take their inputs by value (so
/// the backend may reuse the buffer) and use scalar ops for scalar operands.
fn fast_path(n: &Node, ins: &mut [Option<Val>]) -> OpResult<Option<Vec<Val>>> {
    let op = n.op.as_str();
    let is_dev_f = |v: &Option<Val>| matches!(v, Some(Val::D(d)) if d.kind() == Kind::F);
    let host_scalar = |v: &Option<Val>| match v {
        Some(Val::H(h)) if h.numel() == 1 && h.dtype.is_float() => Some(h.data.as_f32()[0]),
        _ => None,
    };
    match op {
        "Add" | "Sub" | "Mul" | "Div" if ins.len() == 2 => {
            // device ⊕ scalar, scalar ⊕ device (commutative ops), device ⊕ device of equal shape
            let (xi, s) = if is_dev_f(&ins[0]) && host_scalar(&ins[1]).is_some() {
                (0, host_scalar(&ins[1]))
            } else if is_dev_f(&ins[1])
                && host_scalar(&ins[0]).is_some()
                && matches!(op, "Add" | "Mul")
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
                    return Ok(None);
                }
                let (shape, dt) = (d.shape.clone(), d.dtype);
                let t = d.f();
                let r = match op {
                    "Add" => t.add_scalar(s),
                    "Sub" => t.sub_scalar(s),
                    "Mul" => t.mul_scalar(s),
                    _ => t.div_scalar(s),
                };
                return Ok(Some(vec![fval(r, shape, dt)]));
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
                    "Add" => x.add(y),
                    "Sub" => x.sub(y),
                    "Mul" => x.mul(y),
                    _ => x.div(y),
                };
                return Ok(Some(vec![fval(r, shape, dt)]));
            }
            Ok(None)
        }
        "Relu" | "Sigmoid" | "Tanh" | "Exp" | "Sqrt" | "Neg" | "Erf" | "HardSigmoid"
        | "LeakyRelu"
            if is_dev_f(&ins[0]) =>
        {
            let Some(Val::D(d)) = ins[0].take() else {
                unreachable!()
            };
            let (shape, dt) = (d.shape.clone(), d.dtype);
            let t = d.f();
            let a = &n.attrs;
            let r = match op {
                "Relu" => activation::relu(t),
                "Sigmoid" => activation::sigmoid(t),
                "Tanh" => t.tanh(),
                "Exp" => t.exp(),
                "Sqrt" => t.sqrt(),
                "Neg" => t.neg(),
                "Erf" => t.erf(),
                "HardSigmoid" => t
                    .mul_scalar(a.f("alpha", 0.2))
                    .add_scalar(a.f("beta", 0.5))
                    .clamp(0.0, 1.0),
                _ => activation::leaky_relu(t, a.f("alpha", 0.01) as f64),
            };
            Ok(Some(vec![fval(r, shape, dt)]))
        }
        "Clip" if n.opset >= 11 && is_dev_f(&ins[0]) => {
            let lo = match ins.get(1) {
                None | Some(None) => None,
                v @ Some(Some(_)) => match host_scalar(v.unwrap()) {
                    Some(s) => Some(s),
                    None => return Ok(None),
                },
            };
            let hi = match ins.get(2) {
                None | Some(None) => None,
                v @ Some(Some(_)) => match host_scalar(v.unwrap()) {
                    Some(s) => Some(s),
                    None => return Ok(None),
                },
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
            Ok(Some(vec![fval(r, shape, dt)]))
        }
        _ => Ok(None),
    }
}

pub(crate) async fn exec(ctx: &Ctx<'_>, n: &Node, mut ins: Vec<Option<Val>>) -> OpResult<Vec<Val>> {
    if let Some(r) = fast_path(n, &mut ins)? {
        return Ok(r);
    }
    let a = &n.attrs;
    let one = |v: Val| Ok(vec![v]);
    match n.op.as_str() {
        "Identity" | "Dropout" => {
            let x = req(&ins, 0)?.clone();
            let mut out = vec![x.clone()];
            if n.outputs.len() > 1 {
                let s = x.shape().to_vec();
                let m = HVal::new(s.clone(), HData::B(vec![true; numel(&s)]), DType::Bool);
                out.push(host_or_dev(m, ctx)?);
            }
            Ok(out)
        }
        "Add" => one(bin(ctx, Bin::Add, req(&ins, 0)?, req(&ins, 1)?)?),
        "Sub" => one(bin(ctx, Bin::Sub, req(&ins, 0)?, req(&ins, 1)?)?),
        "Mul" => one(bin(ctx, Bin::Mul, req(&ins, 0)?, req(&ins, 1)?)?),
        "Div" => one(bin(ctx, Bin::Div, req(&ins, 0)?, req(&ins, 1)?)?),
        "Pow" => one(bin(ctx, Bin::Pow, req(&ins, 0)?, req(&ins, 1)?)?),
        "Mod" => {
            let op = if a.i("fmod", 0) == 1 {
                Bin::FMod
            } else {
                Bin::Mod
            };
            one(bin(ctx, op, req(&ins, 0)?, req(&ins, 1)?)?)
        }
        "Equal" => one(bin(ctx, Bin::Eq, req(&ins, 0)?, req(&ins, 1)?)?),
        "Less" => one(bin(ctx, Bin::Lt, req(&ins, 0)?, req(&ins, 1)?)?),
        "LessOrEqual" => one(bin(ctx, Bin::Le, req(&ins, 0)?, req(&ins, 1)?)?),
        "Greater" => one(bin(ctx, Bin::Gt, req(&ins, 0)?, req(&ins, 1)?)?),
        "GreaterOrEqual" => one(bin(ctx, Bin::Ge, req(&ins, 0)?, req(&ins, 1)?)?),
        "And" => one(bin(ctx, Bin::And, req(&ins, 0)?, req(&ins, 1)?)?),
        "Or" => one(bin(ctx, Bin::Or, req(&ins, 0)?, req(&ins, 1)?)?),
        "Xor" => one(bin(ctx, Bin::Xor, req(&ins, 0)?, req(&ins, 1)?)?),
        "BitwiseAnd" => one(bin(ctx, Bin::BitAnd, req(&ins, 0)?, req(&ins, 1)?)?),
        "BitwiseOr" => one(bin(ctx, Bin::BitOr, req(&ins, 0)?, req(&ins, 1)?)?),
        "BitwiseXor" => one(bin(ctx, Bin::BitXor, req(&ins, 0)?, req(&ins, 1)?)?),
        "Max" | "Min" | "Sum" | "Mean" => {
            let op = match n.op.as_str() {
                "Max" => Bin::Max,
                "Min" => Bin::Min,
                _ => Bin::Add,
            };
            let present: Vec<&Val> = ins.iter().flatten().collect();
            if present.is_empty() {
                return Err("needs at least one input".into());
            }
            let mut acc = present[0].clone();
            if present.len() == 1 {
                // Still broadcast nothing; copy.
            }
            for v in &present[1..] {
                acc = bin(ctx, op, &acc, v)?;
            }
            if n.op == "Mean" {
                let cnt = Val::H(HVal::new(
                    vec![],
                    HData::F(vec![present.len() as f32]),
                    acc.dtype(),
                ));
                acc = bin(ctx, Bin::Div, &acc, &cnt)?;
            }
            one(acc)
        }
        "Where" => {
            let (c, x, y) = (req(&ins, 0)?, req(&ins, 1)?, req(&ins, 2)?);
            let out = bcast(&bcast(c.shape(), x.shape())?, y.shape())?;
            if numel(&out) == 0 {
                return one(empty_val(out, x.dtype()));
            }
            if all_host(&ins) {
                let (Val::H(c), Val::H(x), Val::H(y)) = (c, x, y) else {
                    unreachable!()
                };
                let ic = bcast_idx(&out, &c.shape);
                let ix = bcast_idx(&out, &x.shape);
                let iy = bcast_idx(&out, &y.shape);
                let cv = c.data.as_i64();
                let pick: Vec<(bool, usize, usize)> = (0..ic.len())
                    .map(|k| (cv[ic[k]] != 0, ix[k], iy[k]))
                    .collect();
                let data = match (&x.data, &y.data) {
                    (HData::I(p), HData::I(q)) => HData::I(
                        pick.iter()
                            .map(|&(c, i, j)| if c { p[i] } else { q[j] })
                            .collect(),
                    ),
                    (HData::B(p), HData::B(q)) => HData::B(
                        pick.iter()
                            .map(|&(c, i, j)| if c { p[i] } else { q[j] })
                            .collect(),
                    ),
                    (p, q) => {
                        let (p, q) = (p.as_f32(), q.as_f32());
                        HData::F(
                            pick.iter()
                                .map(|&(c, i, j)| if c { p[i] } else { q[j] })
                                .collect(),
                        )
                    }
                };
                return one(host_or_dev(HVal::new(out, data, x.dtype), ctx)?);
            }
            let s6 = p6(&out)?;
            let cm = c.dev(ctx.dev)?.b().expand(s6);
            let (xd, yd) = (x.dev(ctx.dev)?, y.dev(ctx.dev)?);
            let dtype = xd.dtype;
            let t = match (xd.kind(), yd.kind()) {
                (Kind::I, Kind::I) => TData::I(yd.i().expand(s6).mask_where(cm, xd.i().expand(s6))),
                (Kind::B, Kind::B) => {
                    TData::B(yd.i().expand(s6).mask_where(cm, xd.i().expand(s6)).bool())
                }
                _ => TData::F(yd.f().expand(s6).mask_where(cm, xd.f().expand(s6))),
            };
            one(Val::D(DVal {
                t,
                shape: out,
                dtype,
            }))
        }
        "Not" => {
            let x = req(&ins, 0)?;
            if let Val::H(h) = x {
                let v = h.data.as_i64().iter().map(|&v| v == 0).collect();
                return one(Val::H(HVal::new(h.shape.clone(), HData::B(v), DType::Bool)));
            }
            let d = x.dev(ctx.dev)?;
            let s = d.shape.clone();
            one(bval(d.b().bool_not(), s))
        }
        "Neg" | "Abs" | "Sign" if req(&ins, 0)?.dtype().is_int() => {
            let x = req(&ins, 0)?;
            if let Val::H(h) = x {
                let v = h.data.as_i64().into_iter().map(|v| match n.op.as_str() {
                    "Neg" => v.wrapping_neg(),
                    "Abs" => v.wrapping_abs(),
                    _ => v.signum(),
                });
                return one(Val::H(HVal::new(
                    h.shape.clone(),
                    HData::I(wrap_ints(v.collect(), h.dtype)),
                    h.dtype,
                )));
            }
            let d = x.dev(ctx.dev)?;
            let (s, dt) = (d.shape.clone(), d.dtype);
            let t = d.i();
            let r = match n.op.as_str() {
                "Neg" => t.neg(),
                "Abs" => t.abs(),
                _ => t.sign(),
            };
            one(ival(r, s, dt))
        }
        "Relu" | "Sigmoid" | "Tanh" | "Exp" | "Log" | "Sqrt" | "Erf" | "Neg" | "Abs"
        | "Reciprocal" | "Floor" | "Ceil" | "Round" | "Sin" | "Cos" | "Tan" | "Asin" | "Acos"
        | "Atan" | "Sinh" | "Cosh" | "Asinh" | "Acosh" | "Atanh" | "Sign" | "Softplus"
        | "Softsign" | "Elu" | "Selu" | "Celu" | "HardSigmoid" | "HardSwish" | "LeakyRelu"
        | "ThresholdedRelu" | "Mish" | "Gelu" | "IsNaN" | "IsInf" | "Shrink" | "Swish" => {
            let x = req(&ins, 0)?;
            if x.numel() == 0 {
                let dt = if matches!(n.op.as_str(), "IsNaN" | "IsInf") {
                    DType::Bool
                } else {
                    x.dtype()
                };
                return one(empty_val(x.shape().to_vec(), dt));
            }
            let (t, s, dt) = fdev(x, ctx)?;
            let f = |t: FT| fval(t, s.clone(), float_dtype(dt));
            match n.op.as_str() {
                "IsNaN" => return one(bval(t.is_nan(), s)),
                "IsInf" => {
                    let (dn, dp) = (
                        a.i("detect_negative", 1) == 1,
                        a.i("detect_positive", 1) == 1,
                    );
                    let inf = t.clone().is_inf();
                    let r = match (dn, dp) {
                        (true, true) => inf,
                        (true, false) => inf.bool_and(t.lower_elem(0.0)),
                        (false, true) => inf.bool_and(t.greater_elem(0.0)),
                        _ => inf.bool_and(t.clone().not_equal(t)),
                    };
                    return one(bval(r, s));
                }
                _ => {}
            }
            let r = match n.op.as_str() {
                "Relu" => activation::relu(t),
                "Sigmoid" => activation::sigmoid(t),
                "Tanh" => t.tanh(),
                "Exp" => t.exp(),
                "Log" => t.log(),
                "Sqrt" => t.sqrt(),
                "Erf" => t.erf(),
                "Neg" => t.neg(),
                "Abs" => t.abs(),
                "Reciprocal" => t.recip(),
                "Floor" => t.floor(),
                "Ceil" => t.ceil(),
                "Round" => t.round(),
                "Sin" => t.sin(),
                "Cos" => t.cos(),
                "Tan" => t.tan(),
                "Asin" => t.asin(),
                "Acos" => t.acos(),
                "Atan" => t.atan(),
                "Sinh" => t.sinh(),
                "Cosh" => t.cosh(),
                "Asinh" => t.asinh(),
                "Acosh" => t.acosh(),
                "Atanh" => t.atanh(),
                "Sign" => t.sign(),
                "Softplus" => {
                    // log(1+exp(x)), stable: max(x,0) + log1p(exp(-|x|))
                    t.clone().clamp_min(0.0).add(t.abs().neg().exp().log1p())
                }
                "Softsign" => t.clone().div(t.abs().add_scalar(1.0)),
                "Elu" | "Selu" => {
                    let (alpha, gamma) = if n.op == "Elu" {
                        (a.f("alpha", 1.0), 1.0)
                    } else {
                        (a.f("alpha", 1.673_263_2), a.f("gamma", 1.050_701))
                    };
                    let pos = t.clone().greater_elem(0.0);
                    let neg = t.clone().exp().sub_scalar(1.0).mul_scalar(alpha * gamma);
                    neg.mask_where(pos, t.mul_scalar(gamma))
                }
                "Celu" => {
                    let alpha = a.f("alpha", 1.0);
                    let neg = t
                        .clone()
                        .div_scalar(alpha)
                        .exp()
                        .sub_scalar(1.0)
                        .mul_scalar(alpha)
                        .clamp_max(0.0);
                    t.clamp_min(0.0).add(neg)
                }
                "HardSigmoid" => {
                    let (al, be) = (a.f("alpha", 0.2), a.f("beta", 0.5));
                    t.mul_scalar(al).add_scalar(be).clamp(0.0, 1.0)
                }
                "Swish" => t
                    .clone()
                    .mul(activation::sigmoid(t.mul_scalar(a.f("alpha", 1.0)))),
                "HardSwish" => t
                    .clone()
                    .mul(t.mul_scalar(1.0 / 6.0).add_scalar(0.5).clamp(0.0, 1.0)),
                "LeakyRelu" => activation::leaky_relu(t, a.f("alpha", 0.01) as f64),
                "ThresholdedRelu" => {
                    let al = a.f("alpha", 1.0);
                    let m = t.clone().greater_elem(al);
                    t.clone().zeros_like().mask_where(m, t)
                }
                "Shrink" => {
                    let (bias, lambd) = (a.f("bias", 0.0), a.f("lambd", 0.5));
                    let lo = t.clone().lower_elem(-lambd);
                    let hi = t.clone().greater_elem(lambd);
                    let z = t.clone().zeros_like();
                    z.mask_where(lo, t.clone().add_scalar(bias))
                        .mask_where(hi, t.sub_scalar(bias))
                }
                "Mish" => t.clone().mul(
                    t.clone()
                        .clamp_min(0.0)
                        .add(t.abs().neg().exp().log1p())
                        .tanh(),
                ),
                "Gelu" => {
                    if a.s("approximate").as_deref() == Some("tanh") {
                        activation::gelu_approximate(t)
                    } else {
                        activation::gelu(t)
                    }
                }
                _ => unreachable!(),
            };
            one(f(r))
        }
        "PRelu" => {
            let (x, slope) = (req(&ins, 0)?, req(&ins, 1)?);
            let out = bcast(x.shape(), slope.shape())?;
            let s6 = p6(&out)?;
            let (t, _, dt) = fdev(x, ctx)?;
            let (sl, _, _) = fdev(slope, ctx)?;
            let t = t.expand(s6);
            let neg = t.clone().lower_elem(0.0);
            let r = t.clone().mask_where(neg, t.mul(sl.expand(s6)));
            one(fval(r, out, dt))
        }
        "Clip" => {
            let x = req(&ins, 0)?;
            let (mut lo, mut hi): (Option<f64>, Option<f64>) = (None, None);
            if n.opset < 11 {
                lo = a.has("min").then(|| a.f("min", 0.0) as f64);
                hi = a.has("max").then(|| a.f("max", 0.0) as f64);
            } else {
                if let Some(v) = opt(&ins, 1) {
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
                if let Some(v) = opt(&ins, 2) {
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
        "Cast" | "CastLike" => {
            let x = req(&ins, 0)?;
            let to = if n.op == "Cast" {
                DType::from_onnx(a.i("to", 1) as i32).ok_or("unknown target type")?
            } else {
                req(&ins, 1)?.dtype()
            };
            if to == DType::String {
                return Err("casting to string is not supported".into());
            }
            one(cast(ctx, x, to)?)
        }
        "Shape" => {
            let x = req(&ins, 0)?;
            let r = x.rank() as i64;
            let clampi = |v: i64| -> usize {
                let v = if v < 0 { v + r } else { v };
                v.clamp(0, r) as usize
            };
            let st = clampi(a.i("start", 0));
            let en = if a.has("end") {
                clampi(a.i("end", r))
            } else {
                r as usize
            };
            let v: Vec<i64> = if st < en {
                x.shape()[st..en].iter().map(|&d| d as i64).collect()
            } else {
                vec![]
            };
            one(Val::H(HVal::i64s(vec![v.len()], v)))
        }
        "Size" => one(Val::H(HVal::i64s(
            vec![],
            vec![req(&ins, 0)?.numel() as i64],
        ))),
        "Reshape" => {
            let x = req(&ins, 0)?;
            let target = if n.opset < 5 {
                a.ints("shape").unwrap_or_default()
            } else {
                ints(req(&ins, 1)?).await?
            };
            let allowzero = a.i("allowzero", 0) == 1;
            let shape = reshape_target(x.shape(), &target, allowzero)?;
            one(reshape_v(x.clone(), shape)?)
        }
        "Flatten" => {
            let x = req(&ins, 0)?;
            let r = x.rank();
            let ax = a.i("axis", 1);
            let ax = if ax < 0 { ax + r as i64 } else { ax };
            if ax < 0 || ax as usize > r {
                return Err(format!("axis {} out of range for rank {r}", a.i("axis", 1)));
            }
            let ax = ax as usize;
            let s = x.shape();
            one(reshape_v(
                x.clone(),
                vec![numel(&s[..ax]), numel(&s[ax..])],
            )?)
        }
        "Squeeze" => {
            let x = req(&ins, 0)?;
            let axes = if n.opset < 13 {
                a.ints("axes")
            } else if let Some(v) = opt(&ins, 1) {
                Some(ints(v).await?)
            } else {
                None
            };
            let s = x.shape();
            let shape: Vec<usize> = match axes {
                None => s.iter().copied().filter(|&d| d != 1).collect(),
                Some(ax) => {
                    let ax: Vec<usize> = ax
                        .iter()
                        .map(|&v| norm_axis(v, s.len()))
                        .collect::<OpResult<_>>()?;
                    for &i in &ax {
                        if s[i] != 1 {
                            return Err(format!(
                                "cannot squeeze axis {i} of size {} (shape {s:?})",
                                s[i]
                            ));
                        }
                    }
                    s.iter()
                        .enumerate()
                        .filter(|(i, _)| !ax.contains(i))
                        .map(|(_, &d)| d)
                        .collect()
                }
            };
            one(reshape_v(x.clone(), shape)?)
        }
        "Unsqueeze" => {
            let x = req(&ins, 0)?;
            let axes = if n.opset < 13 {
                a.ints("axes").ok_or("missing axes")?
            } else {
                ints(req(&ins, 1)?).await?
            };
            let r = x.rank() + axes.len();
            let mut ax: Vec<usize> = axes
                .iter()
                .map(|&v| norm_axis(v, r))
                .collect::<OpResult<_>>()?;
            ax.sort();
            ax.dedup();
            if ax.len() != axes.len() {
                return Err("repeated axes".into());
            }
            let mut shape = Vec::with_capacity(r);
            let mut it = x.shape().iter();
            for i in 0..r {
                if ax.contains(&i) {
                    shape.push(1);
                } else {
                    shape.push(*it.next().unwrap());
                }
            }
            one(reshape_v(x.clone(), shape)?)
        }
        "Transpose" => {
            let x = req(&ins, 0)?;
            let r = x.rank();
            let perm: Vec<usize> = match a.ints("perm") {
                Some(p) => p
                    .iter()
                    .map(|&v| norm_axis(v, r))
                    .collect::<OpResult<_>>()?,
                None => (0..r).rev().collect(),
            };
            let mut chk = perm.clone();
            chk.sort();
            if chk != (0..r).collect::<Vec<_>>() {
                return Err(format!("perm {perm:?} is not a permutation of 0..{r}"));
            }
            let shape: Vec<usize> = perm.iter().map(|&p| x.shape()[p]).collect();
            if x.numel() == 0 {
                return one(empty_val(shape, x.dtype()));
            }
            let off = R - r;
            let mut p = [0usize; R];
            for (i, item) in p.iter_mut().enumerate() {
                *item = if i < off { i } else { perm[i - off] + off };
            }
            let d = x.dev(ctx.dev)?;
            let dt = d.dtype;
            one(Val::D(DVal {
                t: each!(d.t, t => t.permute(p)),
                shape,
                dtype: dt,
            }))
        }
        "Concat" => {
            let present: Vec<&Val> = ins.iter().flatten().collect();
            let first = present.first().ok_or("no inputs")?;
            let r = first.rank();
            let ax = norm_axis(a.i("axis", 0), r)?;
            let mut out = first.shape().to_vec();
            out[ax] = 0;
            for v in &present {
                if v.rank() != r {
                    return Err(format!(
                        "inputs have different ranks: {:?} vs {:?}",
                        first.shape(),
                        v.shape()
                    ));
                }
                for d in 0..r {
                    if d != ax && v.shape()[d] != first.shape()[d] {
                        return Err(format!(
                            "input shapes {:?} and {:?} differ outside axis {ax}",
                            first.shape(),
                            v.shape()
                        ));
                    }
                }
                out[ax] += v.shape()[ax];
            }
            let dtype = first.dtype();
            if numel(&out) == 0 {
                return one(empty_val(out, dtype));
            }
            let nonempty: Vec<&Val> = present.iter().copied().filter(|v| v.numel() > 0).collect();
            if nonempty.iter().all(|v| v.is_host()) && numel(&out) <= HOST_MAX {
                let outer = numel(&out[..ax]);
                let mut data = match kind_of(dtype) {
                    Kind::F => HData::F(vec![]),
                    Kind::I => HData::I(vec![]),
                    Kind::B => HData::B(vec![]),
                };
                for o in 0..outer {
                    for v in &nonempty {
                        let Val::H(h) = v else { unreachable!() };
                        let chunk = numel(&h.shape[ax..]);
                        let idx: Vec<usize> = (o * chunk..(o + 1) * chunk).collect();
                        data.extend(&h.data.pick(&idx));
                    }
                }
                return one(Val::H(HVal::new(out, data, dtype)));
            }
            let ds: Vec<DVal> = nonempty
                .iter()
                .map(|v| v.dev(ctx.dev))
                .collect::<OpResult<_>>()?;
            let d = dax(ax, r);
            let t = match kind_of(dtype) {
                Kind::F => TData::F(Tensor::cat(ds.into_iter().map(|d| d.f()).collect(), d)),
                Kind::I => TData::I(Tensor::cat(ds.into_iter().map(|d| d.i()).collect(), d)),
                Kind::B => TData::B(Tensor::cat(ds.into_iter().map(|d| d.b()).collect(), d)),
            };
            one(Val::D(DVal {
                t,
                shape: out,
                dtype,
            }))
        }
        "Gather" => {
            let (x, idx) = (req(&ins, 0)?, req(&ins, 1)?);
            let r = x.rank();
            let ax = norm_axis(a.i("axis", 0), r)?;
            let dim = x.shape()[ax];
            let mut out: Vec<usize> = x.shape()[..ax].to_vec();
            out.extend_from_slice(idx.shape());
            out.extend_from_slice(&x.shape()[ax + 1..]);
            if numel(&out) == 0 {
                return one(empty_val(out, x.dtype()));
            }
            let fix = |v: i64| -> OpResult<usize> {
                let w = if v < 0 { v + dim as i64 } else { v };
                if w < 0 || w >= dim as i64 {
                    return Err(format!(
                        "index {v} is out of bounds for axis {ax} of size {dim}"
                    ));
                }
                Ok(w as usize)
            };
            if let (Val::H(h), Val::H(ih)) = (x, idx) {
                let iv: Vec<usize> = ih
                    .data
                    .as_i64()
                    .into_iter()
                    .map(fix)
                    .collect::<OpResult<_>>()?;
                let outer = numel(&h.shape[..ax]);
                let inner = numel(&h.shape[ax + 1..]);
                let mut flat = Vec::with_capacity(numel(&out));
                for o in 0..outer {
                    for &i in &iv {
                        for k in 0..inner {
                            flat.push((o * dim + i) * inner + k);
                        }
                    }
                }
                return one(host_or_dev(
                    HVal::new(out, h.data.pick(&flat), h.dtype),
                    ctx,
                )?);
            }
            // Device gather: validated indices (read back when they live on the device).
            let iv: Vec<i64> = ints(idx)
                .await?
                .into_iter()
                .map(|v| fix(v).map(|u| u as i64))
                .collect::<OpResult<_>>()?;
            let k = iv.len();
            let it = Tensor::<1, Int>::from_data(burn::tensor::TensorData::new(iv, [k]), ctx.dev);
            let d = x.dev(ctx.dev)?;
            let dt = d.dtype;
            let sel = each!(d.t, t => t.select(dax(ax, r), it.clone()));
            let mut mid = x.shape().to_vec();
            mid[ax] = k;
            one(Val::D(reshape_d(
                DVal {
                    t: sel,
                    shape: mid,
                    dtype: dt,
                },
                out,
            )?))
        }
        "GatherElements" => {
            let (x, idx) = (req(&ins, 0)?, req(&ins, 1)?);
            let r = x.rank();
            let ax = norm_axis(a.i("axis", 0), r)?;
            if idx.rank() != r {
                return Err("indices must have the rank of the data".into());
            }
            let dim = x.shape()[ax] as i64;
            let out = idx.shape().to_vec();
            if numel(&out) == 0 {
                return one(empty_val(out, x.dtype()));
            }
            let iv: Vec<i64> = ints(idx)
                .await?
                .into_iter()
                .map(|v| {
                    let w = if v < 0 { v + dim } else { v };
                    if w < 0 || w >= dim {
                        Err(format!("index {v} out of bounds for size {dim}"))
                    } else {
                        Ok(w)
                    }
                })
                .collect::<OpResult<_>>()?;
            let it = IT::from_data(burn::tensor::TensorData::new(iv, p6(&out)?), ctx.dev);
            let d = x.dev(ctx.dev)?;
            let dt = d.dtype;
            for i in 0..r {
                if i != ax && out[i] > d.shape[i] {
                    return Err(format!(
                        "indices shape {out:?} exceeds data shape {:?}",
                        d.shape
                    ));
                }
            }
            // burn's gather needs equal shapes outside the axis: slice the data down first.
            let ranges: Vec<std::ops::Range<usize>> = (0..R)
                .map(|i| {
                    let off = R - r;
                    if i < off || i - off == ax {
                        0..p6(&d.shape).unwrap()[i]
                    } else {
                        0..out[i - off]
                    }
                })
                .collect();
            let t = each!(d.t, t => t.slice(ranges.as_slice()).gather(dax(ax, r), it.clone()));
            one(Val::D(DVal {
                t,
                shape: out,
                dtype: dt,
            }))
        }
        "Slice" => {
            let x = req(&ins, 0)?;
            let r = x.rank();
            let (starts, ends, axes, steps) = if n.opset < 10 {
                (
                    a.ints("starts").ok_or("missing starts")?,
                    a.ints("ends").ok_or("missing ends")?,
                    a.ints("axes"),
                    None,
                )
            } else {
                (
                    ints(req(&ins, 1)?).await?,
                    ints(req(&ins, 2)?).await?,
                    match opt(&ins, 3) {
                        Some(v) => Some(ints(v).await?),
                        None => None,
                    },
                    match opt(&ins, 4) {
                        Some(v) => Some(ints(v).await?),
                        None => None,
                    },
                )
            };
            let axes: Vec<usize> = match axes {
                Some(ax) => ax
                    .iter()
                    .map(|&v| norm_axis(v, r))
                    .collect::<OpResult<_>>()?,
                None => (0..starts.len()).collect(),
            };
            let steps = steps.unwrap_or_else(|| vec![1; starts.len()]);
            if starts.len() != ends.len()
                || axes.len() != starts.len()
                || steps.len() != starts.len()
            {
                return Err("starts, ends, axes and steps must have the same length".into());
            }
            let mut spec: Vec<(i64, i64, usize)> = x.shape().iter().map(|&d| (0, 1, d)).collect(); // (first, step, count)
            for k in 0..axes.len() {
                let d = x.shape()[axes[k]] as i64;
                let step = steps[k];
                if step == 0 {
                    return Err("slice step cannot be 0".into());
                }
                let (mut s, mut e) = (starts[k], ends[k]);
                if s < 0 {
                    s += d;
                }
                if e < 0 {
                    e += d;
                }
                let (s, e) = if step > 0 {
                    (s.clamp(0, d), e.clamp(0, d))
                } else {
                    (s.clamp(0, d - 1), e.clamp(-1, d - 1))
                };
                let cnt = if step > 0 {
                    (e - s + step - 1) / step
                } else {
                    (s - e + (-step) - 1) / (-step)
                };
                spec[axes[k]] = (s, step, cnt.max(0) as usize);
            }
            let out: Vec<usize> = spec.iter().map(|s| s.2).collect();
            if numel(&out) == 0 {
                return one(empty_val(out, x.dtype()));
            }
            if let Val::H(h) = x {
                let lists: Vec<Vec<usize>> = spec
                    .iter()
                    .map(|&(s, st, c)| (0..c as i64).map(|i| (s + i * st) as usize).collect())
                    .collect();
                let idx = cart_idx(&h.shape, &lists);
                return one(Val::H(HVal::new(out, h.data.pick(&idx), h.dtype)));
            }
            let d = x.dev(ctx.dev)?;
            let dt = d.dtype;
            let off = R - r;
            let mut sl = vec![burn::tensor::Slice::new(0, None, 1); off];
            let mut flips = vec![];
            for (i, &(s, st, c)) in spec.iter().enumerate() {
                if st > 0 {
                    let end = s + (c as i64 - 1) * st + 1;
                    sl.push(burn::tensor::Slice::new(
                        s as isize,
                        Some(end as isize),
                        st as isize,
                    ));
                } else {
                    let lo = s + (c as i64 - 1) * st;
                    sl.push(burn::tensor::Slice::new(
                        lo as isize,
                        Some(s as isize + 1),
                        (-st) as isize,
                    ));
                    flips.push(i + off);
                }
            }
            let mut t = each!(d.t, t => t.slice(&sl));
            for f in flips {
                t = each!(t, t => t.flip([f]));
            }
            one(Val::D(DVal {
                t,
                shape: out,
                dtype: dt,
            }))
        }
        "Split" => {
            let x = req(&ins, 0)?;
            let r = x.rank();
            let ax = norm_axis(a.i("axis", 0), r)?;
            let dim = x.shape()[ax];
            let nout = n.outputs.len();
            let sizes: Vec<usize> =
                if let Some(s) = if n.opset < 13 { a.ints("split") } else { None } {
                    s.iter().map(|&v| v as usize).collect()
                } else if let Some(v) = opt(&ins, 1) {
                    ints(v).await?.iter().map(|&v| v as usize).collect()
                } else {
                    let parts = if a.has("num_outputs") {
                        a.i("num_outputs", 1) as usize
                    } else {
                        nout
                    };
                    let chunk = dim.div_ceil(parts.max(1));
                    (0..parts)
                        .map(|i| chunk.min(dim.saturating_sub(i * chunk)))
                        .collect()
                };
            if sizes.iter().sum::<usize>() != dim {
                return Err(format!(
                    "split sizes {sizes:?} do not add up to the axis size {dim}"
                ));
            }
            let mut outs = Vec::new();
            let mut start = 0;
            for &sz in &sizes {
                let mut shape = x.shape().to_vec();
                shape[ax] = sz;
                if sz == 0 || x.numel() == 0 {
                    outs.push(empty_val(shape, x.dtype()));
                } else if let Val::H(h) = x {
                    let lists: Vec<Vec<usize>> = (0..r)
                        .map(|i| {
                            if i == ax {
                                (start..start + sz).collect()
                            } else {
                                (0..h.shape[i]).collect()
                            }
                        })
                        .collect();
                    outs.push(Val::H(HVal::new(
                        shape,
                        h.data.pick(&cart_idx(&h.shape, &lists)),
                        h.dtype,
                    )));
                } else {
                    let d = x.dev(ctx.dev)?;
                    let dt = d.dtype;
                    let t = each!(d.t, t => t.narrow(dax(ax, r), start, sz));
                    outs.push(Val::D(DVal {
                        t,
                        shape,
                        dtype: dt,
                    }));
                }
                start += sz;
            }
            Ok(outs)
        }
        "Expand" => {
            let x = req(&ins, 0)?;
            let target: Vec<usize> = ints(req(&ins, 1)?)
                .await?
                .iter()
                .map(|&v| v.max(0) as usize)
                .collect();
            let out = bcast(x.shape(), &target)?;
            check_size(&out)?;
            if numel(&out) == 0 {
                return one(empty_val(out, x.dtype()));
            }
            if let Val::H(h) = x
                && numel(&out) <= HOST_MAX
            {
                return one(Val::H(host_expand(h, &out)));
            }
            let d = x.dev(ctx.dev)?;
            // Materialize through an add of zeros? expand is enough: burn views are fine.
            one(Val::D(expand_d(
                reshape_d(d.clone(), d.shape.clone())?,
                &out,
            )?))
        }
        "Tile" => {
            let x = req(&ins, 0)?;
            let reps = ints(req(&ins, 1)?).await?;
            if reps.iter().any(|&r| r < 0) {
                return Err(format!("negative repeats {reps:?}"));
            }
            if reps.len() != x.rank() {
                return Err(format!(
                    "repeats {reps:?} must have one entry per axis of {:?}",
                    x.shape()
                ));
            }
            let out: Vec<usize> = x
                .shape()
                .iter()
                .zip(&reps)
                .map(|(&d, &r)| d.saturating_mul(r.max(0) as usize))
                .collect();
            check_size(&out)?;
            if numel(&out) == 0 {
                return one(empty_val(out, x.dtype()));
            }
            let mut rp = vec![1usize; R - x.rank()];
            rp.extend(reps.iter().map(|&r| r as usize));
            let d = x.dev(ctx.dev)?;
            let dt = d.dtype;
            one(Val::D(DVal {
                t: each!(d.t, t => t.repeat(&rp)),
                shape: out,
                dtype: dt,
            }))
        }
        "ConstantOfShape" => {
            let shape: Vec<usize> = ints(req(&ins, 0)?)
                .await?
                .iter()
                .map(|&v| v.max(0) as usize)
                .collect();
            let value = match a.t("value") {
                Some(t) => tensor_from_proto(t)?,
                None => HVal::new(vec![1], HData::F(vec![0.0]), DType::F32),
            };
            check_size(&shape)?;
            let nel = numel(&shape);
            let data = match &value.data {
                HData::F(v) => HData::F(vec![v[0]; nel]),
                HData::I(v) => HData::I(vec![v[0]; nel]),
                HData::B(v) => HData::B(vec![v[0]; nel]),
            };
            one(host_or_dev(HVal::new(shape, data, value.dtype), ctx)?)
        }
        "TopK" => {
            // On the host: the k largest (or smallest) along an axis, ties
            // to the lower index, as the operator requires; values keep the
            // input's element type, indices are int64.
            let x = req(&ins, 0)?;
            let r = x.rank();
            if r == 0 {
                return Err("TopK needs an input of rank ≥ 1".into());
            }
            let ax = norm_axis(a.i("axis", -1), r)?;
            let k = *ints(req(&ins, 1)?).await?.first().ok_or("K is empty")?;
            let dim = x.shape()[ax];
            let k = usize::try_from(k)
                .ok()
                .filter(|&k| k <= dim)
                .ok_or_else(|| format!("K = {k} is outside 0..={dim} (the size of axis {ax})"))?;
            let largest = a.i("largest", 1) == 1;
            let h = x.host().await?;
            let shape = h.shape.clone();
            let inner: usize = shape[ax + 1..].iter().product();
            let outer: usize = shape[..ax].iter().product();
            let mut out_shape = shape.clone();
            out_shape[ax] = k;
            // Element order: by value (exactly, per element type), then by index.
            let cmp: Box<dyn Fn(usize, usize) -> std::cmp::Ordering> = match &h.data {
                HData::F(v) => Box::new(move |p, q| v[p].total_cmp(&v[q])),
                HData::I(v) => Box::new(move |p, q| v[p].cmp(&v[q])),
                HData::B(_) => return Err("TopK of booleans is not defined".into()),
            };
            let mut indices = vec![0i64; outer * k * inner];
            let mut src = vec![0usize; outer * k * inner];
            let mut idx: Vec<usize> = Vec::with_capacity(dim);
            for o in 0..outer {
                for i in 0..inner {
                    let flat = |j: usize| o * dim * inner + j * inner + i;
                    idx.clear();
                    idx.extend(0..dim);
                    idx.sort_by(|&p, &q| {
                        let c = cmp(flat(p), flat(q));
                        (if largest { c.reverse() } else { c }).then(p.cmp(&q))
                    });
                    for (slot, &j) in idx[..k].iter().enumerate() {
                        let at = o * k * inner + slot * inner + i;
                        indices[at] = j as i64;
                        src[at] = flat(j);
                    }
                }
            }
            let values = match &h.data {
                HData::F(v) => HData::F(src.iter().map(|&s| v[s]).collect()),
                HData::I(v) => HData::I(src.iter().map(|&s| v[s]).collect()),
                HData::B(_) => unreachable!("refused above"),
            };
            Ok(vec![
                host_or_dev(HVal::new(out_shape.clone(), values, h.dtype), ctx)?,
                host_or_dev(HVal::new(out_shape, HData::I(indices), DType::I64), ctx)?,
            ])
        }
        "Range" => {
            let (s, l, d) = (req(&ins, 0)?, req(&ins, 1)?, req(&ins, 2)?);
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
        "Trilu" => {
            let x = req(&ins, 0)?;
            if x.rank() < 2 {
                return Err("input must have rank ≥ 2".into());
            }
            let k = match opt(&ins, 1) {
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
        "MatMul" => one(matmul(ctx, req(&ins, 0)?, req(&ins, 1)?)?),
        "Gemm" => {
            let (x, w) = (req(&ins, 0)?, req(&ins, 1)?);
            if x.rank() != 2 || w.rank() != 2 {
                return Err(format!(
                    "Gemm needs 2-D inputs, got {:?} and {:?}",
                    x.shape(),
                    w.shape()
                ));
            }
            let (ta, tb) = (a.i("transA", 0) == 1, a.i("transB", 0) == 1);
            let (alpha, beta) = (a.f("alpha", 1.0), a.f("beta", 1.0));
            let (m, k) = if ta {
                (x.shape()[1], x.shape()[0])
            } else {
                (x.shape()[0], x.shape()[1])
            };
            let (k2, nn) = if tb {
                (w.shape()[1], w.shape()[0])
            } else {
                (w.shape()[0], w.shape()[1])
            };
            if k != k2 {
                return Err(format!(
                    "A {:?}{} and B {:?}{} do not fit: {k} vs {k2} inner features",
                    x.shape(),
                    if ta { "ᵀ" } else { "" },
                    w.shape(),
                    if tb { "ᵀ" } else { "" }
                ));
            }
            let (xt, _, dt) = fdev(x, ctx)?;
            let (wt, _, _) = fdev(w, ctx)?;
            let xt = if ta { xt.swap_dims(4, 5) } else { xt };
            let wt = if tb { wt.swap_dims(4, 5) } else { wt };
            let mut y = xt.matmul(wt);
            if alpha != 1.0 {
                y = y.mul_scalar(alpha);
            }
            if let Some(c) = opt(&ins, 2) {
                let out = bcast(&[m, nn], c.shape())?;
                if out != [m, nn] {
                    return Err(format!(
                        "C of shape {:?} does not broadcast to [{m}, {nn}]",
                        c.shape()
                    ));
                }
                let (ct, _, _) = fdev(c, ctx)?;
                let ct = if beta != 1.0 { ct.mul_scalar(beta) } else { ct };
                let same = c.shape() == [m, nn];
                y = if same {
                    y.add(ct)
                } else {
                    y.add(ct.expand(p6(&[m, nn])?))
                };
            }
            one(fval(y, vec![m, nn], float_dtype(dt)))
        }
        "Softmax" | "LogSoftmax" | "Hardmax" => {
            let x = req(&ins, 0)?;
            let r = x.rank();
            let log = n.op == "LogSoftmax";
            if x.numel() == 0 {
                return one(x.clone());
            }
            let (t, s, dt) = fdev(x, ctx)?;
            let sm = |t: FT, dim: usize| -> FT {
                if n.op == "Hardmax" {
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
            if ax + 1 == r && n.op != "Hardmax" {
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
        "ReduceMean" | "ReduceSum" | "ReduceMax" | "ReduceMin" | "ReduceProd" | "ReduceL1"
        | "ReduceL2" | "ReduceSumSquare" | "ReduceLogSum" | "ReduceLogSumExp" => {
            let x = req(&ins, 0)?;
            let r = x.rank();
            let axes_in_input = n.opset >= 18 || (n.op == "ReduceSum" && n.opset >= 13);
            let axes = if axes_in_input {
                match opt(&ins, 1) {
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
                let v = match n.op.as_str() {
                    "ReduceProd" => 1.0,
                    "ReduceMax" => f32::NEG_INFINITY,
                    "ReduceMin" => f32::INFINITY,
                    "ReduceLogSum" | "ReduceLogSumExp" => f32::NEG_INFINITY,
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
                && matches!(
                    n.op.as_str(),
                    "ReduceSum" | "ReduceMax" | "ReduceMin" | "ReduceProd"
                ) {
                let mut t = d.i();
                for &dm in &dims {
                    t = match n.op.as_str() {
                        "ReduceSum" => t.sum_dim(dm),
                        "ReduceMax" => t.max_dim(dm),
                        "ReduceMin" => t.min_dim(dm),
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
                let t = match n.op.as_str() {
                    "ReduceL1" => t.abs(),
                    "ReduceL2" | "ReduceSumSquare" => t.square(),
                    _ => t,
                };
                let mut t = if n.op == "ReduceLogSumExp" {
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
                        t = match n.op.as_str() {
                            "ReduceMean" => t.mean_dim(dm),
                            "ReduceMax" => t.max_dim(dm),
                            "ReduceMin" => t.min_dim(dm),
                            "ReduceProd" => t.prod_dim(dm),
                            _ => t.sum_dim(dm),
                        };
                    }
                    t
                };
                if n.op == "ReduceL2" {
                    t = t.sqrt();
                } else if n.op == "ReduceLogSum" {
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
        "ArgMax" | "ArgMin" => {
            let x = req(&ins, 0)?;
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
            let mut i = if n.op == "ArgMax" {
                f.argmax(dim)
            } else {
                f.argmin(dim)
            };
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
        "Conv" => one(conv(ctx, n, &ins).await?),
        "ConvTranspose" => one(conv_transpose(ctx, n, &ins)?),
        "MaxPool" | "AveragePool" => {
            if n.outputs.len() > 1 && n.outputs[1].is_some() {
                return Err("the Indices output of MaxPool is not supported".into());
            }
            one(pool(ctx, n, req(&ins, 0)?)?)
        }
        "GlobalAveragePool" | "GlobalMaxPool" => {
            let x = req(&ins, 0)?;
            let r = x.rank();
            if r < 3 {
                return Err(format!("input must be N×C×spatial, got {:?}", x.shape()));
            }
            let (mut t, s, dt) = fdev(x, ctx)?;
            for ax in 2..r {
                t = if n.op == "GlobalAveragePool" {
                    t.mean_dim(dax(ax, r))
                } else {
                    t.max_dim(dax(ax, r))
                };
            }
            let mut out = s[..2].to_vec();
            out.extend(std::iter::repeat_n(1, r - 2));
            one(fval(t, out, dt))
        }
        "BatchNormalization" => {
            let x = req(&ins, 0)?;
            let r = x.rank();
            if r < 2 {
                return Err("input must have rank ≥ 2".into());
            }
            let c = x.shape()[1];
            let eps = a.f("epsilon", 1e-5);
            let mut ps = vec![];
            for i in 1..5 {
                let p = req(&ins, i)?;
                if p.numel() != c {
                    return Err(format!(
                        "parameter {i} has {} values, expected one per channel ({c})",
                        p.numel()
                    ));
                }
                let mut shape = vec![c];
                shape.extend(std::iter::repeat_n(1, r - 2));
                ps.push(reshape_d(p.dev(ctx.dev)?, shape)?.f());
            }
            let (t, s, dt) = fdev(x, ctx)?;
            let (scale, bias, mean, var) =
                (ps[0].clone(), ps[1].clone(), ps[2].clone(), ps[3].clone());
            if a.i("training_mode", 0) == 1 {
                // Batch statistics; running statistics updated with `momentum`.
                let mom = a.f("momentum", 0.9);
                let s6 = p6(&s)?;
                let axes: Vec<usize> = (0..r).filter(|&i| i != 1).map(|i| dax(i, r)).collect();
                let mut cm = t.clone();
                for &d in &axes {
                    cm = cm.mean_dim(d);
                }
                let cen = t.sub(cm.clone().expand(s6));
                let mut cv = cen.clone().square();
                for &d in &axes {
                    cv = cv.mean_dim(d);
                }
                let y = cen
                    .div(cv.clone().add_scalar(eps).sqrt().expand(s6))
                    .mul(scale.expand(s6))
                    .add(bias.expand(s6));
                let ps6 = p6(&[c])?;
                let rm = mean
                    .reshape(ps6)
                    .mul_scalar(mom)
                    .add(cm.reshape(ps6).mul_scalar(1.0 - mom));
                let rv = var
                    .reshape(ps6)
                    .mul_scalar(mom)
                    .add(cv.reshape(ps6).mul_scalar(1.0 - mom));
                return Ok(vec![
                    fval(y, s, dt),
                    fval(rm, vec![c], dt),
                    fval(rv, vec![c], dt),
                ]);
            }
            let k = scale.div(var.add_scalar(eps).sqrt());
            let b = bias.sub(mean.mul(k.clone()));
            let s6 = p6(&s)?;
            let y = t.mul(k.expand(s6)).add(b.expand(s6));
            one(fval(y, s, dt))
        }
        "InstanceNormalization" => {
            let x = req(&ins, 0)?;
            let r = x.rank();
            if r < 3 {
                return Err("input must have rank ≥ 3".into());
            }
            let c = x.shape()[1];
            let eps = a.f("epsilon", 1e-5);
            let mut pshape = vec![c];
            pshape.extend(std::iter::repeat_n(1, r - 2));
            let sc = reshape_d(req(&ins, 1)?.dev(ctx.dev)?, pshape.clone())?.f();
            let bi = reshape_d(req(&ins, 2)?.dev(ctx.dev)?, pshape)?.f();
            let (t, s, dt) = fdev(x, ctx)?;
            let s6 = p6(&s)?;
            let mut mean = t.clone();
            for ax in 2..r {
                mean = mean.mean_dim(dax(ax, r));
            }
            let cen = t.sub(mean.expand(s6));
            let mut var = cen.clone().square();
            for ax in 2..r {
                var = var.mean_dim(dax(ax, r));
            }
            let y = cen
                .div(var.add_scalar(eps).sqrt().expand(s6))
                .mul(sc.expand(s6))
                .add(bi.expand(s6));
            one(fval(y, s, dt))
        }
        "LayerNormalization" => {
            let x = req(&ins, 0)?;
            let r = x.rank();
            let ax = norm_axis(a.i("axis", -1), r)?;
            let eps = a.f("epsilon", 1e-5);
            let (t, s, dt) = fdev(x, ctx)?;
            let s6 = p6(&s)?;
            let dims: Vec<usize> = (ax..r).map(|i| dax(i, r)).collect();
            let mut mean = t.clone();
            for &d in &dims {
                mean = mean.mean_dim(d);
            }
            let cen = t.sub(mean.clone().expand(s6));
            let mut var = cen.clone().square();
            for &d in &dims {
                var = var.mean_dim(d);
            }
            let inv = var.add_scalar(eps).sqrt().recip();
            let mut y = cen.mul(inv.clone().expand(s6));
            let sc = req(&ins, 1)?;
            bcast(&s, sc.shape())?;
            y = y.mul(fdev(sc, ctx)?.0.expand(s6));
            if let Some(b) = opt(&ins, 2) {
                bcast(&s, b.shape())?;
                y = y.add(fdev(b, ctx)?.0.expand(s6));
            }
            let mut kept = s.clone();
            for k in kept.iter_mut().skip(ax) {
                *k = 1;
            }
            let mut outs = vec![fval(y, s, dt)];
            if n.outputs.len() > 1 {
                outs.push(fval(mean, kept.clone(), dt));
            }
            if n.outputs.len() > 2 {
                outs.push(fval(inv, kept, dt));
            }
            Ok(outs)
        }
        "Pad" => one(pad(ctx, n, &ins).await?),
        "DepthToSpace" | "SpaceToDepth" => {
            let x = req(&ins, 0)?;
            if x.rank() != 4 {
                return Err("input must be 4-D".into());
            }
            let b = a.i("blocksize", 0) as usize;
            let s = x.shape().to_vec();
            let (nn, c, h, w) = (s[0], s[1], s[2], s[3]);
            if b == 0 {
                return Err("blocksize must be positive".into());
            }
            let d = x.dev(ctx.dev)?;
            let dt = d.dtype;
            let (mid, perm, out): ([usize; 6], [usize; 6], Vec<usize>) = if n.op == "DepthToSpace" {
                if c % (b * b) != 0 {
                    return Err(format!(
                        "channels {c} not divisible by blocksize² {}",
                        b * b
                    ));
                }
                let cc = c / (b * b);
                if a.s("mode").as_deref() == Some("CRD") {
                    (
                        [nn, cc, b, b, h, w],
                        [0, 1, 4, 2, 5, 3],
                        vec![nn, cc, h * b, w * b],
                    )
                } else {
                    (
                        [nn, b, b, cc, h, w],
                        [0, 3, 4, 1, 5, 2],
                        vec![nn, cc, h * b, w * b],
                    )
                }
            } else {
                if h % b != 0 || w % b != 0 {
                    return Err("spatial size not divisible by blocksize".into());
                }
                (
                    [nn, c, h / b, b, w / b, b],
                    if a.s("mode").as_deref() == Some("CRD") {
                        [0, 1, 3, 5, 2, 4]
                    } else {
                        [0, 3, 5, 1, 2, 4]
                    },
                    vec![nn, c * b * b, h / b, w / b],
                )
            };
            let o6 = p6(&out)?;
            let t = each!(d.t, t => t.reshape(mid).permute(perm).reshape(o6));
            one(Val::D(DVal {
                t,
                shape: out,
                dtype: dt,
            }))
        }
        "CumSum" => {
            let x = req(&ins, 0)?;
            let r = x.rank();
            let ax = norm_axis(ints(req(&ins, 1)?).await?[0], r)?;
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
        "NegativeLogLikelihoodLoss" => {
            // A training loss, computed on the host (small inputs in practice).
            let (x, tg) = (req(&ins, 0)?.host().await?, req(&ins, 1)?.host().await?);
            let xs = x.shape.clone();
            if xs.len() < 2
                || tg.shape.len() != xs.len() - 1
                || tg.shape[0] != xs[0]
                || tg.shape[1..] != xs[2..]
            {
                return Err(format!("input {xs:?} and target {:?} do not fit", tg.shape));
            }
            let (nb, c, dd) = (xs[0], xs[1], numel(&xs[2..]));
            let w = match opt(&ins, 2) {
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
        "Constant" => Err("Constant nodes are folded at load time".into()),
        other => Err(format!("operator {other} is not implemented")),
    }
}

pub(crate) fn cast(ctx: &Ctx, x: &Val, to: DType) -> OpResult<Val> {
    match x {
        Val::H(h) => Ok(Val::H(HVal::new(
            h.shape.clone(),
            convert_hdata(&h.data, to),
            to,
        ))),
        Val::D(d) => {
            let s = d.shape.clone();
            let t = match (d.kind(), kind_of(to)) {
                (Kind::F, Kind::F) | (Kind::I, Kind::I) | (Kind::B, Kind::B) => d.t.clone(),
                (_, Kind::F) => TData::F(d.clone().f()),
                (Kind::F, Kind::I) => {
                    // Truncate toward zero.
                    let t = d.clone().f();
                    TData::I(
                        t.clone()
                            .floor()
                            .mask_where(t.clone().lower_elem(0.0), t.ceil())
                            .int(),
                    )
                }
                (_, Kind::I) => TData::I(d.clone().i()),
                (_, Kind::B) => TData::B(d.clone().b()),
            };
            let _ = ctx;
            Ok(Val::D(DVal {
                t,
                shape: s,
                dtype: to,
            }))
        }
    }
}

pub(crate) fn reshape_target(
    shape: &[usize],
    target: &[i64],
    allowzero: bool,
) -> OpResult<Vec<usize>> {
    let total = numel(shape);
    let mut out = Vec::with_capacity(target.len());
    let mut infer = None;
    for (i, &t) in target.iter().enumerate() {
        if t == -1 {
            if infer.is_some() {
                return Err("more than one -1 in the reshape target".into());
            }
            infer = Some(i);
            out.push(1);
        } else if t == 0 && !allowzero {
            let d = *shape.get(i).ok_or_else(|| {
                format!("target {target:?}: 0 at axis {i} has no input axis to copy")
            })?;
            out.push(d);
        } else if t < 0 {
            return Err(format!("invalid reshape target {target:?}"));
        } else {
            out.push(t as usize);
        }
    }
    if let Some(i) = infer {
        let rest = numel(&out);
        if rest == 0 || !total.is_multiple_of(rest) {
            return Err(format!(
                "cannot reshape {shape:?} ({total} values) into {target:?}"
            ));
        }
        out[i] = total / rest;
    }
    if numel(&out) != total {
        return Err(format!(
            "cannot reshape {shape:?} ({total} values) into {target:?}"
        ));
    }
    Ok(out)
}

pub(crate) fn matmul(ctx: &Ctx, a: &Val, b: &Val) -> OpResult<Val> {
    let (sa, sb) = (a.shape().to_vec(), b.shape().to_vec());
    if sa.is_empty() || sb.is_empty() {
        return Err("MatMul inputs must have rank ≥ 1".into());
    }
    let a2 = if sa.len() == 1 {
        vec![1, sa[0]]
    } else {
        sa.clone()
    };
    let b2 = if sb.len() == 1 {
        vec![sb[0], 1]
    } else {
        sb.clone()
    };
    let (m, k) = (a2[a2.len() - 2], a2[a2.len() - 1]);
    let (k2, nn) = (b2[b2.len() - 2], b2[b2.len() - 1]);
    if k != k2 {
        return Err(format!(
            "shapes {sa:?} and {sb:?} do not fit: {k} vs {k2} inner features"
        ));
    }
    let batch = bcast(&a2[..a2.len() - 2], &b2[..b2.len() - 2])?;
    let mut full = batch.clone();
    full.extend([m, nn]);
    let mut out = batch.clone();
    if sa.len() > 1 {
        out.push(m);
    }
    if sb.len() > 1 {
        out.push(nn);
    }
    let dt = float_dtype(a.dtype());
    if numel(&full) == 0 || k == 0 {
        let h = HVal::new(out.clone(), HData::F(vec![0.0; numel(&out)]), dt);
        return host_or_dev(h, ctx);
    }
    let da = reshape_d(a.dev(ctx.dev)?, a2.clone())?;
    let db = reshape_d(b.dev(ctx.dev)?, b2.clone())?;
    let int = da.kind() == Kind::I && db.kind() == Kind::I;
    let mut ta = da.f();
    let mut tb = db.f();
    let mut ea = batch.clone();
    ea.extend([m, k]);
    let mut eb = batch.clone();
    eb.extend([k, nn]);
    if a2[..a2.len() - 2] != batch[..] || a2.len() - 2 != batch.len() {
        ta = ta.expand(p6(&ea)?);
    }
    if b2[..b2.len() - 2] != batch[..] || b2.len() - 2 != batch.len() {
        tb = tb.expand(p6(&eb)?);
    }
    let y = ta.matmul(tb).reshape(p6(&out)?);
    if int {
        return Ok(ival(y.round().int(), out, a.dtype()));
    }
    Ok(fval(y, out, dt))
}

/// Explicit (begin, end) pads per spatial axis, resolving auto_pad.
fn resolve_pads(
    n: &Node,
    input: &[usize],
    kernel: &[usize],
    strides: &[usize],
    dil: &[usize],
) -> OpResult<Vec<(usize, usize)>> {
    let nd = input.len();
    let auto = n.attrs.s("auto_pad").unwrap_or_else(|| "NOTSET".into());
    match auto.as_str() {
        "NOTSET" | "" => {
            let p = n.attrs.ints("pads").unwrap_or_else(|| vec![0; 2 * nd]);
            if p.len() != 2 * nd {
                return Err(format!("pads {p:?} must have {} entries", 2 * nd));
            }
            if p.iter().any(|&v| v < 0) {
                return Err("negative pads are not supported".into());
            }
            Ok((0..nd)
                .map(|i| (p[i] as usize, p[i + nd] as usize))
                .collect())
        }
        "VALID" => Ok(vec![(0, 0); nd]),
        "SAME_UPPER" | "SAME_LOWER" => Ok((0..nd)
            .map(|i| {
                let out = input[i].div_ceil(strides[i]);
                let eff = (kernel[i] - 1) * dil[i] + 1;
                let total = ((out.saturating_sub(1)) * strides[i] + eff).saturating_sub(input[i]);
                if auto == "SAME_UPPER" {
                    (total / 2, total - total / 2)
                } else {
                    (total - total / 2, total / 2)
                }
            })
            .collect()),
        other => Err(format!("unknown auto_pad {other}")),
    }
}

async fn conv(ctx: &Ctx<'_>, n: &Node, ins: &[Option<Val>]) -> OpResult<Val> {
    let (x, w) = (req(ins, 0)?, req(ins, 1)?);
    let xs = x.shape().to_vec();
    let ws = w.shape().to_vec();
    let r = xs.len();
    if r < 3 || ws.len() != r {
        return Err(format!(
            "input {xs:?} and weight {ws:?} must both be N×C×spatial"
        ));
    }
    let nd = r - 2;
    if nd > 3 {
        return Err(format!("{nd}-D convolution is not supported"));
    }
    let a = &n.attrs;
    let g = a.i("group", 1).max(1) as usize;
    let kernel: Vec<usize> = ws[2..].to_vec();
    let strides: Vec<usize> = a
        .ints("strides")
        .map(|v| v.iter().map(|&s| s as usize).collect())
        .unwrap_or(vec![1; nd]);
    let dil: Vec<usize> = a
        .ints("dilations")
        .map(|v| v.iter().map(|&s| s as usize).collect())
        .unwrap_or(vec![1; nd]);
    if strides.len() != nd || dil.len() != nd || strides.contains(&0) || dil.contains(&0) {
        return Err("bad strides or dilations".into());
    }
    if xs[1] != ws[1] * g || ws[0] % g != 0 {
        return Err(format!(
            "input has {} channels but the weight {ws:?} with group={g} expects {}",
            xs[1],
            ws[1] * g
        ));
    }
    let pads = resolve_pads(n, &xs[2..], &kernel, &strides, &dil)?;
    let mut out = vec![xs[0], ws[0]];
    for i in 0..nd {
        let eff = (kernel[i] - 1) * dil[i] + 1;
        let padded = xs[2 + i] + pads[i].0 + pads[i].1;
        if padded < eff {
            return Err(format!(
                "kernel {kernel:?} is larger than the padded input {xs:?}"
            ));
        }
        out.push((padded - eff) / strides[i] + 1);
    }
    let (xt, _, dt) = fdev(x, ctx)?;
    let (wt, _, _) = fdev(w, ctx)?;
    let bias = match opt(ins, 2) {
        Some(b) => {
            if b.numel() != ws[0] {
                return Err(format!("bias has {} values, expected {}", b.numel(), ws[0]));
            }
            Some(fdev(b, ctx)?.0.reshape([ws[0]]))
        }
        None => None,
    };
    let y6: FT = match nd {
        1 => {
            let o = ConvOptions::new_with_padding([strides[0]], [pads[0]], [dil[0]], g);
            let y = bm::conv1d(
                xt.reshape([xs[0], xs[1], xs[2]]),
                wt.reshape([ws[0], ws[1], ws[2]]),
                bias,
                o,
            );
            y.reshape(p6(&out)?)
        }
        2 => {
            let o = ConvOptions::new_with_padding(
                [strides[0], strides[1]],
                [pads[0], pads[1]],
                [dil[0], dil[1]],
                g,
            );
            let y = bm::conv2d(
                xt.reshape([xs[0], xs[1], xs[2], xs[3]]),
                wt.reshape([ws[0], ws[1], ws[2], ws[3]]),
                bias,
                o,
            );
            y.reshape(p6(&out)?)
        }
        _ => {
            if pads.iter().any(|p| p.0 != p.1) {
                // Pad explicitly, then convolve without padding.
                let padded = xt.pad(
                    [(0, 0), (0, 0), (0, 0), pads[0], pads[1], pads[2]],
                    PadMode::Constant(0.0),
                );
                let ps: Vec<usize> = (0..3).map(|i| xs[2 + i] + pads[i].0 + pads[i].1).collect();
                let o = ConvOptions::new(
                    [strides[0], strides[1], strides[2]],
                    [0, 0, 0],
                    [dil[0], dil[1], dil[2]],
                    g,
                );
                bm::conv3d(
                    padded.reshape([xs[0], xs[1], ps[0], ps[1], ps[2]]),
                    wt.reshape([ws[0], ws[1], ws[2], ws[3], ws[4]]),
                    bias,
                    o,
                )
                .reshape(p6(&out)?)
            } else {
                let o = ConvOptions::new(
                    [strides[0], strides[1], strides[2]],
                    [pads[0].0, pads[1].0, pads[2].0],
                    [dil[0], dil[1], dil[2]],
                    g,
                );
                bm::conv3d(
                    xt.reshape([xs[0], xs[1], xs[2], xs[3], xs[4]]),
                    wt.reshape([ws[0], ws[1], ws[2], ws[3], ws[4]]),
                    bias,
                    o,
                )
                .reshape(p6(&out)?)
            }
        }
    };
    Ok(fval(y6, out, float_dtype(dt)))
}

fn conv_transpose(ctx: &Ctx, n: &Node, ins: &[Option<Val>]) -> OpResult<Val> {
    use burn::tensor::ops::ConvTransposeOptions;
    let (x, w) = (req(ins, 0)?, req(ins, 1)?);
    let xs = x.shape().to_vec();
    let ws = w.shape().to_vec();
    let r = xs.len();
    if r < 3 || ws.len() != r || r > 4 {
        return Err(format!(
            "only 1-D and 2-D ConvTranspose are supported (input {xs:?}, weight {ws:?})"
        ));
    }
    let nd = r - 2;
    let a = &n.attrs;
    let g = a.i("group", 1).max(1) as usize;
    let strides: Vec<usize> = a
        .ints("strides")
        .map(|v| v.iter().map(|&s| s as usize).collect())
        .unwrap_or(vec![1; nd]);
    let dil: Vec<usize> = a
        .ints("dilations")
        .map(|v| v.iter().map(|&s| s as usize).collect())
        .unwrap_or(vec![1; nd]);
    let mut opad: Vec<usize> = a
        .ints("output_padding")
        .map(|v| v.iter().map(|&s| s as usize).collect())
        .unwrap_or(vec![0; nd]);
    if xs[1] != ws[0] {
        return Err(format!(
            "input has {} channels, weight {ws:?} expects {}",
            xs[1], ws[0]
        ));
    }
    let kernel = &ws[2..];
    let auto = a.s("auto_pad").unwrap_or_else(|| "NOTSET".into());
    let mut pads: Vec<(usize, usize)> = match a.ints("pads") {
        Some(p) if p.len() == 2 * nd => (0..nd)
            .map(|i| (p[i] as usize, p[i + nd] as usize))
            .collect(),
        _ => vec![(0, 0); nd],
    };
    let mut full: Vec<usize> = (0..nd)
        .map(|i| strides[i] * (xs[2 + i] - 1) + opad[i] + (kernel[i] - 1) * dil[i] + 1)
        .collect();
    if let Some(os) = a.ints("output_shape") {
        let os = &os[os.len() - nd..];
        for i in 0..nd {
            let total = full[i] as i64 - os[i];
            if total < 0 {
                opad[i] += (-total) as usize;
                full[i] += (-total) as usize;
                pads[i] = (0, 0);
            } else {
                let t = total as usize;
                pads[i] = if auto == "SAME_UPPER" {
                    (t / 2, t - t / 2)
                } else {
                    (t - t / 2, t / 2)
                };
            }
        }
    } else if auto == "SAME_UPPER" || auto == "SAME_LOWER" {
        for i in 0..nd {
            let t = full[i] - xs[2 + i] * strides[i];
            pads[i] = if auto == "SAME_UPPER" {
                (t / 2, t - t / 2)
            } else {
                (t - t / 2, t / 2)
            };
        }
    }
    let out_sp: Vec<usize> = (0..nd).map(|i| full[i] - pads[i].0 - pads[i].1).collect();
    // burn takes symmetric padding: use the begin pad and crop the end difference.
    let (xt, _, dt) = fdev(x, ctx)?;
    let (wt, _, _) = fdev(w, ctx)?;
    let bias = match opt(ins, 2) {
        Some(b) => Some(fdev(b, ctx)?.0.reshape([b.numel()])),
        None => None,
    };
    let cout = ws[1] * g;
    let mut out = vec![xs[0], cout];
    out.extend(&out_sp);
    let y = if nd == 1 {
        let extra = pads[0].0.saturating_sub(pads[0].1);
        let o =
            ConvTransposeOptions::new([strides[0]], [pads[0].0], [opad[0] + extra], [dil[0]], g);
        let y = bm::conv_transpose1d(
            xt.reshape([xs[0], xs[1], xs[2]]),
            wt.reshape([ws[0], ws[1], ws[2]]),
            bias,
            o,
        );
        let d = y.dims();
        y.slice([0..d[0], 0..d[1], 0..out_sp[0]]).reshape(p6(&out)?)
    } else {
        let extra: Vec<usize> = (0..2)
            .map(|i| pads[i].0.saturating_sub(pads[i].1))
            .collect();
        let o = ConvTransposeOptions::new(
            [strides[0], strides[1]],
            [pads[0].0, pads[1].0],
            [opad[0] + extra[0], opad[1] + extra[1]],
            [dil[0], dil[1]],
            g,
        );
        let y = bm::conv_transpose2d(
            xt.reshape([xs[0], xs[1], xs[2], xs[3]]),
            wt.reshape([ws[0], ws[1], ws[2], ws[3]]),
            bias,
            o,
        );
        let d = y.dims();
        if d[2] < out_sp[0] || d[3] < out_sp[1] {
            return Err("asymmetric pads of this kind are not supported".into());
        }
        y.slice([0..d[0], 0..d[1], 0..out_sp[0], 0..out_sp[1]])
            .reshape(p6(&out)?)
    };
    Ok(fval(y, out, float_dtype(dt)))
}

fn pool(ctx: &Ctx, n: &Node, x: &Val) -> OpResult<Val> {
    let a = &n.attrs;
    let xs = x.shape().to_vec();
    let r = xs.len();
    if r < 3 {
        return Err(format!("input must be N×C×spatial, got {xs:?}"));
    }
    let nd = r - 2;
    if nd > 3 {
        return Err(format!("{nd}-D pooling is not supported"));
    }
    let kernel: Vec<usize> = a
        .ints("kernel_shape")
        .ok_or("missing kernel_shape")?
        .iter()
        .map(|&k| k as usize)
        .collect();
    if kernel.len() != nd || kernel.contains(&0) {
        return Err("bad kernel_shape".into());
    }
    let strides: Vec<usize> = a
        .ints("strides")
        .map(|v| v.iter().map(|&s| s as usize).collect())
        .unwrap_or(vec![1; nd]);
    let dil: Vec<usize> = a
        .ints("dilations")
        .map(|v| v.iter().map(|&s| s as usize).collect())
        .unwrap_or(vec![1; nd]);
    let pads = resolve_pads(n, &xs[2..], &kernel, &strides, &dil)?;
    let ceil = a.i("ceil_mode", 0) == 1;
    let is_max = n.op == "MaxPool";
    let mut out = vec![xs[0], xs[1]];
    for i in 0..nd {
        let eff = (kernel[i] - 1) * dil[i] + 1;
        let padded = xs[2 + i] + pads[i].0 + pads[i].1;
        if padded < eff {
            return Err("kernel larger than the padded input".into());
        }
        let num = padded - eff;
        let mut o = if ceil {
            num.div_ceil(strides[i]) + 1
        } else {
            num / strides[i] + 1
        };
        if ceil && (o - 1) * strides[i] >= xs[2 + i] + pads[i].0 {
            o -= 1;
        }
        out.push(o);
    }
    let (t, _, dt) = fdev(x, ctx)?;
    let cip = a.i("count_include_pad", 0) == 1;
    if !is_max && dil.iter().any(|&d| d != 1) {
        return avg_pool_by_conv(
            ctx,
            t,
            &xs,
            &out,
            &kernel,
            &strides,
            &dil,
            &pads,
            cip,
            float_dtype(dt),
        );
    }
    let pool1 = |t3: Tensor<3>, i: usize| -> Tensor<3> {
        if is_max {
            let o = MaxPoolOptions::new([kernel[i]])
                .with_stride([strides[i]])
                .with_padding_pairs([pads[i]])
                .with_dilation([dil[i]])
                .with_ceil_mode(ceil);
            bm::max_pool1d(t3, o)
        } else {
            let o = AvgPoolOptions::new([kernel[i]])
                .with_stride([strides[i]])
                .with_padding_pairs([pads[i]])
                .with_count_include_pad(cip)
                .with_ceil_mode(ceil);
            bm::avg_pool1d(t3, o)
        }
    };
    let pool2 = |t4: Tensor<4>, i: usize| -> Tensor<4> {
        if is_max {
            let o = MaxPoolOptions::new([kernel[i], kernel[i + 1]])
                .with_stride([strides[i], strides[i + 1]])
                .with_padding_pairs([pads[i], pads[i + 1]])
                .with_dilation([dil[i], dil[i + 1]])
                .with_ceil_mode(ceil);
            bm::max_pool2d(t4, o)
        } else {
            let o = AvgPoolOptions::new([kernel[i], kernel[i + 1]])
                .with_stride([strides[i], strides[i + 1]])
                .with_padding_pairs([pads[i], pads[i + 1]])
                .with_count_include_pad(cip)
                .with_ceil_mode(ceil);
            bm::avg_pool2d(t4, o)
        }
    };
    if nd == 3 {
        // Box pooling is separable: pool (H, W) in 2-D, then D in 1-D.
        let nc = xs[0] * xs[1];
        let y = pool2(t.reshape([nc, xs[2], xs[3], xs[4]]), 1);
        let [_, _, h2, w2] = y.dims();
        if [h2, w2] != [out[3], out[4]] {
            return Err("unsupported pooling geometry".into());
        }
        let z = pool1(y.permute([0, 2, 3, 1]).reshape([nc * h2 * w2, 1, xs[2]]), 0);
        if z.dims()[2] != out[2] {
            return Err("unsupported pooling geometry".into());
        }
        let z = z
            .reshape([nc, h2, w2, out[2]])
            .permute([0, 3, 1, 2])
            .reshape(p6(&out)?);
        return Ok(fval(z, out, float_dtype(dt)));
    }
    let y = if nd == 1 {
        let t3 = t.reshape([xs[0], xs[1], xs[2]]);
        if is_max {
            let o = MaxPoolOptions::new([kernel[0]])
                .with_stride([strides[0]])
                .with_padding_pairs([pads[0]])
                .with_dilation([dil[0]])
                .with_ceil_mode(ceil);
            bm::max_pool1d(t3, o).reshape(p6(&out)?)
        } else {
            let o = AvgPoolOptions::new([kernel[0]])
                .with_stride([strides[0]])
                .with_padding_pairs([pads[0]])
                .with_count_include_pad(cip)
                .with_ceil_mode(ceil);
            bm::avg_pool1d(t3, o).reshape(p6(&out)?)
        }
    } else {
        let t4 = t.reshape([xs[0], xs[1], xs[2], xs[3]]);
        if is_max {
            let o = MaxPoolOptions::new([kernel[0], kernel[1]])
                .with_stride([strides[0], strides[1]])
                .with_padding_pairs([pads[0], pads[1]])
                .with_dilation([dil[0], dil[1]])
                .with_ceil_mode(ceil);
            bm::max_pool2d(t4, o).reshape(p6(&out)?)
        } else {
            let o = AvgPoolOptions::new([kernel[0], kernel[1]])
                .with_stride([strides[0], strides[1]])
                .with_padding_pairs([pads[0], pads[1]])
                .with_count_include_pad(cip)
                .with_ceil_mode(ceil);
            bm::avg_pool2d(t4, o).reshape(p6(&out)?)
        }
    };
    Ok(fval(y, out, float_dtype(dt)))
}

async fn pad(ctx: &Ctx<'_>, n: &Node, ins: &[Option<Val>]) -> OpResult<Val> {
    let a = &n.attrs;
    let x = req(ins, 0)?;
    let r = x.rank();
    let mode = a.s("mode").unwrap_or_else(|| "constant".into());
    let (pads, value, axes) = if n.opset < 11 {
        (
            a.ints("pads")
                .or_else(|| a.ints("paddings"))
                .ok_or("missing pads")?,
            a.f("value", 0.0),
            None,
        )
    } else {
        let p = ints(req(ins, 1)?).await?;
        let v = match opt(ins, 2) {
            Some(v) if v.numel() > 0 => scalar_f(v).await?,
            _ => 0.0,
        };
        let ax = match opt(ins, 3) {
            Some(v) => Some(ints(v).await?),
            None => None,
        };
        (p, v, ax)
    };
    let axes: Vec<usize> = match axes {
        Some(ax) => ax
            .iter()
            .map(|&v| norm_axis(v, r))
            .collect::<OpResult<_>>()?,
        None => (0..r).collect(),
    };
    if pads.len() != 2 * axes.len() {
        return Err(format!(
            "pads {pads:?} must have {} entries",
            2 * axes.len()
        ));
    }
    let mut pp = vec![(0i64, 0i64); r];
    for (k, &ax) in axes.iter().enumerate() {
        pp[ax] = (pads[k], pads[k + axes.len()]);
    }
    // Negative pads crop first.
    let mut cur = x.clone();
    if pp.iter().any(|p| p.0 < 0 || p.1 < 0) {
        let s = cur.shape().to_vec();
        let mut lists = vec![];
        let mut shape = vec![];
        for i in 0..r {
            let b = (-pp[i].0).max(0) as usize;
            let e = (-pp[i].1).max(0) as usize;
            if b + e > s[i] {
                return Err("negative pads remove more than the whole axis".into());
            }
            lists.push((b..s[i] - e).collect::<Vec<_>>());
            shape.push(s[i] - b - e);
        }
        let h = cur.host().await?;
        cur = Val::H(HVal::new(
            shape,
            h.data.pick(&cart_idx(&h.shape, &lists)),
            h.dtype,
        ));
        for p in pp.iter_mut() {
            p.0 = p.0.max(0);
            p.1 = p.1.max(0);
        }
    }
    let s = cur.shape().to_vec();
    let out: Vec<usize> = (0..r)
        .map(|i| s[i] + pp[i].0 as usize + pp[i].1 as usize)
        .collect();
    if numel(&out) == 0 {
        return Ok(empty_val(out, x.dtype()));
    }
    let pm = match mode.as_str() {
        "constant" => PadMode::Constant(value),
        "reflect" => {
            for i in 0..r {
                if pp[i].0 as usize >= s[i].max(1) || pp[i].1 as usize >= s[i].max(1) {
                    return Err("reflect pads must be smaller than the axis".into());
                }
            }
            PadMode::Reflect
        }
        "edge" => PadMode::Edge,
        other => return Err(format!("pad mode '{other}' is not supported")),
    };
    if cur.numel() == 0 {
        if mode != "constant" {
            return Err("cannot edge/reflect-pad an empty tensor".into());
        }
        let h = HVal::new(out.clone(), HData::F(vec![value; numel(&out)]), x.dtype());
        return cast(ctx, &Val::H(h), x.dtype()).and_then(|v| {
            if numel(&out) > HOST_MAX {
                Ok(Val::D(v.dev(ctx.dev)?))
            } else {
                Ok(v)
            }
        });
    }
    let mut pad6 = vec![(0usize, 0usize); R - r];
    pad6.extend(pp.iter().map(|&(b, e)| (b as usize, e as usize)));
    let d = cur.dev(ctx.dev)?;
    let (dt, kind) = (d.dtype, d.kind());
    let y = d.f().pad(pad6, pm);
    Ok(match kind {
        Kind::F => fval(y, out, dt),
        Kind::I => ival(y.round().int(), out, dt),
        Kind::B => bval(y.not_equal_elem(0.0), out),
    })
}

/// Dilated average pooling (burn's pools have no dilation): a depthwise convolution of ones gives
/// the window sums, and the same convolution of a padded mask gives the divisors.
#[allow(clippy::too_many_arguments)]
fn avg_pool_by_conv(
    ctx: &Ctx,
    t: FT,
    xs: &[usize],
    out: &[usize],
    kernel: &[usize],
    strides: &[usize],
    dil: &[usize],
    pads: &[(usize, usize)],
    cip: bool,
    dt: DType,
) -> OpResult<Val> {
    let nd = xs.len() - 2;
    let c = xs[1];
    // Extra end padding so that the last (ceil-mode) window fits.
    let extra: Vec<usize> = (0..nd)
        .map(|i| {
            let need = (out[2 + i] - 1) * strides[i] + (kernel[i] - 1) * dil[i] + 1;
            need.saturating_sub(xs[2 + i] + pads[i].0 + pads[i].1)
        })
        .collect();
    let mut xpad = vec![(0usize, 0usize); R - nd];
    xpad.extend((0..nd).map(|i| (pads[i].0, pads[i].1 + extra[i])));
    let xp = t.pad(xpad, PadMode::Constant(0.0));
    // mask: 1 on the input (and on explicit pads when they count), 0 elsewhere
    let mut mshape = vec![1usize, 1];
    mshape.extend_from_slice(&xs[2..]);
    let ones = FT::ones(p6(&mshape)?, ctx.dev);
    let mut mpad1 = vec![(0usize, 0usize); R - nd];
    mpad1.extend((0..nd).map(|i| pads[i]));
    let mask = ones.pad(mpad1, PadMode::Constant(if cip { 1.0 } else { 0.0 }));
    let mut mpad2 = vec![(0usize, 0usize); R - nd];
    mpad2.extend((0..nd).map(|i| (0, extra[i])));
    let mask = mask.pad(mpad2, PadMode::Constant(0.0));
    let psz: Vec<usize> = (0..nd)
        .map(|i| xs[2 + i] + pads[i].0 + pads[i].1 + extra[i])
        .collect();
    let conv = |x: FT, ch: usize, nb: usize| -> OpResult<FT> {
        Ok(match nd {
            1 => {
                let w = Tensor::<3>::ones([ch, 1, kernel[0]], ctx.dev);
                let o = ConvOptions::new([strides[0]], [0], [dil[0]], ch);
                bm::conv1d(x.reshape([nb, ch, psz[0]]), w, None, o).reshape(p6(&[nb, ch, out[2]])?)
            }
            2 => {
                let w = Tensor::<4>::ones([ch, 1, kernel[0], kernel[1]], ctx.dev);
                let o = ConvOptions::new([strides[0], strides[1]], [0, 0], [dil[0], dil[1]], ch);
                bm::conv2d(x.reshape([nb, ch, psz[0], psz[1]]), w, None, o)
                    .reshape(p6(&[nb, ch, out[2], out[3]])?)
            }
            _ => {
                let w = Tensor::<5>::ones([ch, 1, kernel[0], kernel[1], kernel[2]], ctx.dev);
                let o = ConvOptions::new(
                    [strides[0], strides[1], strides[2]],
                    [0, 0, 0],
                    [dil[0], dil[1], dil[2]],
                    ch,
                );
                bm::conv3d(x.reshape([nb, ch, psz[0], psz[1], psz[2]]), w, None, o)
                    .reshape(p6(&[nb, ch, out[2], out[3], out[4]])?)
            }
        })
    };
    let sums = conv(xp, c, xs[0])?;
    let counts = conv(mask, 1, 1)?;
    let y = sums.div(counts.expand(p6(out)?));
    Ok(fval(y, out.to_vec(), dt))
}
