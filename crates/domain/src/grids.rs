//! Grids (网格): a community's 12-digit statistical code plus a 3-digit sequence, and a
//! polygon (WGS-84 longitude/latitude rings, as in GeoJSON) that decides what lies inside.

use crate::{DivisionCode, DivisionLevel, Invalid};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GridCode(String);

impl GridCode {
    pub fn parse(raw: &str) -> Result<GridCode, Invalid> {
        let t = raw.trim();
        if t.len() != 15 || !t.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Invalid::new(
                "grid_code",
                raw,
                msg!("网格编码应为 15 位数字：社区 12 位代码加 3 位序号"),
            ));
        }
        let community = DivisionCode::parse(&t[..12])?;
        if community.level() != DivisionLevel::Village {
            return Err(Invalid::new(
                "grid_code",
                raw,
                msg!("前 12 位应为社区（村）级区划代码"),
            ));
        }
        if &t[12..] == "000" {
            return Err(Invalid::new("grid_code", raw, msg!("网格序号从 001 开始")));
        }
        Ok(GridCode(t.to_string()))
    }

    /// The code of grid number `seq` (1–999) in a community.
    pub fn new(community: &DivisionCode, seq: u32) -> Result<GridCode, Invalid> {
        if !(1..=999).contains(&seq) {
            return Err(Invalid::new("grid_code", seq, msg!("网格序号从 001 开始")));
        }
        GridCode::parse(&format!("{}{seq:03}", community.as_str()))
    }

    pub fn community(&self) -> DivisionCode {
        DivisionCode::parse(&self.0[..12]).expect("checked on parse")
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for GridCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

labelled_enum! {
    /// A place in a grid's team (网格队伍).
    TeamRole, "role" {
        Leader = "leader", "网格长";
        FullTime = "full_time", "专职网格员";
        PartTime = "part_time", "兼职网格员";
        InfoOfficer = "info_officer", "信息员";
        Volunteer = "volunteer", "志愿者";
    }
}

labelled_enum! {
    /// What a mapped place inside a grid is.
    PlaceKind, "place_kind" {
        Building = "building", "楼栋";
        Unit = "unit", "驻区单位";
    }
}

/// A point as (longitude, latitude).
pub type Point = (f64, f64);

/// A polygon: an outer ring and any holes, each closed or not.
#[derive(Debug, Clone, PartialEq)]
pub struct Polygon {
    pub rings: Vec<Vec<Point>>,
}

impl Polygon {
    /// Checks the rings: at least three distinct corners, coordinates within WGS-84 bounds.
    pub fn new(rings: Vec<Vec<Point>>) -> Result<Polygon, Invalid> {
        if rings.is_empty() {
            return Err(Invalid::new(
                "polygon",
                "[]",
                msg!("多边形至少需要一个外环"),
            ));
        }
        for ring in &rings {
            let open = match (ring.first(), ring.last()) {
                (Some(a), Some(b)) if a == b => ring.len() - 1,
                _ => ring.len(),
            };
            if open < 3 {
                return Err(Invalid::new(
                    "polygon",
                    ring.len(),
                    msg!("每个环至少需要 3 个不同的顶点"),
                ));
            }
            if let Some((x, y)) = ring
                .iter()
                .find(|(x, y)| !(-180.0..=180.0).contains(x) || !(-90.0..=90.0).contains(y))
            {
                return Err(Invalid::new(
                    "polygon",
                    format!("{x},{y}"),
                    msg!("经纬度超出范围"),
                ));
            }
        }
        Ok(Polygon { rings })
    }

    /// Inside the outer ring and outside every hole (even-odd rule; edges count as inside
    /// of at most one of two neighbours).
    pub fn contains(&self, p: Point) -> bool {
        let mut rings = self.rings.iter();
        let inside = rings.next().is_some_and(|r| ring_contains(r, p));
        inside && !rings.any(|r| ring_contains(r, p))
    }

    /// A point surely inside: the middle of the widest inside stretch of the horizontal line
    /// through the middle of the bounding box. The box's centre can fall outside an L- or
    /// U-shaped grid; this cannot.
    pub fn interior_point(&self) -> Point {
        let (x0, y0, x1, y1) = self.bbox();
        // A line exactly through a vertex makes crossings ambiguous; nudge it off the middle.
        let y = y0 + (y1 - y0) * 0.5001;
        let mut xs: Vec<f64> = Vec::new();
        for ring in &self.rings {
            let n = ring.len();
            for i in 0..n {
                let (xa, ya) = ring[i];
                let (xb, yb) = ring[(i + 1) % n];
                if (ya > y) != (yb > y) {
                    xs.push(xa + (y - ya) * (xb - xa) / (yb - ya));
                }
            }
        }
        xs.sort_by(f64::total_cmp);
        xs.chunks_exact(2)
            .map(|w| (w[0], w[1]))
            .max_by(|a, b| (a.1 - a.0).total_cmp(&(b.1 - b.0)))
            .map_or(((x0 + x1) / 2.0, y), |(a, b)| ((a + b) / 2.0, y))
    }

    /// The bounding box (min lon, min lat, max lon, max lat), for a quick index.
    pub fn bbox(&self) -> (f64, f64, f64, f64) {
        let mut b = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
        for (x, y) in self.rings.iter().flatten() {
            b = (b.0.min(*x), b.1.min(*y), b.2.max(*x), b.3.max(*y));
        }
        b
    }
}

/// Most corners a grid's polygon may have, all rings together: a hand-drawn grid has tens.
pub const MAX_VERTICES: usize = 2_000;
/// Widest a grid may be, in degrees of longitude or latitude (about 20 km): a community is a
/// few kilometres across, so anything larger is a mistake or an attempt to capture others' cases.
pub const MAX_SPAN_DEGREES: f64 = 0.2;

impl Polygon {
    /// A grid's shape: at most [`MAX_VERTICES`] corners, no wider than [`MAX_SPAN_DEGREES`],
    /// and simple — no ring crosses itself or another ring.
    pub fn check_grid_shape(&self) -> Result<(), Invalid> {
        let corners: usize = self.rings.iter().map(Vec::len).sum();
        if corners > MAX_VERTICES {
            return Err(Invalid::new(
                "polygon",
                corners,
                msg!("顶点过多（最多 {max} 个）", max = MAX_VERTICES),
            ));
        }
        let (x0, y0, x1, y1) = self.bbox();
        if x1 - x0 > MAX_SPAN_DEGREES || y1 - y0 > MAX_SPAN_DEGREES {
            return Err(Invalid::new(
                "polygon",
                format!("{x0},{y0} – {x1},{y1}"),
                msg!(
                    "范围过大（经纬度跨度不超过 {max} 度）",
                    max = MAX_SPAN_DEGREES
                ),
            ));
        }
        // A corner repeated, or lying on an edge that does not end at it, pinches the ring.
        let rings: Vec<&[Point]> = self
            .rings
            .iter()
            .map(|r| match (r.first(), r.last()) {
                (Some(a), Some(b)) if a == b && r.len() > 1 => &r[..r.len() - 1],
                _ => &r[..],
            })
            .collect();
        for (ri, ring) in rings.iter().enumerate() {
            for (i, v) in ring.iter().enumerate() {
                for (rj, other) in rings.iter().enumerate() {
                    let n = other.len();
                    for k in 0..n {
                        let ends_here = ri == rj && (k == i || (k + 1) % n == i);
                        let e = Edge {
                            from: other[k],
                            to: other[(k + 1) % n],
                        };
                        if !ends_here && on_segment(&e, *v) {
                            return Err(Invalid::new(
                                "polygon",
                                format!("{},{}", v.0, v.1),
                                msg!("边线自相交，请重新绘制"),
                            ));
                        }
                    }
                }
            }
        }
        let edges = self.edges();
        for (i, a) in edges.iter().enumerate() {
            // Neighbouring edges share a corner, which is no crossing; one that doubles back
            // along its neighbour is.
            for b in &edges[i + 1..] {
                if segments_cross(a.from, a.to, b.from, b.to) || collinear_overlap(a, b) {
                    return Err(Invalid::new(
                        "polygon",
                        format!("{},{}", a.from.0, a.from.1),
                        msg!("边线自相交，请重新绘制"),
                    ));
                }
            }
        }
        Ok(())
    }

    /// Whether the insides of two polygons overlap. Grids tile their community: sharing an edge
    /// or a corner is not overlapping.
    pub fn overlaps(&self, other: &Polygon) -> bool {
        let (a, b) = (self.bbox(), other.bbox());
        if a.2 <= b.0 || b.2 <= a.0 || a.3 <= b.1 || b.3 <= a.1 {
            return false;
        }
        let (ea, eb) = (self.edges(), other.edges());
        if ea.iter().any(|x| {
            eb.iter()
                .any(|y| segments_cross(x.from, x.to, y.from, y.to))
        }) {
            return true;
        }
        // No edges cross: one lies inside the other, or they only touch.
        let strictly_inside =
            |p: &Polygon, q: Point| p.contains(q) && !p.edges().iter().any(|e| on_segment(e, q));
        // A corner or an edge's midpoint strictly inside the other: an edge may run from
        // corner to corner of the other, across its inside, touching its boundary only at ends.
        let mid = |e: &Edge| ((e.from.0 + e.to.0) / 2.0, (e.from.1 + e.to.1) / 2.0);
        self.rings[0].iter().any(|v| strictly_inside(other, *v))
            || other.rings[0].iter().any(|v| strictly_inside(self, *v))
            || ea.iter().any(|e| strictly_inside(other, mid(e)))
            || eb.iter().any(|e| strictly_inside(self, mid(e)))
            || other.contains(self.interior_point())
            || self.contains(other.interior_point())
    }

    /// Whether this polygon lies inside `outer`, touching its edges at most: a grid inside its
    /// community's boundary. No edge crosses the boundary; no corner of the boundary lies
    /// strictly inside (the grid would cover a notch); every corner, and the middle of every
    /// stretch of edge between the boundary's corners on it, is inside or on the boundary;
    /// and no hole of `outer` overlaps it.
    pub fn within(&self, outer: &Polygon) -> bool {
        let outer_edges = outer.edges();
        let inside_or_on =
            |q: Point| outer.contains(q) || outer_edges.iter().any(|e| on_segment(e, q));
        let edges = self.edges();
        let crossing = edges.iter().any(|x| {
            outer_edges
                .iter()
                .any(|y| segments_cross(x.from, x.to, y.from, y.to))
        });
        let corners: Vec<Point> = outer.rings.iter().flatten().copied().collect();
        let covers_a_corner = corners
            .iter()
            .any(|v| self.contains(*v) && !edges.iter().any(|e| on_segment(e, *v)));
        let stretches_inside = edges.iter().all(|e| {
            let along = |p: &Point| (p.0 - e.from.0).powi(2) + (p.1 - e.from.1).powi(2);
            let mut cuts: Vec<Point> = corners
                .iter()
                .copied()
                .filter(|v| on_segment(e, *v))
                .chain([e.from, e.to])
                .collect();
            cuts.sort_by(|a, b| along(a).total_cmp(&along(b)));
            cuts.windows(2)
                .all(|w| inside_or_on(((w[0].0 + w[1].0) / 2.0, (w[0].1 + w[1].1) / 2.0)))
        });
        !crossing
            && !covers_a_corner
            && self.rings[0].iter().all(|v| inside_or_on(*v))
            && stretches_inside
            && !outer.rings[1..].iter().any(|hole| {
                Polygon {
                    rings: vec![hole.clone()],
                }
                .overlaps(self)
            })
    }

    /// Every edge of every ring, closing open rings.
    fn edges(&self) -> Vec<Edge> {
        let mut out = Vec::new();
        for ring in &self.rings {
            let closed = ring.first() == ring.last();
            let n = if closed { ring.len() - 1 } else { ring.len() };
            for i in 0..n {
                out.push(Edge {
                    from: ring[i],
                    to: ring[(i + 1) % ring.len()],
                });
            }
        }
        out
    }
}

struct Edge {
    from: Point,
    to: Point,
}

fn orient(a: Point, b: Point, c: Point) -> f64 {
    (b.0 - a.0) * (c.1 - a.1) - (b.1 - a.1) * (c.0 - a.0)
}

/// Whether two segments cross at a point inside both (touching at an end does not count).
fn segments_cross(a: Point, b: Point, c: Point, d: Point) -> bool {
    let (d1, d2) = (orient(c, d, a), orient(c, d, b));
    let (d3, d4) = (orient(a, b, c), orient(a, b, d));
    ((d1 > 0.0 && d2 < 0.0) || (d1 < 0.0 && d2 > 0.0))
        && ((d3 > 0.0 && d4 < 0.0) || (d3 < 0.0 && d4 > 0.0))
}

fn on_segment(e: &Edge, p: Point) -> bool {
    orient(e.from, e.to, p) == 0.0
        && p.0 >= e.from.0.min(e.to.0)
        && p.0 <= e.from.0.max(e.to.0)
        && p.1 >= e.from.1.min(e.to.1)
        && p.1 <= e.from.1.max(e.to.1)
}

/// Two edges on one line sharing more than a point: a ring doubling back on itself.
fn collinear_overlap(a: &Edge, b: &Edge) -> bool {
    if orient(a.from, a.to, b.from) != 0.0 || orient(a.from, a.to, b.to) != 0.0 {
        return false;
    }
    let key = |p: Point| if a.from.0 != a.to.0 { p.0 } else { p.1 };
    let (a0, a1) = (key(a.from).min(key(a.to)), key(a.from).max(key(a.to)));
    let (b0, b1) = (key(b.from).min(key(b.to)), key(b.from).max(key(b.to)));
    a0.max(b0) < a1.min(b1)
}

fn ring_contains(ring: &[Point], (px, py): Point) -> bool {
    let mut inside = false;
    let n = ring.len();
    let mut j = n - 1;
    for i in 0..n {
        let (xi, yi) = ring[i];
        let (xj, yj) = ring[j];
        if (yi > py) != (yj > py) && px < (xj - xi) * (py - yi) / (yj - yi) + xi {
            inside = !inside;
        }
        j = i;
    }
    inside
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_a_community_code_and_a_sequence() {
        let c = GridCode::parse("350302001001007").unwrap();
        assert_eq!(c.community().as_str(), "350302001001");
        assert_eq!(
            GridCode::new(&DivisionCode::parse("350302001001").unwrap(), 7).unwrap(),
            c
        );
        for bad in [
            "35030200100100",
            "350302001000007",
            "350302001001000",
            "3503020010010a7",
        ] {
            assert_eq!(
                GridCode::parse(bad).unwrap_err().field,
                "grid_code",
                "{bad}"
            );
        }
    }

    #[test]
    fn points_inside_outside_and_in_holes() {
        let square = vec![
            (119.0, 25.0),
            (119.01, 25.0),
            (119.01, 25.01),
            (119.0, 25.01),
            (119.0, 25.0),
        ];
        let hole = vec![
            (119.004, 25.004),
            (119.006, 25.004),
            (119.006, 25.006),
            (119.004, 25.006),
        ];
        let p = Polygon::new(vec![square.clone(), hole]).unwrap();
        assert!(p.contains((119.002, 25.002)));
        assert!(!p.contains((119.005, 25.005)), "in the hole");
        assert!(!p.contains((119.02, 25.005)));
        assert_eq!(p.bbox(), (119.0, 25.0, 119.01, 25.01));
        assert!(Polygon::new(vec![square[..2].to_vec()]).is_err());
        assert!(Polygon::new(vec![vec![(200.0, 0.0), (1.0, 1.0), (2.0, 0.0)]]).is_err());
    }

    #[test]
    fn an_interior_point_lies_inside_a_u_shape_whose_box_centre_does_not() {
        let u = Polygon::new(vec![vec![
            (0.0, 0.0),
            (3.0, 0.0),
            (3.0, 3.0),
            (2.0, 3.0),
            (2.0, 1.0),
            (1.0, 1.0),
            (1.0, 3.0),
            (0.0, 3.0),
        ]])
        .unwrap();
        assert!(!u.contains((1.5, 1.5)), "the box centre is in the notch");
        let p = u.interior_point();
        assert!(u.contains(p), "{p:?}");
        let square =
            Polygon::new(vec![vec![(0.0, 0.0), (2.0, 0.0), (2.0, 2.0), (0.0, 2.0)]]).unwrap();
        let (x, _) = square.interior_point();
        assert!((x - 1.0).abs() < 1e-9);
    }

    fn square(x: f64, y: f64, side: f64) -> Polygon {
        Polygon::new(vec![vec![
            (x, y),
            (x + side, y),
            (x + side, y + side),
            (x, y + side),
            (x, y),
        ]])
        .unwrap()
    }

    #[test]
    fn a_grid_shape_is_small_simple_and_of_few_corners() {
        assert!(square(119.0, 25.0, 0.01).check_grid_shape().is_ok());
        let world = Polygon::new(vec![vec![
            (-180.0, -90.0),
            (180.0, -90.0),
            (180.0, 90.0),
            (-180.0, 90.0),
        ]])
        .unwrap();
        assert!(
            world
                .check_grid_shape()
                .unwrap_err()
                .message
                .to_string()
                .contains("范围过大")
        );
        let bow_tie = Polygon::new(vec![vec![
            (119.0, 25.0),
            (119.01, 25.01),
            (119.01, 25.0),
            (119.0, 25.01),
        ]])
        .unwrap();
        assert!(
            bow_tie
                .check_grid_shape()
                .unwrap_err()
                .message
                .to_string()
                .contains("自相交")
        );
        let back_and_forth = Polygon::new(vec![vec![
            (119.0, 25.0),
            (119.01, 25.0),
            (119.005, 25.0),
            (119.005, 25.01),
        ]])
        .unwrap();
        assert!(
            back_and_forth.check_grid_shape().is_err(),
            "an edge doubling back"
        );
        let s = 1.0 / 64.0;
        let through_a_corner = Polygon::new(vec![vec![
            (119.0, 25.0),
            (119.0 + s, 25.0 + s),
            (119.0 + 2.0 * s, 25.0 + 2.0 * s),
            (119.0 + 2.0 * s, 25.0),
            (119.0, 25.0 + 2.0 * s),
        ]])
        .unwrap();
        assert!(
            through_a_corner.check_grid_shape().is_err(),
            "crossing at a corner"
        );
        let pinched = Polygon::new(vec![vec![
            (119.0, 25.0),
            (119.0 + 4.0 * s, 25.0),
            (119.0 + 4.0 * s, 25.0 + 2.0 * s),
            (119.0 + 2.0 * s, 25.0),
            (119.0, 25.0 + 2.0 * s),
        ]])
        .unwrap();
        assert!(
            pinched.check_grid_shape().is_err(),
            "a corner on another edge"
        );
        let many: Vec<Point> = (0..MAX_VERTICES + 1)
            .map(|i| {
                let t = i as f64 / (MAX_VERTICES + 1) as f64 * std::f64::consts::TAU;
                (119.0 + 0.01 * t.cos(), 25.0 + 0.01 * t.sin())
            })
            .collect();
        let e = Polygon::new(vec![many])
            .unwrap()
            .check_grid_shape()
            .unwrap_err();
        assert!(e.message.to_string().contains("顶点过多"), "{e}");
    }

    #[test]
    fn grids_that_share_an_edge_do_not_overlap_and_those_that_cross_or_nest_do() {
        let a = square(0.0, 0.0, 1.0);
        assert!(!a.overlaps(&square(1.0, 0.0, 1.0)), "side by side");
        assert!(!a.overlaps(&square(1.0, 1.0, 1.0)), "corner to corner");
        assert!(!a.overlaps(&square(3.0, 3.0, 1.0)), "apart");
        assert!(a.overlaps(&square(0.5, 0.5, 1.0)), "crossing");
        assert!(a.overlaps(&square(0.25, 0.25, 0.5)), "inside");
        assert!(square(0.25, 0.25, 0.5).overlaps(&a), "around");
        assert!(a.overlaps(&square(0.0, 0.0, 1.0)), "the same");
        // An edge along the other's diagonal, corner to corner, with every corner on its
        // boundary or outside.
        let wedge = Polygon::new(vec![vec![(0.0, 0.0), (1.0, 1.0), (3.0, 0.0)]]).unwrap();
        assert!(
            a.overlaps(&wedge) && wedge.overlaps(&a),
            "across the diagonal"
        );
    }

    #[test]
    fn neighbouring_squares_share_an_edge_point_once() {
        let left =
            Polygon::new(vec![vec![(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)]]).unwrap();
        let right =
            Polygon::new(vec![vec![(1.0, 0.0), (2.0, 0.0), (2.0, 1.0), (1.0, 1.0)]]).unwrap();
        let edge = (1.0, 0.5);
        assert_eq!(
            u8::from(left.contains(edge)) + u8::from(right.contains(edge)),
            1
        );
    }

    #[test]
    fn a_grid_lies_within_its_communitys_boundary_or_not() {
        let community = square(0.0, 0.0, 4.0);
        assert!(square(1.0, 1.0, 1.0).within(&community));
        assert!(square(0.0, 0.0, 2.0).within(&community), "sharing edges");
        assert!(community.within(&community), "the whole community");
        assert!(!square(3.0, 3.0, 2.0).within(&community), "partly outside");
        assert!(!square(5.0, 5.0, 1.0).within(&community), "wholly outside");
        assert!(!square(-1.0, -1.0, 6.0).within(&community), "around it");
        // A U: a grid across the notch has every corner on the boundary, yet lies outside.
        let u = Polygon::new(vec![vec![
            (0.0, 0.0),
            (3.0, 0.0),
            (3.0, 3.0),
            (2.0, 3.0),
            (2.0, 1.0),
            (1.0, 1.0),
            (1.0, 3.0),
            (0.0, 3.0),
        ]])
        .unwrap();
        let across =
            Polygon::new(vec![vec![(1.0, 2.0), (2.0, 2.0), (2.0, 3.0), (1.0, 3.0)]]).unwrap();
        assert!(!across.within(&u));
        let holed = Polygon::new(vec![
            community.rings[0].clone(),
            square(1.0, 1.0, 1.0).rings[0].clone(),
        ])
        .unwrap();
        assert!(!square(0.5, 0.5, 2.0).within(&holed), "over the hole");
        assert!(square(2.5, 2.5, 1.0).within(&holed));
        // An E: a grid over its two notches has every corner and every edge's middle on the
        // boundary, and no edge crossing it.
        let e = Polygon::new(vec![vec![
            (0.0, 0.0),
            (5.0, 0.0),
            (5.0, 3.0),
            (4.0, 3.0),
            (4.0, 1.0),
            (3.0, 1.0),
            (3.0, 3.0),
            (2.0, 3.0),
            (2.0, 1.0),
            (1.0, 1.0),
            (1.0, 3.0),
            (0.0, 3.0),
        ]])
        .unwrap();
        let over =
            Polygon::new(vec![vec![(0.0, 0.0), (5.0, 0.0), (5.0, 3.0), (0.0, 3.0)]]).unwrap();
        assert!(!over.within(&e));
        assert!(square(0.0, 0.0, 1.0).within(&e), "a corner of the E");
        assert!(
            Polygon::new(vec![vec![(0.0, 0.0), (5.0, 0.0), (5.0, 1.0), (0.0, 1.0)]])
                .unwrap()
                .within(&e),
            "the E's spine, along its notches' floors"
        );
    }
}
