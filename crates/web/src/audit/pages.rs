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
    /// Reads the whole trail: may verify it and see its archives.
    whole: bool,
    /// The outcome of a verification asked for, as it reads.
    verified: Option<(bool, String)>,
    /// (up to #, entries, login lines, file, archived on, key)
    archives: Vec<(i64, i64, i64, String, String, String)>,
}

pub async fn audit(
    State(s): State<AppState>,
    v: Viewer,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let l = v.layout(v.t("nav.audit").to_string());
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
    let whole = v.actor.may_read_audit().is_ok_and(|w| w == "/");
    let verified = if whole && q.contains_key("verify") {
        Some(match audit::verify(&s.db, &v.actor).await {
            Ok(r) => verification(&l, &r),
            Err(e) => (false, e.render(v.lang)),
        })
    } else {
        None
    };
    let archives = if whole {
        audit::archive::list(&s.db, &v.actor)
            .await
            .unwrap_or_default()
            .into_iter()
            .map(|a| {
                (
                    a.upto_seq,
                    a.entries,
                    a.logins,
                    a.file_name,
                    clock::stamp(a.archived_at),
                    a.key_id,
                )
            })
            .collect()
    } else {
        Vec::new()
    };
    render(&AuditPage {
        l,
        f,
        rows,
        next_link,
        error,
        export_query: base,
        whole,
        verified,
        archives,
    })
}

/// A verification as one line: whether the chain holds, and how far it was checked.
fn verification(l: &Layout, r: &audit::Verification) -> (bool, String) {
    let from = r
        .archived_upto
        .map(|n| l.t("audit.archived_before").replace("{n}", &n.to_string()))
        .unwrap_or_default();
    match &r.first_broken {
        None => (
            true,
            l.t("audit.chain_ok")
                .replace("{n}", &r.entries.to_string())
                .replace("{keys}", &r.keys.join(", "))
                + &from,
        ),
        Some(b) => (
            false,
            l.t("audit.chain_broken")
                .replace("{seq}", &b.seq.to_string())
                .replace("{reason}", &b.reason)
                .replace("{n}", &r.entries.to_string())
                + &from,
        ),
    }
}
