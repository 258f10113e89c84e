//! Area boundaries: GeoJSON `Polygon` and `MultiPolygon` geometries, checked when they are read
//! (closed rings, coordinates on Earth, no empty or self-intersecting rings) and tested for
//! whether they contain a point.
//!
//! Coordinates are `[longitude, latitude]` in WGS 84, as GeoJSON (RFC 7946) writes them.

use rstar::{AABB, RTree, primitives::GeomWithData, primitives::Rectangle};
use serde::Deserialize;

/// A position `[longitude, latitude]`.
pub type Position = [f64; 2];

/// One polygon: an outer ring and its holes, each ring closed (first position = last).
/// Its edges are also sorted into horizontal bands, so that a point test looks only at the
/// edges near the point's latitude instead of all of them.
#[derive(Debug, Clone, PartialEq)]
pub struct Polygon {
    rings: Vec<Vec<Position>>,
    bands: Bands,
}

/// Edges `[x1, y1, x2, y2]` per horizontal band of the polygon's bounding box.
#[derive(Debug, Clone, PartialEq)]
struct Bands {
    bottom: f64,
    top: f64,
    /// Bands per degree of latitude.
    scale: f64,
    edges: Vec<Vec<[f64; 4]>>,
}

/// Even-odd ray casting over every edge of the rings.
fn ray_cast(rings: &[Vec<Position>], [x, y]: Position) -> bool {
    let mut inside = false;
    for ring in rings {
        for edge in ring.windows(2) {
            let ([x1, y1], [x2, y2]) = (edge[0], edge[1]);
            if (y1 > y) != (y2 > y) && x < (x2 - x1) * (y - y1) / (y2 - y1) + x1 {
                inside = !inside;
            }
        }
    }
    inside
}

/// Metres per degree of latitude (mean Earth radius 6,371,008.8 m).
const METRES_PER_DEGREE: f64 = 6_371_008.8 * std::f64::consts::PI / 180.0;

/// Distance from `[0, 0]` to the segment from `a` to `b`.
fn origin_to_segment(a: [f64; 2], b: [f64; 2]) -> f64 {
    let d = [b[0] - a[0], b[1] - a[1]];
    let length2 = d[0] * d[0] + d[1] * d[1];
    let t = if length2 > 0.0 {
        (-(a[0] * d[0] + a[1] * d[1]) / length2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    (a[0] + t * d[0]).hypot(a[1] + t * d[1])
}

/// About this many edges per band on average (an edge spanning several bands is in each).
const EDGES_PER_BAND: usize = 4;

/// A checked boundary: one or more polygons.
#[derive(Debug, Clone, PartialEq)]
pub struct Boundary {
    polygons: Vec<Polygon>,
}

/// The bounding box of a boundary.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BoundingBox {
    /// Smallest `[longitude, latitude]`.
    pub min: Position,
    /// Largest `[longitude, latitude]`.
    pub max: Position,
}

/// Why a geometry is not an acceptable boundary. Messages are in Indonesian: they reach the
/// admin who runs an import.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BoundaryError {
    /// The geometry is not a `Polygon` or `MultiPolygon` object of GeoJSON.
    #[error("geometri tidak valid: {0}")]
    Malformed(String),
    /// A type other than `Polygon` or `MultiPolygon`.
    #[error("jenis geometri {0:?} tidak didukung; gunakan Polygon atau MultiPolygon")]
    UnsupportedType(String),
    /// No polygon, or a polygon without rings.
    #[error("poligon kosong")]
    Empty,
    /// A coordinate that is not a finite longitude/latitude.
    #[error("koordinat di luar jangkauan: [{0}, {1}] (urutan GeoJSON: [bujur, lintang])")]
    OutOfRange(f64, f64),
    /// A ring with fewer than four positions.
    #[error(
        "cincin poligon {ring} hanya punya {points} titik; minimal 4 (titik awal diulang di akhir)"
    )]
    TooFewPoints {
        /// Ring number within its polygon, from 1.
        ring: usize,
        /// Positions found.
        points: usize,
    },
    /// A ring whose last position is not its first.
    #[error("cincin poligon {0} tidak tertutup: titik terakhir harus sama dengan titik pertama")]
    NotClosed(usize),
    /// A ring that encloses no area.
    #[error("cincin poligon {0} tidak punya luas (semua titik segaris)")]
    ZeroArea(usize),
    /// A hole (inner ring) lying outside its polygon's outer ring.
    #[error("lubang (cincin ke-{0}) berada di luar cincin luar poligonnya")]
    HoleOutside(usize),
    /// Two edges of a polygon's rings cross or touch.
    #[error("poligon berpotongan sendiri di dekat [{0:.6}, {1:.6}]")]
    SelfIntersection(f64, f64),
}

/// GeoJSON geometry as read, before it is checked.
#[derive(Deserialize)]
struct RawGeometry {
    #[serde(rename = "type")]
    kind: String,
    coordinates: Option<serde_json::Value>,
}

impl Boundary {
    /// Reads and checks a GeoJSON geometry object.
    pub fn from_geojson(geometry: &serde_json::Value) -> Result<Self, BoundaryError> {
        let raw = RawGeometry::deserialize(geometry)
            .map_err(|e| BoundaryError::Malformed(e.to_string()))?;
        let coordinates = raw
            .coordinates
            .ok_or_else(|| BoundaryError::Malformed("tidak ada \"coordinates\"".to_owned()))?;
        let malformed = |e: serde_json::Error| BoundaryError::Malformed(e.to_string());
        let polygons: Vec<Vec<Vec<Position>>> = match raw.kind.as_str() {
            "Polygon" => vec![serde_json::from_value(coordinates).map_err(malformed)?],
            "MultiPolygon" => serde_json::from_value(coordinates).map_err(malformed)?,
            other => return Err(BoundaryError::UnsupportedType(other.to_owned())),
        };
        Self::new(polygons)
    }

    /// Checks polygons given as rings of positions.
    pub(crate) fn new(polygons: Vec<Vec<Vec<Position>>>) -> Result<Self, BoundaryError> {
        if polygons.is_empty() || polygons.iter().any(Vec::is_empty) {
            return Err(BoundaryError::Empty);
        }
        for rings in &polygons {
            for (i, ring) in rings.iter().enumerate() {
                check_ring(i + 1, ring)?;
            }
            check_simple(rings)?;
            // Rings do not cross (checked above), so a hole is wholly inside or outside.
            if let Some(i) = (1..rings.len()).find(|&i| !ray_cast(&rings[..1], rings[i][0])) {
                return Err(BoundaryError::HoleOutside(i + 1));
            }
        }
        Ok(Self {
            polygons: polygons.into_iter().map(Polygon::new).collect(),
        })
    }

    /// The polygons.
    #[must_use]
    pub fn polygons(&self) -> &[Polygon] {
        &self.polygons
    }

    /// How many positions the boundary has, over all rings.
    #[must_use]
    pub fn positions(&self) -> usize {
        self.polygons
            .iter()
            .flat_map(|p| &p.rings)
            .map(Vec::len)
            .sum()
    }

    /// Whether the point lies inside (points exactly on an edge may go either way).
    #[must_use]
    pub fn contains(&self, point: Position) -> bool {
        self.polygons.iter().any(|p| p.contains(point))
    }

    /// Distance in metres from the point to the nearest edge of any ring (so, for a point
    /// outside, how far outside it lies). Measured in a local flat projection around the
    /// point, which is exact enough for the few kilometres that matter here.
    #[must_use]
    pub fn distance_to_edge_m(&self, [lon, lat]: Position) -> f64 {
        let y_scale = METRES_PER_DEGREE;
        let x_scale = METRES_PER_DEGREE * lat.to_radians().cos();
        let mut nearest = f64::INFINITY;
        for ring in self.polygons.iter().flat_map(|p| &p.rings) {
            for edge in ring.windows(2) {
                let a = [(edge[0][0] - lon) * x_scale, (edge[0][1] - lat) * y_scale];
                let b = [(edge[1][0] - lon) * x_scale, (edge[1][1] - lat) * y_scale];
                nearest = nearest.min(origin_to_segment(a, b));
            }
        }
        nearest
    }

    /// The smallest box around the whole boundary.
    #[must_use]
    pub fn bounding_box(&self) -> BoundingBox {
        let mut boxes = self.polygons.iter().map(Polygon::bounding_box);
        let first = boxes.next().expect("a boundary has at least one polygon");
        boxes.fold(first, |a, b| BoundingBox {
            min: [a.min[0].min(b.min[0]), a.min[1].min(b.min[1])],
            max: [a.max[0].max(b.max[0]), a.max[1].max(b.max[1])],
        })
    }

    /// The GeoJSON geometry object (`Polygon` for one polygon, else `MultiPolygon`).
    #[must_use]
    pub fn to_geojson(&self) -> serde_json::Value {
        match self.polygons.as_slice() {
            [one] => serde_json::json!({ "type": "Polygon", "coordinates": one.rings }),
            many => {
                let coordinates: Vec<_> = many.iter().map(|p| &p.rings).collect();
                serde_json::json!({ "type": "MultiPolygon", "coordinates": coordinates })
            }
        }
    }
}

impl Polygon {
    /// Its rings: the outer ring, then the holes.
    #[must_use]
    pub fn rings(&self) -> &[Vec<Position>] {
        &self.rings
    }

    #[expect(
        clippy::float_cmp,
        reason = "only an exactly horizontal edge is skipped"
    )]
    fn new(rings: Vec<Vec<Position>>) -> Self {
        let b = bounding_box_of(&rings[0]);
        let edge_count: usize = rings.iter().map(|r| r.len() - 1).sum();
        let count = (edge_count / EDGES_PER_BAND).clamp(1, 4096);
        let height = b.max[1] - b.min[1];
        #[expect(clippy::cast_precision_loss, reason = "at most 4096 bands")]
        let scale = count as f64 / height;
        let mut bands = Bands {
            bottom: b.min[1],
            top: b.max[1],
            scale,
            edges: vec![Vec::new(); count],
        };
        for ring in &rings {
            for e in ring.windows(2) {
                let ([x1, y1], [x2, y2]) = (e[0], e[1]);
                if y1 == y2 {
                    // A horizontal edge never crosses a horizontal ray.
                    continue;
                }
                let (low, high) = (bands.band(y1.min(y2)), bands.band(y1.max(y2)));
                for band in &mut bands.edges[low..=high] {
                    band.push([x1, y1, x2, y2]);
                }
            }
        }
        Self { rings, bands }
    }

    /// Even-odd ray casting over the edges of the point's band (all rings: a point in a hole
    /// is outside).
    #[must_use]
    pub fn contains(&self, [x, y]: Position) -> bool {
        let bands = &self.bands;
        if !(y >= bands.bottom && y <= bands.top) {
            return false;
        }
        let mut inside = false;
        for &[x1, y1, x2, y2] in &bands.edges[bands.band(y)] {
            if (y1 > y) != (y2 > y) && x < (x2 - x1) * (y - y1) / (y2 - y1) + x1 {
                inside = !inside;
            }
        }
        inside
    }

    /// The same answer from every edge of every ring, without the bands (for tests and the
    /// benchmark).
    #[must_use]
    pub fn contains_by_full_scan(&self, point: Position) -> bool {
        ray_cast(&self.rings, point)
    }

    /// The box around the outer ring (holes lie inside it).
    #[must_use]
    pub fn bounding_box(&self) -> BoundingBox {
        bounding_box_of(&self.rings[0])
    }
}

impl Bands {
    /// The band holding latitude `y` (clamped to the polygon's box).
    fn band(&self, y: f64) -> usize {
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "clamped to 0..bands"
        )]
        let band = ((y - self.bottom) * self.scale).max(0.0) as usize;
        band.min(self.edges.len() - 1)
    }
}

fn bounding_box_of(ring: &[Position]) -> BoundingBox {
    let mut b = BoundingBox {
        min: [f64::INFINITY; 2],
        max: [f64::NEG_INFINITY; 2],
    };
    for p in ring {
        b.min = [b.min[0].min(p[0]), b.min[1].min(p[1])];
        b.max = [b.max[0].max(p[0]), b.max[1].max(p[1])];
    }
    b
}

#[expect(
    clippy::float_cmp,
    reason = "positions repeat exactly, as the file wrote them"
)]
fn check_ring(number: usize, ring: &[Position]) -> Result<(), BoundaryError> {
    if let Some(&[x, y]) = ring.iter().find(|[x, y]| {
        !(x.is_finite()
            && y.is_finite()
            && (-180.0..=180.0).contains(x)
            && (-90.0..=90.0).contains(y))
    }) {
        return Err(BoundaryError::OutOfRange(x, y));
    }
    if ring.len() < 4 {
        return Err(BoundaryError::TooFewPoints {
            ring: number,
            points: ring.len(),
        });
    }
    if ring.first() != ring.last() {
        return Err(BoundaryError::NotClosed(number));
    }
    let first = ring[0];
    let flat = ring
        .iter()
        .find(|p| **p != first)
        .is_none_or(|&second| ring.iter().all(|&p| orient(first, second, p) == 0.0));
    if flat {
        return Err(BoundaryError::ZeroArea(number));
    }
    Ok(())
}

/// An edge of a ring, between two distinct positions.
#[derive(Clone, Copy)]
struct Edge {
    ring: usize,
    /// Position of the edge within its ring (after repeated positions are dropped).
    index: usize,
    /// How many edges the ring has.
    ring_edges: usize,
    a: Position,
    b: Position,
}

/// No two edges of the polygon's rings may cross or touch, except consecutive edges of one
/// ring at their shared position. Edges are indexed in an R-tree, so this takes
/// O(n log n) for rings of thousands of positions.
fn check_simple(rings: &[Vec<Position>]) -> Result<(), BoundaryError> {
    let mut edges = Vec::new();
    for (r, ring) in rings.iter().enumerate() {
        let mut points: Vec<Position> = ring.clone();
        points.dedup();
        let ring_edges = points.len() - 1;
        edges.extend(points.windows(2).enumerate().map(|(index, e)| Edge {
            ring: r,
            index,
            ring_edges,
            a: e[0],
            b: e[1],
        }));
    }
    let tree = RTree::bulk_load(
        edges
            .iter()
            .enumerate()
            .map(|(i, e)| GeomWithData::new(Rectangle::from_corners(e.a, e.b), i))
            .collect(),
    );
    for (i, e) in edges.iter().enumerate() {
        let envelope = AABB::from_corners(e.a, e.b);
        for other in tree.locate_in_envelope_intersecting(envelope) {
            let j = other.data;
            if j <= i {
                continue;
            }
            let f = &edges[j];
            let adjacent = e.ring == f.ring
                && (f.index == e.index + 1 || (e.index == 0 && f.index == e.ring_edges - 1));
            if adjacent {
                // Consecutive edges share one position; they may not fold back over each
                // other.
                if collinear_overlap(e, f) {
                    return Err(BoundaryError::SelfIntersection(f.a[0], f.a[1]));
                }
            } else if let Some([x, y]) = intersection(e.a, e.b, f.a, f.b) {
                return Err(BoundaryError::SelfIntersection(x, y));
            }
        }
    }
    Ok(())
}

fn orient(a: Position, b: Position, c: Position) -> f64 {
    (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
}

fn on_segment(a: Position, b: Position, p: Position) -> bool {
    p[0] >= a[0].min(b[0])
        && p[0] <= a[0].max(b[0])
        && p[1] >= a[1].min(b[1])
        && p[1] <= a[1].max(b[1])
}

/// A point where segments `ab` and `cd` meet, if they do.
#[expect(clippy::many_single_char_names, reason = "the usual names of geometry")]
fn intersection(a: Position, b: Position, c: Position, d: Position) -> Option<Position> {
    let (d1, d2) = (orient(c, d, a), orient(c, d, b));
    let (d3, d4) = (orient(a, b, c), orient(a, b, d));
    if ((d1 > 0.0 && d2 < 0.0) || (d1 < 0.0 && d2 > 0.0))
        && ((d3 > 0.0 && d4 < 0.0) || (d3 < 0.0 && d4 > 0.0))
    {
        let t = d1 / (d1 - d2);
        return Some([a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])]);
    }
    [(d1, c, d, a), (d2, c, d, b), (d3, a, b, c), (d4, a, b, d)]
        .into_iter()
        .find(|&(o, s, t, p)| o == 0.0 && on_segment(s, t, p))
        .map(|(_, _, _, p)| p)
}

/// Consecutive edges `e` then `f` (sharing a position) that run back along each other.
#[expect(
    clippy::float_cmp,
    reason = "the shared position is the same value in both edges"
)]
fn collinear_overlap(e: &Edge, f: &Edge) -> bool {
    let (shared, e_other, f_other) = if e.b == f.a {
        (e.b, e.a, f.b)
    } else {
        (e.a, e.b, f.a)
    };
    orient(shared, e_other, f_other) == 0.0
        && (e_other[0] - shared[0]) * (f_other[0] - shared[0])
            + (e_other[1] - shared[1]) * (f_other[1] - shared[1])
            > 0.0
}

#[cfg(test)]
mod tests;
