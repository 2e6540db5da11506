"""deploy/ against schemas others maintain: every core-kind manifest passes `kubernetes-validate
--strict` for the oldest and newest Kubernetes versions deploy/README.md supports, and the KServe
InferenceService loads into the KServe SDK's own model types. Broken copies must fail both."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
import yaml

from tests.fixtures.manifest_schemas import ManifestError, load_into_kserve_types, run_kubernetes_validate

REPO_ROOT = Path(__file__).resolve().parents[2]
DEPLOY = REPO_ROOT / "deploy"
# deploy/README.md, "Kubernetes versions": keep the two in step.
OLDEST_KUBERNETES, NEWEST_KUBERNETES = "1.25", "1.37"
VERSIONS = [OLDEST_KUBERNETES, NEWEST_KUBERNETES]
# Kinds that are not Kubernetes' own, and where each is checked instead.
NOT_CORE = {
    ("kustomize.config.k8s.io/v1beta1", "Kustomization"): "kustomize's own file (test_deploy_manifests.py)",
    ("monitoring.coreos.com/v1", "PodMonitor"): "Prometheus Operator CRD (test_deploy_manifests.py)",
    ("serving.kserve.io/v1beta1", "InferenceService"): "the KServe SDK's types (below)",
}
# YAML under deploy/ that is no manifest at all.
NOT_MANIFESTS = {"kserve/kustomizeconfig.yaml", "kubernetes/monitoring/prometheus-adapter-values.yaml"}


def documents() -> list[tuple[str, dict]]:
    return [
        (str(path.relative_to(DEPLOY)), document)
        for path in sorted(DEPLOY.rglob("*.yaml"))
        for document in yaml.safe_load_all(path.read_text())
        if document
    ]


def core_manifests() -> list[str]:
    return sorted(
        {
            name
            for name, doc in documents()
            if name not in NOT_MANIFESTS and (doc.get("apiVersion"), doc.get("kind")) not in NOT_CORE
        }
    )


def passed_lines(output: str) -> set[tuple[str, str]]:
    """(file, version) pairs the CLI reported as passed."""
    found = re.findall(r"^INFO (\S+) passed for resource \S+ against version (\S+)$", output, re.MULTILINE)
    return {(str(Path(path).relative_to(DEPLOY)), version) for path, version in found}


def inference_service() -> dict:
    return yaml.safe_load((DEPLOY / "kserve" / "inferenceservice.yaml").read_text())


def test_every_yaml_under_deploy_is_a_core_manifest_or_listed_with_where_it_is_checked():
    for name, document in documents():
        key = (document.get("apiVersion"), document.get("kind"))
        if name in NOT_MANIFESTS:
            assert "kind" not in document, f"{name} has become a manifest: check it"
        else:
            assert key[0] and key[1], f"{name} has no apiVersion/kind and is not listed in NOT_MANIFESTS"
    assert set(core_manifests()) >= {
        "kubernetes/deployment.yaml",
        "kubernetes/service.yaml",
        "kubernetes/hpa.yaml",
        "kubernetes/pdb.yaml",
        "kserve/hpa.yaml",
    }


def test_core_manifests_pass_kubernetes_validate_strict_for_the_oldest_and_newest_version():
    manifests = core_manifests()
    result = run_kubernetes_validate([DEPLOY / name for name in manifests], VERSIONS)
    report = result.stdout + result.stderr
    assert result.returncode == 0, report
    # The CLI exits 0 when it has no schema for a kind (WARN): every file must say "passed" instead.
    assert "WARN" not in report and "ERROR" not in report, report
    assert passed_lines(report) == {(name, version) for name in manifests for version in VERSIONS}, report


@pytest.mark.parametrize(
    ("original", "broken", "expected"),
    [
        ("workingDir: /var/run/torchserve", "workDir: /var/run/torchserve", "Additional properties are not allowed"),
        ("replicas: 2 ", 'replicas: "2" ', "spec.replicas: '2' is not of type 'integer'"),
    ],
    ids=["unknown-field", "mistyped-field"],
)
def test_kubernetes_validate_strict_refuses_a_broken_copy_of_the_deployment(tmp_path, original, broken, expected):
    text = (DEPLOY / "kubernetes" / "deployment.yaml").read_text()
    assert original in text
    copy_path = tmp_path / "deployment.yaml"
    copy_path.write_text(text.replace(original, broken, 1))
    result = run_kubernetes_validate([copy_path], VERSIONS)
    assert result.returncode == 1, result.stdout
    assert result.stdout.count("did not validate") == len(VERSIONS), result.stdout
    assert expected in result.stdout, result.stdout


def test_the_inference_service_loads_into_the_kserve_sdk_types():
    service = load_into_kserve_types(inference_service(), VERSIONS)
    assert type(service).__name__ == "V1beta1InferenceService"
    predictor = service.spec.predictor
    assert type(predictor).__name__ == "V1beta1PredictorSpec"
    assert predictor.min_replicas == 2
    assert [container["name"] for container in predictor.containers] == ["kserve-container", "torchserve"]
    assert service.metadata["annotations"]["serving.kserve.io/deploymentMode"] == "RawDeployment"


def misspell_min_replicas(document: dict) -> None:
    predictor = document["spec"]["predictor"]
    predictor["minReplica"] = predictor.pop("minReplicas")


def quote_min_replicas(document: dict) -> None:
    document["spec"]["predictor"]["minReplicas"] = "2"


def misspell_a_container_field(document: dict) -> None:
    document["spec"]["predictor"]["containers"][1]["workDir"] = "/tmp"


def mistype_a_volume(document: dict) -> None:
    document["spec"]["predictor"]["volumes"][1]["emptyDir"] = "1Gi"


@pytest.mark.parametrize(
    ("breaks", "expected"),
    [
        (misspell_min_replicas, ".spec.predictor: V1beta1PredictorSpec has no field 'minReplica'"),
        (quote_min_replicas, ".spec.predictor.minReplicas: expected int, got str '2'"),
        (misspell_a_container_field, ".spec.predictor.containers[1]: Additional properties are not allowed ('workDir'"),
        (mistype_a_volume, ".spec.predictor.volumes[1].emptyDir: '1Gi' is not of type 'object'"),
    ],
    ids=lambda value: getattr(value, "__name__", "message"),
)
def test_a_broken_copy_of_the_inference_service_is_refused_with_the_field_named(breaks, expected):
    document = copy.deepcopy(inference_service())
    breaks(document)
    with pytest.raises(ManifestError) as raised:
        load_into_kserve_types(document, VERSIONS)
    assert str(raised.value).startswith(expected), str(raised.value)
