//! Areas and lines on WGS 84 (LANGUAGE-v2 §12): read from GeoJSON, and
//! asked whether a position lies inside an area and how far it is from a
//! line or an area, geodesically, three-valued for a position known only
//! to within a radius.
//!
//! Geometry comes from maintained crates: `geojson` reads the files, `geo`
//! answers point-in-polygon (holes and multipolygons included), `rstar`
//! indexes the segments, and `geographiclib-rs` (Karney's geodesics, the
//! library behind GeographicLib) measures on the ellipsoid.

use geo::{BoundingRect, MultiLineString, MultiPolygon, Rect};
#[cfg(test)]
use geo::{Intersects, Point};
use geographiclib_rs::{DirectGeodesic, Geodesic, InverseGeodesic};
use rstar::{AABB, RTree, RTreeObject};
use std::sync::OnceLock;

/// What a declaration reads: an area (polygons) or a line (line strings).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Sort {
    /// `area`, or a zone's area: the union of its polygons.
    Area,
    /// `line`: the union of its line strings.
    Line,
}

impl Sort {
    /// As a declaration writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Sort::Area => "area",
            Sort::Line => "line",
        }
    }
}

/// An area or a line, ready to be asked about positions.
pub struct Shape {
    /// Which it is.
    pub sort: Sort,
    /// The polygons of an area (empty for a line).
    pub polygons: MultiPolygon<f64>,
    /// The line strings of a line; for an area, its rings (the boundary
    /// distances are measured to).
    pub lines: MultiLineString<f64>,
    /// Every segment, indexed by its bounding box in degrees.
    segments: RTree<Segment>,
    /// The bounding box of the whole shape, in degrees.
    pub bounds: Rect<f64>,
}

impl std::fmt::Debug for Shape {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shape")
            .field("sort", &self.sort)
            .field("segments", &self.segments.size())
            .finish()
    }
}

/// One segment (geodesic) of a line or ring, with its ends (lon, lat).
#[derive(Clone, Copy, Debug, PartialEq)]
struct Segment {
    a: [f64; 2],
    b: [f64; 2],
}

impl RTreeObject for Segment {
    type Envelope = AABB<[f64; 2]>;

    /// The box of its ends, widened by a twentieth of its size (and a
    /// little more): a geodesic bows toward the pole away from the straight
    /// line between its ends, by far less than that at these lengths.
    fn envelope(&self) -> Self::Envelope {
        let pad = 0.05 * ((self.a[0] - self.b[0]).abs() + (self.a[1] - self.b[1]).abs()) + 1e-4;
        AABB::from_corners(
            [self.a[0].min(self.b[0]) - pad, self.a[1].min(self.b[1]) - pad],
            [self.a[0].max(self.b[0]) + pad, self.a[1].max(self.b[1]) + pad],
        )
    }
}

/// Why a GeoJSON file cannot be a place.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ShapeError {
    /// Not GeoJSON at all.
    #[error("it is {0}")]
    NotGeoJson(String),
    /// No geometry of the declared sort.
    #[error("it holds no {0}")]
    Nothing(&'static str),
    /// A polygon ring whose last position is not its first.
    #[error("ring {ring} of polygon {polygon} is not closed: its last position is not its first")]
    Unclosed {
        /// 1-based.
        polygon: usize,
        /// 1-based (1 is the outer ring).
        ring: usize,
    },
    /// A position outside -180..180 or -90..90, or not a number.
    #[error("a position is out of range: [{lon}, {lat}] (longitude -180 to 180, latitude -90 to 90)")]
    OutOfRange {
        /// As written.
        lon: f64,
        /// As written.
        lat: f64,
    },
}

impl Shape {
    /// The shape a GeoJSON text holds (a geometry, a Feature or a
    /// FeatureCollection): for an area the union of its Polygons and
    /// MultiPolygons, for a line the union of its LineStrings and
    /// MultiLineStrings; other geometries are left out.
    pub fn from_geojson(text: &str, sort: Sort) -> Result<Shape, ShapeError> {
        // The file may be anyone's: errors give a place, never its text.
        let json: serde_json::Value = serde_json::from_str(text)
            .map_err(|e| ShapeError::NotGeoJson(format!("not JSON (line {}, column {})", e.line(), e.column())))?;
        let parsed = serde_json::from_value::<geojson::GeoJson>(json).map_err(|_| {
            ShapeError::NotGeoJson("JSON, but no GeoJSON geometry, Feature or FeatureCollection".to_string())
        })?;
        let mut geometries = Vec::new();
        collect(&parsed, &mut geometries);
        let mut polygons: Vec<geo::Polygon<f64>> = Vec::new();
        let mut lines: Vec<geo::LineString<f64>> = Vec::new();
        let rings_of = |rings: &[Vec<geojson::Position>], number: usize| -> Result<geo::Polygon<f64>, ShapeError> {
            let mut converted = Vec::new();
            for (r, ring) in rings.iter().enumerate() {
                if ring.len() < 4 || ring.first() != ring.last() {
                    return Err(ShapeError::Unclosed {
                        polygon: number,
                        ring: r + 1,
                    });
                }
                converted.push(line_string(ring)?);
            }
            let mut converted = converted.into_iter();
            let outer = converted.next().ok_or(ShapeError::Nothing("polygon"))?;
            Ok(geo::Polygon::new(outer, converted.collect()))
        };
        for geometry in geometries {
            match (&geometry.value, sort) {
                (geojson::GeometryValue::Polygon { coordinates: rings }, Sort::Area) => {
                    let number = polygons.len() + 1;
                    polygons.push(rings_of(rings, number)?);
                }
                (geojson::GeometryValue::MultiPolygon { coordinates: many }, Sort::Area) => {
                    for rings in many {
                        let number = polygons.len() + 1;
                        polygons.push(rings_of(rings, number)?);
                    }
                }
                (geojson::GeometryValue::LineString { coordinates: points }, Sort::Line) => {
                    lines.push(line_string(points)?)
                }
                (geojson::GeometryValue::MultiLineString { coordinates: many }, Sort::Line) => {
                    for points in many {
                        lines.push(line_string(points)?);
                    }
                }
                _ => {}
            }
        }
        let what = match sort {
            Sort::Area => "polygon",
            Sort::Line => "line string",
        };
        match sort {
            Sort::Area if polygons.is_empty() => return Err(ShapeError::Nothing(what)),
            Sort::Line if lines.iter().all(|l| l.0.len() < 2) => return Err(ShapeError::Nothing(what)),
            _ => {}
        }
        let polygons = MultiPolygon::new(polygons);
        if sort == Sort::Area {
            for polygon in &polygons {
                lines.push(polygon.exterior().clone());
                lines.extend(polygon.interiors().iter().cloned());
            }
        }
        let lines = MultiLineString::new(lines);
        let segments = RTree::bulk_load(
            lines
                .iter()
                .flat_map(|l| l.lines())
                .map(|s| Segment {
                    a: [s.start.x, s.start.y],
                    b: [s.end.x, s.end.y],
                })
                .collect(),
        );
        let bounds = lines.bounding_rect().ok_or(ShapeError::Nothing(what))?;
        Ok(Shape {
            sort,
            polygons,
            lines,
            segments,
            bounds,
        })
    }

    /// How many vertices it has.
    pub fn vertices(&self) -> usize {
        self.lines.iter().map(|l| l.0.len()).sum()
    }

    /// Whether a point lies in the area: inside a polygon and outside its
    /// holes, its edges included. A line contains nothing.
    ///
    /// Counts the crossings of the rings by a ray from the point eastward
    /// (the segments it may cross come from the index): odd is inside.
    /// Holes and the parts of a multipolygon fall out of the count.
    pub fn contains(&self, lat: f64, lon: f64) -> bool {
        if self.sort != Sort::Area
            || lat < self.bounds.min().y
            || lat > self.bounds.max().y
            || lon < self.bounds.min().x
            || lon > self.bounds.max().x
        {
            return false;
        }
        let ray = AABB::from_corners([lon, lat], [self.bounds.max().x + 1.0, lat]);
        let mut inside = false;
        for segment in self.segments.locate_in_envelope_intersecting(&ray) {
            let ([x1, y1], [x2, y2]) = (segment.a, segment.b);
            // On the segment: the edge belongs to the area.
            let cross = (x2 - x1) * (lat - y1) - (y2 - y1) * (lon - x1);
            if cross == 0.0 && lon >= x1.min(x2) && lon <= x1.max(x2) && lat >= y1.min(y2) && lat <= y1.max(y2) {
                return true;
            }
            if (y1 > lat) != (y2 > lat) && lon < (x2 - x1) * (lat - y1) / (y2 - y1) + x1 {
                inside = !inside;
            }
        }
        inside
    }

    /// Whether a point lies in the area, by `geo` (for the tests: the
    /// crossing count must agree with it).
    #[cfg(test)]
    fn contains_by_geo(&self, lat: f64, lon: f64) -> bool {
        self.sort == Sort::Area && self.polygons.intersects(&Point::new(lon, lat))
    }

    /// The geodesic distance in metres from a point to the shape: to the
    /// nearest point of a line; to an area, 0 inside it, else to its
    /// boundary. `within`: only distances up to this matter; a point
    /// farther than it gets some distance above it (not necessarily the
    /// exact one), which keeps the search to nearby segments.
    pub fn distance(&self, lat: f64, lon: f64, within: f64) -> f64 {
        if self.contains(lat, lon) {
            return 0.0;
        }
        self.boundary_distance(lat, lon, within)
    }

    /// The geodesic distance in metres to the nearest point of the lines
    /// (for an area, its rings), searched up to `within` metres (above it,
    /// some distance above `within`).
    pub fn boundary_distance(&self, lat: f64, lon: f64, within: f64) -> f64 {
        // Segments are ranked by a flat estimate first (within a few parts
        // in a thousand at these distances), and only those that may be the
        // nearest are measured on the ellipsoid.
        let Some(nearest) = self.nearest_estimate(lat, lon, within, 0.0) else {
            // Nothing near: farther than `within` for certain.
            return within.max(0.0) + 1.0;
        };
        let scale = lat.to_radians().cos();
        let mut best = f64::INFINITY;
        self.each_near(lat, lon, within, &mut |segment| {
            if flat_distance(lat, lon, scale, segment) <= nearest * FLAT_SLACK + 1.0 {
                best = best.min(segment_distance(lat, lon, segment));
            }
        });
        best
    }

    /// The segments that may lie within `within` metres of the point (all
    /// of them where no search box can be drawn).
    fn each_near(&self, lat: f64, lon: f64, within: f64, each: &mut dyn FnMut(&Segment)) {
        match search_box(lat, lon, within) {
            Some(envelope) => self.segments.locate_in_envelope_intersecting(&envelope).for_each(each),
            None => self.segments.iter().for_each(each),
        }
    }

    /// The flat estimate of the distance to the nearest segment within
    /// `within` metres, if any lies there: within [`FLAT_SLACK`] (and a
    /// metre) of the geodesic distance either way. The search stops at the
    /// first segment no farther than `enough` (which already settles what
    /// the caller asks).
    fn nearest_estimate(&self, lat: f64, lon: f64, within: f64, enough: f64) -> Option<f64> {
        let scale = lat.to_radians().cos();
        let mut nearest: Option<f64> = None;
        let mut take = |segment: &Segment| {
            let d = flat_distance(lat, lon, scale, segment);
            nearest = Some(nearest.map_or(d, |n| n.min(d)));
            d <= enough
        };
        match search_box(lat, lon, within) {
            Some(envelope) => {
                for segment in self.segments.locate_in_envelope_intersecting(&envelope) {
                    if take(segment) {
                        break;
                    }
                }
            }
            None => {
                for segment in self.segments.iter() {
                    if take(segment) {
                        break;
                    }
                }
            }
        }
        nearest
    }

    /// Bounds on the geodesic distance to the lines (an area's rings) from
    /// a flat estimate, and the exact distance only where they cannot
    /// settle `decides`: the low and high bound, equal when measured.
    fn boundary_bounds(
        &self,
        lat: f64,
        lon: f64,
        within: f64,
        enough: f64,
        decides: &dyn Fn(f64, f64) -> bool,
    ) -> (f64, f64) {
        match self.nearest_estimate(lat, lon, within, enough) {
            None => (within.max(0.0) + 1.0, f64::INFINITY),
            Some(e) => {
                let (low, high) = (((e - 1.0) / FLAT_SLACK).max(0.0), e * FLAT_SLACK + 1.0);
                if decides(low, high) {
                    (low, high)
                } else {
                    let d = self.boundary_distance(lat, lon, within);
                    (d, d)
                }
            }
        }
    }
}

/// The geometries of a GeoJSON document, features and collections opened.
fn collect(geojson: &geojson::GeoJson, out: &mut Vec<geojson::Geometry>) {
    fn geometry(g: &geojson::Geometry, out: &mut Vec<geojson::Geometry>) {
        match &g.value {
            geojson::GeometryValue::GeometryCollection { geometries } => {
                geometries.iter().for_each(|g| geometry(g, out))
            }
            _ => out.push(g.clone()),
        }
    }
    match geojson {
        geojson::GeoJson::Geometry(g) => geometry(g, out),
        geojson::GeoJson::Feature(f) => {
            if let Some(g) = &f.geometry {
                geometry(g, out);
            }
        }
        geojson::GeoJson::FeatureCollection(c) => {
            for f in &c.features {
                if let Some(g) = &f.geometry {
                    geometry(g, out);
                }
            }
        }
    }
}

/// A GeoJSON list of positions as a line string, every position in range.
fn line_string(points: &[geojson::Position]) -> Result<geo::LineString<f64>, ShapeError> {
    let mut coords = Vec::with_capacity(points.len());
    for p in points {
        let p = p.as_slice();
        let (lon, lat) = (
            p.first().copied().unwrap_or(f64::NAN),
            p.get(1).copied().unwrap_or(f64::NAN),
        );
        if !((-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat)) {
            return Err(ShapeError::OutOfRange { lon, lat });
        }
        coords.push(geo::Coord { x: lon, y: lat });
    }
    Ok(geo::LineString::new(coords))
}

/// How much a flat estimate may differ from the geodesic distance, as a
/// factor, with room to spare: segments within it of the nearest estimate
/// are measured exactly.
const FLAT_SLACK: f64 = 1.02;

/// The distance in metres from a point to a segment on a plane tangent at
/// the point (an equirectangular projection): a ranking, not a measure.
fn flat_distance(lat: f64, lon: f64, scale: f64, segment: &Segment) -> f64 {
    const METRES_PER_DEGREE: f64 = 111_195.0;
    let wrap = |dlon: f64| {
        if dlon > 180.0 {
            dlon - 360.0
        } else if dlon < -180.0 {
            dlon + 360.0
        } else {
            dlon
        }
    };
    let project = |[x, y]: [f64; 2]| (wrap(x - lon) * scale * METRES_PER_DEGREE, (y - lat) * METRES_PER_DEGREE);
    let ((ax, ay), (bx, by)) = (project(segment.a), project(segment.b));
    let (dx, dy) = (bx - ax, by - ay);
    let length2 = dx * dx + dy * dy;
    let t = if length2 == 0.0 {
        0.0
    } else {
        (-(ax * dx + ay * dy) / length2).clamp(0.0, 1.0)
    };
    let (px, py) = (ax + t * dx, ay + t * dy);
    (px * px + py * py).sqrt()
}

/// WGS 84.
fn wgs84() -> &'static Geodesic {
    static WGS84: OnceLock<Geodesic> = OnceLock::new();
    WGS84.get_or_init(Geodesic::wgs84)
}

/// The geodesic distance in metres between two points.
fn point_distance(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let s12: f64 = wgs84().inverse(lat1, lon1, lat2, lon2);
    s12
}

/// A box in degrees (lon, lat) that holds every point within `metres` of
/// the point, or `None` where no such box is simple (near a pole, across
/// the antimeridian, or too wide): then every segment is measured.
fn search_box(lat: f64, lon: f64, metres: f64) -> Option<AABB<[f64; 2]>> {
    // A degree of latitude is at least 110.5 km; a degree of longitude at
    // latitude φ at least 111.3 km · cos φ (on WGS 84, within 0.5%: the
    // margin below absorbs it).
    let dlat = metres / 110_000.0 + 1e-6;
    let (south, north) = (lat - dlat, lat + dlat);
    if south <= -89.0 || north >= 89.0 {
        return None;
    }
    let widest = south.abs().max(north.abs()).to_radians().cos();
    let dlon = metres / (111_000.0 * widest) + 1e-6;
    if dlon >= 90.0 || lon - dlon < -180.0 || lon + dlon > 180.0 {
        return None;
    }
    Some(AABB::from_corners([lon - dlon, south], [lon + dlon, north]))
}

/// The geodesic distance in metres from a point to a geodesic segment: the
/// nearest point of the segment is found by Newton's method on the
/// distance along it (where the geodesic to the point meets the segment at
/// a right angle), clamped to the ends.
fn segment_distance(lat: f64, lon: f64, segment: &Segment) -> f64 {
    let g = wgs84();
    let ([lon1, lat1], [lon2, lat2]) = (segment.a, segment.b);
    let (length, azimuth, _, _): (f64, f64, f64, f64) = g.inverse(lat1, lon1, lat2, lon2);
    if length < 1e-3 {
        return point_distance(lat, lon, lat1, lon1);
    }
    let mut along = 0.5 * length;
    for _ in 0..20 {
        let (x_lat, x_lon, x_azimuth): (f64, f64, f64) = g.direct(lat1, lon1, azimuth, along);
        let (to_point, to_azimuth, _, _): (f64, f64, f64, f64) = g.inverse(x_lat, x_lon, lat, lon);
        let step = to_point * (to_azimuth - x_azimuth).to_radians().cos();
        let next = (along + step).clamp(0.0, length);
        if (next - along).abs() < 0.01 {
            along = next;
            break;
        }
        along = next;
    }
    let (x_lat, x_lon, _): (f64, f64, f64) = g.direct(lat1, lon1, azimuth, along);
    point_distance(lat, lon, x_lat, x_lon)
        .min(point_distance(lat, lon, lat1, lon1))
        .min(point_distance(lat, lon, lat2, lon2))
}

/// A yes, no or unknown answer about a place, for a position known to
/// within `radius` metres (0: exactly): yes if it holds for every point of
/// the disc, no if for none.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answer {
    /// For every point of the disc.
    Yes,
    /// For some points and not others.
    Unknown,
    /// For none.
    No,
}

impl Shape {
    /// Whether a position lies inside the area.
    pub fn inside(&self, lat: f64, lon: f64, radius: f64) -> Answer {
        let inside = self.contains(lat, lon);
        if radius <= 0.0 {
            return if inside { Answer::Yes } else { Answer::No };
        }
        // The disc crosses the boundary if the centre is within the radius of it.
        // A segment this near settles it: the disc reaches across.
        let enough = (radius - 1.0) / FLAT_SLACK;
        let (low, high) = self.boundary_bounds(lat, lon, radius, enough, &|low, high| low > radius || high <= radius);
        if high <= radius || low <= radius {
            Answer::Unknown
        } else if inside {
            Answer::Yes
        } else {
            Answer::No
        }
    }

    /// Whether the distance from a position to the shape `holds` (a
    /// comparison with `limit` metres, `<`, `<=`, `>` or `>=`) for every
    /// point of the disc, for none, or for some.
    pub fn distance_compare(&self, lat: f64, lon: f64, radius: f64, limit: f64, holds: &dyn Fn(f64) -> bool) -> Answer {
        // The centre's distance, bounded from a flat estimate where that
        // settles the answer for the whole disc, else measured.
        let (d_low, d_high) = if self.contains(lat, lon) {
            (0.0, 0.0)
        } else {
            // Settled when the nearest and farthest possible distances agree.
            // A segment this near puts the whole disc within the limit.
            let enough = (limit - radius - 1.0) / FLAT_SLACK;
            self.boundary_bounds(lat, lon, limit + radius, enough, &|low, high| {
                holds((low - radius).max(0.0)) == holds(high + radius)
            })
        };
        let (low, high) = ((d_low - radius).max(0.0), d_high + radius);
        // The comparison is monotone along the disc's range [low, high].
        match (holds(low), holds(high)) {
            (true, true) => Answer::Yes,
            (false, false) => Answer::No,
            _ => Answer::Unknown,
        }
    }
}

/// Walks a geodesic from a point: where it arrives after `metres` on `azimuth`.
#[cfg(test)]
fn destination(lat: f64, lon: f64, azimuth: f64, metres: f64) -> (f64, f64) {
    let (lat2, lon2): (f64, f64) = wgs84().direct(lat, lon, azimuth, metres);
    (lat2, lon2)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SQUARE_WITH_HOLE: &str = r#"{"type": "Polygon", "coordinates": [
        [[34.0, 31.0], [35.0, 31.0], [35.0, 32.0], [34.0, 32.0], [34.0, 31.0]],
        [[34.4, 31.4], [34.6, 31.4], [34.6, 31.6], [34.4, 31.6], [34.4, 31.4]]
    ]}"#;

    #[test]
    fn the_crossing_count_agrees_with_geo() {
        let area = Shape::from_geojson(SQUARE_WITH_HOLE, Sort::Area).expect("an area");
        for i in 0..=60 {
            for j in 0..=60 {
                let (lat, lon) = (30.9 + 1.2 * i as f64 / 60.0, 33.9 + 1.2 * j as f64 / 60.0);
                assert_eq!(area.contains(lat, lon), area.contains_by_geo(lat, lon), "{lat} {lon}");
            }
        }
    }

    #[test]
    fn points_inside_outside_in_a_hole_and_on_an_edge() {
        let area = Shape::from_geojson(SQUARE_WITH_HOLE, Sort::Area).expect("an area");
        assert!(area.contains(31.2, 34.2));
        assert!(!area.contains(31.5, 34.5), "in the hole");
        assert!(!area.contains(30.0, 34.5));
        assert!(area.contains(31.0, 34.5), "an edge belongs to the area");
        assert!(area.contains(31.4, 34.5), "and so does the hole's edge");
    }

    #[test]
    fn geodesic_distances_match_known_values() {
        // One degree of latitude at the equator on WGS 84: 110,574.389 m.
        assert!((point_distance(0.0, 0.0, 1.0, 0.0) - 110_574.389).abs() < 0.01);
        // One degree of longitude at the equator: 111,319.491 m.
        assert!((point_distance(0.0, 0.0, 0.0, 1.0) - 111_319.491).abs() < 0.01);
        // A point 10 km north of the middle of an east-west segment.
        let line = Shape::from_geojson(
            r#"{"type": "LineString", "coordinates": [[37.0, 48.0], [38.0, 48.0]]}"#,
            Sort::Line,
        )
        .expect("a line");
        let (lat, lon) = destination(48.0, 37.5, 0.0, 10_000.0);
        let d = line.distance(lat, lon, 20_000.0);
        // The geodesic between the ends bows north of the parallel (by
        // about 120 m here), so the nearest point is the geodesic's middle.
        let length = point_distance(48.0, 37.0, 48.0, 38.0);
        let (_, azimuth, _, _): (f64, f64, f64, f64) = wgs84().inverse(48.0, 37.0, 48.0, 38.0);
        let (mid_lat, mid_lon) = destination(48.0, 37.0, azimuth, length / 2.0);
        assert!(mid_lat > 48.001 && (mid_lon - 37.5).abs() < 1e-9, "{mid_lat} {mid_lon}");
        assert!((d - point_distance(lat, lon, mid_lat, mid_lon)).abs() < 0.5, "{d}");
        assert!((9_870.0..9_890.0).contains(&d), "{d}");
        // Past an end, the distance is to the end.
        let d = line.distance(48.0, 36.0, 200_000.0);
        assert!((d - point_distance(48.0, 36.0, 48.0, 37.0)).abs() < 0.01, "{d}");
    }

    #[test]
    fn a_disc_across_an_edge_is_unknown() {
        let area = Shape::from_geojson(SQUARE_WITH_HOLE, Sort::Area).expect("an area");
        // 1 km inside the southern edge, known to within 5 km.
        let (lat, lon) = destination(31.0, 34.2, 0.0, 1_000.0);
        assert_eq!(area.inside(lat, lon, 0.0), Answer::Yes);
        assert_eq!(area.inside(lat, lon, 500.0), Answer::Yes);
        assert_eq!(area.inside(lat, lon, 5_000.0), Answer::Unknown);
        let (lat, lon) = destination(31.0, 34.2, 180.0, 10_000.0);
        assert_eq!(area.inside(lat, lon, 5_000.0), Answer::No);
        // The distance to an area is 0 inside it.
        assert_eq!(area.distance(31.2, 34.2, 1.0), 0.0);
    }

    #[test]
    fn bad_files_say_why() {
        let unclosed = r#"{"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1]]]}"#;
        assert_eq!(
            Shape::from_geojson(unclosed, Sort::Area).unwrap_err(),
            ShapeError::Unclosed { polygon: 1, ring: 1 }
        );
        let far = r#"{"type": "LineString", "coordinates": [[0, 0], [190, 0]]}"#;
        assert!(matches!(
            Shape::from_geojson(far, Sort::Line),
            Err(ShapeError::OutOfRange { .. })
        ));
        let point = r#"{"type": "Point", "coordinates": [0, 0]}"#;
        assert_eq!(
            Shape::from_geojson(point, Sort::Area).unwrap_err(),
            ShapeError::Nothing("polygon")
        );
        assert!(matches!(
            Shape::from_geojson("{", Sort::Area),
            Err(ShapeError::NotGeoJson(_))
        ));
    }

    #[test]
    fn near_the_poles_and_across_the_antimeridian_every_segment_is_measured() {
        // A line along the antimeridian's two sides: the search box cannot
        // be drawn, so every segment counts, and the distance is right.
        let line = Shape::from_geojson(
            r#"{"type": "LineString", "coordinates": [[179.5, 10.0], [179.9, 10.0]]}"#,
            Sort::Line,
        )
        .expect("a line");
        let d = line.distance(10.0, -179.9, 50_000.0);
        assert!((d - point_distance(10.0, -179.9, 10.0, 179.9)).abs() < 1.0, "{d}");
        assert!((21_000.0..23_000.0).contains(&d), "{d}");
        // Asked only about 1 km, it says only that the line is farther.
        assert!(line.distance(10.0, -179.9, 1_000.0) > 1_000.0);
        let polar = Shape::from_geojson(
            r#"{"type": "LineString", "coordinates": [[0.0, 89.5], [90.0, 89.5]]}"#,
            Sort::Line,
        )
        .expect("a line");
        assert!(polar.distance(89.9, 45.0, 1_000.0) < 50_000.0);
    }
}
