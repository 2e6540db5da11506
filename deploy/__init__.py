"""Scale-out serving files: Kubernetes manifests, the container image, and the two small scripts the pod runs."""
