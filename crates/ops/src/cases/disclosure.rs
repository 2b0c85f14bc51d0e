//! The public disclosure (晾晒): every street's and department's rates, and for one of them
//! the months and its latest closed cases — by category only: no personal data, and no
//! tracking code, which is the reporter's to know.

use super::rates::{self, RateLine, Rates, RatesQuery};
use super::settings;
use crate::OpsError;
use chrono::{DateTime, Utc};
use jiceng_domain::cases::Satisfaction;
use jiceng_store::Db;
use jiceng_store::cases::{self as store, CaseFilter};
use serde::Serialize;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PublicCase {
    pub category: String,
    pub received_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    pub on_time: bool,
    pub satisfaction: Option<&'static str>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Disclosure {
    pub streets: Vec<RateLine>,
    pub departments: Vec<RateLine>,
    /// The street or department asked for: its months and latest closed cases.
    pub chosen: Option<(String, Rates, Vec<PublicCase>)>,
}

#[tracing::instrument(name = "ops", skip_all, fields(use_case = "disclosure"))]
pub async fn disclosure(
    db: &Db,
    street: Option<&str>,
    department: Option<&str>,
) -> Result<Disclosure, OpsError> {
    let by = |b: &str| RatesQuery {
        by: Some(b.into()),
        ..Default::default()
    };
    let streets = rates::public(db, by("street")).await?.lines;
    let departments = rates::public(db, by("department")).await?.lines;
    let chosen = match (street, department) {
        (None, None) => None,
        (s, d) => {
            let q = RatesQuery {
                by: Some("month".into()),
                street: s.map(str::to_string),
                department: d.map(str::to_string),
                ..Default::default()
            };
            let months = rates::public(db, q).await?;
            let name = streets
                .iter()
                .chain(&departments)
                .find(|l| l.code.as_deref() == s.or(d))
                .map_or_else(
                    || s.or(d).unwrap_or_default().to_string(),
                    |l| l.label.clone(),
                );
            let mut tx = db.read().await?;
            let street_org_id = match s {
                Some(code) => Some(crate::orgs::anywhere(&mut tx, "street", code).await?.id),
                None => None,
            };
            let department_id = match d {
                Some(code) => Some(
                    super::departments::by_code(&mut tx, "department", code)
                        .await?
                        .id,
                ),
                None => None,
            };
            let f = CaseFilter {
                statuses: vec!["closed".into()],
                street_org_id,
                department_id,
                ..CaseFilter::default()
            };
            let names = settings::classification_in(&mut tx).await?;
            let cases = store::list(&mut tx, &f, None, 50)
                .await?
                .into_iter()
                .map(|c| PublicCase {
                    category: c
                        .category
                        .as_ref()
                        .and_then(|k| names.categories.iter().find(|x| &x.code == k))
                        .map_or_else(|| "—".into(), |x| x.name.clone()),
                    on_time: match (c.closed_at, c.due_at) {
                        (Some(closed), Some(due)) => closed <= due,
                        _ => true,
                    },
                    satisfaction: c.satisfaction.map(Satisfaction::label),
                    received_at: c.received_at,
                    closed_at: c.closed_at,
                })
                .collect();
            Some((name, months, cases))
        }
    };
    Ok(Disclosure {
        streets,
        departments,
        chosen,
    })
}
