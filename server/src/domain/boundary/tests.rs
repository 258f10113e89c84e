use proptest::prelude::*;
use serde_json::json;

use super::{Boundary, BoundaryError, Position};

fn square(x: f64, y: f64, side: f64) -> Vec<Position> {
    vec![
        [x, y],
        [x + side, y],
        [x + side, y + side],
        [x, y + side],
        [x, y],
    ]
}

fn polygon(rings: &[Vec<Position>]) -> Result<Boundary, BoundaryError> {
    Boundary::from_geojson(&json!({ "type": "Polygon", "coordinates": rings }))
}

#[test]
fn a_square_contains_its_centre_and_not_a_point_beside_it() {
    let b = polygon(&[square(120.0, -2.5, 0.1)]).expect("valid");
    assert!(b.contains([120.05, -2.45]));
    assert!(!b.contains([120.15, -2.45]));
    assert!(!b.contains([120.05, -2.55]));
    assert_eq!(b.positions(), 5);
}

#[test]
fn a_point_in_a_hole_is_outside() {
    let mut hole = square(120.04, -2.46, 0.02);
    hole.reverse();
    let b = polygon(&[square(120.0, -2.5, 0.1), hole]).expect("valid");
    assert!(!b.contains([120.05, -2.45]));
    assert!(b.contains([120.01, -2.49]));
}

#[test]
fn a_multipolygon_contains_points_of_each_part() {
    let b = Boundary::from_geojson(&json!({
        "type": "MultiPolygon",
        "coordinates": [[square(0.0, 0.0, 1.0)], [square(5.0, 5.0, 1.0)]],
    }))
    .expect("valid");
    assert!(b.contains([0.5, 0.5]));
    assert!(b.contains([5.5, 5.5]));
    assert!(!b.contains([3.0, 3.0]));
    let bbox = b.bounding_box();
    assert_eq!((bbox.min, bbox.max), ([0.0, 0.0], [6.0, 6.0]));
    assert_eq!(b.to_geojson()["type"], "MultiPolygon");
}

#[test]
fn a_bow_tie_is_refused_as_self_intersecting() {
    let err = polygon(&[vec![
        [0.0, 0.0],
        [1.0, 1.0],
        [1.0, 0.0],
        [0.0, 1.0],
        [0.0, 0.0],
    ]])
    .unwrap_err();
    assert_eq!(err, BoundaryError::SelfIntersection(0.5, 0.5));
}

#[test]
fn a_ring_touching_itself_at_a_vertex_is_refused() {
    // A figure of eight through (1, 1).
    let err = polygon(&[vec![
        [0.0, 0.0],
        [1.0, 1.0],
        [2.0, 0.0],
        [2.0, 2.0],
        [1.0, 1.0],
        [0.0, 2.0],
        [0.0, 0.0],
    ]])
    .unwrap_err();
    assert!(
        matches!(err, BoundaryError::SelfIntersection(..)),
        "{err:?}"
    );
}

#[test]
fn a_spike_folding_back_over_its_edge_is_refused() {
    let err = polygon(&[vec![
        [0.0, 0.0],
        [2.0, 0.0],
        [1.0, 0.0],
        [1.0, 1.0],
        [0.0, 0.0],
    ]])
    .unwrap_err();
    assert!(
        matches!(err, BoundaryError::SelfIntersection(..)),
        "{err:?}"
    );
}

#[test]
fn a_hole_crossing_the_outer_ring_is_refused() {
    let err = polygon(&[square(0.0, 0.0, 1.0), square(0.5, 0.5, 1.0)]).unwrap_err();
    assert!(
        matches!(err, BoundaryError::SelfIntersection(..)),
        "{err:?}"
    );
}

#[test]
fn a_hole_outside_its_outer_ring_is_refused() {
    // An L-shaped outer ring and a "hole" in the notch of the L, inside the ring's bounding
    // box but outside the ring.
    let outer = vec![
        [0.0, 0.0],
        [2.0, 0.0],
        [2.0, 1.0],
        [1.0, 1.0],
        [1.0, 2.0],
        [0.0, 2.0],
        [0.0, 0.0],
    ];
    let notch = square(1.4, 1.4, 0.2);
    assert_eq!(
        polygon(&[outer.clone(), notch]).unwrap_err(),
        BoundaryError::HoleOutside(2)
    );
    assert!(polygon(&[outer, square(0.2, 0.2, 0.2)]).is_ok());
}

#[test]
fn a_repeated_position_is_not_an_intersection() {
    let b = polygon(&[vec![
        [0.0, 0.0],
        [1.0, 0.0],
        [1.0, 0.0],
        [1.0, 1.0],
        [0.0, 1.0],
        [0.0, 0.0],
    ]]);
    assert!(b.is_ok(), "{b:?}");
}

#[test]
fn empty_open_flat_and_out_of_range_rings_are_refused() {
    assert_eq!(polygon(&[]).unwrap_err(), BoundaryError::Empty);
    assert_eq!(
        Boundary::from_geojson(&json!({ "type": "MultiPolygon", "coordinates": [] })).unwrap_err(),
        BoundaryError::Empty
    );
    assert_eq!(
        polygon(&[vec![[0.0, 0.0], [1.0, 0.0], [0.0, 0.0]]]).unwrap_err(),
        BoundaryError::TooFewPoints { ring: 1, points: 3 }
    );
    assert_eq!(
        polygon(&[vec![[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]]]).unwrap_err(),
        BoundaryError::NotClosed(1)
    );
    assert_eq!(
        polygon(&[vec![[0.0, 0.0], [1.0, 0.0], [2.0, 0.0], [0.0, 0.0]]]).unwrap_err(),
        BoundaryError::ZeroArea(1)
    );
    assert_eq!(
        polygon(&[square(-2.5, 120.0, 0.1)]).unwrap_err(),
        BoundaryError::OutOfRange(-2.5, 120.0)
    );
}

#[test]
fn other_geometry_types_and_malformed_coordinates_are_refused() {
    assert_eq!(
        Boundary::from_geojson(&json!({ "type": "Point", "coordinates": [120.0, -2.5] }))
            .unwrap_err(),
        BoundaryError::UnsupportedType("Point".to_owned())
    );
    for bad in [
        json!({ "type": "Polygon" }),
        json!({ "type": "Polygon", "coordinates": [[["120", "-2"]]] }),
        json!({ "type": "Polygon", "coordinates": [[[120.0]]] }),
        json!({ "coordinates": [] }),
        json!("Polygon"),
    ] {
        assert!(
            matches!(
                Boundary::from_geojson(&bad),
                Err(BoundaryError::Malformed(_))
            ),
            "{bad}"
        );
    }
}

/// A star-shaped ring: `n` points at the given radii around a centre, in angle order. Such a
/// ring never crosses itself.
fn star(centre: Position, radii: &[f64]) -> Vec<Position> {
    let n = radii.len();
    #[expect(clippy::cast_precision_loss, reason = "n is small")]
    let mut ring: Vec<Position> = radii
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let angle = std::f64::consts::TAU * i as f64 / n as f64;
            [centre[0] + r * angle.cos(), centre[1] + r * angle.sin()]
        })
        .collect();
    ring.push(ring[0]);
    ring
}

proptest! {
    #[test]
    fn star_shaped_rings_are_accepted_and_contain_their_centre(
        lon in 95.0f64..141.0,
        lat in -11.0f64..6.0,
        radii in prop::collection::vec(0.001f64..0.05, 3..200),
    ) {
        let b = polygon(&[star([lon, lat], &radii)]).expect("star-shaped rings are simple");
        prop_assert!(b.contains([lon + 1e-5, lat + 1e-5]));
        prop_assert!(!b.contains([lon + 0.06, lat]));
        prop_assert!(!b.contains([lon, lat - 0.06]));
    }

    #[test]
    fn the_banded_point_test_agrees_with_testing_every_edge(
        radii in prop::collection::vec(0.001f64..0.05, 3..400),
        points in prop::collection::vec((-0.06f64..0.06, -0.06f64..0.06), 50),
    ) {
        let centre = [120.2, -2.6];
        let b = polygon(&[star(centre, &radii)]).expect("star-shaped rings are simple");
        let p = &b.polygons()[0];
        for (dx, dy) in points {
            let point = [centre[0] + dx, centre[1] + dy];
            prop_assert_eq!(p.contains(point), p.contains_by_full_scan(point), "{:?}", point);
        }
    }

    #[test]
    fn a_rectangle_contains_exactly_the_points_strictly_inside(
        x in -10.0f64..10.0, y in -10.0f64..10.0,
        w in 0.01f64..5.0, h in 0.01f64..5.0,
        px in -20.0f64..20.0, py in -20.0f64..20.0,
    ) {
        let rect = vec![[x, y], [x + w, y], [x + w, y + h], [x, y + h], [x, y]];
        let b = polygon(&[rect]).expect("valid");
        let strictly_inside = px > x && px < x + w && py > y && py < y + h;
        let strictly_outside = px < x || px > x + w || py < y || py > y + h;
        if strictly_inside {
            prop_assert!(b.contains([px, py]));
        }
        if strictly_outside {
            prop_assert!(!b.contains([px, py]));
        }
    }
}

#[test]
fn the_distance_to_the_edge_is_measured_in_metres_to_the_nearest_ring() {
    // A 0.01° square near the equator: 0.01° of latitude is 1,111.95 m.
    let mut hole = square(120.004, -2.496, 0.002);
    hole.reverse();
    let b = polygon(&[square(120.0, -2.5, 0.01), hole]).expect("valid");
    let metres = |point: Position| b.distance_to_edge_m(point);
    // 0.001° north of the top edge.
    assert!((metres([120.005, -2.489]) - 111.19).abs() < 0.5);
    // 0.001° east of the east edge, scaled by cos(latitude).
    let east = 111.195 * (-2.495_f64).to_radians().cos();
    assert!((metres([120.011, -2.495]) - east).abs() < 0.5);
    // Diagonally off a corner: to the corner itself.
    let corner = 111.195_f64.hypot(111.195 * (-2.5_f64).to_radians().cos());
    assert!((metres([120.011, -2.501]) - corner).abs() < 0.5);
    // Inside a hole, the hole's edge is nearest.
    assert!((metres([120.005, -2.4955]) - 55.6).abs() < 0.5);
}
