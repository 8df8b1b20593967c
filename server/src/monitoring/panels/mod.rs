//! The proctor's side: the live panel and its stream, the history, a session's detail with
//! its evidence, reviews, and which proctors watch which exams.

pub mod assignments;
mod detail;
pub mod handlers;
pub mod live;
pub mod queries;
pub mod stats;
pub mod views;
