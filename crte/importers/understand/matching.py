"""Telling whether two titles name the same operation. Pure."""

from rapidfuzz.fuzz import ratio

from crte.core.text import normalize_label

STOPWORDS = {"les", "des", "une", "pour", "dans", "avec", "sur", "aux", "par", "est", "qui", "que"}


def significant_words(text: str) -> set[str]:
    return {w.rstrip("sx") or w for w in normalize_label(text).split() if len(w) >= 3 and w not in STOPWORDS}


def likeness(a: str, b: str) -> float:
    """How much two operation titles look alike, 0 to 1: shared significant words (two at
    least, or all of a one-word title), or the same characters in the same order (the
    longest common subsequence's share, rapidfuzz's `ratio`)."""
    words_a, words_b = significant_words(a), significant_words(b)
    shared = len(words_a & words_b)
    if not words_a or not words_b:
        overlap = 0.0
    elif shared >= 2:
        overlap = shared / min(len(words_a), len(words_b))
    else:
        overlap = shared / max(len(words_a), len(words_b))
    return max(overlap, ratio(normalize_label(a), normalize_label(b)) / 100)
