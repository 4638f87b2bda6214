import cv2
import numpy as np
import pytest

from wildpose.geometry.affine import fix_aspect_ratio, get_warp_matrix, transform_points


@pytest.mark.parametrize('rot', [0.0, 30.0, -75.0])
def test_round_trip_is_identity(rot):
    center, scale = np.array([50.0, 40.0]), np.array([60.0, 30.0])
    fwd = get_warp_matrix(center, scale, rot, (128, 64))
    inv = get_warp_matrix(center, scale, rot, (128, 64), inv=True)
    pts = np.random.default_rng(0).uniform(-20, 120, (20, 2))
    np.testing.assert_allclose(transform_points(transform_points(pts, fwd), inv), pts,
                               atol=1e-9)
    np.testing.assert_allclose(inv, cv2.invertAffineTransform(fwd), atol=1e-9)


def test_center_and_box_edges_map_onto_the_crop():
    fwd = get_warp_matrix(np.array([50.0, 40.0]), np.array([60.0, 30.0]), 0.0, (120, 60))
    out = transform_points(np.array([[50.0, 40.0], [20.0, 25.0], [80.0, 55.0]]), fwd)
    np.testing.assert_allclose(out, [[60, 30], [0, 0], [120, 60]], atol=1e-9)


def test_rotation_turns_the_person_counter_clockwise_in_the_crop():
    fwd = get_warp_matrix(np.array([0.0, 0.0]), np.array([10.0, 10.0]), 90.0, (10, 10))
    # a point right of the centre ends up above it (y down) in the crop
    np.testing.assert_allclose(transform_points(np.array([[1.0, 0.0]]), fwd), [[5, 4]],
                               atol=1e-9)


@pytest.mark.parametrize('rot', [0.0, 25.0, -40.0])
def test_drawn_point_lands_where_transform_points_says(rot):
    img = np.zeros((120, 100, 3), np.uint8)
    src = np.array([[37.0, 71.0]])
    cv2.circle(img, (37, 71), 3, (255, 255, 255), -1)
    mat = get_warp_matrix(np.array([50.0, 60.0]), np.array([80.0, 80.0]), rot, (160, 160))
    warped = cv2.warpAffine(img, mat, (160, 160), flags=cv2.INTER_LINEAR)
    gray = warped[..., 0].astype(np.float64)
    ys, xs = np.nonzero(gray > 0)
    w = gray[ys, xs]
    centroid = np.array([(xs * w).sum() / w.sum(), (ys * w).sum() / w.sum()])
    np.testing.assert_allclose(centroid, transform_points(src, mat)[0], atol=0.5)


def test_fix_aspect_ratio_grows_only():
    np.testing.assert_allclose(fix_aspect_ratio(np.array([100.0, 50.0]), 1.0), [100, 100])
    np.testing.assert_allclose(fix_aspect_ratio(np.array([30.0, 90.0]), 0.5), [45, 90])
    np.testing.assert_allclose(fix_aspect_ratio(np.array([[30.0, 90.0]]), 2.0), [[180, 90]])


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match='scale'):
        get_warp_matrix(np.zeros(2), np.array([0.0, 1.0]), 0, (4, 4))
    with pytest.raises(ValueError, match='points'):
        transform_points(np.zeros((3, 3)), np.zeros((2, 3)))
