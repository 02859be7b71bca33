"""``python -m briefing``: the same command line as the ``briefing`` script."""

import sys

from briefing.cli import main

if __name__ == "__main__":  # importing the module (as tools that walk the package do) runs nothing
    sys.exit(main())
