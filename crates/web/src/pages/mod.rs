//! Server-rendered pages: askama templates, htmx for partial updates, assets embedded in the
//! binary. Handlers call the same use cases as the API; access is decided there.

mod api_docs;
pub mod console;
pub(crate) mod export;
pub(crate) mod form;
mod home;
pub(crate) mod i18n;
pub(crate) mod picks;

use crate::AppState;
use crate::auth::{SESSION_COOKIE, cookie, same_origin};
use crate::routes;
use askama::Template;
use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
pub use i18n::Lang;
use jiceng_domain::msg::translate;
use jiceng_domain::{Msg, msg};
use jiceng_ops::{Actor, OpsError, accounts};

pub fn routes() -> routes::Table {
    let t = routes::Table::new(routes::Kind::Page, "");
    let features: [fn(routes::Table) -> routes::Table; 26] = [
        crate::accounts::pages,
        crate::assessment::pages,
        crate::audit::pages,
        crate::cases::pages,
        crate::cobuilding::pages,
        crate::evaluations::pages,
        crate::grids::pages,
        crate::imports::pages,
        crate::members::pages,
        crate::orglife::pages,
        crate::orgs::pages,
        crate::points::pages,
        crate::service::pages,
        crate::settings::pages,
        crate::units::pages,
        crate::wishes::pages,
        crate::residents::pages,
        crate::needs::pages,
        crate::resources::pages,
        crate::projects::pages,
        crate::errands::pages,
        crate::problems::pages,
        crate::positions::pages,
        crate::volunteers::pages,
        crate::activities::pages,
        crate::bookings::pages,
    ];
    let t = features.into_iter().fold(t, |t, add| add(t));
    routes::table!(t;
        GET "/" => home::home [Scope];
        GET "/units/export.xlsx" => export::units_xlsx [Scope];
        GET "/members/export.xlsx" => export::members_xlsx [Scope];
        GET "/orgs/export.xlsx" => export::orgs_xlsx [Scope];
        GET "/audit/export.xlsx" => export::audit_xlsx [Scope];
        GET "/meetings/export.xlsx" => export::lists::meetings [Scope];
        GET "/needs/export.xlsx" => export::lists::needs [Scope];
        GET "/resources/export.xlsx" => export::lists::resources [Scope];
        GET "/projects/export.xlsx" => export::lists::projects [Scope];
        GET "/errands/export.xlsx" => export::lists::errands [Scope];
        GET "/problems/export.xlsx" => export::lists::problems [Scope];
        GET "/residents/export.xlsx" => export::lists::residents [Scope];
        GET "/compliance/export.xlsx" => export::lists::compliance [Scope];
        GET "/points/export.xlsx" => export::lists::points [Scope];
        GET "/assessment/export.xlsx" => export::lists::assessment [Scope];
        GET "/rates/export.xlsx" => export::lists::rates [Scope];
        GET "/service/export.xlsx" => export::lists::service [Scope];
        GET "/wishes/export.xlsx" => export::lists::wishes [Scope];
        GET "/cobuilding/export.xlsx" => export::lists::cobuilding [Scope];
        GET "/evaluations/export.xlsx" => export::lists::evaluations [Scope];
        GET "/patrols/export.xlsx" => export::lists::patrols [Scope];
        GET "/api" => api_docs::api_docs [Public];
        GET "/lang/{code}" => set_lang [Public];
        GET "/assets/{file}" => asset [Public];
    )
}

/// What every page's frame needs: who is signed in, the language, the CSRF token.
pub struct Layout {
    pub lang: Lang,
    pub user: String,
    pub role: String,
    pub csrf: String,
    pub title: String,
    /// The sidebar: the areas the actor's console offers, by domain.
    pub sidebar: Vec<console::Group>,
    /// The group and link of the sidebar leading to this page, for the trail above it.
    pub trail: Option<(&'static str, console::Link)>,
    /// The phone's tab bar, for the roles that work on phones.
    pub tabs: Vec<console::Link>,
    /// The page is the home page.
    pub at_home: bool,
    /// The page's query string (its filters), for its export link.
    pub query: String,
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

    /// Whether the trail's link is this page itself (its title adds nothing to the trail).
    pub fn at_trail_end(&self) -> bool {
        self.trail
            .as_ref()
            .is_some_and(|(_, l)| self.t(l.label) == self.title)
    }
}

/// A signed-in person viewing pages; anyone else is sent to the sign-in page.
pub struct Viewer {
    pub actor: Actor,
    pub lang: Lang,
    pub csrf: String,
    pub session: String,
    /// The page's query string, so its export keeps the filters shown.
    pub query: String,
    /// The page's path, for the console to mark where the viewer is.
    pub path: String,
}

impl Viewer {
    /// A string of the catalogue in the viewer's language.
    pub fn t<'a>(&self, key: &'a str) -> &'a str {
        i18n::t(self.lang, key)
    }

    pub fn layout(&self, title: impl Into<String>) -> Layout {
        let (user, role) = match &self.actor {
            Actor::User(u) => (
                u.display_name.clone(),
                translate(self.lang, u.role.label()).to_string(),
            ),
            Actor::Operator { name } => (name.clone(), String::new()),
        };
        let sidebar = console::sidebar(&self.actor, &self.path);
        Layout {
            lang: self.lang,
            user,
            role,
            csrf: self.csrf.clone(),
            title: title.into(),
            trail: console::trail(&sidebar),
            sidebar,
            tabs: console::tabs(&self.actor, &self.path),
            at_home: self.path == "/",
            query: self.query.clone(),
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
            // A resident signs in with a code, on their own page.
            if parts.uri.path().starts_with("/resident") {
                return go(&parts.headers, "/resident/login");
            }
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
        // A session signed in with an expired or reset password sees the password form, and
        // may sign out, until the password is changed.
        if actor.owes_second_factor()
            && !matches!(parts.uri.path(), "/totp" | "/totp/confirm" | "/logout")
        {
            return Err(go(&parts.headers, "/totp"));
        }
        if actor.must_change_password() && !matches!(parts.uri.path(), "/password" | "/logout") {
            return Err(go(&parts.headers, "/password"));
        }
        Ok(Viewer {
            actor,
            lang,
            csrf,
            session: token,
            query: parts.uri.query().unwrap_or_default().to_string(),
            path: parts.uri.path().to_string(),
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
        title: title.into(),
        sidebar: Vec::new(),
        trail: None,
        tabs: Vec::new(),
        at_home: false,
        query: String::new(),
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

/// A link drawn as a QR code (SVG), for a phone's camera.
pub fn qr_svg(uri: &str) -> String {
    qrcode::QrCode::new(uri.as_bytes())
        .map(|q| {
            q.render::<qrcode::render::svg::Color>()
                .min_dimensions(200, 200)
                .build()
        })
        .unwrap_or_default()
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

/// `raw` if it is a path on this site: one leading '/', then no second '/' or '\\' (which
/// browsers read as another host), no backslash or control character anywhere.
pub fn local_path(raw: &str) -> Option<&str> {
    let rest = raw.strip_prefix('/')?;
    let ok = !rest.starts_with('/') && !raw.contains('\\') && !raw.chars().any(|c| c.is_control());
    ok.then_some(raw)
}

/// The page the browser came from, when it is on this site: its path and query.
fn back_on_this_site(headers: &HeaderMap) -> String {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    headers
        .get(header::REFERER)
        .and_then(|r| r.to_str().ok())
        .and_then(|r| r.split_once("://"))
        .and_then(|(_, rest)| {
            let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
            (Some(authority) == host).then_some(path)
        })
        .and_then(local_path)
        .unwrap_or("/")
        .to_string()
}

async fn set_lang(Path(code): Path<String>, headers: HeaderMap) -> Response {
    let back = back_on_this_site(&headers);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_paths_on_this_site_are_followed() {
        for ok in ["/", "/members?within=C1", "/cases/12"] {
            assert_eq!(local_path(ok), Some(ok));
        }
        for bad in [
            "//evil.example",
            "/\\evil.example",
            "/a\\b",
            "https://evil.example/",
            "evil.example",
            "/\tevil",
            "",
        ] {
            assert_eq!(local_path(bad), None, "{bad:?}");
        }
        let mut h = HeaderMap::new();
        h.insert(header::HOST, "jc.local:8080".parse().unwrap());
        h.insert(
            header::REFERER,
            "http://jc.local:8080/orgs?x=1".parse().unwrap(),
        );
        assert_eq!(back_on_this_site(&h), "/orgs?x=1");
        h.insert(
            header::REFERER,
            "https://evil.example/jc.local:8080/x".parse().unwrap(),
        );
        assert_eq!(back_on_this_site(&h), "/");
    }
}
