//! SVG plots drawn with `plotters`.
//!
//! Plots are rendered from report data only (aggregates), so the page, the CLI
//! and the npm package draw identical pictures from the same JSON.
//!
//! One wrinkle makes this module more than a few calls: plotters measures text
//! with the browser's DOM when compiled to wasm32 (`window().unwrap()`), which
//! panics inside a Web Worker and would make the page's SVG differ from the
//! CLI's. [`PortableSvg`] wraps plotters' SVG backend and answers text-size
//! questions with a fixed, font-independent estimate on every platform, so
//! layout is deterministic and works in a worker.

use assay_engine::analyses::calibration::Bin;
use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters_backend::{BackendColor, BackendCoord, BackendTextStyle, DrawingErrorKind};

/// plotters' SVG backend with platform-independent text measurement.
pub struct PortableSvg<'a>(SVGBackend<'a>);

impl<'a> PortableSvg<'a> {
    /// Draw into `buf`, `size` pixels.
    pub fn new(buf: &'a mut String, size: (u32, u32)) -> Self {
        PortableSvg(SVGBackend::with_string(buf, size))
    }
}

type SvgErr<'a> = <SVGBackend<'a> as DrawingBackend>::ErrorType;

impl<'a> DrawingBackend for PortableSvg<'a> {
    type ErrorType = SvgErr<'a>;

    fn get_size(&self) -> (u32, u32) {
        self.0.get_size()
    }
    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.ensure_prepared()
    }
    fn present(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.present()
    }
    fn draw_pixel(
        &mut self,
        point: BackendCoord,
        color: BackendColor,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.draw_pixel(point, color)
    }
    fn draw_line<S: plotters_backend::BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.draw_line(from, to, style)
    }
    fn draw_rect<S: plotters_backend::BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.draw_rect(upper_left, bottom_right, style, fill)
    }
    fn draw_path<S: plotters_backend::BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.draw_path(path, style)
    }
    fn draw_circle<S: plotters_backend::BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.draw_circle(center, radius, style, fill)
    }
    fn fill_polygon<S: plotters_backend::BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.fill_polygon(vert, style)
    }
    fn draw_text<TStyle: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &TStyle,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.draw_text(text, style, pos)
    }
    /// A fixed estimate (average sans-serif advance ≈ 0.55 em), identical on
    /// every platform and never touching a DOM.
    fn estimate_text_size<TStyle: BackendTextStyle>(
        &self,
        text: &str,
        style: &TStyle,
    ) -> Result<(u32, u32), DrawingErrorKind<Self::ErrorType>> {
        let em = style.size() / 1.24;
        let w = (em * 0.55 * text.chars().count() as f64).ceil() as u32;
        Ok((w, em.ceil() as u32))
    }
    fn blit_bitmap(
        &mut self,
        pos: BackendCoord,
        (iw, ih): (u32, u32),
        src: &[u8],
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.blit_bitmap(pos, (iw, ih), src)
    }
}

/// Palette (colour-blind safe: Okabe–Ito).
pub const BLUE: RGBColor = RGBColor(0, 114, 178);
pub const ORANGE: RGBColor = RGBColor(230, 159, 0);
pub const GREEN: RGBColor = RGBColor(0, 158, 115);
pub const VERMILLION: RGBColor = RGBColor(213, 94, 0);
pub const GREY: RGBColor = RGBColor(150, 150, 150);
pub const INK: RGBColor = RGBColor(34, 34, 34);

/// Plot size in pixels (the SVG scales to its container).
pub const SIZE: (u32, u32) = (520, 420);
pub(crate) const FONT: &str = "sans-serif";

/// Run a drawing closure on a fresh SVG and return the document, made
/// responsive (a `viewBox`, no fixed pixel size) and labelled for screen readers.
pub fn render<F>(size: (u32, u32), title: &str, draw: F) -> String
where
    F: FnOnce(&DrawingArea<PortableSvg<'_>, Shift>) -> Result<(), Box<dyn std::error::Error>>,
{
    let mut buf = String::new();
    let ok = {
        let root = PortableSvg::new(&mut buf, size).into_drawing_area();
        let r = root
            .fill(&WHITE)
            .map_err(|e| e.to_string())
            .and_then(|_| draw(&root).map_err(|e| e.to_string()));
        let p = root.present().map_err(|e| e.to_string());
        r.and(p)
    };
    if let Err(e) = ok {
        return placeholder(size, &format!("{title}: could not draw ({e})"));
    }
    finish_svg(buf, size, title)
}

/// Make plotters' fixed-size SVG scale with its container and carry a title.
fn finish_svg(svg: String, (w, h): (u32, u32), title: &str) -> String {
    let head_end = svg.find('>').unwrap_or(0);
    let rest = &svg[head_end + 1..];
    format!(
        "<svg viewBox=\"0 0 {w} {h}\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"{t}\" class=\"assay-plot\"><title>{t}</title>{rest}",
        t = escape(title)
    )
}

/// A plot-sized SVG that just says why there is no plot.
pub fn placeholder((w, h): (u32, u32), message: &str) -> String {
    format!(
        "<svg viewBox=\"0 0 {w} {h}\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"{m}\" class=\"assay-plot\"><rect width=\"{w}\" height=\"{h}\" fill=\"#fafafa\" stroke=\"#ccc\"/><text x=\"{x}\" y=\"{y}\" text-anchor=\"middle\" font-family=\"sans-serif\" font-size=\"14\" fill=\"#555\">{m}</text></svg>",
        x = w / 2,
        y = h / 2,
        m = escape(message)
    )
}

/// Escape text for XML/HTML.
pub fn escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            _ => o.push(c),
        }
    }
    o
}

/// A named, coloured series of points.
pub type Series = (String, RGBColor, Vec<(f64, f64)>);

/// A chart over [0, 1] × [0, `y_max`] with the house style: caption, axes
/// and light grid. Every plot on a continuous scale starts here.
fn unit_chart<'a, 'b>(
    root: &'a DrawingArea<PortableSvg<'b>, Shift>,
    title: &str,
    x_label: &str,
    y_label: &str,
    y_max: f64,
    y_area: u32,
) -> Result<
    ChartContext<'a, PortableSvg<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    Box<dyn std::error::Error>,
> {
    let mut chart = ChartBuilder::on(root)
        .caption(title, (FONT, 18).into_font().color(&INK))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(y_area)
        .build_cartesian_2d(0f64..1f64, 0f64..y_max)?;
    chart
        .configure_mesh()
        .x_desc(x_label)
        .y_desc(y_label)
        .x_labels(6)
        .y_labels(6)
        .light_line_style(RGBColor(238, 238, 238))
        .label_style((FONT, 12))
        .axis_desc_style((FONT, 13))
        .draw()?;
    Ok(chart)
}

/// A line plot on the unit square: each series is (name, colour, points).
pub fn unit_square_plot(
    title: &str,
    x_label: &str,
    y_label: &str,
    series: &[Series],
    reference: Option<(String, Vec<(f64, f64)>)>,
) -> String {
    render(SIZE, title, |root| {
        let mut chart = unit_chart(root, title, x_label, y_label, 1.0001, 50)?;
        // Legend entries: (name, line style).
        let mut entries: Vec<(String, ShapeStyle)> = Vec::new();
        if let Some((name, pts)) = reference {
            chart.draw_series(LineSeries::new(pts, GREY.stroke_width(1)))?;
            entries.push((name, GREY.stroke_width(1)));
        }
        for (name, color, pts) in series {
            chart.draw_series(LineSeries::new(pts.iter().copied(), color.stroke_width(2)))?;
            entries.push((name.clone(), color.stroke_width(2)));
        }
        // The legend is drawn by hand: plotters' series-label box measures
        // its text with the DOM on wasm32, which panics in a Web Worker.
        let area = chart.plotting_area().get_pixel_range();
        legend(root, area, &entries, SeriesLabelPosition::LowerRight)?;
        Ok(())
    })
}

/// A confusion-matrix heat map with counts (rows true, columns predicted).
/// Cells are shaded by the row-normalised rate (recall per true class).
pub fn confusion_matrix(title: &str, labels: &[String], matrix: &[Vec<u64>]) -> String {
    let k = labels.len();
    if k == 0 {
        return placeholder(SIZE, "no classes");
    }
    let side = (70 * k as u32).clamp(260, 640);
    let size = (side + 130, side + 110);
    let short = |s: &String| -> String {
        if s.chars().count() > 12 {
            format!("{}…", s.chars().take(11).collect::<String>())
        } else {
            s.clone()
        }
    };
    let names: Vec<String> = labels.iter().map(short).collect();
    render(size, title, |root| {
        let ki = k as i32;
        let mut chart = ChartBuilder::on(root)
            .caption(title, (FONT, 18).into_font().color(&INK))
            .margin(12)
            .x_label_area_size(50)
            .y_label_area_size(100)
            .build_cartesian_2d((0..ki - 1).into_segmented(), (0..ki - 1).into_segmented())?;
        // Row 0 (the first true class) is drawn at the top.
        let name_of = |v: &SegmentValue<i32>, flip: bool| -> String {
            match v {
                SegmentValue::CenterOf(i) => {
                    let i = if flip { ki - 1 - *i } else { *i };
                    names.get(i as usize).cloned().unwrap_or_default()
                }
                _ => String::new(),
            }
        };
        chart
            .configure_mesh()
            .disable_mesh()
            .x_desc("Predicted")
            .y_desc("True")
            .x_labels(k.min(30))
            .y_labels(k.min(30))
            .x_label_formatter(&|v| name_of(v, false))
            .y_label_formatter(&|v| name_of(v, true))
            .label_style((FONT, 12))
            .axis_desc_style((FONT, 13))
            .draw()?;
        let row_tot: Vec<u64> = matrix.iter().map(|r| r.iter().sum()).collect();
        for (t, row) in matrix.iter().enumerate() {
            for (p, &c) in row.iter().enumerate() {
                let frac = if row_tot[t] > 0 {
                    c as f64 / row_tot[t] as f64
                } else {
                    0.0
                };
                let shade = |a: u8, b: u8| (a as f64 + (b as f64 - a as f64) * frac).round() as u8;
                let color = RGBColor(shade(247, 8), shade(251, 81), shade(255, 156));
                let (x, y) = (p as i32, ki - 1 - t as i32);
                chart.draw_series(std::iter::once(Rectangle::new(
                    [
                        (SegmentValue::Exact(x), SegmentValue::Exact(y)),
                        (SegmentValue::Exact(x + 1), SegmentValue::Exact(y + 1)),
                    ],
                    color.filled(),
                )))?;
                if k <= 20 {
                    let text_color = if frac > 0.5 { WHITE } else { INK };
                    chart.draw_series(std::iter::once(Text::new(
                        c.to_string(),
                        (SegmentValue::CenterOf(x), SegmentValue::CenterOf(y)),
                        (FONT, if k > 10 { 10 } else { 14 })
                            .into_font()
                            .color(&text_color)
                            .pos(plotters::style::text_anchor::Pos::new(
                                plotters::style::text_anchor::HPos::Center,
                                plotters::style::text_anchor::VPos::Center,
                            )),
                    )))?;
                }
            }
        }
        Ok(())
    })
}

/// Bars of a reliability diagram: the fill of the accuracy bars (tests count
/// `rect` elements of this colour to count non-empty bins).
pub const BAR: RGBColor = BLUE;

/// Draw a legend box in the lower right of the plotting area by hand (plotters'
/// series-label box measures text with the DOM on wasm32).
fn legend<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    area: (std::ops::Range<i32>, std::ops::Range<i32>),
    entries: &[(String, ShapeStyle)],
    corner: SeriesLabelPosition,
) -> Result<(), Box<dyn std::error::Error>>
where
    DB::ErrorType: 'static,
{
    if entries.is_empty() {
        return Ok(());
    }
    let (xr, yr) = area;
    let line_h = 18;
    let text_w = entries
        .iter()
        .map(|(n, _)| (12.0 / 1.24 * 0.55 * n.chars().count() as f64).ceil() as i32)
        .max()
        .unwrap_or(0);
    let w = 10 + 18 + 6 + text_w + 10;
    let h = 6 + line_h * entries.len() as i32 + 6;
    let (x0, y0) = match corner {
        SeriesLabelPosition::UpperLeft => (xr.start + 10, yr.start + 10),
        _ => (xr.end - 10 - w, yr.end - 10 - h),
    };
    let (x1, y1) = (x0 + w, y0 + h);
    root.draw(&Rectangle::new(
        [(x0, y0), (x1, y1)],
        WHITE.mix(0.9).filled(),
    ))?;
    root.draw(&Rectangle::new(
        [(x0, y0), (x1, y1)],
        RGBColor(200, 200, 200),
    ))?;
    for (i, (name, style)) in entries.iter().enumerate() {
        let y = y0 + 6 + line_h * i as i32 + line_h / 2;
        root.draw(&PathElement::new(vec![(x0 + 10, y), (x0 + 28, y)], *style))?;
        root.draw(&Text::new(
            name.clone(),
            (x0 + 34, y),
            (FONT, 12)
                .into_font()
                .color(&INK)
                .pos(plotters::style::text_anchor::Pos::new(
                    plotters::style::text_anchor::HPos::Left,
                    plotters::style::text_anchor::VPos::Center,
                )),
        ))?;
    }
    Ok(())
}

/// A reliability diagram: per non-empty bin a bar up to the observed rate
/// (with its Wilson interval), the bin's count above it, and the diagonal of
/// perfect calibration.
pub fn reliability_diagram(title: &str, x_label: &str, y_label: &str, bins: &[Bin]) -> String {
    render(SIZE, title, |root| {
        let mut chart = unit_chart(root, title, x_label, y_label, 1.08, 50)?;
        for b in bins {
            let Some(acc) = b.accuracy else { continue };
            let pad = (b.upper - b.lower) * 0.06;
            chart.draw_series(std::iter::once(Rectangle::new(
                [(b.lower + pad, 0.0), (b.upper - pad, acc)],
                BAR.mix(0.85).filled(),
            )))?;
            let mid = (b.lower + b.upper) / 2.0;
            if let Some([lo, hi]) = b.accuracy_ci {
                chart.draw_series(std::iter::once(PathElement::new(
                    vec![(mid, lo), (mid, hi)],
                    INK.stroke_width(1),
                )))?;
            }
            if bins.len() <= 20 {
                chart.draw_series(std::iter::once(Text::new(
                    b.count.to_string(),
                    (
                        mid,
                        (acc.max(b.accuracy_ci.map_or(acc, |c| c[1])) + 0.015).min(1.06),
                    ),
                    (FONT, 9)
                        .into_font()
                        .color(&GREY)
                        .pos(plotters::style::text_anchor::Pos::new(
                            plotters::style::text_anchor::HPos::Center,
                            plotters::style::text_anchor::VPos::Bottom,
                        )),
                )))?;
            }
        }
        chart.draw_series(LineSeries::new(
            vec![(0.0, 0.0), (1.0, 1.0)],
            GREY.stroke_width(1),
        ))?;
        let mean: Vec<(f64, f64)> = bins
            .iter()
            .filter_map(|b| Some((b.mean_confidence?, b.accuracy?)))
            .collect();
        chart.draw_series(mean.iter().map(|&p| Circle::new(p, 3, VERMILLION.filled())))?;
        let area = chart.plotting_area().get_pixel_range();
        legend(
            root,
            area,
            &[
                (
                    "observed rate (bar), 95% Wilson CI".into(),
                    BAR.stroke_width(6),
                ),
                (
                    "bin mean confidence vs observed".into(),
                    VERMILLION.stroke_width(3),
                ),
                ("perfect calibration".into(), GREY.stroke_width(1)),
            ],
            SeriesLabelPosition::UpperLeft,
        )?;
        Ok(())
    })
}

/// A histogram of the confidences (rows per bin).
pub fn confidence_histogram(title: &str, x_label: &str, bins: &[Bin]) -> String {
    let max = bins.iter().map(|b| b.count).max().unwrap_or(0).max(1) as f64;
    render(SIZE, title, |root| {
        let mut chart = unit_chart(root, title, x_label, "Rows", max * 1.08, 60)?;
        chart.draw_series(bins.iter().filter(|b| b.count > 0).map(|b| {
            let pad = (b.upper - b.lower) * 0.04;
            Rectangle::new(
                [(b.lower + pad, 0.0), (b.upper - pad, b.count as f64)],
                GREEN.mix(0.8).filled(),
            )
        }))?;
        Ok(())
    })
}

/// Reliability curves (bin mean confidence vs observed rate) before and
/// after recalibration, on held-out rows.
pub fn recalibration_overlay(title: &str, curves: &[Series]) -> String {
    render(SIZE, title, |root| {
        let mut chart = unit_chart(
            root,
            title,
            "Mean confidence (held-out rows)",
            "Observed rate",
            1.0001,
            50,
        )?;
        chart.draw_series(LineSeries::new(
            vec![(0.0, 0.0), (1.0, 1.0)],
            GREY.stroke_width(1),
        ))?;
        let mut entries = vec![("perfect calibration".to_string(), GREY.stroke_width(1))];
        for (name, color, pts) in curves {
            chart.draw_series(LineSeries::new(pts.iter().copied(), color.stroke_width(2)))?;
            chart.draw_series(pts.iter().map(|&p| Circle::new(p, 3, color.filled())))?;
            entries.push((name.clone(), color.stroke_width(2)));
        }
        let area = chart.plotting_area().get_pixel_range();
        legend(root, area, &entries, SeriesLabelPosition::LowerRight)?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plots_are_self_contained_svg() {
        let s = unit_square_plot(
            "ROC curve",
            "False positive rate",
            "True positive rate",
            &[(
                "model".into(),
                BLUE,
                vec![(0.0, 0.0), (0.2, 0.7), (1.0, 1.0)],
            )],
            Some(("chance".into(), vec![(0.0, 0.0), (1.0, 1.0)])),
        );
        assert!(s.starts_with("<svg viewBox=\"0 0 520 420\""));
        assert!(s.contains("<title>ROC curve</title>"));
        assert!(s.contains("<polyline"));
        assert!(!s.contains("http://") || s.contains("http://www.w3.org/2000/svg"));
        let cm = confusion_matrix(
            "Confusion matrix",
            &["no".into(), "yes".into()],
            &[vec![50, 3], vec![7, 40]],
        );
        assert!(cm.contains("\n50\n") && cm.contains("\n40\n"));
        assert!(cm.contains("\nyes\n") && cm.contains("\nno\n"));
    }
}

/// One bar of [`interval_bars`]: a label, a value and its interval, and
/// whether it is highlighted (e.g. a slice found worse than the rest).
#[derive(Debug, Clone, PartialEq)]
pub struct IntervalBar {
    pub label: String,
    pub value: f64,
    pub interval: Option<(f64, f64)>,
    pub highlight: bool,
}

/// Horizontal bars with interval whiskers, one per row, drawn from
/// `baseline` (0 for gaps, or a reference value), in the given order.
pub fn interval_bars(title: &str, x_label: &str, bars: &[IntervalBar], baseline: f64) -> String {
    if bars.is_empty() {
        return placeholder(SIZE, "nothing to plot");
    }
    let n = bars.len();
    let height = (100 + 26 * n as u32).clamp(220, 1600);
    let size = (640, height);
    let mut lo = baseline;
    let mut hi = baseline;
    for b in bars {
        for x in [
            Some(b.value),
            b.interval.map(|i| i.0),
            b.interval.map(|i| i.1),
        ]
        .into_iter()
        .flatten()
        {
            if x.is_finite() {
                lo = lo.min(x);
                hi = hi.max(x);
            }
        }
    }
    let pad = ((hi - lo) * 0.06).max(1e-6);
    let (lo, hi) = (lo - pad, hi + pad);
    let longest = bars
        .iter()
        .map(|b| b.label.chars().count())
        .max()
        .unwrap_or(4);
    let label_area = (longest as u32 * 8 + 16).clamp(60, 300);
    let labels: Vec<String> = bars
        .iter()
        .map(|b| {
            let mut s: String = b.label.chars().take(36).collect();
            if b.label.chars().count() > 36 {
                s.push('…');
            }
            s
        })
        .collect();
    render(size, title, |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(title, (FONT, 20).into_font().color(&INK))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(label_area)
            .build_cartesian_2d(lo..hi, 0f64..n as f64)?;
        chart
            .configure_mesh()
            .x_desc(x_label)
            .x_labels(6)
            .y_labels(0)
            .disable_y_mesh()
            .light_line_style(RGBColor(238, 238, 238))
            .label_style((FONT, 14))
            .axis_desc_style((FONT, 15))
            .draw()?;
        for (i, b) in bars.iter().enumerate() {
            let y = n as f64 - i as f64 - 0.5;
            let color = if b.highlight { VERMILLION } else { BAR };
            chart.draw_series(std::iter::once(Rectangle::new(
                [(baseline, y - 0.32), (b.value, y + 0.32)],
                color.mix(0.8).filled(),
            )))?;
            if let Some((l, h)) = b.interval {
                chart.draw_series(std::iter::once(PathElement::new(
                    vec![(l, y), (h, y)],
                    INK.stroke_width(1),
                )))?;
                for x in [l, h] {
                    chart.draw_series(std::iter::once(PathElement::new(
                        vec![(x, y - 0.18), (x, y + 0.18)],
                        INK.stroke_width(1),
                    )))?;
                }
            }
        }
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(baseline, 0.0), (baseline, n as f64)],
            GREY.stroke_width(1),
        )))?;
        // Row labels, drawn by hand beside each bar (the axis would put
        // them at round numbers).
        for (i, label) in labels.iter().enumerate() {
            let (px, py) = chart.backend_coord(&(lo, n as f64 - i as f64 - 0.5));
            root.draw(&Text::new(
                label.clone(),
                (px - 6, py),
                (FONT, 14)
                    .into_font()
                    .color(&INK)
                    .pos(plotters::style::text_anchor::Pos::new(
                        plotters::style::text_anchor::HPos::Right,
                        plotters::style::text_anchor::VPos::Center,
                    )),
            ))?;
        }
        Ok(())
    })
}
