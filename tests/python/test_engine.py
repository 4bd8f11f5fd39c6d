"""Tests of the Python module (ctest runs them with PYTHONPATH=build/python
and UNSPIN_MODEL=build/model)."""
import json
import os
import threading

import pytest

import unspin

HERE = os.path.dirname(os.path.abspath(__file__))
TESTS = os.path.dirname(HERE)
NEWS = open(os.path.join(TESTS, "..", "examples", "news.txt"), encoding="utf-8").read()
SPUN = ("In recent years, counterfeit consciousness and profound learning have changed how researchers "
        "study bosom peril.")


@pytest.fixture(scope="module")
def engine():
    return unspin.Engine()


def test_detect_marks_spans_with_str_offsets(engine):
    text = "Café — " + SPUN  # non-ASCII before the spans: str and byte offsets differ
    r = engine.detect(text)
    assert r["spun"] is True and 0.5 < r["score"] <= 1
    assert r["words"] > 10
    originals = {s["original"] for s in r["spans"]}
    assert "artificial intelligence" in originals
    raw = text.encode("utf-8")
    for s in r["spans"]:
        assert text[s["start"]:s["end"]] == s["text"]
        assert raw[s["byte_start"]:s["byte_end"]].decode("utf-8") == s["text"]
        assert 0 < s["confidence"] <= 1
    assert "artificial intelligence" in r["restored"]


def test_restore_leaves_clean_text_alone(engine):
    assert engine.restore(NEWS) == NEWS
    assert "deep learning" in engine.restore(SPUN)


def test_screen_clears_clean_text_and_passes_spun_text_to_the_decoder(engine):
    clear = engine.screen(NEWS)
    assert clear["screened"] == "clear" and clear["spun"] is False
    assert clear["words"] > 100 and isinstance(clear["screen_score"], float)
    assert "restored" not in clear and "spans" not in clear and "screened_words" not in clear
    # A long document is cleared on a sample of its sentences, and says so.
    long = engine.screen("\n\n".join([NEWS] * (40000 // len(NEWS) + 1)))
    assert long["screened"] == "clear" and 0 < long["screened_words"] < long["words"], long
    passed = engine.screen(SPUN)
    assert passed["screened"] == "passed" and passed["spun"] is True
    assert passed["screen_score"] > clear["screen_score"]
    assert {k: v for k, v in passed.items() if k not in ("screened", "screen_score")} == engine.detect(SPUN)
    with pytest.raises(UnicodeEncodeError):
        engine.screen("lone \ud800 surrogate")


def test_threshold_is_the_reporting_dial(engine):
    assert len(engine.detect(SPUN, threshold=1.0)["spans"]) == 0
    assert len(engine.detect(SPUN, threshold=0.0)["spans"]) >= len(engine.detect(SPUN)["spans"])


def test_decoders_and_suggesters_are_kept_between_calls():
    # Each call borrows an idle decoder (making one costs about 10 ms) and
    # gives it back; a call's threshold holds for that call only.
    engine = unspin.Engine()
    assert engine._kept() == {"decoders": 0, "suggesters": 0}
    default, strict = engine.detect(SPUN), engine.detect(SPUN, threshold=1.0)
    suggestions = engine.suggest("counterfeit consciousness")
    assert engine._kept() == {"decoders": 1, "suggesters": 1}
    for _ in range(3):
        assert engine.detect(SPUN, threshold=1.0) == strict
        assert engine.detect(SPUN) == default
        assert engine.screen(SPUN, threshold=1.0)["spans"] == []
        assert engine.screen(SPUN)["spans"] == default["spans"]
        assert engine.restore(SPUN) == default["restored"]
        assert engine.suggest("counterfeit consciousness") == suggestions
    assert engine._kept() == {"decoders": 1, "suggesters": 1}
    assert strict["spans"] == [] and default["spans"]
    assert (strict["score"], strict["words"]) == (default["score"], default["words"])  # reporting only


def test_spin_is_deterministic_and_labelled(engine):
    a = engine.spin(NEWS, profile="phrase", rate=0.3, seed=7)
    b = engine.spin(NEWS, profile="phrase", rate=0.3, seed=7)
    assert a == b and a["text"] != NEWS and a["swaps"]
    for s in a["swaps"]:
        assert a["text"][s["spun_start"]:s["spun_end"]] == s["spun"]
        assert NEWS[s["original_start"]:s["original_end"]] == s["original"]
    assert engine.spin(NEWS, rate=0.0)["text"] == NEWS


def test_trace_finds_the_source(engine, tmp_path):
    index = str(tmp_path / "idx")
    docs = [("news", NEWS)] + [(json.loads(l)["id"], json.loads(l)["text"])
                               for l in open(os.path.join(TESTS, "data", "sotu_excerpts.jsonl"))]
    report = engine.index_add(index, docs)
    assert report == {"added": len(docs), "refused": []}
    again = engine.index_add(index, docs[:1])
    assert again["added"] == 0 and again["refused"][0][0] == "news"
    spun = engine.spin(NEWS, profile="moby", rate=0.3, seed=3)["text"]
    matches = engine.trace(spun, index=index)
    assert matches[0]["id"] == "news" and matches[0]["similarity"] > 0.6
    # The restoration is traced too: it shares more of the source.
    assert matches[0]["restored_similarity"] > matches[0]["similarity"]
    plain = engine.trace(spun, index=index, restore=False)
    assert plain[0]["id"] == "news" and "restored_similarity" not in plain[0]
    raw = spun.encode("utf-8")
    for e in matches[0]["evidence"]:
        assert raw[e["byte_start"]:e["byte_end"]].decode("utf-8") == e["text"]
    assert engine.trace("Lattice gauge theory on graphics processors, written for this test.", index=index) == []


def test_threads_share_one_engine(engine):
    texts = [engine.spin(NEWS, rate=0.3, seed=s)["text"] for s in range(8)]
    expected = [engine.detect(t) for t in texts]
    results = [None] * len(texts)

    def work(i):
        results[i] = engine.detect(texts[i])

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(texts))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == expected


def test_errors(engine, tmp_path):
    with pytest.raises(unspin.ModelError, match="lexicon.bin"):
        unspin.Engine(str(tmp_path / "no-model"))
    with pytest.raises(ValueError, match="unknown profile"):
        engine.spin(NEWS, profile="bogus")
    with pytest.raises(ValueError, match="rate"):
        engine.spin(NEWS, rate=2)
    with pytest.raises(unspin.ModelError, match="no such index"):
        engine.trace(NEWS, index=str(tmp_path / "no-index"))
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "index.sqlite").write_bytes(b"x" * 4096)
    with pytest.raises(unspin.ModelError, match="not a database"):
        engine.trace(NEWS, index=str(tmp_path / "bad"))
    with pytest.raises(UnicodeEncodeError):
        engine.detect("a lone surrogate \ud800 is not text")
    assert engine.detect("")["words"] == 0


def test_suggest_ranks_originals_with_sources(engine):
    s = engine.suggest("bosom peril")
    assert s[0]["original"] == "breast cancer" and s[0]["source"] == "learned" and s[0]["evidence"] >= 1
    assert all(a["score"] >= b["score"] for a, b in zip(s, s[1:]))
    assert len(engine.suggest("flag to commotion", context="with a higher", top=2)) <= 2
    with pytest.raises(ValueError, match="at most 12"):
        engine.suggest("a b c d e f g h i j k l m")
    with pytest.raises(ValueError, match="top"):
        engine.suggest("bosom peril", top=0)


def test_detect_names_the_learned_spinner(engine):
    spun = ("The corporate mentioned on Tuesday that its new software program will assist folks monitor their "
            "well being, and specialists count on the launch to spice up gross sales throughout the nation.")
    r = engine.detect(spun)
    assert r["profile"]["name"] == "autoblog-common" and r["profile"]["probability"] >= 0.5
    assert "profile" not in engine.detect(NEWS)


def test_detect_counts_listed_phrases_and_marks_quoted_mentions(engine):
    r = engine.detect("The model relies on counterfeit consciousness and an irregular woodland classifier.")
    assert r["listed_phrases"]["count"] == 2
    assert r["listed_phrases"]["per_1000_words"] > 100
    quoted = engine.detect('Such papers write "counterfeit consciousness" for artificial intelligence.')
    assert quoted["listed_phrases"]["count"] == 0
    marks = [s for s in quoted["spans"] if s.get("quoted")]
    assert [s["text"] for s in marks] == ["counterfeit consciousness"]
    assert '"counterfeit consciousness"' in quoted["restored"]
    assert engine.detect(NEWS)["listed_phrases"] == {"count": 0, "by_term": 0, "per_1000_words": 0.0}
