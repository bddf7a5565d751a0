//! Matrix products: MatMul (numpy semantics: 1-D operands are promoted and the added axis
//! removed, batch axes broadcast; integer products are computed in float and rounded back) and
//! Gemm (2-D, transA/transB, alpha·A·B + beta·C with C broadcast).

use crate::error::OpResult;
use crate::plan::Node;
use crate::registry::OpDef;
use crate::value::*;

use super::Ctx;
use super::helpers::*;

pub(crate) const OPS: &[OpDef] = &[OpDef::sync("MatMul", matmul_op), OpDef::sync("Gemm", gemm)];

fn matmul_op(ctx: &Ctx, _n: &Node, ins: &mut [Option<Val>]) -> OpResult<Vec<Val>> {
    one(matmul(ctx, req(ins, 0)?, req(ins, 1)?)?)
}

fn gemm(ctx: &Ctx, n: &Node, ins: &mut [Option<Val>]) -> OpResult<Vec<Val>> {
    let a = &n.attrs;
    let (x, w) = (req(ins, 0)?, req(ins, 1)?);
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
    if let Some(c) = opt(ins, 2) {
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

#[cfg(test)]
mod tests {
    use crate::HostTensor;
    use crate::testing::*;

    #[test]
    fn matmul_promotes_1d_operands_and_broadcasts_batches() {
        let a = HostTensor::f32(vec![2, 3], vec![1., 2., 3., 4., 5., 6.]);
        let v = HostTensor::f32(vec![3], vec![1., 0., -1.]);
        let y = run_op(13, "MatMul", vec![a.clone(), v.clone()], vec![], FLOAT).unwrap();
        assert_close(&y, &[2], &[-2., -2.]);
        let y = run_op(
            13,
            "MatMul",
            vec![HostTensor::f32(vec![2], vec![1., 1.]), a.clone()],
            vec![],
            FLOAT,
        )
        .unwrap();
        assert_close(&y, &[3], &[5., 7., 9.]);
        let b = HostTensor::f32(vec![2, 3, 1], vec![1., 0., 0., 0., 0., 1.]);
        let y = run_op(13, "MatMul", vec![a, b], vec![], FLOAT).unwrap();
        assert_close(&y, &[2, 2, 1], &[1., 4., 3., 6.]);
        let i = |v: Vec<i64>| HostTensor::i64(vec![2, 2], v);
        let y = run_op(
            13,
            "MatMul",
            vec![i(vec![1, 2, 3, 4]), i(vec![1, 0, 0, -1])],
            vec![],
            INT64,
        )
        .unwrap();
        assert_eq!(i64s(&y), [1, -2, 3, -4]);
    }

    #[test]
    fn gemm_transposes_alpha_beta_and_broadcast_c() {
        let a = HostTensor::f32(vec![3, 2], vec![1., 4., 2., 5., 3., 6.]); // Aᵀ = [[1,2,3],[4,5,6]]
        let b = HostTensor::f32(vec![1, 3], vec![1., 0., -1.]); // Bᵀ = [[1],[0],[-1]]
        let c = HostTensor::f32(vec![1], vec![10.]);
        let y = run_op(
            13,
            "Gemm",
            vec![a, b, c],
            vec![
                attr_i("transA", 1),
                attr_i("transB", 1),
                attr_f("alpha", 2.0),
                attr_f("beta", 0.5),
            ],
            FLOAT,
        )
        .unwrap();
        assert_close(&y, &[2, 1], &[1., 1.]);
    }
}
