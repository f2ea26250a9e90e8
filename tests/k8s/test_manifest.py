"""The Kubernetes manifest of docs/campaign/ against the Kubernetes API's own schema.

Every field the manifest sets is looked up in the models of the Kubernetes Python client
(Debian's python3-kubernetes, generated from the API's OpenAPI schema): an unknown field, a
value of the wrong kind, or a required field left out fails, naming the field's path. The
client Debian 12 ships is 22.6 (Kubernetes 1.22's API); the fields the manifest uses from later
releases are listed below with the release that brought them, and the test fails once the
client knows them, so that the list does not outlive its reason. No cluster is involved: what
a cluster does with the manifest is not tested (docs/campaigns.md says so).
"""

from pathlib import Path

import pytest
import yaml

kubernetes = pytest.importorskip("kubernetes", reason="python3-kubernetes is not installed")
from kubernetes.client import models  # noqa: E402

MANIFEST = Path(__file__).resolve().parents[2] / "docs" / "campaign" / "k8s-campaign-job.yaml"

KINDS = {("v1", "PersistentVolumeClaim"): "V1PersistentVolumeClaim",
         ("batch/v1", "Job"): "V1Job"}

# (model, field) -> (Python type of its value, why the client's models lack it).
NEWER_THAN_THE_CLIENT = {
    ("V1JobSpec", "backoffLimitPerIndex"):
        (int, "Kubernetes 1.28 (alpha), 1.29 (beta, on by default)"),
}

PRIMITIVES = {"str": str, "int": int, "bool": bool, "float": (int, float)}


def check(value, type_name, path, problems):
    if type_name.startswith("list["):
        if not isinstance(value, list):
            problems.append(f"{path}: a list expected, not {value!r}")
            return
        for index, item in enumerate(value):
            check(item, type_name[5:-1], f"{path}[{index}]", problems)
    elif type_name.startswith("dict("):
        if not isinstance(value, dict):
            problems.append(f"{path}: a mapping expected, not {value!r}")
            return
        item_type = type_name[5:-1].split(", ", 1)[1]
        for key, item in value.items():
            check(item, item_type, f"{path}.{key}", problems)
    elif type_name in PRIMITIVES:
        wanted = PRIMITIVES[type_name]
        if not isinstance(value, wanted) or (type_name == "int" and isinstance(value, bool)):
            problems.append(f"{path}: a {type_name} expected, not {value!r}")
    elif type_name == "object":
        pass
    else:
        model = getattr(models, type_name)
        if not isinstance(value, dict):
            problems.append(f"{path}: a {type_name} mapping expected, not {value!r}")
            return
        fields = {json_key: attribute for attribute, json_key in model.attribute_map.items()}
        for key, item in value.items():
            if key in fields:
                check(item, model.openapi_types[fields[key]], f"{path}.{key}", problems)
            elif (type_name, key) in NEWER_THAN_THE_CLIENT:
                wanted, _ = NEWER_THAN_THE_CLIENT[(type_name, key)]
                if not isinstance(value[key], wanted):
                    problems.append(f"{path}.{key}: a {wanted.__name__} expected")
            else:
                problems.append(f"{path}.{key}: not a field of {type_name}")


def documents():
    return [d for d in yaml.safe_load_all(MANIFEST.read_text()) if d is not None]


def test_every_field_of_the_manifest_is_in_the_kubernetes_schema():
    problems = []
    for index, document in enumerate(documents()):
        kind = (document.get("apiVersion"), document.get("kind"))
        assert kind in KINDS, f"document {index}: unexpected {kind}"
        check(document, KINDS[kind], f"{document['kind']}/{document['metadata']['name']}",
              problems)
    assert problems == []


def test_required_fields_are_set():
    # The client's models refuse to be built without their required fields (client-side
    # validation): deserialising each document builds every nested model.
    client = kubernetes.client.ApiClient()
    for document in documents():
        model = KINDS[(document["apiVersion"], document["kind"])]
        built = client._ApiClient__deserialize(document, model)  # the client's own decoder
        assert built.metadata.name == document["metadata"]["name"]


def test_the_indexed_job_runs_every_index_and_each_pod_mounts_the_claim():
    by_kind = {}
    for document in documents():
        by_kind.setdefault(document["kind"], []).append(document)
    (claim,) = by_kind["PersistentVolumeClaim"]
    assert "ReadWriteMany" in claim["spec"]["accessModes"]
    indexed = [job for job in by_kind["Job"] if job["spec"].get("completionMode") == "Indexed"]
    assert len(indexed) == 1
    spec = indexed[0]["spec"]
    assert spec["parallelism"] == spec["completions"]
    assert spec["template"]["spec"]["restartPolicy"] == "Never"  # required by per-index backoff
    for job in by_kind["Job"]:
        volumes = job["spec"]["template"]["spec"]["volumes"]
        assert [v["persistentVolumeClaim"]["claimName"] for v in volumes] == \
            [claim["metadata"]["name"]]


def test_the_fields_newer_than_the_client_are_still_unknown_to_it():
    for (model, key), _ in NEWER_THAN_THE_CLIENT.items():
        assert key not in getattr(models, model).attribute_map.values(), \
            f"{model}.{key} is in the client's schema now: drop it from NEWER_THAN_THE_CLIENT"
