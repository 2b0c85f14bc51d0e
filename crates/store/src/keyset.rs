//! Keyset paging over large tables: a list filters by equality on columns its rows keep
//! (the district, street and community above them, see `org_levels`) and reads its rows in
//! the order of an index that ends with the sort, so a page costs the same at any size.

use crate::db::on;
use crate::{StoreError, Tx};
use chrono::{DateTime, NaiveDate, Utc};
use jiceng_domain::path::upper;

/// Where a list looks: equality on the level its rows keep, or, for an org below a community,
/// a range over the path.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Scope {
    #[default]
    All,
    District(i64),
    Street(i64),
    Community(i64),
    Path(String),
}

/// One bound value of a statement built at run time.
pub enum Arg {
    Text(String),
    Int(i64),
    Time(DateTime<Utc>),
    Date(NaiveDate),
    Float(f64),
}

/// A statement's arguments, numbered as they are added.
#[derive(Default)]
pub struct Args(Vec<Arg>);

impl Args {
    pub fn add(&mut self, a: Arg) -> String {
        self.0.push(a);
        format!("${}", self.0.len())
    }

    pub fn int(&mut self, v: i64) -> String {
        self.add(Arg::Int(v))
    }

    pub fn time(&mut self, v: DateTime<Utc>) -> String {
        self.add(Arg::Time(v))
    }

    pub fn date(&mut self, v: NaiveDate) -> String {
        self.add(Arg::Date(v))
    }

    pub fn float(&mut self, v: f64) -> String {
        self.add(Arg::Float(v))
    }

    pub fn text(&mut self, v: &str) -> String {
        self.add(Arg::Text(v.to_string()))
    }

    /// The scope's condition on the table whose columns are prefixed `t` (`""` or `"c."`).
    pub fn scope(&mut self, t: &str, scope: &Scope) -> Option<String> {
        self.scope_with(t, &format!("{t}org_path"), scope)
    }

    /// The same where the rows' path is `path` (a joined org's, or a column of another name).
    pub fn scope_with(&mut self, t: &str, path: &str, scope: &Scope) -> Option<String> {
        let (col, id) = match scope {
            Scope::All => return None,
            Scope::District(id) => ("district_org_id", *id),
            Scope::Street(id) => ("street_org_id", *id),
            Scope::Community(id) => ("community_org_id", *id),
            Scope::Path(p) => {
                let (lo, hi) = (self.text(p), self.text(&upper(p)));
                return Some(format!("{path} >= {lo} AND {path} < {hi}"));
            }
        };
        Some(format!("{t}{col} = {}", self.int(id)))
    }
}

pub async fn fetch<R>(tx: &mut Tx, sql: &str, args: &Args) -> Result<Vec<R>, StoreError>
where
    R: Send + Unpin,
    R: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>,
    R: for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>,
{
    Ok(on!(tx, c => {
        let mut q = sqlx::query_as::<_, R>(sql);
        for a in &args.0 {
            q = match a {
                Arg::Text(v) => q.bind(v),
                Arg::Int(v) => q.bind(v),
                Arg::Time(v) => q.bind(v),
                Arg::Date(v) => q.bind(v),
                Arg::Float(v) => q.bind(v),
            };
        }
        q.fetch_all(c).await
    })?)
}

/// Reads of one list merged by their sort key: each arm is already sorted and limited.
pub fn merged(arms: Vec<String>, order: &str, limit: i64) -> String {
    if arms.len() == 1 {
        return arms.into_iter().next().unwrap_or_default();
    }
    let parts: Vec<String> = arms
        .into_iter()
        .enumerate()
        .map(|(i, a)| format!("SELECT * FROM ({a}) AS arm{i}"))
        .collect();
    format!(
        "{} ORDER BY {order} LIMIT {limit}",
        parts.join(" UNION ALL ")
    )
}
