//! Indexing ops: Gather, GatherElements, Slice, TopK. Indices are validated on the host before
//! burn sees them (negative indices count from the end; out of range is an error, not a panic);
//! indices on the device are read back, hence async.

use burn::tensor::{Int, Tensor};

use crate::error::OpResult;
use crate::plan::Node;
use crate::registry::{AsyncOp, OpDef};
use crate::types::DType;
use crate::value::*;

use super::Ctx;
use super::helpers::*;

pub(crate) const OPS: &[OpDef] = &[
    OpDef::asynk("Gather", AsyncOp::Gather),
    OpDef::asynk("GatherElements", AsyncOp::GatherElements),
    OpDef::asynk("Slice", AsyncOp::Slice).note("steps, negative steps"),
    OpDef::asynk("TopK", AsyncOp::TopK),
];

/// Gather along `axis`: on the host for host values, else a device `select` with the indices validated (read back when they live on the device).
pub(crate) async fn gather(ctx: &Ctx<'_>, n: &Node, ins: &mut [Option<Val>]) -> OpResult<Vec<Val>> {
    let a = &n.attrs;
    let (x, idx) = (req(ins, 0)?, req(ins, 1)?);
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

pub(crate) async fn gather_elements(
    ctx: &Ctx<'_>,
    n: &Node,
    ins: &mut [Option<Val>],
) -> OpResult<Vec<Val>> {
    let a = &n.attrs;
    let (x, idx) = (req(ins, 0)?, req(ins, 1)?);
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

/// Slice: starts/ends/axes are attributes before opset 10 (no steps), inputs from 10. Negative steps walk backwards (a slice, then a flip).
pub(crate) async fn slice(ctx: &Ctx<'_>, n: &Node, ins: &mut [Option<Val>]) -> OpResult<Vec<Val>> {
    let a = &n.attrs;
    let x = req(ins, 0)?;
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
            ints(req(ins, 1)?).await?,
            ints(req(ins, 2)?).await?,
            match opt(ins, 3) {
                Some(v) => Some(ints(v).await?),
                None => None,
            },
            match opt(ins, 4) {
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
    if starts.len() != ends.len() || axes.len() != starts.len() || steps.len() != starts.len() {
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

pub(crate) async fn top_k(ctx: &Ctx<'_>, n: &Node, ins: &mut [Option<Val>]) -> OpResult<Vec<Val>> {
    let a = &n.attrs;
    // On the host: the k largest (or smallest) along an axis, ties
    // to the lower index, as the operator requires; values keep the
    // input's element type, indices are int64.
    let x = req(ins, 0)?;
    let r = x.rank();
    if r == 0 {
        return Err("TopK needs an input of rank ≥ 1".into());
    }
    let ax = norm_axis(a.i("axis", -1), r)?;
    let k = *ints(req(ins, 1)?).await?.first().ok_or("K is empty")?;
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

#[cfg(test)]
mod tests {
    use crate::HostTensor;
    use crate::testing::*;

    fn x() -> HostTensor {
        HostTensor::f32(vec![2, 4], vec![0., 1., 2., 3., 4., 5., 6., 7.])
    }

    #[test]
    fn slice_attributes_before_10_inputs_from_10() {
        let y = run_op(
            9,
            "Slice",
            vec![x()],
            vec![
                attr_ints("starts", &[1]),
                attr_ints("ends", &[100]),
                attr_ints("axes", &[1]),
            ],
            FLOAT,
        )
        .unwrap();
        assert_close(&y, &[2, 3], &[1., 2., 3., 5., 6., 7.]);
        // From opset 10: inputs, with steps; a negative step walks backwards.
        let y = Graph::new(13)
            .input("x", FLOAT)
            .init_i("s", &[1], &[-1])
            .init_i("e", &[1], &[0])
            .init_i("a", &[1], &[1])
            .init_i("st", &[1], &[-2])
            .node("Slice", &["x", "s", "e", "a", "st"], &["y"], vec![])
            .output("y", FLOAT)
            .run(vec![("x", x())])
            .unwrap();
        assert_close(&y[0], &[2, 2], &[3., 1., 7., 5.]);
        // Opset 10 ignores the old attributes: the inputs are required.
        let e = run_op(
            10,
            "Slice",
            vec![x()],
            vec![attr_ints("starts", &[1])],
            FLOAT,
        );
        assert!(e.unwrap_err().contains("input 1 is required"));
    }

    #[test]
    fn slice_of_a_host_shape() {
        // Shape → Slice stays on the host; an empty slice is fine.
        let y = Graph::new(13)
            .input("x", FLOAT)
            .init_i("s", &[1], &[1])
            .init_i("e", &[1], &[i64::MAX])
            .node("Shape", &["x"], &["sh"], vec![])
            .node("Slice", &["sh", "s", "e"], &["y"], vec![])
            .output("y", INT64)
            .run(vec![("x", x())])
            .unwrap();
        assert_eq!(i64s(&y[0]), [4]);
    }

    #[test]
    fn gather_negative_indices_host_and_device() {
        let idx = HostTensor::i64(vec![2], vec![-1, 0]);
        let y = run_op(
            13,
            "Gather",
            vec![x(), idx.clone()],
            vec![attr_i("axis", 1)],
            FLOAT,
        )
        .unwrap();
        assert_close(&y, &[2, 2], &[3., 0., 7., 4.]);
        let y = Graph::new(13)
            .init_i("d", &[3], &[10, 20, 30])
            .init_i("i", &[2], &[-1, 1])
            .node("Gather", &["d", "i"], &["y"], vec![])
            .output("y", INT64)
            .run(vec![])
            .unwrap();
        assert_eq!(i64s(&y[0]), [30, 20]);
        let e = run_op(
            13,
            "Gather",
            vec![x(), HostTensor::i64(vec![1], vec![4])],
            vec![],
            FLOAT,
        );
        assert!(e.unwrap_err().contains("out of bounds"));
    }

    #[test]
    fn gather_elements_and_top_k() {
        let idx = HostTensor::i64(vec![2, 2], vec![3, 0, -1, 1]);
        let y = run_op(
            13,
            "GatherElements",
            vec![x(), idx],
            vec![attr_i("axis", 1)],
            FLOAT,
        )
        .unwrap();
        assert_close(&y, &[2, 2], &[3., 0., 7., 5.]);
        let t = HostTensor::f32(vec![5], vec![1., 3., 2., 3., 0.]);
        let g = Graph::new(11)
            .input("x", FLOAT)
            .init_i("k", &[1], &[3])
            .node("TopK", &["x", "k"], &["v", "i"], vec![])
            .output("v", FLOAT)
            .output("i", INT64);
        let y = g.run(vec![("x", t)]).unwrap();
        assert_close(&y[0], &[3], &[3., 3., 2.]);
        assert_eq!(i64s(&y[1]), [1, 3, 2]); // ties: the lower index first
    }
}
