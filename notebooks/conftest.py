"""pytest settings for ``pytest --nbval notebooks`` (``make notebooks-test``).

- The ``NN_name.py`` files are the jupytext pairs of the notebooks, not test modules: with
  ``--doctest-modules`` in the project's addopts, pytest would import them (running a whole
  notebook at collection time, and failing on its IPython magics) and report them as
  doctest items. Only the ``.ipynb`` files are collected here.
- The kernel nbval starts inherits this process's environment: pin the same variables
  as the Makefile and the runner, so a bare ``pytest --nbval notebooks`` compares tables
  of the same shape as ``make notebooks-test``.
- Every notebook cell carries the project's ``notebooks`` marker, so ``-m notebooks`` and
  ``-m "not notebooks"`` select or leave out the nbval run in a combined pytest call.
"""

import os

import pytest

from toolkit._notebooks import PINNED_ENV

collect_ignore_glob = ["*.py"]

os.environ.update(PINNED_ENV)


def pytest_collection_modifyitems(items):
    for item in items:
        if item.path.suffix == ".ipynb":
            item.add_marker(pytest.mark.notebooks)
