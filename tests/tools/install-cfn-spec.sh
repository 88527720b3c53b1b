#!/usr/bin/env bash
# Replaces the (2019) CloudFormation resource specification bundled with the npm package
# cfn-lint@1.9.7 by the current one shipped in @aws-cdk/cfnspec, so that resource types such as
# AWS::Events::Connection and AWS::Events::ApiDestination are known to the linter.
# Idempotent: does nothing when the file is already the replacement. The original is kept once
# as aws_resources_specification.json.orig next to it.
# Needs `npm install` to have run in tests/tools.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
modules="$here/node_modules"
source_spec="$modules/@aws-cdk/cfnspec/spec/specification.json"
cfnlint_dir="$modules/cfn-lint"
target_spec="$cfnlint_dir/data/aws_resources_specification.json"

if [[ ! -d "$cfnlint_dir" || ! -f "$source_spec" ]]; then
  echo "install-cfn-spec: cfn-lint or @aws-cdk/cfnspec missing under $modules; run 'npm install' in $here first" >&2
  exit 1
fi
if [[ ! -f "$target_spec" ]]; then
  echo "install-cfn-spec: $target_spec not found (cfn-lint layout changed?)" >&2
  exit 1
fi

if cmp -s "$source_spec" "$target_spec"; then
  echo "install-cfn-spec: cfn-lint already uses the @aws-cdk/cfnspec specification ($(node -p "require('$source_spec').ResourceSpecificationVersion" 2>/dev/null || echo '?'))"
  exit 0
fi

[[ -f "$target_spec.orig" ]] || cp "$target_spec" "$target_spec.orig"
tmp="$target_spec.tmp.$$"
cp "$source_spec" "$tmp"
mv -f "$tmp" "$target_spec"
echo "install-cfn-spec: replaced $target_spec"
echo "install-cfn-spec:   with $source_spec (version $(node -p "require('$source_spec').ResourceSpecificationVersion" 2>/dev/null || echo '?'))"
