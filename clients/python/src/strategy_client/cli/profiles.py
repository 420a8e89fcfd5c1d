"""Named profiles in ~/.config/strategy/config.toml ($XDG_CONFIG_HOME honoured), and where the URL and key come from.

    default_profile = "stockton"

    [profiles.stockton]
    url = "https://strategy.example.gov.uk"
    key = "sk_..."

The file holds keys, so like ssh the command refuses to read it unless only its owner may (mode 0600), and writes it
that way. Precedence: --url and --key; then the profile named by --profile (or STRATEGY_PROFILE); then
STRATEGY_API_URL and STRATEGY_API_KEY; then the file's default profile.
"""

import json
import os
import stat
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from strategy_client.cli.exits import UsageProblem

URL_VARIABLE = "STRATEGY_API_URL"
KEY_VARIABLE = "STRATEGY_API_KEY"
PROFILE_VARIABLE = "STRATEGY_PROFILE"
FIELDS = ("url", "key")


def config_path() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "strategy" / "config.toml"


@dataclass(frozen=True)
class Config:
    default_profile: str | None
    profiles: dict[str, dict[str, str]]


def read_config(path: Path) -> Config:
    """The file's profiles; none when it does not exist. Refused when others may read it or it is not TOML."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return Config(None, {})
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise UsageProblem(
            f"{path} holds API keys but others may read or change it (mode {stat.S_IMODE(mode):04o}); "
            f"make it yours alone with: chmod 600 {path}"
        )
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise UsageProblem(f"{path} is not a readable TOML file: {error}") from error
    return _config(path, document)


def _config(path: Path, document: dict[str, Any]) -> Config:
    profiles = document.get("profiles", {})
    default = document.get("default_profile")
    if not isinstance(profiles, dict) or not all(isinstance(table, dict) for table in profiles.values()):
        raise UsageProblem(f"{path}: 'profiles' must hold tables, [profiles.NAME] with url and key.")
    if default is not None and not isinstance(default, str):
        raise UsageProblem(f"{path}: default_profile must be a profile's name.")
    cleaned = {name: {k: str(v) for k, v in table.items() if k in FIELDS} for name, table in profiles.items()}
    return Config(default, cleaned)


def write_profile(path: Path, name: str, values: dict[str, str], *, make_default: bool) -> Config:
    """Add or change a profile, keeping the others; the directory is made 0700 and the file written 0600."""
    config = read_config(path)
    profiles = dict(config.profiles)
    profiles[name] = profiles.get(name, {}) | values
    default = name if make_default or config.default_profile is None else config.default_profile
    updated = Config(default, profiles)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        os.fchmod(file.fileno(), 0o600)  # O_CREAT's mode only applies to a new file
        file.write(to_toml(updated))
    temporary.replace(path)
    return updated


def to_toml(config: Config) -> str:
    """TOML of string values only: a JSON string is a valid TOML basic string, so no writer library is needed."""
    lines = [f"default_profile = {json.dumps(config.default_profile)}", ""] if config.default_profile else []
    for name, table in sorted(config.profiles.items()):
        lines.append(f"[profiles.{json.dumps(name)}]")
        lines += [f"{field} = {json.dumps(table[field])}" for field in FIELDS if field in table]
        lines.append("")
    return "\n".join(lines)


@dataclass(frozen=True)
class Target:
    url: str
    key: str | None
    profile: str | None  # the profile the values came from, if any


def resolve(url: str | None, key: str | None, profile: str | None, path: Path) -> Target:
    """Where to connect and with which key, by the precedence the module describes."""
    chosen = profile or os.environ.get(PROFILE_VARIABLE) or None
    explicit = _profile(path, chosen) if chosen else {}
    environment = {"url": os.environ.get(URL_VARIABLE, ""), "key": os.environ.get(KEY_VARIABLE, "")}
    layers = [{"url": url or "", "key": key or ""}, explicit, environment]
    found = {field: next((layer[field] for layer in layers if layer.get(field)), "") for field in FIELDS}
    default_name = None
    if not chosen and not all(found.values()):
        config = read_config(path)
        default_name = config.default_profile
        fallback = config.profiles.get(default_name, {}) if default_name else {}
        found = {field: found[field] or fallback.get(field, "") for field in FIELDS}
    if not found["url"]:
        raise UsageProblem(
            f"No service URL: give --url, set {URL_VARIABLE}, or add a profile "
            "(strategy config set-profile NAME --url URL --key KEY)."
        )
    return Target(found["url"], found["key"] or None, chosen or default_name)


def _profile(path: Path, name: str) -> dict[str, str]:
    config = read_config(path)
    if name not in config.profiles:
        known = ", ".join(sorted(config.profiles)) or "none yet"
        raise UsageProblem(f"No profile '{name}' in {path} (profiles: {known}).")
    return config.profiles[name]
