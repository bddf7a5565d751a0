//! Pooling: MaxPool and AveragePool (1-, 2- and 3-D; strides, dilations, ceil_mode,
//! count_include_pad, asymmetric or `auto_pad` pads), GlobalAveragePool, GlobalMaxPool. burn's
//! pools take (begin, end) pad pairs; 3-D box pooling is done as 2-D then 1-D (it is separable);
//! dilated average pooling, which burn lacks, is a depthwise convolution of ones.

use burn::tensor::Tensor;
use burn::tensor::module as bm;
use burn::tensor::ops::{AvgPoolOptions, ConvOptions, MaxPoolOptions, PadMode};

use crate::error::OpResult;
use crate::plan::Node;
use crate::registry::OpDef;
use crate::types::DType;
use crate::value::*;

use super::Ctx;
use super::conv::resolve_pads;
use super::helpers::*;

pub(crate) const OPS: &[OpDef] = &[
    OpDef::sync("AveragePool", average_pool).note("1-3-D, dilations"),
    OpDef::sync("MaxPool", max_pool).note("1-3-D"),
    OpDef::sync("GlobalAveragePool", global_average_pool),
    OpDef::sync("GlobalMaxPool", global_max_pool),
];

fn max_pool(ctx: &Ctx, n: &Node, ins: &mut [Option<Val>]) -> OpResult<Vec<Val>> {
    if n.outputs.len() > 1 && n.outputs[1].is_some() {
        return Err("the Indices output of MaxPool is not supported".into());
    }
    one(pool(ctx, n, true, req(ins, 0)?)?)
}
fn average_pool(ctx: &Ctx, n: &Node, ins: &mut [Option<Val>]) -> OpResult<Vec<Val>> {
    if n.outputs.len() > 1 && n.outputs[1].is_some() {
        return Err("the Indices output of MaxPool is not supported".into());
    }
    one(pool(ctx, n, false, req(ins, 0)?)?)
}

fn global_average_pool(ctx: &Ctx, _n: &Node, ins: &mut [Option<Val>]) -> OpResult<Vec<Val>> {
    global_pool(ctx, true, ins)
}
fn global_max_pool(ctx: &Ctx, _n: &Node, ins: &mut [Option<Val>]) -> OpResult<Vec<Val>> {
    global_pool(ctx, false, ins)
}

fn global_pool(ctx: &Ctx, average: bool, ins: &[Option<Val>]) -> OpResult<Vec<Val>> {
    let x = req(ins, 0)?;
    let r = x.rank();
    if r < 3 {
        return Err(format!("input must be N×C×spatial, got {:?}", x.shape()));
    }
    let (mut t, s, dt) = fdev(x, ctx)?;
    for ax in 2..r {
        t = if average {
            t.mean_dim(dax(ax, r))
        } else {
            t.max_dim(dax(ax, r))
        };
    }
    let mut out = s[..2].to_vec();
    out.extend(std::iter::repeat_n(1, r - 2));
    one(fval(t, out, dt))
}

fn pool(ctx: &Ctx, n: &Node, is_max: bool, x: &Val) -> OpResult<Val> {
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

#[cfg(test)]
mod tests {
    use crate::HostTensor;
    use crate::testing::*;

    fn x() -> HostTensor {
        HostTensor::f32(vec![1, 1, 4], vec![1., 2., 3., 4.])
    }
    fn k2(pads: &[i64]) -> Vec<onnx_ir::AttributeProto> {
        vec![attr_ints("kernel_shape", &[2]), attr_ints("pads", pads)]
    }

    #[test]
    fn max_pool_asymmetric_pads() {
        // Pads never win a max.
        let y = run_op(13, "MaxPool", vec![x()], k2(&[1, 0]), FLOAT).unwrap();
        assert_close(&y, &[1, 1, 4], &[1., 2., 3., 4.]);
        let y = run_op(13, "MaxPool", vec![x()], k2(&[0, 1]), FLOAT).unwrap();
        assert_close(&y, &[1, 1, 4], &[2., 3., 4., 4.]);
        // 2-D: one row on top, one column on the right.
        let x = HostTensor::f32(vec![1, 1, 2, 2], vec![1., 2., 3., 4.]);
        let mut a = vec![
            attr_ints("kernel_shape", &[2, 2]),
            attr_ints("pads", &[1, 0, 0, 1]),
        ];
        a.push(attr_ints("strides", &[1, 1]));
        let y = run_op(13, "MaxPool", vec![x], a, FLOAT).unwrap();
        assert_close(&y, &[1, 1, 2, 2], &[2., 2., 4., 4.]);
    }

    #[test]
    fn average_pool_pads_counted_or_not() {
        let y = run_op(13, "AveragePool", vec![x()], k2(&[1, 0]), FLOAT).unwrap();
        assert_close(&y, &[1, 1, 4], &[1., 1.5, 2.5, 3.5]);
        let mut a = k2(&[1, 0]);
        a.push(attr_i("count_include_pad", 1));
        let y = run_op(13, "AveragePool", vec![x()], a, FLOAT).unwrap();
        assert_close(&y, &[1, 1, 4], &[0.5, 1.5, 2.5, 3.5]);
        // Dilated (a depthwise convolution of ones), end pad.
        let mut a = k2(&[0, 1]);
        a.push(attr_ints("dilations", &[2]));
        let y = run_op(19, "AveragePool", vec![x()], a, FLOAT).unwrap();
        assert_close(&y, &[1, 1, 3], &[2., 3., 3.]);
    }

    #[test]
    fn ceil_mode_and_global_pools() {
        let mut a = vec![attr_ints("kernel_shape", &[2]), attr_ints("strides", &[2])];
        a.push(attr_i("ceil_mode", 1));
        let x5 = HostTensor::f32(vec![1, 1, 5], vec![1., 2., 3., 4., 5.]);
        let y = run_op(13, "MaxPool", vec![x5.clone()], a, FLOAT).unwrap();
        assert_close(&y, &[1, 1, 3], &[2., 4., 5.]);
        let y = run_op(13, "GlobalAveragePool", vec![x5.clone()], vec![], FLOAT).unwrap();
        assert_close(&y, &[1, 1, 1], &[3.]);
        let y = run_op(13, "GlobalMaxPool", vec![x5], vec![], FLOAT).unwrap();
        assert_close(&y, &[1, 1, 1], &[5.]);
    }
}
