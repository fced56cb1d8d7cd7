// QuantMini's own lint rules (one plugin, registered in eslint.config.js).
import path from 'node:path';
import { CORE_LEVELS, coreUnit } from './core-layers.js';

const ROOT = path.resolve(import.meta.dirname, '..');

/** `quantmini/core-layering`: imports in core/ only go down the layer order of core-layers.js. */
const coreLayering = {
  meta: {
    type: 'problem',
    docs: { description: 'core/ modules import only from their own folder and lower layers; no electron in core/' },
    schema: [],
    messages: {
      upward: '{{from}} (level {{fromLevel}}) must not import {{to}} (level {{toLevel}}): core/ imports go down the layer order only (eslint-rules/core-layers.js)',
      unknown: 'core/{{unit}} has no level in eslint-rules/core-layers.js: give the folder its place in the layer order',
      electron: 'core/ runs without Electron (CLI, web host, workers): keep "electron" imports in electron/',
    },
  },
  create(context) {
    const file = path.relative(ROOT, context.filename).split(path.sep).join('/');
    const from = coreUnit(file);
    if (from === null) return {};
    const check = (node, spec) => {
      if (typeof spec !== 'string') return;
      if (spec === 'electron' || spec.startsWith('electron/')) {
        context.report({ node, messageId: 'electron' });
        return;
      }
      if (!spec.startsWith('.')) return;
      const target = path.relative(ROOT, path.resolve(path.dirname(context.filename), spec)).split(path.sep).join('/');
      const to = coreUnit(target);
      if (to === null || to === from) return;
      const fromLevel = CORE_LEVELS[from];
      const toLevel = CORE_LEVELS[to];
      if (fromLevel === undefined) return context.report({ node, messageId: 'unknown', data: { unit: from } });
      if (toLevel === undefined) return context.report({ node, messageId: 'unknown', data: { unit: to } });
      if (toLevel >= fromLevel) context.report({ node, messageId: 'upward', data: { from, to, fromLevel, toLevel } });
    };
    return {
      ImportDeclaration: (node) => check(node.source, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node.source, node.source.value),
      ExportAllDeclaration: (node) => check(node.source, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node.source, node.source.value),
    };
  },
};

export default { rules: { 'core-layering': coreLayering } };
