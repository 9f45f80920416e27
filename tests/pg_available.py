"""Exit 0 if the PostgreSQL server at the given URL answers, 1 otherwise (make test uses it)."""

import sys

from sqlalchemy import create_engine, text
from sqlalchemy.exc import SQLAlchemyError


def main(url: str) -> int:
    engine = create_engine(url, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        print(f"PostgreSQL not reachable: {type(error).__name__}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
