"""``python -m pga_core``: the command-line interface."""

import sys

from pga_core.cli import main

sys.exit(main())
