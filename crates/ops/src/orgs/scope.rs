//! A scope as the large lists filter it.

use crate::OpsError;
use jiceng_domain::OrgLevel;
use jiceng_store::Tx;
use jiceng_store::keyset::Scope;

/// How a list over a large table narrows to the subtree at `path`: equality on the level its
/// rows keep (district, street, community), or the path range for an org below a community.
/// The root of the only tree is everything.
pub async fn scope_of(tx: &mut Tx, path: &str) -> Result<Scope, OpsError> {
    let ids = jiceng_domain::OrgPath(path.to_string()).ids();
    let Some(&id) = ids.last() else {
        return Ok(Scope::All);
    };
    if ids.len() == 1 && jiceng_store::orgs::roots(tx).await? == 1 {
        return Ok(Scope::All);
    }
    Ok(
        match jiceng_store::orgs::by_id(tx, id).await?.map(|o| o.level) {
            Some(OrgLevel::District) => Scope::District(id),
            Some(OrgLevel::Street) => Scope::Street(id),
            Some(OrgLevel::Community) => Scope::Community(id),
            _ => Scope::Path(path.to_string()),
        },
    )
}
