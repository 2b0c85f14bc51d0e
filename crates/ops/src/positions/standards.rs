//! Floor-area standards of positions, by kind and place: the city's default and those a
//! district sets for itself (500, 600 and 800 m² appear in the seeds).

use super::policy;
use crate::input::{opt, required};
use crate::{Actor, OpsError};
use jiceng_domain::positions::{self, PositionKind};
use jiceng_store::positions as store;
use jiceng_store::{Db, audit};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Standard {
    /// The org it holds for; none for the whole city.
    pub org_code: Option<String>,
    pub org_name: Option<String>,
    pub kind: PositionKind,
    pub min_area_m2: i64,
}

/// The standards that bear on the actor's scope: the city's, those of the orgs above it, and
/// those set within it; the city's first.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "position_standards"))]
pub async fn list(db: &Db, actor: &Actor) -> Result<Vec<Standard>, OpsError> {
    let scope = actor.scope_path();
    actor.may_read(scope)?;
    let mut tx = db.read().await?;
    let mut out = Vec::new();
    for (path, kind, m2) in store::standards(&mut tx).await? {
        let bears = scope.starts_with(&path) || actor.may_read(&path).is_ok();
        if !bears {
            continue;
        }
        let org = match jiceng_domain::OrgPath(path.clone()).ids().last() {
            Some(id) => jiceng_store::orgs::by_id(&mut tx, *id).await?,
            None => None,
        };
        let Ok(kind) = PositionKind::parse(&kind) else {
            continue;
        };
        // An org taken away since takes its standard with it.
        if !path.is_empty() && org.is_none() {
            continue;
        }
        out.push(Standard {
            org_code: org.as_ref().map(|o| o.code.clone()),
            org_name: org.map(|o| o.name),
            kind,
            min_area_m2: m2,
        });
    }
    Ok(out)
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct StandardInput {
    /// The org it holds for; the actor's own when none (the whole city for the whole
    /// deployment).
    pub org: Option<String>,
    pub kind: Option<String>,
    /// The least floor area, m²; none takes the standard away.
    pub min_area_m2: Option<i64>,
}

#[tracing::instrument(name = "ops", skip_all, fields(use_case = "set_position_standard"))]
pub async fn set(db: &Db, actor: &Actor, input: StandardInput) -> Result<Vec<Standard>, OpsError> {
    let kind = PositionKind::parse(required("kind", &input.kind)?)?;
    let m2 = input.min_area_m2.map(positions::area).transpose()?;
    let mut tx = db.write().await?;
    let path = match opt(&input.org) {
        Some(code) => {
            crate::orgs::policy::named(&mut tx, actor, "org", code)
                .await?
                .path
        }
        // The actor's own org's subtree; the whole city for the whole deployment.
        None if actor.scope_path() == "/" => String::new(),
        None => actor.scope_path().to_string(),
    };
    policy::may_set_standard(actor, if path.is_empty() { "/" } else { &path })?;
    let was = store::standards(&mut tx)
        .await?
        .into_iter()
        .find(|(at, k, _)| *at == path && k == kind.code())
        .map(|(_, _, m2)| m2);
    store::set_standard(&mut tx, &path, kind, m2).await?;
    let entry = |m2: Option<i64>| {
        format!(
            "{{\"kind\":\"{}\",\"min_area_m2\":{}}}",
            kind.code(),
            m2.map_or("null".into(), |m| m.to_string())
        )
    };
    audit::append(
        &mut tx,
        audit::Entry {
            actor: &actor.audit_name(),
            operation: "position.standard",
            target: &format!("position-standard:{}", kind.code()),
            path: Some(if path.is_empty() { "/" } else { &path }),
            before: Some(entry(was)),
            after: Some(entry(m2)),
        },
    )
    .await?;
    tx.commit().await?;
    list(db, actor).await
}
