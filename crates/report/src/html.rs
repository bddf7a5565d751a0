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
            let _ = write!(
                out,
                "<td class=\"num ci\" data-lower=\"{:?}\" data-upper=\"{:?}\">[{}, {}]</td>",
                ci.lower,
                ci.upper,
                num(ci.lower),
                num(ci.upper)
            );
        }
        (None, Some(why)) => {
            let _ = write!(out, "<td class=\"undef\">{}</td>", escape(why));
        }
        (None, None) => out.push_str("<td></td>"),
    }
    out.push_str("</tr>\n");
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
    // Plots.
    let plots = plots::plots(report);
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
