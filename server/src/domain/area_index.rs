//! Which desa contains a point: an in-memory R-tree of the bounding boxes of desa and kelurahan
//! polygons, each candidate then tested exactly. Built from the stored boundaries when the
//! server starts and again when an import changes them.

use std::collections::HashMap;

use rstar::{RTree, primitives::GeomWithData, primitives::Rectangle};

use super::boundary::{Boundary, Position};

/// The index. Cheap to query from many threads at once.
#[derive(Debug, Default)]
pub struct AreaIndex {
    tree: RTree<GeomWithData<Rectangle<Position>, usize>>,
    areas: Vec<(String, Boundary)>,
    by_code: HashMap<String, usize>,
}

impl AreaIndex {
    /// Indexes `(code, boundary)` pairs. Where boundaries overlap (borders drawn from
    /// different sources), the smaller code wins, so answers never depend on load order.
    #[must_use]
    pub fn new(mut areas: Vec<(String, Boundary)>) -> Self {
        areas.sort_by(|a, b| a.0.cmp(&b.0));
        let mut boxes = Vec::new();
        for (i, (_, boundary)) in areas.iter().enumerate() {
            for polygon in boundary.polygons() {
                let b = polygon.bounding_box();
                boxes.push(GeomWithData::new(Rectangle::from_corners(b.min, b.max), i));
            }
        }
        let by_code = areas
            .iter()
            .enumerate()
            .map(|(i, (code, _))| (code.clone(), i))
            .collect();
        Self {
            tree: RTree::bulk_load(boxes),
            areas,
            by_code,
        }
    }

    /// The code of the area containing the point (`[longitude, latitude]`), if any.
    #[must_use]
    pub fn locate(&self, point: Position) -> Option<&str> {
        self.tree
            .locate_all_at_point(point)
            .map(|candidate| candidate.data)
            .filter(|&i| self.areas[i].1.contains(point))
            .min()
            .map(|i| self.areas[i].0.as_str())
    }

    /// The boundary of the area with this code, if indexed.
    #[must_use]
    pub fn boundary(&self, code: &str) -> Option<&Boundary> {
        self.by_code.get(code).map(|&i| &self.areas[i].1)
    }

    /// How many areas are indexed.
    #[must_use]
    pub fn len(&self) -> usize {
        self.areas.len()
    }

    /// Whether no area is indexed.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.areas.is_empty()
    }

    /// Every indexed area, in code order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Boundary)> {
        self.areas.iter().map(|(c, b)| (c.as_str(), b))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{AreaIndex, Boundary};

    fn square(x: f64, y: f64, side: f64) -> Boundary {
        Boundary::from_geojson(&json!({
            "type": "Polygon",
            "coordinates": [[[x, y], [x + side, y], [x + side, y + side], [x, y + side], [x, y]]],
        }))
        .expect("valid")
    }

    #[test]
    fn a_point_is_located_in_the_desa_whose_polygon_holds_it() {
        let index = AreaIndex::new(vec![
            ("73.22.01.2002".to_owned(), square(1.0, 0.0, 1.0)),
            ("73.22.01.2001".to_owned(), square(0.0, 0.0, 1.0)),
        ]);
        assert_eq!(index.locate([0.5, 0.5]), Some("73.22.01.2001"));
        assert_eq!(index.locate([1.5, 0.5]), Some("73.22.01.2002"));
        assert_eq!(index.locate([2.5, 0.5]), None);
        let contains = |code: &str| index.boundary(code).map(|b| b.contains([1.5, 0.5]));
        assert_eq!(contains("73.22.01.2001"), Some(false));
        assert_eq!(contains("73.22.01.2002"), Some(true));
        assert_eq!(contains("73.22.01.2003"), None);
        assert_eq!(index.len(), 2);
    }

    #[test]
    fn where_polygons_overlap_the_smaller_code_wins_whatever_the_order() {
        let a = ("73.22.01.2001".to_owned(), square(0.0, 0.0, 1.0));
        let b = ("73.22.01.2002".to_owned(), square(0.5, 0.0, 1.0));
        for areas in [vec![a.clone(), b.clone()], vec![b, a]] {
            assert_eq!(
                AreaIndex::new(areas).locate([0.75, 0.5]),
                Some("73.22.01.2001")
            );
        }
    }

    #[test]
    fn an_empty_index_locates_nothing() {
        let index = AreaIndex::default();
        assert!(index.is_empty());
        assert_eq!(index.locate([120.0, -2.5]), None);
    }
}
