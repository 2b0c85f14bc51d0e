//! The resident's sign-in on a phone: the number, then the code sent to it; a number signing
//! in for the first time also gives a name, a community (picked by name) and a building (from
//! the community's mapped buildings).

use crate::AppState;
use crate::auth::SESSION_COOKIE;
use crate::client::{ClientAddr, UserAgent};
use crate::pages::form::{Values, int, value};
use crate::pages::picks::{Choice, offer_in};
use crate::pages::{Layout, error_page, go, lang_of, public_layout, render};
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use jiceng_domain::msg;
use jiceng_domain::msg::translate;
use jiceng_ops::OpsError;
use jiceng_ops::accounts::login_log::Client;
use jiceng_ops::residents::{self, Building, SignInInput};

/// Where the sign-in is: asking for the number, for the code, or for what a first sign-in
/// gives.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Step {
    Phone,
    Code,
    Register,
}

#[derive(Template)]
#[template(path = "residents/login.html")]
struct SignInPage {
    l: Layout,
    step: Step,
    f: Values,
    /// Where the code went, and for how long it holds.
    sent: String,
    /// The code itself, where the deployment shows it (the demo).
    shown_code: String,
    buildings: Vec<Building>,
    error: String,
}

impl SignInPage {
    fn v(&self, k: &str) -> &str {
        self.f.get(k).map_or("", String::as_str)
    }

    fn at(&self, s: &str) -> bool {
        matches!(
            (self.step, s),
            (Step::Phone, "phone") | (Step::Code, "code") | (Step::Register, "register")
        )
    }
}

fn page(headers: &HeaderMap, step: Step, f: Values) -> SignInPage {
    SignInPage {
        l: public_layout(
            lang_of(headers),
            crate::pages::i18n::t(lang_of(headers), "resident.login"),
        ),
        step,
        f,
        sent: String::new(),
        shown_code: String::new(),
        buildings: Vec::new(),
        error: String::new(),
    }
}

pub async fn form(headers: HeaderMap) -> Response {
    render(&page(&headers, Step::Phone, Values::new()))
}

fn cross_site(headers: &HeaderMap) -> Option<Response> {
    (!crate::auth::same_origin(headers))
        .then(|| error_page(lang_of(headers), &OpsError::Forbidden(msg!("拒绝跨站请求"))))
}

pub async fn code(
    State(s): State<AppState>,
    ClientAddr(from): ClientAddr,
    headers: HeaderMap,
    Form(f): Form<Values>,
) -> Response {
    if let Some(refused) = cross_site(&headers) {
        return refused;
    }
    let lang = lang_of(&headers);
    let phone = value(&f, "phone").unwrap_or_default();
    match residents::send_code(&s.db, &s.codes, &phone, &from).await {
        Ok(sent) => {
            let mut p = page(&headers, Step::Code, f);
            p.sent = msg!(
                "验证码已发送至 {phone}，{minutes} 分钟内有效",
                phone = sent.phone,
                minutes = sent.expires_in / 60
            )
            .render(lang);
            p.shown_code = sent.shown_code.unwrap_or_default();
            render(&p)
        }
        Err(e) => {
            // A number already sent a code stays at the code step, with the wait named.
            let mut p = page(&headers, Step::Phone, f);
            p.error = e.render(lang);
            render(&p)
        }
    }
}

/// The fields a first sign-in gives: refused on one of these, the page asks for them.
fn asks_registration(e: &OpsError) -> bool {
    matches!(e, OpsError::Invalid(i) if matches!(i.field, "name" | "community" | "place_id"))
}

pub async fn submit(
    State(s): State<AppState>,
    ClientAddr(from): ClientAddr,
    UserAgent(agent): UserAgent,
    headers: HeaderMap,
    Form(f): Form<Values>,
) -> Response {
    if let Some(refused) = cross_site(&headers) {
        return refused;
    }
    let lang = lang_of(&headers);
    let place_id = match int(&f, "place_id") {
        Ok(id) => id,
        Err(e) => {
            let mut p = page(&headers, Step::Register, f);
            p.error = e.render(lang);
            return render(&p);
        }
    };
    let input = SignInInput {
        phone: value(&f, "phone"),
        sms_code: value(&f, "sms_code"),
        name: value(&f, "name"),
        community: value(&f, "community"),
        place_id,
    };
    let client = Client {
        address: &from,
        agent: &agent,
    };
    match residents::sign_in(&s.db, input, client).await {
        Ok(session) => {
            let cookie = format!(
                "{SESSION_COOKIE}={}; Path=/; HttpOnly; SameSite=Lax; Max-Age=43200",
                session.token
            );
            ([(header::SET_COOKIE, cookie)], go(&headers, "/resident")).into_response()
        }
        Err(e) => {
            let register = asks_registration(&e);
            let community = value(&f, "community");
            // The first time the page asks for the registration it explains, without an alarm;
            // the registration's own refusals are named.
            let first_ask = register && !f.contains_key("name");
            let mut p = page(
                &headers,
                if register { Step::Register } else { Step::Code },
                f,
            );
            if !first_ask {
                p.error = e.render(lang);
            }
            if register && let Some(c) = community {
                p.buildings = residents::buildings(&s.db, &c).await.unwrap_or_default();
            }
            render(&p)
        }
    }
}

/// Communities anywhere in the city by name, for the registration's community field.
pub async fn communities(
    State(s): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<Values>,
) -> Response {
    let lang = lang_of(&headers);
    let text = value(&q, "name").and_then(|n| value(&q, &n));
    let found = match &text {
        Some(t) => jiceng_ops::orgs::communities_named(&s.db, t)
            .await
            .unwrap_or_default(),
        None => Vec::new(),
    };
    let choices = found
        .into_iter()
        .map(|o| {
            let note = translate(lang, o.level_label).to_string();
            Choice::leaf(o.row.code, o.row.name, note)
        })
        .collect();
    offer_in(
        public_layout(lang, ""),
        choices,
        text.is_some(),
        "pick.none",
    )
}

#[derive(Template)]
#[template(path = "residents/buildings.html")]
struct Buildings {
    l: Layout,
    buildings: Vec<Building>,
    error: String,
}

/// The community's buildings as the options of the registration's building field.
pub async fn buildings(
    State(s): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<Values>,
) -> Response {
    let lang = lang_of(&headers);
    let (buildings, error) = match value(&q, "community") {
        Some(c) => match residents::buildings(&s.db, &c).await {
            Ok(b) => (b, String::new()),
            Err(e) => (Vec::new(), e.render(lang)),
        },
        None => (Vec::new(), String::new()),
    };
    render(&Buildings {
        l: public_layout(lang, ""),
        buildings,
        error,
    })
}
