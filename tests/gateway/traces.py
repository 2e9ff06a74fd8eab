"""Reading what a request cost from the spans the real processes write to C360_TRACE_FILE."""

from __future__ import annotations

import os
from collections import Counter
from typing import Any

import orjson

from tests.harness import GraphQLClient
from tests.waiting import until_true

CALLER_SPAN = "00f067aa0ba902b7"


async def traced(
    gql: GraphQLClient, query: str, variables: dict[str, Any] | None = None
) -> tuple[str, dict[str, Any]]:
    """Sends ``query`` in a trace of its own; its id and the response's body, once every
    process has written its spans (each writes them as they end, after the answer left)."""
    trace_id = os.urandom(16).hex()
    headers = {**gql.headers, "traceparent": f"00-{trace_id}-{CALLER_SPAN}-01"}
    response = await gql.http.post(
        gql.system.graphql_url, json={"query": query, "variables": variables or {}}, headers=headers
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    await until_true(
        lambda: _complete(spans(gql, trace_id)), what="every span of the trace", timeout=10
    )
    return trace_id, body


def _complete(written: list[dict[str, Any]]) -> bool:
    """The gateway's request span is written (it ends last), and every call it made has the
    span of the service that answered it."""
    answered = {span["parent_id"] for span in written if span["kind"] == "SERVER"}
    made = [s for s in written if s["kind"] == "CLIENT" and s["service"] == "gateway"]
    return CALLER_SPAN in answered and all(call["span_id"] in answered for call in made)


def spans(gql: GraphQLClient, trace_id: str) -> list[dict[str, Any]]:
    lines = gql.system.trace_file.read_bytes().splitlines()
    return [span for line in lines if (span := orjson.loads(line))["trace_id"] == trace_id]


def calls(gql: GraphQLClient, trace_id: str, kind: str = "SERVER") -> dict[str, Counter[str]]:
    """The calls of a trace by service and method, as servers (or the gateway) saw them."""
    counted: dict[str, Counter[str]] = {}
    for span in spans(gql, trace_id):
        if span["kind"] == kind and span["name"].startswith("/client360."):
            service, method = span["name"].rsplit("/", 1)
            owner = span["service"] if kind == "SERVER" else service.split(".")[1]
            counted.setdefault(owner, Counter())[method] += 1
    return counted
