"""Validates ANSI X12 files (the 837P claims `ketaclinic billing claim` writes, the 835 remittances
Tests/Claims/make_835.py writes) with the pyx12
package and exits non-zero unless every file is valid with no errors: pyx12's own `x12valid`
script reports failures but always exits 0, so CI calls the validator through this instead.

Run: python3 Tests/Claims/validate_x12.py FILE...
"""

from __future__ import annotations

import logging
import sys
import tempfile

import pyx12.params
import pyx12.x12n_document


class ErrorCounter(logging.Handler):
    """Counts the ERROR records pyx12 logs while it validates."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1
        print(f"  {record.getMessage()}", file=sys.stderr)


def is_835(path: str) -> bool:
    """True when the file's first transaction set is an 835 remittance."""
    with open(path, encoding="ascii", errors="replace") as handle:
        text = handle.read(4096).lstrip()
    if len(text) < 106 or not text.startswith("ISA"):
        return False
    element, terminator = text[3], text[105]
    return any(segment.strip().startswith(f"ST{element}835") for segment in text.split(terminator))


def validate(path: str) -> bool:
    counter = ErrorCounter()
    logger = logging.getLogger("pyx12")
    logger.addHandler(counter)
    logger.setLevel(logging.INFO)
    try:
        with tempfile.TemporaryFile(mode="w+", encoding="ascii") as fd_997:
            # pyx12 cannot write a 999 acknowledgement for an 835 (its AK2 needs ST03, which the 835
            # guide marks Not Used) and logs that as an error; the 835's own validation is unaffected.
            ok = pyx12.x12n_document.x12n_document(param=pyx12.params.params(), src_file=path,
                                                   fd_997=None if is_835(path) else fd_997, fd_html=None, fd_xmldoc=None)
    finally:
        logger.removeHandler(counter)
    print(f"{path}: {'OK' if ok and counter.count == 0 else 'Failure'} ({counter.count} error(s))")
    return bool(ok) and counter.count == 0


def main(paths: list[str]) -> int:
    if not paths:
        print(__doc__, file=sys.stderr)
        return 2
    results = [validate(path) for path in paths]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
