//! The HTTP front door: the JSON API under /api/v1, health, readiness and metrics. Handlers
//! only translate HTTP to use cases in `jiceng_ops` and back; errors map to HTTP in one place
//! (`error.rs`), who is asking is decided in one place (`auth.rs`).

#![recursion_limit = "256"]

mod accounts;
mod activities;
mod api;
mod assessment;
mod audit;
mod auth;
mod bookings;
mod cases;
mod client;
mod cobuilding;
mod errands;
mod error;
mod evaluations;
mod grids;
pub mod imports;
mod members;
mod metrics;
mod needs;
mod orglife;
mod orgs;
mod pages;
mod points;
mod positions;
mod problems;
mod projects;
mod request;
mod residents;
mod resources;
pub mod routes;
mod service;
mod settings;
mod units;
mod volunteers;
mod wishes;

use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::{Json, Router};
use jiceng_domain::clock;
use jiceng_ops::Db;
use serde_json::json;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

/// Largest JSON body accepted (413 beyond).
pub const MAX_JSON_BODY: usize = 1024 * 1024;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub metrics: Arc<metrics::Metrics>,
    /// Where uploaded files (meeting attachments) are kept: `files/` in the data directory.
    pub files: Arc<PathBuf>,
    /// Writes API intakes in batches.
    pub intake: jiceng_ops::cases::intake::Batcher,
    /// Writes activity sign-ups in batches.
    pub signups: jiceng_ops::activities::signup::Desk,
    /// Proxies whose `X-Forwarded-For` names the client (see `client.rs`).
    pub trusted_proxies: Arc<Vec<std::net::IpAddr>>,
    /// Where residents' sign-in codes go.
    pub codes: Arc<jiceng_ops::residents::CodeSender>,
}

/// The probes, the API and the pages, each as its table of routes.
fn tables() -> [routes::Table; 3] {
    [
        routes::table!(routes::Table::new(routes::Kind::Probe, "");
            GET "/healthz" => healthz [Public];
            GET "/readyz" => readyz [Public];
            GET "/metrics" => metrics::render [Public];
        ),
        api::routes(),
        pages::routes(),
    ]
}

/// Every route the server serves: method, path, kind and handler.
pub fn route_table() -> Vec<routes::Route> {
    tables()
        .into_iter()
        .flat_map(|t| t.into_parts().1)
        .collect()
}

pub fn router(db: Db, files: PathBuf) -> Router {
    router_behind(db, files, Deployment::default())
}

/// How the server is reached: through which proxies, and at which public address.
#[derive(Debug, Clone, Default)]
pub struct Deployment {
    /// Proxies whose `X-Forwarded-For` names the client; the header is ignored from others.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// The address users reach the server at; when it is https, cookies are `Secure`.
    pub public_url: Option<String>,
    /// Where residents' sign-in codes go: the log unless an SMS adapter is set.
    pub codes: jiceng_ops::residents::CodeSender,
}

impl Deployment {
    fn https(&self) -> bool {
        self.public_url
            .as_deref()
            .is_some_and(|u| u.to_ascii_lowercase().starts_with("https://"))
    }
}

/// Marks every cookie the server sets `Secure`, so a browser sends it over TLS only.
async fn secure_cookies(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let mut resp = next.run(req).await;
    let cookies: Vec<_> = resp
        .headers_mut()
        .get_all(axum::http::header::SET_COOKIE)
        .iter()
        .filter_map(|c| c.to_str().ok().map(|c| format!("{c}; Secure")))
        .collect();
    if !cookies.is_empty() {
        resp.headers_mut().remove(axum::http::header::SET_COOKIE);
        for c in cookies {
            if let Ok(v) = axum::http::HeaderValue::from_str(&c) {
                resp.headers_mut().append(axum::http::header::SET_COOKIE, v);
            }
        }
    }
    resp
}

/// The router as deployed behind `deployment`.
pub fn router_behind(db: Db, files: PathBuf, deployment: Deployment) -> Router {
    let https = deployment.https();
    let state = AppState {
        trusted_proxies: Arc::new(deployment.trusted_proxies),
        codes: Arc::new(deployment.codes),
        intake: jiceng_ops::cases::intake::Batcher::spawn(db.clone()),
        signups: jiceng_ops::activities::signup::Desk::spawn(db.clone()),
        db,
        files: Arc::new(files),
        metrics: Arc::new(metrics::Metrics::default()),
    };
    let [probes, api, pages] = tables().map(|t| t.into_parts().0);
    let router = Router::new()
        .merge(probes)
        .nest(
            "/api/v1",
            api.layer(axum::middleware::from_fn(error::with_lang)),
        )
        .merge(pages.layer(axum::middleware::from_fn(error::with_page_lang)))
        .layer(DefaultBodyLimit::max(MAX_JSON_BODY))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::track,
        ))
        .layer(trace_layer())
        .layer(axum::middleware::from_fn(request::assign))
        .with_state(state);
    if https {
        router.layer(axum::middleware::from_fn(secure_cookies))
    } else {
        router
    }
}

/// One span a request, named by its id, logged with status and latency when it is answered.
/// The path is recorded without its query, which may hold a searched name or ID number.
fn trace_layer() -> tower_http::trace::TraceLayer<
    tower_http::classify::SharedClassifier<tower_http::classify::ServerErrorsAsFailures>,
    impl Fn(&axum::http::Request<axum::body::Body>) -> tracing::Span + Clone,
> {
    tower_http::trace::TraceLayer::new_for_http()
        .make_span_with(|req: &axum::http::Request<axum::body::Body>| {
            let id = req
                .extensions()
                .get::<request::RequestId>()
                .map_or("", |r| &r.0);
            tracing::info_span!("request", id = %id, method = %req.method(), path = %req.uri().path())
        })
        .on_response(tower_http::trace::DefaultOnResponse::new().level(tracing::Level::INFO))
}

async fn healthz() -> Json<serde_json::Value> {
    Json(json!({ "status": "ok", "version": env!("CARGO_PKG_VERSION") }))
}

async fn readyz(State(s): State<AppState>) -> (StatusCode, Json<serde_json::Value>) {
    if s.db.ping().await {
        (StatusCode::OK, Json(json!({ "status": "ready" })))
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({ "status": "database unreachable" })),
        )
    }
}

/// Serves until Ctrl-C or SIGTERM.
pub async fn serve(
    db: Db,
    addr: SocketAddr,
    files: PathBuf,
    deployment: Deployment,
) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    tracing::info!(%addr, "jiceng 正在监听");
    // Overdue cases are escalated, errands overtaken by time and lapsed offers of activity
    // places written so, every five minutes.
    let escalating = db.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(300));
        loop {
            tick.tick().await;
            match jiceng_ops::cases::escalation::run(&escalating, clock::now()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(n, "已自动督办超期案件"),
                Err(e) => tracing::warn!(error = %e, "自动督办失败"),
            }
            // Errands held past their hold return to the pool; late ones lapse.
            match jiceng_ops::errands::sweep(&escalating, clock::now()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(n, "已处理超时的红色代办"),
                Err(e) => tracing::warn!(error = %e, "处理超时的红色代办失败"),
            }
            // Places offered from a waiting line and not confirmed in time pass to the next.
            match jiceng_ops::activities::signup::sweep(&escalating, clock::now()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(n, "已处理逾期未确认的候补名额"),
                Err(e) => tracing::warn!(error = %e, "处理逾期的候补名额失败"),
            }
            // Approved bookings nobody checked into are released for others.
            match jiceng_ops::bookings::decide::sweep(&escalating, clock::now()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(n, "已释放无人签到的场地预约"),
                Err(e) => tracing::warn!(error = %e, "释放场地预约失败"),
            }
        }
    });
    // Every open need's suggestions are scored again every hour, once across processes.
    let matching = db.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(3600));
        loop {
            tick.tick().await;
            match jiceng_ops::matching::refresh::all(&matching, &jiceng_ops::Actor::operator())
                .await
            {
                Ok(Some(r)) => tracing::info!(
                    needs = r.needs,
                    millis = r.millis,
                    "已重新计算需求的推荐资源"
                ),
                Ok(None) => {}
                Err(e) => tracing::warn!(error = %e, "重新计算推荐资源失败"),
            }
        }
    });
    axum::serve(
        listener,
        router_behind(db, files, deployment).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown())
    .await
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
