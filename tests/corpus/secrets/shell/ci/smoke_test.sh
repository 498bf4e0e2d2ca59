#!/usr/bin/env bash
set -euo pipefail
BASE_URL="${BASE_URL:-https://staging.acme.dev}"

token=$(curl -fsS "$BASE_URL/api/login" -H 'Content-Type: application/json' \
  -d '{"username":"smoke","password":"Sm0ke-T3st-Usr"}' | jq -r .token)

curl -fsS "$BASE_URL/api/me" -H "Authorization: Bearer $token"
curl -fsS "$BASE_URL/api/admin/ping" -H "Authorization: Basic c21va2UtYWRtaW46cXdlcnR5MTIz"
curl -fsS "$BASE_URL/api/partners?api_key=014e9454f465bbd2132208b9904e38c1"
curl -fsS "https://smoke:Sm0ke-T3st-Usr@$(echo "$BASE_URL" | sed 's#https://##')/metrics" > /dev/null
curl -fsS "$BASE_URL/api/items" -H "X-Api-Key: ${SMOKE_API_KEY:-}"
curl -fsS "$BASE_URL/api/items" -H 'X-Request-Id: 61ff105e-4684-46da-b229-3be8deacb594'
grep -q '"password"' <(curl -fsS "$BASE_URL/openapi.json")
echo "password reset page:" "$(curl -s -o /dev/null -w '%{http_code}' "$BASE_URL/password/reset")"
echo "smoke ok"
