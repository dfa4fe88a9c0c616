//! Small statistics shared by the evaluation code of several modules.

/// ROC AUC of `scored` (score, is positive) by the Mann–Whitney rank sum, ties counted half.
/// Sorts `scored` by score. `None` unless both groups are non-empty.
pub(crate) fn roc_auc(scored: &mut [(f64, bool)]) -> Option<f64> {
    scored.sort_by(|a, b| a.0.total_cmp(&b.0));
    let positives = scored.iter().filter(|s| s.1).count() as f64;
    let negatives = scored.len() as f64 - positives;
    if positives == 0.0 || negatives == 0.0 {
        return None;
    }
    let mut rank_sum = 0.0;
    let mut i = 0;
    while i < scored.len() {
        let mut j = i;
        // `total_cmp` so that a NaN score ties with itself (it sorts last) instead of never ending the run.
        while j < scored.len() && scored[j].0.total_cmp(&scored[i].0).is_eq() {
            j += 1;
        }
        let mid_rank = (i + j + 1) as f64 / 2.0;
        rank_sum += mid_rank * scored[i..j].iter().filter(|s| s.1).count() as f64;
        i = j;
    }
    Some((rank_sum - positives * (positives + 1.0) / 2.0) / (positives * negatives))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auc_counts_ordered_pairs_and_half_ties() {
        // Positives 0.9 and 0.5, negatives 0.5 and 0.1: pairs (0.9>0.5, 0.9>0.1, 0.5=0.5, 0.5>0.1) = 3.5 / 4.
        let mut scored = [(0.9, true), (0.5, false), (0.5, true), (0.1, false)];
        assert_eq!(roc_auc(&mut scored), Some(0.875));
        assert_eq!(roc_auc(&mut [(0.3, true), (0.2, true)]), None);
        // NaN ranks above every number.
        assert_eq!(roc_auc(&mut [(f64::NAN, true), (0.2, false)]), Some(1.0));
    }
}
