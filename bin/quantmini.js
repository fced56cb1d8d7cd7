#!/usr/bin/env node
// Runs the TypeScript CLI directly through tsx, so a clean clone needs no build step.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { register } = await import('tsx/esm/api');
register();
await import('../core/cli/main.ts');
