//! Pure score statistics: summary figures, the score distribution and per-question item analysis.
//! Definitions (README "Analytics"): scores are percentages of the maximum of *graded* attempts;
//! the median of an even count is the mean of the two middle scores; quartiles interpolate
//! linearly between ranks (the common "type 7" rule); the standard deviation is the population
//! one. No input is ever divided by zero: an empty list gives zeros and `count == 0`.

use std::collections::HashMap;

/// Labels of the five score bands, lowest first (a score of exactly 20 % is in the first band).
pub const BANDS: [&str; 5] = ["0–20", "21–40", "41–60", "61–80", "81–100"];

/// Summary of a list of percentages.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ScoreSummary {
    /// Graded scores counted.
    pub count: usize,
    /// Arithmetic mean.
    pub mean: f64,
    /// Median.
    pub median: f64,
    /// Lowest score.
    pub min: f64,
    /// Highest score.
    pub max: f64,
    /// Population standard deviation.
    pub std_dev: f64,
    /// First quartile.
    pub q1: f64,
    /// Third quartile.
    pub q3: f64,
    /// Scores that passed the exam's pass mark.
    pub passed: usize,
    /// `passed / count` in percent.
    pub pass_rate: f64,
    /// Scores per band of [`BANDS`].
    pub distribution: [i64; 5],
}

/// One graded score: the percentage and whether it passed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Score {
    /// Percentage of the maximum (0–100).
    pub percent: f64,
    /// Passed the pass mark.
    pub passed: bool,
}

/// Percentage of `max` that `score` is (0 when `max` is 0).
pub fn percent(score: i64, max: i64) -> f64 {
    if max <= 0 { 0.0 } else { score as f64 * 100.0 / max as f64 }
}

/// The band index of a percentage.
pub fn band(percent: f64) -> usize {
    match percent {
        p if p <= 20.0 => 0,
        p if p <= 40.0 => 1,
        p if p <= 60.0 => 2,
        p if p <= 80.0 => 3,
        _ => 4,
    }
}

/// Linear-interpolation quantile of sorted values (`q` in 0..=1); 0 for an empty slice.
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    match sorted.len() {
        0 => 0.0,
        1 => sorted[0],
        n => {
            let pos = q.clamp(0.0, 1.0) * (n - 1) as f64;
            let lo = pos.floor() as usize;
            let hi = pos.ceil() as usize;
            sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
        }
    }
}

/// Summary figures of `scores`.
pub fn summarize(scores: &[Score]) -> ScoreSummary {
    if scores.is_empty() {
        return ScoreSummary::default();
    }
    let mut sorted: Vec<f64> = scores.iter().map(|s| s.percent).collect();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len() as f64;
    let mean = sorted.iter().sum::<f64>() / n;
    let variance = sorted.iter().map(|p| (p - mean).powi(2)).sum::<f64>() / n;
    let passed = scores.iter().filter(|s| s.passed).count();
    let mut distribution = [0i64; 5];
    for p in &sorted {
        distribution[band(*p)] += 1;
    }
    ScoreSummary {
        count: scores.len(),
        mean,
        median: quantile(&sorted, 0.5),
        min: sorted[0],
        max: sorted[sorted.len() - 1],
        std_dev: variance.sqrt(),
        q1: quantile(&sorted, 0.25),
        q3: quantile(&sorted, 0.75),
        passed,
        pass_rate: passed as f64 * 100.0 / n,
        distribution,
    }
}

/// How hard a question turned out to be, from its correct rate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Difficulty {
    /// 80 % or more of the copies got it fully right.
    Easy,
    /// 50 % or more.
    Medium,
    /// Below 50 %.
    Hard,
}

impl Difficulty {
    /// The difficulty of a correct rate in percent.
    pub fn of(correct_rate: f64) -> Self {
        if correct_rate >= 80.0 {
            Difficulty::Easy
        } else if correct_rate >= 50.0 {
            Difficulty::Medium
        } else {
            Difficulty::Hard
        }
    }

    /// The i18n key of its label.
    pub fn key(self) -> &'static str {
        match self {
            Difficulty::Easy => "analytics.difficulty.easy",
            Difficulty::Medium => "analytics.difficulty.medium",
            Difficulty::Hard => "analytics.difficulty.hard",
        }
    }
}

/// A question as item analysis needs it.
#[derive(Clone, Debug)]
pub struct Item {
    /// Question id.
    pub id: String,
    /// Full marks, hundredths.
    pub points: i64,
}

/// One graded copy: its total (for ranking) and its score per question (hundredths).
#[derive(Clone, Debug)]
pub struct Copy {
    /// Copy id (ties in the ranking are broken by it, so results are stable).
    pub id: String,
    /// Total percentage.
    pub percent: f64,
    /// Score per question id.
    pub scores: HashMap<String, i64>,
}

/// Item analysis of one question.
#[derive(Clone, Debug, PartialEq)]
pub struct ItemStats {
    /// Question id.
    pub id: String,
    /// Copies that had this question.
    pub attempts: usize,
    /// Copies with full marks on it.
    pub correct: usize,
    /// `correct / attempts` in percent.
    pub correct_rate: f64,
    /// From the correct rate.
    pub difficulty: Difficulty,
    /// Upper 27 % minus lower 27 % mean score fraction (-1..=1); `None` under two copies.
    pub discrimination: Option<f64>,
    /// Mean points earned (hundredths).
    pub average_hundredths: f64,
}

impl ItemStats {
    /// Negative discrimination: stronger students did worse on it than weaker ones.
    pub fn flagged(&self) -> bool {
        self.discrimination.is_some_and(|d| d < 0.0)
    }
}

/// Size of each of the upper and lower groups (27 % of `n`, at least one, never overlapping).
pub fn group_size(n: usize) -> usize {
    if n < 2 { 0 } else { ((n as f64 * 0.27).round() as usize).clamp(1, n / 2) }
}

/// Item analysis of `items` over `copies`.
pub fn item_analysis(items: &[Item], copies: &[Copy]) -> Vec<ItemStats> {
    let mut ranked: Vec<&Copy> = copies.iter().collect();
    ranked.sort_by(|a, b| b.percent.total_cmp(&a.percent).then_with(|| a.id.cmp(&b.id)));
    let k = group_size(ranked.len());
    let (upper, lower) = (&ranked[..k], &ranked[ranked.len() - k..]);
    items
        .iter()
        .map(|item| {
            let scores: Vec<i64> = copies.iter().filter_map(|c| c.scores.get(&item.id).copied()).collect();
            let attempts = scores.len();
            let correct = scores.iter().filter(|s| **s >= item.points).count();
            let correct_rate = if attempts == 0 { 0.0 } else { correct as f64 * 100.0 / attempts as f64 };
            let average_hundredths =
                if attempts == 0 { 0.0 } else { scores.iter().sum::<i64>() as f64 / attempts as f64 };
            let discrimination =
                (k > 0 && attempts > 0).then(|| group_fraction(upper, item) - group_fraction(lower, item));
            ItemStats {
                id: item.id.clone(),
                attempts,
                correct,
                correct_rate,
                difficulty: Difficulty::of(correct_rate),
                discrimination,
                average_hundredths,
            }
        })
        .collect()
}

/// Mean fraction of the points earned on `item` by a group (a missing answer counts as zero).
fn group_fraction(group: &[&Copy], item: &Item) -> f64 {
    if group.is_empty() || item.points <= 0 {
        return 0.0;
    }
    let sum: f64 = group.iter().map(|c| c.scores.get(&item.id).copied().unwrap_or(0) as f64 / item.points as f64).sum();
    sum / group.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(percent: f64, passed: bool) -> Score {
        Score { percent, passed }
    }

    #[test]
    fn empty_scores_are_zeros() {
        let sum = summarize(&[]);
        assert_eq!(sum, ScoreSummary::default());
        assert_eq!(sum.pass_rate, 0.0);
    }

    #[test]
    fn summary_of_fixed_scores() {
        let sum = summarize(&[s(20.0, false), s(50.0, false), s(70.0, true), s(90.0, true)]);
        assert_eq!(sum.count, 4);
        assert_eq!(sum.mean, 57.5);
        assert_eq!(sum.median, 60.0);
        assert_eq!((sum.min, sum.max), (20.0, 90.0));
        assert_eq!(sum.q1, 42.5);
        assert_eq!(sum.q3, 75.0);
        assert!((sum.std_dev - 25.860_201_081_971_4).abs() < 1e-9);
        assert_eq!(sum.passed, 2);
        assert_eq!(sum.pass_rate, 50.0);
        assert_eq!(sum.distribution, [1, 0, 1, 1, 1]);
    }

    #[test]
    fn bands_include_their_upper_bound() {
        assert_eq!(
            [band(0.0), band(20.0), band(20.01), band(40.0), band(60.0), band(80.0), band(80.5)],
            [0, 0, 1, 1, 2, 3, 4]
        );
        assert_eq!(band(100.0), 4);
    }

    #[test]
    fn difficulty_thresholds() {
        assert_eq!(Difficulty::of(80.0), Difficulty::Easy);
        assert_eq!(Difficulty::of(79.9), Difficulty::Medium);
        assert_eq!(Difficulty::of(50.0), Difficulty::Medium);
        assert_eq!(Difficulty::of(49.9), Difficulty::Hard);
    }

    #[test]
    fn group_sizes() {
        assert_eq!(
            [group_size(0), group_size(1), group_size(2), group_size(4), group_size(10), group_size(100)],
            [0, 0, 1, 1, 3, 27]
        );
    }

    fn copy(id: &str, percent: f64, scores: &[(&str, i64)]) -> Copy {
        Copy { id: id.into(), percent, scores: scores.iter().map(|(q, s)| ((*q).to_owned(), *s)).collect() }
    }

    #[test]
    fn item_analysis_flags_a_question_the_best_students_miss() {
        let items = [Item { id: "q1".into(), points: 100 }, Item { id: "q2".into(), points: 100 }];
        // Four copies: k = 1. The best copy misses q2, the worst gets it.
        let copies = [
            copy("a", 90.0, &[("q1", 100), ("q2", 0)]),
            copy("b", 70.0, &[("q1", 100), ("q2", 100)]),
            copy("c", 50.0, &[("q1", 100), ("q2", 50)]),
            copy("d", 10.0, &[("q1", 0), ("q2", 100)]),
        ];
        let stats = item_analysis(&items, &copies);
        assert_eq!(stats[0].attempts, 4);
        assert_eq!(stats[0].correct, 3);
        assert_eq!(stats[0].correct_rate, 75.0);
        assert_eq!(stats[0].difficulty, Difficulty::Medium);
        assert_eq!(stats[0].discrimination, Some(1.0));
        assert!(!stats[0].flagged());
        assert_eq!(stats[1].correct, 2);
        assert_eq!(stats[1].average_hundredths, 62.5);
        assert_eq!(stats[1].discrimination, Some(-1.0));
        assert!(stats[1].flagged());
    }

    #[test]
    fn item_analysis_without_copies() {
        let stats = item_analysis(&[Item { id: "q".into(), points: 100 }], &[]);
        assert_eq!(stats[0].attempts, 0);
        assert_eq!(stats[0].correct_rate, 0.0);
        assert_eq!(stats[0].discrimination, None);
        assert!(!stats[0].flagged());
    }
}
