"""Screening pages and the decision aid, without a browser."""

from __future__ import annotations

from _web_html import assert_accessible_basics, parse, texts

from nowrongdoor.screening import get_instrument, list_instruments

CST6_ALL_YES = {f"item-{i.linkId}": "yes" for i in get_instrument("cst6").items}
CST6_ALL_NO = {f"item-{i.linkId}": "no" for i in get_instrument("cst6").items}


def test_screening_list_links_every_instrument(cm):
    tree = assert_accessible_basics(cm.get("/screening").text)
    hrefs = {n.attributes["href"] for n in tree.css("main a.button")}
    assert hrefs == {f"/screening/{i.id}" for i in list_instruments()}


def test_screening_list_states_each_age_range_and_names_each_start(cm):
    tree = parse(cm.get("/screening").text)
    cards = {
        n.css_first("h2").text(): " ".join(n.text().split())
        for n in tree.css("main section.card")
    }
    assert len(cards) == len(list_instruments())
    for instrument in list_instruments():
        card = cards[instrument.title]
        low, high = instrument.ages
        if low and high is not None:
            assert f"ages {low}–{high}" in card
        elif high is not None:  # from birth: no "ages –17"
            assert f"under {high + 1}" in card and "–" not in card.split("Setting")[0]
        else:
            assert f"{low} and over" in card
    starts = [" ".join(a.text().split()) for a in tree.css("main a.button")]
    assert starts == [
        f"Start this {'screen' if i.validated else 'checklist'} ({i.title})"
        for i in list_instruments()
    ]


def test_a_screening_says_whom_its_answers_are_kept_for(cm):
    north_case = 7  # the pages name it; storing checks it is in reach
    for path in (
        f"/screening?case_id={north_case}",
        f"/screening/raft?case_id={north_case}",
    ):
        tree = parse(cm.get(path).text)
        node = tree.css_first("#screening-for")
        assert node is not None, path
        assert node.css_first("a").attributes["href"] == f"/cases/{north_case}"
        assert "timeline" in node.text()
    # the way back to the list keeps the case
    form = parse(cm.get(f"/screening/raft?case_id={north_case}").text)
    assert form.css_first("main p a").attributes["href"] == (
        f"/screening?case_id={north_case}"
    )
    alone = parse(cm.get("/screening/raft").text).css_first("#screening-for")
    assert "not kept" in alone.text()


def test_screening_form_asks_every_item_with_labelled_choices(cm):
    instrument = get_instrument("cst6")
    tree = assert_accessible_basics(cm.get("/screening/cst6").text)
    legends = texts(tree, "#screening-form fieldset legend")
    assert len(legends) == len(instrument.items)
    for item, legend in zip(instrument.items, legends, strict=True):
        assert item.text in legend
    radios = tree.css("#screening-form input[type=radio]")
    assert len(radios) == 3 * len(instrument.items)


def test_positive_child_screen_shows_report_prompt_pathway_and_hotline(cm):
    response = cm.post("/screening/cst6", data={"age": "15", **CST6_ALL_YES})
    assert response.status_code == 200
    tree = assert_accessible_basics(response.text)
    assert tree.css_first("#result-category").text() == "positive"
    safety = tree.css_first("section[aria-labelledby=safety-h]")
    assert "Make the child-abuse report now" in safety.text()
    assert "1-888-373-7888" in safety.text() and "233733" in safety.text()
    assert "not to rescue" in safety.text()
    assert tree.css_first("#recommended-pathway").text() in {
        "Prevent",
        "Survive / Thrive",
    }


def test_adult_on_a_youth_screen_is_refused_without_the_override(cm):
    response = cm.post("/screening/cst6", data={"age": "30", **CST6_ALL_NO})
    assert response.status_code == 422
    tree = assert_accessible_basics(response.text)
    assert "outside the validated population" in tree.css_first("#form-error").text()
    assert tree.css_first("#override_population") is not None


def test_negative_adult_screen_has_no_report_prompt(cm):
    data = {"age": "30", "override_population": "yes", **CST6_ALL_NO}
    response = cm.post("/screening/cst6", data=data)
    tree = assert_accessible_basics(response.text)
    assert tree.css_first("#result-category").text() == "negative"
    assert (
        "Outside the validated population"
        in tree.css_first("#outside-population").text()
    )
    assert tree.css_first("section[aria-labelledby=safety-h]") is None
    assert tree.css_first("#recommended-pathway") is None


def test_missing_answer_re_asks_with_the_item_named(cm):
    response = cm.post("/screening/cst6", data={"item-ran-away": "yes"})
    assert response.status_code == 422
    tree = assert_accessible_basics(response.text)
    error = tree.css_first("#form-error").text()
    assert "substance-use" in error
    checked = tree.css_first("#item-ran-away-yes")
    assert "checked" in checked.attributes


def test_bad_age_names_the_field(cm):
    response = cm.post("/screening/cst6", data={"age": "old", **CST6_ALL_NO})
    assert response.status_code == 422
    assert "field age" in parse(response.text).css_first("#form-error").text()


def test_screening_needs_a_signed_in_care_role(client, sign_in):
    response = client.get("/screening")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/screening"
    partner = sign_in("partner.shelter")
    assert partner.get("/screening").status_code == 403


def test_unknown_instrument_is_404(cm):
    assert cm.get("/screening/nope").status_code == 404


def test_decision_aid_minor_buyer_is_sex_trafficking_and_reportable(kb_client):
    response = kb_client.post(
        "/decision-aid",
        data={"age": "16", "commercial_sex_act": "yes", "role": "buyer"},
    )
    tree = assert_accessible_basics(response.text)
    outcome = tree.css_first("#outcome")
    assert "Answer: Sex trafficking" in outcome.text()
    assert "buyer" in outcome.text()
    assert "make the child-abuse report" in outcome.text()
    assert tree.css_first("#role option[selected]").attributes["value"] == "buyer"


def test_decision_aid_smuggling_is_not_trafficking(kb_client):
    data = {
        "age": "30",
        "commercial_sex_act": "no",
        "labor_or_services": "no",
        "transported_across_border": "yes",
        "consented_to_transport": "yes",
        "exploited_after_arrival": "no",
    }
    tree = parse(kb_client.post("/decision-aid", data=data).text)
    assert "Smuggling, not trafficking" in tree.css_first("#outcome-h").text()


def test_decision_aid_unknowns_ask_for_more(kb_client):
    tree = parse(kb_client.post("/decision-aid", data={"fraud": "yes"}).text)
    outcome = tree.css_first("#outcome").text()
    assert "More information needed" in outcome
    assert "age" in outcome


def test_decision_aid_rejects_a_bad_age(kb_client):
    response = kb_client.post("/decision-aid", data={"age": "-3"})
    assert response.status_code == 422
    assert "field age" in response.text


def test_decision_aid_says_answers_and_facts_in_words_not_keys(cm):
    """The rationale names the possible answers as the page's headline does
    ("Smuggling, not trafficking", not smuggling_not_trafficking or "smuggling
    not trafficking") and the facts as words (the aid is in every role's menu,
    the investigator's too)."""
    from nowrongdoor.care.web._screening_pages import CLASSIFICATION_TEXT

    data = {"fraud": "yes", "transported_across_border": "yes"}
    page = parse(cm.post("/decision-aid", data=data).text)
    text = page.css_first("#outcome").text()
    possible = next(
        li.text() for li in page.css("#outcome li") if li.text().startswith("Possible")
    )
    for label in CLASSIFICATION_TEXT.values():
        if label != "More information needed":
            assert f"“{label}”" in possible
    assert "_" not in text and "smuggling not trafficking" not in text
    assert "a commercial sex act" in text and "exploited after arriving" in text
