import path from 'node:path';

export const DEFAULT_OUT_DIR = 'generated/${documentName}';

/**
 * The folder a document's client goes to: the `eventscope.codegen.outDir` setting with `${documentName}`
 * replaced, relative to the workspace folder (or the document's folder outside a workspace). A document
 * named `asyncapi.yaml` takes its folder's name, so `orders/asyncapi.yaml` goes to `generated/orders`.
 */
export function resolveOutDir(setting: string, documentPath: string, workspaceFolder: string | undefined): string {
  const stem = path.basename(documentPath).replace(/\.(ya?ml|json)$/i, '');
  const documentName = /^asyncapi$/i.test(stem) ? path.basename(path.dirname(documentPath)) : stem;
  const resolved = (setting.trim() || DEFAULT_OUT_DIR).split('${documentName}').join(documentName);
  return path.resolve(workspaceFolder ?? path.dirname(documentPath), resolved);
}
