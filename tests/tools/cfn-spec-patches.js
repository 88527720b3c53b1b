// Preloaded into cfn-lint (node --require) by validate-templates.sh: corrects the resource
// specification cfn-lint 1.9.7 validates against, in memory, where it is older than the service.
// Nothing on disk changes (tests/tools/node_modules may be shared between worktrees).
//
// Each patch names the AWS documentation that states the current behaviour.
'use strict';
const path = require('path');

const specPath = require.resolve('cfn-lint/data/aws_resources_specification.json', {
  paths: [path.join(__dirname, 'node_modules')],
});
// The same module instance cfn-lint's awsData.js requires: mutating it patches what the linter reads.
const spec = require(specPath);

const patches = [
  {
    // AWS::IAM::OIDCProvider ThumbprintList: optional. IAM API reference, CreateOpenIDConnectProvider:
    // without a thumbprint list, IAM retrieves the top intermediate CA thumbprint of the IdP's server
    // certificate itself; the CloudFormation resource (AWS::IAM::OIDCProvider, current template
    // reference) marks ThumbprintList "Required: No". @aws-cdk/cfnspec 2.72.1 still says required.
    type: 'AWS::IAM::OIDCProvider',
    property: 'ThumbprintList',
    apply: (p) => { p.Required = false; },
  },
];

for (const patch of patches) {
  const property = spec.ResourceTypes?.[patch.type]?.Properties?.[patch.property];
  if (!property) {
    throw new Error(`cfn-spec-patches: ${patch.type}.${patch.property} not in ${specPath}; the spec changed, review the patch`);
  }
  patch.apply(property);
}
