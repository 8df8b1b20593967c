//! Auto-grading rules (pure): what an answer is worth, and what an attempt's total means.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use crate::exams::points::Points;
use crate::exams::questions::{AnswerKey, Question, Response};

/// The score of `response` to `question`, or `None` when a teacher must grade it (essays that
/// were answered). Unanswered questions score 0.
pub fn auto_score(question: &Question, response: Option<&Response>) -> Option<Points> {
    let full = question.points;
    let Some(response) = response.filter(|r| !r.is_blank()) else {
        return Some(Points(0));
    };
    let score = match (&question.key, response) {
        (AnswerKey::Mcq(correct), Response::Choices(chosen)) => {
            mcq_score(correct, chosen, full, question.partial_credit)
        }
        (AnswerKey::TrueFalse(right), Response::Bool(given)) => {
            if right == given {
                full
            } else {
                Points(0)
            }
        }
        (AnswerKey::ShortAnswer(accepted), Response::Text(text)) => {
            let given = normalise(text);
            if accepted.iter().any(|a| normalise(a) == given) { full } else { Points(0) }
        }
        (AnswerKey::Essay(_), Response::Text(_)) => return None,
        // A response of the wrong shape (question changed kind since) earns nothing.
        _ => Points(0),
    };
    Some(score)
}

fn mcq_score(correct: &[usize], chosen: &[usize], full: Points, partial: bool) -> Points {
    let mut chosen: Vec<usize> = chosen.to_vec();
    chosen.sort_unstable();
    chosen.dedup();
    if chosen == correct {
        return full;
    }
    if !partial || correct.len() < 2 {
        return Points(0);
    }
    // Partial credit: a share per correct option chosen, minus one per wrong option chosen.
    let hits = chosen.iter().filter(|c| correct.contains(c)).count();
    let wrong = chosen.len() - hits;
    let net = i64::try_from(hits.saturating_sub(wrong)).unwrap_or(0);
    let n = i64::try_from(correct.len()).unwrap_or(1);
    Points(full.0 * net / n)
}

/// Case, accents, punctuation at the ends and repeated spaces do not matter.
pub fn normalise(text: &str) -> String {
    let folded: String = text.nfd().filter(|c| !is_combining_mark(*c)).collect::<String>().to_lowercase();
    folded.split_whitespace().collect::<Vec<_>>().join(" ").trim_matches(|c: char| c.is_ascii_punctuation()).to_owned()
}

/// Whether a total passes: score ≥ pass mark % of the maximum.
pub fn passes(score: Points, max: Points, pass_mark_percent: i64) -> bool {
    max.0 > 0 && score.0 * 100 >= max.0 * pass_mark_percent
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exams::questions::QuestionKind;

    fn q(kind: QuestionKind, key: AnswerKey, partial: bool) -> Question {
        Question {
            id: "q".into(),
            exam_id: "e".into(),
            position: 1,
            kind,
            prompt: "?".into(),
            options: vec!["a".into(), "b".into(), "c".into(), "d".into()],
            key,
            points: Points(200),
            partial_credit: partial,
        }
    }

    #[test]
    fn mcq_all_or_nothing_and_partial() {
        let strict = q(QuestionKind::Mcq, AnswerKey::Mcq(vec![0, 2]), false);
        assert_eq!(auto_score(&strict, Some(&Response::Choices(vec![2, 0]))), Some(Points(200)));
        assert_eq!(auto_score(&strict, Some(&Response::Choices(vec![0]))), Some(Points(0)));
        let partial = q(QuestionKind::Mcq, AnswerKey::Mcq(vec![0, 2]), true);
        assert_eq!(auto_score(&partial, Some(&Response::Choices(vec![0]))), Some(Points(100)));
        assert_eq!(auto_score(&partial, Some(&Response::Choices(vec![0, 1]))), Some(Points(0)));
        assert_eq!(auto_score(&partial, Some(&Response::Choices(vec![0, 1, 2, 3]))), Some(Points(0)));
        let single = q(QuestionKind::Mcq, AnswerKey::Mcq(vec![3]), true);
        assert_eq!(auto_score(&single, Some(&Response::Choices(vec![3, 3]))), Some(Points(200)));
        assert_eq!(auto_score(&single, None), Some(Points(0)));
    }

    #[test]
    fn true_false_short_answer_and_essay() {
        let tf = q(QuestionKind::TrueFalse, AnswerKey::TrueFalse(false), false);
        assert_eq!(auto_score(&tf, Some(&Response::Bool(false))), Some(Points(200)));
        assert_eq!(auto_score(&tf, Some(&Response::Bool(true))), Some(Points(0)));
        let short = q(QuestionKind::ShortAnswer, AnswerKey::ShortAnswer(vec!["Élysée".into()]), false);
        assert_eq!(auto_score(&short, Some(&Response::Text("  elysee. ".into()))), Some(Points(200)));
        assert_eq!(auto_score(&short, Some(&Response::Text("ELYSÉE   palace".into()))), Some(Points(0)));
        let essay = q(QuestionKind::Essay, AnswerKey::Essay(String::new()), false);
        assert_eq!(auto_score(&essay, Some(&Response::Text("my essay".into()))), None);
        assert_eq!(auto_score(&essay, Some(&Response::Text("   ".into()))), Some(Points(0)));
        // A response of another shape is worth nothing rather than an error.
        assert_eq!(auto_score(&tf, Some(&Response::Text("true".into()))), Some(Points(0)));
    }

    #[test]
    fn pass_mark() {
        assert!(passes(Points(600), Points(1000), 60));
        assert!(!passes(Points(599), Points(1000), 60));
        assert!(!passes(Points(0), Points(0), 0));
    }
}
