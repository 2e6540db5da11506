"""Readiness from what TorchServe said: pure logic, so every combination is unit-testable."""

from __future__ import annotations

import httpx

from proxy.errors import ApiError
from proxy.schemas import Health, HealthChecks, HealthDown
from proxy.torchserve import model_description

Answer = httpx.Response | ApiError  # what a call to TorchServe gave: its answer, or why there was none


def api_state(answer: Answer) -> str:
    if isinstance(answer, ApiError):
        return "unauthorized" if answer.code == "torchserve_unauthorized" else "down"
    if answer.status_code == 404 or answer.is_success:
        return "up"  # a 404 from the management API still means it answered
    return "error"


def worker_states(management: Answer) -> list[str] | None:
    """Worker statuses from `GET /models/<name>`; None when the model is not registered or unknown."""
    if isinstance(management, ApiError) or not management.is_success:
        return None
    description = model_description(management)
    if description is None:
        return None
    return [str(worker.get("status")) for worker in description.get("workers") or []]


def health_checks(ping: Answer, management: Answer) -> HealthChecks:
    workers = worker_states(management)
    management_state = api_state(management)
    registered = None if management_state != "up" else workers is not None
    return HealthChecks(
        inference_api=api_state(ping),
        management_api=management_state,
        model_registered=registered,
        workers_ready=sum(status == "READY" for status in workers or []),
        workers_total=len(workers or []),
    )


def verdict(model: str, checks: HealthChecks) -> Health | HealthDown:
    down = unavailable_part(model, checks)
    if down is None:
        return Health(status="ready", model=model, checks=checks)
    part, code, message = down
    return HealthDown(status="unavailable", down=part, code=code, error=message, checks=checks)


def unavailable_part(model: str, checks: HealthChecks) -> tuple[str, str, str] | None:
    """(part, code, message) for the first part that is not ready, or None when all are."""
    apis = {"inference_api": checks.inference_api, "management_api": checks.management_api}
    if all(state == "down" for state in apis.values()):
        return "torchserve", "torchserve_unavailable", "TorchServe is not reachable (is it started?)"
    for name, state in apis.items():
        label = name.replace("_api", "")
        if state == "down":
            return name, "torchserve_unavailable", f"TorchServe {label} API is not reachable"
        if state == "unauthorized":
            return (
                name,
                "torchserve_unauthorized",
                f"TorchServe {label} API refused the proxy's key: check --key-file or the key variables",
            )
        if state == "error":
            return name, "torchserve_error", f"TorchServe {label} API answered with an error"
    if not checks.model_registered:
        return "model", "model_not_registered", f"model {model!r} is not registered in TorchServe"
    if checks.workers_ready == 0:
        return (
            "worker",
            "no_ready_worker",
            f"model {model!r} has no READY worker yet ({checks.workers_total} starting or failed)",
        )
    return None
