//! Who the page frame shows: the accounts know who is signed in, the notifications ring the
//! bell, and the menu of each role links the contexts' pages.

use async_trait::async_trait;
use axum::http::request::Parts;

use crate::accounts::extract::current_user;
use crate::accounts::model::Role;
use crate::app::AppState;
use crate::error::AppResult;
use crate::i18n::Lang;
use crate::web::{Viewer, ViewerSource};

/// The signed-in user of the session (or of the bearer token under `/api/`).
pub struct SignedIn;

#[async_trait]
impl ViewerSource for SignedIn {
    async fn viewer(
        &self,
        parts: &mut Parts,
        state: &AppState,
        lang: Lang,
        full_page: bool,
    ) -> AppResult<Option<Viewer>> {
        let Some(user) = current_user(parts, state).await? else { return Ok(None) };
        let bell = if full_page {
            let unread = crate::notifications::queries::unread_count(&state.db, &user.id).await?;
            Some(crate::notifications::views::bell_box(lang, unread))
        } else {
            None
        };
        Ok(Some(Viewer {
            role: user.role.as_str(),
            role_label: user.role.label(lang),
            nav: menu(user.role),
            bell,
            id: user.id,
            name: user.name,
        }))
    }
}

/// Each role's menu: (link, text key).
fn menu(role: Role) -> &'static [(&'static str, &'static str)] {
    match role {
        Role::Student => &[
            ("/student", "nav.my_exams"),
            ("/bookings", "nav.my_bookings"),
            ("/results", "nav.my_results"),
            ("/analytics/me", "nav.my_progress"),
        ],
        Role::Teacher => &[("/teacher", "nav.my_exams"), ("/grading", "nav.to_grade"), ("/analytics", "nav.reports")],
        Role::Proctor => &[("/proctor", "nav.live_sessions")],
        Role::Admin => &[
            ("/admin", "nav.dashboard"),
            ("/admin/users", "nav.users"),
            ("/admin/bookings", "nav.bookings"),
            ("/admin/emails", "nav.emails"),
            ("/admin/dead-letters", "nav.dead_letters"),
            ("/admin/reports", "nav.batch"),
            ("/teacher", "nav.exams"),
            ("/grading", "nav.to_grade"),
            ("/proctor", "nav.live_sessions"),
            ("/analytics", "nav.reports"),
        ],
    }
}
