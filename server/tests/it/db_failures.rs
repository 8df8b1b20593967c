//! What the database refuses for a moment: real deadlocks (MariaDB; a Galera certification
//! conflict reports the same error) and a busy SQLite are retried, and answered as 503 (never a
//! 500) when they persist; a server without a free connection answers 503, never a refusal.
//! Every table has a primary key (Galera replicates no table without one).

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use axum::http::StatusCode;
use proctorwise::db::retry::{Failure, classify};
use proctorwise::db::{Db, retry};
use proctorwise::error::AppError;
use proctorwise::{assembly, build_router};
use sqlx::Connection;

use crate::dual;
use crate::helpers::{Backend, TestApp};
use crate::monitoring::{Taking, post_frame};

dual!(
    every_table_has_a_primary_key,
    a_lost_race_is_retried_and_a_persistent_one_is_a_503,
    no_free_connection_is_a_503_never_a_refusal
);

async fn every_table_has_a_primary_key(app: TestApp) {
    let pool = app.state.db.pool();
    let missing: Vec<String> = match app.backend {
        Backend::MariaDb => sqlx::query_scalar(
            "SELECT t.table_name FROM information_schema.tables t WHERE t.table_schema = DATABASE() \
             AND t.table_type = 'BASE TABLE' AND NOT EXISTS (SELECT 1 FROM information_schema.table_constraints c \
             WHERE c.table_schema = t.table_schema AND c.table_name = t.table_name AND c.constraint_type = 'PRIMARY KEY') \
             ORDER BY t.table_name",
        )
        .fetch_all(pool)
        .await
        .expect("information_schema"),
        Backend::Sqlite => sqlx::query_scalar(
            "SELECT m.name FROM sqlite_master m WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' \
             AND NOT EXISTS (SELECT 1 FROM pragma_table_info(m.name) p WHERE p.pk > 0) ORDER BY m.name",
        )
        .fetch_all(pool)
        .await
        .expect("sqlite_master"),
    };
    assert!(missing.is_empty(), "tables without a primary key: {missing:?}");
    let tables: i64 = match app.backend {
        Backend::MariaDb => {
            sqlx::query_scalar("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE()")
                .fetch_one(pool)
                .await
        }
        Backend::Sqlite => {
            sqlx::query_scalar("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
                .fetch_one(pool)
                .await
        }
    }
    .expect("count");
    assert!(tables > 20, "the check read the schema ({tables} tables)");
}

/// A real transient failure: two transactions that deadlock (MariaDB), or a write while another
/// connection holds SQLite's write lock with no busy timeout. Returns the loser's error.
async fn lose_a_race(app: &TestApp) -> sqlx::Error {
    let db = &app.state.db;
    sqlx::query("CREATE TABLE IF NOT EXISTS race (id BIGINT NOT NULL PRIMARY KEY, v BIGINT NOT NULL)")
        .execute(db.pool())
        .await
        .expect("table");
    sqlx::query("DELETE FROM race").execute(db.pool()).await.expect("empty");
    sqlx::query("INSERT INTO race (id, v) VALUES (1, 0), (2, 0)").execute(db.pool()).await.expect("rows");
    match app.backend {
        Backend::MariaDb => deadlock(db).await,
        Backend::Sqlite => busy(app).await,
    }
}

async fn deadlock(db: &Db) -> sqlx::Error {
    let bump = "UPDATE race SET v = v + 1 WHERE id = ?";
    let mut a = db.pool().begin().await.expect("a");
    let mut b = db.pool().begin().await.expect("b");
    sqlx::query(bump).bind(1).execute(&mut *a).await.expect("a takes 1");
    sqlx::query(bump).bind(2).execute(&mut *b).await.expect("b takes 2");
    // Each now wants the other's row: InnoDB picks a victim and rolls its transaction back.
    let (ra, rb) = tokio::join!(async { sqlx::query(bump).bind(2).execute(&mut *a).await }, async {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        sqlx::query(bump).bind(1).execute(&mut *b).await
    });
    match (ra, rb) {
        (Err(e), Ok(_)) | (Ok(_), Err(e)) => e,
        other => panic!("expected exactly one deadlock victim, got {other:?}"),
    }
}

async fn busy(app: &TestApp) -> sqlx::Error {
    let mut holder = app.state.db.pool().acquire().await.expect("holder");
    sqlx::query("BEGIN IMMEDIATE").execute(&mut *holder).await.expect("write lock");
    let mut other = sqlx::AnyConnection::connect(&app.state.config.database_url).await.expect("second connection");
    sqlx::query("PRAGMA busy_timeout = 0").execute(&mut other).await.expect("no wait");
    let err = sqlx::query("UPDATE race SET v = v + 1 WHERE id = 1").execute(&mut other).await.expect_err("busy");
    sqlx::query("ROLLBACK").execute(&mut *holder).await.expect("release");
    err
}

async fn a_lost_race_is_retried_and_a_persistent_one_is_a_503(app: TestApp) {
    let err = lose_a_race(&app).await;
    assert_eq!(classify(&err), Failure::Retryable, "{err:?}");
    let error = AppError::from(err);
    assert_eq!(error.status(), StatusCode::SERVICE_UNAVAILABLE, "not a 500");

    // The operation loses once, then runs again from the start and succeeds.
    let runs = AtomicU32::new(0);
    let app_ref = &app;
    let value = retry("test", || {
        let run = runs.fetch_add(1, Ordering::SeqCst);
        async move {
            if run == 0 {
                return Err(lose_a_race(app_ref).await);
            }
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM race").fetch_one(app_ref.state.db.pool()).await
        }
    })
    .await
    .expect("retried");
    assert_eq!(runs.load(Ordering::SeqCst), 2);
    assert_eq!(value, 2);

    // A race lost every time is given up after a bounded number of runs.
    let runs = AtomicU32::new(0);
    let persistent = retry("test", || {
        runs.fetch_add(1, Ordering::SeqCst);
        async { Err::<(), _>(lose_a_race(app_ref).await) }
    })
    .await
    .expect_err("always lost");
    assert_eq!(runs.load(Ordering::SeqCst), proctorwise::db::retry::ATTEMPTS);
    assert_eq!(AppError::from(persistent).status(), StatusCode::SERVICE_UNAVAILABLE);

    // An error of another kind is not retried.
    let runs = AtomicU32::new(0);
    let failed = retry("test", || {
        runs.fetch_add(1, Ordering::SeqCst);
        async { sqlx::query("SELECT * FROM no_such_table").execute(app_ref.state.db.pool()).await }
    })
    .await
    .expect_err("no such table");
    assert_eq!((runs.load(Ordering::SeqCst), classify(&failed)), (1, Failure::Other));
    assert_eq!(AppError::from(failed).status(), StatusCode::INTERNAL_SERVER_ERROR);
}

/// A replica whose database node is gone or stalled (a Galera node killed: the cluster freezes
/// its writes until it declares the node dead) has no free connection for a while. Its
/// students' frames and answers are told to try again (503 with `Retry-After`), not refused as
/// if their session had no CSRF token (403) nor failed (500); they go through again afterwards.
async fn no_free_connection_is_a_503_never_a_refusal(app: TestApp) {
    let t = Taking::new(&app).await;
    t.frame(1, &[0.9], &[], false).await.assert_status(StatusCode::ACCEPTED);
    let db = Db::connect_with(&app.state.config.database_url, Duration::from_millis(200)).await.expect("second pool");
    let student = t.client().on(build_router(assembly::state_with_db((*app.state.config).clone(), db.clone())));
    let mut held = Vec::new();
    for _ in 0..db.pool().options().get_max_connections() {
        held.push(db.pool().acquire().await.expect("a connection"));
    }
    let frame = post_frame(&student, &t.frames_url(), 2, &[0.9], &[], false).await;
    frame.assert_status(StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(frame.header("retry-after"), "1");
    let answer = student.post_form(&format!("/attempts/{}/q/1", t.attempt_id), &[("text", "Paris")]).await;
    answer.assert_status(StatusCode::SERVICE_UNAVAILABLE);
    drop(held);
    post_frame(&student, &t.frames_url(), 3, &[0.9], &[], false).await.assert_status(StatusCode::ACCEPTED);
    db.close().await;
}
