"""What the batch operations (the people feed, learning completions) share: a problem with one
row of a batch, and reading ids a chunk at a time."""

from dataclasses import dataclass

CHUNK = 500  # ids per IN (...) query, well inside every database's limit


@dataclass(frozen=True)
class BatchError:
    index: int  # the row's place in the batch, from 0
    field: str
    problem: str


def chunks(values: list, size: int = CHUNK):
    for start in range(0, len(values), size):
        yield values[start : start + size]


def pointers(collection: str, errors: list[BatchError]) -> list[dict]:
    """The errors as problem details name them: a JSON pointer into the request body each."""
    return [{"pointer": f"/{collection}/{e.index}" + (f"/{e.field}" if e.field else ""), "detail": e.problem}
            for e in errors]  # fmt: skip
