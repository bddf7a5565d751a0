//! Pad: constant, reflect and edge modes; pads as an attribute (`pads`, or `paddings` in opset 1)
//! before opset 11 and as inputs (pads, constant value, axes) from 11. Pads may be asymmetric and
//! negative (negative pads crop, on the host, before padding). Integer and boolean tensors are
//! padded in float and converted back.

use burn::tensor::ops::PadMode;

use crate::error::OpResult;
use crate::plan::Node;
use crate::registry::{AsyncOp, OpDef};
use crate::value::*;

use super::Ctx;
use super::cast::cast;
use super::helpers::*;

pub(crate) const OPS: &[OpDef] = &[OpDef::asynk("Pad", AsyncOp::Pad).note("constant/reflect/edge")];

pub(crate) async fn pad(ctx: &Ctx<'_>, n: &Node, ins: &mut [Option<Val>]) -> OpResult<Vec<Val>> {
    one(pad_val(ctx, n, ins).await?)
}

async fn pad_val(ctx: &Ctx<'_>, n: &Node, ins: &[Option<Val>]) -> OpResult<Val> {
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

#[cfg(test)]
mod tests {
    use crate::HostTensor;
    use crate::testing::*;

    fn x() -> HostTensor {
        HostTensor::f32(vec![2, 2], vec![1., 2., 3., 4.])
    }
    /// Pad from opset 11: pads (and the constant value) as inputs.
    fn pad11(pads: &[i64], value: Option<f32>, mode: &str) -> Result<HostTensor, String> {
        let mut g = Graph::new(13)
            .input("x", FLOAT)
            .init_i("p", &[pads.len() as i64], pads);
        let mut ins = vec!["x", "p"];
        if let Some(v) = value {
            g = g.init_f("v", &[], &[v]);
            ins.push("v");
        }
        let g = g
            .node("Pad", &ins, &["y"], vec![attr_s("mode", mode)])
            .output("y", FLOAT);
        Ok(g.run(vec![("x", x())])?.remove(0))
    }

    #[test]
    fn asymmetric_pads_attribute_before_11_input_from_11() {
        // pads = [row_begin, col_begin, row_end, col_end] = [1, 0, 0, 2].
        let want = [9., 9., 9., 9., 1., 2., 9., 9., 3., 4., 9., 9.];
        let y = run_op(
            2,
            "Pad",
            vec![x()],
            vec![attr_ints("pads", &[1, 0, 0, 2]), attr_f("value", 9.0)],
            FLOAT,
        )
        .unwrap();
        assert_close(&y, &[3, 4], &want);
        assert_close(
            &pad11(&[1, 0, 0, 2], Some(9.0), "constant").unwrap(),
            &[3, 4],
            &want,
        );
        // Opset 11 ignores the attributes: pads are a required input.
        let e = run_op(
            11,
            "Pad",
            vec![x()],
            vec![attr_ints("pads", &[1, 0, 0, 2])],
            FLOAT,
        );
        assert!(e.unwrap_err().contains("input 1 is required"));
    }

    #[test]
    fn reflect_edge_and_negative_pads() {
        let y = pad11(&[0, 1, 0, 1], None, "reflect").unwrap();
        assert_close(&y, &[2, 4], &[2., 1., 2., 1., 4., 3., 4., 3.]);
        let y = pad11(&[0, 2, 0, 0], None, "edge").unwrap();
        assert_close(&y, &[2, 4], &[1., 1., 1., 2., 3., 3., 3., 4.]);
        // A negative pad crops: drop the first row, add a zero column at the end.
        let y = pad11(&[-1, 0, 0, 1], None, "constant").unwrap();
        assert_close(&y, &[1, 3], &[3., 4., 0.]);
        assert!(pad11(&[0, 2, 0, 0], None, "reflect").is_err());
    }
}
