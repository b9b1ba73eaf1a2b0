import { type Document, isMap, isNode, isScalar, isSeq, type LineCounter } from 'yaml';

/** A location inside the parsed YAML: keys and list indexes from the root. */
export type YamlPath = readonly (string | number)[];

/**
 * Returns a function giving the 1-based line of a path in the document. A path that goes past what the
 * file contains (a missing key) gives the line of its deepest existing part, e.g. the `ask:` that lacks a key.
 */
export function createLineLocator(doc: Document, counter: LineCounter): (path: YamlPath) => number {
  const lineAt = (offset: number) => Math.max(1, counter.linePos(offset).line);
  return (path) => {
    let node: unknown = doc.contents;
    let line = isNode(node) && node.range ? lineAt(node.range[0]) : 1;
    for (const segment of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value === segment : p.key === segment));
        if (!pair) break;
        if (isNode(pair.key) && pair.key.range) line = lineAt(pair.key.range[0]);
        node = pair.value;
      } else if (isSeq(node) && typeof segment === 'number') {
        const item = node.items[segment];
        if (item === undefined) break;
        if (isNode(item) && item.range) line = lineAt(item.range[0]);
        node = item;
      } else {
        break;
      }
    }
    return line;
  };
}
