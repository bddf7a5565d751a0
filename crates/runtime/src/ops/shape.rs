//! Shape and layout ops: Shape, Size, Reshape, Flatten, Squeeze, Unsqueeze, Transpose, Concat,
//! Split, Expand, Tile, ConstantOfShape, DepthToSpace, SpaceToDepth.
//!
//! Shapes are host values, so shape arithmetic never touches the device; a shape operand that
//! does live on the device is read back (`ints`), which is why several of these are async. Opset
//! traps: Squeeze/Unsqueeze take `axes` as an attribute before opset 13 and as an input from 13,
//! Split's sizes likewise; Reshape's target was an attribute before opset 5.

use burn::tensor::Tensor;

use crate::error::OpResult;
use crate::plan::Node;
use crate::proto::tensor_from_proto;
use crate::registry::{AsyncOp, OpDef};
use crate::types::DType;
use crate::value::*;

use super::Ctx;
use super::helpers::*;

pub(crate) const OPS: &[OpDef] = &[
    OpDef::sync("Shape", shape),
    OpDef::sync("Size", size),
    OpDef::asynk("Reshape", AsyncOp::Reshape),
    OpDef::sync("Flatten", flatten),
    OpDef::asynk("Squeeze", AsyncOp::Squeeze),
    OpDef::asynk("Unsqueeze", AsyncOp::Unsqueeze),
    OpDef::sync("Transpose", transpose),
    OpDef::sync("Concat", concat),
    OpDef::asynk("Split", AsyncOp::Split),
    OpDef::asynk("Expand", AsyncOp::Expand),
    OpDef::asynk("Tile", AsyncOp::Tile),
    OpDef::asynk("ConstantOfShape", AsyncOp::ConstantOfShape),
    OpDef::sync("DepthToSpace", depth_to_space),
    OpDef::sync("SpaceToDepth", space_to_depth),
];

fn shape(_ctx: &Ctx, n: &Node, ins: &mut [Option<Val>]) -> OpResult<Vec<Val>> {
    let a = &n.attrs;
    let x = req(ins, 0)?;
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

fn size(_ctx: &Ctx, _n: &Node, ins: &mut [Option<Val>]) -> OpResult<Vec<Val>> {
    one(Val::H(HVal::i64s(
        vec![],
        vec![req(ins, 0)?.numel() as i64],
    )))
}

pub(crate) async fn reshape(
    _ctx: &Ctx<'_>,
    n: &Node,
    ins: &mut [Option<Val>],
) -> OpResult<Vec<Val>> {
    let a = &n.attrs;
    let x = req(ins, 0)?;
    let target = if n.opset < 5 {
        a.ints("shape").unwrap_or_default()
    } else {
        ints(req(ins, 1)?).await?
    };
    let allowzero = a.i("allowzero", 0) == 1;
    let shape = reshape_target(x.shape(), &target, allowzero)?;
    one(reshape_v(x.clone(), shape)?)
}

fn flatten(_ctx: &Ctx, n: &Node, ins: &mut [Option<Val>]) -> OpResult<Vec<Val>> {
    let a = &n.attrs;
    let x = req(ins, 0)?;
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

/// Axes: an attribute before opset 13, an optional input from 13; none squeezes every 1.
pub(crate) async fn squeeze(
    _ctx: &Ctx<'_>,
    n: &Node,
    ins: &mut [Option<Val>],
) -> OpResult<Vec<Val>> {
    let a = &n.attrs;
    let x = req(ins, 0)?;
    let axes = if n.opset < 13 {
        a.ints("axes")
    } else if let Some(v) = opt(ins, 1) {
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

/// Axes: an attribute before opset 13, an input from 13.
pub(crate) async fn unsqueeze(
    _ctx: &Ctx<'_>,
    n: &Node,
    ins: &mut [Option<Val>],
) -> OpResult<Vec<Val>> {
    let a = &n.attrs;
    let x = req(ins, 0)?;
    let axes = if n.opset < 13 {
        a.ints("axes").ok_or("missing axes")?
    } else {
        ints(req(ins, 1)?).await?
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

fn transpose(ctx: &Ctx, n: &Node, ins: &mut [Option<Val>]) -> OpResult<Vec<Val>> {
    let a = &n.attrs;
    let x = req(ins, 0)?;
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

fn concat(ctx: &Ctx, n: &Node, ins: &mut [Option<Val>]) -> OpResult<Vec<Val>> {
    let a = &n.attrs;
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

pub(crate) async fn split(ctx: &Ctx<'_>, n: &Node, ins: &mut [Option<Val>]) -> OpResult<Vec<Val>> {
    let a = &n.attrs;
    let x = req(ins, 0)?;
    let r = x.rank();
    let ax = norm_axis(a.i("axis", 0), r)?;
    let dim = x.shape()[ax];
    let nout = n.outputs.len();
    let sizes: Vec<usize> = if let Some(s) = if n.opset < 13 { a.ints("split") } else { None } {
        s.iter().map(|&v| v as usize).collect()
    } else if let Some(v) = opt(ins, 1) {
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

pub(crate) async fn expand(
    ctx: &Ctx<'_>,
    _n: &Node,
    ins: &mut [Option<Val>],
) -> OpResult<Vec<Val>> {
    let x = req(ins, 0)?;
    let target: Vec<usize> = ints(req(ins, 1)?)
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

pub(crate) async fn tile(ctx: &Ctx<'_>, _n: &Node, ins: &mut [Option<Val>]) -> OpResult<Vec<Val>> {
    let x = req(ins, 0)?;
    let reps = ints(req(ins, 1)?).await?;
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

pub(crate) async fn constant_of_shape(
    ctx: &Ctx<'_>,
    n: &Node,
    ins: &mut [Option<Val>],
) -> OpResult<Vec<Val>> {
    let a = &n.attrs;
    let shape: Vec<usize> = ints(req(ins, 0)?)
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

fn depth_to_space(ctx: &Ctx, n: &Node, ins: &mut [Option<Val>]) -> OpResult<Vec<Val>> {
    blocks(ctx, n, true, ins)
}
fn space_to_depth(ctx: &Ctx, n: &Node, ins: &mut [Option<Val>]) -> OpResult<Vec<Val>> {
    blocks(ctx, n, false, ins)
}

/// DepthToSpace (DCR or CRD) and SpaceToDepth: a reshape to 6-D, a permutation, a reshape back.
fn blocks(ctx: &Ctx, n: &Node, depth_to_space: bool, ins: &[Option<Val>]) -> OpResult<Vec<Val>> {
    let a = &n.attrs;
    let x = req(ins, 0)?;
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
    let (mid, perm, out): ([usize; 6], [usize; 6], Vec<usize>) = if depth_to_space {
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

#[cfg(test)]
mod tests {
    use crate::HostTensor;
    use crate::testing::*;

    fn x() -> HostTensor {
        HostTensor::f32(vec![1, 3, 1], vec![1., 2., 3.])
    }

    #[test]
    fn squeeze_axes_attribute_before_13_input_from_13() {
        let y = run_op(
            11,
            "Squeeze",
            vec![x()],
            vec![attr_ints("axes", &[2])],
            FLOAT,
        )
        .unwrap();
        assert_eq!(y.shape, [1, 3]);
        let y = Graph::new(13)
            .input("x", FLOAT)
            .init_i("axes", &[1], &[-1])
            .node("Squeeze", &["x", "axes"], &["y"], vec![])
            .output("y", FLOAT)
            .run(vec![("x", x())])
            .unwrap();
        assert_eq!(y[0].shape, [1, 3]);
        // No axes: every axis of size 1.
        assert_eq!(
            run_op(13, "Squeeze", vec![x()], vec![], FLOAT)
                .unwrap()
                .shape,
            [3]
        );
        // At opset 13 an `axes` attribute is not the axes.
        let y = run_op(
            13,
            "Squeeze",
            vec![x()],
            vec![attr_ints("axes", &[2])],
            FLOAT,
        )
        .unwrap();
        assert_eq!(y.shape, [3]);
        let e = run_op(
            11,
            "Squeeze",
            vec![x()],
            vec![attr_ints("axes", &[1])],
            FLOAT,
        );
        assert!(e.unwrap_err().contains("cannot squeeze axis 1 of size 3"));
    }

    #[test]
    fn unsqueeze_axes_attribute_before_13_input_from_13() {
        let y = run_op(
            11,
            "Unsqueeze",
            vec![x()],
            vec![attr_ints("axes", &[0, -1])],
            FLOAT,
        )
        .unwrap();
        assert_eq!(y.shape, [1, 1, 3, 1, 1]);
        let y = Graph::new(13)
            .input("x", FLOAT)
            .init_i("axes", &[1], &[1])
            .node("Unsqueeze", &["x", "axes"], &["y"], vec![])
            .output("y", FLOAT)
            .run(vec![("x", x())])
            .unwrap();
        assert_eq!(y[0].shape, [1, 1, 3, 1]);
        assert_close(&y[0], &[1, 1, 3, 1], &[1., 2., 3.]);
        // Opset 13 without the axes input is an error, not a silent no-op.
        assert!(run_op(13, "Unsqueeze", vec![x()], vec![], FLOAT).is_err());
    }

    #[test]
    fn reshape_zero_copies_and_minus_one_infers() {
        let x = HostTensor::f32(vec![2, 3, 2], (0..12).map(|v| v as f32).collect());
        let g = |target: &[i64], allowzero: i64| {
            Graph::new(14)
                .input("x", FLOAT)
                .init_i("s", &[target.len() as i64], target)
                .node(
                    "Reshape",
                    &["x", "s"],
                    &["y"],
                    vec![attr_i("allowzero", allowzero)],
                )
                .output("y", FLOAT)
                .run(vec![("x", x.clone())])
        };
        assert_eq!(g(&[0, -1], 0).unwrap()[0].shape, [2, 6]);
        assert_eq!(g(&[-1, 4], 0).unwrap()[0].shape, [3, 4]);
        assert!(g(&[-1, -1], 0).unwrap_err().contains("more than one -1"));
        assert!(g(&[0, 12], 1).is_err());
        let y = run_op(
            13,
            "Flatten",
            vec![x.clone()],
            vec![attr_i("axis", -1)],
            FLOAT,
        )
        .unwrap();
        assert_eq!(y.shape, [6, 2]);
    }

    #[test]
    fn split_sizes_attribute_before_13_input_from_13() {
        let x = HostTensor::f32(vec![5], vec![1., 2., 3., 4., 5.]);
        let g11 = Graph::new(11)
            .input("x", FLOAT)
            .node(
                "Split",
                &["x"],
                &["a", "b"],
                vec![attr_ints("split", &[2, 3])],
            )
            .output("a", FLOAT)
            .output("b", FLOAT);
        let y = g11.run(vec![("x", x.clone())]).unwrap();
        assert_close(&y[0], &[2], &[1., 2.]);
        assert_close(&y[1], &[3], &[3., 4., 5.]);
        let g13 = Graph::new(13)
            .input("x", FLOAT)
            .init_i("s", &[2], &[4, 1])
            .node("Split", &["x", "s"], &["a", "b"], vec![])
            .output("a", FLOAT)
            .output("b", FLOAT);
        let y = g13.run(vec![("x", x.clone())]).unwrap();
        assert_close(&y[1], &[1], &[5.]);
        // Without sizes: equal parts, the last one smaller.
        let g = Graph::new(13)
            .input("x", FLOAT)
            .node("Split", &["x"], &["a", "b"], vec![])
            .output("a", FLOAT)
            .output("b", FLOAT);
        let y = g.run(vec![("x", x)]).unwrap();
        assert_eq!((y[0].shape.clone(), y[1].shape.clone()), (vec![3], vec![2]));
    }

    #[test]
    fn transpose_concat_expand_tile() {
        let x = HostTensor::f32(vec![2, 3], vec![1., 2., 3., 4., 5., 6.]);
        let y = run_op(13, "Transpose", vec![x.clone()], vec![], FLOAT).unwrap();
        assert_close(&y, &[3, 2], &[1., 4., 2., 5., 3., 6.]);
        let y = Graph::new(13)
            .input("x", FLOAT)
            .node("Concat", &["x", "x"], &["y"], vec![attr_i("axis", -1)])
            .output("y", FLOAT)
            .run(vec![("x", x.clone())])
            .unwrap();
        assert_close(
            &y[0],
            &[2, 6],
            &[1., 2., 3., 1., 2., 3., 4., 5., 6., 4., 5., 6.],
        );
        let y = Graph::new(13)
            .input("x", FLOAT)
            .init_i("s", &[3], &[2, 1, 1])
            .node("Expand", &["x", "s"], &["y"], vec![])
            .output("y", FLOAT)
            .run(vec![("x", x.clone())])
            .unwrap();
        assert_eq!(y[0].shape, [2, 2, 3]);
        let y = Graph::new(13)
            .input("x", FLOAT)
            .init_i("r", &[2], &[1, 2])
            .node("Tile", &["x", "r"], &["y"], vec![])
            .output("y", FLOAT)
            .run(vec![("x", x)])
            .unwrap();
        assert_close(
            &y[0],
            &[2, 6],
            &[1., 2., 3., 1., 2., 3., 4., 5., 6., 4., 5., 6.],
        );
    }

    #[test]
    fn shape_start_end_and_constant_of_shape() {
        let x = HostTensor::f32(vec![2, 3, 4], vec![0.0; 24]);
        let y = run_op(15, "Shape", vec![x], vec![attr_i("start", -2)], INT64).unwrap();
        assert_eq!(i64s(&y), [3, 4]);
        let y = run_op(
            9,
            "ConstantOfShape",
            vec![HostTensor::i64(vec![2], vec![2, 2])],
            vec![],
            FLOAT,
        )
        .unwrap();
        assert_close(&y, &[2, 2], &[0.0; 4]);
    }
}
