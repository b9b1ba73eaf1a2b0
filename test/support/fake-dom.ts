/**
 * Just enough of the DOM for the inbox's views to be built, clicked and read in Node by the unit tests: a tree of
 * elements, found by test id. Not a browser: no layout, no events beyond `click()`.
 */
export abstract class FakeNode {
  parent: FakeElement | undefined;
  abstract textContent: string;
  remove() {
    if (!this.parent) return;
    this.parent.childNodes.splice(this.parent.childNodes.indexOf(this), 1);
    this.parent = undefined;
  }
}
class FakeText extends FakeNode {
  constructor(public textContent: string) {
    super();
  }
}
export class FakeElement extends FakeNode {
  childNodes: FakeNode[] = [];
  dataset: Record<string, string> = {};
  attributes = new Map<string, string>();
  listeners = new Map<string, ((event: unknown) => void)[]>();
  hidden = false;
  value = '';
  className = '';
  selectedIndex = 0;
  scrollTop = 0;
  scrollHeight = 0;
  clientHeight = 0;
  style = { setProperty() {} };
  constructor(public tagName: string) {
    super();
  }
  get children(): FakeElement[] {
    return this.childNodes.filter((node) => node instanceof FakeElement);
  }
  get firstElementChild(): FakeElement | null {
    return this.children[0] ?? null;
  }
  get lastElementChild(): FakeElement | null {
    return this.children.at(-1) ?? null;
  }
  get textContent(): string {
    return this.childNodes.map((node) => node.textContent).join('');
  }
  set textContent(text: string) {
    this.replaceChildren(text);
  }
  setAttribute(name: string, value: string) {
    this.attributes.set(name, value);
  }
  getAttribute(name: string) {
    return this.attributes.get(name) ?? null;
  }
  removeAttribute(name: string) {
    this.attributes.delete(name);
  }
  addEventListener(type: string, listener: (event: unknown) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  click() {
    for (const listener of this.listeners.get('click') ?? []) listener({ preventDefault() {} });
  }
  focus() {}
  insertBefore(node: FakeNode, before: FakeNode | null) {
    node.remove();
    node.parent = this;
    const at = before ? this.childNodes.indexOf(before) : -1;
    this.childNodes.splice(at < 0 ? this.childNodes.length : at, 0, node);
  }
  append(...nodes: (FakeNode | string)[]) {
    for (const node of nodes) this.insertBefore(typeof node === 'string' ? new FakeText(node) : node, null);
  }
  replaceChildren(...nodes: (FakeNode | string)[]) {
    for (const node of [...this.childNodes]) node.remove();
    this.append(...nodes);
  }
  before(...nodes: FakeNode[]) {
    for (const node of nodes) this.parent?.insertBefore(node, this);
  }
  replaceWith(node: FakeNode) {
    this.before(node);
    this.remove();
  }
  contains(node: unknown): boolean {
    return node === this || this.children.some((child) => child.contains(node));
  }
  querySelectorAll(selector: string): FakeElement[] {
    const testid = /^\[data-testid="(.+)"\]$/.exec(selector)?.[1];
    const found = this.children.flatMap((child) => [child, ...child.querySelectorAll(selector)]);
    return testid ? found.filter((el) => el.dataset.testid === testid) : [];
  }
  querySelector(selector: string) {
    return this.querySelectorAll(selector)[0] ?? null;
  }
}

/** Puts the fake DOM (and `matchMedia`) in the globals, for the modules imported after; returns what takes it away. */
export function installFakeDom() {
  Object.assign(globalThis, {
    Node: FakeNode,
    document: { createElement: (tag: string) => new FakeElement(tag), activeElement: null, hidden: false },
    matchMedia: () => ({ matches: true }),
  });
  return () => Object.assign(globalThis, { Node: undefined, document: undefined, matchMedia: undefined });
}
