"""Prints a development token: ``python -m gateway.token --tenant agency-demo --role advisor``."""

from __future__ import annotations

import argparse
from datetime import timedelta

from gateway.auth import issue_token
from runtime.caller import ROLES
from runtime.config import load_settings


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tenant", default="agency-demo")
    parser.add_argument("--user", default="dev-user")
    parser.add_argument("--role", default="advisor", choices=ROLES)
    parser.add_argument("--hours", type=float, default=12.0)
    parser.add_argument(
        "--org", default="", help="a partner's organisation (its users share a rate limit)"
    )
    args = parser.parse_args(argv)
    print(
        issue_token(
            load_settings(),
            tenant_id=args.tenant,
            user_id=args.user,
            role=args.role,
            ttl=timedelta(hours=args.hours),
            organisation=args.org,
        )
    )


if __name__ == "__main__":
    main()
