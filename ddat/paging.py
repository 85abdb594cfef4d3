"""Page numbers from query strings, and the page type every paginated list uses."""

from dataclasses import dataclass

MAX_PAGE_DIGITS = 5


def page_number(raw: str | None) -> int:
    """A page number from `?page=`, or 1 for anything that is not a plain small number.

    `str.isdigit` alone accepts "²" and other Unicode digits that `int` refuses, and a
    thousand-digit number would be slow to convert: both fall back to the first page.
    """
    if raw and raw.isascii() and raw.isdigit() and len(raw) <= MAX_PAGE_DIGITS:
        return max(int(raw), 1)
    return 1


def database_id(raw: str | None) -> int | None:
    """An id from a form or address, or None for anything that could not be one: the same
    care as `page_number`, for ids up to the database's integer size."""
    if raw and raw.isascii() and raw.isdigit() and len(raw) < 10:
        return int(raw)
    return None


@dataclass(frozen=True)
class Page:
    """Where one page sits in a long list: every paginated list counts pages the same way."""

    number: int  # 1-based, always within 1..pages
    pages: int
    size: int
    total: int

    @classmethod
    def of(cls, requested: int, total: int, size: int) -> "Page":
        """The requested page, kept in range: past the end shows the last page."""
        pages = max(1, -(-total // size))
        return cls(min(max(requested, 1), pages), pages, size, total)

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    @property
    def first_shown(self) -> int:
        """The 1-based position of the page's first row."""
        return self.offset + 1
