//! Every request's id: taken from a sane incoming `X-Request-Id` (a proxy's) or drawn fresh,
//! echoed in the answer's `X-Request-Id`, recorded on the request's log span, and kept in
//! scope so an error body or error page deep in a handler can name it. A person quoting the id
//! from an error page lets an operator find the detail in the log.

use axum::extract::Request;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

pub const HEADER: &str = "x-request-id";

/// The id of one request, as an extension of the request and in scope while it is served.
#[derive(Clone, Debug)]
pub struct RequestId(pub Arc<str>);

tokio::task_local! {
    static CURRENT: RequestId;
}

/// The id of the request being served, if any.
pub fn current() -> Option<Arc<str>> {
    CURRENT.try_with(|r| r.0.clone()).ok()
}

fn sane(v: &str) -> bool {
    (1..=64).contains(&v.len())
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// A process-unique id: a random prefix drawn once, then a counter, so ids from several
/// `serve` processes do not collide and drawing one costs nothing.
fn fresh() -> String {
    static PREFIX: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    static NEXT: AtomicU64 = AtomicU64::new(1);
    let prefix = PREFIX.get_or_init(|| {
        let mut b = [0u8; 4];
        let _ = getrandom::fill(&mut b);
        b.iter().map(|x| format!("{x:02x}")).collect()
    });
    format!("{prefix}-{:06x}", NEXT.fetch_add(1, Ordering::Relaxed))
}

pub async fn assign(mut req: Request, next: Next) -> Response {
    let id: Arc<str> = req
        .headers()
        .get(HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|v| sane(v))
        .map_or_else(|| fresh().into(), Into::into);
    let rid = RequestId(id.clone());
    req.extensions_mut().insert(rid.clone());
    let mut resp = CURRENT.scope(rid, next.run(req)).await;
    if let Ok(v) = HeaderValue::from_str(&id) {
        resp.headers_mut().insert(HEADER, v);
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_short_plain_ids_are_taken_in() {
        assert!(sane("abc-123_X"));
        assert!(!sane(""));
        assert!(!sane(&"a".repeat(65)));
        assert!(!sane("a b"));
        assert!(!sane("<script>"));
    }

    #[test]
    fn fresh_ids_differ() {
        assert_ne!(fresh(), fresh());
    }
}
