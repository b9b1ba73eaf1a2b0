import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Api } from './web/api.js';
import type { createThread as CreateThread } from './web/thread.js';

/** Just enough of the DOM for a thread to be built and clicked in Node: a tree of elements found by test id. */
abstract class FakeNode {
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
class FakeElement extends FakeNode {
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

type Answer = (value: unknown) => void;

/** A gateway whose answers the test gives, one request at a time, in the order it likes. */
function scriptedGateway() {
  const waiting: { call: string; answer: Answer }[] = [];
  const call =
    (name: string) =>
    (..._args: unknown[]) =>
      new Promise((resolve) => waiting.push({ call: name, answer: (value) => resolve({ ok: true, value }) }));
  const api = {
    messages: call('messages'),
    setRouting: call('setRouting'),
    markRead: async () => ({ ok: true, value: {} }),
  } as unknown as Api;
  return {
    api,
    /** Answers the oldest request of `name` still waiting. */
    answer: async (name: string, value: unknown) => {
      const at = waiting.findIndex((request) => request.call === name);
      expect(at).toBeGreaterThanOrEqual(0);
      waiting.splice(at, 1)[0]?.answer(value);
      for (let i = 0; i < 5; i += 1) await new Promise((resolve) => setImmediate(resolve));
    },
    waiting: (name: string) => waiting.filter((request) => request.call === name).length,
  };
}

const conversation = {
  id: 'c1',
  page_id: 'p1',
  first_name: 'Ada',
  routing: 'bot',
  paused_until: null,
  thread_elsewhere_since: null,
  assignee_id: null,
  assignee_name: null,
};

describe('a thread in the inbox', () => {
  let createThread: typeof CreateThread;
  beforeAll(async () => {
    Object.assign(globalThis, {
      Node: FakeNode,
      document: { createElement: (tag: string) => new FakeElement(tag), activeElement: null, hidden: false },
      matchMedia: () => ({ matches: true }),
    });
    ({ createThread } = await import('./web/thread.js'));
  });
  afterAll(() => {
    Object.assign(globalThis, { Node: undefined, document: undefined, matchMedia: undefined });
  });

  it("loads again after an action: a load answered while it was under way may be newer than the action's answer", async () => {
    const gateway = scriptedGateway();
    const thread = createThread({
      api: gateway.api,
      id: 'c1',
      notices: { show: (notice) => expect.fail(notice.text), clear: () => {} },
      pageName: () => 'Page',
      pageHealth: () => undefined,
      backHref: '#/',
      onChanged: () => {},
      drafts: new Map(),
      team: () => [{ id: 'u2', name: 'Bob' }],
      me: { id: 'u1', role: 'agent' },
    });
    void thread.start();
    await gateway.answer('messages', { conversation: { ...conversation }, messages: [] });
    const header = thread.element as unknown as FakeElement;
    header.querySelector('[data-testid="take-over"]')?.click();
    // The stream tells of a change while the take-over is under way: Bob was assigned, after it. Loaded, it shows.
    void thread.refresh();
    // Each answer its own object, as each parsed from JSON.
    const takenAndAssigned = () => ({ ...conversation, routing: 'human', assignee_id: 'u2', assignee_name: 'Bob' });
    await gateway.answer('messages', { conversation: takenAndAssigned(), messages: [] });
    // The take-over's answer, made before Bob was assigned, comes last.
    await gateway.answer('setRouting', { ...conversation, routing: 'human' });
    expect(gateway.waiting('messages')).toBe(1);
    await gateway.answer('messages', { conversation: takenAndAssigned(), messages: [] });
    expect(header.querySelector('[data-testid="assignee"]')?.value).toBe('u2');
    thread.close();
  });
});
