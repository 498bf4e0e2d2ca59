#!/usr/bin/env bash
# Developer machine bootstrap. Contains no credentials; everything comes from 1Password/Vault.
set -euo pipefail

: "${VAULT_ADDR:=https://vault.acme.internal:8200}"
export VAULT_ADDR

if [[ -z "${VAULT_TOKEN:-}" ]]; then
  VAULT_TOKEN=$(vault login -method=oidc -token-only)
  export VAULT_TOKEN
fi

GITHUB_TOKEN=$(op read "op://Engineering/github-cli/token")
NPM_TOKEN=$(vault kv get -field=token secret/dev/npm)
echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > ~/.npmrc

read -r -s -p "Database password: " DB_PASSWORD
echo
printf 'DB_PASSWORD=%s\n' "$DB_PASSWORD" >> .env

ssh-keygen -t ed25519 -N "" -f ~/.ssh/id_ed25519 -C "$(whoami)@acme"
ssh-keyscan github.com >> ~/.ssh/known_hosts
echo "expected github.com host key: SHA256:KJWUWg5ML+tYuvnin7cOBgWeTrLXSrh7JL/G0Njh295"

curl -fsSL https://get.acme.internal/tools.tar.gz -o /tmp/tools.tar.gz
echo "dbf2856dad31cc2cfe3fe9bfef4d88ef01b312ab265a680b9b7e1972b10bd5d6  /tmp/tools.tar.gz" | sha256sum -c -
SESSION_NONCE=$(openssl rand -hex 16)
export GH_TOKEN="$GITHUB_TOKEN"
echo "bootstrap done (nonce $SESSION_NONCE)"
