"""An operation's contact graph: ads and what they share.

Nodes are the operation's ads and the identifiers they carry (phones, e-mails,
handles from the scan record) and the photos the linker found shared (its
``image`` edges: "same photo (pHash Hamming distance 0 of 64)"); an edge joins
an ad to each identifier it shows and to each shared photo it holds. The page
draws it in the browser with Cytoscape.js (``static/investigate-graph.js``) and
prints the same nodes and edges as tables for readers without JavaScript or a
pointer. Contact values are shown as the operation page shows them to an
investigator (in full; the role sees ads, never care records).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["KIND_LABELS", "ContactGraph", "GraphEdge", "GraphNode", "contact_graph"]

#: Node kind -> what the page calls it.
KIND_LABELS = {
    "ad": "ad",
    "phone": "phone",
    "email": "e-mail",
    "handle": "handle",
    "photo": "photo",
}
_FACT_KINDS = (("phones", "phone"), ("emails", "email"), ("handles", "handle"))


@dataclass
class GraphNode:
    """A node: an ad, a contact or a shared photo.

    Attributes:
        id: Unique within the graph ("ad:ad-0000052", "phone:+12018501451").
        kind: ``ad``, ``phone``, ``email``, ``handle`` or ``photo``.
        label: What is printed (the ad id, the contact, "photo 1").
        detail: A sentence for the photo ("same photo ... in ad-1 and ad-2").
        degree: How many edges touch it.
    """

    id: str
    kind: str
    label: str
    detail: str = ""
    degree: int = 0


@dataclass(frozen=True)
class GraphEdge:
    """An ad and an identifier it shows (``relation``: "shows", "holds")."""

    source: str
    target: str
    relation: str


@dataclass
class ContactGraph:
    """Nodes (ads first, then contacts by how many ads share them) and edges."""

    nodes: list[GraphNode] = field(default_factory=list)
    edges: list[GraphEdge] = field(default_factory=list)

    def elements(self) -> list[dict[str, Any]]:
        """Cytoscape.js elements (``{"data": {...}}``, nodes then edges)."""
        return [
            {
                "data": {
                    "id": n.id,
                    "kind": n.kind,
                    "label": n.label,
                    "detail": n.detail,
                    "degree": n.degree,
                }
            }
            for n in self.nodes
        ] + [
            {
                "data": {
                    "id": f"e{i}",
                    "source": e.source,
                    "target": e.target,
                    "relation": e.relation,
                }
            }
            for i, e in enumerate(self.edges)
        ]

    def shared(self) -> list[GraphNode]:
        """Identifiers held by two ads or more (what joins the operation)."""
        return [n for n in self.nodes if n.kind != "ad" and n.degree > 1]


def contact_graph(
    ads: Sequence[tuple[str, Mapping[str, Any] | None]],
    image_links: Iterable[tuple[str, str, str]] = (),
) -> ContactGraph:
    """The graph of an operation's ads and what they carry.

    Args:
        ads: (ad key, scan facts) per ad of the operation, in page order.
        image_links: (ad key, ad key, evidence) of the linker's ``image``
            edges; each is a photo the two ads share.

    Returns:
        The graph; an identifier appears once however many ads show it.
    """
    graph = ContactGraph()
    nodes: dict[str, GraphNode] = {}
    edges: set[GraphEdge] = set()

    def node(node_id: str, kind: str, label: str, detail: str = "") -> GraphNode:
        if node_id not in nodes:
            nodes[node_id] = GraphNode(node_id, kind, label, detail)
        return nodes[node_id]

    def link(ad_id: str, other: GraphNode, relation: str) -> None:
        edge = GraphEdge(ad_id, other.id, relation)
        if edge not in edges:
            edges.add(edge)
            graph.edges.append(edge)
            nodes[ad_id].degree += 1
            other.degree += 1

    keys = set()
    for key, facts in ads:
        ad_id = f"ad:{key}"
        node(ad_id, "ad", key)
        keys.add(key)
        for field_name, kind in _FACT_KINDS:
            for value in (facts or {}).get(field_name) or []:
                value = str(value)
                ident = value.casefold() if kind != "phone" else value
                link(ad_id, node(f"{kind}:{ident}", kind, value), "shows")
    photos = 0
    for source, target, evidence in image_links:
        if source not in keys or target not in keys:
            continue
        photos += 1
        photo = node(
            f"photo:{photos}",
            "photo",
            f"photo {photos}",
            f"{evidence} in {source} and {target}",
        )
        link(f"ad:{source}", photo, "holds")
        link(f"ad:{target}", photo, "holds")
    order = {kind: i for i, kind in enumerate(KIND_LABELS)}
    graph.nodes = sorted(
        nodes.values(),
        key=lambda n: (
            (0, 0, 0, "") if n.kind == "ad" else (1, -n.degree, order[n.kind], n.label)
        ),
    )  # ads keep the page's order (sorted() is stable)
    return graph
