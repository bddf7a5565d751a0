//! Errors the engine reports to a user.
//!
//! Every variant renders as one line that says what is wrong and, where there is
//! one, what to do about it. Nothing here should need a stack trace or a
//! debugger to understand. Line numbers are 1-based and count the header as
//! line 1, the way a text editor shows the file.
//!
//! Messages name settings in words ("the logits option"), never by a
//! front end's spelling: [`EngineError::hint`] says which setting would fix
//! the problem, as an [`OptionKey`], and each front end adds where that
//! setting is in its own terms (`--logits` in the CLI, a check box on the
//! page).

use crate::plan::OptionKey;
use thiserror::Error;

/// The engine's error type.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum EngineError {
    #[error("the file is empty")]
    EmptyFile,

    #[error("the file has a header ({columns} columns) but no data rows")]
    HeaderOnly { columns: usize },

    #[error(
        "line {line} has {found} fields but the header has {expected}; check the delimiter and quoting on that line"
    )]
    Ragged {
        line: u64,
        found: usize,
        expected: usize,
    },

    #[error("line {line} is not valid UTF-8 text; save the file as UTF-8 and try again")]
    InvalidUtf8 { line: u64 },

    #[error("could not read the CSV at line {line}: {message}")]
    Csv { line: u64, message: String },

    #[error("could not read the input: {0}")]
    Io(String),

    #[error("column {} not found; the file has columns: {}", quote_list(.missing), quote_list(.available))]
    MissingColumns {
        missing: Vec<String>,
        available: Vec<String>,
    },

    #[error("the header names column '{name}' twice (columns {first} and {second})")]
    DuplicateColumn {
        name: String,
        first: usize,
        second: usize,
    },

    #[error("line {line}, column '{column}': '{value}' is not a number")]
    NotNumeric {
        column: String,
        line: u64,
        value: String,
    },

    #[error(
        "column '{column}' has a missing value at line {line} ({count} missing in all); {role} values must all be present"
    )]
    MissingValue {
        column: String,
        line: u64,
        count: usize,
        role: &'static str,
    },

    #[error(
        "column '{column}' has a non-finite value '{value}' at line {line} ({count} in all); scores must be finite numbers"
    )]
    NonFinite {
        column: String,
        line: u64,
        value: String,
        count: usize,
    },

    #[error(
        "score column '{column}' has values outside [0, 1] (min {min}, max {max}; first at line {line}); binary scores must be probabilities of the positive class — if they are logits (raw model outputs), use the logits option to apply the sigmoid"
    )]
    ScoreOutOfRange {
        column: String,
        line: u64,
        min: f64,
        max: f64,
    },

    #[error(
        "probability column '{column}' has values outside [0, 1] (min {min}, max {max}; first at line {line}); multiclass scores must be probabilities — if they are logits, use the logits option to apply the softmax"
    )]
    ProbabilityOutOfRange {
        column: String,
        line: u64,
        min: f64,
        max: f64,
    },

    #[error("label value {} ({count} rows) has no matching score column; score columns map to classes {}", quote(.value), quote_list(.classes))]
    LabelWithoutScore {
        value: String,
        count: usize,
        classes: Vec<String>,
    },

    /// A setting that is wrong or does not fit the data.
    #[error("{message}")]
    Invalid { key: OptionKey, message: String },

    #[error("the label column '{column}' has {n} distinct values ({}) but a binary task needs at most 2; for multiclass give one probability column per class", quote_list(.values))]
    TooManyClasses {
        column: String,
        n: usize,
        values: Vec<String>,
    },

    #[error("cannot tell which label value is the positive class among {}; choose it", quote_list(.values))]
    AmbiguousPositive { values: Vec<String> },

    #[error("positive class {} is not a value of label column '{column}' (values: {})", quote(.positive), quote_list(.values))]
    PositiveNotFound {
        positive: String,
        column: String,
        values: Vec<String>,
    },

    #[error("no rows to evaluate")]
    NoRows,

    #[error("the input is larger than the limit of {limit} bytes")]
    TooLarge { limit: u64 },

    #[error("cancelled")]
    Cancelled,
}

impl EngineError {
    /// The setting that would fix the problem, if one would.
    pub fn hint(&self) -> Option<OptionKey> {
        use EngineError::*;
        match self {
            Invalid { key, .. } => Some(*key),
            ScoreOutOfRange { .. } | ProbabilityOutOfRange { .. } => Some(OptionKey::Logits),
            AmbiguousPositive { .. } | PositiveNotFound { .. } => Some(OptionKey::Positive),
            TooManyClasses { .. } | LabelWithoutScore { .. } => Some(OptionKey::Scores),
            Ragged { .. } => Some(OptionKey::Delimiter),
            _ => None,
        }
    }

    /// A setting that is wrong.
    pub fn invalid(key: OptionKey, message: impl Into<String>) -> EngineError {
        EngineError::Invalid {
            key,
            message: message.into(),
        }
    }
}

fn quote(s: &str) -> String {
    format!("'{s}'")
}

/// Render a list of names as `'a', 'b', 'c'`, eliding the middle of very long
/// lists so that one error stays one readable line.
pub(crate) fn quote_list(items: &[String]) -> String {
    const MAX: usize = 24;
    if items.len() <= MAX {
        items
            .iter()
            .map(|s| quote(s))
            .collect::<Vec<_>>()
            .join(", ")
    } else {
        let head: Vec<String> = items[..MAX - 2].iter().map(|s| quote(s)).collect();
        format!(
            "{}, … ({} more), {}",
            head.join(", "),
            items.len() - MAX + 1,
            quote(&items[items.len() - 1])
        )
    }
}

/// Result alias used across the engine.
pub type Result<T> = std::result::Result<T, EngineError>;
