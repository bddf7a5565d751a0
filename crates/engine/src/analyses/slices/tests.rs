use super::*;
use crate::plan::AuditPlan;
use crate::table::groups::Binning;

fn plan_with(o: SlicesOptions) -> AuditPlan {
    let mut p = AuditPlan::new("data.csv");
    p.predictions.label = "y".into();
    p.predictions.scores = vec![crate::plan::ScoreColumn::new("p")];
    p.analyses.slices = Some(o);
    p
}

#[test]
fn slice_options_round_trip_through_toml_and_json() {
    let o = SlicesOptions {
        slices: vec![
            GroupSpec::Column {
                column: "age".into(),
                binning: Some(Binning::Edges(vec![30.0, 60.0])),
            },
            GroupSpec::Cross {
                of: vec![
                    GroupSpec::Values {
                        column: "sex".into(),
                    },
                    GroupSpec::Values {
                        column: "race".into(),
                    },
                ],
            },
            GroupSpec::Filter {
                expression: "region = east AND age > 60".into(),
            },
        ],
        metric: Some("recall".into()),
        discover: Some(DiscoverSpec {
            columns: vec!["sex".into()],
            bins: 5,
            top_k: 3,
            ..Default::default()
        }),
        ..Default::default()
    };
    let p = plan_with(o);
    let toml_text = toml::to_string(&p).unwrap();
    assert!(toml_text.contains("top_k = 3"), "{toml_text}");
    let back: AuditPlan = toml::from_str(&toml_text).unwrap();
    assert_eq!(back, p);
    let json = serde_json::to_string(&p).unwrap();
    assert_eq!(serde_json::from_str::<AuditPlan>(&json).unwrap(), p);
    // A misspelt discovery key is refused, not ignored.
    let bad = toml_text.replace("top_k = 3", "top_kk = 3");
    assert!(toml::from_str::<AuditPlan>(&bad).is_err());
}

#[test]
fn options_are_checked_by_key() {
    let key = |o: SlicesOptions| plan_with(o).validate().unwrap_err().key;
    assert_eq!(key(SlicesOptions::default()), OptionKey::Slices);
    let one = || SlicesOptions {
        slices: vec![GroupSpec::Values { column: "g".into() }],
        ..Default::default()
    };
    assert_eq!(
        key(SlicesOptions {
            alpha: 1.5,
            ..one()
        }),
        OptionKey::Alpha
    );
    assert_eq!(
        key(SlicesOptions {
            power: 0.0,
            ..one()
        }),
        OptionKey::Power
    );
    assert_eq!(
        key(SlicesOptions {
            metric: Some("roc_aucc".into()),
            ..one()
        }),
        OptionKey::SliceMetric
    );
    assert_eq!(
        key(SlicesOptions {
            slices: vec![GroupSpec::Filter {
                expression: "a = (".into()
            }],
            ..one()
        }),
        OptionKey::Slices
    );
    let d = DiscoverSpec {
        max_level: 9,
        ..Default::default()
    };
    assert_eq!(
        key(SlicesOptions {
            discover: Some(d),
            ..one()
        }),
        OptionKey::DiscoverMaxLevel
    );
}
