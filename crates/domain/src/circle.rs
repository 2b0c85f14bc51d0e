//! 服务圈 (the N-minute service circle): how many residential buildings and households are
//! within 5, 10 and 15 minutes' walk of a service position, and where k new positions would
//! reach most of those still beyond it.
//!
//! Walking time is the straight-line distance × a detour factor (1.3 unless set) ÷ a walking
//! speed (80 m a minute unless set). Distances are taken on a flat map of the city (longitude
//! scaled by the cosine of the city's mean latitude): within a few parts in a thousand of the
//! great-circle distance over a city's span. Positions are found through a grid of cells as
//! wide as the longest walk asked, so each building looks at the nine cells around it only.

use std::collections::HashMap;

/// How walking time is reckoned.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Walk {
    /// Streets are longer than the straight line: 1.3 unless set.
    pub detour: f64,
    /// Metres a minute: 80 unless set.
    pub speed: f64,
}

impl Default for Walk {
    fn default() -> Self {
        Walk {
            detour: 1.3,
            speed: 80.0,
        }
    }
}

impl Walk {
    /// Minutes to walk a straight-line distance.
    pub fn minutes(&self, metres: f64) -> f64 {
        metres * self.detour / self.speed
    }

    /// The straight-line distance walked in `minutes`.
    pub fn reach(&self, minutes: f64) -> f64 {
        minutes * self.speed / self.detour
    }
}

/// The walks a coverage reports, in minutes.
pub const BANDS: [u32; 3] = [5, 10, 15];

/// A residential building: where it is and how many households live there.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Home {
    pub point: (f64, f64),
    pub households: i64,
}

/// Points (longitude, latitude) placed on a flat map in metres about a mean latitude.
#[derive(Debug, Clone, Copy)]
pub struct Flat {
    per_lon: f64,
}

const METRES_PER_DEGREE: f64 = 111_195.0;

impl Flat {
    /// The flat map of a set of homes (their mean latitude).
    pub fn of(homes: &[Home]) -> Flat {
        let lat = if homes.is_empty() {
            0.0
        } else {
            homes.iter().map(|h| h.point.1).sum::<f64>() / homes.len() as f64
        };
        Flat {
            per_lon: METRES_PER_DEGREE * lat.to_radians().cos(),
        }
    }

    pub fn xy(&self, p: (f64, f64)) -> (f64, f64) {
        (p.0 * self.per_lon, p.1 * METRES_PER_DEGREE)
    }
}

fn apart(a: (f64, f64), b: (f64, f64)) -> f64 {
    ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt()
}

/// Within `minutes`' walk: the one test coverage and siting both use.
fn within(walk: &Walk, metres: f64, minutes: f64) -> bool {
    walk.minutes(metres) <= minutes + 1e-9
}

/// Points by square cells of a side, for the points within that distance of a place.
struct Cells {
    side: f64,
    cells: HashMap<(i64, i64), Vec<usize>>,
}

impl Cells {
    fn new(points: &[(f64, f64)], side: f64) -> Cells {
        let side = side.max(1.0);
        let mut cells: HashMap<(i64, i64), Vec<usize>> = HashMap::new();
        for (i, p) in points.iter().enumerate() {
            cells.entry(Self::key(*p, side)).or_default().push(i);
        }
        Cells { side, cells }
    }

    fn key(p: (f64, f64), side: f64) -> (i64, i64) {
        ((p.0 / side).floor() as i64, (p.1 / side).floor() as i64)
    }

    /// The points of the nine cells around `p`: every point within `side` of it, and more.
    fn around(&self, p: (f64, f64)) -> impl Iterator<Item = usize> + '_ {
        let (cx, cy) = Self::key(p, self.side);
        (cx - 1..=cx + 1)
            .flat_map(move |x| (cy - 1..=cy + 1).map(move |y| (x, y)))
            .filter_map(|k| self.cells.get(&k))
            .flatten()
            .copied()
    }
}

/// Buildings and households within one walk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Within {
    pub minutes: u32,
    pub buildings: i64,
    pub households: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Coverage {
    pub buildings: i64,
    pub households: i64,
    /// For each of [`BANDS`].
    pub within: Vec<Within>,
    /// Each home's walk to its nearest position, in minutes; none beyond the longest band.
    pub nearest: Vec<Option<f64>>,
}

/// The coverage of `homes` by positions at `sites` (longitude, latitude).
pub fn coverage(homes: &[Home], sites: &[(f64, f64)], walk: &Walk) -> Coverage {
    let flat = Flat::of(homes);
    let longest = walk.reach(f64::from(BANDS[BANDS.len() - 1]));
    let sites: Vec<(f64, f64)> = sites.iter().map(|p| flat.xy(*p)).collect();
    let cells = Cells::new(&sites, longest);
    let nearest: Vec<Option<f64>> = homes
        .iter()
        .map(|h| {
            let at = flat.xy(h.point);
            cells
                .around(at)
                .map(|i| apart(at, sites[i]))
                .filter(|d| *d <= longest)
                .min_by(f64::total_cmp)
                .map(|d| walk.minutes(d))
        })
        .collect();
    let c_within = |n: Option<f64>, m: u32| n.is_some_and(|n| n <= f64::from(m) + 1e-9);
    let within = BANDS
        .iter()
        .map(|&m| {
            let mut w = Within {
                minutes: m,
                ..Within::default()
            };
            for (h, n) in homes.iter().zip(&nearest) {
                if c_within(*n, m) {
                    w.buildings += 1;
                    w.households += h.households;
                }
            }
            w
        })
        .collect();
    Coverage {
        buildings: homes.len() as i64,
        households: homes.iter().map(|h| h.households).sum(),
        within,
        nearest,
    }
}

/// Where k new positions would reach most households still beyond `minutes`.
#[derive(Debug, Clone, PartialEq)]
pub struct Siting {
    /// The candidates chosen (their indexes), each with the households it adds to those
    /// before it (they sum to `reached − today`).
    pub chosen: Vec<(usize, i64)>,
    /// Households within the walk today.
    pub today: i64,
    /// Households within the walk with the chosen sites.
    pub reached: i64,
    /// No choice of k candidates reaches more: the smaller of today + the greedy gain ÷
    /// (1 − 1/e) and today + the k best gains of single sites (and of every household).
    pub bound: i64,
}

/// Households beyond `minutes` of every position today, reached by k of the `candidates`:
/// chosen greedily (each the one adding most), then improved by swapping a chosen site for a
/// candidate that adds more in its place, until no swap helps.
pub fn siting(
    homes: &[Home],
    sites: &[(f64, f64)],
    candidates: &[(f64, f64)],
    k: usize,
    minutes: u32,
    walk: &Walk,
) -> Siting {
    let flat = Flat::of(homes);
    let limit = f64::from(minutes);
    // Cells a little wider than the walk, so the test below decides at the edge.
    let reach = walk.reach(limit) * (1.0 + 1e-6);
    let site_cells: Vec<(f64, f64)> = sites.iter().map(|p| flat.xy(*p)).collect();
    let site_index = Cells::new(&site_cells, reach);
    let home_xy: Vec<(f64, f64)> = homes.iter().map(|h| flat.xy(h.point)).collect();
    // The homes beyond the walk today: the only ones a new site can add.
    let beyond: Vec<usize> = (0..homes.len())
        .filter(|&h| {
            !site_index
                .around(home_xy[h])
                .any(|s| within(walk, apart(home_xy[h], site_cells[s]), limit))
        })
        .collect();
    let total: i64 = homes.iter().map(|h| h.households).sum();
    let today = total - beyond.iter().map(|&h| homes[h].households).sum::<i64>();
    let beyond_xy: Vec<(f64, f64)> = beyond.iter().map(|&h| home_xy[h]).collect();
    let home_index = Cells::new(&beyond_xy, reach);
    // What each candidate would reach (indexes into `beyond`, as u32 to halve the memory).
    let reaches: Vec<Vec<u32>> = candidates
        .iter()
        .map(|c| {
            let at = flat.xy(*c);
            home_index
                .around(at)
                .filter(|&b| within(walk, apart(at, beyond_xy[b]), limit))
                .map(|b| b as u32)
                .collect()
        })
        .collect();
    let worth = |b: &u32| homes[beyond[*b as usize]].households;
    let single: Vec<i64> = reaches.iter().map(|r| r.iter().map(worth).sum()).collect();
    // Greedy, lazily: a candidate's gain only falls as others are chosen, so one whose fresh
    // gain still tops every stale one is the best.
    let mut covered = vec![0u32; beyond.len()];
    let mut order: Vec<usize> = (0..candidates.len()).filter(|&c| single[c] > 0).collect();
    order.sort_by(|a, b| single[*b].cmp(&single[*a]).then(a.cmp(b)));
    let mut stale: Vec<(i64, usize)> = order.iter().map(|&c| (single[c], c)).collect();
    let gain = |c: usize, covered: &[u32]| -> i64 {
        reaches[c]
            .iter()
            .filter(|b| covered[**b as usize] == 0)
            .map(worth)
            .sum()
    };
    let mut chosen: Vec<(usize, i64)> = Vec::new();
    while chosen.len() < k && !stale.is_empty() {
        let (_, c) = stale.remove(0);
        let g = gain(c, &covered);
        if stale.first().is_none_or(|(next, _)| g >= *next) {
            if g <= 0 {
                break;
            }
            for &b in &reaches[c] {
                covered[b as usize] += 1;
            }
            chosen.push((c, g));
        } else {
            let at = stale.partition_point(|(s, i)| *s > g || (*s == g && *i < c));
            stale.insert(at, (g, c));
        }
    }
    let greedy_gain: i64 = chosen.iter().map(|(_, g)| g).sum();
    // The homes the site being swapped out reaches, marked for the loop over replacements.
    let mut of_site = vec![false; beyond.len()];
    // Swaps: a chosen site for a candidate adding more than it does, given the others; among
    // the candidates whose single gain could beat it.
    let mut improved = true;
    let mut passes = 0;
    while improved && passes < 10 {
        improved = false;
        passes += 1;
        for slot in 0..chosen.len() {
            let (site, _) = chosen[slot];
            let own: i64 = reaches[site]
                .iter()
                .filter(|b| covered[**b as usize] == 1)
                .map(worth)
                .sum();
            for &b in &reaches[site] {
                of_site[b as usize] = true;
            }
            let mut best: Option<(usize, i64)> = None;
            for &c in order.iter().take_while(|&&c| single[c] > own) {
                if chosen.iter().any(|(s, _)| *s == c) {
                    continue;
                }
                let add: i64 = reaches[c]
                    .iter()
                    .filter(|b| {
                        let b = **b as usize;
                        covered[b] == 0 || (covered[b] == 1 && of_site[b])
                    })
                    .map(worth)
                    .sum();
                if add > own && best.is_none_or(|(_, a)| add > a) {
                    best = Some((c, add));
                }
            }
            for &b in &reaches[site] {
                of_site[b as usize] = false;
            }
            if let Some((c, add)) = best {
                for &b in &reaches[site] {
                    covered[b as usize] -= 1;
                }
                for &b in &reaches[c] {
                    covered[b as usize] += 1;
                }
                chosen[slot] = (c, add);
                improved = true;
            }
        }
    }
    // What each chosen site adds, replayed in order: they sum to what all of them reach.
    let mut replay = vec![false; beyond.len()];
    for (c, adds) in &mut chosen {
        *adds = 0;
        for &b in &reaches[*c] {
            if !replay[b as usize] {
                replay[b as usize] = true;
                *adds += worth(&b);
            }
        }
    }
    let reached_beyond: i64 = chosen.iter().map(|(_, a)| a).sum();
    let best_singles: i64 = order.iter().take(k).map(|&c| single[c]).sum();
    let by_greedy = today as f64 + greedy_gain as f64 / (1.0 - (-1.0f64).exp());
    let bound = ((by_greedy + 1e-6).floor() as i64)
        .min(today + best_singles)
        .min(total);
    Siting {
        chosen,
        today,
        reached: today + reached_beyond,
        bound,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small city: a lattice of homes about 120 m apart, households by place.
    fn city() -> Vec<Home> {
        let mut homes = Vec::new();
        for i in 0..40 {
            for j in 0..30 {
                homes.push(Home {
                    point: (119.0 + f64::from(i) * 0.00125, 25.4 + f64::from(j) * 0.0011),
                    households: 10 + i64::from((i * 7 + j * 3) % 20),
                });
            }
        }
        homes
    }

    fn brute(homes: &[Home], sites: &[(f64, f64)], walk: &Walk) -> Vec<(i64, i64)> {
        let flat = Flat::of(homes);
        BANDS
            .iter()
            .map(|&m| {
                let mut n = (0, 0);
                for h in homes {
                    let near = sites
                        .iter()
                        .map(|s| walk.minutes(apart(flat.xy(h.point), flat.xy(*s))))
                        .any(|t| t <= f64::from(m) + 1e-9);
                    if near {
                        n.0 += 1;
                        n.1 += h.households;
                    }
                }
                n
            })
            .collect()
    }

    #[test]
    fn walking_time_is_distance_by_detour_over_speed() {
        let w = Walk::default();
        assert!((w.minutes(800.0) - 13.0).abs() < 1e-9);
        assert!((w.reach(13.0) - 800.0).abs() < 1e-9);
        let slow = Walk {
            detour: 1.5,
            speed: 60.0,
        };
        assert!((slow.minutes(800.0) - 20.0).abs() < 1e-9);
    }

    #[test]
    fn coverage_agrees_with_counting_every_pair() {
        let homes = city();
        let sites = [(119.005, 25.405), (119.03, 25.42), (119.046, 25.401)];
        for walk in [
            Walk::default(),
            Walk {
                detour: 1.6,
                speed: 60.0,
            },
        ] {
            let c = coverage(&homes, &sites, &walk);
            let got: Vec<(i64, i64)> = c
                .within
                .iter()
                .map(|w| (w.buildings, w.households))
                .collect();
            assert_eq!(got, brute(&homes, &sites, &walk));
            assert!(got[0].0 < got[1].0 && got[1].0 < got[2].0, "{got:?}");
            assert_eq!(c.buildings, homes.len() as i64);
        }
        let none = coverage(&homes, &[], &Walk::default());
        assert!(none.within.iter().all(|w| w.buildings == 0));
        assert!(none.nearest.iter().all(Option::is_none));
    }

    #[test]
    fn siting_adds_what_it_says_and_no_choice_beats_the_bound() {
        let homes = city();
        let sites = [(119.005, 25.405)];
        let walk = Walk::default();
        let candidates: Vec<(f64, f64)> = homes.iter().step_by(7).map(|h| h.point).collect();
        let k = 3;
        let s = siting(&homes, &sites, &candidates, k, 10, &walk);
        assert_eq!(s.chosen.len(), k);
        // What it reaches is what a coverage with the chosen sites counts.
        let mut with: Vec<(f64, f64)> = sites.to_vec();
        with.extend(s.chosen.iter().map(|(c, _)| candidates[*c]));
        let band = |sites: &[(f64, f64)]| brute(&homes, sites, &walk)[1].1;
        assert_eq!(s.today, band(&sites));
        assert_eq!(s.reached, band(&with));
        assert!(s.reached > s.today && s.reached <= s.bound, "{s:?}");
        assert_eq!(
            s.chosen.iter().map(|(_, a)| a).sum::<i64>(),
            s.reached - s.today
        );
        // No pair of candidates (k = 2, every pair tried) beats its bound.
        let two = siting(&homes, &sites, &candidates, 2, 10, &walk);
        let mut best = 0;
        for a in 0..candidates.len() {
            for b in a + 1..candidates.len() {
                let mut with = sites.to_vec();
                with.extend([candidates[a], candidates[b]]);
                best = best.max(band(&with));
            }
        }
        assert!(
            two.reached <= best && best <= two.bound,
            "{two:?} best {best}"
        );
        // Greedy with swaps reaches at least 1 − 1/e of the best gain.
        let gain = (two.reached - two.today) as f64;
        assert!(gain >= (1.0 - (-1.0f64).exp()) * (best - two.today) as f64);
    }
}
