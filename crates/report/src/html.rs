//! HTML rendering: a self-contained document (inline CSS, inline SVG, no
//! scripts, no external resources) and the body fragment the page shows.
//!
//! Every number is rendered with a `data-value` attribute holding its full
//! precision, so tests (and anyone scraping a report) read exact values while
//! people read four decimals.

use crate::svg::escape;
use crate::{Report, plots};
use assay_engine::metrics::MetricResult;
use std::fmt::Write;

const CSS: &str = r#"
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#222;background:#fff;line-height:1.45}
main{max-width:1100px;margin:0 auto;padding:24px}
h1{font-size:1.6rem;margin:0 0 4px}h2{font-size:1.2rem;margin:28px 0 8px;border-bottom:1px solid #eee;padding-bottom:4px}
.sub{color:#666;margin:0 0 16px}
table{border-collapse:collapse;margin:8px 0}
th,td{padding:4px 10px;border-bottom:1px solid #eee;text-align:left;vertical-align:top}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.undef{color:#a33}
.ci{color:#555;font-size:.92em}
.warn{background:#fff6e0;border-left:4px solid #e69f00;padding:8px 12px;margin:6px 0}
.plots{display:flex;flex-wrap:wrap;gap:16px}
.plots figure{margin:0;flex:1 1 420px;max-width:540px}
.assay-plot{width:100%;height:auto}
code{background:#f4f4f4;padding:1px 4px;border-radius:3px;word-break:break-all}
.defn{color:#777;font-size:.85em}
h3{font-size:1.05rem;margin:20px 0 6px}
tr.best th{color:#0b6b3a}
table.recalibration td,table.slices td{white-space:nowrap}
"#;

fn num(v: f64) -> String {
    if v == 0.0 || (v.abs() >= 1e-3 && v.abs() < 1e6) {
        format!("{v:.4}")
    } else {
        format!("{v:.4e}")
    }
}

/// One row of the metrics table.
fn metric_row(out: &mut String, m: &MetricResult) {
    let _ = write!(
        out,
        "<tr data-metric=\"{key}\"><th scope=\"row\" title=\"{defn}\">{name}</th>",
        key = escape(&m.key),
        name = escape(&m.name),
        defn = escape(&m.definition)
    );
    match m.value {
        Some(v) => {
            let _ = write!(
                out,
                "<td class=\"num value\" data-value=\"{v:?}\">{}</td>",
                num(v)
            );
        }
        None => {
            let _ = write!(
                out,
                "<td class=\"num value undef\" data-value=\"\">undefined</td>"
            );
        }
    }
    match (&m.ci, &m.undefined) {
        (Some(ci), _) => {
            let t = nums(&[ci.lower, ci.upper]);
            let _ = write!(
                out,
                "<td class=\"num ci\" data-lower=\"{:?}\" data-upper=\"{:?}\">[{}, {}]</td>",
                ci.lower, ci.upper, t[0], t[1]
            );
        }
        (None, Some(why)) => {
            let _ = write!(out, "<td class=\"undef\">{}</td>", escape(why));
        }
        (None, None) => out.push_str("<td></td>"),
    }
    out.push_str("</tr>\n");
}

/// Numbers that appear together (a value and its interval) in one notation.
fn nums(vs: &[f64]) -> Vec<String> {
    let fixed = vs
        .iter()
        .all(|v| *v == 0.0 || (v.abs() >= 1e-3 && v.abs() < 1e6));
    vs.iter()
        .map(|v| {
            if fixed {
                format!("{v:.4}")
            } else {
                format!("{v:.3e}")
            }
        })
        .collect()
}

fn ci_text(m: &MetricResult) -> String {
    match (&m.value, &m.ci) {
        (Some(v), Some(c)) => {
            let t = nums(&[*v, c.lower, c.upper]);
            format!("{} [{}, {}]", t[0], t[1], t[2])
        }
        (Some(v), None) => num(*v),
        (None, _) => format!("undefined ({})", m.undefined.as_deref().unwrap_or("")),
    }
}

fn cell(o: &mut String, prefix: &str, m: Option<&MetricResult>) {
    match m {
        Some(m) => {
            let _ = write!(
                o,
                "<td class=\"num\" data-key=\"{prefix}{}\" data-value=\"{}\">{}</td>",
                escape(&m.key),
                m.value.map(|v| format!("{v:?}")).unwrap_or_default(),
                escape(&ci_text(m))
            );
        }
        None => o.push_str("<td></td>"),
    }
}

fn calibration_section(o: &mut String, report: &Report) {
    let Some(cal) = &report.calibration else {
        return;
    };
    let r = &cal.reliability;
    o.push_str("<section class=\"calibration\" data-section=\"calibration\"><h2>Calibration</h2>");
    let what = match r.target {
        assay_engine::calibration::Target::PositiveClass => {
            "the predicted probability of the positive class against the outcome"
        }
        assay_engine::calibration::Target::TopLabel => {
            "the top-label confidence against whether the predicted class is right"
        }
    };
    let _ = write!(
        o,
        "<p class=\"sub\">Calibration of {what}, {} rows, {} bins.</p>",
        r.rows, r.bins
    );
    o.push_str("<table class=\"metrics calibration-scores\"><thead><tr><th>Score</th><th class=\"num\">Value</th><th class=\"num\">CI</th></tr></thead><tbody>\n");
    for m in &r.scores {
        metric_row(o, m);
    }
    o.push_str("</tbody></table>");
    if !r.classwise.is_empty() {
        o.push_str("<h3>Class-wise ECE</h3><table class=\"classwise\"><thead><tr><th>Class</th><th class=\"num\">ECE</th></tr></thead><tbody>");
        for c in &r.classwise {
            let _ = write!(
                o,
                "<tr><td>{}</td><td class=\"num\" data-value=\"{:?}\">{}</td></tr>",
                escape(&c.class),
                c.ece,
                num(c.ece)
            );
        }
        o.push_str("</tbody></table>");
    }
    let cal_plots = plots::calibration_plots(report);
    o.push_str("<div class=\"plots\">");
    for p in cal_plots.iter().filter(|p| p.id != "recalibration") {
        let _ = write!(
            o,
            "<figure data-plot=\"{}\">{}</figure>",
            escape(&p.id),
            p.svg
        );
    }
    o.push_str("</div>");
    if let Some(rc) = &cal.recalibration {
        o.push_str("<h3>Recalibration, judged on held-out rows</h3>");
        let split = match &rc.split.split {
            assay_engine::calibration::Split::Random { fraction, seed } => format!(
                "a seeded random split (seed {seed}): {:.0}% of rows fit each method",
                fraction * 100.0
            ),
            assay_engine::calibration::Split::Folds { folds, seed } => format!(
                "{folds}-fold cross-fitting (seed {seed}): every row is judged by a map fitted without it"
            ),
            assay_engine::calibration::Split::Mask { description, .. } => description.clone(),
        };
        let _ = write!(
            o,
            "<p class=\"sub\">Split: {}; {} rows fit, {} held-out rows judge. Intervals on the change are paired bootstrap intervals: a change whose interval excludes 0 is real.</p>",
            escape(&split),
            rc.split.calibration_rows,
            rc.split.heldout_rows
        );
        o.push_str("<table class=\"recalibration\"><thead><tr><th>Method</th><th>Fitted map</th><th class=\"num\">ECE</th><th class=\"num\">Change in ECE</th><th class=\"num\">Brier</th><th class=\"num\">Change in Brier</th><th class=\"num\">Log loss</th><th class=\"num\">Change in log loss</th></tr></thead><tbody>");
        let _ = write!(
            o,
            "<tr data-method=\"none\"><th scope=\"row\">before</th><td>—</td>"
        );
        for (i, m) in rc.before.iter().enumerate() {
            cell(o, "before:", Some(m));
            if i < 3 {
                o.push_str("<td></td>");
            }
        }
        o.push_str("</tr>");
        for m in &rc.methods {
            let best = rc.best == Some(m.method);
            let _ = write!(
                o,
                "<tr data-method=\"{}\"{}><th scope=\"row\">{}{}</th>",
                m.method,
                if best { " class=\"best\"" } else { "" },
                m.method,
                if best { " (best)" } else { "" }
            );
            match &m.failed {
                Some(why) => {
                    let _ = write!(
                        o,
                        "<td colspan=\"7\" class=\"undef\">could not be fitted: {}</td>",
                        escape(why)
                    );
                }
                None => {
                    let _ = write!(o, "<td>{}</td>", escape(m.summary.as_deref().unwrap_or("")));
                    for i in 0..3 {
                        cell(o, "after:", m.after.get(i));
                        cell(o, "change:", m.change.get(i));
                    }
                }
            }
            o.push_str("</tr>");
        }
        o.push_str("</tbody></table>");
        if let Some(p) = cal_plots.iter().find(|p| p.id == "recalibration") {
            let _ = write!(
                o,
                "<div class=\"plots\"><figure data-plot=\"recalibration\">{}</figure></div>",
                p.svg
            );
        }
    }
    if let Some(sl) = &cal.slices {
        let _ = write!(
            o,
            "<h3>Calibration by {}</h3><table class=\"slices\"><thead><tr><th>{}</th><th class=\"num\">Rows</th><th class=\"num\">ECE</th><th class=\"num\">MCE</th><th class=\"num\">Brier</th><th class=\"num\">Slope</th><th class=\"num\">Mean predicted</th><th class=\"num\">Observed</th></tr></thead><tbody>",
            escape(&sl.column),
            escape(&sl.column)
        );
        for g in &sl.groups {
            let _ = write!(
                o,
                "<tr data-slice=\"{v}\"><th scope=\"row\">{v}</th><td class=\"num\">{}</td>",
                g.rows,
                v = escape(&g.value)
            );
            for key in [
                "ece",
                "mce",
                "brier",
                "calibration_slope",
                "mean_predicted",
                "observed_rate",
            ] {
                cell(o, "", g.reliability.scores.iter().find(|m| m.key == key));
            }
            o.push_str("</tr>");
        }
        o.push_str("</tbody></table>");
        if let Some(n) = sl.omitted {
            let _ = write!(o, "<p class=\"defn\">{n} smaller groups not shown.</p>");
        }
    }
    o.push_str("</section>");
}

/// The report's content without `<html>`/`<head>`: what the page shows.
pub fn fragment(report: &Report) -> String {
    let ev = &report.evaluation;
    let mut o = String::new();
    let _ = write!(
        o,
        "<section class=\"assay-report\" data-task=\"{}\">",
        ev.task
    );
    // Summary line.
    let mut summary = format!("{} task, {} rows", ev.task, ev.rows);
    if let Some(p) = &ev.positive {
        let _ = write!(summary, ", positive class '{}'", p);
    }
    if let Some(t) = ev.threshold {
        let _ = write!(summary, ", threshold {t}");
    }
    let _ = write!(o, "<p class=\"sub\">{}</p>", escape(&summary));
    if let Some(m) = &report.model {
        let features = if m.features.len() <= 10 {
            m.features.join(", ")
        } else {
            format!(
                "{}, … {}",
                m.features[..4].join(", "),
                m.features[m.features.len() - 1]
            )
        };
        let _ = write!(
            o,
            "<p class=\"sub model-run\" data-device=\"{dev}\">Model <code>{}</code> run on <strong>{dev}</strong>: output <code>{}</code> ({} column{}) from {} feature{} ({}), {} rows in batches of {}, {:.3} s.</p>",
            escape(&m.name),
            escape(&m.output),
            m.output_width,
            if m.output_width == 1 { "" } else { "s" },
            m.features.len(),
            if m.features.len() == 1 { "" } else { "s" },
            escape(&features),
            m.rows,
            m.batch_size,
            m.seconds,
            dev = escape(&m.device)
        );
    }
    for w in &report.warnings {
        let _ = write!(o, "<div class=\"warn\">{}</div>", escape(w));
    }
    // Metrics.
    let level = ev
        .metrics
        .iter()
        .find_map(|m| m.ci.as_ref().map(|c| c.level))
        .unwrap_or(report.provenance.config.evaluation.bootstrap.level);
    let resamples = report.provenance.config.evaluation.bootstrap.resamples;
    o.push_str("<h2>Metrics</h2>");
    let _ = writeln!(
        o,
        "<table class=\"metrics\"><thead><tr><th>Metric</th><th class=\"num\">Value</th><th class=\"num\">{:.0}% CI ({} bootstrap resamples)</th></tr></thead><tbody>",
        level * 100.0,
        resamples
    );
    for m in &ev.metrics {
        metric_row(&mut o, m);
    }
    o.push_str("</tbody></table>");
    // Class counts.
    if !ev.class_counts.is_empty() {
        o.push_str("<h2>Classes</h2><table class=\"classes\"><thead><tr><th>Class</th><th class=\"num\">Rows</th>");
        if ev.per_class.is_some() {
            o.push_str("<th class=\"num\">Precision</th><th class=\"num\">Recall</th><th class=\"num\">F1</th>");
        }
        o.push_str("</tr></thead><tbody>");
        for (i, c) in ev.class_counts.iter().enumerate() {
            let _ = write!(
                o,
                "<tr data-class=\"{cl}\"><td>{cl}</td><td class=\"num\">{}</td>",
                c.count,
                cl = escape(&c.class)
            );
            if let Some(pc) = &ev.per_class {
                for v in [&pc.precision, &pc.recall, &pc.f1] {
                    match v.get(i).copied().flatten() {
                        Some(x) => {
                            let _ =
                                write!(o, "<td class=\"num\" data-value=\"{x:?}\">{}</td>", num(x));
                        }
                        None => o.push_str("<td class=\"num undef\">undefined</td>"),
                    }
                }
            }
            o.push_str("</tr>");
        }
        o.push_str("</tbody></table>");
    }
    if let Some(a) = &report.applied_calibrator {
        let _ = write!(
            o,
            "<p class=\"sub\">Scores recalibrated before evaluation with a saved {} calibrator ({}), fitted on {} (SHA-256 <code>{}</code>).</p>",
            a.method,
            escape(&a.summary),
            escape(&a.fitted_on.data_name),
            escape(&a.fitted_on.data_sha256)
        );
    }
    // Plots.
    let cal_ids = [
        "reliability",
        "reliability-quantile",
        "confidence",
        "recalibration",
    ];
    let plots: Vec<plots::Plot> = plots::plots(report)
        .into_iter()
        .filter(|p| !cal_ids.contains(&p.id.as_str()))
        .collect();
    if !plots.is_empty() {
        o.push_str("<h2>Plots</h2><div class=\"plots\">");
        for p in plots {
            let _ = write!(
                o,
                "<figure data-plot=\"{}\">{}</figure>",
                escape(&p.id),
                p.svg
            );
        }
        o.push_str("</div>");
    }
    calibration_section(&mut o, report);
    // Provenance.
    let pv = &report.provenance;
    o.push_str("<h2>Provenance</h2><table class=\"provenance\"><tbody>");
    let _ = write!(
        o,
        "<tr><th>Assay</th><td>{} ({}), report schema {}</td></tr>",
        escape(&pv.assay_version),
        escape(&pv.producer),
        escape(&report.schema_version)
    );
    for f in &pv.inputs {
        let _ = write!(
            o,
            "<tr><th>Input ({})</th><td>{} — {} bytes{} — SHA-256 <code>{}</code></td></tr>",
            escape(&f.role),
            escape(&f.name),
            f.bytes,
            f.rows.map(|r| format!(", {r} rows")).unwrap_or_default(),
            escape(&f.sha256)
        );
    }
    if let Some(m) = &report.model {
        let ops: Vec<String> = m.ops.iter().map(|(op, n)| format!("{op} ×{n}")).collect();
        let opsets: Vec<String> = m
            .opsets
            .iter()
            .map(|(d, v)| format!("{} {v}", if d.is_empty() { "ai.onnx" } else { d }))
            .collect();
        let _ = write!(
            o,
            "<tr><th>Model</th><td>operators: {}; opsets: {}</td></tr>",
            escape(&ops.join(", ")),
            escape(&opsets.join(", "))
        );
    }
    let cfg = serde_json::to_string(&pv.config).unwrap_or_default();
    let _ = write!(
        o,
        "<tr><th>Configuration</th><td><code>{}</code></td></tr><tr><th>Seed</th><td>{}</td></tr>",
        escape(&cfg),
        pv.seed
    );
    o.push_str("</tbody></table>");
    o.push_str("<p class=\"defn\">Metric definitions follow scikit-learn (hover a metric's name for its exact definition). Intervals are percentile bootstrap intervals. This report holds aggregates only: no row of the input data.</p>");
    o.push_str("</section>");
    o
}

/// A complete, self-contained HTML document.
pub fn document(report: &Report) -> String {
    let title = format!(
        "Assay report — {}",
        report
            .provenance
            .inputs
            .first()
            .map(|f| f.name.as_str())
            .unwrap_or("evaluation")
    );
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\"><title>{t}</title><style>{CSS}</style></head><body><main><h1>{t}</h1>{}</main></body></html>\n",
        fragment(report),
        t = escape(&title)
    )
}

/// The stylesheet used by [`document`], for hosts that show [`fragment`].
pub fn stylesheet() -> &'static str {
    CSS
}
