#!/usr/bin/env bash
set -euo pipefail

VERSION="$1"
git tag -s "v$VERSION" -m "release $VERSION"
git push origin "v$VERSION"

python -m build
twine upload -u __token__ -p pypi-AgEIcHlwaS5vcmcczlf4pwJLUBwElahCj6eH_e5SCkqnKo1LEVcE1hi84_fgNKnuFWfTTUSM8hTVpJnnJTjLVrQbGkHDS1az9X3vw1SPBXfZvoqZulxJYChvtnnr11mYyFPDPOq1R2En-B-75BLMgjvQu-j9TmeEBTLvcs-Kzv9G9D6 dist/*
twine upload --repository-url https://pypi.acme.dev/ -u release-bot -p "$ACME_PYPI_PASSWORD" dist/*

npm publish --access public --//registry.npmjs.org/:_authToken=npm_nEvp0EJ2yA2eczPHqZQwBBw6UmgXmy8CNTns

curl -sS -X POST \
  -H "Authorization: token ghp_TrWuPN3UsgdFiJcdA2D4FPNr0sj2gJruSt15" \
  -H "Accept: application/vnd.github+json" \
  https://api.github.com/repos/acme/toolkit/releases \
  -d "{\"tag_name\":\"v$VERSION\",\"name\":\"v$VERSION\"}"

curl -sS -u "release-bot:pT0x8t2K85EPKMjKf7Ae" -T "dist/toolkit-$VERSION.tar.gz" "https://acme.jfrog.io/artifactory/generic-local/toolkit/"
curl -sS "https://api.cloudflare.com/client/v4/zones/163cd03717e23da499f7001d80ee3d69/purge_cache" \
  -H "Authorization: Bearer ${CF_API_TOKEN}" --data '{"purge_everything":true}'
gh release upload "v$VERSION" dist/*.whl --clobber
echo "released $VERSION ($(git rev-parse HEAD))"
