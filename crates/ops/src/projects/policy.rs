//! Who may see and run projects: the readers of a project's community see it; its writers
//! make it (from needs and resources they reach) and move it.

use super::Project;
use crate::{Actor, OpsError};
use jiceng_domain::projects::{self, ProjectMove};
use jiceng_store::Tx;

/// The project `id` as the actor may reach it, else not found.
pub(crate) async fn resolve(tx: &mut Tx, actor: &Actor, id: i64) -> Result<Project, OpsError> {
    let row = jiceng_store::projects::by_id(tx, id)
        .await?
        .ok_or_else(|| OpsError::not_found("项目", id))?;
    actor.reach(&row.community_path, "项目", id)?;
    let mut p = super::filled(tx, vec![row])
        .await?
        .pop()
        .ok_or_else(|| OpsError::internal("a project read is gone"))?;
    p.offers = offers(actor, &p);
    Ok(p)
}

/// Making and moving a project: the writers of its community.
pub fn may_manage(actor: &Actor, community_path: &str) -> Result<(), OpsError> {
    actor.may_write(community_path)
}

/// The moves the actor may make on the project now.
pub fn offers(actor: &Actor, p: &Project) -> Vec<&'static str> {
    if may_manage(actor, &p.community_path).is_err() {
        return Vec::new();
    }
    [ProjectMove::Start, ProjectMove::Finish, ProjectMove::Drop]
        .into_iter()
        .filter(|m| projects::next(p.status, *m).is_ok())
        .map(ProjectMove::code)
        .collect()
}
