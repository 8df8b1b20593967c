//! Per-attempt order of questions and options: random, but fixed once drawn (stored with the
//! attempt), so a reload or another device shows the same order.

use std::collections::HashMap;

use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

use crate::exams::questions::{Question, QuestionKind};

/// Draws the question order and the MCQ option orders for a new attempt.
pub fn draw(
    questions: &[Question],
    shuffle_questions: bool,
    shuffle_options: bool,
    seed: u64,
) -> (Vec<String>, HashMap<String, Vec<usize>>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut order: Vec<String> = questions.iter().map(|q| q.id.clone()).collect();
    if shuffle_questions {
        order.shuffle(&mut rng);
    }
    let mut options = HashMap::new();
    if shuffle_options {
        for q in questions.iter().filter(|q| q.kind == QuestionKind::Mcq) {
            let mut perm: Vec<usize> = (0..q.options.len()).collect();
            perm.shuffle(&mut rng);
            options.insert(q.id.clone(), perm);
        }
    }
    (order, options)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exams::points::Points;
    use crate::exams::questions::AnswerKey;

    fn q(id: &str) -> Question {
        Question {
            id: id.into(),
            exam_id: "e".into(),
            position: 1,
            kind: QuestionKind::Mcq,
            prompt: "?".into(),
            options: (0..6).map(|i| i.to_string()).collect(),
            key: AnswerKey::Mcq(vec![0]),
            points: Points(100),
            partial_credit: false,
        }
    }

    #[test]
    fn same_seed_same_order_and_every_item_kept() {
        let qs: Vec<Question> = (0..8).map(|i| q(&format!("q{i}"))).collect();
        let a = draw(&qs, true, true, 42);
        assert_eq!(a, draw(&qs, true, true, 42));
        let mut sorted = a.0.clone();
        sorted.sort();
        assert_eq!(sorted, qs.iter().map(|q| q.id.clone()).collect::<Vec<_>>());
        for perm in a.1.values() {
            let mut p = perm.clone();
            p.sort_unstable();
            assert_eq!(p, (0..6).collect::<Vec<_>>());
        }
        assert_ne!(a.0, draw(&qs, true, true, 43).0, "another seed shuffles differently");
    }

    #[test]
    fn no_shuffle_keeps_the_teachers_order() {
        let qs: Vec<Question> = (0..4).map(|i| q(&format!("q{i}"))).collect();
        let (order, options) = draw(&qs, false, false, 7);
        assert_eq!(order, vec!["q0", "q1", "q2", "q3"]);
        assert!(options.is_empty());
    }
}
