//! The one table of routes. axum cannot list the routes a router serves, so every page and API
//! route is registered through a [`Table`], which records its method, path, kind and handler
//! as it adds it to the router. The API document's test and the adversarial suite read this
//! table, so a route cannot be served without being seen by both.

use crate::AppState;
use axum::Router;
use axum::routing::MethodRouter;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A server-rendered page (or a form it posts, or a file it downloads).
    Page,
    /// JSON under /api/v1.
    Api,
    /// Health, readiness and metrics, for the operator's probes.
    Probe,
}

/// One method at one path.
#[derive(Debug, Clone, Serialize)]
pub struct Route {
    pub method: &'static str,
    /// The full path, with axum's `{param}` placeholders.
    pub path: String,
    pub kind: Kind,
    /// The handler serving it, as written in the table (`cases::show`).
    pub handler: &'static str,
}

pub struct Table {
    router: Router<AppState>,
    kind: Kind,
    prefix: &'static str,
    routes: Vec<Route>,
}

impl Table {
    /// A table of `kind` routes, to be nested under `prefix` ("" at the root).
    pub fn new(kind: Kind, prefix: &'static str) -> Table {
        Table {
            router: Router::new(),
            kind,
            prefix,
            routes: Vec::new(),
        }
    }

    /// Serves `method` at `path` with `method_router` (which must serve that method only).
    pub fn add(
        mut self,
        method: &'static str,
        path: &str,
        handler: &'static str,
        method_router: MethodRouter<AppState>,
    ) -> Table {
        self.routes.push(Route {
            method,
            path: format!("{}{path}", self.prefix),
            kind: self.kind,
            handler,
        });
        self.router = self.router.route(path, method_router);
        self
    }

    pub fn into_parts(self) -> (Router<AppState>, Vec<Route>) {
        (self.router, self.routes)
    }
}

/// `table!(t; GET "/cases/{id}" => cases::show; POST "/x" => x::save, layer(limit); …)` adds
/// each route to the table `t`, recording the handler's path as written.
macro_rules! table {
    ($t:expr; $($method:ident $path:literal => $($h:ident)::+ $(, layer($layer:expr))?;)*) => {{
        let t = $t;
        $(
            let t = t.add(stringify!($method), $path, stringify!($($h)::+), {
                let mr = axum::routing::on(axum::routing::MethodFilter::$method, $($h)::+);
                $( let mr = mr.layer($layer); )?
                mr
            });
        )*
        t
    }};
}

pub(crate) use table;
