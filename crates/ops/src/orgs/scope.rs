//! A scope as the large lists filter it.

use crate::input::opt;
use crate::{Actor, OpsError};
use jiceng_domain::OrgLevel;
use jiceng_store::Tx;
use jiceng_store::keyset::Scope;

/// How a list over a large table narrows to the subtree at `path`: equality on the level its
/// rows keep (district, street, community), or the path range for an org below a community.
pub async fn scope_of(tx: &mut Tx, path: &str) -> Result<Scope, OpsError> {
    let Some(id) = jiceng_domain::OrgPath(path.to_string())
        .ids()
        .last()
        .copied()
    else {
        return Ok(Scope::All);
    };
    Ok(
        match jiceng_store::orgs::by_id(tx, id).await?.map(|o| o.level) {
            Some(OrgLevel::District) => Scope::District(id),
            Some(OrgLevel::Street) => Scope::Street(id),
            Some(OrgLevel::Community) => Scope::Community(id),
            _ => Scope::Path(path.to_string()),
        },
    )
}

/// The subtree a list reads: the org `within` names (resolved through the orgs' policy as the
/// actor), or the actor's whole scope; the actor must read it.
pub(crate) async fn within_path(
    tx: &mut Tx,
    actor: &Actor,
    within: &Option<String>,
) -> Result<String, OpsError> {
    let path = match opt(within) {
        Some(code) => super::policy::named(tx, actor, "within", code).await?.path,
        None => actor.scope_path().to_string(),
    };
    actor.may_read(&path)?;
    Ok(path)
}

/// The same, as the scope a list over a large table narrows to.
pub(crate) async fn list_scope(
    tx: &mut Tx,
    actor: &Actor,
    within: &Option<String>,
) -> Result<Scope, OpsError> {
    let path = within_path(tx, actor, within).await?;
    scope_of(tx, &path).await
}

/// Whether the subtree at `path` holds every org: the whole deployment, or the root of its
/// only tree. Lists whose rows all hang under an org (points, compliance) may then read
/// without a filter; lists with rows outside the tree (cases waiting at "/") may not.
pub async fn whole_tree(tx: &mut Tx, path: &str) -> Result<bool, OpsError> {
    let ids = jiceng_domain::OrgPath(path.to_string()).ids();
    Ok(ids.is_empty() || (ids.len() == 1 && jiceng_store::orgs::roots(tx).await? == 1))
}

/// The scope of a list whose rows all hang under an org.
pub async fn org_rows_scope(tx: &mut Tx, path: &str) -> Result<Scope, OpsError> {
    if whole_tree(tx, path).await? {
        return Ok(Scope::All);
    }
    scope_of(tx, path).await
}
