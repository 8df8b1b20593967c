//! A thin wrapper over axum's router that records every (method, path) it registers, so the
//! route × identity matrix test can prove that no route exists without an access decision.

use axum::Router;
use axum::handler::Handler;
use axum::routing::{MethodRouter, get, post};

use crate::app::AppState;

/// One registered route.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RouteInfo {
    /// HTTP method, upper case.
    pub method: &'static str,
    /// Path pattern as given to axum, e.g. `/admin/users/{id}/role`.
    pub path: &'static str,
}

/// Routes of one or more contexts, with the table of what was registered.
#[derive(Default)]
pub struct Routes {
    router: Router<AppState>,
    table: Vec<RouteInfo>,
}

impl Routes {
    /// No routes yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers a GET (and HEAD) handler.
    pub fn get<H, T>(self, path: &'static str, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.add("GET", path, get(handler))
    }

    /// Registers a POST handler.
    pub fn post<H, T>(self, path: &'static str, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.add("POST", path, post(handler))
    }

    fn add(mut self, method: &'static str, path: &'static str, route: MethodRouter<AppState>) -> Self {
        self.router = self.router.route(path, route);
        self.table.push(RouteInfo { method, path });
        self
    }

    /// Adds another context's routes.
    pub fn merge(mut self, other: Routes) -> Self {
        self.router = self.router.merge(other.router);
        self.table.extend(other.table);
        self
    }

    /// Records a route served by a nested service (static files), which axum does not list.
    pub fn note(mut self, method: &'static str, path: &'static str) -> Self {
        self.table.push(RouteInfo { method, path });
        self
    }

    /// The axum router and the table of routes.
    pub fn into_parts(self) -> (Router<AppState>, Vec<RouteInfo>) {
        (self.router, self.table)
    }
}
