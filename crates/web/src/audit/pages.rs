//! The audit trail, for administrators.

use crate::AppState;
use crate::pages::{Layout, Viewer, error_page, render};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use jiceng_domain::clock;
use jiceng_ops::audit::BrowseAudit;
use jiceng_ops::{OpsError, audit};
use std::collections::HashMap;

use crate::pages::form::{query_string, value};

struct AuditFilters {
    actor: String,
    operation: String,
    target: String,
    from: String,
    to: String,
}

#[derive(Template)]
#[template(path = "audit/audit.html")]
struct AuditPage {
    l: Layout,
    f: AuditFilters,
    rows: Vec<(i64, String, String, String, String)>,
    next_link: String,
    error: String,
    export_query: String,
}

pub async fn audit(
    State(s): State<AppState>,
    v: Viewer,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let l = v.layout("audit", v.layout("", "").t("nav.audit").to_string());
    let f = AuditFilters {
        actor: value(&q, "actor").unwrap_or_default(),
        operation: value(&q, "operation").unwrap_or_default(),
        target: value(&q, "target").unwrap_or_default(),
        from: value(&q, "from").unwrap_or_default(),
        to: value(&q, "to").unwrap_or_default(),
    };
    let browse = BrowseAudit {
        actor: value(&q, "actor"),
        operation: value(&q, "operation"),
        target: value(&q, "target"),
        from: value(&q, "from"),
        to: value(&q, "to"),
        before: value(&q, "before").and_then(|b| b.parse().ok()),
        limit: Some(50),
    };
    let base = query_string(&[
        ("actor", &f.actor),
        ("operation", &f.operation),
        ("target", &f.target),
        ("from", &f.from),
        ("to", &f.to),
    ]);
    let (rows, next_link, error) = match audit::browse(&s.db, &v.actor, browse).await {
        Ok(p) => {
            let rows = p
                .items
                .into_iter()
                .map(|e| {
                    (
                        e.seq.unwrap_or(0),
                        clock::stamp(e.at),
                        e.actor,
                        e.operation,
                        e.target,
                    )
                })
                .collect();
            let next = p
                .next
                .map(|n| {
                    format!(
                        "/audit?{base}{}before={n}",
                        if base.is_empty() { "" } else { "&" }
                    )
                })
                .unwrap_or_default();
            (rows, next, String::new())
        }
        Err(e @ OpsError::Forbidden(_)) => return error_page(v.lang, &e),
        Err(e) => (Vec::new(), String::new(), e.render(v.lang)),
    };
    render(&AuditPage {
        l,
        f,
        rows,
        next_link,
        error,
        export_query: base,
    })
}
