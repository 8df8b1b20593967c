//! `TestApp`: the real router on a fresh database (SQLite file or MariaDB database per test),
//! and `Client`: a browser-like cookie jar that follows the CSRF token of the pages it gets.

use std::path::PathBuf;
use std::sync::Mutex;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use proctorwise::accounts::model::{Email, NewUser, Role, User};
use proctorwise::accounts::{password, queries};
use proctorwise::config::default_sqlite_url;
use proctorwise::db::Db;
use proctorwise::{AppState, Config, build_router};
use tower::ServiceExt;

pub mod services;

/// The database a test runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    MariaDb,
}

/// Generates `mod name { fn sqlite(); fn mariadb(); }` running `async fn name(app: TestApp)`.
#[macro_export]
macro_rules! dual {
    ($($name:ident),+ $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name($crate::helpers::TestApp::new($crate::helpers::Backend::Sqlite).await).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn mariadb() {
                super::$name($crate::helpers::TestApp::new($crate::helpers::Backend::MariaDb).await).await
            }
        }
    )+};
}

/// Server of the MariaDB the suite must use (fails, never skips, when it is unreachable).
fn mariadb_server_url() -> String {
    std::env::var("PROCTORWISE_TEST_MARIADB_URL").unwrap_or_else(|_| "mysql://root@127.0.0.1:3306".into())
}

pub const PASSWORD: &str = "correct horse battery";

/// One argon2 hash of [`PASSWORD`] for every test account (hashing is deliberately slow).
async fn password_hash() -> String {
    static HASH: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    HASH.get_or_init(|| async { password::hash(PASSWORD.into()).await.expect("hash") }).await.clone()
}

pub struct TestApp {
    pub state: AppState,
    pub router: Router,
    pub backend: Backend,
    _dir: tempfile::TempDir,
    mariadb_database: Option<String>,
}

impl TestApp {
    pub async fn new(backend: Backend) -> Self {
        Self::with_config(backend, |_| {}).await
    }

    pub async fn with_config(backend: Backend, adjust: impl FnOnce(&mut Config)) -> Self {
        Self::with_state(backend, adjust, |_| {}).await
    }

    /// Like [`with_config`], with a last change to the state before the router is built.
    pub async fn with_state(
        backend: Backend,
        adjust: impl FnOnce(&mut Config),
        adjust_state: impl FnOnce(&mut AppState),
    ) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let (url, mariadb_database) = match backend {
            Backend::Sqlite => (default_sqlite_url(dir.path()), None),
            Backend::MariaDb => {
                let server = mariadb_server_url();
                let name = format!("pwt_{}", uuid::Uuid::new_v4().simple());
                let admin = Db::connect(&format!("{server}/mysql")).await.unwrap_or_else(|e| {
                    panic!("MariaDB at {server} is required for the integration suite and is unreachable: {e:#}. Start it or set PROCTORWISE_TEST_MARIADB_URL.")
                });
                sqlx::query(&format!("CREATE DATABASE {name} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"))
                    .execute(admin.pool())
                    .await
                    .expect("create test database");
                admin.close().await;
                (format!("{server}/{name}"), Some(name))
            }
        };
        let mut config = proctorwise::assembly::config_for(dir.path().to_path_buf(), url);
        config.static_dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../static"));
        adjust(&mut config);
        let mut state = proctorwise::assembly::state(config).await.expect("app state");
        adjust_state(&mut state);
        let router = build_router(state.clone());
        Self { state, router, backend, _dir: dir, mariadb_database }
    }

    /// A new router on the same database, as after a server restart.
    pub fn restart(&self) -> Router {
        build_router(self.restarted_state())
    }

    /// The state a new server process on the same database starts with.
    pub fn restarted_state(&self) -> AppState {
        proctorwise::assembly::state_with_db((*self.state.config).clone(), self.state.db.clone())
    }

    pub fn client(&self) -> Client {
        Client { router: self.router.clone(), cookie: Mutex::new(None), csrf: Mutex::new(None) }
    }

    /// Creates an account directly in the database.
    pub async fn create_user(&self, role: Role, email: &str) -> User {
        let new = NewUser {
            email: Email::parse(email).expect("test email"),
            name: format!("{} Test", role.as_str()),
            password: PASSWORD.into(),
            role,
            locale: None,
        };
        let hash = password_hash().await;
        queries::insert(&self.state.db, &new, &hash).await.expect("insert user")
    }

    /// A client logged in (through the login form) as a new user with `role`.
    pub async fn login_as(&self, role: Role) -> (Client, User) {
        let email = format!("{}-{}@example.test", role.as_str(), &uuid::Uuid::new_v4().simple().to_string()[..8]);
        let user = self.create_user(role, &email).await;
        let client = self.client();
        client.login(&email, PASSWORD).await.assert_status(StatusCode::SEE_OTHER);
        (client, user)
    }

    /// A bearer token for a user created with [`create_user`].
    pub async fn token_for(&self, user: &User) -> String {
        let res = self
            .client()
            .json(
                Method::POST,
                "/api/v1/auth/token",
                serde_json::json!({"email": user.email, "password": PASSWORD}),
                None,
            )
            .await;
        res.assert_status(StatusCode::OK);
        res.json()["token"].as_str().expect("token").to_owned()
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let Some(name) = self.mariadb_database.take() else { return };
        let db = self.state.db.clone();
        // Drop runs outside async context rules: use a private runtime on a thread.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
            rt.block_on(async move {
                db.close().await;
                if let Ok(admin) = Db::connect(&format!("{}/mysql", mariadb_server_url())).await {
                    let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name}")).execute(admin.pool()).await;
                    admin.close().await;
                }
            });
        })
        .join();
    }
}

pub struct TestResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl TestResponse {
    #[track_caller]
    pub fn assert_status(&self, expected: StatusCode) -> &Self {
        assert_eq!(self.status, expected, "unexpected status; body:\n{}", &self.body[..self.body.len().min(2000)]);
        self
    }

    pub fn location(&self) -> &str {
        self.headers.get(header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or("")
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    #[track_caller]
    pub fn assert_contains(&self, needle: &str) -> &Self {
        assert!(self.body.contains(needle), "body lacks {needle:?}:\n{}", &self.body[..self.body.len().min(3000)]);
        self
    }
}

/// A cookie jar with the page's CSRF token.
pub struct Client {
    router: Router,
    cookie: Mutex<Option<String>>,
    csrf: Mutex<Option<String>>,
}

impl Client {
    pub fn session_cookie(&self) -> Option<String> {
        self.cookie.lock().expect("lock").clone()
    }

    pub async fn send(&self, mut req: Request<Body>) -> TestResponse {
        if let Some(cookie) = self.session_cookie() {
            req.headers_mut().insert(header::COOKIE, cookie.parse().expect("cookie"));
        }
        let response = self.router.clone().oneshot(req).await.expect("router is infallible");
        let status = response.status();
        let headers = response.headers().clone();
        for set in headers.get_all(header::SET_COOKIE) {
            let set = set.to_str().expect("ascii cookie");
            let pair = set.split(';').next().unwrap_or_default().to_owned();
            let expired = set.contains("Max-Age=0") || pair.ends_with('=');
            let mut jar = self.cookie.lock().expect("lock");
            let new = if expired { None } else { Some(pair) };
            if *jar != new {
                // A new session (login rotates the id): its CSRF token is not the old one.
                *self.csrf.lock().expect("lock") = None;
            }
            *jar = new;
        }
        let bytes = response.into_body().collect().await.expect("body").to_bytes();
        let body = String::from_utf8_lossy(&bytes).into_owned();
        // An error page rendered while the session could not be read carries no token: the
        // browser keeps the one of the page it is on.
        if let Some(token) = meta_csrf(&body).filter(|t| !t.is_empty()) {
            *self.csrf.lock().expect("lock") = Some(token);
        }
        TestResponse { status, headers, body }
    }

    pub async fn get(&self, path: &str) -> TestResponse {
        self.send(Request::get(path).body(Body::empty()).expect("request")).await
    }

    /// GET reading only the status and headers (for endless responses such as event streams).
    pub async fn get_head_only(&self, path: &str) -> TestResponse {
        let mut req = Request::get(path).body(Body::empty()).expect("request");
        if let Some(cookie) = self.session_cookie() {
            req.headers_mut().insert(header::COOKIE, cookie.parse().expect("cookie"));
        }
        let response = self.router.clone().oneshot(req).await.expect("router is infallible");
        TestResponse { status: response.status(), headers: response.headers().clone(), body: String::new() }
    }

    /// GET returning the raw body bytes (PDF downloads).
    pub async fn get_bytes(&self, path: &str) -> (StatusCode, HeaderMap, Vec<u8>) {
        let mut req = Request::get(path).body(Body::empty()).expect("request");
        if let Some(cookie) = self.session_cookie() {
            req.headers_mut().insert(header::COOKIE, cookie.parse().expect("cookie"));
        }
        let response = self.router.clone().oneshot(req).await.expect("router is infallible");
        let (status, headers) = (response.status(), response.headers().clone());
        let bytes = response.into_body().collect().await.expect("body").to_bytes();
        (status, headers, bytes.to_vec())
    }

    pub async fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> TestResponse {
        let mut req = Request::get(path);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        self.send(req.body(Body::empty()).expect("request")).await
    }

    /// The CSRF token of this client's session (fetching a page first if needed).
    pub async fn csrf(&self) -> String {
        if let Some(token) = self.csrf.lock().expect("lock").clone() {
            return token;
        }
        // Like a browser: open a page (following redirects) and read the token it carries.
        let mut path = "/login".to_owned();
        for _ in 0..3 {
            let res = self.get(&path).await;
            if let Some(token) = self.csrf.lock().expect("lock").clone() {
                return token;
            }
            path = res.location().to_owned();
        }
        panic!("no page carried a CSRF token")
    }

    /// Posts a urlencoded form with the session's CSRF token.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> TestResponse {
        let token = self.csrf().await;
        let mut all = fields.to_vec();
        all.push(("csrf_token", &token));
        self.post_raw(path, &serde_urlencoded::to_string(&all).expect("form"), &[]).await
    }

    /// Posts a form as htmx does: token in the header.
    pub async fn htmx_post(&self, path: &str, fields: &[(&str, &str)]) -> TestResponse {
        let token = self.csrf().await;
        let body = serde_urlencoded::to_string(fields).expect("form");
        self.post_raw(path, &body, &[("hx-request", "true"), ("x-csrf-token", &token)]).await
    }

    /// Posts a urlencoded body exactly as given.
    pub async fn post_raw(&self, path: &str, body: &str, headers: &[(&str, &str)]) -> TestResponse {
        let mut req = Request::post(path).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        self.send(req.body(Body::from(body.to_owned())).expect("request")).await
    }

    pub async fn json(
        &self,
        method: Method,
        path: &str,
        body: serde_json::Value,
        bearer: Option<&str>,
    ) -> TestResponse {
        let mut req = Request::builder().method(method).uri(path).header(header::CONTENT_TYPE, "application/json");
        if let Some(token) = bearer {
            req = req.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        self.send(req.body(Body::from(body.to_string())).expect("request")).await
    }

    pub async fn api_get(&self, path: &str, bearer: Option<&str>) -> TestResponse {
        let mut req = Request::get(path);
        if let Some(token) = bearer {
            req = req.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        self.send(req.body(Body::empty()).expect("request")).await
    }

    /// The same cookie jar on another router (a restarted server).
    pub fn on(&self, router: Router) -> Client {
        Client {
            router,
            cookie: Mutex::new(self.session_cookie()),
            csrf: Mutex::new(self.csrf.lock().expect("lock").clone()),
        }
    }

    /// Posts `multipart/form-data` parts `(name, content type, bytes)` with the CSRF header, as
    /// a script does.
    pub async fn post_multipart(&self, path: &str, parts: &[(&str, &str, Vec<u8>)]) -> TestResponse {
        let token = self.csrf().await;
        let boundary = "pw-test-boundary-7d1f";
        let mut body = Vec::new();
        for (name, content_type, bytes) in parts {
            let filename = if *name == "frame" { "; filename=\"frame.jpg\"" } else { "" };
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"{filename}\r\nContent-Type: {content_type}\r\n\r\n"
                )
                .as_bytes(),
            );
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        let req = Request::post(path)
            .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
            .header("x-csrf-token", token)
            .body(Body::from(body))
            .expect("request");
        self.send(req).await
    }

    /// Posts JSON with the session cookie and the CSRF header, as a script does.
    pub async fn post_json_csrf(&self, path: &str, body: serde_json::Value) -> TestResponse {
        let token = self.csrf().await;
        let req = Request::post(path)
            .header(header::CONTENT_TYPE, "application/json")
            .header("x-csrf-token", token)
            .body(Body::from(body.to_string()))
            .expect("request");
        self.send(req).await
    }

    pub async fn login(&self, email: &str, password: &str) -> TestResponse {
        self.post_form("/login", &[("email", email), ("password", password)]).await
    }
}

fn meta_csrf(body: &str) -> Option<String> {
    let start = body.find("name=\"csrf-token\" content=\"")? + "name=\"csrf-token\" content=\"".len();
    let end = body[start..].find('"')? + start;
    Some(body[start..end].to_owned())
}
