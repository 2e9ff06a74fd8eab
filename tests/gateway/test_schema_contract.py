"""The schema contract with front-end teams: the running gateway describes every type, field,
argument and enum value; the committed schema.graphql is the schema it serves; and a change
that breaks existing queries fails `make lint` unless schema-changes.md marks it deliberate."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
from graphql import (
    GraphQLEnumType,
    build_client_schema,
    get_introspection_query,
    print_schema,
)

from client360.identity.v1 import identity_pb2
from gateway.schema_contract import (
    CHANGES_FILE,
    ROOT,
    SCHEMA_FILE,
    check,
    code_schema,
    deliberate_changes,
    description_coverage,
    schema_text,
)
from tests.harness import GraphQLClient


async def _introspected(gql: GraphQLClient) -> dict[str, Any]:
    return await gql.data(get_introspection_query(descriptions=True))


def _undescribed(introspection: dict[str, Any]) -> tuple[int, list[str]]:
    """Every type, field, argument, input field and enum value of an introspection result
    (introspection's own types aside), and those without a description."""
    seen = 0
    missing = []

    def note(name: str, described: dict[str, Any]) -> None:
        nonlocal seen
        seen += 1
        if not described.get("description"):
            missing.append(name)

    for graphql_type in introspection["__schema"]["types"]:
        name = graphql_type["name"]
        if name.startswith("__"):
            continue
        note(name, graphql_type)
        for field in graphql_type.get("fields") or ():
            note(f"{name}.{field['name']}", field)
            for arg in field["args"]:
                note(f"{name}.{field['name']}({arg['name']}:)", arg)
        for input_field in graphql_type.get("inputFields") or ():
            note(f"{name}.{input_field['name']}", input_field)
        for value in graphql_type.get("enumValues") or ():
            note(f"{name}.{value['name']}", value)
    return seen, missing


async def test_the_running_schema_describes_every_type_field_argument_and_enum_value(
    gql: GraphQLClient,
) -> None:
    seen, missing = _undescribed(await _introspected(gql))
    assert missing == []
    assert seen > 400
    # The same walk over graphql-core's objects, as `make lint` does it.
    coverage = description_coverage(code_schema())
    assert (coverage.undescribed, coverage.percent) == ((), 100.0)


async def test_the_committed_schema_graphql_is_the_running_schema(gql: GraphQLClient) -> None:
    committed = (ROOT / SCHEMA_FILE).read_text(encoding="utf-8")
    assert committed == schema_text(code_schema()), "schema.graphql is stale: run `make schema`"
    served = build_client_schema(await _introspected(gql))  # type: ignore[arg-type]
    assert print_schema(served) + "\n" == committed


def test_the_enums_come_from_the_protos_with_their_values_described() -> None:
    enums = {
        name: graphql_type
        for name, graphql_type in code_schema().type_map.items()
        if isinstance(graphql_type, GraphQLEnumType) and not name.startswith("__")
    }
    assert list(enums["Civility"].values) == ["MR", "MRS", "MR_AND_MRS", "DOCTOR", "MAITRE"]
    assert enums["Civility"].values["MRS"].description == 'Madame, written "Mme".'
    assert enums["Civility"].values["MRS"].value == identity_pb2.CIVILITY_MRS
    # EMPTY is a status of its own; an UNSPECIFIED value never is a GraphQL value.
    assert list(enums["AssetFreezeStatus"].values) == ["EMPTY", "NO", "TO_VERIFY", "YES"]
    assert not [n for e in enums.values() for n in e.values if n.endswith("UNSPECIFIED")]
    assert {
        "ClientKind",
        "Civility",
        "Gender",
        "MaritalStatus",
        "SocialSecurityRegime",
        "FamilyRelationship",
        "PreferredChannel",
        "PhoneKind",
        "EmailKind",
        "AssetFreezeStatus",
        "JobState",
        "ScreeningTrigger",
    } <= set(enums)


# The check `make lint` runs, on a repository of its own.

OLD = '''"""Reads."""
type Query {
  """The answer."""
  answer: Int!

  """Gone soon."""
  gone: String
}
'''
NEW = '''"""Reads."""
type Query {
  """The answer."""
  answer: Int!
}
'''
REMOVED = "Field Query.gone was removed."


def _git(repo: Path, *args: str) -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
    }
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    _git(tmp_path, "init", "-q")
    (tmp_path / SCHEMA_FILE).write_text(OLD, encoding="utf-8")
    _git(tmp_path, "add", SCHEMA_FILE)
    _git(tmp_path, "commit", "-q", "-m", "the first schema")
    return tmp_path


def _check(repo: Path) -> tuple[bool, list[str]]:
    from graphql import build_schema

    out: list[str] = []
    return check(out, root=repo, schema=build_schema(NEW)), out


def test_a_breaking_change_fails_until_it_is_marked_deliberate_with_a_reason(repo: Path) -> None:
    (repo / SCHEMA_FILE).write_text(NEW, encoding="utf-8")
    held, out = _check(repo)
    assert not held
    assert f"- `{REMOVED}`" in out
    assert "HEAD" in "\n".join(out)

    (repo / CHANGES_FILE).write_text(f"- `{REMOVED}`\n", encoding="utf-8")
    assert not _check(repo)[0], "a change listed without a reason is not deliberate"
    (repo / CHANGES_FILE).write_text(f"- `{REMOVED}` nobody reads it any more.\n")
    held, out = _check(repo)
    assert held, out

    # Committed, it is still compared with the version before it, as CI sees it.
    _git(repo, "add", SCHEMA_FILE, CHANGES_FILE)
    _git(repo, "commit", "-q", "-m", "the field goes")
    assert _check(repo)[0]
    (repo / CHANGES_FILE).write_text("", encoding="utf-8")
    held, out = _check(repo)
    assert not held
    assert f"- `{REMOVED}`" in out


def test_a_stale_schema_file_fails_and_so_does_no_change_at_all(repo: Path) -> None:
    held, out = _check(repo)  # schema.graphql still OLD while the code builds NEW
    assert not held
    assert any("make schema" in line for line in out)


def test_only_bullets_with_a_change_in_backquotes_and_a_reason_count() -> None:
    listed = deliberate_changes(
        "# Title\n\n"
        "- `Field A.b changed type from String! to String.` absent is null.\n"
        "* `A.c was removed.` — replaced by A.d\n"
        "- `A.e was removed.`\n"
        "Some prose naming `A.f was removed.` in passing.\n"
    )
    assert listed == {
        "Field A.b changed type from String! to String.": "absent is null.",
        "A.c was removed.": "replaced by A.d",
    }


def test_the_repository_holds_its_contract() -> None:
    # The breaking changes of the last committed schema change are all marked deliberate.
    out: list[str] = []
    assert check(out), "\n".join(out)
