//! The one table of routes. axum cannot list the routes a router serves, so every page and API
//! route is registered through a [`Table`], which records its method, path, kind and handler
//! as it adds it to the router. An API route's method and path are read from its handler's
//! `#[utoipa::path]`, and its description joins the table's OpenAPI paths as it is served, so
//! the document cannot miss a route. The adversarial suite reads this table too.

use crate::AppState;
use axum::Router;
use axum::routing::MethodRouter;
use serde::Serialize;
use utoipa::openapi::path::Paths;
use utoipa::openapi::{RefOr, schema::Schema};
use utoipa_axum::router::UtoipaMethodRouter;

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
    /// The handler serving it, by its path within the crate (`cases::pages::show`).
    pub handler: String,
}

/// `("jiceng_web::cases", "api :: show")`, as `module_path!` and `stringify!` give them, as
/// `cases::api::show`.
fn handler_name((module, handler): (&str, &str)) -> String {
    let module = module
        .trim_start_matches("jiceng_web")
        .trim_start_matches("::");
    let handler = handler.replace(' ', "");
    if module.is_empty() {
        handler
    } else {
        format!("{module}::{handler}")
    }
}

pub struct Table {
    router: Router<AppState>,
    kind: Kind,
    prefix: &'static str,
    routes: Vec<Route>,
    /// The described operations, by full path, and the schemas they name.
    paths: Paths,
    schemas: Vec<(String, RefOr<Schema>)>,
}

impl Table {
    /// A table of `kind` routes, to be nested under `prefix` ("" at the root).
    pub fn new(kind: Kind, prefix: &'static str) -> Table {
        Table {
            router: Router::new(),
            kind,
            prefix,
            routes: Vec::new(),
            paths: Paths::new(),
            schemas: Vec::new(),
        }
    }

    /// Serves `method` at `path` with `method_router` (which must serve that method only).
    pub fn add(
        mut self,
        method: &'static str,
        path: &str,
        handler: (&str, &str),
        method_router: MethodRouter<AppState>,
    ) -> Table {
        let handler = handler_name(handler);
        self.routes.push(Route {
            method,
            path: format!("{}{path}", self.prefix),
            kind: self.kind,
            handler,
        });
        self.router = self.router.route(path, method_router);
        self
    }

    /// Serves a handler described by `#[utoipa::path]` at the method and path it declares,
    /// and keeps its description (what `utoipa_axum::routes!` gives for one handler).
    pub fn documented(
        mut self,
        handler: (&str, &str),
        (schemas, paths, method_router): UtoipaMethodRouter<AppState>,
    ) -> Table {
        let handler = handler_name(handler);
        for (path, mut item) in paths.paths {
            for (method, op) in [
                ("GET", &mut item.get),
                ("POST", &mut item.post),
                ("PUT", &mut item.put),
                ("DELETE", &mut item.delete),
                ("PATCH", &mut item.patch),
            ] {
                if let Some(op) = op {
                    // Handlers' names repeat across features (`list`); the table's do not.
                    op.operation_id = Some(handler.replace("::api::", "_").replace("::", "_"));
                    self.routes.push(Route {
                        method,
                        path: format!("{}{path}", self.prefix),
                        kind: self.kind,
                        handler: handler.clone(),
                    });
                }
            }
            self.router = self.router.route(&path, method_router.clone());
            let mut one = Paths::new();
            one.paths.insert(format!("{}{path}", self.prefix), item);
            self.paths.merge(one);
        }
        self.schemas.extend(schemas);
        self
    }

    /// The operations described so far, and the schemas they name.
    pub fn described(&self) -> (Paths, Vec<(String, RefOr<Schema>)>) {
        (self.paths.clone(), self.schemas.clone())
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
            let t = t.add(stringify!($method), $path, (module_path!(), stringify!($($h)::+)), {
                let mr = axum::routing::on(axum::routing::MethodFilter::$method, $($h)::+);
                $( let mr = mr.layer($layer); )?
                mr
            });
        )*
        t
    }};
}

pub(crate) use table;

/// `api!(t; cases::show; meetings::attach, layer(limit); …)` serves each handler at the method
/// and path its `#[utoipa::path]` declares, and keeps its description.
macro_rules! api {
    ($t:expr; $($($h:ident)::+ $(, layer($layer:expr))?;)*) => {{
        let t = $t;
        $(
            let t = t.documented((module_path!(), stringify!($($h)::+)), {
                let (schemas, paths, mr) = utoipa_axum::routes!($($h)::+);
                $( let mr = mr.layer($layer); )?
                (schemas, paths, mr)
            });
        )*
        t
    }};
}

pub(crate) use api;
