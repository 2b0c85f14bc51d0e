//! 立案: a received case is classified (its 小类 and urgency) and, when no grid or address
//! placed it, put in a community by the dispatcher.

use super::intake::route;
use super::moves::{Move, Moving};
use crate::OpsError;
use crate::input::opt;
use jiceng_domain::cases::{Routing, Urgency};
use jiceng_domain::{Invalid, msg};

pub(super) async fn register(x: &mut Moving<'_>, m: &Move) -> Result<Option<i64>, OpsError> {
    let category = opt(&m.category).or(x.before.category.as_deref());
    let Some(category) = category else {
        return Err(Invalid::new("category", "", msg!("立案须选择案件类别")).into());
    };
    let (leaf, top) = x.classification.leaf(category)?;
    (x.c.category, x.c.category_top) = (Some(leaf.code.clone()), Some(top.code.clone()));
    // The uses count each case once, under the category it has now.
    if x.before.category.as_deref() != Some(leaf.code.as_str()) {
        if let Some(old) = &x.before.category {
            jiceng_store::cases::category_uses::bump(&mut x.tx, old, -1).await?;
        }
        jiceng_store::cases::category_uses::bump(&mut x.tx, &leaf.code, 1).await?;
    }
    if let Some(u) = opt(&m.urgency) {
        x.c.urgency = Urgency::parse(u)?;
    }
    if x.c.routed == Routing::Manual {
        let Some(code) = opt(&m.community) else {
            return Err(
                Invalid::new("community", "", msg!("待人工分拨的案件须指定所属社区")).into(),
            );
        };
        let r = route(&mut x.tx, None, Some(code)).await?;
        x.by.check(|a| a.may_write(&r.path))?;
        (x.c.community_org_id, x.c.street_org_id, x.c.org_path) =
            (r.community_org_id, r.street_org_id, r.path);
        x.c.district_org_id = r.district_org_id;
        x.c.routed = Routing::Address;
    }
    x.c.registered_at = Some(x.now);
    Ok(None)
}
