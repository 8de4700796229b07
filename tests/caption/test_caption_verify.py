"""verify / correct / vocab on small hand-built scenes (no sandbox)."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from codepercept.caption import Claim, correct, verify
from codepercept.caption.vocab import (
    colour_matches,
    colour_name,
    format_number,
    number_to_words,
    parse_number,
)
from codepercept.scene.model import AxesInfo, Element, FigureInfo, Scene

TAB_BLUE = [0.1216, 0.4667, 0.7059, 1.0]
TAB_RED = [0.8392, 0.1529, 0.1569, 1.0]
BLACK = [0.0, 0.0, 0.0, 1.0]


def quiver_scene() -> Scene:
    """63 blue arrows, 5 black points, a red circle of radius 2 at (0, 0), labels A, B, a title."""
    return Scene(
        figures=[FigureInfo(0, 6.4, 4.8, 100)],
        axes=[
            AxesInfo(0, xlim=[-5.0, 5.0], ylim=[-5.0, 5.0], title="Wind field", xticks=[-4, 0, 4])
        ],
        elements=[
            Element("quiver", "Quiver", axes=0, count=63, facecolor=TAB_BLUE, edgecolor=TAB_BLUE),
            Element(
                "points",
                "Line2D",
                axes=0,
                n_points=5,
                data=[[i, 0.0] for i in range(5)],
                facecolor=BLACK,
                edgecolor=BLACK,
                marker="o",
                linestyle="none",
            ),
            Element(
                "circle",
                "Circle",
                axes=0,
                edgecolor=TAB_RED,
                props={"center": [0, 0], "radius": 2.0},
                bbox=[0.3, 0.3, 0.7, 0.7],
            ),
            Element(
                "annotation", "Annotation", axes=0, text="A", color=BLACK, props={"xy": [-3.0, 1.0]}
            ),
            Element(
                "annotation", "Annotation", axes=0, text="B", color=BLACK, props={"xy": [3.0, 1.0]}
            ),
        ],
    )


def _by_text(claims: list[Claim], text: str) -> Claim:
    return next(c for c in claims if c.text == text or c.text.startswith(text))


def test_counts_in_digits_and_words() -> None:
    s = quiver_scene()
    claims = verify("The field has 68 arrows and five points.", s)
    wrong = _by_text(claims, "68 arrows")
    assert (wrong.kind, wrong.verdict, wrong.replacement) == ("count", "contradicted", "63")
    assert "63" in wrong.evidence
    assert _by_text(claims, "five points").verdict == "supported"
    assert verify("sixty-eight arrows", s)[0].replacement == "sixty-three"
    assert correct("Sixty-eight arrows swirl here.", s) == "Sixty-three arrows swirl here."


def test_colour_by_hue_not_hex() -> None:
    s = quiver_scene()
    claims = verify("The blue arrows surround a red circle.", s)
    assert [c.verdict for c in claims if c.kind == "colour"] == ["supported", "supported"]
    bad = [c for c in verify("The green arrows surround a red circle.", s) if c.kind == "colour"]
    assert bad[0].verdict == "contradicted" and bad[0].replacement == "blue"
    assert (
        correct("The green arrows surround a red circle.", s)
        == "The blue arrows surround a red circle."
    )


def test_labels_quotes_values_elements() -> None:
    s = quiver_scene()
    claims = verify(
        'Points A and C sit on either side; the title reads "Wind fields". '
        "The circle has radius 3. A legend explains the arrows.",
        s,
    )
    kinds = {(c.kind, c.text): c for c in claims}
    assert kinds[("label", "A")].verdict == "supported"
    assert (
        kinds[("label", "C")].verdict == "contradicted" and kinds[("label", "C")].replacement == "B"
    )
    quote = kinds[("quoted_text", "Wind fields")]
    assert quote.verdict == "contradicted" and quote.replacement == "Wind field"
    assert (
        kinds[("value", "3")].verdict == "contradicted" and kinds[("value", "3")].replacement == "2"
    )
    legend = next(c for c in claims if c.kind == "element" and c.subject == "legend")
    assert legend.verdict == "contradicted"


def test_unverifiable_is_honest() -> None:
    s = quiver_scene()
    claims = verify("The wind speed is 42 knots, shown by 7 dragons.", s)
    # 42 has no subject in the scene; "dragons" is no drawn kind, so 7 is an unplaced number
    assert [(c.text, c.verdict) for c in claims] == [("42", "unverifiable"), ("7", "unverifiable")]
    assert all(c.replacement is None for c in claims)
    assert correct("The wind speed is 42 knots.", s) == "The wind speed is 42 knots."


def test_correct_keeps_wording_byte_for_byte() -> None:
    s = quiver_scene()
    text = "Roughly sixty-eight arrows (drawn in  green!) point outward from points A & B."
    fixed = correct(text, s)
    assert fixed == "Roughly sixty-three arrows (drawn in  blue!) point outward from points A & B."


def test_claims_are_sorted_and_disjoint() -> None:
    s = quiver_scene()
    claims = verify("Five points, 63 blue arrows, a red circle of radius 2 and labels A and B.", s)
    spans = [(c.start, c.end) for c in claims]
    assert spans == sorted(spans)
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))
    assert all(c.verdict == "supported" for c in claims)


def test_tab_colours_have_plain_names() -> None:
    names = {
        "tab:blue": "blue",
        "tab:orange": "orange",
        "tab:green": "green",
        "tab:red": "red",
        "tab:purple": "purple",
        "tab:brown": "brown",
        "tab:gray": "grey",
        "tab:cyan": "cyan",
    }
    from matplotlib.colors import to_rgba

    for spec, name in names.items():
        assert colour_name(to_rgba(spec)) == name, spec
    assert colour_matches("light blue", to_rgba("lightskyblue"))
    assert not colour_matches("red", to_rgba("tab:blue"))


@given(st.integers(min_value=0, max_value=99))
def test_number_words_round_trip(n: int) -> None:
    assert parse_number(number_to_words(n)) == n
    assert parse_number(str(n)) == n


def test_format_number_copies_style() -> None:
    assert format_number(63, like="sixty-eight") == "sixty-three"
    assert format_number(63, like="Sixty-eight") == "Sixty-three"
    assert format_number(1.5, like="2.75") == "1.50"
    assert format_number(2.0) == "2" and format_number(-0.004) == "0"


def test_angle_labels_in_degrees() -> None:
    s = quiver_scene()
    s.elements.append(Element("text", "Text", axes=0, text="30°", data=[[1.0, 1.0]]))
    ok = verify("The angle marked 30° sits between A and B.", s)
    assert [(c.kind, c.verdict) for c in ok if c.text == "30°"] == [("label", "supported")]
    bad = next(c for c in verify("The angle marked 35° sits there.", s) if c.kind == "label")
    assert bad.verdict == "contradicted" and bad.replacement == "30°"
    assert correct("The angle marked 35° sits there.", s) == "The angle marked 30° sits there."
