//! Deployment settings of organisational life, for administrators: how often each meeting is
//! owed, the assessment weights, and the points schemes (edited as their JSON documents, which
//! the domain checks before they are stored).

use crate::AppState;
use crate::pages::{Layout, Viewer, error_page, go, render};
use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use jiceng_domain::assessment::Weights;
use jiceng_domain::msg::translate;
use jiceng_domain::orglife::{Frequency, MeetingKind};
use jiceng_domain::points::Scheme;
use jiceng_ops::orglife::compliance;
use jiceng_ops::{OpsError, assessment, cases, points};

use crate::pages::form::Values;

#[derive(Template)]
#[template(path = "settings/settings.html")]
struct SettingsPage {
    l: Layout,
    /// (kind code, kind label, level, current frequency code or "")
    rules: Vec<(&'static str, String, String, String)>,
    frequencies: Vec<(&'static str, String)>,
    weights: Weights,
    schemes: Vec<(String, String, String)>,
    /// The case classification and the working-time calendar, as JSON documents.
    classification: String,
    calendar: String,
    error: String,
}

async fn page_with(s: &AppState, v: &Viewer, error: String) -> Response {
    if let Err(e) = v.actor.may_administer() {
        return error_page(v.lang, &e);
    }
    let rules = compliance::rules(&s.db)
        .await
        .map(|r| r.all().to_vec())
        .unwrap_or_default();
    let rows = MeetingKind::ALL
        .iter()
        .map(|k| {
            let r = rules.iter().find(|r| r.kind == *k);
            (
                k.code(),
                translate(v.lang, k.label()).to_string(),
                r.map_or(
                    if *k == MeetingKind::GroupMeeting {
                        "group"
                    } else {
                        "branch"
                    },
                    |r| r.level.code(),
                )
                .to_string(),
                r.map_or("", |r| r.frequency.code()).to_string(),
            )
        })
        .collect();
    let schemes = points::schemes(&s.db)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|x| {
            (
                x.code.clone(),
                x.name.clone(),
                serde_json::to_string_pretty(&x).unwrap_or_default(),
            )
        })
        .collect();
    let title = v.t("nav.settings").to_string();
    render(&SettingsPage {
        l: v.layout(title),
        rules: rows,
        frequencies: Frequency::CHOICES
            .iter()
            .map(|(c, l)| (*c, translate(v.lang, l).to_string()))
            .collect(),
        weights: assessment::weights(&s.db).await.unwrap_or_default(),
        schemes,
        classification: cases::settings::classification(&s.db)
            .await
            .ok()
            .and_then(|c| serde_json::to_string_pretty(&c).ok())
            .unwrap_or_default(),
        calendar: cases::settings::calendar(&s.db)
            .await
            .ok()
            .and_then(|c| serde_json::to_string_pretty(&c).ok())
            .unwrap_or_default(),
        error,
    })
}

pub async fn page(State(s): State<AppState>, v: Viewer) -> Response {
    page_with(&s, &v, String::new()).await
}

pub async fn save_rules(
    State(s): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Form(f): Form<Values>,
) -> Response {
    for k in MeetingKind::ALL {
        let freq = f
            .get(&format!("freq_{}", k.code()))
            .map(String::as_str)
            .filter(|x| !x.is_empty());
        let level = f
            .get(&format!("level_{}", k.code()))
            .map_or("branch", String::as_str);
        if let Err(e) = compliance::set_rule(&s.db, &v.actor, k.code(), level, freq).await {
            return fail(&s, &v, e).await;
        }
    }
    go(&headers, "/settings")
}

pub async fn save_weights(
    State(s): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Form(f): Form<Values>,
) -> Response {
    let num = |k: &str| -> Result<f64, OpsError> {
        let raw = f.get(k).map(String::as_str).unwrap_or("").trim();
        raw.parse().map_err(|_| {
            jiceng_domain::Invalid::new(
                "weights",
                format!("{k}={raw}"),
                jiceng_domain::msg!("权重应在 0 到 100 之间"),
            )
            .into()
        })
    };
    let parts = [
        "compliance",
        "attendance",
        "registration",
        "evaluation",
        "cases",
        "commitments",
    ]
    .map(num);
    let w = match parts {
        [
            Ok(compliance),
            Ok(attendance),
            Ok(registration),
            Ok(evaluation),
            Ok(cases),
            Ok(commitments),
        ] => Weights {
            compliance,
            attendance,
            registration,
            evaluation,
            cases,
            commitments,
        },
        parts => {
            let e = parts
                .into_iter()
                .find_map(Result::err)
                .expect("one part failed");
            return fail(&s, &v, e).await;
        }
    };
    match assessment::set_weights(&s.db, &v.actor, w).await {
        Ok(_) => go(&headers, "/settings"),
        Err(e) => fail(&s, &v, e).await,
    }
}

pub async fn save_scheme(
    State(s): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Form(f): Form<Values>,
) -> Response {
    let doc = f.get("document").map(String::as_str).unwrap_or("");
    let scheme: Scheme = match serde_json::from_str(doc) {
        Ok(x) => x,
        Err(e) => {
            let bad = jiceng_domain::Invalid::new(
                "scheme",
                "",
                jiceng_domain::msg!("JSON 无法解析：{reason}", reason = e),
            );
            return fail(&s, &v, bad.into()).await;
        }
    };
    match points::save_scheme(&s.db, &v.actor, scheme).await {
        Ok(_) => go(&headers, "/settings"),
        Err(e) => fail(&s, &v, e).await,
    }
}

/// Reads a JSON document from a settings form, naming the field when it does not parse.
fn document<T: serde::de::DeserializeOwned>(
    f: &Values,
    field: &'static str,
) -> Result<T, OpsError> {
    let doc = f.get("document").map(String::as_str).unwrap_or("");
    serde_json::from_str(doc).map_err(|e| {
        jiceng_domain::Invalid::new(
            field,
            "",
            jiceng_domain::msg!("JSON 无法解析：{reason}", reason = e),
        )
        .into()
    })
}

pub async fn save_classification(
    State(s): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Form(f): Form<Values>,
) -> Response {
    let saved = match document(&f, "category") {
        Ok(c) => cases::settings::set_classification(&s.db, &v.actor, c)
            .await
            .map(|_| ()),
        Err(e) => Err(e),
    };
    match saved {
        Ok(()) => go(&headers, "/settings"),
        Err(e) => fail(&s, &v, e).await,
    }
}

pub async fn save_calendar(
    State(s): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Form(f): Form<Values>,
) -> Response {
    let saved = match document(&f, "holidays") {
        Ok(c) => cases::settings::set_calendar(&s.db, &v.actor, c)
            .await
            .map(|_| ()),
        Err(e) => Err(e),
    };
    match saved {
        Ok(()) => go(&headers, "/settings"),
        Err(e) => fail(&s, &v, e).await,
    }
}

async fn fail(s: &AppState, v: &Viewer, e: OpsError) -> Response {
    if let OpsError::Forbidden(_) = e {
        return error_page(v.lang, &e);
    }
    page_with(s, v, e.render(v.lang)).await
}
