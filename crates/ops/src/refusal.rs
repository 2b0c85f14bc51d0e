//! A record refused with every problem it has, so a spreadsheet row is corrected in one go,
//! or stopped by what stops the whole request (access, the database).

use crate::OpsError;
use jiceng_domain::{Invalid, msg};
use jiceng_store::StoreError;

/// Keeps a field's value, or notes why not among the record's other problems.
pub(crate) fn noted<T>(problems: &mut Vec<OpsError>, r: Result<T, Invalid>) -> Option<T> {
    r.map_err(|e| problems.push(e.into())).ok()
}

/// Why a record is refused: its problems (invalid or conflicting fields, all of them), or
/// what stops the whole request.
pub(crate) enum Refusal {
    Problems(Vec<OpsError>),
    Stop(OpsError),
}

impl Refusal {
    /// The first problem, for front doors that name one at a time.
    pub(crate) fn first(self) -> OpsError {
        match self {
            Refusal::Problems(mut v) if !v.is_empty() => v.swap_remove(0),
            Refusal::Problems(_) => OpsError::Invalid(Invalid::new("", "", msg!("无效"))),
            Refusal::Stop(e) => e,
        }
    }
}

impl From<OpsError> for Refusal {
    fn from(e: OpsError) -> Self {
        match e {
            e @ (OpsError::Invalid(_) | OpsError::Conflict(_)) => Refusal::Problems(vec![e]),
            e => Refusal::Stop(e),
        }
    }
}

impl From<Invalid> for Refusal {
    fn from(e: Invalid) -> Self {
        Refusal::Problems(vec![e.into()])
    }
}

impl From<StoreError> for Refusal {
    fn from(e: StoreError) -> Self {
        Refusal::Stop(e.into())
    }
}
