//! Bulk import through the real router: preview with per-row errors before anything is saved,
//! confirmation that checks the file again, the 1 MiB limit, the example file.

use axum::http::StatusCode;
use proctorwise::accounts::model::Role;
use proctorwise::exams::questions::AnswerKey;
use proctorwise::exams::questions::queries as question_queries;

use crate::dual;
use crate::exams_support::{create_exam, upload, upload_without_js};
use crate::helpers::TestApp;

dual!(
    example_file_and_upload_page,
    rows_with_errors_are_shown_and_nothing_is_saved,
    a_valid_file_is_saved_whole_after_confirmation,
    the_confirmation_checks_the_file_again,
    files_over_one_mebibyte_get_413,
    uploads_work_without_javascript_and_need_the_token,
);

const VALID: &str = "\u{feff}kind,prompt,options,answer,points,partial_credit\n\
mcq,\"Pick the primes, please\",2|4|5,\"1,3\",2,true\n\
\n\
true_false,\"Multi\nline?\",,false,1,\n\
short_answer,Capital of Chile?,,Santiago|santiago de chile,0.5,\n";

fn hidden(body: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = body.find(&marker).map(|i| i + marker.len()).unwrap_or_else(|| panic!("no hidden {name}"));
    let end = body[start..].find('"').expect("end") + start;
    body[start..end].to_owned()
}

async fn example_file_and_upload_page(app: TestApp) {
    let (client, _) = app.login_as(Role::Teacher).await;
    let exam_id = create_exam(&client, "Import", "60").await;
    client
        .get(&format!("/exams/{exam_id}/import"))
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("enctype=\"multipart/form-data\"")
        .assert_contains("href=\"/exams/import-example.csv\"");
    let res = client.get("/exams/import-example.csv").await;
    res.assert_status(StatusCode::OK).assert_contains("kind,prompt,options,answer,points,partial_credit");
    assert!(res.header("content-type").starts_with("text/csv"));
    assert!(res.header("content-disposition").contains("attachment"));
    // The example imports as it is.
    let res = upload(&client, &format!("/exams/{exam_id}/import"), "example.csv", res.body.as_bytes()).await;
    res.assert_status(StatusCode::OK).assert_contains("All 4 rows are valid");
}

async fn rows_with_errors_are_shown_and_nothing_is_saved(app: TestApp) {
    let (client, _) = app.login_as(Role::Teacher).await;
    let exam_id = create_exam(&client, "Import", "60").await;
    let csv = "kind,prompt,options,answer,points,partial_credit\n\
               essay,Fine,,,1,\n\
               drawing,Bad kind,,x,1,\n\
               mcq,Bad key,a|b,7,1,\n";
    let res = upload(&client, &format!("/exams/{exam_id}/import"), "q.csv", csv.as_bytes()).await;
    res.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("2 row(s) have errors")
        .assert_contains("Row 2, kind:")
        .assert_contains("Choose a kind of question.")
        .assert_contains("Row 3, answer:")
        .assert_contains("A correct option refers to an option that does not exist.");
    assert!(!res.body.contains("/import/confirm"), "no way to save an invalid file");
    // In French.
    client.post_form("/lang", &[("lang", "fr")]).await;
    let res = upload(&client, &format!("/exams/{exam_id}/import"), "q.csv", csv.as_bytes()).await;
    res.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Ligne 2, kind :")
        .assert_contains("Choisissez un type de question.");
    let res = upload(&client, &format!("/exams/{exam_id}/import"), "q.csv", b"mcq,Q,a|b,1,1,\n").await;
    res.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_contains("La première ligne doit nommer les colonnes");
    let mut many = String::from("kind,prompt,answer\n");
    for i in 0..501 {
        many.push_str(&format!("essay,Q{i},\n"));
    }
    let res = upload(&client, &format!("/exams/{exam_id}/import"), "q.csv", many.as_bytes()).await;
    res.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_contains("plus de 500 questions");
    assert!(question_queries::list_for_exam(&app.state.db, &exam_id).await.expect("questions").is_empty());
}

async fn a_valid_file_is_saved_whole_after_confirmation(app: TestApp) {
    let (client, _) = app.login_as(Role::Teacher).await;
    let exam_id = create_exam(&client, "Import", "60").await;
    let res = upload(&client, &format!("/exams/{exam_id}/import"), "questions.csv", VALID.as_bytes()).await;
    res.assert_status(StatusCode::OK)
        .assert_contains("All 3 rows are valid")
        .assert_contains("Pick the primes, please");
    assert!(
        question_queries::list_for_exam(&app.state.db, &exam_id).await.expect("questions").is_empty(),
        "the preview saves nothing"
    );
    let (format, content) = (hidden(&res.body, "format"), hidden(&res.body, "content"));
    assert_eq!(format, "csv");
    let res = client
        .post_form(&format!("/exams/{exam_id}/import/confirm"), &[("format", &format), ("content", &content)])
        .await;
    res.assert_status(StatusCode::SEE_OTHER);
    let qs = question_queries::list_for_exam(&app.state.db, &exam_id).await.expect("questions");
    assert_eq!(
        qs.iter().map(|q| q.prompt.as_str()).collect::<Vec<_>>(),
        ["Pick the primes, please", "Multi\nline?", "Capital of Chile?"]
    );
    assert_eq!(qs[0].key, AnswerKey::Mcq(vec![0, 2]));
    assert!(qs[0].partial_credit);
    assert_eq!(qs[2].key, AnswerKey::ShortAnswer(vec!["Santiago".into(), "santiago de chile".into()]));
    // JSON files too, appended after the existing questions.
    let json = br#"[{"kind": "essay", "prompt": "From JSON", "answer": "Guide", "points": 3}]"#;
    let res = upload(&client, &format!("/exams/{exam_id}/import"), "q.json", json).await;
    res.assert_status(StatusCode::OK);
    let (format, content) = (hidden(&res.body, "format"), hidden(&res.body, "content"));
    assert_eq!(format, "json");
    client
        .post_form(&format!("/exams/{exam_id}/import/confirm"), &[("format", &format), ("content", &content)])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    let qs = question_queries::list_for_exam(&app.state.db, &exam_id).await.expect("questions");
    assert_eq!((qs.len(), qs[3].prompt.as_str(), qs[3].position), (4, "From JSON", 4));
}

async fn the_confirmation_checks_the_file_again(app: TestApp) {
    use base64::Engine;
    let (client, _) = app.login_as(Role::Teacher).await;
    let exam_id = create_exam(&client, "Import", "60").await;
    // A forged confirmation carrying an invalid file is refused like an upload.
    let forged =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode("kind,prompt,answer\nessay,Ok,\nmcq,No options,1\n");
    let res =
        client.post_form(&format!("/exams/{exam_id}/import/confirm"), &[("format", "csv"), ("content", &forged)]).await;
    res.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("A multiple-choice question needs at least 2 options.");
    let res = client
        .post_form(&format!("/exams/{exam_id}/import/confirm"), &[("format", "csv"), ("content", "%%%not base64")])
        .await;
    res.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(question_queries::list_for_exam(&app.state.db, &exam_id).await.expect("questions").is_empty());
    // Another teacher cannot import into this exam.
    let (other, _) = app.login_as(Role::Teacher).await;
    let res = upload(&other, &format!("/exams/{exam_id}/import"), "q.csv", VALID.as_bytes()).await;
    res.assert_status(StatusCode::NOT_FOUND);
}

async fn files_over_one_mebibyte_get_413(app: TestApp) {
    let (client, _) = app.login_as(Role::Teacher).await;
    let exam_id = create_exam(&client, "Import", "60").await;
    let mut big = String::from("kind,prompt,options,answer,points,partial_credit\n");
    while big.len() <= 1024 * 1024 {
        big.push_str("essay,\"A long prompt to fill the file, again and again and again\",,,1,\n");
    }
    let res = upload(&client, &format!("/exams/{exam_id}/import"), "big.csv", big.as_bytes()).await;
    res.assert_status(StatusCode::PAYLOAD_TOO_LARGE).assert_contains("The file is larger than 1 MiB.");
    // Beyond the server's body limit too.
    let huge = vec![b'a'; 3 * 1024 * 1024];
    let res = upload(&client, &format!("/exams/{exam_id}/import"), "huge.csv", &huge).await;
    res.assert_status(StatusCode::PAYLOAD_TOO_LARGE);
    assert!(question_queries::list_for_exam(&app.state.db, &exam_id).await.expect("questions").is_empty());
}

async fn uploads_work_without_javascript_and_need_the_token(app: TestApp) {
    let (client, _) = app.login_as(Role::Teacher).await;
    let exam_id = create_exam(&client, "Import", "60").await;
    let page = client.get(&format!("/exams/{exam_id}/import")).await;
    let token = client.csrf().await;
    page.assert_contains(&format!("action=\"/exams/{exam_id}/import?csrf_token={token}\""));
    let path = format!("/exams/{exam_id}/import");
    upload_without_js(&client, &path, "q.csv", VALID.as_bytes(), None).await.assert_status(StatusCode::FORBIDDEN);
    upload_without_js(&client, &path, "q.csv", VALID.as_bytes(), Some("forged"))
        .await
        .assert_status(StatusCode::FORBIDDEN);
    upload_without_js(&client, &path, "q.csv", VALID.as_bytes(), Some(&token)).await.assert_status(StatusCode::OK);
}
