//! The browser's endpoints (MONITORING-CONTRACT): `POST /monitoring/sessions/{id}/frames`
//! (multipart verdict + optional JPEG) and `POST /monitoring/sessions/{id}/events` (JSON). Only
//! the student's own active session; answers are JSON, errors too (`{"error": code, "message": …}`,
//! like the API's, whoever asked).

pub mod decide;
mod jpeg;
pub mod lane;
pub mod notices;
pub mod pipeline;
pub mod refusal;
pub mod sampling;

use axum::Json;
use axum::extract::multipart::{Field, MultipartRejection};
use axum::extract::rejection::JsonRejection;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use super::rules::{BrowserEvent, Observation};
use crate::accounts::extract::MaybeUser;
use crate::accounts::model::{Role, User};
use crate::app::AppState;
use crate::db::is_id;
use crate::error::{AppError, JsonError};
use crate::i18n::Lang;
use jpeg::{JPEG_MAGIC, JpegProblem, check_jpeg};
use pipeline::{CheckedJpeg, FrameIn, Refusal};

/// Why a frame or an event is refused: the error and the message for the student.
fn refusal(r: &Refusal, lang: Lang) -> JsonError {
    match r {
        Refusal::NotFound => AppError::NotFound.json_because(lang.t("monitor.err.no_session")),
        Refusal::Forbidden => AppError::Forbidden.json_because(lang.t("monitor.err.not_yours")),
        Refusal::Stopped => AppError::Conflict(lang.t("monitor.err.stopped").to_owned()).into(),
        Refusal::Throttled => AppError::Throttled {
            message: lang.t("monitor.err.throttled").to_owned(),
            retry_after_secs: THROTTLE_RETRY_SECS,
        }
        .into(),
    }
}

/// Seconds after which a throttled browser may send again (the rate is counted per 10 s).
const THROTTLE_RETRY_SECS: u64 = 10;

/// The caller if they are a student.
fn student(user: Option<User>, lang: Lang) -> Result<User, JsonError> {
    match user {
        None => Err(AppError::Unauthorized.into()),
        Some(u) if u.role != Role::Student => Err(AppError::Forbidden.json_because(lang.t("monitor.err.not_yours"))),
        Some(u) => Ok(u),
    }
}

#[derive(Deserialize)]
struct VerdictFace {
    score: f32,
}

#[derive(Deserialize)]
struct VerdictObject {
    label: String,
    score: f32,
}

/// The browser's verdict (extra fields such as boxes and timings are kept with the frame, unread).
#[derive(Deserialize)]
struct Verdict {
    seq: i64,
    captured_at: i64,
    analyzed: bool,
    #[serde(default)]
    faces: Vec<VerdictFace>,
    #[serde(default)]
    objects: Vec<VerdictObject>,
}

fn parse_verdict(text: &str) -> Option<(Verdict, Option<Observation>)> {
    let v: Verdict = serde_json::from_str(text).ok()?;
    let score_ok = |s: f32| s.is_finite() && (0.0..=1.0).contains(&s);
    let sane = v.seq >= 0
        && v.faces.len() <= 50
        && v.objects.len() <= 100
        && v.faces.iter().all(|f| score_ok(f.score))
        && v.objects.iter().all(|o| score_ok(o.score) && o.label.len() <= 64);
    if !sane {
        return None;
    }
    let seen = v.analyzed.then(|| Observation {
        faces: v.faces.iter().map(|f| f.score).collect(),
        objects: v.objects.iter().map(|o| (o.label.clone(), o.score)).collect(),
        frame_id: None,
        faces_only: false,
    });
    Some((v, seen))
}

/// Why a multipart field was not read to its end.
enum ReadStop {
    /// Larger than allowed (413).
    TooLarge,
    /// A frame whose first bytes are not a JPEG's (415), seen before the rest is read.
    NotJpeg,
    /// A broken body (422).
    Broken,
}

/// Reads a field up to `max` bytes; a `jpeg` field must start with the JPEG magic bytes, which
/// is checked as soon as they arrive.
async fn read_limited(field: &mut Field<'_>, max: usize, jpeg: bool) -> Result<Vec<u8>, ReadStop> {
    let mut out = Vec::new();
    loop {
        match field.chunk().await {
            Ok(Some(chunk)) => {
                if jpeg && out.len() < JPEG_MAGIC.len() {
                    let head: Vec<u8> = out.iter().chain(chunk.iter()).take(JPEG_MAGIC.len()).copied().collect();
                    if !JPEG_MAGIC.starts_with(&head) {
                        return Err(ReadStop::NotJpeg);
                    }
                }
                if out.len() + chunk.len() > max {
                    return Err(ReadStop::TooLarge);
                }
                out.extend_from_slice(&chunk);
            }
            Ok(None) if jpeg && !out.is_empty() && out.len() < JPEG_MAGIC.len() => return Err(ReadStop::NotJpeg),
            Ok(None) => return Ok(out),
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(ReadStop::TooLarge),
            Err(_) => return Err(ReadStop::Broken),
        }
    }
}

/// Reads the multipart body: (verdict text, frame bytes), or the refusal.
async fn read_parts(mut multipart: Multipart, max: usize, lang: Lang) -> Result<(String, Option<Vec<u8>>), JsonError> {
    let too_large = || AppError::TooLarge.json_because(lang.t("monitor.err.too_large"));
    let broken = || AppError::Invalid(lang.t("monitor.err.bad_body").to_owned()).into();
    let (mut verdict, mut frame) = (None, None);
    loop {
        let mut field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(too_large()),
            Err(_) => return Err(broken()),
        };
        let is_frame = field.name() == Some("frame");
        let limit = if is_frame { max } else { 64 * 1024 };
        let name = field.name().map(str::to_owned);
        let bytes = match read_limited(&mut field, limit, is_frame).await {
            Ok(b) => b,
            Err(ReadStop::TooLarge) => return Err(too_large()),
            Err(ReadStop::NotJpeg) => {
                return Err(AppError::Unsupported(lang.t("monitor.err.not_jpeg").to_owned()).into());
            }
            Err(ReadStop::Broken) => return Err(broken()),
        };
        match name.as_deref() {
            Some("verdict") => verdict = Some(String::from_utf8(bytes).map_err(|_| broken())?),
            Some("frame") if !bytes.is_empty() => frame = Some(bytes),
            _ => {}
        }
    }
    let verdict = verdict.ok_or_else(|| AppError::Invalid(lang.t("monitor.err.verdict").to_owned()))?;
    Ok((verdict, frame))
}

/// `POST /monitoring/sessions/{session_id}/frames`: 202 `{"accepted": true, "stored_frame": bool,
/// "picture_next": bool, "notices": [{"kind", "message"}]}`: whether the next frame must carry its
/// picture (the server decides), and the problems it confirmed since the last answer.
pub async fn post_frame(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    lang: Lang,
    Path(session_id): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, JsonError> {
    let user = student(user, lang)?;
    if !is_id(&session_id) {
        return Err(refusal(&Refusal::NotFound, lang));
    }
    let multipart = multipart.map_err(|_| AppError::Unsupported(lang.t("monitor.err.multipart").to_owned()))?;
    let settings = state.config.monitoring();
    let (verdict_text, frame) = read_parts(multipart, settings.max_frame_bytes, lang).await?;
    let (verdict, seen) =
        parse_verdict(&verdict_text).ok_or_else(|| AppError::Invalid(lang.t("monitor.err.verdict").to_owned()))?;
    let jpeg = match frame {
        None => None,
        Some(bytes) => {
            let s = settings.clone();
            let checked = tokio::task::spawn_blocking(move || check_jpeg(&bytes, &s).map(|(w, h)| (bytes, w, h)))
                .await
                .map_err(anyhow::Error::from)?;
            let problem = |key| AppError::Invalid(lang.t(key).to_owned());
            match checked {
                Ok((bytes, width, height)) => Some(CheckedJpeg { bytes, width, height }),
                Err(JpegProblem::NotJpeg) => {
                    return Err(AppError::Unsupported(lang.t("monitor.err.not_jpeg").to_owned()).into());
                }
                Err(JpegProblem::Corrupt) => return Err(problem("monitor.err.corrupt").into()),
                Err(JpegProblem::BadSize) => return Err(problem("monitor.err.size").into()),
            }
        }
    };
    let frame = FrameIn { seq: verdict.seq, captured_at: verdict.captured_at, seen, verdict_json: verdict_text, jpeg };
    let answer = pipeline::record_frame(&state, &user.id, &session_id, frame).await?.map_err(|r| refusal(&r, lang))?;
    let notices: Vec<_> = answer.notices.iter().map(|n| n.told(lang)).collect();
    let body = json!({
        "accepted": true,
        "stored_frame": answer.stored,
        "picture_next": answer.picture_next,
        "notices": notices,
    });
    Ok((StatusCode::ACCEPTED, Json(body)).into_response())
}

/// A browser event.
#[derive(Deserialize)]
pub struct EventBody {
    kind: BrowserEvent,
    #[serde(default)]
    #[expect(dead_code, reason = "part of the contract; the server keeps its own clock")]
    at: Option<i64>,
    #[serde(default)]
    #[expect(dead_code, reason = "part of the contract; free text is not stored")]
    detail: Option<String>,
}

/// `POST /monitoring/sessions/{session_id}/events`: 202 `{"accepted": true}`.
pub async fn post_event(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    lang: Lang,
    Path(session_id): Path<String>,
    body: Result<Json<EventBody>, JsonRejection>,
) -> Result<Response, JsonError> {
    let user = student(user, lang)?;
    if !is_id(&session_id) {
        return Err(refusal(&Refusal::NotFound, lang));
    }
    let Json(body) = body.map_err(|_| AppError::Invalid(lang.t("monitor.err.event").to_owned()))?;
    pipeline::record_event(&state, &user.id, &session_id, body.kind).await?.map_err(|r| refusal(&r, lang))?;
    Ok((StatusCode::ACCEPTED, Json(json!({"accepted": true}))).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts_are_parsed_and_bounded() {
        let ok = r#"{"seq": 3, "captured_at": 1, "analyzed": true, "faces": [{"score": 0.9, "box": [0,0,1,1]}],
            "objects": [{"label": "book", "score": 0.7, "box": [0,0,1,1]}], "timings": {"faces_ms": 3}, "width": 640, "height": 480}"#;
        let (v, seen) = parse_verdict(ok).expect("valid");
        assert_eq!(v.seq, 3);
        let seen = seen.expect("analysed");
        assert_eq!(seen.faces, vec![0.9]);
        assert_eq!(seen.objects, vec![("book".to_owned(), 0.7)]);
        let (_, none) = parse_verdict(r#"{"seq": 1, "captured_at": 1, "analyzed": false}"#).expect("valid");
        assert!(none.is_none());
        assert!(parse_verdict(r#"{"seq": 1, "captured_at": 1, "analyzed": true, "faces": [{"score": 7}]}"#).is_none());
        assert!(parse_verdict(r#"{"seq": -1, "captured_at": 1, "analyzed": true}"#).is_none());
        assert!(parse_verdict("not json").is_none());
    }
}
