#!/usr/bin/env python3
"""Reads a kustomize overlay under k8s/ and prints, as shell assignments, how its server container runs: the
environment (ConfigMap via envFrom + the container's env, Secret references listed apart), user, group and fsGroup,
the security context, memory/CPU limits, volumes and their mounts, the port, the probes, the preStop command and
the grace period. scripts/container-check.sh evals the output and runs the image with exactly that.

usage: pod-args.py k8s/overlays/cpu

Only the kustomize features the manifests use are rendered (resources, components, patches by kind + name,
strategic merge with the Kubernetes merge keys); anything the container check cannot reproduce with podman (another
kind of volume or env source, a second container) stops it with a message, so the check never runs a pod that
differs from the manifests without saying so. The full renderer the tests use is
src/test/java/io/prosface/deploy/KustomizeRenderer.java.
"""
import os
import shlex
import sys

import yaml

MERGE_KEYS = {"containers": "name", "initContainers": "name", "env": "name", "volumes": "name",
              "volumeMounts": "mountPath", "ports": "containerPort"}


def fail(message):
    sys.exit("pod-args: " + message)


def merge(base, patch, key=None):
    """Strategic merge patch: maps merge recursively, null deletes, lists with a merge key merge by it."""
    if isinstance(base, dict) and isinstance(patch, dict):
        merged = dict(base)
        for name, value in patch.items():
            if value is None:
                merged.pop(name, None)
            else:
                merged[name] = merge(merged.get(name), value, name)
        return merged
    if isinstance(base, list) and isinstance(patch, list) and key in MERGE_KEYS:
        field = MERGE_KEYS[key]
        merged = list(base)
        for item in patch:
            index = next((i for i, old in enumerate(merged) if old.get(field) == item.get(field)), None)
            if index is None:
                merged.append(item)
            else:
                merged[index] = merge(merged[index], item, key)
        return merged
    return patch


def load_yaml(path):
    with open(path) as stream:
        return [document for document in yaml.safe_load_all(stream) if document]


def render(directory):
    kustomization = load_yaml(os.path.join(directory, "kustomization.yaml"))[0]
    documents = []
    for resource in kustomization.get("resources", []):
        path = os.path.join(directory, resource)
        documents += render(path) if os.path.isdir(path) else load_yaml(path)
    for component in kustomization.get("components", []):
        documents = apply_patches(documents + render_component(os.path.join(directory, component)),
                                  os.path.join(directory, component))
    return apply_patches(documents, directory, kustomization)


def render_component(directory):
    kustomization = load_yaml(os.path.join(directory, "kustomization.yaml"))[0]
    documents = []
    for resource in kustomization.get("resources", []):
        documents += load_yaml(os.path.join(directory, resource))
    return documents


def apply_patches(documents, directory, kustomization=None):
    kustomization = kustomization or load_yaml(os.path.join(directory, "kustomization.yaml"))[0]
    for patch_entry in kustomization.get("patches", []):
        if "path" not in patch_entry:
            fail(f"{directory}: only patches with a path are rendered here")
        for patch in load_yaml(os.path.join(directory, patch_entry["path"])):
            target = patch_entry.get("target", {})
            kind, name = target.get("kind", patch["kind"]), target.get("name", patch["metadata"]["name"])
            matches = [i for i, d in enumerate(documents) if d["kind"] == kind and d["metadata"]["name"] == name]
            if len(matches) != 1:
                fail(f"{directory}/{patch_entry['path']}: patch target {kind}/{name} found {len(matches)} times")
            documents[matches[0]] = merge(documents[matches[0]], patch)
    return documents


def main():
    overlay = sys.argv[1]
    documents = render(overlay)
    deployments = [d for d in documents if d["kind"] == "Deployment"]
    if len(deployments) != 1:
        fail(f"{overlay}: expected one Deployment, found {len(deployments)}")
    pod = deployments[0]["spec"]["template"]["spec"]
    if len(pod["containers"]) != 1 or pod.get("initContainers"):
        fail(f"{overlay}: the check runs one container and no init containers")
    container = pod["containers"][0]
    config_maps = {d["metadata"]["name"]: d.get("data", {}) for d in documents if d["kind"] == "ConfigMap"}

    environment, secrets = {}, []
    for source in container.get("envFrom", []):
        if "configMapRef" not in source:
            fail(f"envFrom {source}: only configMapRef is reproduced")
        environment.update(config_maps[source["configMapRef"]["name"]])
    for variable in container.get("env", []):
        if "value" in variable:
            environment[variable["name"]] = str(variable["value"])
        elif "secretKeyRef" in variable.get("valueFrom", {}):
            reference = variable["valueFrom"]["secretKeyRef"]
            secrets.append(f"{variable['name']}={reference['name']}/{reference['key']}")
            environment.pop(variable["name"], None)
        else:
            fail(f"env {variable['name']}: only literal values and secretKeyRef are reproduced")

    pod_security, security = pod.get("securityContext", {}), container.get("securityContext", {})
    volumes = {v["name"]: v for v in pod.get("volumes", [])}
    mounts = []
    for mount in container.get("volumeMounts", []):
        volume = volumes[mount["name"]]
        if "emptyDir" in volume:
            kind, size = "emptyDir", volume["emptyDir"].get("sizeLimit", "")
        elif "persistentVolumeClaim" in volume:
            claim = volume["persistentVolumeClaim"]["claimName"]
            claims = [d for d in documents if d["kind"] == "PersistentVolumeClaim" and d["metadata"]["name"] == claim]
            kind, size = "persistentVolumeClaim", claims[0]["spec"]["resources"]["requests"]["storage"] if claims else ""
        else:
            fail(f"volume {mount['name']}: only emptyDir and persistentVolumeClaim are reproduced")
        if mount.get("subPath") or mount.get("readOnly"):
            fail(f"volumeMount {mount['mountPath']}: subPath/readOnly are not reproduced")
        mounts.append(f"{mount['name']}:{kind}:{size}:{mount['mountPath']}")

    def probe(name):
        spec = container.get(name, {})
        if "httpGet" not in spec:
            fail(f"{name}: only httpGet probes are checked")
        return spec["httpGet"]["path"], spec.get("periodSeconds", 10) * spec.get("failureThreshold", 3)

    limits = container.get("resources", {}).get("limits", {})
    pre_stop = container.get("lifecycle", {}).get("preStop", {})
    if "exec" in pre_stop:
        pre_stop_command = pre_stop["exec"]["command"]
    elif "sleep" in pre_stop:
        pre_stop_command = ["sleep", str(pre_stop["sleep"]["seconds"])]
    else:
        pre_stop_command = []
    ports = [p["containerPort"] for p in container.get("ports", [])]
    if len(ports) != 1:
        fail(f"expected one container port, found {ports}")

    assignments = {
        "POD_IMAGE": container["image"],
        "POD_RUN_AS_USER": security.get("runAsUser", pod_security.get("runAsUser", "")),
        "POD_RUN_AS_GROUP": security.get("runAsGroup", pod_security.get("runAsGroup", "")),
        "POD_FS_GROUP": pod_security.get("fsGroup", ""),
        "POD_RUN_AS_NON_ROOT": str(security.get("runAsNonRoot", pod_security.get("runAsNonRoot", False))).lower(),
        "POD_READ_ONLY_ROOT": str(security.get("readOnlyRootFilesystem", False)).lower(),
        "POD_NO_NEW_PRIVILEGES": str(security.get("allowPrivilegeEscalation", True) is False).lower(),
        "POD_MEMORY_LIMIT": limits.get("memory", ""),
        "POD_CPU_LIMIT": limits.get("cpu", ""),
        "POD_EPHEMERAL_STORAGE_LIMIT": limits.get("ephemeral-storage", ""),
        "POD_PORT": ports[0],
        "POD_GRACE_SECONDS": pod.get("terminationGracePeriodSeconds", 30),
    }
    for name, variable in (("startupProbe", "STARTUP"), ("livenessProbe", "LIVENESS"), ("readinessProbe", "READINESS")):
        path, seconds = probe(name)
        assignments[f"POD_{variable}_PATH"] = path
        assignments[f"POD_{variable}_SECONDS"] = seconds
    arrays = {
        "POD_ENV": [f"{name}={value}" for name, value in sorted(environment.items())],
        "POD_SECRET_ENV": secrets,
        "POD_CAP_DROP": security.get("capabilities", {}).get("drop", []),
        "POD_CAP_ADD": security.get("capabilities", {}).get("add", []),
        "POD_MOUNTS": mounts,
        "POD_PRE_STOP": [str(word) for word in pre_stop_command],
    }
    for name, value in assignments.items():
        print(f"{name}={shlex.quote(str(value))}")
    for name, values in arrays.items():
        print(f"{name}=({' '.join(shlex.quote(value) for value in values)})")


if __name__ == "__main__":
    main()
