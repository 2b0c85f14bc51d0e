//! Years of use for benchmarks: audit entries and login lines added to a built city, each
//! under an org drawn in proportion to its members (where the work is), linked into the
//! chain as any write's entry is.

use super::rng::Rng;
use jiceng_domain::accounts::LoginResult;
use jiceng_ops::OpsError;
use jiceng_store::audit::{self, Entry};
use jiceng_store::login_log::{self, NewLogin};
use jiceng_store::orgs::{self, OrgFilter};

/// Orgs' paths with their members counted up to each, to draw one by its share of members.
struct Draw {
    paths: Vec<String>,
    upto: Vec<u64>,
}

impl Draw {
    fn path(&self, rng: &mut Rng) -> &str {
        let total = *self.upto.last().expect("orgs with members");
        let x = rng.below(total);
        let i = self.upto.partition_point(|&u| u <= x);
        &self.paths[i]
    }
}

/// Adds `entries` audit entries and `logins` login lines; returns how many of each.
pub async fn add_log_lines(
    db: &jiceng_store::Db,
    entries: u64,
    logins: u64,
    seed: u64,
) -> Result<(u64, u64), OpsError> {
    let mut rng = Rng::new(seed);
    let draw = {
        let mut tx = db.read().await?;
        let mut draw = Draw {
            paths: Vec::new(),
            upto: Vec::new(),
        };
        let mut sum = 0u64;
        for o in orgs::in_subtree(&mut tx, "/", &OrgFilter::default(), i64::MAX, 0).await? {
            if o.member_count > 0 {
                sum += o.member_count as u64;
                draw.paths.push(o.path);
                draw.upto.push(sum);
            }
        }
        draw
    };
    if draw.paths.is_empty() {
        return Err(OpsError::not_found("党员", "（请先运行 jiceng demo）"));
    }
    let mut written = 0u64;
    while written < entries {
        let n = (entries - written).min(5_000);
        let lines: Vec<(String, String)> = (0..n)
            .map(|i| {
                (
                    format!("member:{}", written + i + 1),
                    draw.path(&mut rng).to_string(),
                )
            })
            .collect();
        let batch: Vec<Entry<'_>> = lines
            .iter()
            .map(|(target, path)| Entry {
                actor: "bench",
                operation: "member.update",
                target,
                path: Some(path),
                before: None,
                after: None,
            })
            .collect();
        let mut tx = db.write().await?;
        audit::append_many(&mut tx, &batch).await?;
        tx.commit().await?;
        written += n;
    }
    let mut logged = 0u64;
    while logged < logins {
        let n = (logins - logged).min(5_000);
        let mut tx = db.write().await?;
        for _ in 0..n {
            let path = draw.path(&mut rng).to_string();
            login_log::append(
                &mut tx,
                &NewLogin {
                    username: "bench",
                    user_id: None,
                    path: Some(&path),
                    address: "192.0.2.1",
                    user_agent: "bench",
                    result: LoginResult::Success,
                    reason: None,
                    at: jiceng_domain::clock::now(),
                },
            )
            .await?;
        }
        tx.commit().await?;
        logged += n;
    }
    Ok((written, logged))
}
