//! Coordinate systems: jiceng keeps WGS-84 (what phones report); Chinese web maps (Amap,
//! Tencent) and much of the data exported from them use GCJ-02, WGS-84 shifted by a published
//! obfuscation of up to several hundred metres. Data given in GCJ-02 is converted on the way
//! in. The forward formula is the widely published one; the inverse is found by iterating it,
//! which converges to well under a centimetre in a few steps.

use crate::grids::{Point, Polygon};

labelled_enum! {
    /// The coordinate system of coordinates given to jiceng.
    Datum, "crs" {
        Wgs84 = "wgs84", "WGS-84" | "WGS84" | "GPS";
        Gcj02 = "gcj02", "GCJ-02" | "GCJ02" | "火星坐标";
    }
}

impl Datum {
    /// The point in WGS-84.
    pub fn to_wgs84(self, p: Point) -> Point {
        match self {
            Datum::Wgs84 => p,
            Datum::Gcj02 => gcj02_to_wgs84(p),
        }
    }

    /// The polygon in WGS-84, every vertex converted.
    pub fn polygon_to_wgs84(self, p: Polygon) -> Polygon {
        match self {
            Datum::Wgs84 => p,
            Datum::Gcj02 => Polygon {
                rings: p
                    .rings
                    .into_iter()
                    .map(|r| r.into_iter().map(gcj02_to_wgs84).collect())
                    .collect(),
            },
        }
    }
}

/// The semi-major axis and eccentricity² of Krasovsky 1940, which the formula uses.
const A: f64 = 6_378_245.0;
const EE: f64 = 0.006_693_421_622_965_943;

/// GCJ-02 shifts only points inside China (its rough bounding box); others are unchanged.
fn in_china((lon, lat): Point) -> bool {
    (72.004..=137.8347).contains(&lon) && (0.8293..=55.8271).contains(&lat)
}

fn shift_lat(x: f64, y: f64) -> f64 {
    use std::f64::consts::PI;
    let mut r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * x.abs().sqrt();
    r += (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0;
    r += (20.0 * (y * PI).sin() + 40.0 * (y / 3.0 * PI).sin()) * 2.0 / 3.0;
    r += (160.0 * (y / 12.0 * PI).sin() + 320.0 * (y * PI / 30.0).sin()) * 2.0 / 3.0;
    r
}

fn shift_lon(x: f64, y: f64) -> f64 {
    use std::f64::consts::PI;
    let mut r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * x.abs().sqrt();
    r += (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0;
    r += (20.0 * (x * PI).sin() + 40.0 * (x / 3.0 * PI).sin()) * 2.0 / 3.0;
    r += (150.0 * (x / 12.0 * PI).sin() + 300.0 * (x / 30.0 * PI).sin()) * 2.0 / 3.0;
    r
}

/// WGS-84 to GCJ-02.
pub fn wgs84_to_gcj02(p: Point) -> Point {
    use std::f64::consts::PI;
    if !in_china(p) {
        return p;
    }
    let (lon, lat) = p;
    let d_lat = shift_lat(lon - 105.0, lat - 35.0);
    let d_lon = shift_lon(lon - 105.0, lat - 35.0);
    let rad = lat / 180.0 * PI;
    let magic = 1.0 - EE * rad.sin() * rad.sin();
    let sqrt_magic = magic.sqrt();
    let d_lat = (d_lat * 180.0) / ((A * (1.0 - EE)) / (magic * sqrt_magic) * PI);
    let d_lon = (d_lon * 180.0) / (A / sqrt_magic * rad.cos() * PI);
    (lon + d_lon, lat + d_lat)
}

/// GCJ-02 to WGS-84: the point whose GCJ-02 image is `p`, by fixed-point iteration.
pub fn gcj02_to_wgs84(p: Point) -> Point {
    if !in_china(p) {
        return p;
    }
    let mut w = p;
    for _ in 0..30 {
        let g = wgs84_to_gcj02(w);
        let (dx, dy) = (g.0 - p.0, g.1 - p.1);
        w = (w.0 - dx, w.1 - dy);
        if dx.abs() < 1e-10 && dy.abs() < 1e-10 {
            break;
        }
    }
    w
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_forward_shift_matches_published_pairs() {
        // The pair the reference implementations publish (coordtransform's README).
        let (lon, lat) = wgs84_to_gcj02((116.404, 39.915));
        assert!((lon - 116.410_244_499_169_38).abs() < 1e-9, "{lon}");
        assert!((lat - 39.916_404_281_501_64).abs() < 1e-9, "{lat}");
    }

    #[test]
    fn the_inverse_undoes_the_shift_to_well_under_a_centimetre() {
        for p in [(119.007, 25.431), (116.391275, 39.906217), (121.47, 31.23)] {
            let back = gcj02_to_wgs84(wgs84_to_gcj02(p));
            assert!(
                (back.0 - p.0).abs() < 1e-8 && (back.1 - p.1).abs() < 1e-8,
                "{p:?} → {back:?}"
            );
            assert!(
                (wgs84_to_gcj02(p).0 - p.0).abs() > 1e-4,
                "the shift is real"
            );
        }
    }

    #[test]
    fn points_outside_china_and_wgs84_data_are_left_alone() {
        assert_eq!(gcj02_to_wgs84((2.35, 48.85)), (2.35, 48.85));
        assert_eq!(Datum::Wgs84.to_wgs84((119.0, 25.4)), (119.0, 25.4));
        assert_eq!(Datum::parse("火星坐标").unwrap(), Datum::Gcj02);
        let square = Polygon {
            rings: vec![vec![
                (119.0, 25.4),
                (119.01, 25.4),
                (119.01, 25.41),
                (119.0, 25.4),
            ]],
        };
        let moved = Datum::Gcj02.polygon_to_wgs84(square.clone());
        assert_eq!(moved.rings[0].len(), 4);
        assert!(
            moved.rings[0]
                .iter()
                .zip(&square.rings[0])
                .all(|(a, b)| a != b)
        );
    }
}
