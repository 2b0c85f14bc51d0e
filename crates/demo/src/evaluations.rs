//! The demo city's 双向评价 of the year before: most pairs graded, some still owed; that year
//! and this one kept as rows, so nobody waits for their first listing.

use chrono::{Datelike, NaiveDate};
use jiceng_ops::OpsError;
use jiceng_store::{Tx, evaluations};

/// Returns how many grades were written.
pub async fn load(tx: &mut Tx, today: NaiveDate) -> Result<u64, OpsError> {
    let graded = evaluations::grade_demo_year(tx, today.year() - 1, "demo").await?;
    for year in [today.year() - 1, today.year()] {
        evaluations::pairs::keep(tx, year).await?;
    }
    Ok(graded)
}
