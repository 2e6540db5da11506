"""The proxy's settings: one frozen object built from command-line flags over environment variables."""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from proxy.cors import origin_rules

MIB = 1024 * 1024

# chrome-extension ids are 32 letters a-p; "*" stands for any id (see proxy/cors.py).
DEFAULT_CORS_ORIGINS = ("chrome-extension://*",)
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8000
    inference_url: str = "http://127.0.0.1:8080"
    management_url: str = "http://127.0.0.1:8081"
    model_name: str = "deepfake"
    max_upload_bytes: int = 210 * MIB  # = TorchServe's max_request_size in config.properties
    timeout_s: float = 120.0  # = the model's responseTimeout in config.properties
    health_timeout_s: float = 5.0
    key_file: Path | None = Path("key_file.json")
    inference_key: str | None = None
    management_key: str | None = None
    cors_origins: tuple[str, ...] = DEFAULT_CORS_ORIGINS
    allowed_hosts: tuple[str, ...] = LOOPBACK_HOSTS
    log_level: str = "info"


# flag name -> (environment variable, help). Flags win over the environment, which wins over defaults.
OPTIONS: dict[str, tuple[str, str]] = {
    "host": ("PROXY_HOST", "address to bind (loopback by default; see the README before exposing it)"),
    "port": ("PROXY_PORT", "port to bind"),
    "inference_url": ("TORCHSERVE_INFERENCE_URL", "TorchServe inference API base URL"),
    "management_url": ("TORCHSERVE_MANAGEMENT_URL", "TorchServe management API base URL"),
    "model_name": ("TORCHSERVE_MODEL_NAME", "name the model is registered under in TorchServe"),
    "max_upload_mb": ("PROXY_MAX_UPLOAD_MB", "largest accepted request body, in MiB"),
    "timeout_s": ("PROXY_TIMEOUT_S", "seconds to wait for a TorchServe answer before 504"),
    "key_file": ("TORCHSERVE_KEY_FILE", "TorchServe's key_file.json (token auth); missing file = no key sent"),
    "inference_key": ("TORCHSERVE_INFERENCE_KEY", "TorchServe inference key (overrides the key file)"),
    "management_key": ("TORCHSERVE_MANAGEMENT_KEY", "TorchServe management key (overrides the key file)"),
    "cors_origins": (
        "PROXY_CORS_ORIGINS",
        "comma-separated allowed browser origins; chrome-extension://* = any extension",
    ),
    "allowed_hosts": (
        "PROXY_ALLOWED_HOSTS",
        "comma-separated Host header values accepted; * = any (DNS-rebinding guard)",
    ),
    "log_level": ("PROXY_LOG_LEVEL", "uvicorn log level"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m proxy",
        description="HTTP gateway mapping TorchServe's deepfake model to /api/* plus an upload page.",
    )
    for name, (env_name, help_text) in OPTIONS.items():
        parser.add_argument(
            "--" + name.replace("_", "-"), dest=name, default=None, help=f"{help_text} [env {env_name}]"
        )
    return parser


def split_list(text: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in text.split(",") if item.strip())


def cors_origins(text: str) -> tuple[str, ...]:
    origins = split_list(text)
    origin_rules(origins)  # raises ValueError naming a malformed or "*" origin
    return origins


def positive_number(name: str, text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{name} must be a number, got {text!r}") from None
    if value <= 0:
        raise ValueError(f"{name} must be positive, got {text!r}")
    return value


def port_number(text: str) -> int:
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise ValueError(f"port must be an integer in 1..65535, got {text!r}")
    return int(text)


def base_url(name: str, text: str) -> str:
    if not text.startswith(("http://", "https://")):
        raise ValueError(f"{name} must start with http:// or https://, got {text!r}")
    return text.rstrip("/")


def raw_values(args: argparse.Namespace, environ: Mapping[str, str]) -> dict[str, str]:
    """Each option's text: the flag if given, else its environment variable; absent if neither."""
    values = {}
    for name, (env_name, _) in OPTIONS.items():
        text = getattr(args, name)
        if text is None:
            text = environ.get(env_name)
        if text is not None:
            values[name] = text
    return values


def settings_from(values: Mapping[str, str]) -> Settings:
    """Validates and converts option texts; raises ValueError with a message naming the bad option."""
    converted: dict[str, object] = {}
    converters = {
        "host": str,
        "port": port_number,
        "inference_url": lambda text: base_url("inference-url", text),
        "management_url": lambda text: base_url("management-url", text),
        "model_name": str,
        "timeout_s": lambda text: positive_number("timeout-s", text),
        "key_file": lambda text: Path(text) if text else None,
        "inference_key": lambda text: text or None,
        "management_key": lambda text: text or None,
        "cors_origins": cors_origins,
        "allowed_hosts": split_list,
        "log_level": str.lower,
    }
    for name, text in values.items():
        if name == "max_upload_mb":
            converted["max_upload_bytes"] = int(positive_number("max-upload-mb", text) * MIB)
        else:
            converted[name] = converters[name](text)
    if "host" in converted and "allowed_hosts" not in converted:
        converted["allowed_hosts"] = with_bind_host(str(converted["host"]))
    return Settings(**converted)


def with_bind_host(host: str) -> tuple[str, ...]:
    """Loopback names plus the bind address itself, unless it is a wildcard address."""
    if host in ("0.0.0.0", "::", "") or host in LOOPBACK_HOSTS:
        return LOOPBACK_HOSTS
    return LOOPBACK_HOSTS + (host,)


def load_settings(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> Settings:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return settings_from(raw_values(args, os.environ if environ is None else environ))
    except ValueError as error:
        parser.error(str(error))
        raise  # parser.error exits; this keeps type checkers content
