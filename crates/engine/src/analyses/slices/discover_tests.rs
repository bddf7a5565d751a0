//! Tests of weak-slice discovery: against a brute-force enumeration of all
//! slices, on planted weak slices, and on the edge cases.

use super::*;
use std::collections::HashMap;

/// A column whose labels are `0..card`.
fn column(name: &str, card: usize, codes: Vec<u32>) -> Groups {
    Groups {
        name: name.to_owned(),
        labels: (0..card).map(|v| v.to_string()).collect(),
        codes,
    }
}

/// SplitMix64: a small deterministic generator for test data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn run(columns: &[Groups], errors: &[f64], opts: &DiscoverOptions) -> Discovery {
    let refs: Vec<&Groups> = columns.iter().collect();
    discover(&refs, errors, opts, &Cancel::new(), &mut |_| {}).unwrap()
}

/// Every slice of at most `max_level` predicates that has rows, counted row
/// by row; the top-k by the module's definition, independently written.
fn brute_force(columns: &[Groups], errors: &[f64], opts: &DiscoverOptions) -> Vec<FoundSlice> {
    let n = errors.len();
    let m = columns.len();
    let min_sup = opts.min_support_for(n) as u64;
    let mean = errors.iter().sum::<f64>() / n as f64;
    if mean == 0.0 {
        return Vec::new();
    }
    let mut all: HashMap<Vec<Predicate>, (u64, f64, f64)> = HashMap::new();
    for (r, &error) in errors.iter().enumerate() {
        for mask in 1u32..(1 << m) {
            if mask.count_ones() as usize > opts.max_level {
                continue;
            }
            let preds: Option<Vec<Predicate>> = (0..m)
                .filter(|c| mask & (1 << c) != 0)
                .map(|c| {
                    let code = columns[c].codes[r];
                    (code != NO_GROUP).then_some(Predicate { column: c, code })
                })
                .collect();
            if let Some(p) = preds {
                let e = all.entry(p).or_insert((0, 0.0, 0.0));
                e.0 += 1;
                e.1 += error;
                e.2 = e.2.max(error);
            }
        }
    }
    let a = opts.alpha;
    let mut scored: Vec<FoundSlice> = all
        .into_iter()
        .filter(|(_, s)| s.0 >= min_sup)
        .map(|(predicates, (size, sum, max))| FoundSlice {
            predicates,
            score: a * ((sum / size as f64) / mean - 1.0)
                - (1.0 - a) * (n as f64 / size as f64 - 1.0),
            rows: size,
            error_sum: sum,
            mean_error: sum / size as f64,
            max_error: max,
        })
        .filter(|s| s.score > 0.0)
        .collect();
    // One-hot bit vectors compared lexically, 0 before 1 (numpy's lexsort
    // in sliceline), built literally here.
    let offsets: Vec<usize> = columns
        .iter()
        .scan(0, |o, g| {
            let here = *o;
            *o += g.labels.len();
            Some(here)
        })
        .collect();
    let width: usize = columns.iter().map(|g| g.labels.len()).sum();
    let bits = |s: &FoundSlice| {
        let mut b = vec![0u8; width];
        for p in &s.predicates {
            b[offsets[p.column] + p.code as usize] = 1;
        }
        b
    };
    scored.sort_by(|x, y| {
        y.score
            .total_cmp(&x.score)
            .then_with(|| bits(x).cmp(&bits(y)))
    });
    // Kept: fewer than k strictly better (scipy's rankdata "min" ≤ k).
    let scores: Vec<f64> = scored.iter().map(|s| s.score).collect();
    scored
        .into_iter()
        .filter(|s| scores.iter().filter(|&&o| o > s.score).count() < opts.top_k)
        .collect()
}

fn random_case(rng: &mut Rng) -> (Vec<Groups>, Vec<f64>, DiscoverOptions) {
    let n = 20 + rng.below(300) as usize;
    let m = 1 + rng.below(5) as usize;
    let mut columns: Vec<Groups> = Vec::new();
    for c in 0..m {
        if c > 0 && rng.below(6) == 0 {
            // A copy of another column (with its values renamed): implied
            // values, so slices with the same rows and tied scores.
            let src = &columns[rng.below(c as u64) as usize];
            let card = src.labels.len();
            let codes = src
                .codes
                .iter()
                .map(|&v| {
                    if v == NO_GROUP {
                        v
                    } else {
                        card as u32 - 1 - v
                    }
                })
                .collect();
            columns.push(column(&format!("c{c}"), card, codes));
            continue;
        }
        let card = 1 + rng.below(5) as usize;
        let holes = rng.below(4) == 0;
        let codes = (0..n)
            .map(|_| {
                if holes && rng.below(10) == 0 {
                    NO_GROUP
                } else {
                    rng.below(card as u64) as u32
                }
            })
            .collect();
        columns.push(column(&format!("c{c}"), card, codes));
    }
    let kind = rng.below(3);
    let errors = (0..n)
        .map(|r| {
            let weak = columns[0].codes[r] == 0 && columns[m - 1].codes[r] != 1;
            let p = if weak { 0.6 } else { 0.15 };
            match kind {
                0 => (rng.unit() < p) as u8 as f64,
                1 => (rng.unit() * p * 100.0).round() / 100.0,
                _ => rng.unit() * p,
            }
        })
        .collect();
    let opts = DiscoverOptions {
        top_k: 1 + rng.below(8) as usize,
        max_level: 1 + rng.below(4) as usize,
        min_support: 1 + rng.below(12) as usize,
        alpha: [0.5, 0.8, 0.9, 0.95, 0.99, 1.0][rng.below(6) as usize],
    };
    (columns, errors, opts)
}

#[test]
fn top_k_equals_brute_force() {
    let mut rng = Rng(7);
    let (mut nonempty, mut ties, mut pruned) = (0, 0, 0);
    for case in 0..400 {
        let (columns, errors, opts) = random_case(&mut rng);
        let got = run(&columns, &errors, &opts);
        let want = brute_force(&columns, &errors, &opts);
        assert_eq!(got.slices.len(), want.len(), "case {case}: {opts:?}");
        for (g, w) in got.slices.iter().zip(&want) {
            assert_eq!(g.predicates, w.predicates, "case {case}: {opts:?}");
            // Same rows, summed in the same order: the same bits.
            assert_eq!(g.score.to_bits(), w.score.to_bits(), "case {case}");
            assert_eq!(
                (g.rows, g.error_sum, g.max_error),
                (w.rows, w.error_sum, w.max_error)
            );
            assert_eq!(g.mean_error, w.mean_error);
        }
        nonempty += !want.is_empty() as u32;
        ties += want.windows(2).any(|p| p[0].score == p[1].score) as u32;
        pruned += (got.pruned > 0) as u32;
    }
    // The cases exercise what they should.
    assert!(nonempty > 250, "{nonempty}");
    assert!(ties > 20, "{ties}");
    assert!(pruned > 100, "{pruned}");
}

#[test]
fn planted_slices_rank_on_top() {
    let n = 20_000;
    let cards = [3usize, 5, 5, 3, 3, 8, 4, 10];
    let mut rng = Rng(11);
    let columns: Vec<Groups> = cards
        .iter()
        .enumerate()
        .map(|(c, &card)| {
            let codes = (0..n).map(|_| rng.below(card as u64) as u32).collect();
            column(&format!("f{c}"), card, codes)
        })
        .collect();
    let code = |c: usize, r: usize| columns[c].codes[r];
    // Errors at 10% overall, 35% where f2 = 1 (a fifth of the rows), 60%
    // where f4 = 0 and f6 = 2 (a twelfth), the higher where both hold.
    let errors: Vec<f64> = (0..n)
        .map(|r| {
            let mut p: f64 = 0.10;
            if code(2, r) == 1 {
                p = p.max(0.35);
            }
            if code(4, r) == 0 && code(6, r) == 2 {
                p = p.max(0.60);
            }
            (rng.unit() < p) as u8 as f64
        })
        .collect();
    let single = vec![Predicate { column: 2, code: 1 }];
    let cross = vec![
        Predicate { column: 4, code: 0 },
        Predicate { column: 6, code: 2 },
    ];
    for max_level in [2, 3] {
        let opts = DiscoverOptions {
            max_level,
            ..DiscoverOptions::default()
        };
        let d = run(&columns, &errors, &opts);
        let top3: Vec<&Vec<Predicate>> = d.slices.iter().take(3).map(|s| &s.predicates).collect();
        assert!(top3.contains(&&single), "{:#?}", d.slices);
        assert!(top3.contains(&&cross), "{:#?}", d.slices);
        assert_eq!(d.rows, n as u64);
        assert_eq!(d.levels_searched, max_level);
        if max_level == 3 {
            // Level-3 candidates whose parents fell at level 2.
            assert!(d.pruned > 0);
        }
        // Exact as well as right.
        let want = brute_force(&columns, &errors, &opts);
        let got: Vec<&Vec<Predicate>> = d.slices.iter().map(|s| &s.predicates).collect();
        let exp: Vec<&Vec<Predicate>> = want.iter().map(|s| &s.predicates).collect();
        assert_eq!(got, exp);
    }
}

#[test]
fn nothing_above_zero_returns_no_slices() {
    // Every row wrong: no slice is worse than the whole.
    let columns = vec![
        column("a", 3, (0..300).map(|r| (r % 3) as u32).collect()),
        column("b", 2, (0..300).map(|r| (r % 2) as u32).collect()),
    ];
    let d = run(&columns, &[1.0; 300], &DiscoverOptions::default());
    assert!(d.slices.is_empty());
    assert_eq!(d.mean_error, 1.0);
    // Errors independent of the columns, α low: size dominates.
    let errors: Vec<f64> = (0..300).map(|r| ((r / 6) % 2) as f64).collect();
    let opts = DiscoverOptions {
        alpha: 0.3,
        ..DiscoverOptions::default()
    };
    assert!(run(&columns, &errors, &opts).slices.is_empty());
}

#[test]
fn all_errors_zero_finds_nothing() {
    let columns = vec![column("a", 2, vec![0, 1, 0, 1])];
    let d = run(&columns, &[0.0; 4], &DiscoverOptions::default());
    assert!(d.slices.is_empty());
    assert_eq!((d.mean_error, d.levels_searched), (0.0, 1));
    assert_eq!(d.candidates_evaluated, 2);
}

#[test]
fn a_column_with_one_value_ties_with_what_it_implies() {
    let n = 400;
    let x: Vec<u32> = (0..n).map(|r| (r % 4) as u32).collect();
    let errors: Vec<f64> = (0..n)
        .map(|r| (r % 4 == 1 || r % 7 == 0) as u8 as f64)
        .collect();
    let columns = vec![column("const", 1, vec![0; n]), column("x", 4, x)];
    let opts = DiscoverOptions {
        top_k: 1,
        ..DiscoverOptions::default()
    };
    let d = run(&columns, &errors, &opts);
    // {x = 1} and {const = 0, x = 1} have the same rows: both kept, the
    // shorter first (as sliceline orders them).
    let preds: Vec<Vec<Predicate>> = d.slices.iter().map(|s| s.predicates.clone()).collect();
    assert_eq!(
        preds,
        vec![
            vec![Predicate { column: 1, code: 1 }],
            vec![
                Predicate { column: 0, code: 0 },
                Predicate { column: 1, code: 1 }
            ],
        ]
    );
    assert_eq!(d.slices[0].score, d.slices[1].score);
    // The constant alone scores 0: not a weak slice.
    let only = run(&columns[..1], &errors, &opts);
    assert!(only.slices.is_empty());
}

#[test]
fn a_thousand_value_column() {
    let n = 20_000;
    let mut rng = Rng(3);
    let id: Vec<u32> = (0..n).map(|_| rng.below(1000) as u32).collect();
    let g: Vec<u32> = (0..n).map(|_| rng.below(3) as u32).collect();
    let errors: Vec<f64> = (0..n)
        .map(|r| {
            let p = if id[r] < 5 { 0.9 } else { 0.1 };
            (rng.unit() < p) as u8 as f64
        })
        .collect();
    let columns = vec![column("id", 1000, id), column("g", 3, g)];
    let opts = DiscoverOptions {
        top_k: 5,
        max_level: 2,
        min_support: 5,
        alpha: 0.95,
    };
    let d = run(&columns, &errors, &opts);
    let want = brute_force(&columns, &errors, &opts);
    assert_eq!(d.slices, want);
    assert!(d.slices.iter().take(5).all(|s| s.predicates[0].column == 0
        && s.predicates[0].code < 5
        && s.predicates.len() == 1));
}

#[test]
fn missing_codes_match_nothing() {
    // Rows outside a column's groups never satisfy its predicates.
    let a = column("a", 2, vec![0, 0, NO_GROUP, NO_GROUP, 1, 1]);
    let errors = [1.0, 1.0, 1.0, 1.0, 0.0, 0.0];
    let opts = DiscoverOptions {
        min_support: 1,
        ..DiscoverOptions::default()
    };
    let d = run(&[a], &errors, &opts);
    assert_eq!(d.slices.len(), 1);
    assert_eq!(
        d.slices[0].predicates,
        vec![Predicate { column: 0, code: 0 }]
    );
    assert_eq!(d.slices[0].rows, 2);
}

#[test]
fn cancellation_and_progress() {
    let columns = [
        column("a", 2, vec![0, 1, 0, 1]),
        column("b", 2, vec![0, 0, 1, 1]),
    ];
    let errors = [1.0, 0.0, 0.0, 0.0];
    let cancel = Cancel::new();
    cancel.cancel();
    let refs: Vec<&Groups> = columns.iter().collect();
    let opts = DiscoverOptions::default();
    let e = discover(&refs, &errors, &opts, &cancel, &mut |_| {}).unwrap_err();
    assert_eq!(e, EngineError::Cancelled);
    let mut seen = Vec::new();
    discover(&refs, &errors, &opts, &Cancel::new(), &mut |p| {
        seen.push((p.stage, p.done, p.total))
    })
    .unwrap();
    let s = Stage::SliceDiscovery;
    // Nothing reaches the default support of 10 rows: done after level 1.
    assert_eq!(seen, vec![(s, 0, 2), (s, 1, 2), (s, 2, 2)]);
    seen.clear();
    let opts = DiscoverOptions {
        min_support: 1,
        max_level: 3,
        ..opts
    };
    let d = discover(&refs, &errors, &opts, &Cancel::new(), &mut |p| {
        seen.push((p.stage, p.done, p.total))
    })
    .unwrap();
    assert_eq!(seen, vec![(s, 0, 2), (s, 1, 2), (s, 2, 2)]);
    assert_eq!(d.levels_searched, 2);
    assert_eq!(d.slices[0].predicates.len(), 2);
}

#[test]
fn bad_inputs_are_clear() {
    let a = column("a", 2, vec![0, 1, 0]);
    let refs = [&a];
    let err = |errors: &[f64], opts: DiscoverOptions| {
        discover(&refs, errors, &opts, &Cancel::new(), &mut |_| {}).unwrap_err()
    };
    let key = |e: EngineError| e.hint().unwrap();
    let d = DiscoverOptions::default;
    let ok = [0.0, 1.0, 0.5];
    for alpha in [0.0, -0.1, 1.5, f64::NAN] {
        let e = err(&ok, DiscoverOptions { alpha, ..d() });
        assert!(e.to_string().contains("(0, 1]"), "{e}");
        assert_eq!(key(e), OptionKey::DiscoverAlpha);
    }
    assert_eq!(
        key(err(&ok, DiscoverOptions { top_k: 0, ..d() })),
        OptionKey::DiscoverTopK
    );
    assert_eq!(
        key(err(
            &ok,
            DiscoverOptions {
                max_level: 0,
                ..d()
            }
        )),
        OptionKey::DiscoverMaxLevel
    );
    let e = err(&[0.0, 1.0], d());
    assert!(
        e.to_string()
            .contains("column 'a' has 3 rows but there are 2 errors"),
        "{e}"
    );
    assert_eq!(key(e), OptionKey::DiscoverColumns);
    for bad in [-1.0, f64::NAN, f64::INFINITY] {
        let e = err(&[0.0, bad, bad], d());
        assert!(
            e.to_string().contains("row 2 has error") && e.to_string().contains("2 rows in all"),
            "{e}"
        );
        assert_eq!(key(e), OptionKey::DiscoverError);
    }
    let none: [&Groups; 0] = [];
    let e = discover(&none, &ok, &d(), &Cancel::new(), &mut |_| {}).unwrap_err();
    assert_eq!(key(e), OptionKey::DiscoverColumns);
    let e = discover(&refs[..], &[], &d(), &Cancel::new(), &mut |_| {});
    assert_eq!(e, Err(EngineError::NoRows));
    let wild = Groups {
        codes: vec![0, 7, 1],
        ..a.clone()
    };
    let e = discover(&[&wild], &ok, &d(), &Cancel::new(), &mut |_| {}).unwrap_err();
    assert!(e.to_string().contains("row 2 has group 7"), "{e}");
}

#[test]
fn options_default_and_refuse_unknown_fields() {
    let o: DiscoverOptions = serde_json::from_str("{}").unwrap();
    assert_eq!(o, DiscoverOptions::default());
    assert_eq!(
        (o.top_k, o.max_level, o.min_support, o.alpha),
        (5, 3, 0, 0.95)
    );
    assert_eq!(o.min_support_for(500), 10);
    assert_eq!(o.min_support_for(20_000), 200);
    let o: DiscoverOptions = serde_json::from_str(r#"{"top_k": 2, "min_support": 3}"#).unwrap();
    assert_eq!((o.top_k, o.min_support_for(10_000)), (2, 3));
    assert!(serde_json::from_str::<DiscoverOptions>(r#"{"k": 2}"#).is_err());
}

#[test]
fn same_result_every_run() {
    let mut rng = Rng(99);
    let (columns, errors, opts) = random_case(&mut rng);
    assert_eq!(run(&columns, &errors, &opts), run(&columns, &errors, &opts));
}
