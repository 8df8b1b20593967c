//! The exam editor: creating and editing exams, validation, escaping, ownership, publication,
//! deletion and unpublication with their booking cancellations, accommodations.

use axum::http::StatusCode;
use proctorwise::accounts::model::Role;
use proctorwise::exams::accommodations::queries as accommodation_queries;
use proctorwise::exams::queries;

use crate::dual;
use crate::exams_support::{HOUR, add_short, add_slot, book, cancelled_events, count, create_exam, published_exam};
use crate::fixtures::World;
use crate::helpers::TestApp;

dual!(
    teacher_creates_and_edits_an_exam,
    invalid_settings_are_rerendered_with_messages,
    titles_are_shown_as_text,
    other_teachers_get_404_and_admins_get_through,
    publishing_needs_a_question_and_an_upcoming_slot,
    duration_changes_move_slot_ends_until_an_attempt_exists,
    unpublishing_with_bookings_asks_then_cancels_them,
    deleting_asks_then_cancels_bookings_and_hides_the_exam,
    accommodations_are_granted_listed_and_removed,
);

async fn teacher_creates_and_edits_an_exam(app: TestApp) {
    let (client, teacher) = app.login_as(Role::Teacher).await;
    client.get("/teacher").await.assert_status(StatusCode::OK).assert_contains("href=\"/exams/new\"");
    client.get("/exams/new").await.assert_status(StatusCode::OK).assert_contains("name=\"duration_minutes\"");
    let exam_id = create_exam(&client, "Algebra I", "45").await;
    let exam = queries::get_exam(&app.state.db, &exam_id).await.expect("query").expect("exam");
    assert_eq!(
        (exam.teacher_id.as_str(), exam.duration_minutes, exam.pass_mark_percent),
        (teacher.id.as_str(), 45, 50)
    );
    client.get("/teacher").await.assert_contains(&format!("href=\"/exams/{exam_id}\"")).assert_contains("Algebra I");
    let page = client.get(&format!("/exams/{exam_id}")).await;
    page.assert_status(StatusCode::OK).assert_contains("Algebra I").assert_contains("id=\"slots\"");
    client.get(&format!("/exams/{exam_id}/edit")).await.assert_status(StatusCode::OK).assert_contains("value=\"45\"");
    let res = client
        .post_form(
            &format!("/exams/{exam_id}"),
            &[
                ("title", "Algebra II"),
                ("description", ""),
                ("duration_minutes", "90"),
                ("pass_mark_percent", "75"),
                ("shuffle_questions", "on"),
                ("release_mode", "manual"),
            ],
        )
        .await;
    res.assert_status(StatusCode::SEE_OTHER);
    let exam = queries::get_exam(&app.state.db, &exam_id).await.expect("query").expect("exam");
    assert_eq!(exam.title, "Algebra II");
    assert_eq!(
        (exam.duration_minutes, exam.pass_mark_percent, exam.shuffle_questions, exam.shuffle_options),
        (90, 75, true, false)
    );
    assert_eq!(exam.release_mode.as_str(), "manual");
}

async fn invalid_settings_are_rerendered_with_messages(app: TestApp) {
    let (client, _) = app.login_as(Role::Teacher).await;
    let long = "x".repeat(201);
    let res = client
        .post_form(
            "/exams",
            &[("title", &long), ("duration_minutes", "301"), ("pass_mark_percent", "101"), ("release_mode", "later")],
        )
        .await;
    res.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("The title may have at most 200 characters.")
        .assert_contains("Enter a duration between 5 and 300 minutes.")
        .assert_contains("Enter a pass mark between 0 and 100.")
        .assert_contains("Choose when results are released.");
    let res =
        client.post_form("/exams", &[("title", " "), ("duration_minutes", "4"), ("release_mode", "immediate")]).await;
    res.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_contains("Enter a title.");
    // In French too.
    client.post_form("/lang", &[("lang", "fr")]).await;
    let res =
        client.post_form("/exams", &[("title", ""), ("duration_minutes", "60"), ("release_mode", "immediate")]).await;
    res.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_contains("Saisissez un titre.");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM exams WHERE status <> ?", "deleted").await, 0);
}

async fn titles_are_shown_as_text(app: TestApp) {
    let (client, _) = app.login_as(Role::Teacher).await;
    let exam_id = create_exam(&client, "<script>alert(1)</script>", "60").await;
    for path in ["/teacher".to_owned(), format!("/exams/{exam_id}"), format!("/exams/{exam_id}/preview")] {
        let res = client.get(&path).await;
        res.assert_status(StatusCode::OK).assert_contains("&lt;script&gt;alert(1)&lt;/script&gt;");
        assert!(!res.body.contains("<script>alert(1)"), "{path} lets the title through as HTML");
    }
}

async fn other_teachers_get_404_and_admins_get_through(app: TestApp) {
    let world = World::new(&app).await;
    let (teacher, _) = app.login_as(Role::Teacher).await;
    let (admin, _) = app.login_as(Role::Admin).await;
    let exam = format!("/exams/{}", world.exam_id);
    teacher.get(&exam).await.assert_status(StatusCode::NOT_FOUND);
    teacher.get("/exams/not-an-id").await.assert_status(StatusCode::NOT_FOUND);
    let res = teacher
        .post_form(&exam, &[("title", "Mine now"), ("duration_minutes", "60"), ("release_mode", "immediate")])
        .await;
    res.assert_status(StatusCode::NOT_FOUND);
    assert!(!teacher.get("/teacher").await.body.contains("World exam"));
    admin.get(&exam).await.assert_status(StatusCode::OK).assert_contains("World exam");
    admin.get("/teacher").await.assert_status(StatusCode::OK).assert_contains("World exam");
    let res = admin
        .post_form(&exam, &[("title", "Renamed by admin"), ("duration_minutes", "60"), ("release_mode", "immediate")])
        .await;
    // The world has an attempt, yet the duration did not change: the edit is accepted.
    res.assert_status(StatusCode::SEE_OTHER);
    let stored = queries::get_exam(&app.state.db, &world.exam_id).await.expect("query").expect("exam");
    assert_eq!((stored.title.as_str(), stored.teacher_id.as_str()), ("Renamed by admin", world.teacher.id.as_str()));
}

async fn publishing_needs_a_question_and_an_upcoming_slot(app: TestApp) {
    let (client, _) = app.login_as(Role::Teacher).await;
    let exam_id = create_exam(&client, "To publish", "30").await;
    let publish = format!("/exams/{exam_id}/publish");
    let res = client.post_form(&publish, &[]).await;
    res.assert_status(StatusCode::CONFLICT)
        .assert_contains("Add at least one question.")
        .assert_contains("Add at least one upcoming slot.");
    add_short(&client, &exam_id, "Q?", "A", "1").await;
    let res = client.post_form(&publish, &[]).await;
    res.assert_status(StatusCode::CONFLICT).assert_contains("Add at least one upcoming slot.");
    assert!(!res.body.contains("Add at least one question."));
    add_slot(&client, &exam_id, 2 * HOUR, "10").await.assert_status(StatusCode::SEE_OTHER);
    client.post_form(&publish, &[]).await.assert_status(StatusCode::SEE_OTHER);
    let exam = queries::get_exam(&app.state.db, &exam_id).await.expect("query").expect("exam");
    assert_eq!(exam.status.as_str(), "published");
    // Unpublishing without bookings needs no confirmation.
    client.post_form(&format!("/exams/{exam_id}/unpublish"), &[]).await.assert_status(StatusCode::SEE_OTHER);
    let exam = queries::get_exam(&app.state.db, &exam_id).await.expect("query").expect("exam");
    assert_eq!(exam.status.as_str(), "draft");
}

async fn duration_changes_move_slot_ends_until_an_attempt_exists(app: TestApp) {
    let world = World::new(&app).await;
    let (admin, _) = app.login_as(Role::Admin).await;
    let (client, _) = app.login_as(Role::Teacher).await;
    let exam_id = create_exam(&client, "Timed", "60").await;
    add_slot(&client, &exam_id, 2 * HOUR, "10").await.assert_status(StatusCode::SEE_OTHER);
    add_slot(&client, &exam_id, 4 * HOUR, "10").await.assert_status(StatusCode::SEE_OTHER);
    let edit =
        |minutes: &'static str| [("title", "Timed"), ("duration_minutes", minutes), ("release_mode", "immediate")];
    client.post_form(&format!("/exams/{exam_id}"), &edit("90")).await.assert_status(StatusCode::SEE_OTHER);
    for slot in queries::list_slots(&app.state.db, &exam_id).await.expect("slots") {
        assert_eq!(slot.ends_at - slot.starts_at, 90 * 60_000);
    }
    // 150 minutes would make the two slots (2 h apart) overlap.
    let res = client.post_form(&format!("/exams/{exam_id}"), &edit("150")).await;
    res.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_contains("two slots of the exam would overlap");
    // The world's exam has an attempt: its duration is frozen.
    let res = admin
        .post_form(
            &format!("/exams/{}", world.exam_id),
            &[("title", "World exam"), ("duration_minutes", "90"), ("release_mode", "immediate")],
        )
        .await;
    res.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_contains("its duration can no longer change");
    let exam = queries::get_exam(&app.state.db, &world.exam_id).await.expect("query").expect("exam");
    assert_eq!(exam.duration_minutes, 60);
}

async fn unpublishing_with_bookings_asks_then_cancels_them(app: TestApp) {
    let (client, teacher) = app.login_as(Role::Teacher).await;
    let (exam_id, slot_id) = published_exam(&app, &client).await;
    book(&app, &slot_id, "ann").await;
    book(&app, &slot_id, "ben").await;
    let res = client.post_form(&format!("/exams/{exam_id}/unpublish"), &[]).await;
    res.assert_status(StatusCode::OK)
        .assert_contains("Unpublishing cancels 2 active booking(s)")
        .assert_contains("name=\"confirm\"");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM bookings WHERE exam_id = ? AND status = 'active'", &exam_id).await, 2);
    client
        .post_form(&format!("/exams/{exam_id}/unpublish"), &[("confirm", "yes")])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM bookings WHERE exam_id = ? AND status = 'active'", &exam_id).await, 0);
    let events = cancelled_events(&app).await;
    assert_eq!(events.len(), 2);
    assert!(events.iter().all(|(_, payload)| payload.contains("exam_unpublished") && payload.contains(&teacher.id)));
    let exam = queries::get_exam(&app.state.db, &exam_id).await.expect("query").expect("exam");
    assert_eq!(exam.status.as_str(), "draft");
}

async fn deleting_asks_then_cancels_bookings_and_hides_the_exam(app: TestApp) {
    let (client, _) = app.login_as(Role::Teacher).await;
    let (exam_id, slot_id) = published_exam(&app, &client).await;
    book(&app, &slot_id, "cat").await;
    let res = client.post_form(&format!("/exams/{exam_id}/delete"), &[]).await;
    res.assert_status(StatusCode::OK).assert_contains("1 active booking(s) will be cancelled");
    assert!(queries::get_exam(&app.state.db, &exam_id).await.expect("query").is_some());
    let res = client.post_form(&format!("/exams/{exam_id}/delete"), &[("confirm", "yes")]).await;
    res.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(res.location(), "/teacher");
    assert!(queries::get_exam(&app.state.db, &exam_id).await.expect("query").is_none());
    client.get(&format!("/exams/{exam_id}")).await.assert_status(StatusCode::NOT_FOUND);
    assert!(!client.get("/teacher").await.body.contains("Published exam"));
    let events = cancelled_events(&app).await;
    assert_eq!(events.len(), 1);
    assert!(events[0].1.contains("exam_deleted"));
}

async fn accommodations_are_granted_listed_and_removed(app: TestApp) {
    let (client, _) = app.login_as(Role::Teacher).await;
    let exam_id = create_exam(&client, "With extra time", "60").await;
    let student = app.create_user(Role::Student, "dora@example.test").await;
    app.create_user(Role::Teacher, "tom@example.test").await;
    let grant = format!("/exams/{exam_id}/accommodations");
    let res = client.htmx_post(&grant, &[("email", "tom@example.test"), ("extra_minutes", "15")]).await;
    res.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_contains("No student account has this email.");
    let res = client
        .htmx_post(&grant, &[("email", "DORA@example.test"), ("extra_minutes", "601"), ("extra_percent", "300")])
        .await;
    res.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Enter between 0 and 600 minutes.")
        .assert_contains("Enter between 0 and 200 %.");
    let res = client
        .htmx_post(
            &grant,
            &[("email", "DORA@example.test"), ("extra_minutes", "15"), ("extra_percent", "25"), ("note", "Dyslexia")],
        )
        .await;
    res.assert_status(StatusCode::OK).assert_contains("id=\"accommodations\"").assert_contains("Dyslexia");
    assert!(!res.body.contains("<html"), "htmx gets the section only");
    let stored = accommodation_queries::get_accommodation(&app.state.db, &exam_id, &student.id)
        .await
        .expect("query")
        .expect("row");
    assert_eq!((stored.extra_minutes, stored.extra_percent), (15, 25));
    client
        .get(&format!("/exams/{exam_id}/accommodations/students?email=dora"))
        .await
        .assert_contains("value=\"dora@example.test\"");
    client.get(&format!("/exams/{exam_id}")).await.assert_contains("dora@example.test");
    let res = client.post_form(&format!("/exams/{exam_id}/accommodations/{}/remove", student.id), &[]).await;
    res.assert_status(StatusCode::SEE_OTHER);
    assert!(
        accommodation_queries::get_accommodation(&app.state.db, &exam_id, &student.id).await.expect("query").is_none()
    );
}
