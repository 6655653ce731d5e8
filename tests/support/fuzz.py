"""One fuzzing harness for the API as served: schemathesis against ``/schema/openapi.json``.

Every operation of the served document gets valid (positive) and invalid (negative)
requests, each sent with a token of one role in turn (none, staff, body admin, auditor,
holder), and each answer goes through the checks below. ``REGISTRY_FUZZ_EXAMPLES`` sets
the examples per operation and mode (the suite's default keeps CI to a few hundred
cases; raise it for a longer run on demand).
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import hypothesis
import hypothesis.errors
import schemathesis
from hypothesis import HealthCheck, Phase
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
    negative_data_rejection,
]
EXAMPLES = int(os.environ.get("REGISTRY_FUZZ_EXAMPLES", "3"))


@dataclass
class FuzzRun:
    cases: int = 0
    failures: dict[str, str] = field(default_factory=dict)


def fuzz(
    base_url: str,
    tokens: Mapping[str, str | None],
    known: Callable[[str], dict[str, Any]] = lambda _path: {},
    examples: int = EXAMPLES,
) -> FuzzRun:
    """Fuzz every operation of the document served at ``base_url``; the failures found,
    at most one per operation and mode. ``known(path)`` gives path parameters that name
    something that exists (a real code or slug), for a third round that gets past 404."""
    schema = schemathesis.openapi.from_url(f"{base_url}/schema/openapi.json")
    roles = itertools.cycle(list(tokens.items()))
    run = FuzzRun()
    for result in schema.get_all_operations():
        operation = result.ok()
        real = known(operation.path)
        rounds: list[tuple[str, GenerationMode, dict[str, Any] | None]] = [
            ("positive", GenerationMode.POSITIVE, None),
            ("negative", GenerationMode.NEGATIVE, None),
        ]
        if real:
            rounds.append(("positive, existing", GenerationMode.POSITIVE, real))
        for label, mode, path_parameters in rounds:

            @hypothesis.settings(
                max_examples=examples,
                deadline=None,
                derandomize=True,
                database=None,
                phases=[Phase.explicit, Phase.generate],  # no shrinking: the first case is shown
                suppress_health_check=list(HealthCheck),
            )
            @hypothesis.given(
                case=operation.as_strategy(generation_mode=mode, path_parameters=path_parameters)
            )
            def one(case: Any) -> None:
                role, token = next(roles)
                headers = {"Authorization": f"Bearer {token}"} if token else {}
                run.cases += 1
                try:
                    case.call_and_validate(
                        base_url=base_url, headers=headers, checks=CHECKS, timeout=30
                    )
                except Exception as error:
                    error.add_note(f"role: {role}")
                    raise

            try:
                one()
            except hypothesis.errors.Unsatisfiable:
                continue  # nothing in the operation can be made invalid (no body, free strings)
            except (KeyboardInterrupt, SystemExit):
                raise
            except BaseException as error:  # every failure (a group, too) is collected
                notes = "\n".join(getattr(error, "__notes__", []))
                run.failures[f"{operation.label} [{label}]"] = f"{error}\n{notes}"[:3000]
    return run
