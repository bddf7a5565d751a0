//! Convolutions: Conv (1-, 2- and 3-D; groups, dilations, explicit or `auto_pad` padding) and
//! ConvTranspose (1- and 2-D; output_padding, output_shape). Pads may be asymmetric (begin ≠
//! end): burn's 1-D/2-D convolutions take (begin, end) pairs; in 3-D the input is padded first;
//! ConvTranspose uses the begin pad and crops the end. An inference BatchNormalization after a
//! Conv is folded into its weights at load time (`fold.rs`).

use burn::tensor::module as bm;
use burn::tensor::ops::{ConvOptions, PadMode};

use crate::error::OpResult;
use crate::plan::Node;
use crate::registry::OpDef;
use crate::value::*;

use super::Ctx;
use super::helpers::*;

pub(crate) const OPS: &[OpDef] = &[
    OpDef::sync("Conv", conv_op).note("1-3-D, groups, dilations, auto_pad"),
    OpDef::sync("ConvTranspose", conv_transpose_op).note("1-2-D"),
];

fn conv_op(ctx: &Ctx, n: &Node, ins: &mut [Option<Val>]) -> OpResult<Vec<Val>> {
    one(conv(ctx, n, ins)?)
}
fn conv_transpose_op(ctx: &Ctx, n: &Node, ins: &mut [Option<Val>]) -> OpResult<Vec<Val>> {
    one(conv_transpose(ctx, n, ins)?)
}

/// Explicit (begin, end) pads per spatial axis, resolving auto_pad.
pub(crate) fn resolve_pads(
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

fn conv(ctx: &Ctx, n: &Node, ins: &[Option<Val>]) -> OpResult<Val> {
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

#[cfg(test)]
mod tests {
    use crate::HostTensor;
    use crate::testing::*;

    /// Conv of x (a graph input) with the constant weight w.
    fn conv(x: HostTensor, w: (&[i64], &[f32]), attrs: Vec<onnx_ir::AttributeProto>) -> HostTensor {
        Graph::new(13)
            .input("x", FLOAT)
            .init_f("w", w.0, w.1)
            .node("Conv", &["x", "w"], &["y"], attrs)
            .output("y", FLOAT)
            .run(vec![("x", x)])
            .unwrap()
            .remove(0)
    }
    fn x1() -> HostTensor {
        HostTensor::f32(vec![1, 1, 4], vec![1., 2., 3., 4.])
    }
    const W1: (&[i64], &[f32]) = (&[1, 1, 2], &[1., 1.]);

    #[test]
    fn asymmetric_pads_1d() {
        // pads = [begin, end]: [1, 0] pads one zero in front, [0, 2] two at the end.
        let y = conv(x1(), W1, vec![attr_ints("pads", &[1, 0])]);
        assert_close(&y, &[1, 1, 4], &[1., 3., 5., 7.]);
        let y = conv(x1(), W1, vec![attr_ints("pads", &[0, 2])]);
        assert_close(&y, &[1, 1, 5], &[3., 5., 7., 4., 0.]);
    }

    #[test]
    fn auto_pad_same_upper_and_lower() {
        // An even kernel needs one pad: SAME_UPPER puts it at the end, SAME_LOWER in front.
        let y = conv(x1(), W1, vec![attr_s("auto_pad", "SAME_UPPER")]);
        assert_close(&y, &[1, 1, 4], &[3., 5., 7., 4.]);
        let y = conv(x1(), W1, vec![attr_s("auto_pad", "SAME_LOWER")]);
        assert_close(&y, &[1, 1, 4], &[1., 3., 5., 7.]);
    }

    #[test]
    fn asymmetric_pads_2d_and_3d() {
        // pads = [h_begin, w_begin, h_end, w_end] = one row on top, one column on the right:
        // [[0, 0, 0], [1, 2, 0], [3, 4, 0]] convolved with a 2×2 box.
        let x = HostTensor::f32(vec![1, 1, 2, 2], vec![1., 2., 3., 4.]);
        let y = conv(
            x,
            (&[1, 1, 2, 2], &[1.; 4]),
            vec![attr_ints("pads", &[1, 0, 0, 1])],
        );
        assert_close(&y, &[1, 1, 2, 2], &[3., 2., 10., 6.]);
        // 3-D: padded explicitly before the convolution.
        let x = HostTensor::f32(vec![1, 1, 1, 1, 2], vec![1., 2.]);
        let y = conv(
            x,
            (&[1, 1, 1, 1, 2], &[1., 1.]),
            vec![attr_ints("pads", &[0, 0, 1, 0, 0, 0])],
        );
        assert_close(&y, &[1, 1, 1, 1, 2], &[1., 3.]);
    }

    #[test]
    fn groups_strides_dilations_bias() {
        // Two channels, one filter each (depthwise), dilation 2, stride 2, bias.
        let x = HostTensor::f32(
            vec![1, 2, 5],
            vec![1., 2., 3., 4., 5., 10., 20., 30., 40., 50.],
        );
        let y = Graph::new(13)
            .input("x", FLOAT)
            .init_f("w", &[2, 1, 2], &[1., 1., 1., -1.])
            .init_f("b", &[2], &[0.5, -0.5])
            .node(
                "Conv",
                &["x", "w", "b"],
                &["y"],
                vec![
                    attr_i("group", 2),
                    attr_ints("strides", &[2]),
                    attr_ints("dilations", &[2]),
                ],
            )
            .output("y", FLOAT)
            .run(vec![("x", x)])
            .unwrap();
        // channel 0: x[i] + x[i+2] at i = 0, 2; channel 1: x[i] − x[i+2].
        assert_close(&y[0], &[1, 2, 2], &[4.5, 8.5, -20.5, -20.5]);
    }

    #[test]
    fn conv_transpose_pads_crop() {
        let x = HostTensor::f32(vec![1, 1, 2], vec![1., 2.]);
        let g = |attrs| {
            Graph::new(13)
                .input("x", FLOAT)
                .init_f("w", &[1, 1, 2], &[1., 1.])
                .node("ConvTranspose", &["x", "w"], &["y"], attrs)
                .output("y", FLOAT)
                .run(vec![("x", x.clone())])
                .unwrap()
                .remove(0)
        };
        assert_close(&g(vec![]), &[1, 1, 3], &[1., 3., 2.]);
        assert_close(&g(vec![attr_ints("pads", &[1, 0])]), &[1, 1, 2], &[3., 2.]);
        assert_close(&g(vec![attr_ints("pads", &[0, 1])]), &[1, 1, 2], &[1., 3.]);
    }
}
