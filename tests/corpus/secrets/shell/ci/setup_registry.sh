#!/usr/bin/env bash
# Configure package registry auth on self-hosted runners.
set -euo pipefail

cat > ~/.npmrc <<NPMRC
//registry.npmjs.org/:_authToken=npm_pP1GOcCybcp01xZslKNO06BNZa41JGk0YsUK
//npm.pkg.github.com/:_authToken=${GITHUB_TOKEN}
NPMRC

cat > ~/.netrc <<NETRC
machine github.com login acme-bot password ghp_c33maR0syzM3BCiyYatB1d2D0PFP7ffG8IpR
machine nexus.acme.internal login ci password Nexu5-CI-Runn3r
NETRC
chmod 600 ~/.netrc

pip config set global.index-url "https://ci:VaWKIxCIrpaFiA8gpkyVBK@pypi.acme.dev/simple/"
gem sources --add "https://ci:Gemf@ry-T0ken-91@gems.acme.dev/"
helm repo add acme https://charts.acme.dev --username ci --password "y2jH4wEoV9viBg1CPI1zpbnNfXtiSA"
helm repo add public https://charts.example.org --username "$HELM_USER" --password "$HELM_PASSWORD"
docker login ghcr.io -u acme-bot --password-stdin <<< "${GHCR_TOKEN}"
echo "registry auth configured"
