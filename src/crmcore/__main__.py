"""``python -m crmcore``: see :mod:`crmcore.cli`."""

import sys

from crmcore.cli import main

sys.exit(main())
