"""`python -m podcheck.schema`: rewrite result.schema.json and assessment.schema.json from their models."""

import sys

from . import main

sys.exit(main())
