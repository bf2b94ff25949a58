"""The recognizer tests share helpers.py; its assertions get pytest's introspection too."""

import pytest

pytest.register_assert_rewrite("tests.anonymiser.recognizers.helpers")
