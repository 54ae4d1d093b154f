// The `process` global that cdk8s reads (process.env.CDK8S_*): empty environment in the browser.
export const process = { env: {}, platform: 'browser', cwd: () => '/', versions: {} };
