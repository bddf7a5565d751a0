//! Report sections: each analysis's section renders itself — HTML, Markdown,
//! the CLI's text summary, plots — from one module here.
//!
//! The renderers in [`crate::render`] never name an analysis: they ask
//! [`views`] for the sections a report holds, in registry order, and lay them
//! out. `views` is generated from the engine's list of analyses
//! (`assay_engine::for_each_analysis!`), so a new analysis whose section
//! type has no [`SectionView`] does not compile.

pub mod calibration;
pub mod evaluation;
pub mod fairness;
pub mod model;
pub mod slices;

use crate::Report;
use assay_engine::analyses::Analysis;

/// One rendered plot.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Plot {
    /// Stable id (`roc`, `pr`, `confusion`, `reliability`…).
    pub id: String,
    pub title: String,
    /// A standalone SVG document.
    pub svg: String,
}

/// How a section renders itself.
pub trait SectionView {
    /// The section's id (`evaluation`).
    fn id(&self) -> &'static str;
    /// Its HTML (with its plots), inside the report's fragment.
    fn html(&self, report: &Report, out: &mut String);
    /// Its Markdown.
    fn markdown(&self, report: &Report, out: &mut String);
    /// Its lines of the CLI's plain-text summary.
    fn text(&self, report: &Report, out: &mut String);
    /// Its plots, in display order.
    fn plots(&self, report: &Report) -> Vec<Plot>;
    /// A one-line headline of the report, if this section can give one.
    fn headline(&self, _report: &Report) -> Option<String> {
        None
    }
    /// The task of the predictions, if this section knows it.
    fn task(&self) -> Option<assay_engine::prepare::Task> {
        None
    }
}

macro_rules! define_views {
    ($( $(#[$doc:meta])* $id:ident : $ty:ty ),* $(,)?) => {
        /// The sections `report` holds, in registry order.
        pub fn views(report: &Report) -> Vec<&dyn SectionView> {
            let mut v: Vec<&dyn SectionView> = Vec::new();
            $(
                if let Some(s) = &report.sections.$id {
                    let s: &<$ty as Analysis>::Section = s;
                    v.push(s);
                }
            )*
            v
        }
    };
}

assay_engine::for_each_analysis!(define_views);

/// Every plot of a report, in display order.
pub fn plots(report: &Report) -> Vec<Plot> {
    views(report).iter().flat_map(|v| v.plots(report)).collect()
}

/// `<figure data-plot=…>` for each plot, in a `div.plots`.
pub(crate) fn figures(out: &mut String, plots: &[Plot]) {
    use std::fmt::Write;
    if plots.is_empty() {
        return;
    }
    out.push_str("<div class=\"plots\">");
    for p in plots {
        let _ = write!(
            out,
            "<figure data-plot=\"{}\">{}</figure>",
            crate::svg::escape(&p.id),
            p.svg
        );
    }
    out.push_str("</div>");
}

/// Markdown table cell text.
pub(crate) fn md_cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}
