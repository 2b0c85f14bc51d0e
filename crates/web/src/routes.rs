//! The one table of routes. axum cannot list the routes a router serves, so every page and API
//! route is registered through a [`Table`], which records its method, path, kind and handler
//! as it adds it to the router, with the policy question it asks ([`Asks`]). An API route's
//! method and path are read from its handler's `#[utoipa::path]`, and its description joins
//! the table's OpenAPI paths as it is served, so the document cannot miss a route. The
//! adversarial suite reads this table too: what a route asks says what to attack it with.

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

/// The policy question a route asks of the acting user before it reads anything the request
/// names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "asks", content = "noun")]
pub enum Asks {
    /// Nothing: open to anyone, signed in or not (sign-in, public tracking and disclosure,
    /// the language switch, assets, probes, the API document).
    Public,
    /// Only that someone is signed in; it reads or changes the account itself (its session,
    /// password and tokens).
    Account,
    /// What the actor's role and scope allow: a list or figure filtered to the scope, or a
    /// write whose ids (in the query or body) the feature's policy resolves as the actor.
    Scope,
    /// The record the path names, resolved through its feature's policy as the actor; out of
    /// scope answers as not found.
    Record(Noun),
}

/// The records a path can name, each resolved by one feature's policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Noun {
    /// A user account (one a manager may deactivate).
    User,
    Org,
    Member,
    Unit,
    Registration,
    Token,
    Meeting,
    Attachment,
    Rectification,
    Case,
    /// A photo of a case's steps: resolved through its case.
    CasePhoto,
    Agreement,
    Commitment,
    Evaluation,
    Patrol,
    TeamMember,
    Place,
    PointsEntry,
    ServiceRecord,
    Wish,
    /// A resident who signed in with a phone code: resolved through the residents' policy.
    Resident,
    /// A need of the 需求清单: its community's readers, or the resident who posted it.
    Need,
    /// A resource of the 资源清单: its community's readers, or its unit's liaison.
    Resource,
    /// A project of the 项目清单: its community's readers.
    Project,
    /// A red errand: its community's readers, the resident who asked, the member who took it,
    /// and while open the members in reach.
    Errand,
    /// A problem of the 问题清单: its community's readers, or the liaison of the unit that
    /// raised it.
    Problem,
    /// A service position (阵地): the readers of the org that runs it.
    Position,
    /// A volunteer: the readers of their community, or the member or resident themselves.
    Volunteer,
    /// A volunteer team: the readers of its community.
    Team,
    /// A volunteer activity: its community's readers; the members and residents of its
    /// district while it is published; anyone signed up for it.
    Activity,
    /// A room opened for booking: shared ones to every desk that books, others to their keepers
    /// and the readers of their org.
    Room,
    /// A booking of a room: the booking org's readers and the room's keepers.
    Booking,
    /// An import job: its owner's alone.
    ImportJob,
    /// A rule or scheme of the settings, by its code: city-wide, for administrators.
    Setting,
    /// A signed-in session, by the id the list of online sessions shows.
    Session,
    /// An entry of the audit trail or the login log: no role deletes one, whichever it is.
    LogEntry,
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
    pub asks: Asks,
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
        asks: Asks,
        method_router: MethodRouter<AppState>,
    ) -> Table {
        let handler = handler_name(handler);
        self.routes.push(Route {
            method,
            path: format!("{}{path}", self.prefix),
            kind: self.kind,
            handler,
            asks,
        });
        self.router = self.router.route(path, method_router);
        self
    }

    /// Serves a handler described by `#[utoipa::path]` at the method and path it declares,
    /// and keeps its description (what `utoipa_axum::routes!` gives for one handler).
    pub fn documented(
        mut self,
        handler: (&str, &str),
        asks: Asks,
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
                    // The question it asks, for clients and for the adversarial suite.
                    let asked = serde_json::to_value(asks).unwrap_or_default();
                    op.extensions
                        .get_or_insert_with(Default::default)
                        .insert("x-asks".to_string(), asked);
                    self.routes.push(Route {
                        method,
                        path: format!("{}{path}", self.prefix),
                        kind: self.kind,
                        handler: handler.clone(),
                        asks,
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

/// `table!(t; GET "/cases/{id}" => cases::show [Record(Case)]; POST "/x" => x::save [Scope],
/// layer(limit); …)` adds each route to the table `t`, recording the handler's path as written
/// and the question it asks (an [`Asks`], with its variants and the [`Noun`]s in scope).
macro_rules! table {
    ($t:expr; $($method:ident $path:literal => $($h:ident)::+ [$asks:expr] $(, layer($layer:expr))?;)*) => {{
        #[allow(unused_imports)]
        use $crate::routes::{Asks::*, Noun::*};
        let t = $t;
        $(
            let t = t.add(stringify!($method), $path, (module_path!(), stringify!($($h)::+)), $asks, {
                let mr = axum::routing::on(axum::routing::MethodFilter::$method, $($h)::+);
                $( let mr = mr.layer($layer); )?
                mr
            });
        )*
        t
    }};
}

pub(crate) use table;

/// `api!(t; cases::show [Record(Case)]; meetings::attach [Record(Meeting)], layer(limit); …)`
/// serves each handler at the method and path its `#[utoipa::path]` declares, keeps its
/// description, and records the question it asks.
macro_rules! api {
    ($t:expr; $($($h:ident)::+ [$asks:expr] $(, layer($layer:expr))?;)*) => {{
        #[allow(unused_imports)]
        use $crate::routes::{Asks::*, Noun::*};
        let t = $t;
        $(
            let t = t.documented((module_path!(), stringify!($($h)::+)), $asks, {
                let (schemas, paths, mr) = utoipa_axum::routes!($($h)::+);
                $( let mr = mr.layer($layer); )?
                (schemas, paths, mr)
            });
        )*
        t
    }};
}

pub(crate) use api;
