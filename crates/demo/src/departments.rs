//! The functional departments a district dispatches cases to.

use jiceng_ops::OpsError;
use jiceng_store::{Tx, cases};

pub const DEPARTMENTS: [(&str, &str); 12] = [
    ("cgj", "城市管理局"),
    ("zjj", "住房和城乡建设局"),
    ("scj", "市场监督管理局"),
    ("gaj", "公安分局"),
    ("hbj", "生态环境局"),
    ("swj", "水务集团"),
    ("gdj", "供电公司"),
    ("rqj", "燃气公司"),
    ("mzj", "民政局"),
    ("rsj", "人力资源和社会保障局"),
    ("wjw", "卫生健康委员会"),
    ("jtj", "交通运输局"),
];

/// Returns the departments' ids, in the order above.
pub async fn load(tx: &mut Tx) -> Result<Vec<i64>, OpsError> {
    let mut ids = Vec::new();
    for (code, name) in DEPARTMENTS {
        ids.push(cases::add_department(tx, code, name).await?);
    }
    Ok(ids)
}
