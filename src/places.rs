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
use std::ops::ControlFlow;
use std::sync::OnceLock;

/// A place on WGS 84, in degrees, perhaps known only to within a radius
/// (LANGUAGE-v2 §12).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Position {
    /// Latitude, -90 to 90.
    pub lat: f64,
    /// Longitude, -180 to 180.
    pub lon: f64,
    /// The uncertainty radius in metres; 0 for an exact position.
    pub radius_m: f64,
}

impl Position {
    /// A position, if its numbers are in range.
    pub fn new(lat: f64, lon: f64, radius_m: f64) -> Option<Position> {
        ((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon) && radius_m.is_finite() && radius_m >= 0.0)
            .then_some(Position { lat, lon, radius_m })
    }

    /// `48.0138, 37.8044`, with ` ± 25 km` for a radius.
    pub fn text(&self) -> String {
        let mut out = format!("{}, {}", self.lat, self.lon);
        if self.radius_m > 0.0 {
            out.push_str(&format!(" ± {}", format_distance(self.radius_m)));
        }
        out
    }
}

/// A distance in metres as a monitor writes it: `25 km`, `1.5 km`,
/// `800 m` (to the metre; kilometres from 1 km, to three places).
pub fn format_distance(metres: f64) -> String {
    if metres >= 1000.0 {
        let km = (metres / 1000.0 * 1000.0).round() / 1000.0;
        format!("{km} km")
    } else {
        format!("{} m", metres.round())
    }
}

/// A distance literal (`15km`, `2.5km`, `500m`) in metres.
pub fn parse_distance(text: &str) -> Option<f64> {
    let (number, factor) = match text.strip_suffix("km") {
        Some(n) => (n, 1000.0),
        None => (text.strip_suffix('m')?, 1.0),
    };
    let value: f64 = number.trim().parse().ok()?;
    (value.is_finite() && value >= 0.0).then_some(value * factor)
}

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
    /// For an area, the largest bow of its edges in metres (edges longer
    /// than 5 degrees or beyond 80 degrees of latitude left out): how far
    /// apart the edges drawn straight in degrees (for `contains`) and the
    /// geodesic edges (for distances) can be.
    widest_bow: f64,
}

impl std::fmt::Debug for Shape {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shape")
            .field("sort", &self.sort)
            .field("segments", &self.segments.size())
            .finish()
    }
}

/// One segment (geodesic) of a line or ring, with its ends (lon, lat) and
/// how far, in degrees, the geodesic strays from the straight line between
/// its ends drawn in longitude and latitude (its bow), with room to spare;
/// infinite where that cannot be bounded (a long segment, or one near a
/// pole): then flat estimates say nothing about it and it is measured.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Segment {
    a: [f64; 2],
    b: [f64; 2],
    bow: f64,
}

impl Segment {
    fn new(a: [f64; 2], b: [f64; 2]) -> Segment {
        Segment { a, b, bow: bow(a, b) }
    }
}

impl RTreeObject for Segment {
    type Envelope = AABB<[f64; 2]>;

    /// The box of its ends, widened by its bow (and a little more): every
    /// point of the geodesic lies in it. A segment whose bow cannot be
    /// bounded gets the whole globe.
    fn envelope(&self) -> Self::Envelope {
        if !self.bow.is_finite() {
            return AABB::from_corners([-180.0, -90.0], [180.0, 90.0]);
        }
        let pad = self.bow + 1e-6;
        AABB::from_corners(
            [self.a[0].min(self.b[0]) - pad, self.a[1].min(self.b[1]) - pad],
            [self.a[0].max(self.b[0]) + pad, self.a[1].max(self.b[1]) + pad],
        )
    }
}

/// The bow of the geodesic from `a` to `b` (lon, lat): the farthest of
/// its points at a quarter, half and three quarters of its length from the
/// straight line between the ends in degrees, doubled. Near its middle a
/// short geodesic departs from that line as a parabola does, so the
/// samples see the largest departure; segments longer than 5 degrees, or
/// reaching past 80 degrees of latitude, or crossing the antimeridian, get
/// none (infinite).
fn bow(a: [f64; 2], b: [f64; 2]) -> f64 {
    let (dlon, dlat) = (b[0] - a[0], b[1] - a[1]);
    if dlon.abs() > 5.0 || dlat.abs() > 5.0 || a[1].abs() > 80.0 || b[1].abs() > 80.0 {
        return f64::INFINITY;
    }
    let (length, azimuth, _, _): (f64, f64, f64, f64) = wgs84().inverse(a[1], a[0], b[1], b[0]);
    let length2 = dlon * dlon + dlat * dlat;
    if length2 == 0.0 {
        return 0.0;
    }
    let mut worst: f64 = 0.0;
    for fraction in [0.25, 0.5, 0.75] {
        let (lat, lon): (f64, f64) = wgs84().direct(a[1], a[0], azimuth, fraction * length);
        let (x, y) = (lon - a[0], lat - a[1]);
        // Across the line (the cross product over its length).
        worst = worst.max((x * dlat - y * dlon).abs() / length2.sqrt());
    }
    2.0 * worst
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
                .map(|s| Segment::new([s.start.x, s.start.y], [s.end.x, s.end.y]))
                .collect(),
        );
        let bounds = lines.bounding_rect().ok_or(ShapeError::Nothing(what))?;
        let widest_bow = match sort {
            Sort::Area => {
                segments
                    .iter()
                    .map(|s| s.bow)
                    .filter(|b| b.is_finite())
                    .fold(0.0, f64::max)
                    * METRES_PER_DEGREE_AT_MOST
            }
            Sort::Line => 0.0,
        };
        Ok(Shape {
            sort,
            polygons,
            lines,
            segments,
            bounds,
            widest_bow,
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
    /// Holes and the parts of a multipolygon fall out of the count. Edges
    /// are straight in longitude and latitude, as GeoJSON draws them.
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
        let on_edge = self.segments.locate_in_envelope_intersecting_int(&ray, |segment| {
            let ([x1, y1], [x2, y2]) = (segment.a, segment.b);
            // On the segment: the edge belongs to the area.
            let cross = (x2 - x1) * (lat - y1) - (y2 - y1) * (lon - x1);
            if cross == 0.0 && lon >= x1.min(x2) && lon <= x1.max(x2) && lat >= y1.min(y2) && lat <= y1.max(y2) {
                return ControlFlow::Break(());
            }
            if (y1 > lat) != (y2 > lat) && lon < (x2 - x1) * (lat - y1) / (y2 - y1) + x1 {
                inside = !inside;
            }
            ControlFlow::Continue(())
        });
        on_edge.is_break() || inside
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
        self.boundary_distance(&Frame::at(lat, lon), within)
    }

    /// The geodesic distance in metres to the nearest point of the lines
    /// (for an area, its rings), searched up to `within` metres (above it,
    /// some distance above `within`).
    fn boundary_distance(&self, frame: &Frame, within: f64) -> f64 {
        // The segment that seems nearest is measured first; after it, only
        // those whose flat estimate allows them to be nearer still.
        let Some(nearest) = self.nearest_bounds(frame, within, -1.0).nearest else {
            // Nothing near: farther than `within` for certain.
            return within.max(0.0) + 1.0;
        };
        let mut best = segment_distance(frame.lat, frame.lon, &nearest);
        self.each_near(frame, within, &mut |segment| {
            if frame.bounds(segment).0 < best {
                best = best.min(segment_distance(frame.lat, frame.lon, segment));
            }
            ControlFlow::Continue(())
        });
        best
    }

    /// Visits the segments that may lie within `within` metres of the
    /// point (all of them where no search box can be drawn), until the
    /// visitor breaks.
    fn each_near(&self, frame: &Frame, within: f64, each: &mut dyn FnMut(&Segment) -> ControlFlow<()>) {
        let _ = match search_box(frame.lat, frame.lon, within) {
            Some(envelope) => self.segments.locate_in_envelope_intersecting_int(&envelope, each),
            None => self.segments.iter().try_for_each(each),
        };
    }

    /// Bounds on the geodesic distance from the point to the nearest
    /// segment within `within` metres, from flat estimates, and the segment
    /// that seems nearest. The search stops at the first segment certainly
    /// no farther than `enough` (which already settles what the caller
    /// asks): then the low bound is 0.
    fn nearest_bounds(&self, frame: &Frame, within: f64, enough: f64) -> Near {
        let mut near = Near {
            // Segments outside the search box are farther than `within`.
            low: within.max(0.0) + 0.05,
            high: f64::INFINITY,
            nearest: None,
        };
        let mut least = f64::INFINITY;
        self.each_near(frame, within, &mut |segment| {
            let (low, high) = frame.bounds(segment);
            near.low = near.low.min(low);
            near.high = near.high.min(high);
            let estimate = frame.flat(segment);
            if estimate < least {
                least = estimate;
                near.nearest = Some(*segment);
            }
            if high <= enough {
                near.low = 0.0;
                return ControlFlow::Break(());
            }
            ControlFlow::Continue(())
        });
        near
    }

    /// Bounds on the geodesic distance to the lines (an area's rings) from
    /// flat estimates, and the exact distance only where they cannot
    /// settle `decides`: the low and high bound, equal when measured.
    fn boundary_bounds(
        &self,
        frame: &Frame,
        within: f64,
        enough: f64,
        decides: &dyn Fn(f64, f64) -> bool,
    ) -> (f64, f64) {
        let near = self.nearest_bounds(frame, within, enough);
        if near.nearest.is_none() || decides(near.low, near.high) {
            (near.low, near.high)
        } else {
            let d = self.boundary_distance(frame, within);
            (d, d)
        }
    }
}

/// What the flat estimates say of the nearest segment.
struct Near {
    /// No segment is nearer than this (geodesically).
    low: f64,
    /// Some segment is no farther than this (infinite if none was seen).
    high: f64,
    /// The segment whose estimate is least.
    nearest: Option<Segment>,
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

/// A flat view of the surroundings of a point: the plane tangent to WGS 84
/// there, longitude and latitude scaled by the ellipsoid's radii of
/// curvature at the point (an equirectangular projection). Straight lines
/// in degrees stay straight in it, so the distance to a segment's chord
/// is simple, and it is close to the geodesic distance: within a part in a
/// thousand, plus the segment's bow, plus a part that grows with the
/// distance and the latitude (the meridians converge), which
/// [`Frame::bounds`] allows for. The tests check those bounds against
/// measured distances.
struct Frame {
    lat: f64,
    lon: f64,
    /// Metres per degree of longitude and of latitude at the point.
    x: f64,
    y: f64,
    /// How fast the flat view strays with distance, per metre: 0 where it
    /// says nothing (past 80 degrees of latitude).
    drift: f64,
}

impl Frame {
    fn at(lat: f64, lon: f64) -> Frame {
        const A: f64 = 6_378_137.0;
        const E2: f64 = 0.006_694_379_990_14;
        let phi = lat.to_radians();
        let w = (1.0 - E2 * phi.sin().powi(2)).sqrt();
        let (meridian, normal) = (A * (1.0 - E2) / (w * w * w), A / w);
        let usable = lat.abs() <= 80.0;
        Frame {
            lat,
            lon,
            x: (normal * phi.cos()).to_radians(),
            y: meridian.to_radians(),
            drift: if usable {
                2.0 * (1.0 + phi.tan().abs()) / 6_356_000.0
            } else {
                0.0
            },
        }
    }

    /// The flat distance in metres from the point to a segment's chord: a
    /// ranking, not a measure.
    fn flat(&self, segment: &Segment) -> f64 {
        let wrap = |dlon: f64| {
            if dlon > 180.0 {
                dlon - 360.0
            } else if dlon < -180.0 {
                dlon + 360.0
            } else {
                dlon
            }
        };
        let project = |[x, y]: [f64; 2]| (wrap(x - self.lon) * self.x, (y - self.lat) * self.y);
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

    /// Bounds in metres on the geodesic distance from the point to the
    /// segment, from its flat distance: (0, ∞) where the flat view says
    /// nothing (near a pole, a segment without a bow, farther than 500 km).
    fn bounds(&self, segment: &Segment) -> (f64, f64) {
        let bow = segment.bow * METRES_PER_DEGREE_AT_MOST;
        let flat = self.flat(segment);
        let reach = flat + bow;
        if self.drift == 0.0 || !bow.is_finite() || reach > 500_000.0 {
            return (0.0, f64::INFINITY);
        }
        let stray = 1.0 + 1e-3 + self.drift * reach + 2.0 * (reach / 6_356_000.0).powi(2);
        (((flat - bow) / stray - 1.0).max(0.0), reach * stray + 1.0)
    }
}

/// No degree of latitude or longitude on WGS 84 is longer (a degree of
/// latitude at a pole is 111,694 m).
const METRES_PER_DEGREE_AT_MOST: f64 = 111_700.0;

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
        // The disc crosses the boundary if the centre is within the radius
        // of it. The boundary is measured along geodesics while `contains`
        // draws edges straight in degrees; the widest gap between the two
        // (the largest bow) widens the radius, so that a disc near an edge
        // is never judged wholly on one side of it.
        let reach = radius + self.widest_bow;
        let (low, _) = self.boundary_bounds(&Frame::at(lat, lon), reach, reach, &|low, high| {
            low > reach || high <= reach
        });
        if low <= reach {
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
        // The disc's distances run from the centre's less the radius to the
        // centre's plus the radius, and the comparison is monotone along
        // them: the answer follows from whether it holds at the two ends.
        let ends = |d_low: f64, d_high: f64| {
            (
                (holds((d_low - radius).max(0.0)), holds((d_high - radius).max(0.0))),
                (holds(d_low + radius), holds(d_high + radius)),
            )
        };
        let (d_low, d_high) = if self.contains(lat, lon) {
            (0.0, 0.0)
        } else {
            // Bounds on the centre's distance settle the answer when each
            // end is settled; a segment this near settles both.
            let enough = limit - radius - 1.0;
            self.boundary_bounds(&Frame::at(lat, lon), limit + radius, enough, &|low, high| {
                let ((a, b), (c, d)) = ends(low, high);
                a == b && c == d
            })
        };
        let ((near, _), (_, far)) = ends(d_low, d_high);
        match (near, far) {
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

    /// The distance to a geodesic segment by walking it in small steps:
    /// slow, simple, and independent of Newton's method.
    fn walked_distance(lat: f64, lon: f64, a: [f64; 2], b: [f64; 2]) -> f64 {
        let (length, azimuth, _, _): (f64, f64, f64, f64) = wgs84().inverse(a[1], a[0], b[1], b[0]);
        let steps = 4_000;
        (0..=steps)
            .map(|i| {
                let (plat, plon) = destination(a[1], a[0], azimuth, length * i as f64 / steps as f64);
                point_distance(lat, lon, plat, plon)
            })
            .fold(f64::INFINITY, f64::min)
    }

    #[test]
    fn a_point_on_a_long_segments_bow_is_on_the_line() {
        // The geodesic from 37 E to 38 E along 48 N bows about 120 m north
        // of the parallel: a point on it is within a metre of the line,
        // though 120 m from the straight line in degrees.
        let line = Shape::from_geojson(
            r#"{"type": "LineString", "coordinates": [[37.0, 48.0], [38.0, 48.0]]}"#,
            Sort::Line,
        )
        .expect("a line");
        let (lat, lon) = (48.00108, 37.5);
        assert!(line.distance(lat, lon, 1_000.0) < 5.0);
        assert_eq!(
            line.distance_compare(lat, lon, 0.0, 100.0, &|x| x <= 100.0),
            Answer::Yes
        );
        assert_eq!(line.distance_compare(lat, lon, 0.0, 100.0, &|x| x > 100.0), Answer::No);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]

        /// The flat bounds hold the measured distance, and the answers
        /// (settled from the bounds where they can be) agree with the
        /// answers from the measured distance.
        #[test]
        fn flat_bounds_hold_the_measured_distance(
            lat in -75.0f64..75.0,
            lon in -179.0f64..179.0,
            length in 1.0f64..300_000.0,
            heading in 0.0f64..360.0,
            away in 0.0f64..200_000.0,
            bearing in 0.0f64..360.0,
            along in 0.0f64..1.0,
            radius in proptest::prop_oneof![proptest::strategy::Just(0.0), 10.0f64..20_000.0],
            limit in 10.0f64..100_000.0,
        ) {
            let (blat, blon) = destination(lat, lon, heading, length);
            proptest::prop_assume!(blon.abs() < 179.5 && (blon - lon).abs() < 180.0);
            let segment = Segment::new([lon, lat], [blon, blat]);
            // A point `away` from a point `along` the segment.
            let (_, azimuth, _, _): (f64, f64, f64, f64) = wgs84().inverse(lat, lon, blat, blon);
            let (mlat, mlon) = destination(lat, lon, azimuth, along * length);
            let (plat, plon) = destination(mlat, mlon, bearing, away);
            let walked = walked_distance(plat, plon, segment.a, segment.b);
            let measured = segment_distance(plat, plon, &segment);
            // Newton's answer is the walk's, to the walk's step.
            let step = length / 4_000.0;
            proptest::prop_assert!(measured <= walked + 0.01 && walked <= measured + step * step / (2.0 * walked.max(1.0)) + 0.01,
                "measured {} walked {}", measured, walked);
            let frame = Frame::at(plat, plon);
            let (low, high) = frame.bounds(&segment);
            proptest::prop_assert!(low <= measured && measured <= high, "{} not in [{}, {}]", measured, low, high);
            let text = format!(
                r#"{{"type": "LineString", "coordinates": [[{lon}, {lat}], [{blon}, {blat}]]}}"#
            );
            let line = Shape::from_geojson(&text, Sort::Line).expect("a line");
            for holds in [&(|x: f64| x <= limit) as &dyn Fn(f64) -> bool, &|x: f64| x > limit] {
                let expected = match (holds((measured - radius).max(0.0)), holds(measured + radius)) {
                    (true, true) => Answer::Yes,
                    (false, false) => Answer::No,
                    _ => Answer::Unknown,
                };
                // A hair from the limit either answer is right.
                let near_the_edge = ((measured - radius).max(0.0) - limit).abs() < 0.02 || (measured + radius - limit).abs() < 0.02;
                if !near_the_edge {
                    proptest::prop_assert_eq!(line.distance_compare(plat, plon, radius, limit, holds), expected);
                }
            }
        }
    }
}

#[cfg(test)]
mod distance_tests {
    use super::*;

    #[test]
    fn distances_read_and_print() {
        assert_eq!(parse_distance("15km"), Some(15_000.0));
        assert_eq!(parse_distance("2.5km"), Some(2_500.0));
        assert_eq!(parse_distance("500m"), Some(500.0));
        assert_eq!(parse_distance("5"), None);
        assert_eq!(parse_distance("-1km"), None);
        assert_eq!(format_distance(25_000.0), "25 km");
        assert_eq!(format_distance(1_234.567_8), "1.235 km");
        assert_eq!(format_distance(800.4), "800 m");
    }
}
