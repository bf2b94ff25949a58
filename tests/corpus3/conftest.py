"""The corpus integrity tests share tests/corpus/integrity.py; its assertions get pytest's introspection too
(also when only this folder is run)."""

import pytest

pytest.register_assert_rewrite("tests.corpus.integrity")
