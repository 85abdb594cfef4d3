"""Reading an uploaded file, for every import."""

from flask import current_app


def uploaded_bytes(field) -> bytes | None:
    """The file's contents, or None with the GOV.UK error on the field when it is too big.
    Reads one byte more than the limit, so a large file is never read whole."""
    limit = current_app.config["MAX_IMPORT_BYTES"]
    content = field.data.read(limit + 1)
    if len(content) > limit:
        field.errors.append(f"The selected file must be smaller than {limit // (1024 * 1024)} MB")
        return None
    return content
