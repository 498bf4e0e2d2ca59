#!/usr/bin/env bash
# Deploy the api to the production cluster.
set -euo pipefail

ENVIRONMENT="${1:-production}"
IMAGE_TAG="$(git rev-parse --short HEAD)"
REGISTRY=registry.acme.dev

export AWS_ACCESS_KEY_ID="AKIADZ2QMZHFECLGWXWG"
export AWS_SECRET_ACCESS_KEY="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"
export AWS_DEFAULT_REGION=us-east-1
export KUBECONFIG="$HOME/.kube/${ENVIRONMENT}.yaml"

DOCKER_PASSWORD="${DOCKER_PASSWORD:?DOCKER_PASSWORD must be set}"
echo "$DOCKER_PASSWORD" | docker login "$REGISTRY" -u deployer --password-stdin
docker login -u deploy-bot -p 'Dock3r-Depl0y!' "$REGISTRY"

docker build -t "$REGISTRY/api:$IMAGE_TAG" .
docker push "$REGISTRY/api:$IMAGE_TAG"

DB_PASSWORD=$(aws secretsmanager get-secret-value --secret-id "prod/api/db" --query SecretString --output text | jq -r .password)
kubectl create secret generic api-db --from-literal=password="$DB_PASSWORD" --dry-run=client -o yaml | kubectl apply -f -
kubectl create secret generic api-keys --from-literal=stripe='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' --dry-run=client -o yaml | kubectl apply -f -

helm upgrade --install api ./chart \
  --set image.tag="$IMAGE_TAG" \
  --set db.password="$DB_PASSWORD" \
  --set redis.password=R3dis-Helm-Pw \
  --wait

curl -fsS -X POST "https://hooks.slack.com/services/${SLACK_HOOK_PATH}" -d "{\"text\":\"deployed $IMAGE_TAG\"}"
curl -fsS -H "Authorization: Bearer 3a99fb04ca29b3e3be69a726cbf5d2e522f16a98" "https://api.newrelic.com/v2/applications/1234/deployments.json" \
  -d "deployment[revision]=$IMAGE_TAG"
echo "sha256 of chart: $(sha256sum chart.tgz | cut -d' ' -f1)"
