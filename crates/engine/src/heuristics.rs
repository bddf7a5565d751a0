//! Guesses every front end makes the same way: which columns look like a
//! model's scores, which output of a model to evaluate, which columns are a
//! model's features.
//!
//! They live here once. The page asks for them through the wasm bindings
//! (it used to keep copies of its own, and the copies drifted); the model
//! stage and `inspect` call them directly.

use serde::{Deserialize, Serialize};

const SCORE_PREFIXES: &[&str] = &[
    "p_", "prob", "proba", "score", "pred", "y_pred", "yhat", "y_hat", "y_score", "logit",
];

/// Whether a column name looks like a model's scores rather than a feature
/// or a label: `p`, `p_*`, `prob*`, `score*`, `pred*`, `yhat`, `logit*`,
/// `*_prob`, `*_score`… (case-insensitive).
pub fn looks_like_score(name: &str) -> bool {
    let l = name.to_lowercase();
    l == "p"
        || SCORE_PREFIXES.iter().any(|p| l.starts_with(p))
        || l.ends_with("_prob")
        || l.ends_with("_score")
}

/// Output names that hold class probabilities (skl2onnx, common exports).
const PROBABILITY_OUTPUTS: &[&str] = &[
    "probabilities",
    "probability",
    "output_probability",
    "probs",
    "proba",
];

/// A model output as far as the choice goes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct OutputInfo {
    pub name: String,
    /// Whether it holds floating-point values.
    pub float: bool,
}

/// The output evaluated by default: a floating-point output named like
/// probabilities, else the first floating-point output.
pub fn default_output(outputs: &[OutputInfo]) -> Option<usize> {
    outputs
        .iter()
        .position(|o| o.float && PROBABILITY_OUTPUTS.contains(&o.name.to_lowercase().as_str()))
        .or_else(|| outputs.iter().position(|o| o.float))
}

/// A column as far as the choice of features goes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FeatureColumn {
    pub name: String,
    pub numeric: bool,
}

/// The default features of a model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FeatureGuess {
    /// The features, in file order (empty when no choice fits).
    pub features: Vec<String>,
    /// Numeric columns left out because they look like scores.
    pub left_out: Vec<String>,
    /// Numeric columns besides the label.
    pub numeric: Vec<String>,
    /// Whether the guess fits the model's input width (true when the width
    /// is unknown).
    pub fits: bool,
}

/// The numeric columns besides the label, in file order; when their count
/// is not the model's input width (`width`), the same without score-like
/// columns, if that fits. Otherwise no guess (the user picks them).
pub fn default_features(
    columns: &[FeatureColumn],
    label: &str,
    width: Option<usize>,
) -> FeatureGuess {
    let numeric: Vec<String> = columns
        .iter()
        .filter(|c| c.numeric && c.name != label)
        .map(|c| c.name.clone())
        .collect();
    let guess = |features: Vec<String>, left_out: Vec<String>, fits: bool| FeatureGuess {
        features,
        left_out,
        numeric: numeric.clone(),
        fits,
    };
    let Some(w) = width else {
        return guess(numeric.clone(), Vec::new(), true);
    };
    if numeric.len() == w {
        return guess(numeric.clone(), Vec::new(), true);
    }
    let (scores, rest): (Vec<String>, Vec<String>) =
        numeric.iter().cloned().partition(|n| looks_like_score(n));
    if rest.len() == w {
        return guess(rest, scores, true);
    }
    // Too many columns: no order can be guessed. Too few: all of them, for
    // the user to see what is missing.
    if numeric.len() > w {
        guess(Vec::new(), Vec::new(), false)
    } else {
        guess(numeric.clone(), Vec::new(), false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cols(v: &[(&str, bool)]) -> Vec<FeatureColumn> {
        v.iter()
            .map(|(n, k)| FeatureColumn {
                name: n.to_string(),
                numeric: *k,
            })
            .collect()
    }

    #[test]
    fn scores_are_recognised() {
        for n in [
            "p",
            "P_default",
            "probability",
            "score_1",
            "yhat",
            "logits",
            "y_pred",
            "churn_prob",
        ] {
            assert!(looks_like_score(n), "{n}");
        }
        for n in ["age", "income", "label", "pet", "region"] {
            assert!(!looks_like_score(n), "{n}");
        }
    }

    #[test]
    fn outputs_prefer_probabilities() {
        let o = |n: &str, f: bool| OutputInfo {
            name: n.into(),
            float: f,
        };
        assert_eq!(
            default_output(&[o("label", false), o("probabilities", true)]),
            Some(1)
        );
        assert_eq!(
            default_output(&[o("label", false), o("logits", true)]),
            Some(1)
        );
        assert_eq!(default_output(&[o("label", false)]), None);
    }

    #[test]
    fn features_leave_out_scores_when_that_fits() {
        let c = cols(&[
            ("age", true),
            ("region", false),
            ("income", true),
            ("y", true),
            ("p_y", true),
        ]);
        let g = default_features(&c, "y", Some(2));
        assert_eq!(g.features, vec!["age", "income"]);
        assert_eq!(g.left_out, vec!["p_y"]);
        assert!(g.fits);
        let g = default_features(&c, "y", Some(3));
        assert_eq!(g.features, vec!["age", "income", "p_y"]);
        let g = default_features(&c, "y", Some(1));
        assert!(!g.fits && g.features.is_empty());
        let g = default_features(&c, "y", Some(5));
        assert!(!g.fits && g.features.len() == 3);
        assert_eq!(default_features(&c, "y", None).features.len(), 3);
    }
}
