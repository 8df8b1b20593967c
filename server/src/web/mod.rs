//! Cross-cutting HTTP plumbing: page context, CSRF, language, security headers, client address.

pub mod client_ip;
pub mod csrf;
pub mod ctx;
pub mod lang;
pub mod security;

pub use ctx::{PageCtx, Viewer, ViewerSource, Viewers};

/// Whether the request was sent by htmx (and is not a boosted full navigation).
pub fn is_htmx(headers: &axum::http::HeaderMap) -> bool {
    headers.get("hx-request").is_some_and(|v| v == "true") && headers.get("hx-boosted").is_none_or(|v| v != "true")
}

/// `next` when it is a path on this site, else `fallback` (no open redirects).
pub fn local_redirect_target<'a>(next: Option<&'a str>, fallback: &'a str) -> &'a str {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n,
        _ => fallback,
    }
}

/// Percent-encodes a path for a query parameter.
pub fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("", s)]).map(|e| e.trim_start_matches('=').to_owned()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::local_redirect_target;

    #[test]
    fn only_local_redirects() {
        assert_eq!(local_redirect_target(Some("/admin/users?q=a"), "/"), "/admin/users?q=a");
        for evil in ["//evil.example", "https://evil.example", "/\\evil.example", "javascript:x"] {
            assert_eq!(local_redirect_target(Some(evil), "/"), "/");
        }
        assert_eq!(local_redirect_target(None, "/home"), "/home");
    }
}
