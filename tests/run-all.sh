#!/usr/bin/env bash
# Runs every test the way CI does: install the tools the tests need, start Azurite, validate the deployment
# templates, run the .NET test suites, stop what was started, and print "tests: N passed, N failed".
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
results="$root/artifacts/test-results"
rm -rf "$results"; mkdir -p "$results"

echo "== native toolchain (the Kestrel host publishes Native AOT: gcc links it, with zlib)"
if ! command -v gcc >/dev/null || [ ! -e /usr/include/zlib.h ]; then
  apt-get install -y --no-install-recommends gcc libc6-dev zlib1g-dev >/dev/null \
    || { apt-get update >/dev/null && apt-get install -y --no-install-recommends gcc libc6-dev zlib1g-dev >/dev/null; }
fi

echo "== tools (npm: Azurite, Prism + GitHub OpenAPI, cfn-lint)"
(cd tests/tools && npm ci --no-audit --no-fund --loglevel=error)

free_port() { node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }

echo "== Azurite (Table service, in memory)"
table_port="$(free_port)"
tests/tools/node_modules/.bin/azurite-table --tableHost 127.0.0.1 --tablePort "$table_port" \
  --inMemoryPersistence --skipApiVersionCheck --disableTelemetry --silent >"$results/azurite.log" 2>&1 &
azurite_pid=$!
cleanup() { kill "$azurite_pid" 2>/dev/null || true; wait "$azurite_pid" 2>/dev/null || true; }
trap cleanup EXIT
# Readiness, not timing: poll until the port answers (at most 30 s).
for _ in $(seq 1 60); do
  curl -s -o /dev/null "http://127.0.0.1:$table_port/devstoreaccount1/Tables" && break
  kill -0 "$azurite_pid" 2>/dev/null || { cat "$results/azurite.log"; exit 1; }
  sleep 0.5
done
# Azurite's documented development account (public, not a secret).
export BRIDGE_TEST_TABLES="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;TableEndpoint=http://127.0.0.1:$table_port/devstoreaccount1;"

echo "== deployment templates (bicep build + lint, cfn-lint)"
template_status=0
bash tests/tools/validate-templates.sh || template_status=$?

echo "== dotnet test"
test_status=0
# A test that hangs fails its run after 10 minutes (with the hang's stacks in the results) instead of holding CI.
dotnet test Bridge.sln --logger "trx" --results-directory "$results" --blame-hang-timeout 10m || test_status=$?

passed=0; failed=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters="$(grep -o '<Counters [^>]*>' "$trx" | head -1)"
  p="$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")"
  f="$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")"
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
done
# The template validation counts as one test: zero findings passes it.
if [ "$template_status" -eq 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
[ "$test_status" -ne 0 ] && [ "$failed" -eq 0 ] && failed=1
echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
