#!/usr/bin/env bash
# Validates the deployment templates; exits non-zero on any finding.
#
#   infra-bicep/      bicep build (ARM JSON -> artifacts/arm/main.json, read by tests/Bridge.Infra.Tests),
#                     bicep lint of every .bicep file, bicep build-params + lint of main.bicepparam.
#                     Any diagnostic (error, warning or info) is a finding.
#   aws-eventbridge/  cfn-lint (npm cfn-lint, with the current resource specification from
#                     @aws-cdk/cfnspec, see install-cfn-spec.sh) on every template, with default
#                     parameters and, for bridge.yaml, the other parameter combinations. Any info,
#                     warning or critical message is a finding.
#
# Runs from anywhere. Needs: dotnet (restores the Bicep CLI from NuGet the first time) and node/npm
# (installs tests/tools/node_modules the first time). Override the Bicep binary with BICEP=/path.
set -euo pipefail

tools_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$tools_dir/../.." && pwd)"
cd "$repo_root"

bicep_dir="infra-bicep"
cfn_dir="aws-eventbridge"
arm_out="artifacts/arm"
findings=0
started=$SECONDS

say() { printf '%s\n' "validate-templates: $*"; }
finding() { printf '%s\n' "validate-templates: FINDING: $*" >&2; findings=$((findings + 1)); }

# ---------------------------------------------------------------- Bicep
bicep_version="0.49.2"
nuget_root="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
bicep="${BICEP:-$nuget_root/azure.bicep.commandline.linux-x64/$bicep_version/tools/bicep}"
if [[ ! -f "$bicep" ]]; then
  say "restoring the Bicep CLI $bicep_version (dotnet restore tests/tools/bicep)"
  dotnet restore "$tools_dir/bicep/bicep.csproj" --nologo --verbosity quiet
fi
[[ -x "$bicep" ]] || chmod +x "$bicep"
say "bicep: $bicep ($("$bicep" --version))"

# Runs bicep with the given arguments; any output line that is a diagnostic, or a non-zero exit,
# is a finding. Bicep writes diagnostics as "path(line,col) : Level CODE: message".
run_bicep() {
  local what="$1"; shift
  local out rc=0
  out="$("$bicep" "$@" 2>&1)" || rc=$?
  if [[ -n "$out" ]]; then printf '%s\n' "$out"; fi
  local diagnostics
  diagnostics="$(printf '%s\n' "$out" | grep -cE '\) : (Error|Warning|Info) ' || true)"
  if [[ $rc -ne 0 ]]; then
    finding "$what: bicep exited with $rc"
  fi
  if [[ "$diagnostics" -gt 0 ]]; then
    finding "$what: $diagnostics diagnostic(s)"
  fi
  if [[ $rc -eq 0 && "$diagnostics" -eq 0 ]]; then
    say "$what: ok"
  fi
}

mkdir -p "$arm_out"
say "bicep build $bicep_dir/main.bicep --outdir $arm_out"
run_bicep "build main.bicep" build "$bicep_dir/main.bicep" --outdir "$arm_out"
[[ -s "$arm_out/main.json" ]] || finding "build main.bicep: $arm_out/main.json was not written"

say "bicep lint --pattern '$bicep_dir/**/*.bicep'"
run_bicep "lint *.bicep" lint --pattern "$bicep_dir/**/*.bicep"

for params in "$bicep_dir"/*.bicepparam; do
  [[ -e "$params" ]] || continue
  name="$(basename "$params" .bicepparam)"
  say "bicep build-params $params --outfile $arm_out/$name.parameters.json"
  run_bicep "build-params $(basename "$params")" build-params "$params" --outfile "$arm_out/$name.parameters.json"
  say "bicep lint $params"
  run_bicep "lint $(basename "$params")" lint "$params"
done

# ---------------------------------------------------------------- CloudFormation
if [[ ! -f "$tools_dir/node_modules/cfn-lint/package.json" ]]; then
  say "installing test tools (npm install in tests/tools)"
  (cd "$tools_dir" && npm install --no-audit --no-fund)
fi
bash "$tools_dir/install-cfn-spec.sh"
cfn_lint="$tools_dir/node_modules/.bin/cfn-lint"

# Runs cfn-lint on a template with optional --parameters; any message, or a non-zero exit, is a finding.
run_cfn_lint() {
  local template="$1" params="${2:-}"
  local label="cfn-lint $template${params:+ --parameters $params}"
  local out rc=0
  if [[ -n "$params" ]]; then
    out="$("$cfn_lint" validate "$template" --parameters "$params" 2>&1)" || rc=$?
  else
    out="$("$cfn_lint" validate "$template" 2>&1)" || rc=$?
  fi
  # Strip colours, then read the "N infos / N warn / N crit" summary.
  out="$(printf '%s\n' "$out" | sed 's/\x1b\[[0-9;]*m//g')"
  local infos warns crits
  infos="$(printf '%s\n' "$out" | sed -n 's/^\([0-9][0-9]*\) infos$/\1/p' | head -n1)"
  warns="$(printf '%s\n' "$out" | sed -n 's/^\([0-9][0-9]*\) warn$/\1/p' | head -n1)"
  crits="$(printf '%s\n' "$out" | sed -n 's/^\([0-9][0-9]*\) crit$/\1/p' | head -n1)"
  if [[ $rc -ne 0 || -z "$infos" || -z "$warns" || -z "$crits" || "$infos" != 0 || "$warns" != 0 || "$crits" != 0 ]]; then
    printf '%s\n' "$out"
    finding "$label: exit $rc, ${infos:-?} infos, ${warns:-?} warn, ${crits:-?} crit"
  else
    say "$label: ok (0 infos, 0 warn, 0 crit)"
  fi
}

shopt -s nullglob
templates=("$cfn_dir"/*.yaml "$cfn_dir"/*.yml "$cfn_dir"/*.json)
shopt -u nullglob
if [[ ${#templates[@]} -eq 0 ]]; then
  finding "no CloudFormation template under $cfn_dir/"
fi
for template in "${templates[@]}"; do
  run_cfn_lint "$template"
done

# bridge.yaml: the combinations the defaults do not reach (commas in values are escaped for cfn-lint).
bridge="$cfn_dir/bridge.yaml"
if [[ -f "$bridge" ]]; then
  run_cfn_lint "$bridge" 'TrustMode=AwsPrincipal,TrustedPrincipalArn=arn:aws:iam::123456789012:role/bridge-base,ExternalId=bridge-external-id'
  run_cfn_lint "$bridge" 'AuthorizationType=OAUTH_CLIENT_CREDENTIALS,OAuthTokenEndpoint=https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/oauth2/v2.0/token,OAuthClientId=client,OAuthClientSecret=secret,OAuthScope=api://codepipeline-github-bridge/.default,PipelineNames=build\,deploy\,release,SendStageEvents=true,AlarmTopicArn=arn:aws:sns:us-east-1:123456789012:alerts'
  run_cfn_lint "$bridge" 'ExistingOidcProviderArn=arn:aws:iam::123456789012:oidc-provider/sts.windows.net/00000000-0000-0000-0000-000000000000/,PipelineNames=p0\,p1\,p2\,p3\,p4\,p5\,p6\,p7\,p8\,p9'
fi

elapsed=$((SECONDS - started))
if [[ $findings -gt 0 ]]; then
  say "FAILED: $findings finding(s) in ${elapsed}s"
  exit 1
fi
say "passed: no findings (${elapsed}s); ARM template at $arm_out/main.json"
