"""Launcher usable from any working directory: `python3 runtimes/python/run.py <handler>`.

It puts this directory on sys.path so handlers can `from nanofaas_runtime import FunctionError`.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from nanofaas_runtime.main import main  # noqa: E402 - needs the path above

sys.exit(main())
