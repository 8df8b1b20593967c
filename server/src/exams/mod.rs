//! Exams and their time slots. This release lists them (teacher's exams, student catalogue);
//! building, booking and taking exams come with the exams feature.

pub mod model;
pub mod queries;
pub mod views;
