//! A first look at a file: its columns, their types, and a guess of which
//! column is the label and which hold scores.
//!
//! The page calls this on the first rows of a dropped file to pre-fill the
//! column-mapping form; the guess is only a starting point the user edits.

use crate::error::Result;
use crate::prepare::Task;
use crate::table::{Column, Table};
use serde::{Deserialize, Serialize};

/// Summary of one column from the inspected rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ColumnInfo {
    pub name: String,
    #[serde(rename = "type")]
    pub column_type: crate::table::ColumnType,
    pub missing: usize,
    /// Distinct values among the inspected rows (capped at 1000).
    pub distinct: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
}

/// A guess of the column roles.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default, schemars::JsonSchema)]
pub struct RoleGuess {
    pub label: Option<String>,
    pub scores: Vec<String>,
    pub task: Option<Task>,
}

/// The result of [`inspect`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Inspection {
    pub columns: Vec<ColumnInfo>,
    pub rows_inspected: usize,
    /// Whether the file has more rows than were inspected.
    pub truncated: bool,
    pub guess: RoleGuess,
}

const LABEL_NAMES: &[&str] = &[
    "label",
    "labels",
    "y",
    "y_true",
    "target",
    "class",
    "outcome",
    "truth",
    "ground_truth",
    "actual",
    "true",
    "gold",
];
fn is_score_name(n: &str) -> bool {
    crate::heuristics::looks_like_score(n)
}

/// Describe `table` (the first rows of a file) and guess roles.
pub fn inspect(table: &Table, truncated: bool) -> Result<Inspection> {
    let mut columns = Vec::new();
    for (name, col) in table.names().iter().zip(table.columns()) {
        let (distinct, min, max) = match col {
            Column::Numeric(c) => {
                let mut vals: Vec<f64> = c
                    .values
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| !c.is_missing(*i))
                    .map(|(_, v)| *v)
                    .collect();
                vals.sort_by(f64::total_cmp);
                vals.dedup();
                let fin: Vec<f64> = vals.iter().copied().filter(|v| v.is_finite()).collect();
                (
                    vals.len().min(1000),
                    fin.first().copied(),
                    fin.last().copied(),
                )
            }
            Column::Categorical(c) => (c.dictionary.len().min(1000), None, None),
        };
        columns.push(ColumnInfo {
            name: name.clone(),
            column_type: col.column_type(),
            missing: col.missing_count(),
            distinct,
            min,
            max,
        });
    }
    let guess = guess_roles(&columns);
    Ok(Inspection {
        columns,
        rows_inspected: table.rows(),
        truncated,
        guess,
    })
}

fn guess_roles(cols: &[ColumnInfo]) -> RoleGuess {
    use crate::table::ColumnType::Numeric;
    let numeric = |c: &ColumnInfo| c.column_type == Numeric;
    let in_unit =
        |c: &ColumnInfo| numeric(c) && c.min.unwrap_or(0.0) >= 0.0 && c.max.unwrap_or(1.0) <= 1.0;
    let mut scores: Vec<&ColumnInfo> = cols
        .iter()
        .filter(|c| numeric(c) && is_score_name(&c.name))
        .collect();
    // Label: a conventional name, else the column a `p_X` score names, else a
    // low-cardinality column that is not a score.
    let lower = |s: &str| s.to_lowercase();
    let mut label = cols
        .iter()
        .find(|c| LABEL_NAMES.contains(&lower(&c.name).as_str()))
        .map(|c| c.name.clone());
    if label.is_none() {
        for s in &scores {
            let l = lower(&s.name);
            for p in ["p_", "prob_", "proba_", "pred_", "score_"] {
                if let Some(rest) = l.strip_prefix(p)
                    && let Some(c) = cols.iter().find(|c| lower(&c.name) == rest)
                {
                    label = Some(c.name.clone());
                }
            }
            if label.is_some() {
                break;
            }
        }
    }
    if label.is_none() {
        label = cols
            .iter()
            .find(|c| !is_score_name(&c.name) && c.distinct == 2)
            .map(|c| c.name.clone());
    }
    if label.is_none() && scores.len() >= 2 {
        label = cols
            .iter()
            .find(|c| !is_score_name(&c.name) && c.distinct >= 2 && c.distinct <= scores.len())
            .map(|c| c.name.clone());
    }
    scores.retain(|c| Some(&c.name) != label.as_ref());
    let label_info = label
        .as_ref()
        .and_then(|l| cols.iter().find(|c| &c.name == l));
    // Probability columns that look like one-per-class.
    let task = match (scores.len(), label_info) {
        (0, _) => None,
        (1, Some(l)) if l.distinct <= 2 => Some(Task::Binary),
        (1, Some(l)) if numeric(l) => Some(Task::Regression),
        (1, _) => Some(Task::Binary),
        (2, Some(l)) if l.distinct <= 2 => Some(Task::Binary),
        (_, _) => {
            if scores.iter().all(|c| in_unit(c)) {
                Some(Task::Multiclass)
            } else {
                scores.truncate(1);
                Some(Task::Regression)
            }
        }
    };
    RoleGuess {
        label,
        scores: scores.iter().map(|c| c.name.clone()).collect(),
        task,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::csv::{CsvOptions, read_csv};

    fn guess(csv: &str) -> RoleGuess {
        let (t, _) = read_csv(csv.as_bytes(), &CsvOptions::default(), &mut |_| {}).unwrap();
        inspect(&t, false).unwrap().guess
    }

    #[test]
    fn guesses_binary() {
        let g = guess("age,default,p_default\n30,1,0.8\n40,0,0.1\n");
        assert_eq!(g.label.as_deref(), Some("default"));
        assert_eq!(g.scores, vec!["p_default"]);
        assert_eq!(g.task, Some(Task::Binary));
    }

    #[test]
    fn guesses_multiclass() {
        let g = guess("species,p_a,p_b,p_c\na,0.2,0.3,0.5\nb,0.1,0.8,0.1\nc,0.3,0.3,0.4\n");
        assert_eq!(g.label.as_deref(), Some("species"));
        assert_eq!(g.scores.len(), 3);
        assert_eq!(g.task, Some(Task::Multiclass));
    }

    #[test]
    fn guesses_regression() {
        let g = guess("target,prediction\n1.5,1.2\n7,6.1\n3,3.3\n");
        assert_eq!(g.label.as_deref(), Some("target"));
        assert_eq!(g.scores, vec!["prediction"]);
        assert_eq!(g.task, Some(Task::Regression));
    }
}
