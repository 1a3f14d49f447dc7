"""`python -m podcheck.workshop` (what `make workshop` runs): start JupyterLab on the playbook."""

import sys

from .launcher import main

if __name__ == "__main__":
    sys.exit(main())
