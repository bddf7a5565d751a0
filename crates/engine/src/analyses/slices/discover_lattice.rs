//! The lattice machinery of [`super`]: postings, the slices of a level,
//! and counting a level's extensions (see the parent module's
//! documentation for what is counted and why it is exact).

use super::{FoundSlice, Key, NONE, Scorer, Stats, code_of, column_of, found, key, predicate};
use crate::table::groups::{Groups, NO_GROUP};
use std::cmp::Ordering;

/// The columns as postings: the rows of each value, in row order.
pub(super) struct Data<'a> {
    pub(super) codes: Vec<&'a [u32]>,
    pub(super) errors: &'a [f64],
    /// Where each column's values start in the one-hot numbering.
    pub(super) offset: Vec<usize>,
    /// Rows of one-hot value `j`: `rows[start[j]..start[j + 1]]`.
    pub(super) start: Vec<usize>,
    pub(super) rows: Vec<u32>,
    /// Values of the column with the most.
    pub(super) max_card: usize,
}

impl<'a> Data<'a> {
    pub(super) fn new(columns: &[&'a Groups], errors: &'a [f64]) -> Data<'a> {
        let mut offset = vec![0];
        for g in columns {
            offset.push(offset[offset.len() - 1] + g.labels.len());
        }
        let width = offset[columns.len()];
        let present = |c: usize| {
            let o = offset[c];
            columns[c]
                .codes
                .iter()
                .enumerate()
                .filter(|p| *p.1 != NO_GROUP)
                .map(move |(r, &v)| (r, o + v as usize))
        };
        let mut start = vec![0usize; width + 1];
        for c in 0..columns.len() {
            present(c).for_each(|(_, j)| start[j + 1] += 1);
        }
        for j in 0..width {
            start[j + 1] += start[j];
        }
        let (mut fill, mut rows) = (start.clone(), vec![0u32; start[width]]);
        for c in 0..columns.len() {
            for (r, j) in present(c) {
                rows[fill[j]] = r as u32;
                fill[j] += 1;
            }
        }
        Data {
            codes: columns.iter().map(|g| g.codes.as_slice()).collect(),
            errors,
            max_card: columns.iter().map(|g| g.labels.len()).max().unwrap_or(0),
            offset,
            start,
            rows,
        }
    }

    pub(super) fn width(&self) -> usize {
        self.start.len() - 1
    }

    pub(super) fn key_at(&self, j: usize) -> Key {
        let c = self.offset.partition_point(|&o| o <= j) - 1;
        key(c, (j - self.offset[c]) as u32)
    }

    pub(super) fn posting_at(&self, j: usize) -> &[u32] {
        &self.rows[self.start[j]..self.start[j + 1]]
    }

    fn posting(&self, k: Key) -> &[u32] {
        self.posting_at(self.offset[column_of(k)] + code_of(k) as usize)
    }

    /// Rows matching every predicate of `keys`: the shortest posting,
    /// checked against the others.
    fn rows_where(&self, keys: &[Key], out: &mut Vec<u32>) {
        out.clear();
        if let Some(first) = keys.iter().copied().min_by_key(|&k| self.posting(k).len()) {
            let holds = |r: u32| {
                keys.iter()
                    .all(|&k| self.codes[column_of(k)][r as usize] == code_of(k))
            };
            out.extend(self.posting(first).iter().copied().filter(|&r| holds(r)));
        }
    }
}

/// The surviving slices of one level, in (column, code) lexical order.
pub(super) struct Level {
    pub(super) width: usize,
    pub(super) keys: Vec<Key>,
    pub(super) stats: Vec<Stats>,
}

impl Level {
    pub(super) fn new(width: usize) -> Level {
        Level {
            width,
            keys: Vec::new(),
            stats: Vec::new(),
        }
    }

    pub(super) fn len(&self) -> usize {
        self.stats.len()
    }

    pub(super) fn is_empty(&self) -> bool {
        self.stats.is_empty()
    }

    fn slice(&self, i: usize) -> &[Key] {
        &self.keys[i * self.width..(i + 1) * self.width]
    }

    /// Where a slice is: levels are sorted (each is built in order, parent
    /// by parent, and extensions in (column, code) order), so a binary
    /// search finds it.
    fn find(&self, keys: &[Key]) -> Option<usize> {
        let (mut lo, mut hi) = (0, self.len());
        while lo < hi {
            let mid = (lo + hi) / 2;
            match self.slice(mid).cmp(keys) {
                Ordering::Less => lo = mid + 1,
                Ordering::Greater => hi = mid,
                Ordering::Equal => return Some(mid),
            }
        }
        None
    }

    pub(super) fn retain(&mut self, keep: impl Fn(&Stats) -> bool) {
        let (w, mut kept) = (self.width, 0);
        for i in 0..self.len() {
            if keep(&self.stats[i]) {
                self.stats[kept] = self.stats[i];
                self.keys.copy_within(i * w..(i + 1) * w, kept * w);
                kept += 1;
            }
        }
        self.stats.truncate(kept);
        self.keys.truncate(kept * w);
    }
}

/// Parents `lo..hi` that share all predicates but the last, whose last
/// predicates are on one column (their rows come from one split of the
/// prefix's rows), and about how many row visits extending them costs.
#[derive(Debug, Clone, Copy)]
pub(super) struct Unit {
    pub(super) lo: usize,
    pub(super) hi: usize,
    pub(super) work: u64,
}

/// Parents per unit at most (a finer grain for threads).
const UNIT_PARENTS: usize = 256;
/// Row visits per chunk, about: the threshold is updated between chunks.
const CHUNK_WORK: u64 = 1 << 22;

pub(super) fn units_of(level: &Level, columns: usize) -> Vec<Unit> {
    let (w, mut lo, mut units) = (level.width, 0, Vec::new());
    for i in 1..=level.len() {
        let (a, b) = (level.slice(lo), level.slice(i.min(level.len() - 1)));
        let same = a[..w - 1] == b[..w - 1] && column_of(a[w - 1]) == column_of(b[w - 1]);
        if i == level.len() || i - lo >= UNIT_PARENTS || !same {
            let later = (columns - 1 - column_of(a[w - 1])) as u64;
            let rows: u64 = level.stats[lo..i].iter().map(|s| s.size as u64).sum();
            units.push(Unit {
                lo,
                hi: i,
                work: rows * later + 1,
            });
            lo = i;
        }
    }
    units
}

/// End of the chunk that starts at unit `begin` (cut by the data alone).
pub(super) fn chunk_end(units: &[Unit], begin: usize) -> usize {
    let (mut work, mut end) = (0, begin);
    while end < units.len() && work < CHUNK_WORK {
        work += units[end].work;
        end += 1;
    }
    end
}

/// Per-thread working memory, indexed by code: the statistics of the
/// candidates of one column being counted (`count` 0: not seen yet,
/// [`DEAD`]: dropped by the parent check), and each parent's place in its
/// unit (+ 1; 0: none). All start as zeros, so even a column of a million
/// values costs only the pages its codes touch.
pub(super) struct Scratch {
    count: Vec<u32>,
    sum: Vec<f64>,
    max: Vec<f64>,
    slot: Vec<u32>,
    touched: Vec<u32>,
    parent: Vec<Key>,
}

const DEAD: u32 = u32::MAX;

impl Scratch {
    pub(super) fn new(max_card: usize) -> Scratch {
        Scratch {
            count: vec![0; max_card],
            sum: vec![0.0; max_card],
            max: vec![0.0; max_card],
            slot: vec![0; max_card],
            touched: Vec::new(),
            parent: Vec::new(),
        }
    }
}

#[cfg(feature = "parallel")]
pub(super) fn map_units<T: Send>(
    units: &[Unit],
    max_card: usize,
    f: impl Fn(&mut Scratch, Unit) -> T + Sync + Send,
) -> Vec<T> {
    use rayon::prelude::*;
    units
        .par_iter()
        .map_init(|| Scratch::new(max_card), |s, u| f(s, *u))
        .collect()
}

#[cfg(not(feature = "parallel"))]
pub(super) fn map_units<T>(
    units: &[Unit],
    max_card: usize,
    f: impl Fn(&mut Scratch, Unit) -> T,
) -> Vec<T> {
    let mut s = Scratch::new(max_card);
    units.iter().map(|&u| f(&mut s, u)).collect()
}

/// What extending one unit produced.
#[derive(Default)]
pub(super) struct UnitOut {
    pub(super) found: Vec<FoundSlice>,
    pub(super) next_keys: Vec<Key>,
    pub(super) next_stats: Vec<Stats>,
    pub(super) evaluated: u64,
    pub(super) pruned: u64,
}

/// Everything a unit reads (shared by the threads of a chunk).
pub(super) struct Ctx<'a> {
    pub(super) data: &'a Data<'a>,
    pub(super) scorer: &'a Scorer,
    /// One-hot value → its index among the surviving single predicates.
    pub(super) basic: &'a [u32],
    pub(super) basic_stats: &'a [Stats],
    pub(super) parents: &'a Level,
    pub(super) threshold: f64,
    pub(super) full: bool,
    pub(super) last: bool,
    pub(super) min_sup: u32,
}

impl Ctx<'_> {
    pub(super) fn run(&self, s: &mut Scratch, Unit { lo, hi, .. }: Unit) -> UnitOut {
        let (mut out, w, parents) = (UnitOut::default(), self.parents.width, self.parents);
        if w == 1 {
            for p in lo..hi {
                self.extend(s, p, self.data.posting(parents.slice(p)[0]), &mut out);
            }
            return out;
        }
        // Rows of the shared prefix, split by the last column's code with a
        // counting sort (each parent's rows stay in row order).
        let first = parents.slice(lo);
        let codes = self.data.codes[column_of(first[w - 1])];
        let mut prefix_rows = Vec::new();
        let prefix: &[u32] = if w == 2 {
            self.data.posting(first[0])
        } else {
            self.data.rows_where(&first[..w - 1], &mut prefix_rows);
            &prefix_rows
        };
        let last_code = |p: usize| code_of(parents.slice(p)[w - 1]) as usize;
        (lo..hi).for_each(|p| s.slot[last_code(p)] = (p - lo + 1) as u32);
        // Parent of a row, by position in the unit; `hi - lo`: none.
        let slot_of = |s: &Scratch, r: u32| match codes[r as usize] {
            NO_GROUP => hi - lo,
            v => (s.slot[v as usize] as usize).wrapping_sub(1).min(hi - lo),
        };
        let mut ends = vec![0; hi - lo + 1];
        for &r in prefix {
            ends[slot_of(s, r)] += 1;
        }
        for i in 1..=hi - lo {
            ends[i] += ends[i - 1];
        }
        let mut bucket = vec![0; ends[hi - lo]];
        // Rows visited backwards fill each parent's range from its end.
        let mut fill = ends.clone();
        for &r in prefix.iter().rev() {
            let i = slot_of(s, r);
            fill[i] -= 1;
            bucket[fill[i]] = r;
        }
        (lo..hi).for_each(|p| s.slot[last_code(p)] = 0);
        for p in lo..hi {
            let i = p - lo;
            self.extend(s, p, &bucket[fill[i]..ends[i]], &mut out);
        }
        out
    }

    /// Count the extensions of parent `p` (whose rows are `rows`) by each
    /// value of each later column, and keep what the rules let through.
    fn extend(&self, s: &mut Scratch, p: usize, rows: &[u32], out: &mut UnitOut) {
        let (parent, pstats) = (self.parents.slice(p), self.parents.stats[p]);
        for c in column_of(parent[parent.len() - 1]) + 1..self.data.codes.len() {
            let codes = self.data.codes[c];
            for &r in rows {
                let v = codes[r as usize];
                if v == NO_GROUP {
                    continue;
                }
                let (vi, e) = (v as usize, self.data.errors[r as usize]);
                if s.count[vi] == 0 {
                    s.touched.push(v);
                    if !self.viable(&mut s.parent, parent, pstats, c, v) {
                        s.count[vi] = DEAD;
                        continue;
                    }
                }
                if s.count[vi] != DEAD {
                    // As `Stats::add`: the same operations, in row order.
                    s.count[vi] += 1;
                    s.sum[vi] += e;
                    s.max[vi] = s.max[vi].max(e);
                }
            }
            s.touched.sort_unstable();
            for &v in &s.touched {
                let vi = v as usize;
                let (size, sum, max) = (s.count[vi], s.sum[vi], s.max[vi]);
                (s.count[vi], s.sum[vi], s.max[vi]) = (0, 0.0, 0.0);
                if size == DEAD {
                    out.pruned += 1;
                } else {
                    self.emit(parent, key(c, v), Stats { size, sum, max }, out);
                }
            }
            s.touched.clear();
        }
    }

    /// Whether candidate `parent ∧ (c = v)` is worth counting: its new
    /// predicate survived level 1, all its parents survived the last level,
    /// and the bound from their statistics reaches the threshold.
    fn viable(&self, buf: &mut Vec<Key>, parent: &[Key], pstats: Stats, c: usize, v: u32) -> bool {
        let b = self.basic[self.data.offset[c] + v as usize];
        if b == NONE {
            return false;
        }
        let mut bound = pstats.min(self.basic_stats[b as usize]);
        if parent.len() >= 2 {
            for skip in 0..parent.len() {
                buf.clear();
                buf.extend_from_slice(&parent[..skip]);
                buf.extend_from_slice(&parent[skip + 1..]);
                buf.push(key(c, v));
                match self.parents.find(buf) {
                    Some(i) => bound = bound.min(self.parents.stats[i]),
                    None => return false,
                }
            }
        }
        !self.scorer.hopeless(&bound, self.threshold)
    }

    fn emit(&self, parent: &[Key], q: Key, stats: Stats, out: &mut UnitOut) {
        out.evaluated += 1;
        if stats.size < self.min_sup {
            return;
        }
        let score = self.scorer.score(&stats);
        if score > 0.0 && (!self.full || score >= self.threshold) {
            let mut f = found(parent, stats, score);
            f.predicates.push(predicate(q));
            out.found.push(f);
        }
        if !self.last && stats.sum > 0.0 {
            out.next_keys.extend_from_slice(parent);
            out.next_keys.push(q);
            out.next_stats.push(stats);
        }
    }
}
