//! The slices section: per-slice metrics against the rest, tests with
//! q-values and power guidance, discovered weak slices, and the gap plot.

use super::{Plot, SectionView, figures, md_cell};
use crate::Report;
use crate::format::{num, nums, signed};
use crate::render::html::value_cell;
use crate::svg::{self, IntervalBar, escape};
use assay_engine::analyses::slices::significance::{TestOutcome, Verdict};
use assay_engine::analyses::slices::{Slice, SliceAudit, SliceMetric};
use assay_engine::prepare::Task;
use std::fmt::Write;

/// Metrics shown beside the tested one, by task.
fn companions(task: Task) -> &'static [&'static str] {
    match task {
        Task::Binary => &["roc_auc", "log_loss", "ece"],
        Task::Multiclass => &["log_loss", "f1_macro", "ece"],
        Task::Regression => &["rmse", "r2"],
    }
}

fn verdict_text(v: Verdict) -> &'static str {
    match v {
        Verdict::Worse => "worse",
        Verdict::NoGapFound => "no gap found",
        Verdict::TooSmallToTell => "too small to tell",
        Verdict::Untested => "not tested",
    }
}

fn verdict_id(v: Verdict) -> &'static str {
    match v {
        Verdict::Worse => "worse",
        Verdict::NoGapFound => "no_gap_found",
        Verdict::TooSmallToTell => "too_small_to_tell",
        Verdict::Untested => "untested",
    }
}

fn gap_text(m: &SliceMetric) -> String {
    match (m.gap, &m.gap_ci) {
        (Some(g), Some(c)) => {
            let t = nums(&[c.lower, c.upper]);
            format!("{} [{}, {}]", signed(g), t[0], t[1])
        }
        (Some(g), None) => signed(g),
        _ => "—".into(),
    }
}

fn p_text(p: Option<f64>) -> String {
    match p {
        Some(p) if p < 1e-4 => format!("{p:.1e}"),
        Some(p) => format!("{p:.4}"),
        None => "—".into(),
    }
}

fn test_cells(o: &mut String, t: Option<&TestOutcome>) {
    match t {
        Some(t) => {
            let _ = write!(
                o,
                "<td class=\"num\" data-key=\"q_value\" data-value=\"{}\">{}</td><td class=\"num\" data-key=\"min_detectable_gap\">{}</td><td class=\"verdict {}\" title=\"{}\">{}</td>",
                t.q_value.map(|q| format!("{q:?}")).unwrap_or_default(),
                p_text(t.q_value),
                t.min_detectable_gap.map_or("—".into(), num),
                verdict_id(t.verdict),
                escape(&format!(
                    "{:?} test, p = {}{}",
                    t.method,
                    p_text(t.p_value),
                    t.note
                        .as_ref()
                        .map(|n| format!("; {n}"))
                        .unwrap_or_default()
                )),
                verdict_text(t.verdict)
            );
        }
        None => o.push_str("<td></td><td></td><td></td>"),
    }
}

/// Table and plot pieces of the section.
trait Parts {
    fn head(&self, o: &mut String, first: &str);
    fn row(&self, o: &mut String, s: &Slice, first_cell: &str);
    fn gap_bars(&self) -> Vec<IntervalBar>;
    fn bar(&self, s: &Slice, label: &str, lower_better: bool) -> Option<(f64, IntervalBar)>;
}

impl Parts for SliceAudit {
    fn head(&self, o: &mut String, first: &str) {
        let _ = write!(
            o,
            "<thead><tr><th>{first}</th><th class=\"num\">Rows</th><th class=\"num\">{}</th><th class=\"num\">Rest</th><th class=\"num\">Gap to rest</th>",
            escape(&self.tested_metric_name)
        );
        for key in companions(self.task) {
            let name = self
                .all_slices()
                .find_map(|s| s.metric(key))
                .map_or(*key, |m| m.metric.name.as_str());
            let _ = write!(o, "<th class=\"num\">{}</th>", escape(name));
        }
        o.push_str("<th class=\"num\">q</th><th class=\"num\">Detectable gap</th><th>Verdict</th></tr></thead>");
    }

    fn row(&self, o: &mut String, s: &Slice, first_cell: &str) {
        let tested = s.metric(&self.tested_metric);
        let _ = write!(
            o,
            "<tr data-slice=\"{}\"{}>{first_cell}<td class=\"num\">{}{}</td>",
            escape(&s.label),
            if s.small {
                " class=\"small\" title=\"fewer rows than the small-cell limit: left out of exported reports\""
            } else {
                ""
            },
            s.rows,
            if s.small { " *" } else { "" }
        );
        value_cell(o, "", tested.map(|m| &m.metric));
        match tested.and_then(|m| m.rest) {
            Some(r) => {
                let _ = write!(o, "<td class=\"num\">{}</td>", num(r));
            }
            None => o.push_str("<td></td>"),
        }
        let _ = write!(
            o,
            "<td class=\"num\" data-key=\"gap\" data-value=\"{}\">{}</td>",
            tested
                .and_then(|m| m.gap)
                .map(|g| format!("{g:?}"))
                .unwrap_or_default(),
            tested.map(gap_text).unwrap_or_default()
        );
        for key in companions(self.task) {
            value_cell(o, "", s.metric(key).map(|m| &m.metric));
        }
        test_cells(o, s.test.as_ref());
        o.push_str("</tr>");
    }

    /// Every slice's gap in the tested metric, worst first.
    fn gap_bars(&self) -> Vec<IntervalBar> {
        let lower_better = self
            .all_slices()
            .find_map(|s| s.metric(&self.tested_metric))
            .is_some_and(|m| !m.metric.higher_is_better);
        let mut bars: Vec<(f64, IntervalBar)> = Vec::new();
        for g in &self.groupings {
            for s in &g.slices {
                if let Some(b) = self.bar(s, &format!("{}: {}", g.name, s.label), lower_better) {
                    bars.push(b);
                }
            }
        }
        if let Some(d) = &self.discovery {
            for s in &d.slices {
                if let Some(b) =
                    self.bar(&s.slice, &format!("found: {}", s.slice.label), lower_better)
                {
                    bars.push(b);
                }
            }
        }
        bars.sort_by(|a, b| b.0.total_cmp(&a.0));
        bars.truncate(40);
        bars.into_iter().map(|(_, b)| b).collect()
    }

    fn bar(&self, s: &Slice, label: &str, lower_better: bool) -> Option<(f64, IntervalBar)> {
        let m = s.metric(&self.tested_metric)?;
        let gap = m.gap?;
        let worse = if lower_better { gap } else { -gap };
        Some((
            worse,
            IntervalBar {
                label: label.to_owned(),
                value: gap,
                interval: m.gap_ci.as_ref().map(|c| (c.lower, c.upper)),
                highlight: s.test.as_ref().is_some_and(|t| t.verdict == Verdict::Worse),
            },
        ))
    }
}

impl SectionView for SliceAudit {
    fn id(&self) -> &'static str {
        "slices"
    }

    fn html(&self, report: &Report, o: &mut String) {
        o.push_str("<section class=\"slices\" data-section=\"slices\"><h2>Slices</h2>");
        let _ = write!(
            o,
            "<p class=\"sub\">{} of {} slices are worse than the rest of the data in {} (one-sided tests, Benjamini–Hochberg q ≤ {}). \"Detectable gap\" is the smallest gap each slice could detect with power {}: a slice that could not detect the gap of interest reads <em>too small to tell</em>. Intervals are bootstrap intervals on the same resamples as the overall metrics; the gap's is paired.</p>",
            self.worse,
            self.examined,
            escape(&self.tested_metric_name),
            self.alpha,
            self.power
        );
        figures(o, &self.plots(report));
        for g in &self.groupings {
            let name = escape(&g.name);
            let _ = write!(
                o,
                "<h3>By {name}</h3><table class=\"slices slice-audit\" data-grouping=\"{name}\">"
            );
            self.head(o, &name);
            o.push_str("<tbody>");
            for s in &g.slices {
                let cell = format!("<th scope=\"row\">{}</th>", escape(&s.label));
                self.row(o, s, &cell);
            }
            o.push_str("</tbody></table>");
            let mut notes = Vec::new();
            if g.omitted > 0 {
                notes.push(format!("{} smaller groups not examined", g.omitted));
            }
            if g.suppressed > 0 {
                notes.push(format!(
                    "{} groups with fewer than {} rows not shown",
                    g.suppressed, self.min_cell
                ));
            }
            if g.slices.iter().any(|s| s.small) {
                notes.push(format!(
                    "* fewer than {} rows: shown here, left out of exported reports",
                    self.min_cell
                ));
            }
            if !notes.is_empty() {
                let _ = write!(o, "<p class=\"defn\">{}.</p>", escape(&notes.join("; ")));
            }
        }
        if let Some(d) = &self.discovery {
            let _ = write!(
                o,
                "<h3>Discovered weak slices</h3><p class=\"sub\">SliceLine (exact lattice search, α = {}, up to {} conditions, at least {} rows) over {} on the rows' {}; mean {} {}. {} candidates evaluated.</p><table class=\"slices discovered\">",
                d.options.alpha,
                d.options.max_level,
                d.options.min_support,
                escape(&d.columns.join(", ")),
                escape(&d.error),
                escape(&d.error),
                num(d.mean_error),
                d.candidates_evaluated
            );
            self.head(o, "Slice");
            o.push_str("<tbody>");
            for s in &d.slices {
                let cell = format!(
                    "<th scope=\"row\" title=\"SliceLine score {}, mean error {}\">{}</th>",
                    num(s.score),
                    num(s.mean_error),
                    escape(&s.slice.label)
                );
                self.row(o, &s.slice, &cell);
            }
            o.push_str("</tbody></table>");
            if d.slices.is_empty() {
                o.push_str("<p class=\"defn\">No slice scores above 0.</p>");
            }
            if d.suppressed > 0 {
                let _ = write!(
                    o,
                    "<p class=\"defn\">{} slices with fewer than {} rows not shown.</p>",
                    d.suppressed, self.min_cell
                );
            }
        }
        o.push_str("</section>");
    }

    fn markdown(&self, _report: &Report, o: &mut String) {
        let _ = writeln!(
            o,
            "## Slices\n\n{} of {} slices worse than the rest in {} (Benjamini–Hochberg q ≤ {}; detectable gap at power {}).\n",
            self.worse,
            self.examined,
            md_cell(&self.tested_metric_name),
            self.alpha,
            self.power
        );
        let table = |o: &mut String, first: &str, rows: Vec<(&Slice, String)>| {
            let _ = writeln!(
                o,
                "| {first} | Rows | {} | Rest | Gap [CI] | q | Detectable gap | Verdict |\n|---|---:|---:|---:|---:|---:|---:|---|",
                md_cell(&self.tested_metric_name)
            );
            for (s, label) in rows {
                let m = s.metric(&self.tested_metric);
                let t = s.test.as_ref();
                let _ = writeln!(
                    o,
                    "| {} | {}{} | {} | {} | {} | {} | {} | {} |",
                    md_cell(&label),
                    s.rows,
                    if s.small { " *" } else { "" },
                    m.map(|m| crate::format::with_interval(&m.metric))
                        .unwrap_or_default(),
                    m.and_then(|m| m.rest).map_or("—".into(), num),
                    m.map(gap_text).unwrap_or_default(),
                    p_text(t.and_then(|t| t.q_value)),
                    t.and_then(|t| t.min_detectable_gap).map_or("—".into(), num),
                    t.map_or("", |t| verdict_text(t.verdict))
                );
            }
            o.push('\n');
        };
        for g in &self.groupings {
            let _ = writeln!(o, "### By {}\n", md_cell(&g.name));
            table(
                o,
                &md_cell(&g.name),
                g.slices.iter().map(|s| (s, s.label.clone())).collect(),
            );
            if g.suppressed > 0 {
                let _ = writeln!(
                    o,
                    "{} groups with fewer than {} rows not shown.\n",
                    g.suppressed, self.min_cell
                );
            }
        }
        if let Some(d) = &self.discovery {
            let _ = writeln!(
                o,
                "### Discovered weak slices (SliceLine, α = {}, ≤ {} conditions)\n",
                d.options.alpha, d.options.max_level
            );
            table(
                o,
                "Slice",
                d.slices
                    .iter()
                    .map(|s| {
                        (
                            &s.slice,
                            format!("{} (score {})", s.slice.label, num(s.score)),
                        )
                    })
                    .collect(),
            );
        }
    }

    fn text(&self, _report: &Report, o: &mut String) {
        let _ = writeln!(
            o,
            "\nslices: {} of {} worse than the rest in {} (BH q ≤ {})",
            self.worse, self.examined, self.tested_metric, self.alpha
        );
        let line = |o: &mut String, name: &str, s: &Slice| {
            let m = s.metric(&self.tested_metric);
            let t = s.test.as_ref();
            let _ = writeln!(
                o,
                "  {:<32} rows {:>7}  {} {}  gap {}  q {}  {}",
                name,
                s.rows,
                self.tested_metric,
                m.and_then(|m| m.metric.value).map_or("—".into(), num),
                m.map(gap_text).unwrap_or_default(),
                p_text(t.and_then(|t| t.q_value)),
                t.map_or("", |t| verdict_text(t.verdict))
            );
        };
        for g in &self.groupings {
            for s in &g.slices {
                line(o, &format!("{}: {}", g.name, s.label), s);
            }
        }
        if let Some(d) = &self.discovery {
            let _ = writeln!(o, "discovered (SliceLine):");
            for s in &d.slices {
                line(o, &s.slice.label, &s.slice);
            }
        }
    }

    fn plots(&self, _report: &Report) -> Vec<Plot> {
        let bars = self.gap_bars();
        if bars.is_empty() {
            return Vec::new();
        }
        let title = format!("Gap to the rest: {}", self.tested_metric_name);
        vec![Plot {
            id: "slice_gaps".into(),
            svg: svg::interval_bars(
                &title,
                &format!("{} (slice − rest), paired interval", self.tested_metric),
                &bars,
                0.0,
            ),
            title,
        }]
    }
}
