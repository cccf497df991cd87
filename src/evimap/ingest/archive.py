"""Guards for zip-based formats (DOCX, XLSX) before a library unpacks them."""

from __future__ import annotations

import zipfile
from io import BytesIO

from ..errors import IngestError


def check_zip(data: bytes, max_unzipped_mb: float, max_ratio: float) -> None:
    """Refuse zip bombs: archives expanding past a size limit or with an absurd compression ratio."""
    try:
        with zipfile.ZipFile(BytesIO(data)) as zf:
            infos = zf.infolist()
    except zipfile.BadZipFile:
        raise IngestError("not a valid zip container (corrupt or truncated)") from None
    total = sum(i.file_size for i in infos)
    compressed = sum(i.compress_size for i in infos) or 1
    if total > max_unzipped_mb * 1024 * 1024:
        raise IngestError(
            f"archive expands to {total / 1048576:.0f} MB, over the {max_unzipped_mb:.0f} MB limit (zip bomb?)"
        )
    if total > 10 * 1024 * 1024 and total / compressed > max_ratio:
        raise IngestError(f"archive compression ratio {total / compressed:.0f}:1 is suspicious (zip bomb?)")
