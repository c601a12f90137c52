"""One error format: an HTML page for browsers, `{"error": ...}` for the rest, one sentence."""

from __future__ import annotations

import json

import pytest
from starlette.requests import Request

from twinflash.web.pages import error, first_validation_error, wants_html


def _request(path: str, accept: str) -> Request:
    headers = [(b"accept", accept.encode())]
    return Request({"type": "http", "method": "GET", "path": path, "headers": headers})


@pytest.mark.parametrize(
    ("path", "accept", "html"),
    [
        ("/agent", "text/html,application/xhtml+xml", True),
        ("/agent", "application/json", False),
        ("/api/jobs", "text/html", False),  # the API answers JSON whatever the browser asks
        ("/agent", "", False),
    ],
)
def test_who_gets_html(path: str, accept: str, html: bool) -> None:
    assert wants_html(_request(path, accept)) is html


def test_an_api_error_is_one_json_sentence_with_its_headers() -> None:
    resp = error(_request("/api/x", "*/*"), 429, "too many requests", {"Retry-After": "30"})
    assert resp.status_code == 429 and resp.headers["retry-after"] == "30"
    assert json.loads(bytes(resp.body)) == {"error": "too many requests"}


@pytest.mark.parametrize(
    ("errors", "message"),
    [
        ([], "invalid request"),
        ([{"loc": ("body", "people"), "msg": "Input should be less than or equal to 40"}],
         "people: Input should be less than or equal to 40"),
        ([{"loc": ("body",), "msg": "Value error, lying (3) cannot exceed people (2)"},
          {"loc": ("query", "x"), "msg": "second problem"}],
         "request: lying (3) cannot exceed people (2)"),
        ([{"loc": ("path", "case_id"), "msg": "bad"}], "case_id: bad"),
    ],
)  # fmt: skip
def test_the_first_validation_error_in_plain_words(errors: list, message: str) -> None:
    assert first_validation_error(errors) == message
