"""Process-wide test environment. Everything here runs at import time on purpose.

pytest imports this file before it collects (and so imports) any test module, which makes it
the one place that reliably runs before the first Qt import and the first QSettings:

* With neither DISPLAY nor QT_QPA_PLATFORM set, Qt aborts the whole process (no exception, no
  report), which is exactly the situation in CI. ``setdefault`` keeps an explicit choice such
  as ``QT_QPA_PLATFORM=xcb`` for watching a test run in a real window.
* QSettings and platformdirs derive the user's config/data/state/cache folders from the XDG
  variables. Pointing those at a throw-away folder keeps tests from reading a developer's real
  settings (and becoming machine-dependent) or writing into their home. They are overwritten,
  not defaulted, because a developer's own XDG values point into their home. A fixture would
  be too late: Qt computes the QSettings folder once per process, on first use.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

_USER_DIRS = Path(tempfile.mkdtemp(prefix="compute-atlas-tests-"))
for _var, _sub in (
    ("XDG_CONFIG_HOME", "config"),
    ("XDG_DATA_HOME", "data"),
    ("XDG_STATE_HOME", "state"),
    ("XDG_CACHE_HOME", "cache"),
):
    (_USER_DIRS / _sub).mkdir()
    os.environ[_var] = str(_USER_DIRS / _sub)


@pytest.fixture(scope="session", autouse=True)
def isolated_user_dirs() -> Iterator[Path]:
    """The throw-away folder holding config/, data/, state/ and cache/; removed afterwards."""
    yield _USER_DIRS
    shutil.rmtree(_USER_DIRS, ignore_errors=True)
