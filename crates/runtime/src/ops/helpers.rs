//! Shared helpers of the operator families: input access (`req`/`opt`), axes, broadcasting and
//! strides (device and host), reading small parameters back to the host (`ints`, `floats`),
//! reshape/expand of values, and constructors of result values. Nothing here is an operator.

use crate::error::OpResult;
use crate::types::DType;
use crate::value::*;

use super::Ctx;

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

pub(crate) fn strides(shape: &[usize]) -> Vec<usize> {
    let mut s = vec![1; shape.len()];
    for i in (0..shape.len().saturating_sub(1)).rev() {
        s[i] = s[i + 1] * shape[i + 1];
    }
    s
}

/// For each element of `out` (row-major), the flat index of the broadcast source element.
pub(crate) fn bcast_idx(out: &[usize], inp: &[usize]) -> Vec<usize> {
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
pub(crate) fn cart_idx(shape: &[usize], lists: &[Vec<usize>]) -> Vec<usize> {
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
pub(crate) async fn scalar_f(v: &Val) -> OpResult<f32> {
    let f = floats(v).await?;
    f.first()
        .copied()
        .ok_or_else(|| "expected a scalar, got an empty tensor".to_string())
}

pub(crate) fn reshape_d(d: DVal, shape: Vec<usize>) -> OpResult<DVal> {
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

pub(crate) fn expand_d(d: DVal, shape: &[usize]) -> OpResult<DVal> {
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

pub(crate) fn host_expand(h: &HVal, shape: &[usize]) -> HVal {
    let idx = bcast_idx(shape, &h.shape);
    HVal {
        shape: shape.to_vec(),
        data: h.data.pick(&idx),
        dtype: h.dtype,
    }
}

pub(crate) fn empty_val(shape: Vec<usize>, dtype: DType) -> Val {
    let data = match kind_of(dtype) {
        Kind::F => HData::F(vec![]),
        Kind::I => HData::I(vec![]),
        Kind::B => HData::B(vec![]),
    };
    Val::H(HVal { shape, data, dtype })
}

/// Keeps a host result on the host when small, else uploads it.
pub(crate) fn host_or_dev(h: HVal, ctx: &Ctx) -> OpResult<Val> {
    if h.numel() <= HOST_MAX || h.numel() == 0 {
        Ok(Val::H(h))
    } else {
        Ok(Val::D(h.upload(ctx.dev)?))
    }
}

pub(crate) fn all_host(ins: &[Option<Val>]) -> bool {
    ins.iter()
        .all(|v| v.as_ref().map(|v| v.is_host()).unwrap_or(true))
}

pub(crate) fn fdev(v: &Val, ctx: &Ctx) -> OpResult<(FT, Vec<usize>, DType)> {
    let d = v.dev(ctx.dev)?;
    let (s, dt) = (d.shape.clone(), d.dtype);
    Ok((d.f(), s, dt))
}

pub(crate) fn fval(t: FT, shape: Vec<usize>, dtype: DType) -> Val {
    Val::D(DVal {
        t: TData::F(t),
        shape,
        dtype,
    })
}
pub(crate) fn ival(t: IT, shape: Vec<usize>, dtype: DType) -> Val {
    Val::D(DVal {
        t: TData::I(t),
        shape,
        dtype,
    })
}
pub(crate) fn bval(t: BT, shape: Vec<usize>) -> Val {
    Val::D(DVal {
        t: TData::B(t),
        shape,
        dtype: DType::Bool,
    })
}

pub(crate) fn float_dtype(d: DType) -> DType {
    if d.is_float() { d } else { DType::F32 }
}

/// A node's single output.
pub(crate) fn one(v: Val) -> OpResult<Vec<Val>> {
    Ok(vec![v])
}

/// A float tensor on the device (the fast paths take those by value).
pub(crate) fn is_dev_f(v: &Option<Val>) -> bool {
    matches!(v, Some(Val::D(d)) if d.kind() == Kind::F)
}

/// The value of a one-element float host tensor.
pub(crate) fn host_scalar(v: &Option<Val>) -> Option<f32> {
    match v {
        Some(Val::H(h)) if h.numel() == 1 && h.dtype.is_float() => Some(h.data.as_f32()[0]),
        _ => None,
    }
}
