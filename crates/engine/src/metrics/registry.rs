//! The metric registry: every metric id Assay reports, with its definition,
//! its direction and its section (scikit-learn's `get_scorer` registry,
//! for a report rather than a model search).
//!
//! Ids are `section.key` (`evaluation.brier`, `calibration.brier`): a key is
//! unique within its section, and the section says what the number is of
//! (the evaluation's Brier score is the multiclass Brier for a multiclass
//! task; calibration's is the top-label Brier). Quality gates and model
//! cards look metrics up here, and [`metric_definitions`] is generated from
//! the analyses themselves, so the registry cannot miss a metric that a
//! report holds.

use super::MetricSpec;
use crate::prepare::Task;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Whether a larger value is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    HigherIsBetter,
    LowerIsBetter,
}

/// One metric of the registry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct MetricDef {
    /// `section.key`, e.g. `evaluation.roc_auc`.
    pub id: String,
    /// The report section it appears in.
    pub section: String,
    /// Its key within the section.
    pub key: String,
    /// Display name.
    pub name: String,
    /// The reference definition followed (per task where they differ).
    pub definition: String,
    pub direction: Direction,
    /// The tasks for which it is reported.
    pub tasks: Vec<Task>,
}

/// Registry entries for `specs` reported under `section` for `task`
/// (`prefix` is prepended to each key, e.g. `heldout.`).
pub fn defs(section: &str, prefix: &str, task: Task, specs: &[MetricSpec]) -> Vec<MetricDef> {
    specs
        .iter()
        .map(|s| MetricDef {
            id: format!("{section}.{prefix}{}", s.key),
            section: section.to_owned(),
            key: format!("{prefix}{}", s.key),
            name: s.name.to_owned(),
            definition: s.definition.to_owned(),
            direction: if s.higher_is_better {
                Direction::HigherIsBetter
            } else {
                Direction::LowerIsBetter
            },
            tasks: vec![task],
        })
        .collect()
}

/// Merge entries with the same id (one metric reported for several tasks):
/// the tasks are joined, and where the definitions differ each is prefixed
/// with its task.
pub fn merge(entries: Vec<MetricDef>) -> Vec<MetricDef> {
    let mut out: Vec<MetricDef> = Vec::new();
    for e in entries {
        match out.iter_mut().find(|d| d.id == e.id) {
            None => out.push(e),
            Some(d) => {
                if d.definition != e.definition {
                    if d.tasks.len() == 1 && !d.definition.starts_with(&format!("{}: ", d.tasks[0]))
                    {
                        d.definition = format!("{}: {}", d.tasks[0], d.definition);
                    }
                    d.definition = format!("{}; {}: {}", d.definition, e.tasks[0], e.definition);
                }
                for t in e.tasks {
                    if !d.tasks.contains(&t) {
                        d.tasks.push(t);
                    }
                }
            }
        }
    }
    out
}

/// Every metric Assay may report.
pub fn metric_definitions() -> Vec<MetricDef> {
    crate::analyses::metric_definitions()
}

/// A metric's definition by id.
pub fn lookup(id: &str) -> Option<MetricDef> {
    metric_definitions().into_iter().find(|d| d.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_namespaced() {
        let defs = metric_definitions();
        let mut seen = std::collections::HashSet::new();
        for d in &defs {
            assert!(seen.insert(d.id.clone()), "{} twice", d.id);
            assert_eq!(d.id, format!("{}.{}", d.section, d.key));
            assert!(!d.definition.is_empty(), "{}", d.id);
        }
        // The two Brier scores are two metrics.
        let e = lookup("evaluation.brier").unwrap();
        let c = lookup("calibration.brier").unwrap();
        assert_ne!(e.definition, c.definition);
        assert!(lookup("evaluation.roc_auc").unwrap().direction == Direction::HigherIsBetter);
        assert!(lookup("calibration.ece").unwrap().direction == Direction::LowerIsBetter);
        assert!(lookup("calibration.heldout.log_loss").is_some());
        assert!(lookup("evaluation.nonsense").is_none());
    }
}
