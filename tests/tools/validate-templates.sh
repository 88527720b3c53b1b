#!/usr/bin/env bash
# Validates the deployment templates; exits non-zero on any finding.
#
#   infra-bicep/      bicep build (ARM JSON -> artifacts/arm/main.json, read by tests/Bridge.Infra.Tests),
#                     bicep lint of every .bicep file, bicep build-params + lint of main.bicepparam.
#                     Any diagnostic (error, warning or info) is a finding.
#   aws-eventbridge/  cfn-lint (npm cfn-lint, with the current resource specification from
#                     @aws-cdk/cfnspec, see install-cfn-spec.sh, corrected in memory by
#                     cfn-spec-patches.js) on every template, with default parameters and, for
#                     bridge.yaml, every parameter combination the guide uses. Any info, warning or
#                     critical message is a finding. cfn-lint 1.9.7 predates the template's Rules
#                     section, so it lints a copy without it (artifacts/cfn/); the Rules themselves
#                     are checked by tests/Bridge.Infra.Tests.
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
# cfn-lint runs with cfn-spec-patches.js preloaded: it corrects, in memory only, properties where the
# bundled specification is older than CloudFormation (e.g. AWS::IAM::OIDCProvider ThumbprintList is
# optional today: IAM retrieves the thumbprint itself). The shared node_modules stay untouched.
cfn_lint_js="$tools_dir/node_modules/cfn-lint/lib/index.js"
cfn_lint() { node --require "$tools_dir/cfn-spec-patches.js" "$cfn_lint_js" "$@"; }
cfn_copy_dir="artifacts/cfn"
mkdir -p "$cfn_copy_dir"

# The copy cfn-lint reads: the template without its top-level Rules section (cfn-lint 1.9.7 rejects
# every intrinsic function there; CloudFormation evaluates Rules before creating anything).
lintable_copy() {
  local template="$1" copy
  copy="$cfn_copy_dir/$(basename "$template")"
  awk '/^Rules:/ { skip = 1; next } skip && /^[^[:space:]#]/ { skip = 0 } !skip' "$template" > "$copy"
  printf '%s\n' "$copy"
}

# Runs cfn-lint on a template with optional --parameters; any message, or a non-zero exit, is a finding.
run_cfn_lint() {
  local template="$1" params="${2:-}"
  local label="cfn-lint $template${params:+ --parameters $params}"
  local out rc=0 copy
  copy="$(lintable_copy "$template")"
  if [[ -n "$params" ]]; then
    out="$(cfn_lint validate "$copy" --parameters "$params" 2>&1)" || rc=$?
  else
    out="$(cfn_lint validate "$copy" 2>&1)" || rc=$?
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
# bridge.yaml takes required parameters (FunctionKeySecret; the Rules refuse an empty pipeline list
# and incomplete trust parameters), so it is linted below with complete sets, one per combination.
bridge="$cfn_dir/bridge.yaml"
for template in "${templates[@]}"; do
  [[ "$template" == "$bridge" ]] || run_cfn_lint "$template"
done

# bridge.yaml: each combination the guide uses (commas in values are escaped for cfn-lint).
if [[ -f "$bridge" ]]; then
  key='FunctionKeySecret=codepipeline-github-bridge/function-key'
  entra='EntraTenantId=00000000-0000-0000-0000-000000000000,EntraAudience=api://11111111-1111-1111-1111-111111111111,ManagedIdentityPrincipalId=22222222-2222-2222-2222-222222222222'
  # Defaults otherwise: TrustMode=EntraOidc, a new OIDC provider without thumbprints.
  run_cfn_lint "$bridge" "$key,$entra,PipelineNames=my-app-pipeline"
  run_cfn_lint "$bridge" "$key,TrustMode=AwsPrincipal,TrustedPrincipalArn=arn:aws:iam::123456789012:user/bridge-base,ExternalId=bridge-external-id,PipelineNames=build\\,deploy\\,release,SendStageEvents=true,AlarmTopicArn=arn:aws:sns:us-east-1:123456789012:alerts"
  # Checks mode with GitHub's buttons: the three extra statements, on named pipelines and on all.
  run_cfn_lint "$bridge" "$key,$entra,PipelineNames=build\\,deploy,ChecksMode=true,AllowRerunFromGitHub=true"
  run_cfn_lint "$bridge" "$key,$entra,AllPipelines=true,ChecksMode=true,AllowRerunFromGitHub=true"
  run_cfn_lint "$bridge" "$key,$entra,AllPipelines=true,FunctionKeySecretVersionId=a1b2c3d4-5678-90ab-cdef-EXAMPLE11111"
  run_cfn_lint "$bridge" "$key,$entra,ExistingOidcProviderArn=arn:aws:iam::123456789012:oidc-provider/sts.windows.net/00000000-0000-0000-0000-000000000000/,PipelineNames=p0\\,p1\\,p2\\,p3\\,p4\\,p5\\,p6\\,p7\\,p8\\,p9"
fi

elapsed=$((SECONDS - started))
if [[ $findings -gt 0 ]]; then
  say "FAILED: $findings finding(s) in ${elapsed}s"
  exit 1
fi
say "passed: no findings (${elapsed}s); ARM template at $arm_out/main.json"
