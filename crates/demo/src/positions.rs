//! The demo's service positions, as the seeds describe them: a party-mass service centre for
//! each street (some short of the city's 500 m²), a 支部家院 for every few grids of a
//! community and a 微阵地 in each, placed at mapped buildings.

use super::rng::Rng;
use jiceng_domain::grids::PlaceKind;
use jiceng_domain::positions::PositionKind;
use jiceng_ops::OpsError;
use jiceng_store::Tx;
use jiceng_store::positions::{self as store, NewPosition};
use std::collections::BTreeMap;

pub async fn load(tx: &mut Tx, rng: &mut Rng) -> Result<(), OpsError> {
    let mut streets_done = std::collections::HashSet::new();
    for (community, path) in jiceng_store::cobuilding::communities(tx).await? {
        let buildings: Vec<(i64, String, f64, f64)> = jiceng_store::places::within(tx, &path, 2000)
            .await?
            .into_iter()
            .filter(|p| p.kind == PlaceKind::Building)
            .map(|p| (p.grid_id, p.name, p.lon, p.lat))
            .collect();
        let Some(first) = buildings.first().cloned() else {
            continue;
        };
        let Some(org) = jiceng_store::orgs::by_id(tx, community).await? else {
            continue;
        };
        // (kind, name, running org, its path, where, m²)
        type Planned = (PositionKind, String, i64, String, (f64, f64), i64);
        let add = |kind, name: String, org: (i64, String), at: (f64, f64), area| -> Planned {
            (kind, name, org.0, org.1, at, area)
        };
        let mut rows: Vec<Planned> = Vec::new();
        if let Some(street) = org.parent_id
            && streets_done.insert(street)
            && let Some(s) = jiceng_store::orgs::by_id(tx, street).await?
        {
            let name = format!(
                "{}党群服务中心",
                s.name
                    .trim_start_matches("中共")
                    .trim_end_matches("工作委员会")
            );
            rows.push(add(
                PositionKind::Centre,
                name,
                (s.id, s.path.clone()),
                (first.2, first.3),
                rng.range(420, 900),
            ));
        }
        let community_name = org
            .name
            .trim_start_matches("中共")
            .trim_end_matches("委员会")
            .to_string();
        rows.push(add(
            PositionKind::Micro,
            format!("{community_name}微阵地"),
            (org.id, org.path.clone()),
            (first.2, first.3),
            rng.range(30, 80),
        ));
        let mut by_grid: BTreeMap<i64, Vec<&(i64, String, f64, f64)>> = BTreeMap::new();
        for b in &buildings {
            by_grid.entry(b.0).or_default().push(b);
        }
        for (n, (_, here)) in by_grid.iter().enumerate().step_by(3) {
            let b = rng.pick(here);
            rows.push(add(
                PositionKind::BranchHome,
                format!("{community_name}第{}支部家院", n / 3 + 1),
                (org.id, org.path.clone()),
                (b.2, b.3),
                rng.range(40, 200),
            ));
        }
        for (kind, name, org_id, org_path, point, area_m2) in &rows {
            store::insert(
                tx,
                &NewPosition {
                    kind: *kind,
                    name,
                    org_id: *org_id,
                    org_path,
                    unit_id: None,
                    point: *point,
                    area_m2: *area_m2,
                    rooms: Some("议事厅、活动室、阅览室"),
                    facilities: Some("投影、桌椅、饮水机、急救箱"),
                    hours: Some("周一至周日 8:30–17:30"),
                    by: "demo",
                },
            )
            .await?;
        }
    }
    Ok(())
}
