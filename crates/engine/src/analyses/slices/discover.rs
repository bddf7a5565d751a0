//! Weak-slice discovery: the conjunctions of `column = value` predicates on
//! which a model's errors concentrate, found exactly with SliceLine
//! (Sagadeeva & Boehm, *SliceLine: Fast, Linear-Algebra-based Slice Finding
//! for ML Model Debugging*, SIGMOD 2021).
//!
//! # What is searched
//!
//! A *slice* is a set of predicates `column = value`, at most one per
//! column and at most [`DiscoverOptions::max_level`] of them; its rows are
//! the rows that satisfy all of them. Every code of a [`Groups`] is a
//! value, the `(missing)` group included; a row whose code is [`NO_GROUP`]
//! matches no predicate of that column. A slice takes part only if it has
//! at least `min_support` rows, and is reported only if its score is above
//! zero (a slice no worse than the whole data is not a weak slice).
//!
//! # The score
//!
//! With `n` rows, mean error `ē`, and a slice `S` of `|S|` rows whose
//! errors sum to `se`,
//!
//! ```text
//! sc(S) = α · ((se / |S|) / ē − 1) − (1 − α) · (n / |S| − 1)
//! ```
//!
//! The first term rewards a mean error above the overall one, the second
//! penalises small slices; `α` ∈ (0, 1] weighs the two. The formula and the
//! order of its operations are those of the `sliceline` package (0.3.0), so
//! scores agree with it to the last bit wherever the sums do.
//!
//! # How it is searched, and why it is exact
//!
//! The lattice of slices is walked level by level, as in the paper: the
//! slices of level `l` extend those of level `l − 1` by one predicate.
//! Three rules cut it, each because no slice it removes could be reported:
//!
//! * **support and error**: a slice with fewer than `min_support` rows, or
//!   no error at all, is not extended (its sub-slices are smaller and have
//!   no more error);
//! * **missing parents**: a slice of level `l` has `l` parents (drop any one
//!   predicate); it is built only if all of them survived level `l − 1`;
//! * **score bound**: from a size, an error sum and a largest error, the
//!   paper's upper bound on the score of any slice below them with at least
//!   `min_support` rows (as a function of the size, the score with the most
//!   error that size allows is monotone between `min_support`,
//!   `se / max error` and the size, so its maximum is at one of the three).
//!   A counted slice whose own bound is below the top-k *threshold* is not
//!   extended; a candidate whose bound from its parents (their smallest
//!   size, error sum and largest error) is below it is not even counted.
//!
//! The threshold is the k-th best score found so far once `k` slices above
//! zero are known, and zero before; it only grows, so a decision taken
//! against it stays right. The bound uses the number of rows `n`, as the
//! derivation does. (`sliceline` uses the number of one-hot columns there,
//! and compares with its lowest top-k score even while it holds fewer than
//! `k` slices; either can, rarely, prune a slice that belongs in the result
//! — the reference case `divergent`, 19 rows and 32 one-hot columns, is one.
//! Here neither can.) A bound within a tiny tolerance of the threshold
//! never prunes, so rounding cannot drop a tie. The result is the top-k of
//! *all* slices, as a brute-force enumeration gives it (the tests check
//! this), and equals `sliceline`'s wherever that package's pruning is
//! itself exact (the reference tests check that).
//!
//! # How it counts
//!
//! Instead of multiplying a one-hot matrix by a candidate matrix, the
//! search keeps the rows of each value (postings) and counts a slice's
//! extensions from its own rows: for each row, the codes of the columns
//! after the slice's last column. Only extensions that occur in the data
//! are looked at, so two 1,000-value columns cost their co-occurring pairs,
//! not a million candidates. The rows of the slices that share a prefix
//! (all predicates but the last) come from one split of the prefix's rows
//! by the last column. Error sums are added in row order on every path, so
//! a slice has the same score, to the bit, however and wherever reached.
//!
//! # Bounds
//!
//! * levels: at most `min(max_level, number of columns)`;
//! * memory: the postings (one `u32` per row and column), one level's
//!   surviving slices (predicates and three statistics each; sorted, so
//!   the parent check is a binary search), per-thread counters of one
//!   column's values, and the top-k — nothing proportional to the possible
//!   slices;
//! * time: per level, the surviving slices' rows times the later columns.
//!
//! # Order and ties
//!
//! Slices are ordered by score, highest first, and every slice tied with
//! the k-th score is kept (as `sliceline` keeps them), so more than `k` may
//! come back. Ties are ordered as `sliceline` orders them (a lexical sort of
//! their one-hot rows, 0 before 1): compare the predicates in (column,
//! code) order, position by position; at the first difference the slice
//! with the *later* predicate comes first, and a slice comes before its
//! extensions. With the `parallel` feature one level's slices are extended
//! on all cores, in chunks cut by the data alone; the threshold moves only
//! between chunks. Results, and the counts of evaluated and pruned
//! candidates, therefore never depend on thread scheduling.

use crate::error::{EngineError, Result};
use crate::plan::OptionKey;
use crate::progress::{Cancel, Progress, Stage};
use crate::table::groups::{Groups, NO_GROUP};
use lattice::{Ctx, Data, Level, chunk_end, map_units, units_of};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;

/// Settings of weak-slice discovery.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct DiscoverOptions {
    /// How many slices to report (more when scores tie with the last one).
    pub top_k: usize,
    /// Most predicates in a slice (lattice levels searched).
    pub max_level: usize,
    /// Fewest rows a slice must have; 0 chooses `max(10, rows / 100)`.
    pub min_support: usize,
    /// Weight of the error term against the size term, in (0, 1].
    pub alpha: f64,
}

impl Default for DiscoverOptions {
    fn default() -> Self {
        DiscoverOptions {
            top_k: 5,
            max_level: 3,
            min_support: 0,
            alpha: 0.95,
        }
    }
}

impl DiscoverOptions {
    /// The minimum support used on `rows` rows.
    pub fn min_support_for(&self, rows: usize) -> usize {
        match self.min_support {
            0 => (rows / 100).max(10),
            m => m,
        }
    }
}

/// One predicate: the rows whose code in `column` (a position in the
/// columns given to [`discover`]) is `code`. Ordered by column, then code.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
pub struct Predicate {
    pub column: usize,
    pub code: u32,
}

/// A weak slice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FoundSlice {
    /// Its predicates, in column order.
    pub predicates: Vec<Predicate>,
    /// Its score (see the module documentation).
    pub score: f64,
    /// Rows in the slice.
    pub rows: u64,
    /// Sum of the slice's errors.
    pub error_sum: f64,
    /// Mean error in the slice (`error_sum / rows`).
    pub mean_error: f64,
    /// Largest error in the slice.
    pub max_error: f64,
}

/// What a search found, and how much it looked at.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Discovery {
    /// The top slices, best first (empty when no slice scores above zero).
    pub slices: Vec<FoundSlice>,
    /// Rows searched.
    pub rows: u64,
    /// Mean error over all rows.
    pub mean_error: f64,
    /// Lattice levels whose candidates were counted (1: single predicates).
    pub levels_searched: usize,
    /// Slices whose rows were counted (size, error sum, largest error).
    pub candidates_evaluated: u64,
    /// Slices the rules removed: candidates dropped before counting (a
    /// parent missing, or the parents' bound below the threshold), and
    /// counted slices not extended (too small, no error, or their own bound
    /// below the threshold). The last level's slices are never extended and
    /// not counted here.
    pub pruned: u64,
}

/// Find the top weak slices over `columns` given each row's error.
///
/// `errors[i]` ≥ 0 is the error of row `i` (0/1 for a misclassification,
/// or a loss); every column has one code per row. Progress is reported per
/// lattice level (`done`/`total` in levels).
pub fn discover(
    columns: &[&Groups],
    errors: &[f64],
    opts: &DiscoverOptions,
    cancel: &Cancel,
    progress: &mut dyn FnMut(Progress),
) -> Result<Discovery> {
    validate(columns, errors, opts)?;
    let n = errors.len();
    let min_sup = opts.min_support_for(n).min(u32::MAX as usize) as u32;
    let levels = opts.max_level.min(columns.len()) as u64;
    let report =
        |p: &mut dyn FnMut(Progress), done| p(Progress::new(Stage::SliceDiscovery, done, levels));
    report(progress, 0);
    let data = Data::new(columns, errors);
    cancel.check()?;
    let mean = errors.iter().sum::<f64>() / n as f64;
    let max_error = errors.iter().copied().fold(0.0, f64::max);
    let (alpha, rows) = (opts.alpha, n as f64);
    let scorer = Scorer {
        n: rows,
        alpha,
        mean,
        min_sup: min_sup as f64,
        // Far above the rounding of the score's terms, far below any gap
        // that matters: a bound this close to the threshold never prunes.
        tol: 1e-9 * (1.0 + alpha * max_error / mean + (1.0 - alpha) * rows / min_sup as f64),
    };
    let mut top = TopK {
        k: opts.top_k,
        entries: Vec::new(),
    };
    let mut out = Discovery {
        slices: Vec::new(),
        rows: n as u64,
        mean_error: mean,
        levels_searched: 1,
        candidates_evaluated: 0,
        pruned: 0,
    };

    // Level 1: every value of every column, straight from its postings.
    let counted: Vec<(usize, Stats)> = (0..data.width())
        .filter_map(|j| {
            let rows = data.posting_at(j);
            (!rows.is_empty()).then(|| (j, Stats::of(rows.iter().map(|&r| errors[r as usize]))))
        })
        .collect();
    out.candidates_evaluated = counted.len() as u64;
    if mean == 0.0 {
        // No error anywhere: every score is undefined, no slice is weak.
        report(progress, levels);
        return Ok(out);
    }
    top.merge(
        counted
            .iter()
            .filter(|(_, s)| s.size >= min_sup && scorer.score(s) > 0.0)
            .map(|&(j, s)| found(&[data.key_at(j)], s, scorer.score(&s)))
            .collect(),
    );
    // The surviving single predicates, and each value's place among them
    // (the parent check of level 2, and a quick test at every level).
    let mut level = Level::new(1);
    let mut basic = vec![NONE; data.width()];
    if levels > 1 {
        let tau = top.threshold();
        for &(j, stats) in counted.iter().filter(|(_, s)| !scorer.hopeless(s, tau)) {
            basic[j] = level.len() as u32;
            level.keys.push(data.key_at(j));
            level.stats.push(stats);
        }
        out.pruned += (counted.len() - level.len()) as u64;
    }
    let basic_stats = level.stats.clone();
    report(progress, 1);

    for l in 2..=levels as usize {
        if level.is_empty() {
            break;
        }
        cancel.check()?;
        let last = l as u64 == levels;
        let units = units_of(&level, columns.len());
        let mut next = Level::new(l);
        let (mut evaluated, mut begin) = (0, 0);
        while begin < units.len() {
            cancel.check()?;
            let end = chunk_end(&units, begin);
            let ctx = Ctx {
                data: &data,
                scorer: &scorer,
                basic: &basic,
                basic_stats: &basic_stats,
                parents: &level,
                threshold: top.threshold(),
                full: top.is_full(),
                last,
                min_sup,
            };
            let outs = map_units(&units[begin..end], data.max_card, |s, u| ctx.run(s, u));
            let mut batch = Vec::new();
            for o in outs {
                batch.extend(o.found);
                next.keys.extend(o.next_keys);
                next.stats.extend(o.next_stats);
                evaluated += o.evaluated;
                out.pruned += o.pruned;
            }
            top.merge(batch);
            begin = end;
        }
        out.candidates_evaluated += evaluated;
        if !last {
            // Sub-slices of a counted slice are bounded by its own
            // statistics, against the threshold as it now stands.
            let tau = top.threshold();
            next.retain(|s| !scorer.hopeless(s, tau));
            out.pruned += evaluated - next.len() as u64;
        }
        out.levels_searched = l;
        report(progress, l as u64);
        level = next;
    }
    cancel.check()?;
    if (out.levels_searched as u64) < levels {
        report(progress, levels); // nothing left to extend
    }
    out.slices = top.entries;
    Ok(out)
}

fn validate(columns: &[&Groups], errors: &[f64], opts: &DiscoverOptions) -> Result<()> {
    let bad = |key, message: String| Err(EngineError::invalid(key, message));
    let what = "slice discovery";
    if !(opts.alpha > 0.0 && opts.alpha <= 1.0) {
        let a = opts.alpha;
        let msg = format!(
            "alpha of {what} is {a}; choose a weight in (0, 1] (0.95 favours error over size)"
        );
        return bad(OptionKey::DiscoverAlpha, msg);
    }
    if opts.top_k == 0 {
        return bad(
            OptionKey::DiscoverTopK,
            format!("top_k of {what} is 0; ask for one slice or more"),
        );
    }
    if opts.max_level == 0 {
        let msg = format!("max_level of {what} is 0; a slice has at least one predicate");
        return bad(OptionKey::DiscoverMaxLevel, msg);
    }
    let (n, key) = (errors.len(), OptionKey::DiscoverColumns);
    if columns.is_empty() {
        return bad(key, format!("{what} needs at least one column to slice by"));
    }
    if n == 0 {
        return Err(EngineError::NoRows);
    }
    if n > u32::MAX as usize {
        return bad(
            key,
            format!("{what} handles at most {} rows, not {n}", u32::MAX),
        );
    }
    for g in columns {
        let (name, rows, groups) = (&g.name, g.codes.len(), g.labels.len());
        if rows != n {
            return bad(
                key,
                format!("column '{name}' has {rows} rows but there are {n} errors"),
            );
        }
        let outside = |c: &u32| *c != NO_GROUP && *c as usize >= groups;
        if let Some(i) = g.codes.iter().position(outside) {
            let (row, code) = (i + 1, g.codes[i]);
            let msg = format!(
                "column '{name}': row {row} has group {code}, but there are only {groups} groups"
            );
            return bad(key, msg);
        }
    }
    let wrong = |e: &f64| !(e.is_finite() && *e >= 0.0);
    if let Some(i) = errors.iter().position(wrong) {
        let (row, e, count) = (i + 1, errors[i], errors.iter().filter(|e| wrong(e)).count());
        let msg = format!(
            "row {row} has error {e} ({count} rows in all); errors must be finite and not negative"
        );
        return bad(OptionKey::DiscoverError, msg);
    }
    Ok(())
}

const NONE: u32 = u32::MAX;

/// A predicate packed as `column << 32 | code`: integer order is (column,
/// code) order, the one-hot column order of `sliceline`.
type Key = u64;

fn key(column: usize, code: u32) -> Key {
    ((column as u64) << 32) | code as u64
}

fn column_of(k: Key) -> usize {
    (k >> 32) as usize
}

fn code_of(k: Key) -> u32 {
    k as u32
}

/// Size, error sum and largest error of a slice — or, as a bound, at least
/// those of every slice below it.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Stats {
    size: u32,
    sum: f64,
    max: f64,
}

impl Stats {
    const EMPTY: Stats = Stats {
        size: 0,
        sum: 0.0,
        max: 0.0,
    };

    /// Errors added in the order given (row order, everywhere).
    fn of(errors: impl Iterator<Item = f64>) -> Stats {
        let mut s = Stats::EMPTY;
        errors.for_each(|e| s.add(e));
        s
    }

    fn add(&mut self, e: f64) {
        self.size += 1;
        self.sum += e;
        self.max = self.max.max(e);
    }

    fn min(self, o: Stats) -> Stats {
        Stats {
            size: self.size.min(o.size),
            sum: self.sum.min(o.sum),
            max: self.max.min(o.max),
        }
    }
}

/// The score and its upper bound.
struct Scorer {
    n: f64,
    alpha: f64,
    mean: f64,
    min_sup: f64,
    tol: f64,
}

impl Scorer {
    /// `sliceline`'s score, with its operations in its order.
    fn score(&self, s: &Stats) -> f64 {
        let size = s.size as f64;
        self.alpha * ((s.sum / size) / self.mean - 1.0) - (1.0 - self.alpha) * (self.n / size - 1.0)
    }

    /// The highest score of a slice with at least `min_sup` rows, at most
    /// `s.size` rows, an error sum at most `s.sum` and errors at most
    /// `s.max`. At size `x` the error sum is at most `min(x · max, sum)`:
    /// the score rises up to `x = sum / max` and is monotone after it, so
    /// its maximum over `[min_sup, size]` is at `min_sup`, at that knee or
    /// at `size` (paper, section 3.3; `sliceline`'s `_score_ub` with `n`).
    fn bound(&self, s: &Stats) -> f64 {
        let (a, e) = (self.alpha, self.mean);
        let at = |x: f64| (a * ((x * s.max).min(s.sum) / e - x) - (1.0 - a) * (self.n - x)) / x;
        let knee = (s.sum / s.max).max(self.min_sup);
        at(self.min_sup).max(at(knee)).max(at(s.size as f64))
    }

    /// Whether no slice below one with these statistics can reach the
    /// threshold: too few rows, no error, or a bound below it.
    fn hopeless(&self, s: &Stats, threshold: f64) -> bool {
        (s.size as f64) < self.min_sup || s.sum <= 0.0 || self.bound(s) < threshold - self.tol
    }
}

fn predicate(k: Key) -> Predicate {
    Predicate {
        column: column_of(k),
        code: code_of(k),
    }
}

fn found(keys: &[Key], s: Stats, score: f64) -> FoundSlice {
    FoundSlice {
        predicates: keys.iter().map(|&k| predicate(k)).collect(),
        score,
        rows: s.size as u64,
        error_sum: s.sum,
        mean_error: s.sum / s.size as f64,
        max_error: s.max,
    }
}

/// Equal scores in `sliceline`'s order: at the first predicate that
/// differs, the later one first; a prefix before its extensions.
fn tie_order(a: &[Predicate], b: &[Predicate]) -> Ordering {
    let first_difference = a.iter().zip(b).find(|(x, y)| x != y);
    match first_difference {
        Some((x, y)) => y.cmp(x),
        None => a.len().cmp(&b.len()),
    }
}

/// The best slices so far: every slice with fewer than `k` strictly better.
struct TopK {
    k: usize,
    entries: Vec<FoundSlice>,
}

impl TopK {
    fn is_full(&self) -> bool {
        self.entries.len() >= self.k
    }

    /// The score a slice must reach to matter: the k-th best once there are
    /// `k`, zero before (only slices above zero are kept).
    fn threshold(&self) -> f64 {
        match self.entries.last() {
            Some(f) if self.is_full() => f.score,
            _ => 0.0,
        }
    }

    fn merge(&mut self, batch: Vec<FoundSlice>) {
        if batch.is_empty() {
            return;
        }
        self.entries.extend(batch);
        let order = |a: &FoundSlice, b: &FoundSlice| {
            b.score
                .total_cmp(&a.score)
                .then_with(|| tie_order(&a.predicates, &b.predicates))
        };
        self.entries.sort_by(order);
        if self.entries.len() > self.k {
            let kth = self.entries[self.k - 1].score;
            let keep = self.entries.partition_point(|f| f.score >= kth);
            self.entries.truncate(keep);
        }
    }
}

#[path = "discover_lattice.rs"]
mod lattice;
#[cfg(test)]
#[path = "discover_tests.rs"]
mod tests;
