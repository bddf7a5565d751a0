//! One number formatter for every renderer: four decimals for ordinary
//! magnitudes, scientific notation for very small or very large ones, and
//! the same notation for a value and its interval so they read together.

use assay_engine::metrics::MetricResult;

fn ordinary(v: f64) -> bool {
    v == 0.0 || (v.abs() >= 1e-3 && v.abs() < 1e6)
}

/// A number as reports show it (`0.8123`, `3.142e-5`).
pub fn num(v: f64) -> String {
    if ordinary(v) {
        format!("{v:.4}")
    } else {
        format!("{v:.3e}")
    }
}

/// Numbers shown together (a value and its interval), in one notation.
pub fn nums(vs: &[f64]) -> Vec<String> {
    let fixed = vs.iter().all(|v| ordinary(*v));
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

/// A signed change (`+0.0123`).
pub fn signed(v: f64) -> String {
    if ordinary(v) {
        format!("{v:+.4}")
    } else {
        format!("{v:+.3e}")
    }
}

/// The value of a metric (`undefined` without one).
pub fn value(m: &MetricResult) -> String {
    m.value.map_or_else(|| "undefined".into(), num)
}

/// `[lower, upper]` of a metric's interval, if it has one.
pub fn interval(m: &MetricResult) -> Option<String> {
    let c = m.ci.as_ref()?;
    let t = nums(&[c.lower, c.upper]);
    Some(format!("[{}, {}]", t[0], t[1]))
}

/// `value [lower, upper]`, or `undefined (why)`.
pub fn with_interval(m: &MetricResult) -> String {
    match (&m.value, &m.ci) {
        (Some(v), Some(c)) => {
            let t = nums(&[*v, c.lower, c.upper]);
            format!("{} [{}, {}]", t[0], t[1], t[2])
        }
        (Some(v), None) => num(*v),
        (None, _) => format!("undefined ({})", m.undefined.as_deref().unwrap_or("")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notation_follows_magnitude() {
        assert_eq!(num(0.81234), "0.8123");
        assert_eq!(num(0.0), "0.0000");
        assert_eq!(num(3.14159e-5), "3.142e-5");
        assert_eq!(nums(&[0.5, 1e-4]), vec!["5.000e-1", "1.000e-4"]);
        assert_eq!(signed(-0.01), "-0.0100");
    }
}
