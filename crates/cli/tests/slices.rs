//! `assay eval` with slices, filters, sensitive columns and discovery: the
//! flags reach the plan, the written report leaves small cells out, and bad
//! slice flags say which flag to fix.

mod common;
use common::*;

fn fairness_csv() -> String {
    repo()
        .join("tests/golden/fairness/fairness.csv")
        .display()
        .to_string()
}

#[test]
fn slices_fairness_and_filters_from_flags() {
    let data = fairness_csv();
    let r = run_json(&[
        "eval",
        "--data",
        &data,
        "--label",
        "label",
        "--score",
        "score",
        "--bootstrap",
        "40",
        "--slice",
        "sex",
        "--slice",
        "sex*race",
        "--slice",
        "age",
        "--filter",
        "race = black AND age > 50",
        "--sensitive",
        "race",
        "--min-cell",
        "30",
        "--json",
        "-",
    ]);
    let s = &r["slices"];
    let groupings = s["groupings"].as_array().unwrap();
    let names: Vec<&str> = groupings
        .iter()
        .map(|g| g["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["sex", "sex × race", "age", "race = black AND age > 50"]
    );
    // age is numeric with many values: quartile bins.
    assert_eq!(groupings[2]["slices"].as_array().unwrap().len(), 4);
    // The written report has no slice under --min-cell rows, and counts them.
    let cross = &groupings[1];
    assert!(
        cross["slices"]
            .as_array()
            .unwrap()
            .iter()
            .all(|x| x["rows"].as_u64().unwrap() >= 30)
    );
    assert!(cross["suppressed"].as_u64().unwrap() > 0);
    assert_eq!(
        s["examined"].as_u64().unwrap() as usize,
        groupings
            .iter()
            .map(|g| g["slices"].as_array().unwrap().len())
            .sum::<usize>()
            + cross["suppressed"].as_u64().unwrap() as usize
    );
    let f = &r["fairness"];
    assert!(
        f["worst"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["key"] == "demographic_parity_difference")
    );
    assert_eq!(
        r["provenance"]["plan"]["analyses"]["slices"]["min_cell"],
        30
    );
}

#[test]
fn bad_slice_flags_name_the_flag() {
    let data = fairness_csv();
    let o = assay(&[
        "eval", "--data", &data, "--label", "label", "--score", "score", "--slice", "regionn",
    ]);
    let err = stderr(&o);
    assert!(!o.status.success());
    assert!(err.contains("regionn") && err.contains("race"), "{err}");
    let o = assay(&[
        "eval", "--data", &data, "--label", "label", "--score", "score", "--filter", "age >",
    ]);
    let err = stderr(&o);
    assert!(
        err.contains("position") && err.contains("(--slice)"),
        "{err}"
    );
    let o = assay(&[
        "eval", "--data", &data, "--label", "label", "--score", "score", "--slice", "sex",
        "--alpha", "2",
    ]);
    assert!(stderr(&o).contains("(--alpha)"), "{}", stderr(&o));
}
