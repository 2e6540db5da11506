"""Proxy settings: flags over environment over defaults, and clear refusals of bad values."""

from pathlib import Path

import pytest

from proxy.settings import LOOPBACK_HOSTS, MIB, Settings, load_settings


def test_defaults_bind_loopback_port_8000_and_talk_to_local_torchserve():
    settings = load_settings([], environ={})
    assert (settings.host, settings.port) == ("127.0.0.1", 8000)
    assert settings.inference_url == "http://127.0.0.1:8080"
    assert settings.management_url == "http://127.0.0.1:8081"
    assert settings.key_file == Path("key_file.json")
    assert settings.allowed_hosts == LOOPBACK_HOSTS
    assert settings == Settings()


def test_flag_wins_over_environment_which_wins_over_default():
    environ = {"PROXY_PORT": "9001", "PROXY_TIMEOUT_S": "7.5", "TORCHSERVE_INFERENCE_URL": "http://10.0.0.2:8080/"}
    settings = load_settings(["--port", "9002"], environ=environ)
    assert settings.port == 9002
    assert settings.timeout_s == 7.5
    assert settings.inference_url == "http://10.0.0.2:8080"  # trailing slash dropped


def test_upload_limit_is_given_in_mib_and_lists_are_comma_separated():
    settings = load_settings(
        ["--max-upload-mb", "2.5", "--cors-origins", "chrome-extension://*, http://localhost:3000"], environ={}
    )
    assert settings.max_upload_bytes == int(2.5 * MIB)
    assert settings.cors_origins == ("chrome-extension://*", "http://localhost:3000")


def test_empty_key_file_flag_means_no_key_file():
    assert load_settings(["--key-file", ""], environ={}).key_file is None


def test_binding_a_named_address_also_accepts_it_as_host_header():
    assert load_settings(["--host", "192.168.1.5"], environ={}).allowed_hosts == LOOPBACK_HOSTS + ("192.168.1.5",)
    assert load_settings(["--host", "0.0.0.0"], environ={}).allowed_hosts == LOOPBACK_HOSTS


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--port", "80a"], "port must be an integer"),
        (["--port", "70000"], "port must be an integer"),
        (["--timeout-s", "0"], "timeout-s must be positive"),
        (["--max-upload-mb", "lots"], "max-upload-mb must be a number"),
        (["--inference-url", "127.0.0.1:8080"], "inference-url must start with http"),
        (["--cors-origins", "*"], "CORS origin '*' is refused"),
        (["--cors-origins", "localhost"], "must look like scheme://host"),
    ],
)
def test_bad_values_stop_with_a_message_naming_the_option(argv, message, capsys):
    with pytest.raises(SystemExit) as stopped:
        load_settings(argv, environ={})
    assert stopped.value.code == 2
    assert message in capsys.readouterr().err
