"""``python -m neurogen`` is the ``neurogen`` command."""
import sys

from .cli import main

sys.exit(main())
