// One setting's layers, picked out of the layers of the whole `pacer` section. VS Code's
// `inspect()` costs about a millisecond a call in the extension host (it merges every layer each
// time), so reading 30 settings one by one took 30 ms of activation; one `inspect('pacer')`
// returns each layer as a tree, and this walks the trees. Pure, so it is tested in plain Node.
import type { SettingLayers } from './settingsReader';

const LAYERS = ['defaultValue', 'globalValue', 'workspaceValue', 'workspaceFolderValue'] as const;

function at(tree: unknown, path: readonly string[]): unknown {
  let node = tree;
  for (const part of path) {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return undefined;
    if (!Object.prototype.hasOwnProperty.call(node, part)) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

/** The layers of `key` (dotted, relative to the section) inside the section's layers. */
export function layersAt(section: SettingLayers | undefined, key: string): SettingLayers | undefined {
  if (section === undefined) return undefined;
  const path = key.split('.');
  const layers: SettingLayers = {};
  for (const layer of LAYERS) {
    const value = at(section[layer], path);
    if (value !== undefined) layers[layer] = value;
  }
  return layers;
}
