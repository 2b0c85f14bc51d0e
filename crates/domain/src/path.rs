//! Materialized paths of the org tree: "/1/5/12/" lists the ids from the root down.
//! A subtree is the half-open range [path, upper) so queries use a plain index range.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrgPath(pub String);

impl OrgPath {
    pub fn root(id: i64) -> OrgPath {
        OrgPath(format!("/{id}/"))
    }

    pub fn child(&self, id: i64) -> OrgPath {
        OrgPath(format!("{}{id}/", self.0))
    }

    /// The exclusive upper bound of the subtree: '0' sorts right after '/'.
    pub fn upper(&self) -> String {
        upper(&self.0)
    }

    pub fn ids(&self) -> Vec<i64> {
        self.0.split('/').filter_map(|s| s.parse().ok()).collect()
    }

    pub fn depth(&self) -> usize {
        self.ids().len()
    }

    pub fn contains(&self, other: &OrgPath) -> bool {
        other.0.starts_with(&self.0)
    }
}

/// The deepest path every one of `paths` lies under ("/" when they share no org).
pub fn common<'a>(paths: impl IntoIterator<Item = &'a str>) -> String {
    let mut out: Option<&str> = None;
    for p in paths {
        out = Some(match out {
            None => p,
            Some(o) => {
                let same = o.bytes().zip(p.bytes()).take_while(|(a, b)| a == b).count();
                &o[..=o[..same].rfind('/').unwrap_or(0)]
            }
        });
    }
    out.unwrap_or("/").to_string()
}

pub fn upper(path: &str) -> String {
    format!("{}0", &path[..path.len() - 1])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subtree_range_holds_exactly_the_descendants() {
        let p = OrgPath::root(1).child(23);
        let up = p.upper();
        let inside = ["/1/23/", "/1/23/4/", "/1/23/999/7/"];
        let outside = ["/1/2/", "/1/230/", "/1/24/", "/1/", "/1/231/5/"];
        for s in inside {
            assert!(s >= p.0.as_str() && s < up.as_str(), "{s}");
        }
        for s in outside {
            assert!(!(s >= p.0.as_str() && s < up.as_str()), "{s}");
        }
        assert_eq!(p.ids(), vec![1, 23]);
        assert!(p.contains(&p.child(4)));
    }

    #[test]
    fn the_common_path_ends_at_a_whole_org() {
        assert_eq!(common(["/1/23/4/", "/1/23/5/"]), "/1/23/");
        assert_eq!(common(["/1/23/", "/1/230/"]), "/1/");
        assert_eq!(common(["/1/23/4/"]), "/1/23/4/");
        assert_eq!(common(["/1/23/4/", "/1/23/"]), "/1/23/");
        assert_eq!(common(["/1/", "/2/"]), "/");
        assert_eq!(common([]), "/");
    }
}
