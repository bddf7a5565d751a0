//! From a table and the user's column choices to validated predictions.
//!
//! This is the one place where user input is checked before any metric runs:
//! columns exist and have the right type, nothing is missing or non-finite,
//! binary scores are probabilities, every label value has a score column, the
//! positive class is known. Each problem becomes an [`EngineError`] that names
//! the column, the line and what to do; things that are legal but worth
//! knowing (one class only, probabilities that do not sum to one) become
//! warnings that travel into the report.

use crate::error::{EngineError, Result};
use crate::plan::{OptionKey, PredictionSpec};
use crate::table::{CategoricalColumn, Column, MISSING_CODE, Table, format_number};
use serde::{Deserialize, Serialize};

/// The kind of prediction task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Task {
    Binary,
    Multiclass,
    Regression,
}

impl std::fmt::Display for Task {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Task::Binary => "binary",
            Task::Multiclass => "multiclass",
            Task::Regression => "regression",
        })
    }
}

impl std::str::FromStr for Task {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s {
            "binary" => Ok(Task::Binary),
            "multiclass" => Ok(Task::Multiclass),
            "regression" => Ok(Task::Regression),
            _ => Err(format!(
                "unknown task '{s}' (expected binary, multiclass or regression)"
            )),
        }
    }
}

/// Validated predictions, ready for metrics.
#[derive(Debug, Clone)]
pub enum Prepared {
    Binary {
        /// True where the label is the positive class.
        y: Vec<bool>,
        /// P(positive), finite, in [0, 1].
        p: Vec<f64>,
        positive: String,
        /// The other label value, when present in the data or inferable.
        negative: Option<String>,
        /// The score column used.
        score: String,
    },
    Multiclass {
        /// Class index per row.
        y: Vec<u32>,
        /// Probabilities, n × k row-major.
        probs: Vec<f64>,
        /// Class values, in column order.
        classes: Vec<String>,
        /// Score column per class.
        columns: Vec<String>,
    },
    Regression {
        y: Vec<f64>,
        yhat: Vec<f64>,
        score: String,
    },
}

impl Prepared {
    /// The task.
    pub fn task(&self) -> Task {
        match self {
            Prepared::Binary { .. } => Task::Binary,
            Prepared::Multiclass { .. } => Task::Multiclass,
            Prepared::Regression { .. } => Task::Regression,
        }
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        match self {
            Prepared::Binary { y, .. } => y.len(),
            Prepared::Multiclass { y, .. } => y.len(),
            Prepared::Regression { y, .. } => y.len(),
        }
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The 1-based file line of data row `i` (header on line 1; exact unless a
/// quoted field spans lines).
pub fn line_of(i: usize) -> u64 {
    i as u64 + 2
}

fn column<'t>(table: &'t Table, name: &str) -> Result<&'t Column> {
    table
        .column(name)
        .ok_or_else(|| EngineError::MissingColumns {
            missing: vec![name.to_owned()],
            available: table.names().to_vec(),
        })
}

/// Read a numeric column for `role`, refusing text, missing and non-finite values.
fn numeric_values(table: &Table, name: &str, role: &'static str) -> Result<Vec<f64>> {
    match column(table, name)? {
        Column::Categorical(c) => {
            let (i, v) = c
                .codes
                .iter()
                .enumerate()
                .find_map(|(i, &code)| {
                    let s = c.get(i)?;
                    (code != MISSING_CODE && s.parse::<f64>().is_err()).then(|| (i, s.to_owned()))
                })
                .unwrap_or((0, String::new()));
            Err(EngineError::NotNumeric {
                column: name.to_owned(),
                line: line_of(i),
                value: v,
            })
        }
        Column::Numeric(c) => {
            if let Some(m) = &c.missing {
                let count = m.iter().filter(|&&b| b).count();
                if let Some(i) = m.iter().position(|&b| b) {
                    return Err(EngineError::MissingValue {
                        column: name.to_owned(),
                        line: line_of(i),
                        count,
                        role,
                    });
                }
            }
            let bad = c.values.iter().filter(|v| !v.is_finite()).count();
            if let Some(i) = c.values.iter().position(|v| !v.is_finite()) {
                return Err(EngineError::NonFinite {
                    column: name.to_owned(),
                    line: line_of(i),
                    value: format!("{}", c.values[i]),
                    count: bad,
                });
            }
            Ok(c.values.clone())
        }
    }
}

/// Label column as categories; missing labels are an error.
fn label_categories(table: &Table, name: &str) -> Result<CategoricalColumn> {
    let col = column(table, name)?;
    let cat = col.to_categorical().into_owned();
    let count = cat.missing_count();
    if count > 0 {
        let i = cat
            .codes
            .iter()
            .position(|&c| c == MISSING_CODE)
            .unwrap_or(0);
        return Err(EngineError::MissingValue {
            column: name.to_owned(),
            line: line_of(i),
            count,
            role: "label",
        });
    }
    Ok(cat)
}

/// Occurrences of each dictionary entry.
fn code_counts(c: &CategoricalColumn) -> Vec<usize> {
    let mut counts = vec![0usize; c.dictionary.len()];
    for &code in &c.codes {
        if code != MISSING_CODE {
            counts[code as usize] += 1;
        }
    }
    counts
}

/// Whether two label texts denote the same value: equal text, or equal numbers
/// (`1` and `1.0`).
pub fn same_label(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    match (a.trim().parse::<f64>(), b.trim().parse::<f64>()) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

/// Canonical text of a label value (numbers as [`format_number`] writes them).
fn canonical(s: &str) -> String {
    match s.trim().parse::<f64>() {
        Ok(v) => format_number(v),
        Err(_) => s.trim().to_owned(),
    }
}

/// Conventional (negative, positive) label pairs, compared case-insensitively.
const PAIRS: &[(&str, &str)] = &[
    ("0", "1"),
    ("-1", "1"),
    ("false", "true"),
    ("no", "yes"),
    ("n", "y"),
    ("f", "t"),
    ("neg", "pos"),
    ("negative", "positive"),
];

/// Pick the positive class among the label values present.
fn infer_positive(values: &[String]) -> Result<(String, Option<String>)> {
    let lower: Vec<String> = values.iter().map(|v| canonical(v).to_lowercase()).collect();
    for (neg, pos) in PAIRS {
        let fits = lower.iter().all(|v| v == neg || v == pos);
        if fits {
            let p = values.iter().zip(&lower).find(|(_, l)| l == pos);
            let n = values.iter().zip(&lower).find(|(_, l)| l == neg);
            return Ok(match (p, n) {
                (Some((p, _)), n) => (p.clone(), n.map(|x| x.0.clone())),
                // Only the negative value occurs: the positive is its pair.
                (None, Some((n, _))) => (pos.to_string(), Some(n.clone())),
                (None, None) => continue,
            });
        }
    }
    Err(EngineError::AmbiguousPositive {
        values: values.to_vec(),
    })
}

/// Validate and collect predictions for evaluation.
pub fn prepare(table: &Table, spec: &PredictionSpec) -> Result<(Prepared, Vec<String>)> {
    let mut warnings = Vec::new();
    if spec.label.is_empty() {
        return Err(EngineError::invalid(
            OptionKey::Label,
            "no label column given (the column with the true values)",
        ));
    }
    if spec.scores.is_empty() {
        return Err(EngineError::invalid(
            OptionKey::Scores,
            "no score column given (the model's predicted probability or value)",
        ));
    }
    let mut needed = vec![spec.label.clone()];
    for s in &spec.scores {
        if !needed.contains(&s.column) {
            needed.push(s.column.clone());
        }
    }
    let missing: Vec<String> = needed
        .iter()
        .filter(|c| table.column(c).is_none())
        .cloned()
        .collect();
    if !missing.is_empty() {
        return Err(EngineError::MissingColumns {
            missing,
            available: table.names().to_vec(),
        });
    }
    if table.rows() == 0 {
        return Err(EngineError::NoRows);
    }
    if table.rows() > u32::MAX as usize {
        return Err(EngineError::invalid(
            OptionKey::Inputs,
            format!(
                "{} rows is more than the 4,294,967,295 Assay can evaluate at once",
                table.rows()
            ),
        ));
    }
    let scores: Vec<(Option<String>, String)> = spec
        .scores
        .iter()
        .map(|s| (s.class.clone(), s.column.trim().to_owned()))
        .collect();
    let label_col = column(table, &spec.label)?;
    let task = match spec.task {
        Some(t) => t,
        None => {
            if scores.len() >= 3 {
                Task::Multiclass
            } else if scores.len() == 2 {
                Task::Binary
            } else {
                match label_col {
                    Column::Categorical(_) => Task::Binary,
                    Column::Numeric(c) => {
                        let mut distinct: Vec<f64> = Vec::new();
                        for (i, v) in c.values.iter().enumerate() {
                            if !c.is_missing(i) && !distinct.contains(v) {
                                distinct.push(*v);
                                if distinct.len() > 2 {
                                    break;
                                }
                            }
                        }
                        if distinct.len() <= 2 {
                            Task::Binary
                        } else {
                            Task::Regression
                        }
                    }
                }
            }
        }
    };
    let prepared = match task {
        Task::Regression => {
            if scores.len() != 1 {
                return Err(EngineError::invalid(
                    OptionKey::Scores,
                    format!(
                        "regression takes one prediction column, got {}",
                        scores.len()
                    ),
                ));
            }
            let y = numeric_values(table, &spec.label, "label")?;
            let yhat = numeric_values(table, &scores[0].1, "prediction")?;
            Prepared::Regression {
                y,
                yhat,
                score: scores[0].1.clone(),
            }
        }
        Task::Binary => prepare_binary(table, spec, &scores, &mut warnings)?,
        Task::Multiclass => prepare_multiclass(table, spec, &scores, &mut warnings)?,
    };
    Ok((prepared, warnings))
}

fn prepare_binary(
    table: &Table,
    spec: &PredictionSpec,
    scores: &[(Option<String>, String)],
    warnings: &mut Vec<String>,
) -> Result<Prepared> {
    let cat = label_categories(table, &spec.label)?;
    let counts = code_counts(&cat);
    let present: Vec<String> = cat
        .dictionary
        .iter()
        .zip(&counts)
        .filter(|(_, c)| **c > 0)
        .map(|(v, _)| v.clone())
        .collect();
    if present.len() > 2 {
        return Err(EngineError::TooManyClasses {
            column: spec.label.clone(),
            n: present.len(),
            values: present,
        });
    }
    let (positive, negative) = match &spec.positive {
        Some(p) => {
            let p = p.trim();
            let exact = present.iter().find(|v| same_label(v, p));
            let folded = present.iter().find(|v| v.eq_ignore_ascii_case(p));
            match exact.or(folded) {
                Some(v) => (v.clone(), present.iter().find(|o| *o != v).cloned()),
                None if present.len() == 2 => {
                    return Err(EngineError::PositiveNotFound {
                        positive: p.to_owned(),
                        column: spec.label.clone(),
                        values: present,
                    });
                }
                None => (p.to_owned(), present.first().cloned()),
            }
        }
        None => infer_positive(&present)?,
    };
    if present.len() < 2 {
        warnings.push(format!(
            "the label column '{}' holds a single class ('{}', {} rows): ROC AUC and other metrics that need both classes are undefined",
            spec.label,
            present.first().cloned().unwrap_or_default(),
            cat.codes.len()
        ));
    }
    let score_col = match scores {
        [(_, col)] => col.clone(),
        [_, _] => {
            // Two probability columns: use the positive class's.
            let ClassMap {
                classes, columns, ..
            } = map_classes(table, spec, scores)?;
            match classes.iter().position(|c| same_label(c, &positive)) {
                Some(i) => columns[i].clone(),
                None => {
                    return Err(EngineError::invalid(
                        OptionKey::Scores,
                        format!(
                            "two score columns given but neither maps to the positive class '{positive}' (they map to {}); name the class of each column",
                            crate::error::quote_list(&classes)
                        ),
                    ));
                }
            }
        }
        _ => {
            return Err(EngineError::invalid(
                OptionKey::Scores,
                format!(
                    "a binary task takes one score column (the probability of the positive class), got {}",
                    scores.len()
                ),
            ));
        }
    };
    let mut p = numeric_values(table, &score_col, "score")?;
    if spec.logits {
        for v in &mut p {
            *v = crate::stats::sigmoid(*v);
        }
    }
    check_unit_range(&p, &score_col, false)?;
    let pos_code = cat.dictionary.iter().position(|v| *v == positive);
    let y: Vec<bool> = cat
        .codes
        .iter()
        .map(|&c| Some(c as usize) == pos_code)
        .collect();
    Ok(Prepared::Binary {
        y,
        p,
        positive,
        negative,
        score: score_col,
    })
}

fn check_unit_range(p: &[f64], column: &str, multiclass: bool) -> Result<()> {
    if let Some(i) = p.iter().position(|&v| !(0.0..=1.0).contains(&v)) {
        let min = p.iter().copied().fold(f64::INFINITY, f64::min);
        let max = p.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let (column, line) = (column.to_owned(), line_of(i));
        return Err(if multiclass {
            EngineError::ProbabilityOutOfRange {
                column,
                line,
                min,
                max,
            }
        } else {
            EngineError::ScoreOutOfRange {
                column,
                line,
                min,
                max,
            }
        });
    }
    Ok(())
}

/// Longest common prefix of the names, cut back to end at a separator.
fn common_affix(names: &[&str], suffix: bool) -> usize {
    if names.len() < 2 {
        return 0;
    }
    let rev: Vec<Vec<char>> = names
        .iter()
        .map(|n| {
            let mut c: Vec<char> = n.chars().collect();
            if suffix {
                c.reverse();
            }
            c
        })
        .collect();
    let mut len = 0;
    while let Some(&ch) = rev[0].get(len) {
        if rev[1..].iter().any(|r| r.get(len) != Some(&ch)) {
            break;
        }
        len += 1;
    }
    // Cut back to a separator so that "p_versicolor"/"p_virginica" gives "p_".
    let is_sep = |c: char| !c.is_alphanumeric();
    while len > 0 && !is_sep(rev[0][len - 1]) {
        len -= 1;
    }
    // Never consume a whole name.
    if rev.iter().any(|r| r.len() <= len) {
        0
    } else {
        len
    }
}

/// Score columns mapped to the classes of the label.
struct ClassMap {
    /// Class index of each label dictionary entry (`None`: no column).
    map: Vec<Option<u32>>,
    /// The label column as categories.
    cat: CategoricalColumn,
    /// The class of each score column, in column order.
    classes: Vec<String>,
    /// The score columns.
    columns: Vec<String>,
}

/// Map score columns to classes.
fn map_classes(
    table: &Table,
    spec: &PredictionSpec,
    scores: &[(Option<String>, String)],
) -> Result<ClassMap> {
    let cat = label_categories(table, &spec.label)?;
    let columns: Vec<String> = scores.iter().map(|(_, c)| c.clone()).collect();
    let names: Vec<&str> = columns.iter().map(String::as_str).collect();
    // Candidate class names for each column, best guess first.
    let mut candidates: Vec<Vec<String>> = Vec::new();
    if scores.iter().all(|(c, _)| c.is_some()) {
        candidates.push(scores.iter().map(|(c, _)| c.clone().unwrap()).collect());
    } else {
        let pre = common_affix(&names, false);
        let suf = common_affix(&names, true);
        let strip = |n: &str, pre: usize, suf: usize| -> String {
            let c: Vec<char> = n.chars().collect();
            c[pre..c.len().saturating_sub(suf).max(pre)]
                .iter()
                .collect()
        };
        candidates.push(names.iter().map(|n| strip(n, pre, 0)).collect());
        candidates.push(names.iter().map(|n| strip(n, pre, suf)).collect());
        candidates.push(names.iter().map(|n| n.to_string()).collect());
        candidates.push(names.iter().map(|n| strip(n, 0, suf)).collect());
        // Explicit CLASS= entries win over guesses.
        for cand in &mut candidates {
            for (slot, (c, _)) in cand.iter_mut().zip(scores) {
                if let Some(c) = c {
                    *slot = c.clone();
                }
            }
        }
    }
    let counts = code_counts(&cat);
    // Choose the candidate under which the most label rows find a column.
    let score_of = |classes: &[String]| -> usize {
        cat.dictionary
            .iter()
            .zip(&counts)
            .filter(|(v, _)| classes.iter().any(|c| same_label(c, v)))
            .map(|(_, &n)| n)
            .sum()
    };
    let classes = candidates
        .into_iter()
        .max_by_key(|c| score_of(c))
        .expect("at least one candidate");
    let map: Vec<Option<u32>> = cat
        .dictionary
        .iter()
        .map(|v| {
            classes
                .iter()
                .position(|c| same_label(c, v))
                .map(|i| i as u32)
        })
        .collect();
    Ok(ClassMap {
        map,
        cat,
        classes,
        columns,
    })
}

fn prepare_multiclass(
    table: &Table,
    spec: &PredictionSpec,
    scores: &[(Option<String>, String)],
    warnings: &mut Vec<String>,
) -> Result<Prepared> {
    if scores.len() < 2 {
        return Err(EngineError::invalid(
            OptionKey::Scores,
            "a multiclass task needs one probability column per class (at least 2)",
        ));
    }
    let ClassMap {
        map,
        cat,
        classes,
        columns,
    } = map_classes(table, spec, scores)?;
    let counts = code_counts(&cat);
    // Every label value present must have a column.
    for (code, m) in map.iter().enumerate() {
        if m.is_none() && counts[code] > 0 {
            return Err(EngineError::LabelWithoutScore {
                value: cat.dictionary[code].clone(),
                count: counts[code],
                classes: classes.clone(),
            });
        }
    }
    let y: Vec<u32> = cat
        .codes
        .iter()
        .map(|&c| map[c as usize].expect("checked above"))
        .collect();
    let n = y.len();
    let k = classes.len();
    let mut probs = vec![0.0; n * k];
    for (c, col) in columns.iter().enumerate() {
        let v = numeric_values(table, col, "probability")?;
        if !spec.logits {
            check_unit_range(&v, col, true)?;
        }
        for (i, x) in v.into_iter().enumerate() {
            probs[i * k + c] = x;
        }
    }
    if spec.logits {
        for row in probs.chunks_mut(k) {
            crate::stats::softmax_in_place(row);
        }
    } else {
        // Probabilities should sum to one; say by how much they do not.
        let (mut bad, mut worst, mut worst_row) = (0usize, 0.0f64, 0usize);
        for (i, row) in probs.chunks(k).enumerate() {
            let d = (row.iter().sum::<f64>() - 1.0).abs();
            if d > 1e-6 {
                bad += 1;
                if d > worst {
                    worst = d;
                    worst_row = i;
                }
            }
        }
        if bad > 0 {
            warnings.push(format!(
                "class probabilities do not sum to 1 in {bad} of {n} rows (largest deviation {worst:.3e} at line {}); metrics use them as given — if they are logits, use the logits option",
                line_of(worst_row)
            ));
        }
    }
    let mut class_counts = vec![0usize; k];
    for &c in &y {
        class_counts[c as usize] += 1;
    }
    let absent: Vec<String> = classes
        .iter()
        .zip(&class_counts)
        .filter(|(_, n)| **n == 0)
        .map(|(c, _)| c.clone())
        .collect();
    if !absent.is_empty() {
        warnings.push(format!(
            "class {} has no rows in the labels: its recall and one-vs-rest ROC AUC are undefined",
            crate::error::quote_list(&absent)
        ));
    }
    Ok(Prepared::Multiclass {
        y,
        probs,
        classes,
        columns,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::ScoreColumn;
    use crate::table::{CategoricalColumn, NumericColumn};

    fn num(v: &[f64]) -> Column {
        Column::Numeric(NumericColumn {
            values: v.to_vec(),
            missing: None,
        })
    }
    fn cat(v: &[&str]) -> Column {
        Column::Categorical(CategoricalColumn::from_values(v.iter().map(|s| Some(*s))))
    }

    #[test]
    fn infers_positive_for_conventional_pairs() {
        let mut t = Table::default();
        t.push("y", cat(&["yes", "no", "no"]));
        t.push("p", num(&[0.9, 0.1, 0.4]));
        let spec = PredictionSpec {
            label: "y".into(),
            scores: vec![ScoreColumn::new("p")],
            ..PredictionSpec::default()
        };
        let (p, w) = prepare(&t, &spec).unwrap();
        assert!(w.is_empty());
        match p {
            Prepared::Binary {
                y,
                positive,
                negative,
                ..
            } => {
                assert_eq!(y, vec![true, false, false]);
                assert_eq!(positive, "yes");
                assert_eq!(negative.as_deref(), Some("no"));
            }
            _ => panic!("expected binary"),
        }
    }

    #[test]
    fn ambiguous_positive_points_at_the_positive_option() {
        let mut t = Table::default();
        t.push("y", cat(&["cat", "dog"]));
        t.push("p", num(&[0.9, 0.1]));
        let spec = PredictionSpec {
            label: "y".into(),
            scores: vec![ScoreColumn::new("p")],
            ..PredictionSpec::default()
        };
        let e = prepare(&t, &spec).unwrap_err();
        assert!(e.to_string().contains("choose it"), "{e}");
        assert_eq!(e.hint(), Some(OptionKey::Positive));
    }

    #[test]
    fn maps_prefixed_columns_to_classes() {
        let mut t = Table::default();
        t.push("y", cat(&["versicolor", "virginica", "setosa"]));
        t.push("p_setosa", num(&[0.1, 0.1, 0.8]));
        t.push("p_versicolor", num(&[0.8, 0.1, 0.1]));
        t.push("p_virginica", num(&[0.1, 0.8, 0.1]));
        let spec = PredictionSpec {
            label: "y".into(),
            scores: vec![
                ScoreColumn::new("p_setosa"),
                ScoreColumn::new("p_versicolor"),
                ScoreColumn::new("p_virginica"),
            ],
            ..PredictionSpec::default()
        };
        let (p, _) = prepare(&t, &spec).unwrap();
        match p {
            Prepared::Multiclass { y, classes, .. } => {
                assert_eq!(classes, vec!["setosa", "versicolor", "virginica"]);
                assert_eq!(y, vec![1, 2, 0]);
            }
            _ => panic!("expected multiclass"),
        }
    }

    #[test]
    fn label_without_score_column_is_an_error() {
        let mut t = Table::default();
        t.push("y", num(&[0.0, 1.0, 2.0, 3.0]));
        t.push("prob_0", num(&[0.5, 0.2, 0.2, 0.2]));
        t.push("prob_1", num(&[0.3, 0.6, 0.2, 0.2]));
        t.push("prob_2", num(&[0.2, 0.2, 0.6, 0.6]));
        let spec = PredictionSpec {
            label: "y".into(),
            scores: vec![
                ScoreColumn::new("prob_0"),
                ScoreColumn::new("prob_1"),
                ScoreColumn::new("prob_2"),
            ],
            ..PredictionSpec::default()
        };
        let e = prepare(&t, &spec).unwrap_err();
        assert_eq!(
            e.to_string(),
            "label value '3' (1 rows) has no matching score column; score columns map to classes '0', '1', '2'"
        );
    }
}
