//! Who may reach a grid. A grid a request names by its code (a body's grid, a list's filter)
//! is resolved here, as the acting user, before anything else reads it: a grid out of reach
//! is refused exactly as a code that does not exist.

use crate::{Actor, OpsError};
use jiceng_domain::{Invalid, msg};
use jiceng_store::Tx;
use jiceng_store::cases::{self as store, GridRow};
use jiceng_store::orgs::{self, OrgRow};

/// The grid `code` and its community, if the actor reads the community or works the grid.
pub(crate) async fn named(
    tx: &mut Tx,
    actor: &Actor,
    field: &'static str,
    code: &str,
) -> Result<(GridRow, OrgRow), OpsError> {
    let missing = || Invalid::new(field, code, msg!("没有这个网格"));
    let grid = store::grid_by_code(tx, code.trim())
        .await?
        .ok_or_else(missing)?;
    let community = orgs::by_id(tx, grid.community_org_id)
        .await?
        .filter(|c| actor.may_read(&c.path).is_ok() || actor.reaches_as_grid_worker(&c.path, false))
        .ok_or_else(missing)?;
    Ok((grid, community))
}
