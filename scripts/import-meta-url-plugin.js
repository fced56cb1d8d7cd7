// An esbuild plugin for our bundles: every `import.meta.url` in a module becomes
// `__qmFileUrl("<the module's path relative to the repo>")`. Each build's banner defines
// `__qmFileUrl` for where its bundles sit, so code that finds files beside its source
// (`new URL('../x', import.meta.url)`) keeps working from a bundle.
import fs from 'node:fs';
import path from 'node:path';

/** The plugin for a build whose sources live under `root`. */
export function importMetaUrlPlugin(root) {
  return {
    name: 'import-meta-url',
    setup(b) {
      b.onLoad({ filter: /\.(ts|js|mjs)$/ }, async (args) => {
        const text = await fs.promises.readFile(args.path, 'utf8');
        if (!text.includes('import.meta.url')) return undefined;
        const rel = path.relative(root, args.path).split(path.sep).join('/');
        return { contents: text.replaceAll('import.meta.url', `__qmFileUrl(${JSON.stringify(rel)})`), loader: args.path.endsWith('.ts') ? 'ts' : 'js' };
      });
    },
  };
}
