//! The demo city's 双向评价 of the year before: most pairs graded, some still owed.

use chrono::{Datelike, NaiveDate};
use jiceng_ops::OpsError;
use jiceng_store::{Tx, evaluations};

/// Returns how many grades were written.
pub async fn load(tx: &mut Tx, today: NaiveDate) -> Result<u64, OpsError> {
    Ok(evaluations::grade_demo_year(tx, today.year() - 1, "demo").await?)
}
