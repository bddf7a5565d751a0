//! HTML rendering: a self-contained document (inline CSS, inline SVG, no
//! scripts, no external resources) and the body fragment the page shows.
//!
//! Every number is rendered with a `data-value` attribute holding its full
//! precision, so tests (and anyone scraping a report) read exact values while
//! people read four decimals. A value and its interval are separate elements
//! (`span.v`, `span.ci`) so a page can lay them out without parsing text.

use crate::Report;
use crate::format::{num, nums};
use crate::sections::views;
use crate::svg::escape;
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
td .ci{display:block}
details summary{cursor:pointer}
"#;

/// One row of a metrics table: name (definition on hover), value, interval
/// or why it is undefined.
pub(crate) fn metric_row(out: &mut String, m: &MetricResult) {
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
        None => out.push_str("<td class=\"num value undef\" data-value=\"\">undefined</td>"),
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

/// A metrics table.
pub(crate) fn metric_table(out: &mut String, class: &str, header: &str, metrics: &[MetricResult]) {
    let _ = writeln!(
        out,
        "<table class=\"{class}\"><thead><tr><th>{}</th><th class=\"num\">Value</th><th class=\"num\">{}</th></tr></thead><tbody>",
        if class.contains("calibration") {
            "Score"
        } else {
            "Metric"
        },
        escape(header)
    );
    for m in metrics {
        metric_row(out, m);
    }
    out.push_str("</tbody></table>");
}

/// A cell holding a value and its interval as separate elements, keyed
/// `prefix + key` (`after:ece`), with the value's full precision.
pub(crate) fn value_cell(out: &mut String, prefix: &str, m: Option<&MetricResult>) {
    let Some(m) = m else {
        out.push_str("<td></td>");
        return;
    };
    let _ = write!(
        out,
        "<td class=\"num\" data-key=\"{prefix}{}\" data-value=\"{}\">",
        escape(&m.key),
        m.value.map(|v| format!("{v:?}")).unwrap_or_default(),
    );
    match (&m.value, &m.ci) {
        (Some(v), Some(c)) => {
            let t = nums(&[*v, c.lower, c.upper]);
            let _ = write!(
                out,
                "<span class=\"v\">{}</span> <span class=\"ci\">[{}, {}]</span>",
                t[0], t[1], t[2]
            );
        }
        (Some(v), None) => {
            let _ = write!(out, "<span class=\"v\">{}</span>", num(*v));
        }
        (None, _) => {
            let _ = write!(
                out,
                "<span class=\"v undef\">undefined</span> <span class=\"ci undef\">{}</span>",
                escape(m.undefined.as_deref().unwrap_or(""))
            );
        }
    }
    out.push_str("</td>");
}

/// A plain number cell with its full precision (`undefined` for `None`).
pub(crate) fn number_cell(out: &mut String, v: Option<f64>) {
    match v {
        Some(x) => {
            let _ = write!(
                out,
                "<td class=\"num\" data-value=\"{x:?}\">{}</td>",
                num(x)
            );
        }
        None => out.push_str("<td class=\"num undef\">undefined</td>"),
    }
}

/// The report's content without `<html>`/`<head>`: what the page shows.
pub fn fragment(report: &Report) -> String {
    let mut o = String::new();
    match super::task(report) {
        Some(t) => {
            let _ = write!(o, "<section class=\"assay-report\" data-task=\"{t}\">");
        }
        None => o.push_str("<section class=\"assay-report\">"),
    }
    if let Some(h) = super::headline(report) {
        let _ = write!(o, "<p class=\"sub\">{}</p>", escape(&h));
    }
    crate::sections::model::html_run(report, &mut o);
    for w in &report.warnings {
        let _ = write!(o, "<div class=\"warn\">{}</div>", escape(w));
    }
    for v in views(report) {
        v.html(report, &mut o);
    }
    crate::sections::model::html_provenance(report, &mut o);
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
            .unwrap_or("audit")
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
