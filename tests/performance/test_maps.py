"""The server-drawn county map: shapes from the shipped boundaries, classes that tell apart."""

from performance.maps import CLASS_COLOURS, county_map, county_shapes, legend_classes


def test_every_county_has_a_closed_outline_inside_the_map():
    shapes, height = county_shapes()
    assert len(shapes) == 22
    assert len({shape.code for shape in shapes}) == 22
    for shape in shapes:
        assert shape.path.startswith("M") and shape.path.endswith("Z")
        numbers = [
            float(n)
            for part in shape.path[1:-1].replace("Z", "").split("M")
            for pair in part.split("L")
            for n in pair.split(",")
        ]
        assert (
            min(numbers) >= 0 and max(numbers[0::2]) <= 400.5 and max(numbers[1::2]) <= height + 0.5
        )


def test_classes_span_the_counts_present_and_cover_each_count_once():
    legend = legend_classes([0, 14, 15, 16, 14])
    assert [(c.low, c.high) for c in legend] == [(14, 14), (15, 15), (16, 16)]
    legend = legend_classes(list(range(0, 101)))
    assert len(legend) == len(CLASS_COLOURS)
    covered = [n for c in legend for n in range(c.low, c.high + 1)]
    assert covered == list(range(1, 101))
    assert legend_classes([0, 0]) == []


def test_map_colours_counties_by_their_class_and_marks_the_selected_one_last():
    shapes, _height = county_shapes()
    counts = {shape.code: 0 for shape in shapes}
    first, second = shapes[0].code, shapes[1].code
    counts[first], counts[second] = 1, 9
    drawn = county_map(counts=counts, urls={first: "/x"}, selected=first)
    by_code = {county.code: county for county in drawn.counties}
    assert by_code[first].fill != by_code[second].fill != by_code[shapes[2].code].fill
    assert drawn.counties[-1].code == first and drawn.counties[-1].selected
    assert by_code[first].url == "/x"
