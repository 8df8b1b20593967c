//! Which frames must carry their picture, decided by the server: each frame's answer tells the
//! browser whether the next one must come with its JPEG, at random moments (one in `baseline`
//! on average, never more than `2 × baseline` frames apart) and on every frame while a visual
//! condition is being watched. A session that does not send a requested picture within one
//! frame of grace (the request may cross a frame already on its way) has withheld it.

/// Requested pictures withheld before the session is flagged `monitoring_incomplete`.
pub const WITHHELD_LIMIT: i64 = 3;
/// Sampled clean pictures the server contradicts before the session is flagged.
pub const INCONSISTENT_LIMIT: i64 = 3;

/// The session's picture book-keeping, as stored on its row.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Pictures {
    /// Browser sequence number of the frame whose answer asked for a picture, still unanswered.
    pub due_seq: Option<i64>,
    /// Frames since the last picture.
    pub since_picture: i64,
    /// Requested pictures never sent.
    pub withheld: i64,
}

/// The book-keeping after one frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Step {
    /// New book-keeping.
    pub pictures: Pictures,
    /// This frame was the last chance for a requested picture and had none.
    pub newly_withheld: bool,
    /// The answer asks for the next frame's picture.
    pub picture_next: bool,
}

/// One frame: `roll` is a uniform random number in 0..1 drawn by the caller (unpredictable to
/// the browser); `watching` is true while a visual condition is tracked.
pub fn step(before: Pictures, seq: i64, has_picture: bool, watching: bool, baseline: i64, roll: f64) -> Step {
    let baseline = baseline.max(1);
    let newly_withheld = !has_picture && before.due_seq.is_some_and(|due| seq >= due + 2);
    let outstanding = if has_picture || newly_withheld { None } else { before.due_seq };
    let since_picture = if has_picture { 0 } else { before.since_picture + 1 };
    // Probability 1/baseline per frame, and at the latest after 2 × baseline frames.
    let request = watching || roll * (baseline as f64) < 1.0 || since_picture + 1 >= 2 * baseline;
    let due_seq = outstanding.or(request.then_some(seq));
    Step {
        pictures: Pictures { due_seq, since_picture, withheld: before.withheld + i64::from(newly_withheld) },
        newly_withheld,
        picture_next: due_seq.is_some(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NEVER: f64 = 0.99;
    const ALWAYS: f64 = 0.0;

    #[test]
    fn a_request_is_answered_by_the_next_picture() {
        let s = step(Pictures::default(), 1, false, false, 15, ALWAYS);
        assert!(s.picture_next);
        assert_eq!(s.pictures.due_seq, Some(1));
        let s2 = step(s.pictures, 2, true, false, 15, NEVER);
        assert!(!s2.picture_next && !s2.newly_withheld);
        assert_eq!(s2.pictures, Pictures { due_seq: None, since_picture: 0, withheld: 0 });
    }

    #[test]
    fn one_frame_of_grace_then_withheld() {
        let s = step(Pictures::default(), 1, false, false, 15, ALWAYS);
        let s = step(s.pictures, 2, false, false, 15, NEVER);
        assert!(!s.newly_withheld, "frame 2 may have left before the request arrived");
        assert!(s.picture_next, "the request stands");
        let s = step(s.pictures, 3, false, false, 15, NEVER);
        assert!(s.newly_withheld);
        assert_eq!(s.pictures.withheld, 1);
    }

    #[test]
    fn a_standing_request_is_not_moved_by_new_ones() {
        let s = step(Pictures::default(), 1, false, false, 15, ALWAYS);
        let s = step(s.pictures, 2, false, false, 15, ALWAYS);
        assert_eq!(s.pictures.due_seq, Some(1), "a cheater cannot push the deadline by being asked again");
        assert!(step(s.pictures, 3, false, false, 15, ALWAYS).newly_withheld);
    }

    #[test]
    fn pictures_are_asked_at_least_every_two_baselines_and_on_every_watched_frame() {
        let mut p = Pictures::default();
        let mut asked = None;
        for seq in 1..100 {
            let s = step(p, seq, false, false, 5, NEVER);
            if s.picture_next {
                asked = Some(seq);
                break;
            }
            p = s.pictures;
        }
        assert_eq!(asked, Some(9), "the 10th frame without a picture must carry one");
        assert!(step(Pictures::default(), 1, true, true, 5, NEVER).picture_next);
    }

    #[test]
    fn the_average_rate_is_one_in_baseline() {
        let (mut p, mut asked) = (Pictures::default(), 0);
        for seq in 0..10_000 {
            let roll = ((seq * 7919) % 10_000) as f64 / 10_000.0;
            let s = step(p, seq, p.due_seq.is_some(), false, 10, roll);
            asked += i64::from(s.picture_next && p.due_seq.is_none());
            p = s.pictures;
        }
        assert!((900..=1_300).contains(&asked), "{asked} requests in 10,000 frames");
    }
}
