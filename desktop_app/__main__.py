"""``python -m desktop_app`` is the ``compute-atlas`` command."""

import sys

from desktop_app.cli import main

sys.exit(main())
