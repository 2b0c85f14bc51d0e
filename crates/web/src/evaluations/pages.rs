//! The 双向评价 desk: the pairs a year owes within the viewer's scope, graded in place, with
//! progress per side; a grade can be withdrawn and given again.

use crate::AppState;
use crate::pages::form::{Values, keyset_links, value};
use crate::pages::{Layout, Viewer, encode, error_page, go, render};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use jiceng_domain::evaluations::{Grade, Subject};
use jiceng_domain::msg::translate;
use jiceng_ops::OpsError;
use jiceng_ops::evaluations::Evaluation;
use jiceng_ops::evaluations::{self, ListPairs, NewEvaluation};

pub struct Line {
    pub subject: &'static str,
    pub subject_label: String,
    pub community_code: String,
    /// Who is graded, and the link to their file.
    pub rated: String,
    pub rated_link: String,
    pub rater: String,
    pub member: String,
    pub unit: String,
    pub evaluation: Option<(i64, String, String, String)>,
}

#[derive(Template)]
#[template(path = "evaluations/evaluations.html")]
struct Page {
    l: Layout,
    f: Values,
    year: i32,
    subjects: Vec<(&'static str, String)>,
    grades: Vec<(&'static str, String)>,
    progress: Vec<(String, i64, i64)>,
    rows: Vec<Line>,
    first_link: String,
    next_link: String,
    error: String,
}

impl Page {
    fn v(&self, k: &str) -> &str {
        self.f.get(k).map_or("", String::as_str)
    }

    /// The filters a grade's form carries so the desk comes back as it was.
    fn keep(&self) -> Vec<(&'static str, &str)> {
        KEPT.iter().map(|k| (*k, self.v(k))).collect()
    }
}

const KEPT: [&str; 5] = ["year", "within", "subject", "pending", "after"];

async fn desk(s: &AppState, v: &Viewer, q: Values, error: String) -> Response {
    let query = ListPairs {
        year: value(&q, "year"),
        within: value(&q, "within"),
        subject: value(&q, "subject"),
        pending: value(&q, "pending").is_some(),
        after: value(&q, "after"),
        limit: Some(50),
    };
    let label = |s: Subject| -> String { translate(v.lang, s.label()).into() };
    let title = v.t("nav.evaluations").to_string();
    let mut out = Page {
        l: v.layout(title),
        year: 0,
        subjects: Subject::CHOICES
            .iter()
            .map(|(c, l)| (*c, translate(v.lang, l).to_string()))
            .collect(),
        grades: Grade::CHOICES
            .iter()
            .map(|(c, l)| (*c, translate(v.lang, l).to_string()))
            .collect(),
        progress: Vec::new(),
        rows: Vec::new(),
        first_link: String::new(),
        next_link: String::new(),
        error,
        f: q,
    };
    match evaluations::pairs(&s.db, &v.actor, query).await {
        Ok(p) => {
            out.year = p.year;
            out.f.insert("year".into(), p.year.to_string());
            out.progress = p
                .progress
                .into_iter()
                .map(|x| (label(x.subject), x.done, x.owed))
                .collect();
            let base: String = ["year", "within", "subject", "pending"]
                .iter()
                .filter_map(|k| value(&out.f, k).map(|x| format!("{k}={}", encode(&x))))
                .collect::<Vec<_>>()
                .join("&");
            (out.first_link, out.next_link) = keyset_links(
                &format!("/evaluations?{base}&"),
                &out.f,
                p.page.next.as_deref(),
            );
            out.rows = p
                .page
                .items
                .into_iter()
                .map(|r| {
                    let (rated, rated_link, rater) = match r.subject {
                        Subject::Member => (
                            r.member_name.clone().unwrap_or_default(),
                            format!("/members/{}", r.member_id.unwrap_or_default()),
                            r.community_name.clone(),
                        ),
                        Subject::Unit => (
                            r.unit_name.clone().unwrap_or_default(),
                            format!("/units/{}", r.unit_id.unwrap_or_default()),
                            r.community_name.clone(),
                        ),
                        Subject::Community => (
                            r.community_name.clone(),
                            format!("/orgs/{}", r.community_code),
                            r.unit_name.clone().unwrap_or_default(),
                        ),
                    };
                    Line {
                        subject: r.subject.code(),
                        subject_label: label(r.subject),
                        rated,
                        rated_link,
                        rater,
                        member: r.member_id.map(|m| m.to_string()).unwrap_or_default(),
                        unit: r.unit_id.map(|u| u.to_string()).unwrap_or_default(),
                        evaluation: r.evaluation_id.map(|id| {
                            (
                                id,
                                r.grade.map_or(String::new(), |g| label_grade(v, g)),
                                r.comment.unwrap_or_default(),
                                r.evaluated_by.unwrap_or_default(),
                            )
                        }),
                        community_code: r.community_code,
                    }
                })
                .collect();
        }
        Err(e @ OpsError::Forbidden(_)) => return error_page(v.lang, &e),
        Err(e) => {
            if out.error.is_empty() {
                out.error = e.render(v.lang);
            }
        }
    }
    render(&out)
}

/// Evaluations as lines for a member's or a unit's file: year, who graded whom, the grade.
pub fn lines(v: &Viewer, rows: &[Evaluation]) -> Vec<String> {
    rows.iter()
        .map(|e| {
            let other = e
                .member_name
                .as_deref()
                .or(e.unit_name.as_deref())
                .unwrap_or_default();
            let (rater, rated) = if e.subject == Subject::Community {
                (other, e.community_name.as_str())
            } else {
                (e.community_name.as_str(), other)
            };
            format!(
                "{} · {rater} → {rated}：{}{}",
                e.year,
                label_grade(v, e.grade),
                e.comment
                    .as_ref()
                    .map(|c| format!("（{c}）"))
                    .unwrap_or_default()
            )
        })
        .collect()
}

fn label_grade(v: &Viewer, g: Grade) -> String {
    translate(v.lang, g.label()).into()
}

pub async fn page(State(s): State<AppState>, v: Viewer, Query(q): Query<Values>) -> Response {
    desk(&s, &v, q, String::new()).await
}

/// Where to return after a grade: the desk as it was filtered.
fn back(f: &Values) -> String {
    let q: String = KEPT
        .iter()
        .filter_map(|k| value(f, &format!("back_{k}")).map(|x| format!("{k}={}", encode(&x))))
        .collect::<Vec<_>>()
        .join("&");
    format!("/evaluations?{q}")
}

fn filters(f: &Values) -> Values {
    f.iter()
        .filter_map(|(k, x)| k.strip_prefix("back_").map(|k| (k.to_string(), x.clone())))
        .collect()
}

pub async fn rate(
    State(s): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Form(f): Form<Values>,
) -> Response {
    let new = NewEvaluation {
        year: value(&f, "year"),
        subject: value(&f, "subject"),
        community: value(&f, "community"),
        member: value(&f, "member"),
        unit: value(&f, "unit"),
        grade: value(&f, "grade"),
        comment: value(&f, "comment"),
    };
    match evaluations::rate(&s.db, &v.actor, new).await {
        Ok(_) => go(&headers, &back(&f)),
        Err(e @ OpsError::Forbidden(_)) => error_page(v.lang, &e),
        Err(e) => desk(&s, &v, filters(&f), e.render(v.lang)).await,
    }
}

pub async fn withdraw(
    State(s): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<Values>,
) -> Response {
    match evaluations::withdraw(&s.db, &v.actor, id).await {
        Ok(_) => go(&headers, &back(&f)),
        Err(e @ OpsError::Forbidden(_)) => error_page(v.lang, &e),
        Err(e) => desk(&s, &v, filters(&f), e.render(v.lang)).await,
    }
}
