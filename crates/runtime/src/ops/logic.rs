//! Comparisons, logic and bitwise ops: Equal, Less, LessOrEqual, Greater, GreaterOrEqual (results
//! are booleans), And, Or, Xor (on booleans), BitwiseAnd/Or/Xor (on integers) — all of them
//! broadcasting [`Bin`] kinds run by `elementwise::bin` — plus Not and Where.

use crate::error::OpResult;
use crate::plan::Node;
use crate::registry::OpDef;
use crate::types::DType;
use crate::value::*;

use super::Ctx;
use super::elementwise::Bin;
use super::helpers::*;

pub(crate) const OPS: &[OpDef] = &[
    OpDef::bin("Equal", Bin::Eq),
    OpDef::bin("Less", Bin::Lt),
    OpDef::bin("LessOrEqual", Bin::Le),
    OpDef::bin("Greater", Bin::Gt),
    OpDef::bin("GreaterOrEqual", Bin::Ge),
    OpDef::bin("And", Bin::And),
    OpDef::bin("Or", Bin::Or),
    OpDef::bin("Xor", Bin::Xor),
    OpDef::bin("BitwiseAnd", Bin::BitAnd),
    OpDef::bin("BitwiseOr", Bin::BitOr),
    OpDef::bin("BitwiseXor", Bin::BitXor),
    OpDef::sync("Not", not),
    OpDef::sync("Where", where_),
];

fn not(ctx: &Ctx, _n: &Node, ins: &mut [Option<Val>]) -> OpResult<Vec<Val>> {
    let x = req(ins, 0)?;
    if let Val::H(h) = x {
        let v = h.data.as_i64().iter().map(|&v| v == 0).collect();
        return one(Val::H(HVal::new(h.shape.clone(), HData::B(v), DType::Bool)));
    }
    let d = x.dev(ctx.dev)?;
    let s = d.shape.clone();
    one(bval(d.b().bool_not(), s))
}

/// `cond ? x : y` with the three inputs broadcast together.
fn where_(ctx: &Ctx, _n: &Node, ins: &mut [Option<Val>]) -> OpResult<Vec<Val>> {
    let (c, x, y) = (req(ins, 0)?, req(ins, 1)?, req(ins, 2)?);
    let out = bcast(&bcast(c.shape(), x.shape())?, y.shape())?;
    if numel(&out) == 0 {
        return one(empty_val(out, x.dtype()));
    }
    if all_host(ins) {
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
        (Kind::B, Kind::B) => TData::B(yd.i().expand(s6).mask_where(cm, xd.i().expand(s6)).bool()),
        _ => TData::F(yd.f().expand(s6).mask_where(cm, xd.f().expand(s6))),
    };
    one(Val::D(DVal {
        t,
        shape: out,
        dtype,
    }))
}

#[cfg(test)]
mod tests {
    use crate::HostTensor;
    use crate::testing::*;

    #[test]
    fn comparisons_give_booleans_and_broadcast() {
        let a = HostTensor::i64(vec![2, 2], vec![1, 2, 3, 4]);
        let b = HostTensor::i64(vec![2], vec![2, 2]);
        let y = run_op(
            13,
            "GreaterOrEqual",
            vec![a.clone(), b.clone()],
            vec![],
            BOOL,
        )
        .unwrap();
        assert_eq!(y.shape, [2, 2]);
        assert_eq!(f32s(&y), [0.0, 1.0, 1.0, 1.0]);
        let y = run_op(13, "Equal", vec![a, b], vec![], BOOL).unwrap();
        assert_eq!(f32s(&y), [0.0, 1.0, 0.0, 0.0]);
    }

    #[test]
    fn where_broadcasts_all_three() {
        let c = HostTensor::new(vec![2, 1], crate::HostData::Bool(vec![true, false]));
        let x = HostTensor::f32(vec![3], vec![1., 2., 3.]);
        let y = HostTensor::f32(vec![], vec![-1.]);
        let out = run_op(13, "Where", vec![c, x, y], vec![], FLOAT).unwrap();
        assert_close(&out, &[2, 3], &[1., 2., 3., -1., -1., -1.]);
    }

    #[test]
    fn bitwise_and_not() {
        let a = HostTensor::i64(vec![2], vec![0b1100, -1]);
        let b = HostTensor::i64(vec![2], vec![0b1010, 6]);
        let y = run_op(18, "BitwiseXor", vec![a, b], vec![], INT64).unwrap();
        assert_eq!(i64s(&y), [0b0110, !6]);
        let t = HostTensor::new(vec![2], crate::HostData::Bool(vec![true, false]));
        assert_eq!(
            f32s(&run_op(13, "Not", vec![t], vec![], BOOL).unwrap()),
            [0.0, 1.0]
        );
    }
}
