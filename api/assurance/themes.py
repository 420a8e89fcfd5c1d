"""Themes as labels that count once however they are written: pure functions, no database.

An audit's themes are written by whoever carried it out ("Voice of the child", "voice of the child ", "Voice-of-the-
Child"), and the recurring-themes report must count those as one. A controlled vocabulary would do that too, but
needs someone to keep it before an audit can name a new theme; a normal form keeps themes free to write and still
counts them once: lower case, '&' as 'and', every run of other characters a single hyphen (kebab case), at most 80
characters."""

import re

THEME_LENGTH = 80
_SEPARATORS = re.compile(r"[^a-z0-9]+")


def normalise_theme(label: str) -> str:
    """The normal form of a theme ('Voice of the Child' -> 'voice-of-the-child'); ValueError if nothing is left."""
    theme = _SEPARATORS.sub("-", label.strip().lower().replace("&", " and ")).strip("-")
    if not theme:
        raise ValueError("must hold a letter or a digit")
    if len(theme) > THEME_LENGTH:
        raise ValueError(f"must be at most {THEME_LENGTH} characters once normalised")
    return theme


def distinct(themes: list[str]) -> list[str]:
    """Normalised themes, each once, in the order first written."""
    return list(dict.fromkeys(themes))
