//! The security settings, for the security administrator (before the split, the district
//! administrator of the whole deployment): the password policy, how long logs are kept, and
//! who holds the three administrator duties.

use crate::AppState;
use crate::pages::form::Values;
use crate::pages::{Layout, Viewer, error_page, go, render};
use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use jiceng_domain::accounts::Duty;
use jiceng_domain::msg::translate;
use jiceng_domain::passwords::PasswordPolicy;
use jiceng_domain::{Invalid, msg};
use jiceng_ops::OpsError;
use jiceng_ops::accounts::{duties, passwords};
use jiceng_ops::audit::retention::{self, Retention};

#[derive(Template)]
#[template(path = "accounts/security.html")]
struct SecurityPage {
    l: Layout,
    policy: PasswordPolicy,
    /// The policy as its rule reads.
    policy_rule: String,
    retention: Retention,
    split: bool,
    /// (duty, role, active accounts)
    holders: Vec<(String, String, i64)>,
    error: String,
}

async fn page_with(s: &AppState, v: &Viewer, error: String) -> Response {
    if let Err(e) = v.actor.may_duty(Duty::Security) {
        return error_page(v.lang, &e);
    }
    let loaded = async {
        Ok::<_, OpsError>((
            passwords::policy(&s.db).await?,
            retention::retention(&s.db, &v.actor).await?,
            duties::duties(&s.db, &v.actor).await?,
        ))
    };
    let (policy, retention, duties) = match loaded.await {
        Ok(x) => x,
        Err(e) => return error_page(v.lang, &e),
    };
    let title = v.t("nav.security").to_string();
    render(&SecurityPage {
        policy_rule: policy.describe().render(v.lang),
        policy,
        retention,
        split: duties.split,
        holders: duties
            .holders
            .iter()
            .map(|h| {
                (
                    translate(v.lang, h.duty_label).to_string(),
                    translate(v.lang, h.role_label).to_string(),
                    h.accounts,
                )
            })
            .collect(),
        l: v.layout(title),
        error,
    })
}

pub async fn page(State(s): State<AppState>, v: Viewer) -> Response {
    page_with(&s, &v, String::new()).await
}

async fn fail(s: &AppState, v: &Viewer, e: OpsError) -> Response {
    if let OpsError::Forbidden(_) = e {
        return error_page(v.lang, &e);
    }
    page_with(s, v, e.render(v.lang)).await
}

fn number<T: std::str::FromStr>(f: &Values, k: &'static str) -> Result<T, OpsError> {
    let raw = f.get(k).map(String::as_str).unwrap_or("").trim();
    raw.parse()
        .map_err(|_| Invalid::new(k, raw, msg!("应为非负整数")).into())
}

/// Saves the password policy; a number that is not one is named with its field.
pub async fn save_password_policy(
    State(s): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Form(f): Form<Values>,
) -> Response {
    let policy = (|| -> Result<_, OpsError> {
        Ok(PasswordPolicy {
            min_length: number(&f, "min_length")?,
            classes: number(&f, "classes")?,
            history: number(&f, "history")?,
            max_age_days: number(&f, "max_age_days")?,
            second_factor_for_admins: f.contains_key("second_factor_for_admins"),
            second_factor_for_all: f.contains_key("second_factor_for_all"),
        })
    })();
    let saved = match policy {
        Ok(p) => passwords::set_policy(&s.db, &v.actor, p).await.map(|_| ()),
        Err(e) => Err(e),
    };
    match saved {
        Ok(()) => go(&headers, "/security#password-policy"),
        Err(e) => fail(&s, &v, e).await,
    }
}

/// Saves how many days logs are kept.
pub async fn save_retention(
    State(s): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Form(f): Form<Values>,
) -> Response {
    let saved = match number::<i64>(&f, "days") {
        Ok(d) => retention::set_retention(&s.db, &v.actor, d)
            .await
            .map(|_| ()),
        Err(e) => Err(e),
    };
    match saved {
        Ok(()) => go(&headers, "/security#retention"),
        Err(e) => fail(&s, &v, e).await,
    }
}
