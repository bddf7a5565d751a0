//! Normalizations: BatchNormalization (inference, and training mode with batch statistics and
//! updated running statistics), InstanceNormalization, LayerNormalization (with its optional mean
//! and inverse standard deviation outputs).

use crate::error::OpResult;
use crate::plan::Node;
use crate::registry::OpDef;
use crate::value::*;

use super::Ctx;
use super::helpers::*;

pub(crate) const OPS: &[OpDef] = &[
    OpDef::sync("BatchNormalization", batch_norm).note("incl. training mode"),
    OpDef::sync("InstanceNormalization", instance_norm),
    OpDef::sync("LayerNormalization", layer_norm),
];

/// BatchNormalization; inference mode is usually folded into the Conv before it (`fold.rs`).
fn batch_norm(ctx: &Ctx, n: &Node, ins: &mut [Option<Val>]) -> OpResult<Vec<Val>> {
    let a = &n.attrs;
    let x = req(ins, 0)?;
    let r = x.rank();
    if r < 2 {
        return Err("input must have rank ≥ 2".into());
    }
    let c = x.shape()[1];
    let eps = a.f("epsilon", 1e-5);
    let mut ps = vec![];
    for i in 1..5 {
        let p = req(ins, i)?;
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
    let (scale, bias, mean, var) = (ps[0].clone(), ps[1].clone(), ps[2].clone(), ps[3].clone());
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

fn instance_norm(ctx: &Ctx, n: &Node, ins: &mut [Option<Val>]) -> OpResult<Vec<Val>> {
    let a = &n.attrs;
    let x = req(ins, 0)?;
    let r = x.rank();
    if r < 3 {
        return Err("input must have rank ≥ 3".into());
    }
    let c = x.shape()[1];
    let eps = a.f("epsilon", 1e-5);
    let mut pshape = vec![c];
    pshape.extend(std::iter::repeat_n(1, r - 2));
    let sc = reshape_d(req(ins, 1)?.dev(ctx.dev)?, pshape.clone())?.f();
    let bi = reshape_d(req(ins, 2)?.dev(ctx.dev)?, pshape)?.f();
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

fn layer_norm(ctx: &Ctx, n: &Node, ins: &mut [Option<Val>]) -> OpResult<Vec<Val>> {
    let a = &n.attrs;
    let x = req(ins, 0)?;
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
    let sc = req(ins, 1)?;
    bcast(&s, sc.shape())?;
    y = y.mul(fdev(sc, ctx)?.0.expand(s6));
    if let Some(b) = opt(ins, 2) {
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

#[cfg(test)]
mod tests {
    use crate::HostTensor;
    use crate::testing::*;

    #[test]
    fn layer_norm_and_instance_norm() {
        let x = HostTensor::f32(vec![1, 2, 2], vec![1., 3., 2., 6.]);
        let g = Graph::new(17)
            .input("x", FLOAT)
            .init_f("s", &[2], &[1., 2.])
            .init_f("b", &[2], &[0., 1.])
            .node(
                "LayerNormalization",
                &["x", "s", "b"],
                &["y"],
                vec![attr_f("epsilon", 0.0)],
            )
            .output("y", FLOAT);
        // rows [1, 3] and [2, 6] normalize to [−1, 1]; then ·[1, 2] + [0, 1].
        assert_close(
            &g.run(vec![("x", x.clone())]).unwrap()[0],
            &[1, 2, 2],
            &[-1., 3., -1., 3.],
        );
        let g = Graph::new(13)
            .input("x", FLOAT)
            .init_f("s", &[2], &[1., 1.])
            .init_f("b", &[2], &[0., 0.])
            .node(
                "InstanceNormalization",
                &["x", "s", "b"],
                &["y"],
                vec![attr_f("epsilon", 0.0)],
            )
            .output("y", FLOAT);
        assert_close(
            &g.run(vec![("x", x)]).unwrap()[0],
            &[1, 2, 2],
            &[-1., 1., -1., 1.],
        );
    }

    #[test]
    fn batch_norm_inference() {
        let x = HostTensor::f32(vec![1, 2, 1], vec![1., 2.]);
        let g = Graph::new(15)
            .input("x", FLOAT)
            .init_f("s", &[2], &[2., 1.])
            .init_f("b", &[2], &[1., 0.])
            .init_f("m", &[2], &[1., 0.])
            .init_f("v", &[2], &[4., 1.])
            .node(
                "BatchNormalization",
                &["x", "s", "b", "m", "v"],
                &["y"],
                vec![attr_f("epsilon", 0.0)],
            )
            .output("y", FLOAT);
        // (x − mean)/√var · scale + bias
        assert_close(&g.run(vec![("x", x)]).unwrap()[0], &[1, 2, 1], &[1., 2.]);
    }
}
