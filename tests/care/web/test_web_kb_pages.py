"""Glossary and training pages, without a browser."""

from __future__ import annotations

from _web_html import assert_accessible_basics, parse, texts

from nowrongdoor.knowledge import load_knowledge


def test_glossary_lists_lexicon_terms_with_meanings(kb_client):
    response = kb_client.get("/glossary")
    assert response.status_code == 200
    tree = assert_accessible_basics(response.text)
    titles = texts(tree, "dl.glossary dt a")
    for term in load_knowledge().lexicon:
        assert term.title in titles
    bottom = load_knowledge().get("lexicon.bottom")
    assert bottom.text[:60] in " ".join(texts(tree, "dl.glossary dd"))


def test_glossary_search_ranks_the_term_first(kb_client):
    response = kb_client.get("/glossary", params={"q": "bottom"})
    tree = assert_accessible_basics(response.text)
    links = [n.attributes["href"] for n in tree.css("dl.glossary dt a")]
    assert links[0] == "/glossary/lexicon.bottom"
    assert "result" in tree.css_first("#results-heading").text()


def test_glossary_search_as_htmx_returns_only_the_results(kb_client):
    response = kb_client.get(
        "/glossary", params={"q": "bottom"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert "<html" not in response.text
    assert "/glossary/lexicon.bottom" in response.text


def test_glossary_search_with_no_hit_says_so(kb_client):
    tree = parse(kb_client.get("/glossary", params={"q": "zzzqqq"}).text)
    assert "Nothing matches" in tree.css_first("#glossary-results").text()


def test_entry_page_shows_context_and_source(kb_client):
    response = kb_client.get("/glossary/lexicon.bottom")
    tree = assert_accessible_basics(response.text)
    facts = " ".join(texts(tree, "dl.facts dd"))
    entry = load_knowledge().get("lexicon.bottom")
    assert entry.source in facts
    assert entry.examples_negative[0] in facts


def test_unknown_entry_is_404_with_suggestions(kb_client):
    response = kb_client.get("/glossary/lexicon.bottm")
    assert response.status_code == 404
    tree = parse(response.text)
    assert "/glossary/lexicon.bottom" in [
        n.attributes["href"] for n in tree.css("main a")
    ]


def test_training_has_a_module_per_section(kb_client):
    response = kb_client.get("/training")
    tree = assert_accessible_basics(response.text)
    module_ids = {n.attributes["id"] for n in tree.css("section[id^=m-]")}
    assert module_ids == {f"m-{name}" for name in load_knowledge().sections}


def test_static_htmx_is_vendored_with_its_licence(kb_client):
    response = kb_client.get("/static/vendor/htmx.min.js")
    assert response.status_code == 200
    assert "Zero-Clause BSD" in response.text[:400]
    assert "htmx" in response.text
