//! Prometheus text metrics: requests by route and status, and their total duration.

use crate::AppState;
use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Instant;

/// (method, route, status)
type Key = (String, String, u16);

#[derive(Default)]
pub struct Metrics {
    /// Per key: (count, total seconds).
    requests: Mutex<BTreeMap<Key, (u64, f64)>>,
}

pub async fn track(State(s): State<AppState>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().to_string();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_string(), |p| p.as_str().to_string());
    let response = next.run(req).await;
    let elapsed = started.elapsed().as_secs_f64();
    let status = response.status().as_u16();
    if let Ok(mut m) = s.metrics.requests.lock() {
        let e = m.entry((method, route, status)).or_insert((0, 0.0));
        e.0 += 1;
        e.1 += elapsed;
    }
    response
}

pub async fn render(State(s): State<AppState>) -> impl IntoResponse {
    let mut out = String::from(
        "# HELP jiceng_http_requests_total HTTP requests served.\n# TYPE jiceng_http_requests_total counter\n",
    );
    let snapshot = s
        .metrics
        .requests
        .lock()
        .map(|m| m.clone())
        .unwrap_or_default();
    for ((method, route, status), (n, _)) in &snapshot {
        out.push_str(&format!("jiceng_http_requests_total{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}} {n}\n"));
    }
    out.push_str("# HELP jiceng_http_request_seconds_total Time spent serving HTTP requests.\n# TYPE jiceng_http_request_seconds_total counter\n");
    for ((method, route, status), (_, secs)) in &snapshot {
        out.push_str(&format!("jiceng_http_request_seconds_total{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}} {secs:.6}\n"));
    }
    let pool = s.db.connections();
    out.push_str(&format!(
        "# HELP jiceng_db_connections Open database connections.\n# TYPE jiceng_db_connections gauge\njiceng_db_connections {}\n\
         # HELP jiceng_db_connections_idle Idle database connections.\n# TYPE jiceng_db_connections_idle gauge\njiceng_db_connections_idle {}\n",
        pool.0, pool.1
    ));
    ([("content-type", "text/plain; version=0.0.4")], out)
}
