//! The quarterly matching meeting's page: the scope's open needs, each with its suggested
//! resources to choose from; the needs ticked, with the resource chosen for each, become
//! projects in one step.

use crate::AppState;
use crate::pages::form::{Values, value};
use crate::pages::{Layout, Viewer, encode, error_page, go, render};
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use jiceng_ops::OpsError;
use jiceng_ops::matching::meeting::{self, AcceptInput, AgendaQuery, Match, MatchingAgenda};

#[derive(Template)]
#[template(path = "projects/meeting.html")]
struct MeetingPage {
    l: Layout,
    q: Values,
    agenda: Option<MatchingAgenda>,
    next_link: String,
    error: String,
}

impl MeetingPage {
    fn q(&self, k: &str) -> &str {
        self.q.get(k).map_or("", String::as_str)
    }
}

async fn page(s: &AppState, v: &Viewer, q: Values, error: String) -> Response {
    let query = AgendaQuery {
        within: value(&q, "within"),
        quarter: value(&q, "quarter"),
        after: value(&q, "after"),
    };
    let (agenda, error) = match meeting::agenda(&s.db, &v.actor, query).await {
        Ok(a) => (Some(a), error),
        Err(e @ OpsError::Forbidden(_)) => return error_page(v.lang, &e),
        Err(e) => (None, e.render(v.lang)),
    };
    let next_link = agenda
        .as_ref()
        .and_then(|a| a.next.as_ref())
        .map(|n| {
            format!(
                "/matching?within={}&quarter={}&after={n}",
                encode(&value(&q, "within").unwrap_or_default()),
                encode(&value(&q, "quarter").unwrap_or_default())
            )
        })
        .unwrap_or_default();
    render(&MeetingPage {
        l: v.layout(v.t("nav.matching").to_string()),
        q,
        agenda,
        next_link,
        error,
    })
}

pub async fn agenda(State(s): State<AppState>, v: Viewer, Query(q): Query<Values>) -> Response {
    page(&s, &v, q, String::new()).await
}

/// The ticked needs (`accept_{need}`), each with the resource chosen (`resource_{need}`) and
/// an amount if typed (`amount_{need}`).
fn matches(f: &Values) -> Result<Vec<Match>, OpsError> {
    let mut out = Vec::new();
    let mut needs: Vec<i64> = f
        .keys()
        .filter_map(|k| k.strip_prefix("accept_"))
        .filter_map(|id| id.parse().ok())
        .collect();
    needs.sort_unstable();
    for need_id in needs {
        let resource_id = value(f, &format!("resource_{need_id}"))
            .and_then(|r| r.parse().ok())
            .ok_or_else(|| {
                jiceng_domain::Invalid::new(
                    "resource_id",
                    need_id,
                    jiceng_domain::msg!("请为需求 #{id} 选择一项资源", id = need_id),
                )
            })?;
        let amount = match value(f, &format!("amount_{need_id}")) {
            Some(a) => Some(a.parse::<i64>().map_err(|_| {
                jiceng_domain::Invalid::new("amount", &a, jiceng_domain::msg!("应为整数"))
            })?),
            None => None,
        };
        out.push(Match {
            need_id,
            resource_id,
            amount,
        });
    }
    Ok(out)
}

pub async fn accept(
    State(s): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Form(f): Form<Values>,
) -> Response {
    let back = |f: &Values| {
        let mut q = Values::new();
        for k in ["within", "quarter"] {
            if let Some(x) = value(f, k) {
                q.insert(k.into(), x);
            }
        }
        q
    };
    let found = match matches(&f) {
        Ok(m) => m,
        Err(e) => return page(&s, &v, back(&f), e.render(v.lang)).await,
    };
    let input = AcceptInput {
        matches: found,
        starts_on: value(&f, "starts_on"),
        ends_on: value(&f, "ends_on"),
    };
    match meeting::accept(&s.db, &v.actor, input).await {
        Ok(made) => go(
            &headers,
            &format!("/projects?status=planned&made={}", made.len()),
        ),
        Err(e @ OpsError::Forbidden(_)) => error_page(v.lang, &e),
        Err(e) => page(&s, &v, back(&f), e.render(v.lang)).await,
    }
}
