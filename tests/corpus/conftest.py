"""The corpus integrity tests (here and in tests/corpus2) share integrity.py; its assertions get pytest's
introspection too."""

import pytest

pytest.register_assert_rewrite("tests.corpus.integrity")
