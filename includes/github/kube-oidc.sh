#!/usr/bin/env bash
# Connects kubectl to the cluster from a GitHub Actions job with the job's OIDC token, so no
# long-lived key exists anywhere (the Deploy workflow; the job needs `id-token: write`).
#   kube-oidc.sh kubeconfig   write $KUBECONFIG for $KUBE_SERVER / $KUBE_CA_DATA / $NAMESPACE
#   kube-oidc.sh token        kubectl's credential plugin: a fresh token at each call
# The cluster trusts https://token.actions.githubusercontent.com for the audience
# $KUBE_AUDIENCE (default "kubernetes"); see docs/deployment.md.
set -euo pipefail

case "${1:-}" in
  kubeconfig)
    : "${KUBE_SERVER:?set the environment variable KUBE_SERVER (the API server URL)}"
    : "${KUBE_CA_DATA:?set KUBE_CA_DATA (the base64 CA certificate of the API server)}"
    kubectl config set-cluster target --server="$KUBE_SERVER"
    kubectl config set clusters.target.certificate-authority-data "$KUBE_CA_DATA"
    kubectl config set-credentials github-oidc \
      --exec-api-version=client.authentication.k8s.io/v1 \
      --exec-command=bash --exec-arg="$(realpath "$0")" --exec-arg=token \
      --exec-interactive-mode=Never
    kubectl config set-context deploy --cluster=target --user=github-oidc \
      --namespace="${NAMESPACE:?set NAMESPACE}"
    kubectl config use-context deploy
    ;;
  token)
    : "${ACTIONS_ID_TOKEN_REQUEST_URL:?run in a GitHub Actions job with id-token: write}"
    token=$(curl --fail --silent --show-error \
      --header "Authorization: bearer ${ACTIONS_ID_TOKEN_REQUEST_TOKEN}" \
      "${ACTIONS_ID_TOKEN_REQUEST_URL}&audience=${KUBE_AUDIENCE:-kubernetes}" | jq -r .value)
    printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s"}}\n' "$token"
    ;;
  *)
    echo "usage: $0 kubeconfig|token" >&2
    exit 2
    ;;
esac
