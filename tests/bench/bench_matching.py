"""Speed of name screening on a register the size of the real one (about 6,000 entries),
one name at a time as a client's creation screens it: ``make bench`` prints p50 and p95."""

from __future__ import annotations

import json
import statistics
import time
from dataclasses import replace
from typing import Any

from services.compliance.matching import RegisterIndex
from services.compliance.register import FreezeRegister, RegisterEntry, parse_register
from services.compliance.sample_register import SAMPLE_REGISTER_PATH
from tests.compliance.test_matching import PAIRS_PATH, screen_pair


def enlarged(register: FreezeRegister, copies: int) -> FreezeRegister:
    """About the size of the real register: each copy gives every entry the family name and
    aliases of another entry of the same nature, so names stay realistic but distinct."""
    entries = register.entries
    grown: list[RegisterEntry] = list(entries)
    for copy in range(1, copies):
        for position, entry in enumerate(entries):
            donor = entries[(position * 7 + copy * 13) % len(entries)]
            if donor.nature != entry.nature:
                donor = entry
            grown.append(
                replace(
                    entry,
                    entry_id=f"{entry.entry_id}{copy:02d}",
                    last_name=donor.last_name,
                    aliases=donor.aliases,
                )
            )
    return FreezeRegister(register.published_at, tuple(grown))


def test_screening_one_name_against_a_register_of_the_real_size() -> None:
    big = enlarged(parse_register(SAMPLE_REGISTER_PATH.read_bytes()), 20)
    index = RegisterIndex(big)
    assert len(big.entries) >= 6000
    assert index.variant_count >= 12000
    pairs: list[dict[str, Any]] = json.loads(PAIRS_PATH.read_text(encoding="utf-8"))
    timings: list[float] = []
    for pair in pairs[::3]:
        started = time.perf_counter()
        screen_pair(index, pair["query"])
        timings.append((time.perf_counter() - started) * 1000)
    assert timings
    timings.sort()
    median, p95 = statistics.median(timings), timings[int(len(timings) * 0.95)]
    print(
        f"\none name against {len(big.entries)} entries ({index.variant_count} spellings), "
        f"{len(timings)} names: p50 {median:.1f} ms   p95 {p95:.1f} ms"
    )
    assert median < 50
