"""GraphiQL works with no internet access: its page and scripts come from the gateway itself.
A headless Chromium loads it, runs a query with a token in the Headers tab, and the answer
shows on the page.

Needs Chromium (Debian's `chromium`): skipped when absent, except where C360_REQUIRE_BROWSER=1
(`.ci/run` installs Chromium and sets it, so CI always runs this test)."""

from __future__ import annotations

import json
import os
import shutil

import pytest

from tests.harness import GraphQLClient
from tests.identity.queries import CREATE, individual

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# Flags for a closed network: no background calls to Google's hosts.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.skipif(
    CHROMIUM is None and os.environ.get("C360_REQUIRE_BROWSER") != "1",
    reason="Chromium is not installed (apt-get install chromium)",
)


async def test_graphiql_assets_are_served_by_the_gateway(gql: GraphQLClient) -> None:
    page = await gql.http.get(gql.system.graphql_url, headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert "make token" in page.text
    assert "unpkg.com" not in page.text
    assert "cdn" not in page.text.lower()
    base = gql.system.graphql_url.removesuffix("/graphql")
    script = await gql.http.get(f"{base}/graphiql/graphiql.min.js")
    assert script.status_code == 200
    assert script.headers["content-encoding"] == "gzip"
    assert len(script.content) > 1_000_000


async def test_a_query_typed_in_graphiql_shows_its_answer(gql: GraphQLClient) -> None:
    from playwright.async_api import async_playwright

    client = individual()
    client["lastName"] = "Graphiqlova"
    created = (await gql.data(CREATE, {"input": client}))["createClient"]
    query = f'{{ client(id: "{created["id"]}") {{ displayName }} }}'
    headers = json.dumps(gql.headers)

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = await browser.new_page()
            external: list[str] = []
            page.on(
                "request",
                lambda request: (
                    None
                    if request.url.startswith("http://127.0.0.1")
                    or request.url.startswith("ws://127.0.0.1")
                    or request.url.startswith("data:")
                    else external.append(request.url)
                ),
            )
            # What a user would have typed in the editors, as GraphiQL keeps it.
            await page.add_init_script(
                f"localStorage.setItem('graphiql:query', {json.dumps(query)});"
                f"localStorage.setItem('graphiql:headers', {json.dumps(headers)});"
            )
            await page.goto(gql.system.graphql_url)
            await page.click(".graphiql-execute-button", timeout=30_000)
            result = page.locator(".graphiql-response")
            await result.get_by_text(created["displayName"]).wait_for(timeout=30_000)
            assert created["displayName"] in await result.inner_text()
            assert external == []
        finally:
            await browser.close()


def test_the_browser_is_found_when_ci_requires_it() -> None:
    if os.environ.get("C360_REQUIRE_BROWSER") == "1":
        assert CHROMIUM is not None
