"""The contact graph of an operation: ads joined to what they carry."""

from __future__ import annotations

from nowrongdoor.care.investigate.graph import contact_graph


def test_nodes_and_edges_from_facts_and_photo_links() -> None:
    ads = [
        ("ad-1", {"phones": ["+12015550101"], "emails": ["A@Example.com"]}),
        ("ad-2", {"phones": ["+12015550101", "+12015550102"],
                  "emails": ["a@example.com"], "handles": ["ig:kay"]}),
        ("ad-3", None),
    ]  # fmt: skip
    links = [
        ("ad-2", "ad-3", "same photo (pHash Hamming distance 0 of 64)"),
        ("ad-2", "ad-9", "an ad of another operation is left out"),
    ]
    graph = contact_graph(ads, links)
    ids = [n.id for n in graph.nodes]
    # ads first in the page's order, then identifiers most shared first
    assert ids[:3] == ["ad:ad-1", "ad:ad-2", "ad:ad-3"]
    assert set(ids[3:]) == {
        "phone:+12015550101", "phone:+12015550102", "email:a@example.com",
        "handle:ig:kay", "photo:1",
    }  # fmt: skip
    assert ids[3:5] == ["phone:+12015550101", "email:a@example.com"]
    edges = {(e.source, e.target, e.relation) for e in graph.edges}
    assert edges == {
        ("ad:ad-1", "phone:+12015550101", "shows"),
        ("ad:ad-1", "email:a@example.com", "shows"),
        ("ad:ad-2", "phone:+12015550101", "shows"),
        ("ad:ad-2", "phone:+12015550102", "shows"),
        ("ad:ad-2", "email:a@example.com", "shows"),
        ("ad:ad-2", "handle:ig:kay", "shows"),
        ("ad:ad-2", "photo:1", "holds"),
        ("ad:ad-3", "photo:1", "holds"),
    }
    assert len(graph.edges) == len(edges)
    degree = {n.id: n.degree for n in graph.nodes}
    assert degree["ad:ad-2"] == 5 and degree["phone:+12015550101"] == 2
    assert [n.id for n in graph.shared()] == [
        "phone:+12015550101", "email:a@example.com", "photo:1",
    ]  # fmt: skip
    photo = next(n for n in graph.nodes if n.kind == "photo")
    assert photo.detail.endswith("in ad-2 and ad-3")
    elements = graph.elements()
    assert len(elements) == len(graph.nodes) + len(graph.edges)
    assert elements[-1]["data"]["source"].startswith("ad:")


def test_page_data_cannot_be_closed_by_an_ad() -> None:
    """An ad's handle written to close the script element stays JSON text."""
    import json

    from selectolax.lexbor import LexborHTMLParser

    from nowrongdoor.care.web._templating import TEMPLATES

    evil = "</script><script>alert(1)</script>&amp;"
    graph = contact_graph(
        [("ad-1", {"handles": [evil]}), ("ad-2", {"handles": [evil]})]
    )
    html = TEMPLATES.env.get_template("investigate/_contact_graph.html").render(
        graph=graph,
        op={"op_key": "OP-1"},
        kind_labels={"ad": "ad", "handle": "handle"},
    )
    page = LexborHTMLParser(html)
    assert len(page.css("script")) == 1
    data = json.loads(page.css_first("#graph-data").text())
    assert evil in {e["data"].get("label") for e in data["elements"]}
    assert "<script>alert" not in html
