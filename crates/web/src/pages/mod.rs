//! Server-rendered pages: askama templates, htmx for partial updates, assets embedded in the
//! binary. Handlers call the same use cases as the API; access is decided there.

mod assessment;
mod cases;
mod cobuilding;
mod compliance;
pub(crate) mod evaluations;
pub(crate) mod export;
mod form;
mod grids;
mod i18n;
mod import;
mod ledgers;
mod meetings;
mod org_admin;
mod patrols;
mod points;
mod service;
mod settings;
mod transfer;
mod units;
mod users;
mod views;
mod wishes;

use crate::AppState;
use crate::auth::{SESSION_COOKIE, cookie, same_origin};
use askama::Template;
use axum::Router;
use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
pub use i18n::Lang;
use jiceng_domain::msg::translate;
use jiceng_domain::{Msg, msg};
use jiceng_ops::{Actor, OpsError, accounts};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(views::home))
        .route("/login", get(views::login_form).post(views::login))
        .route("/track", get(cases::track))
        .route("/track/rate", post(cases::rate))
        .route("/disclosure", get(cases::disclosure))
        .route("/logout", post(views::logout))
        .route("/password", get(views::password_form).post(views::password))
        .route("/orgs", get(views::orgs).post(org_admin::create))
        .route("/orgs/new", get(org_admin::new_form))
        .route("/orgs/{code}", get(views::org))
        .route(
            "/orgs/{code}/move",
            get(org_admin::move_form).post(org_admin::move_to),
        )
        .route("/orgs/{code}/delete", post(org_admin::delete))
        .route(
            "/orgs/{code}/seats",
            get(org_admin::seat_form).post(org_admin::add_seat),
        )
        .route("/orgs/{code}/children", get(views::org_children))
        .route("/orgs/{code}/registrations", post(views::org_register))
        .route("/members", get(views::members).post(views::member_create))
        .route("/members/new", get(views::member_new))
        .route("/members/{id}", get(views::member).post(views::member_save))
        .route("/members/{id}/edit", get(views::member_edit))
        .route("/members/{id}/register", post(views::member_register))
        .route(
            "/members/{id}/transfer",
            get(transfer::form).post(transfer::save),
        )
        .route("/users", get(users::list).post(users::create))
        .route("/users/new", get(users::new_form))
        .route("/tokens", get(users::tokens).post(users::create_token))
        .route("/tokens/{id}/revoke", post(users::revoke_token))
        .route("/units", get(units::list).post(units::create))
        .route("/units/new", get(units::new_form))
        .route("/units/export.xlsx", get(export::units_xlsx))
        .route("/units/{id}", get(units::show))
        .route("/units/{id}/register", post(units::register))
        .route("/registrations/{id}/end", post(units::end_registration))
        .route("/meetings", get(meetings::list).post(meetings::create))
        .route("/meetings/new", get(meetings::new_form))
        .route("/meetings/{id}", get(meetings::show).post(meetings::save))
        .route("/meetings/{id}/edit", get(meetings::edit_form))
        .route(
            "/meetings/{id}/attachments",
            post(meetings::upload).layer(axum::extract::DefaultBodyLimit::max(
                jiceng_ops::meeting_files::MAX_BYTES + 64 * 1024,
            )),
        )
        .route("/attachments/{id}", get(meetings::download))
        .route("/compliance", get(compliance::page))
        .route("/assessment", get(assessment::page))
        .route("/settings", get(settings::page))
        .route("/settings/rules", post(settings::save_rules))
        .route("/settings/weights", post(settings::save_weights))
        .route("/settings/schemes", post(settings::save_scheme))
        .route(
            "/settings/classification",
            post(settings::save_classification),
        )
        .route("/settings/calendar", post(settings::save_calendar))
        .route("/rectifications", post(assessment::create))
        .route("/rectifications/new", get(assessment::new_form))
        .route("/rectifications/{id}", get(assessment::show))
        .route(
            "/rectifications/{id}/follow-up",
            post(assessment::follow_up),
        )
        .route("/cases", get(cases::desk).post(cases::create))
        .route("/cases/new", get(cases::new_form))
        .route("/cases/export.xlsx", get(cases::export))
        .route("/cases/{id}", get(cases::show))
        .route("/cases/{id}/moves", post(cases::make_move))
        .route("/inbox", get(cases::inbox))
        .route("/patrols", get(patrols::patrols).post(patrols::log_patrol))
        .route("/patrols/{id}/case", post(patrols::patrol_case))
        .route("/rates", get(cases::rates_page))
        .route("/grids", get(grids::grid_map))
        .route("/grid-teams", post(grids::add_team_member))
        .route("/grid-teams/{id}/remove", post(grids::remove_team_member))
        .route("/wishes", get(wishes::list).post(wishes::post))
        .route("/wishes/{id}/move", post(wishes::act))
        .route("/service", get(service::list).post(service::record))
        .route("/service/{id}/delete", post(service::delete))
        .route("/cobuilding", get(cobuilding::list).post(cobuilding::sign))
        .route("/cobuilding/{id}", get(cobuilding::show))
        .route(
            "/cobuilding/{id}/commitments",
            post(cobuilding::add_commitment),
        )
        .route("/commitments/{id}/done", post(cobuilding::mark))
        .route("/grid-places", post(grids::add_place))
        .route("/grid-places/{id}/remove", post(grids::remove_place))
        .route(
            "/evaluations",
            get(evaluations::page).post(evaluations::rate),
        )
        .route("/evaluations/{id}/withdraw", post(evaluations::withdraw))
        .route("/points", get(points::ranking))
        .route("/points/pending", get(points::pending))
        .route("/points/entries/{id}/{verdict}", post(points::decide))
        .route(
            "/members/{id}/points",
            get(points::ledger).post(points::enter),
        )
        .route("/orgs/{code}/ledger", get(compliance::ledger))
        .route("/orgs/{code}/ledger.xlsx", get(compliance::ledger_xlsx))
        .route("/orgs/{code}/ledger/points", get(ledgers::points_ledger))
        .route(
            "/orgs/{code}/ledger/registrations",
            get(ledgers::registrations_ledger),
        )
        .route("/audit", get(views::audit))
        .route(
            "/import",
            get(import::form)
                .post(import::upload)
                .layer(axum::extract::DefaultBodyLimit::max(import::MAX_UPLOAD)),
        )
        .route("/import/template.xlsx", get(import::template))
        .route("/members/export.xlsx", get(export::members_xlsx))
        .route("/orgs/export.xlsx", get(export::orgs_xlsx))
        .route("/audit/export.xlsx", get(export::audit_xlsx))
        .route("/api", get(views::api_docs))
        .route("/lang/{code}", get(set_lang))
        .route("/assets/{file}", get(asset))
}

/// What every page's frame needs: who is signed in, the language, the CSRF token.
pub struct Layout {
    pub lang: Lang,
    pub user: String,
    pub role: String,
    pub csrf: String,
    pub nav: &'static str,
    pub title: String,
    pub can_audit: bool,
    pub can_write: bool,
    pub can_accounts: bool,
    pub can_administer: bool,
}

impl Layout {
    pub fn t<'a>(&self, key: &'a str) -> &'a str {
        i18n::t(self.lang, key)
    }

    /// A label or message from the domain (Chinese text as key) in the page's language.
    pub fn tr<'a>(&self, zh: &'a str) -> &'a str {
        translate(self.lang, zh)
    }

    pub fn msg(&self, m: &Msg) -> String {
        m.render(self.lang)
    }

    pub fn lang_code(&self) -> &'static str {
        self.lang.code()
    }

    pub fn other_lang(&self) -> &'static str {
        self.lang.other()
    }
}

/// A signed-in person viewing pages; anyone else is sent to the sign-in page.
pub struct Viewer {
    pub actor: Actor,
    pub lang: Lang,
    pub csrf: String,
    pub session: String,
}

impl Viewer {
    pub fn layout(&self, nav: &'static str, title: impl Into<String>) -> Layout {
        let (user, role) = match &self.actor {
            Actor::User(u) => (
                u.display_name.clone(),
                translate(self.lang, u.role.label()).to_string(),
            ),
            Actor::Operator { name } => (name.clone(), String::new()),
        };
        Layout {
            lang: self.lang,
            user,
            role,
            csrf: self.csrf.clone(),
            nav,
            title: title.into(),
            can_audit: self.actor.may_read_audit().is_ok(),
            can_write: self.actor.may_write(self.actor.scope_path()).is_ok(),
            can_accounts: self
                .actor
                .may_manage_account(jiceng_domain::Role::Member, self.actor.scope_path())
                .is_ok(),
            can_administer: self.actor.may_administer().is_ok(),
        }
    }
}

pub fn lang_of(headers: &HeaderMap) -> Lang {
    Lang::from_cookie(cookie(headers, "lang").as_deref())
}

fn is_htmx(headers: &HeaderMap) -> bool {
    headers.contains_key("hx-request")
}

/// Sends the browser elsewhere: an HX-Redirect for htmx requests, a 303 otherwise.
pub fn go(headers: &HeaderMap, to: &str) -> Response {
    if is_htmx(headers) {
        ([("hx-redirect", to.to_string())], StatusCode::OK).into_response()
    } else {
        Redirect::to(to).into_response()
    }
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let lang = lang_of(&parts.headers);
        let to_login = || {
            let next = parts
                .uri
                .path_and_query()
                .map(|p| p.as_str())
                .unwrap_or("/");
            go(&parts.headers, &format!("/login?next={}", encode(next)))
        };
        let Some(token) = cookie(&parts.headers, SESSION_COOKIE) else {
            return Err(to_login());
        };
        let (actor, csrf) = match accounts::session_actor(&state.db, &token).await {
            Ok(v) => v,
            Err(OpsError::Unauthenticated(_)) => return Err(to_login()),
            Err(e) => return Err(error_page(lang, &e)),
        };
        if !matches!(parts.method, Method::GET | Method::HEAD) {
            let sent = parts
                .headers
                .get("x-csrf-token")
                .and_then(|v| v.to_str().ok());
            if !same_origin(&parts.headers) || sent != Some(csrf.as_str()) {
                return Err(error_page(
                    lang,
                    &OpsError::Forbidden(msg!("拒绝跨站或缺少 CSRF 令牌的请求")),
                ));
            }
        }
        Ok(Viewer {
            actor,
            lang,
            csrf,
            session: token,
        })
    }
}

/// Percent-encodes a path for a query parameter.
pub fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    l: Layout,
    message: String,
    /// Shown on server failures, for the person to quote to an operator.
    request_id: Option<String>,
}

/// The layout of a page anyone may open without signing in.
pub fn public_layout(lang: Lang, title: impl Into<String>) -> Layout {
    Layout {
        lang,
        user: String::new(),
        role: String::new(),
        csrf: String::new(),
        nav: "",
        title: title.into(),
        can_audit: false,
        can_write: false,
        can_accounts: false,
        can_administer: false,
    }
}

/// What a page handler fails with: shown as the error page, in the request's language.
pub struct PageError(OpsError);

/// What a page handler returns, so that a use case's refusal is passed on with `?`.
pub type PageResult = Result<Response, PageError>;

impl From<OpsError> for PageError {
    fn from(e: OpsError) -> Self {
        PageError(e)
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        error_page(crate::error::lang(), &self.0)
    }
}

pub fn error_page(lang: Lang, e: &OpsError) -> Response {
    let status = crate::error::status_of(e);
    let request_id = crate::error::log_failure(status, e)
        .filter(|_| status.is_server_error())
        .map(|id| id.to_string());
    let l = public_layout(lang, i18n::t(lang, "common.error"));
    (
        status,
        render(&ErrorPage {
            l,
            message: e.render(lang),
            request_id,
        }),
    )
        .into_response()
}

pub fn render<T: Template>(t: &T) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "template error").into_response()
        }
    }
}

async fn set_lang(Path(code): Path<String>, headers: HeaderMap) -> Response {
    let back = headers
        .get(header::REFERER)
        .and_then(|r| r.to_str().ok())
        .unwrap_or("/")
        .to_string();
    let value = if code == "en" { "en" } else { "zh" };
    (
        [(
            header::SET_COOKIE,
            format!("lang={value}; Path=/; SameSite=Lax; Max-Age=31536000"),
        )],
        Redirect::to(&back),
    )
        .into_response()
}

static CSS: &str = include_str!("../../assets/jiceng.css");
static HTMX: &[u8] = include_bytes!("../../assets/vendor/htmx-2.0.11.min.js");
static ECHARTS: &[u8] = include_bytes!("../../assets/vendor/echarts-5.6.0.min.js");

async fn asset(Path(file): Path<String>) -> Response {
    let (body, ty): (&[u8], &str) = match file.as_str() {
        "jiceng.css" => (CSS.as_bytes(), "text/css; charset=utf-8"),
        "htmx.min.js" => (HTMX, "text/javascript; charset=utf-8"),
        "echarts.min.js" => (ECHARTS, "text/javascript; charset=utf-8"),
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    (
        [
            (header::CONTENT_TYPE, ty),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        body,
    )
        .into_response()
}
