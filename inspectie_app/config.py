"""The inspector app's settings: the environment (``INSPECTIE_APP_*``) first, then the app's settings file, then safe
defaults.

The settings file is TOML with the same names in lower case (``server_url = "https://inspectie.example.nl"``). It is
``INSPECTIE_APP_SETTINGS_FILE`` when set, else ``inspectie_app/settings.toml`` next to this module: a tablet app built
with ``flet build`` has no environment to speak of, so its server address is written into that file before the build
(docs/TABLETS.md). A name the app does not know, or a value of the wrong kind, stops the app with a clear error
instead of being ignored.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from pydantic import Field
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

DB_FILE_NAME = "inspectie.db"
PHOTOS_DIR_NAME = "photos"
SETTINGS_FILE = Path(__file__).with_name("settings.toml")


def settings_file() -> Path:
    """The TOML file the app reads its settings from after the environment (it need not exist)."""
    return Path(os.environ.get("INSPECTIE_APP_SETTINGS_FILE") or SETTINGS_FILE)


def default_data_dir() -> Path:
    """A per-user folder for the tablet's database and photos: the app's own storage in an app built with
    ``flet build`` (``FLET_APP_STORAGE_DATA``), else the platform's per-user data folder."""
    packaged = os.environ.get("FLET_APP_STORAGE_DATA")
    if packaged:
        return Path(packaged)
    if sys.platform == "win32":
        return Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local") / "Inspectie"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "Inspectie"
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "inspectie"


class AppSettings(BaseSettings):
    """Where the app keeps its data, which server it talks to, and how often it syncs."""

    model_config = SettingsConfigDict(env_prefix="INSPECTIE_APP_", extra="forbid")

    data_dir: Path = Field(default_factory=default_data_dir)
    server_url: str = "http://127.0.0.1:8000"
    sync_interval: float = Field(default=10.0, gt=0)
    request_timeout: float = Field(default=30.0, gt=0)
    photo_long_edge: int = Field(default=2048, ge=320)
    photo_purge_days: float = Field(default=7.0, ge=0)  # full-size photo deleted this long after the server has it
    # a finished control the server holds in full is deleted from the tablet this long after it was finished
    control_keep_days: float = Field(default=14.0, ge=0)
    # acknowledged changes kept to re-send to a server restored from a backup; 0 (default): deleted once acknowledged
    outbox_history_days: float = Field(default=0.0, ge=0)
    device_name: str = "tablet"

    @classmethod
    def settings_customise_sources(cls, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource,
                                   env_settings: PydanticBaseSettingsSource,
                                   dotenv_settings: PydanticBaseSettingsSource,
                                   file_secret_settings: PydanticBaseSettingsSource,
                                   ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Arguments, then the environment, then the settings file (no .env, no secrets folder)."""
        return init_settings, env_settings, TomlConfigSettingsSource(settings_cls, toml_file=settings_file())


def database_url(data_dir: Path) -> str:
    """The SQLite URL of the store inside ``data_dir``."""
    return f"sqlite:///{(data_dir / DB_FILE_NAME).resolve()}"


def photos_dir(data_dir: Path) -> Path:
    return data_dir / PHOTOS_DIR_NAME
