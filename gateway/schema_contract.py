"""The schema contract with front-end teams: ``schema.graphql``, committed at the top of the
repository, is the GraphQL schema the code builds, every part of it described; and a change
that breaks existing queries (graphql-core's ``find_breaking_changes``: a field removed, made
nullable, given another type...) is made only deliberately, listed in ``schema-changes.md``
with its reason.

    python -m gateway.schema_contract export   # make schema: write schema.graphql
    python -m gateway.schema_contract check    # make lint: the contract holds

``check`` compares the schema the code builds with the previous committed schema.graphql:
HEAD's while the working file differs from it (a change being made), else the version before
the last commit that changed it (a change just committed, as CI sees it).
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from graphql import (
    BreakingChange,
    DangerousChange,
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    build_schema,
    find_breaking_changes,
    find_dangerous_changes,
    is_specified_directive,
    print_schema,
)

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_FILE = "schema.graphql"
CHANGES_FILE = "schema-changes.md"
# In schema-changes.md: a bullet naming one breaking change, as `check` prints it, in
# backquotes, followed by its reason.
_DELIBERATE = re.compile(r"^\s*[-*]\s+`(?P<change>[^`]+)`[\s:—–-]*(?P<reason>.*?)\s*$")


def code_schema() -> GraphQLSchema:
    """The schema the gateway serves, as graphql-core's objects."""
    from gateway.schema import build_schema as build_gateway_schema

    return build_gateway_schema()._schema


def schema_text(schema: GraphQLSchema) -> str:
    return print_schema(schema) + "\n"


# Descriptions


def _described(schema: GraphQLSchema) -> Iterator[tuple[str, bool]]:
    """Every type, field, argument and enum value of ``schema`` (introspection's own types and
    the built-in directives aside), and whether it has a description."""
    for name, graphql_type in schema.type_map.items():
        if name.startswith("__"):
            continue
        yield name, bool(graphql_type.description)
        if isinstance(graphql_type, GraphQLObjectType | GraphQLInterfaceType):
            for field_name, field in graphql_type.fields.items():
                yield f"{name}.{field_name}", bool(field.description)
                for arg_name, arg in field.args.items():
                    yield f"{name}.{field_name}({arg_name}:)", bool(arg.description)
        elif isinstance(graphql_type, GraphQLInputObjectType):
            for field_name, input_field in graphql_type.fields.items():
                yield f"{name}.{field_name}", bool(input_field.description)
        elif isinstance(graphql_type, GraphQLEnumType):
            for value_name, value in graphql_type.values.items():
                yield f"{name}.{value_name}", bool(value.description)
    for directive in schema.directives:
        if not is_specified_directive(directive):
            yield f"@{directive.name}", bool(directive.description)
            for arg_name, arg in directive.args.items():
                yield f"@{directive.name}({arg_name}:)", bool(arg.description)


@dataclass(frozen=True, slots=True)
class Coverage:
    total: int
    undescribed: tuple[str, ...]

    @property
    def percent(self) -> float:
        return 100.0 * (self.total - len(self.undescribed)) / self.total if self.total else 100.0


def description_coverage(schema: GraphQLSchema) -> Coverage:
    elements = list(_described(schema))
    return Coverage(len(elements), tuple(name for name, ok in elements if not ok))


# Breaking changes


def _git(root: Path, *args: str) -> str | None:
    """git's output in the repository at ``root``, None when git fails (or there is no git)."""
    try:
        done = subprocess.run(
            ["git", *args], cwd=root, capture_output=True, text=True, check=False, timeout=30
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None


def previous_schema(root: Path = ROOT) -> tuple[str, str] | None:
    """The committed schema.graphql to compare with, and which commit holds it: HEAD's while
    the working file differs from it, else the one before the last commit that changed it.
    None when there is none (no git, or schema.graphql is new)."""
    head = _git(root, "show", f"HEAD:{SCHEMA_FILE}")
    if head is None:
        return None
    working = root / SCHEMA_FILE
    if not working.exists() or working.read_text(encoding="utf-8") != head:
        return "HEAD", head
    last = (_git(root, "log", "-n", "1", "--format=%H", "--", SCHEMA_FILE) or "").strip()
    before = _git(root, "show", f"{last}^:{SCHEMA_FILE}") if last else None
    return (f"{last[:12]}^", before) if before is not None else None


def deliberate_changes(text: str) -> dict[str, str]:
    """The breaking changes schema-changes.md lists, with their reasons (a bullet without a
    reason does not count)."""
    listed = {}
    for line in text.splitlines():
        found = _DELIBERATE.match(line)
        if found and found["reason"]:
            listed[found["change"].strip()] = found["reason"]
    return listed


def breaking_changes(previous: str, current: GraphQLSchema) -> list[BreakingChange]:
    return find_breaking_changes(build_schema(previous), current)


def dangerous_changes(previous: str, current: GraphQLSchema) -> list[DangerousChange]:
    return find_dangerous_changes(build_schema(previous), current)


def check(out: list[str], root: Path = ROOT, schema: GraphQLSchema | None = None) -> bool:
    """Whether the contract holds for the repository at ``root`` and ``schema`` (the code's
    by default); what was found goes to ``out``, line by line."""
    schema = schema or code_schema()
    held = True
    coverage = description_coverage(schema)
    out.append(f"descriptions: {coverage.total - len(coverage.undescribed)}/{coverage.total}")
    if coverage.undescribed:
        held = False
        out.append("without a description: " + ", ".join(coverage.undescribed))
    working = root / SCHEMA_FILE
    if not working.exists() or working.read_text(encoding="utf-8") != schema_text(schema):
        held = False
        out.append(f"{SCHEMA_FILE} is not the schema the code builds: run `make schema`")
    previous = previous_schema(root)
    if previous is None:
        out.append(f"no previous {SCHEMA_FILE} committed: no breaking change to look for")
        return held
    where, text = previous
    changes_file = root / CHANGES_FILE
    listed = deliberate_changes(
        changes_file.read_text(encoding="utf-8") if changes_file.exists() else ""
    )
    for dangerous in dangerous_changes(text, schema):
        out.append(f"note, dangerous change since {where}: {dangerous.description}")
    unlisted = [c for c in breaking_changes(text, schema) if c.description not in listed]
    if unlisted:
        held = False
        out.append(
            f"breaking changes since {SCHEMA_FILE} of {where}, not marked deliberate in "
            f"{CHANGES_FILE} (a bullet: the change in backquotes, then why):"
        )
        out.extend(f"- `{change.description}`" for change in unlisted)
    return held


def main(argv: Sequence[str]) -> int:
    command = argv[0] if argv else ""
    if command == "export":
        (ROOT / SCHEMA_FILE).write_text(schema_text(code_schema()), encoding="utf-8")
        return 0
    if command == "check":
        found: list[str] = []
        held = check(found)
        print("\n".join(found), file=sys.stdout if held else sys.stderr)
        return 0 if held else 1
    print("usage: python -m gateway.schema_contract export|check", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
