//! The 50-rule set shared by the `rules` and `realtime` benches.

use aybiza_analytics::patterns::live::{LiveRules, RuleSet};

/// The 11 default rules plus 39 more of the same shapes (phrase lists, combinations, windows).
pub fn fifty_rules() -> LiveRules {
    let mut set = LiveRules::default_rules().rule_set().clone();
    let extra = RuleSet::from_toml(
        &(0..39)
            .map(|i| {
                format!(
                    r#"[[rules]]
id = "extra_{i}"
when = {{ any_of = [
  {{ phrases = {{ speaker = "customer", any = ["word{i} ** thing", "another phrase {i}", "charged * {i} times"] }} }},
  {{ all_of = [{{ phrases = {{ any = ["refund {i}"], within = {{ first_secs = 60 }} }} }}, {{ sentiment = {{ below = -0.{d}, speaker = "customer" }} }}] }},
] }}
"#,
                    d = i % 9 + 1
                )
            })
            .collect::<String>(),
    )
    .expect("generated rules are valid");
    set.rules.extend(extra.rules);
    assert_eq!(set.rules.len(), 50);
    LiveRules::new(set).expect("valid rules")
}
