"""deploy/: the Kubernetes and KServe manifests hang together and point at what the repository makes
(config.properties, the archive step's model_store/deepfake.mar, the pod scripts). No cluster or
kubectl here: structure, cross-references and sizing, read with PyYAML."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import yaml

from stack import probe
from stack.archive import MODEL_NAME
from stack.pod_config import merge_properties, properties
from stack.torchserve_process import ports_from_config

REPO_ROOT = Path(__file__).resolve().parents[2]
DEPLOY = REPO_ROOT / "deploy"
EXPECTED_KINDS = {
    "kubernetes/deployment.yaml": ("apps/v1", "Deployment"),
    "kubernetes/service.yaml": ("v1", "Service"),
    "kubernetes/hpa.yaml": ("autoscaling/v2", "HorizontalPodAutoscaler"),
    "kubernetes/pdb.yaml": ("policy/v1", "PodDisruptionBudget"),
    "kubernetes/monitoring/podmonitor.yaml": ("monitoring.coreos.com/v1", "PodMonitor"),
    "kserve/inferenceservice.yaml": ("serving.kserve.io/v1beta1", "InferenceService"),
    "kserve/hpa.yaml": ("autoscaling/v2", "HorizontalPodAutoscaler"),
}
# Peak RSS of one TorchServe worker measured here while scanning videos up to 60 s of 720p in
# batches of 4 (deploy/README.md, "Sizing"), and the Java frontend's.
MEASURED_WORKER_PEAK_MIB = 1335
MEASURED_FRONTEND_MIB = 364


def load(relative: str) -> dict:
    return yaml.safe_load((DEPLOY / relative).read_text())


def pod_spec() -> dict:
    return load("kubernetes/deployment.yaml")["spec"]["template"]["spec"]


def container(name: str, spec: dict | None = None) -> dict:
    return next(item for item in (spec or pod_spec())["containers"] if item["name"] == name)


def environment(of: dict) -> dict[str, str]:
    return {item["name"]: item["value"] for item in of.get("env", [])}


def pod_config() -> dict[str, str]:
    """The config TorchServe runs with in the pod: the repository's file plus the pod overrides."""
    merged = merge_properties(
        (REPO_ROOT / "config.properties").read_text(), (DEPLOY / "pod-config" / "pod.properties").read_text()
    )
    return properties(merged)


def makefile_mar() -> Path:
    """What the archive step writes: `MAR := model_store/deepfake.mar` in the Makefile."""
    return Path(re.search(r"^MAR\s*:=\s*(\S+)", (REPO_ROOT / "Makefile").read_text(), re.MULTILINE).group(1))


def dockerfile_copies() -> dict[str, str]:
    """COPY source -> destination (absolute, resolved against WORKDIR) in deploy/Dockerfile."""
    copies, workdir = {}, "/"
    for line in (DEPLOY / "Dockerfile").read_text().splitlines():
        words = line.split()
        if words[:1] == ["WORKDIR"]:
            workdir = words[1]
        if words[:1] == ["COPY"]:
            *sources, destination = words[1:]
            destination = destination if destination.startswith("/") else f"{workdir}/{destination}"
            for source in sources:
                copies[source] = (
                    f"{destination.rstrip('/')}/{Path(source).name}" if destination.endswith("/") else destination
                )
    return copies


@pytest.mark.parametrize("relative", sorted(EXPECTED_KINDS))
def test_each_manifest_has_its_kind_and_api_version(relative):
    documents = list(yaml.safe_load_all((DEPLOY / relative).read_text()))
    assert len(documents) == 1
    assert (documents[0]["apiVersion"], documents[0]["kind"]) == EXPECTED_KINDS[relative]
    assert documents[0]["metadata"]["name"] == "deepfake"


@pytest.mark.parametrize("folder", ["kubernetes", "kserve", "pod-config"])
def test_kustomizations_name_files_that_exist(folder):
    kustomization = load(f"{folder}/kustomization.yaml")
    for resource in kustomization.get("resources", []):
        target = DEPLOY / folder / resource
        assert target.is_file() or (target / "kustomization.yaml").is_file(), resource
    for generator in kustomization.get("configMapGenerator", []):
        assert all((DEPLOY / folder / name).is_file() for name in generator["files"])
    assert all((DEPLOY / folder / name).is_file() for name in kustomization.get("configurations", []))


def test_the_pod_binds_every_interface_on_the_configured_ports_with_token_auth_on():
    config = pod_config()
    repo_ports = ports_from_config((REPO_ROOT / "config.properties").read_text())
    for key, port in (
        ("inference_address", repo_ports.inference),
        ("management_address", repo_ports.management),
        ("metrics_address", repo_ports.metrics),
    ):
        assert config[key] == f"http://0.0.0.0:{port}"
    assert config.get("disable_token_authorization", "false") == "false", "a non-loopback address needs token auth"
    assert config["enable_model_api"] == "false"
    ports = {port["name"]: port["containerPort"] for port in container("torchserve")["ports"]}
    assert ports == {
        "inference": repo_ports.inference,
        "management": repo_ports.management,
        "metrics": repo_ports.metrics,
    }


def test_the_image_carries_what_the_archive_step_and_the_repository_make():
    copies = dockerfile_copies()
    mar = makefile_mar()
    assert mar.name == f"{MODEL_NAME}.mar"
    assert copies[str(mar)] == f"{pod_config()['model_store']}/{mar.name}", (
        "model_store of the pod must hold the archive"
    )
    assert copies["config.properties"] == "/app/config.properties"
    for source in copies:
        assert source == str(mar) or (REPO_ROOT / source).exists(), f"Dockerfile copies a missing {source}"
    allowed = [
        line[1:] for line in (DEPLOY / "Dockerfile.dockerignore").read_text().splitlines() if line.startswith("!")
    ]
    assert sorted(copies) == sorted(allowed), "the build context must hold exactly what the Dockerfile copies"


def test_torchserve_starts_from_the_merged_config_with_the_archive():
    torchserve = container("torchserve")
    script = torchserve["args"][0]
    copies = dockerfile_copies()
    mounts = {mount["name"]: mount["mountPath"] for mount in torchserve["volumeMounts"]}
    config_map = next(volume for volume in pod_spec()["volumes"] if volume["name"] == "pod-config")["configMap"]["name"]
    generated = load("pod-config/kustomization.yaml")["configMapGenerator"][0]
    assert config_map == generated["name"]
    pod_properties = f"{mounts['pod-config']}/{generated['files'][0]}"
    assert shlex.split(script)[:4] == [
        "python",
        copies["stack/pod_config.py"],
        copies["config.properties"],
        pod_properties,
    ]
    assert environment(torchserve)["TS_CONFIG_FILE"] == f"{torchserve['workingDir']}/config.properties"
    assert mounts["run"] == torchserve["workingDir"], "key_file.json and logs/ need a writable working directory"
    assert "torchserve --start --foreground --ncs --models deepfake.mar" in script
    assert pod_config()["load_models"] == makefile_mar().name


def test_probes_ask_the_management_api_whether_the_model_is_ready():
    torchserve = container("torchserve")
    probe_script = dockerfile_copies()["stack/probe.py"]
    for kind, mode in (("startupProbe", "ready"), ("readinessProbe", "ready"), ("livenessProbe", "live")):
        assert torchserve[kind]["exec"]["command"] == ["python", probe_script, mode]
    repo_ports = ports_from_config((REPO_ROOT / "config.properties").read_text())
    assert probe.MANAGEMENT_URL == f"http://127.0.0.1:{repo_ports.management}"
    assert (
        probe.KEY_FILE == Path("key_file.json") and probe.MODEL == MODEL_NAME
    )  # run in TorchServe's working directory
    assert torchserve["workingDir"] == str(Path(environment(torchserve)["TS_CONFIG_FILE"]).parent)


def test_the_proxy_reads_the_keys_torchserve_writes_and_the_service_exposes_only_the_proxy_and_metrics():
    torchserve, proxy = container("torchserve"), container("proxy")
    assert environment(proxy)["TORCHSERVE_KEY_FILE"] == f"{torchserve['workingDir']}/key_file.json"
    run_mount = next(mount for mount in proxy["volumeMounts"] if mount["name"] == "run")
    assert run_mount == {"name": "run", "mountPath": torchserve["workingDir"], "readOnly": True}
    service = load("kubernetes/service.yaml")["spec"]
    labels = load("kubernetes/deployment.yaml")["spec"]["template"]["metadata"]["labels"]
    assert service["selector"].items() <= labels.items()
    named_ports = {port["name"] for item in pod_spec()["containers"] for port in item["ports"]}
    assert {port["targetPort"] for port in service["ports"]} == {"api", "metrics"} <= named_ports


def test_the_autoscaler_scales_the_deployment_on_the_queue_latency_metric():
    hpa = load("kubernetes/hpa.yaml")["spec"]
    assert hpa["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": "deepfake"}
    (metric,) = hpa["metrics"]
    (rule,) = load("kubernetes/monitoring/prometheus-adapter-values.yaml")["rules"]["custom"]
    assert metric["type"] == "Pods" and metric["pods"]["metric"]["name"] == rule["name"]["as"]
    assert (
        "ts_queue_latency_microseconds" in rule["seriesQuery"]
        and "rate(ts_queue_latency_microseconds" in rule["metricsQuery"]
    )
    assert set(rule["resources"]["overrides"]) == {"namespace", "pod"}
    assert hpa["minReplicas"] <= hpa["maxReplicas"]
    template = load("kubernetes/deployment.yaml")["spec"]["template"]["metadata"]
    metrics_port = next(port["containerPort"] for port in container("torchserve")["ports"] if port["name"] == "metrics")
    assert template["annotations"]["prometheus.io/port"] == str(metrics_port)
    assert load("kubernetes/monitoring/podmonitor.yaml")["spec"]["podMetricsEndpoints"][0]["port"] == "metrics"


def memory_mib(quantity: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(Mi|Gi)", quantity).groups()
    return float(number) * (1024 if unit == "Gi" else 1)


def test_resources_follow_the_measured_figures():
    torchserve = container("torchserve")
    models = yaml.safe_load(pod_config()["models"])  # JSON is YAML
    (settings,) = models[MODEL_NAME].values()
    workers = settings["maxWorkers"]
    threads = int(environment(torchserve)["DEEPFAKE_TORCH_THREADS"])
    requests = torchserve["resources"]["requests"]
    assert float(requests["cpu"]) == workers * threads, "one torch thread per worker per requested core"
    needed = workers * MEASURED_WORKER_PEAK_MIB + MEASURED_FRONTEND_MIB
    assert memory_mib(requests["memory"]) >= needed
    assert memory_mib(torchserve["resources"]["limits"]["memory"]) > memory_mib(requests["memory"])


def test_the_kserve_variant_runs_the_same_pod_with_the_proxy_first():
    predictor = load("kserve/inferenceservice.yaml")["spec"]["predictor"]
    deployment_pod = pod_spec()
    first, *rest = predictor["containers"]
    assert first == {**container("proxy"), "name": "kserve-container"}, (
        "KServe routes to the first container: the proxy"
    )
    assert rest == [container("torchserve")]
    for key, value in deployment_pod.items():
        if key != "containers":
            assert predictor[key] == value, key
    annotations = load("kserve/inferenceservice.yaml")["metadata"]["annotations"]
    assert annotations["serving.kserve.io/deploymentMode"] == "RawDeployment"
    assert annotations["prometheus.kserve.io/port"] == "8082"
    kserve_hpa, plain_hpa = load("kserve/hpa.yaml")["spec"], load("kubernetes/hpa.yaml")["spec"]
    assert kserve_hpa["scaleTargetRef"]["name"] == "deepfake-predictor"
    assert {**kserve_hpa, "scaleTargetRef": None} == {**plain_hpa, "scaleTargetRef": None}
