//! Questions through the forms (the four kinds, errors next to the fields), reorder, delete,
//! the preview without keys, and regrading after a key change.

use axum::http::StatusCode;
use proctorwise::accounts::model::Role;
use proctorwise::db::{new_id, now_ms};
use proctorwise::exams::questions::queries as question_queries;
use proctorwise::exams::questions::{AnswerKey, QuestionKind};

use crate::dual;
use crate::exams_support::{add_short, create_exam};
use crate::helpers::{Client, TestApp};

dual!(
    the_four_kinds_through_the_form,
    question_errors_are_shown_next_to_the_fields,
    questions_move_and_are_deleted_after_confirmation,
    preview_shows_no_key,
    regrade_after_a_key_change_updates_the_totals,
);

async fn post_question(client: &Client, exam_id: &str, fields: &[(&str, &str)]) -> crate::helpers::TestResponse {
    client.post_form(&format!("/exams/{exam_id}/questions"), fields).await
}

async fn the_four_kinds_through_the_form(app: TestApp) {
    let (client, _) = app.login_as(Role::Teacher).await;
    let exam_id = create_exam(&client, "Kinds", "60").await;
    client
        .get(&format!("/exams/{exam_id}/questions/new?kind=essay"))
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("value=\"essay\" selected");
    let mcq = [
        ("kind", "mcq"),
        ("prompt", "Which are even?"),
        ("option", "2"),
        ("option", ""),
        ("option", "3"),
        ("option", "4"),
        ("correct", "1"),
        ("correct", "4"),
        ("partial_credit", "on"),
        ("points", "2,5"),
        ("tf_answer", "true"),
    ];
    post_question(&client, &exam_id, &mcq).await.assert_status(StatusCode::SEE_OTHER);
    post_question(
        &client,
        &exam_id,
        &[("kind", "true_false"), ("prompt", "Water is wet."), ("tf_answer", "false"), ("points", "1")],
    )
    .await
    .assert_status(StatusCode::SEE_OTHER);
    add_short(&client, &exam_id, "Capital of Peru?", "Lima\nlima city", "0.5").await;
    post_question(
        &client,
        &exam_id,
        &[("kind", "essay"), ("prompt", "Discuss."), ("guidance", "A thesis"), ("points", "4")],
    )
    .await
    .assert_status(StatusCode::SEE_OTHER);
    let qs = question_queries::list_for_exam(&app.state.db, &exam_id).await.expect("questions");
    assert_eq!(qs.iter().map(|q| q.kind).collect::<Vec<_>>(), QuestionKind::ALL);
    assert_eq!(qs[0].options, vec!["2", "3", "4"]);
    assert_eq!(qs[0].key, AnswerKey::Mcq(vec![0, 2]));
    assert!(qs[0].partial_credit);
    assert_eq!(qs[0].points.0, 250);
    assert_eq!(qs[1].key, AnswerKey::TrueFalse(false));
    assert_eq!(qs[2].key, AnswerKey::ShortAnswer(vec!["Lima".into(), "lima city".into()]));
    assert_eq!(qs[2].points.0, 50);
    assert_eq!(qs[3].key, AnswerKey::Essay("A thesis".into()));
    // The edit form comes back filled.
    let res = client.get(&format!("/exams/{exam_id}/questions/{}/edit", qs[0].id)).await;
    res.assert_status(StatusCode::OK).assert_contains("Which are even?").assert_contains("value=\"2.5\"");
    assert_eq!(
        res.body.matches("name=\"correct\" value=\"1\" checked").count()
            + res.body.matches("name=\"correct\" value=\"3\" checked").count(),
        2
    );
    let res = client
        .post_form(
            &format!("/exams/{exam_id}/questions/{}", qs[1].id),
            &[("kind", "true_false"), ("prompt", "Water is dry."), ("tf_answer", "false"), ("points", "1")],
        )
        .await;
    res.assert_status(StatusCode::SEE_OTHER);
    let q = question_queries::get(&app.state.db, &exam_id, &qs[1].id).await.expect("query").expect("question");
    assert_eq!(q.prompt, "Water is dry.");
}

async fn question_errors_are_shown_next_to_the_fields(app: TestApp) {
    let (client, _) = app.login_as(Role::Teacher).await;
    let exam_id = create_exam(&client, "Errors", "60").await;
    let res = post_question(
        &client,
        &exam_id,
        &[("kind", "mcq"), ("prompt", "One option"), ("option", "alone"), ("correct", "1"), ("points", "1.25")],
    )
    .await;
    res.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("A multiple-choice question needs at least 2 options.")
        .assert_contains("Use whole or half points (1, 1.5).")
        .assert_contains("value=\"alone\"");
    let res = post_question(
        &client,
        &exam_id,
        &[("kind", "mcq"), ("prompt", ""), ("option", "a"), ("option", "b"), ("points", "0")],
    )
    .await;
    res.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Enter the question.")
        .assert_contains("Mark at least one correct option")
        .assert_contains("Points must be more than 0.");
    post_question(&client, &exam_id, &[("kind", "true_false"), ("prompt", "T?"), ("points", "1")])
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Choose true or false.");
    post_question(
        &client,
        &exam_id,
        &[("kind", "short_answer"), ("prompt", "S?"), ("accepted", " \n "), ("points", "1")],
    )
    .await
    .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
    .assert_contains("Enter at least one accepted answer.");
    post_question(&client, &exam_id, &[("kind", "drawing"), ("prompt", "D?"), ("points", "1")])
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Choose a kind of question.");
    client.post_form("/lang", &[("lang", "fr")]).await;
    post_question(&client, &exam_id, &[("kind", "essay"), ("prompt", "E?"), ("points", "abc")])
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Saisissez les points en nombre");
    assert!(question_queries::list_for_exam(&app.state.db, &exam_id).await.expect("questions").is_empty());
}

async fn questions_move_and_are_deleted_after_confirmation(app: TestApp) {
    let (client, _) = app.login_as(Role::Teacher).await;
    let exam_id = create_exam(&client, "Order", "60").await;
    for p in ["First?", "Second?", "Third?"] {
        add_short(&client, &exam_id, p, "x", "1").await;
    }
    let prompts = |app: &TestApp| {
        let db = app.state.db.clone();
        let exam_id = exam_id.clone();
        async move {
            question_queries::list_for_exam(&db, &exam_id)
                .await
                .expect("questions")
                .into_iter()
                .map(|q| (q.id, q.prompt))
                .collect::<Vec<_>>()
        }
    };
    let before = prompts(&app).await;
    let res =
        client.htmx_post(&format!("/exams/{exam_id}/questions/{}/move", before[2].0), &[("direction", "up")]).await;
    res.assert_status(StatusCode::OK).assert_contains("id=\"questions\"");
    assert!(!res.body.contains("<html"));
    let after: Vec<String> = prompts(&app).await.into_iter().map(|(_, p)| p).collect();
    assert_eq!(after, ["First?", "Third?", "Second?"]);
    client
        .post_form(&format!("/exams/{exam_id}/questions/{}/move", before[0].0), &[("direction", "down")])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    let after: Vec<String> = prompts(&app).await.into_iter().map(|(_, p)| p).collect();
    assert_eq!(after, ["Third?", "First?", "Second?"]);
    let delete = format!("/exams/{exam_id}/questions/{}/delete", before[0].0);
    let res = client.htmx_post(&delete, &[]).await;
    res.assert_status(StatusCode::OK).assert_contains("Delete question 2?");
    assert_eq!(prompts(&app).await.len(), 3);
    client.htmx_post(&delete, &[("confirm", "yes")]).await.assert_status(StatusCode::OK);
    let left = question_queries::list_for_exam(&app.state.db, &exam_id).await.expect("questions");
    assert_eq!(
        left.iter().map(|q| (q.prompt.as_str(), q.position)).collect::<Vec<_>>(),
        [("Third?", 1), ("Second?", 2)]
    );
    client.htmx_post(&delete, &[("confirm", "yes")]).await.assert_status(StatusCode::NOT_FOUND);
}

async fn preview_shows_no_key(app: TestApp) {
    let (client, _) = app.login_as(Role::Teacher).await;
    let exam_id = create_exam(&client, "Preview", "60").await;
    add_short(&client, &exam_id, "Old name of Paris?", "Lutetia-XYZ", "1").await;
    post_question(
        &client,
        &exam_id,
        &[
            ("kind", "mcq"),
            ("prompt", "Pick"),
            ("option", "Alpha"),
            ("option", "Beta"),
            ("correct", "2"),
            ("points", "1"),
        ],
    )
    .await
    .assert_status(StatusCode::SEE_OTHER);
    post_question(
        &client,
        &exam_id,
        &[("kind", "essay"), ("prompt", "Write."), ("guidance", "Secret-guidance-123"), ("points", "1")],
    )
    .await
    .assert_status(StatusCode::SEE_OTHER);
    // The exam page (teacher's) shows the key; the preview must not.
    client.get(&format!("/exams/{exam_id}")).await.assert_contains("Lutetia-XYZ");
    let res = client.get(&format!("/exams/{exam_id}/preview")).await;
    res.assert_status(StatusCode::OK)
        .assert_contains("this is what students see")
        .assert_contains("Old name of Paris?")
        .assert_contains("Alpha")
        .assert_contains("Beta");
    for secret in ["Lutetia-XYZ", "Secret-guidance-123", "correct", "checked", "Key:"] {
        assert!(!res.body.contains(secret), "the preview shows {secret:?}");
    }
}

/// A submitted attempt of `student` with one answer per (question, response JSON, score).
async fn submitted_attempt(
    app: &TestApp,
    exam_id: &str,
    slot_id: &str,
    grading: &str,
    answers: &[(&str, &str, i64)],
    order: &[String],
) -> String {
    let db = app.state.db.pool();
    let student = app.create_user(Role::Student, &format!("{}@example.test", &new_id()[..8])).await;
    let (booking_id, attempt_id, now) = (new_id(), new_id(), now_ms());
    sqlx::query("INSERT INTO bookings (id, exam_id, slot_id, student_id, status, active_key, created_at) VALUES (?, ?, ?, ?, 'active', ?, ?)")
        .bind(&booking_id).bind(exam_id).bind(slot_id).bind(&student.id).bind(format!("{exam_id}:{}", student.id)).bind(now)
        .execute(db).await.expect("booking");
    let total: i64 = answers.iter().map(|a| a.2).sum();
    sqlx::query(
        "INSERT INTO attempts (id, booking_id, exam_id, student_id, status, started_at, deadline_at, submitted_at, question_order, option_orders, grading_status, score_hundredths, max_score_hundredths, passed) \
         VALUES (?, ?, ?, ?, 'submitted', ?, ?, ?, ?, '{}', ?, ?, 300, 0)",
    )
    .bind(&attempt_id).bind(&booking_id).bind(exam_id).bind(&student.id).bind(now - 60_000).bind(now).bind(now)
    .bind(serde_json::to_string(order).expect("json")).bind(grading).bind((grading == "graded").then_some(total))
    .execute(db).await.expect("attempt");
    for (question_id, response, score) in answers {
        sqlx::query("INSERT INTO answers (attempt_id, question_id, response, saved_at, score_hundredths, comment) VALUES (?, ?, ?, ?, ?, '')")
            .bind(&attempt_id).bind(*question_id).bind(*response).bind(now).bind(*score)
            .execute(db).await.expect("answer");
    }
    attempt_id
}

async fn attempt_row(app: &TestApp, attempt_id: &str) -> (Option<i64>, i64, Option<i64>) {
    sqlx::query_as("SELECT score_hundredths, max_score_hundredths, passed FROM attempts WHERE id = ?")
        .bind(attempt_id)
        .fetch_one(app.state.db.pool())
        .await
        .expect("attempt")
}

async fn regrade_after_a_key_change_updates_the_totals(app: TestApp) {
    let (client, _) = app.login_as(Role::Teacher).await;
    let exam_id = create_exam(&client, "Regrade", "60").await; // pass mark 50 %
    add_short(&client, &exam_id, "Biggest city of France?", "Paris", "2").await;
    post_question(
        &client,
        &exam_id,
        &[("kind", "true_false"), ("prompt", "Sky is blue."), ("tf_answer", "true"), ("points", "1")],
    )
    .await
    .assert_status(StatusCode::SEE_OTHER);
    let qs = question_queries::list_for_exam(&app.state.db, &exam_id).await.expect("questions");
    let order: Vec<String> = qs.iter().map(|q| q.id.clone()).collect();
    let slot_id = proctorwise::exams::queries::insert_slot(&app.state.db, &exam_id, now_ms() - 3_600_000, 10)
        .await
        .expect("slot");
    let (short, tf) = (qs[0].id.as_str(), qs[1].id.as_str());
    // 1 / 3 points: failed. Then a pending attempt and a graded one that was right already.
    let graded =
        submitted_attempt(&app, &exam_id, &slot_id, "graded", &[(short, "\"Lyon\"", 0), (tf, "true", 100)], &order)
            .await;
    let pending = submitted_attempt(&app, &exam_id, &slot_id, "pending", &[(short, "\"lyon\"", 0)], &order).await;
    let right =
        submitted_attempt(&app, &exam_id, &slot_id, "graded", &[(short, "\"Paris\"", 200), (tf, "false", 0)], &order)
            .await;
    assert_eq!(attempt_row(&app, &graded).await, (Some(100), 300, Some(0)));
    // Editing the prompt only changes no key: no regrade offered.
    let edit = format!("/exams/{exam_id}/questions/{short}");
    client
        .post_form(
            &edit,
            &[("kind", "short_answer"), ("prompt", "Largest city of France?"), ("accepted", "Paris"), ("points", "2")],
        )
        .await
        .assert_status(StatusCode::SEE_OTHER);
    // Lyon is now accepted too, and the question is worth 3 points.
    let res = client
        .post_form(
            &edit,
            &[
                ("kind", "short_answer"),
                ("prompt", "Largest city of France?"),
                ("accepted", "Paris\nLyon"),
                ("points", "3"),
            ],
        )
        .await;
    res.assert_status(StatusCode::OK)
        .assert_contains("3 submission(s) answered this question")
        .assert_contains(&format!("action=\"/exams/{exam_id}/questions/{short}/regrade\""))
        .assert_contains("Regrade 3 submission(s)");
    let res = client.post_form(&format!("/exams/{exam_id}/questions/{short}/regrade"), &[]).await;
    res.assert_status(StatusCode::OK).assert_contains("3 attempt(s) regraded.");
    assert_eq!(attempt_row(&app, &graded).await, (Some(400), 400, Some(1)));
    assert_eq!(attempt_row(&app, &right).await, (Some(300), 400, Some(1)));
    // A pending attempt gets its answer's score; its total waits for grading.
    assert_eq!(attempt_row(&app, &pending).await.0, None);
    let score: Option<i64> =
        sqlx::query_scalar("SELECT score_hundredths FROM answers WHERE attempt_id = ? AND question_id = ?")
            .bind(&pending)
            .bind(short)
            .fetch_one(app.state.db.pool())
            .await
            .expect("answer");
    assert_eq!(score, Some(300));
    // Essays are the teacher's: regrading one touches nothing.
    post_question(&client, &exam_id, &[("kind", "essay"), ("prompt", "Why?"), ("points", "1")])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    let essay = question_queries::list_for_exam(&app.state.db, &exam_id).await.expect("questions")[2].id.clone();
    assert_eq!(
        proctorwise::grading::regrade::regrade_question(&app.state.db, &exam_id, &essay).await.expect("regrade"),
        0
    );
}
