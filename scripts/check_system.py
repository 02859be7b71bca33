"""Check, before installing anything, that this machine can run briefing.

Runs with the system python3 and the standard library only, so it can name
a missing system library before pip spends minutes installing.
"""

import ctypes.util
import sys

# WeasyPrint draws text with Pango (through its FT2 backend) and finds fonts
# with fontconfig; these are the shared libraries it opens at import time.
NEEDED = {
    "pango-1.0": "libpango-1.0-0",
    "pangoft2-1.0": "libpangoft2-1.0-0",
    "harfbuzz": "libharfbuzz0b",
    "fontconfig": "libfontconfig1",
}


def main() -> int:
    if sys.version_info < (3, 11):
        print(f"briefing needs Python 3.11 or newer; this is {sys.version.split()[0]}", file=sys.stderr)
        return 1
    missing = [package for library, package in NEEDED.items() if not ctypes.util.find_library(library)]
    if missing:
        print(
            "WeasyPrint (the PDF renderer) needs system libraries that are missing: "
            + ", ".join(missing)
            + f"\ninstall them with: sudo apt-get install {' '.join(missing)}"
            + "\n(macOS: brew install pango; Fedora: sudo dnf install pango)",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
