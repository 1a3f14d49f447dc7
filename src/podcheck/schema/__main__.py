"""`python -m podcheck.schema`: rewrite result.schema.json from the result model."""

import sys

from . import main

sys.exit(main())
