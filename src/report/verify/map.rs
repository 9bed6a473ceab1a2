//! A small map of a rule that asks where positions are (LANGUAGE-v2 §12):
//! its areas and lines, and the positions of its evidence (uncertain ones
//! as circles of their radius), in plain SVG from the GeoJSON: no tiles,
//! no network. Numbers only go into the drawing; names are escaped.

use super::html::Out;
use super::{Shown, VerifyReport};
use crate::eval::RuleResult;
use crate::log::{FieldValue, Position};
use crate::places::Shape;
use std::sync::Arc;

/// The drawing's size in SVG units.
const WIDTH: f64 = 480.0;
const HEIGHT: f64 = 320.0;
/// A ring or line of more vertices is drawn with every n-th (the shape
/// still reads; the page stays small).
const DRAWN_VERTICES: usize = 2_000;
/// Metres in a degree of latitude, near enough for a picture.
const METRES_PER_DEGREE: f64 = 111_195.0;

impl VerifyReport<'_> {
    /// The map of a rule whose patterns ask about places; nothing for others.
    pub(super) fn html_map(&self, out: &mut Out, result: &RuleResult) {
        let rule = &self.model.rules[result.rule];
        let mut shapes: Vec<&Arc<Shape>> = Vec::new();
        for pattern in rule.form.slots() {
            for shape in pattern.condition.iter().flat_map(|c| c.shapes()) {
                if !shapes.iter().any(|s| Arc::ptr_eq(s, shape)) {
                    shapes.push(shape);
                }
            }
        }
        if shapes.is_empty() {
            return;
        }
        let shown = Shown::HTML;
        let points: Vec<Position> = result
            .instances
            .iter()
            .take(shown.instances)
            .flat_map(|i| i.findings.iter().take(shown.findings))
            .flat_map(|f| f.evidence.iter().take(shown.evidence))
            .flat_map(|e| e.fields.iter())
            .filter_map(|(_, v)| match v {
                FieldValue::Position(p) => Some(**p),
                _ => None,
            })
            .collect();
        // The bounds of everything drawn, in degrees.
        let (mut west, mut south, mut east, mut north) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
        for shape in &shapes {
            west = west.min(shape.bounds.min().x);
            south = south.min(shape.bounds.min().y);
            east = east.max(shape.bounds.max().x);
            north = north.max(shape.bounds.max().y);
        }
        for p in &points {
            let r = p.radius_m / METRES_PER_DEGREE;
            west = west.min(p.lon - r);
            east = east.max(p.lon + r);
            south = south.min(p.lat - r);
            north = north.max(p.lat + r);
        }
        let scale_x = ((south + north) / 2.0).to_radians().cos().max(0.01);
        let (w, h) = (((east - west) * scale_x).max(1e-6), (north - south).max(1e-6));
        let pad = 12.0;
        let k = ((WIDTH - 2.0 * pad) / w).min((HEIGHT - 2.0 * pad) / h);
        let (ox, oy) = ((WIDTH - w * k) / 2.0, (HEIGHT - h * k) / 2.0);
        let x = |lon: f64| ox + (lon - west) * scale_x * k;
        let y = |lat: f64| oy + (north - lat) * k;
        out.raw("<figure class=\"map\"><svg class=\"map\" viewBox=\"0 0 ")
            .safe(WIDTH)
            .raw(" ")
            .safe(HEIGHT)
            .raw("\" role=\"img\" aria-label=\"map of ")
            .text(&rule.id)
            .raw("\">\n");
        for shape in &shapes {
            let class = match shape.sort {
                crate::places::Sort::Area => "area",
                crate::places::Sort::Line => "line",
            };
            if shape.sort == crate::places::Sort::Area {
                out.raw("<path class=\"area\" d=\"");
                for polygon in &shape.polygons {
                    for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
                        let step = ring.0.len().div_ceil(DRAWN_VERTICES).max(1);
                        for (i, c) in ring.0.iter().step_by(step).enumerate() {
                            out.raw(if i == 0 { "M" } else { "L" })
                                .fixed(x(c.x), 1)
                                .raw(" ")
                                .fixed(y(c.y), 1)
                                .raw(" ");
                        }
                        out.raw("Z ");
                    }
                }
                out.raw("\"/>\n");
            } else {
                for line in &shape.lines {
                    let step = line.0.len().div_ceil(DRAWN_VERTICES).max(1);
                    out.raw("<polyline class=\"").raw(class).raw("\" points=\"");
                    for c in line.0.iter().step_by(step) {
                        out.fixed(x(c.x), 1).raw(",").fixed(y(c.y), 1).raw(" ");
                    }
                    if let Some(c) = line.0.last() {
                        out.fixed(x(c.x), 1).raw(",").fixed(y(c.y), 1);
                    }
                    out.raw("\"/>\n");
                }
            }
        }
        for p in &points {
            if p.radius_m > 0.0 {
                out.raw("<circle class=\"uncertain\" cx=\"")
                    .fixed(x(p.lon), 1)
                    .raw("\" cy=\"")
                    .fixed(y(p.lat), 1)
                    .raw("\" r=\"")
                    .fixed((p.radius_m / METRES_PER_DEGREE * k).max(3.0), 1)
                    .raw("\"><title>")
                    .text(&p.text())
                    .raw("</title></circle>\n");
            }
            out.raw("<circle class=\"point\" cx=\"")
                .fixed(x(p.lon), 1)
                .raw("\" cy=\"")
                .fixed(y(p.lat), 1)
                .raw("\" r=\"3\"><title>")
                .text(&p.text())
                .raw("</title></circle>\n");
        }
        // A scale bar of a round length, at most a quarter of the width.
        let pixels_per_km = k * 1000.0 / METRES_PER_DEGREE;
        let km = scale_length(WIDTH / 4.0 / pixels_per_km);
        let bar = km * pixels_per_km;
        let (bx, by) = (pad, HEIGHT - pad);
        out.raw("<g class=\"scale\"><path d=\"M")
            .fixed(bx, 1)
            .raw(" ")
            .fixed(by - 4.0, 1)
            .raw(" V")
            .fixed(by, 1)
            .raw(" H")
            .fixed(bx + bar, 1)
            .raw(" V")
            .fixed(by - 4.0, 1)
            .raw("\"/><text x=\"")
            .fixed(bx + bar + 4.0, 1)
            .raw("\" y=\"")
            .fixed(by, 1)
            .raw("\">")
            .text(&crate::places::format_distance(km * 1000.0))
            .raw("</text></g>\n");
        out.raw("</svg><figcaption>");
        for (i, shape) in shapes.iter().enumerate() {
            if i > 0 {
                out.raw("; ");
            }
            let (name, display) = self.place_name(shape);
            out.raw("<span class=\"")
                .raw(match shape.sort {
                    crate::places::Sort::Area => "key-area",
                    crate::places::Sort::Line => "key-line",
                })
                .raw("\"></span>")
                .text(shape.sort.as_str())
                .raw(" <code>")
                .text(name)
                .raw("</code>");
            if let Some(display) = display {
                out.raw(" (").text(display).raw(")");
            }
        }
        out.raw("; the evidence's positions (a dashed circle: known only to within its radius)")
            .raw("</figcaption></figure>\n");
    }
}

impl VerifyReport<'_> {
    /// The name and display name of a drawn shape: a declared area or line,
    /// or a zone's area.
    fn place_name(&self, shape: &Arc<Shape>) -> (&str, Option<&str>) {
        if let Some(place) = self.model.places.iter().find(|p| Arc::ptr_eq(&p.shape, shape)) {
            return (&place.name, place.display.as_deref());
        }
        self.model
            .zones
            .iter()
            .find(|z| z.area.as_ref().is_some_and(|a| Arc::ptr_eq(a, shape)))
            .map_or(("", None), |z| (z.name.as_str(), z.display.as_deref()))
    }
}

/// The largest of 1, 2 and 5 times a power of ten kilometres that is at
/// most `most` (at least a metre).
fn scale_length(most: f64) -> f64 {
    let mut best = 0.001;
    let mut power = 0.001;
    while power <= most {
        for factor in [1.0, 2.0, 5.0] {
            if factor * power <= most {
                best = factor * power;
            }
        }
        power *= 10.0;
    }
    best
}

#[cfg(test)]
mod tests {
    #[test]
    fn scale_bars_have_round_lengths() {
        assert_eq!(super::scale_length(73.0), 50.0);
        assert_eq!(super::scale_length(19.9), 10.0);
        assert_eq!(super::scale_length(2.0), 2.0);
        assert_eq!(super::scale_length(0.0), 0.001);
    }
}
