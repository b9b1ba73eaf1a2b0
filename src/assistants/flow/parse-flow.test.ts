import { describe, expect, it } from 'vitest';
import { FlowValidationError } from './flow-validation-error.ts';
import { DEFAULT_DIGRESSION_THRESHOLD, DEFAULT_THRESHOLD, parseFlow } from './parse-flow.ts';

/** The design.md §3 example, verbatim. */
const DESIGN_EXAMPLE = `name: support
language: en                      # used for matching and for built-in phrases
session_timeout_minutes: 60       # context resets after this much inactivity
actions:
  - id: greet
    trigger: welcome              # run on the Get Started postback (Messenger has no welcome turn)
    steps:
      - say: "Hi {{profile.first_name}}, I'm the Acme assistant."
      - options:
          text: "What can I do for you?"
          choices: [{label: "Order status", value: order_status}, {label: "Talk to a person", value: human}]
  - id: order_status
    examples: ["where is my order", "track my package", "order status"]
    steps:
      - ask: {text: "What is your order number?", variable: order_number, pattern: '^\\d{6}$',
              retry: "Order numbers have 6 digits."}
      - say: "Order {{order_number}} ships tomorrow."
      - image: {url: "https://example.com/truck.png", title: "On its way"}
  - id: human
    examples: ["talk to a human", "speak to an agent", "parler à un conseiller"]
    steps:
      - connect_to_agent: {message: "I'm bringing in a colleague."}
fallback:
  steps:
    - say: "Sorry, I did not get that."
`;

/** The 1-based line of the first line containing `needle`. */
function lineOf(text: string, needle: string): number {
  const index = text.split('\n').findIndex((line) => line.includes(needle));
  if (index < 0) throw new Error(`no line contains ${needle}`);
  return index + 1;
}

function problems(text: string, file = 'support.yaml'): string[] {
  try {
    parseFlow(text, file);
  } catch (error) {
    if (error instanceof FlowValidationError) return error.message.split('\n');
    throw error;
  }
  throw new Error('expected the flow to be rejected');
}

const flow = (steps: string, extra = '') => `name: t
actions:
  - id: main
    examples: [hello]
    steps:
${steps}
  - id: other
    examples: [bye]
    steps:
      - say: Bye
${extra}`;

describe('parseFlow', () => {
  it('accepts the design.md example and normalises its steps', () => {
    const def = parseFlow(DESIGN_EXAMPLE, 'support.yaml');
    expect(def.name).toBe('support');
    expect(def.actions.map((a) => a.id)).toEqual(['greet', 'order_status', 'human']);
    expect(def.actions[0]!.trigger).toBe('welcome');
    expect(def.actions[1]!.steps[0]).toEqual({
      kind: 'ask',
      text: 'What is your order number?',
      variable: 'order_number',
      pattern: '^\\d{6}$',
      retry: 'Order numbers have 6 digits.',
      max_retries: 3,
    });
    expect(def.actions[1]!.steps[2]).toEqual({
      kind: 'media',
      type: 'image',
      url: 'https://example.com/truck.png',
      title: 'On its way',
    });
    expect(def.fallback).toEqual([{ kind: 'say', text: 'Sorry, I did not get that.' }]);
  });

  it("fills defaults: name from the file, English, the page's session timeout, the default thresholds", () => {
    const def = parseFlow('actions: [{id: a, steps: [{say: hi}]}]', 'dir/my-bot.en.yaml');
    expect(def).not.toHaveProperty('session_timeout_minutes');
    expect(def).toMatchObject({
      name: 'my-bot.en',
      language: 'en',
      matching: { threshold: DEFAULT_THRESHOLD, digression_threshold: DEFAULT_DIGRESSION_THRESHOLD },
      fallback: null,
    });
  });

  it('raises the default digression threshold to a threshold set above it', () => {
    const def = parseFlow(`matching: {threshold: 0.8}\n${flow('      - say: Hi').replace('name: t\n', '')}`, 't.yaml');
    expect(def.matching).toEqual({ threshold: 0.8, digression_threshold: 0.8 });
  });

  it('expands the shorthands of media, pause, connect_to_agent, carousel and end', () => {
    const def = parseFlow(
      flow(`      - image: https://example.com/a.png
      - pause: 500
      - connect_to_agent: true
      - connect_to_agent: "One moment"
      - carousel:
          - {title: A}
          - {title: B, buttons: [{label: Go, url: "https://example.com"}, {label: Bye, value: other}]}
      - end`),
      't.yaml',
    );
    expect(def.actions[0]!.steps).toEqual([
      { kind: 'media', type: 'image', url: 'https://example.com/a.png' },
      { kind: 'pause', ms: 500, typing: true },
      { kind: 'connect_to_agent' },
      { kind: 'connect_to_agent', message: 'One moment' },
      {
        kind: 'carousel',
        cards: [
          { title: 'A' },
          {
            title: 'B',
            buttons: [
              { label: 'Go', url: 'https://example.com' },
              { label: 'Bye', value: 'other' },
            ],
          },
        ],
      },
      { kind: 'end' },
    ]);
  });

  it('parses if with then/else, the goto form and nested conditions', () => {
    const def = parseFlow(
      flow(`      - if: {all: [{variable: plan, equals: premium}, {not: {variable: input, matches: "^no"}}]}
        then: [{say: Premium}]
        else: [{say: Basic}]
      - if: {variable: plan, in: [a, b]}
        goto: other`),
      't.yaml',
    );
    const [first, second] = def.actions[0]!.steps;
    expect(first).toMatchObject({
      kind: 'if',
      then_steps: [{ kind: 'say', text: 'Premium' }],
      else_steps: [{ kind: 'say' }],
    });
    expect(first).toMatchObject({ condition: { kind: 'all', conditions: [{ kind: 'test' }, { kind: 'not' }] } });
    expect(second).toEqual({
      kind: 'if',
      condition: { kind: 'test', variable: 'plan', test: { op: 'in', values: ['a', 'b'] } },
      then_steps: [{ kind: 'goto', action: 'other' }],
      else_steps: [],
    });
  });

  it('names the file and line of a step that lacks a key', () => {
    const text = flow(`      - say: Hello
      - ask: {text: "Your order number?"}`);
    expect(problems(text)).toEqual([`support.yaml:${lineOf(text, 'ask:')}: step "ask" needs "variable"`]);
  });

  it('points at the key that has the wrong type', () => {
    const text = flow(`      - pause:
          ms: soon`);
    expect(problems(text)).toEqual([`support.yaml:${lineOf(text, 'ms: soon')}: step "pause": "ms" should be a number`]);
  });

  it('says what end and set values take instead of "Invalid input"', () => {
    const text = flow('      - set: {basket: [mug, candle]}\n      - end: false');
    expect(problems(text)).toEqual([
      `support.yaml:${lineOf(text, 'set:')}: step "set": "basket" should be text, a number, true or false (or null to remove it)`,
      `support.yaml:${lineOf(text, 'end:')}: step "end" takes no value: write \`- end\` (or \`end: true\`)`,
    ]);
  });

  it('suggests the step or key that was probably meant', () => {
    const text = flow(`      - sya: Hello
      - ask: {text: "Number?", variable: n, patern: "\\\\d+"}`);
    expect(problems(text)).toEqual([
      `support.yaml:${lineOf(text, 'sya')}: unknown step "sya" (did you mean "say"?)`,
      `support.yaml:${lineOf(text, 'patern')}: step "ask" has unknown key "patern" (did you mean "pattern"?)`,
    ]);
  });

  it('rejects a list item holding two steps', () => {
    const text = flow(`      - say: Hello
        ask: {text: "?", variable: x}`);
    expect(problems(text)).toEqual([
      `support.yaml:${lineOf(text, 'say: Hello')}: one step per list item, found "say" and "ask"`,
    ]);
  });

  it('rejects media and link addresses Messenger cannot fetch, and lets templates through', () => {
    const text = flow(`      - image: images/truck.png
      - card: {title: C, image_url: "{{photo}}", buttons: [{label: Shop, url: www.shop.example}]}
      - video: https://cdn.example/clip.mp4`);
    const problem = problems(text);
    expect(problem).toHaveLength(2);
    expect(problem[0]).toMatch(new RegExp(`^support.yaml:${lineOf(text, 'truck')}: .*absolute http\\(s\\) URL`));
    expect(problem[1]).toMatch(new RegExp(`^support.yaml:${lineOf(text, 'www.shop')}: .*absolute http\\(s\\) URL`));
  });

  it('reports goto, choice, button and on_fail targets that name no action', () => {
    const text = flow(`      - options: {text: Pick, choices: [{label: A, value: othr}]}
      - card: {title: C, buttons: [{label: B, value: nowhere}]}
      - ask: {text: "?", variable: x, on_fail: gone}
      - goto: missing`);
    expect(problems(text)).toEqual([
      `support.yaml:${lineOf(text, 'othr')}: choice "othr" names no action (did you mean "other"?) (or give the options step a "variable" to store the value instead)`,
      `support.yaml:${lineOf(text, 'nowhere')}: button "nowhere" names no action`,
      `support.yaml:${lineOf(text, 'gone')}: "on_fail" "gone" names no action`,
      `support.yaml:${lineOf(text, 'goto: missing')}: goto "missing" names no action`,
    ]);
  });

  it('accepts any choice value when the options step stores it in a variable', () => {
    const text = flow(`      - options: {text: Size?, variable: size, choices: [{label: Small, value: s}]}`);
    expect(parseFlow(text, 't.yaml').actions[0]!.steps[0]).toMatchObject({ kind: 'options', variable: 'size' });
  });

  it('reports two actions with the same id', () => {
    const text = `actions:
  - id: help
    steps: [{say: A}]
  - id: help
    steps: [{say: B}]
`;
    expect(problems(text)).toEqual([`support.yaml:4: two actions have the id "help"`]);
  });

  it('points the file-wide checks at the right action when an earlier action failed to parse', () => {
    const text = `actions:
  - id: first
    exemples: [hi]
    steps: [{say: A}]
  - id: help
    steps: [{say: B}]
  - id: other
    steps: [{say: C}]
  - id: help
    steps: [{say: D}]
`;
    expect(problems(text)).toContain(`support.yaml:9: two actions have the id "help"`);
  });

  it('points at the card of a carousel written as a list', () => {
    const missing = flow(`      - carousel:
          - title: A
          - subtitle: no title`);
    expect(problems(missing)).toEqual([
      `support.yaml:${lineOf(missing, 'no title')}: step "carousel" needs "cards[1].title"`,
    ]);
    const unknown = flow(`      - carousel:
          - title: A
          - title: C
            buttons: [{label: Go, value: nosuch}]`);
    expect(problems(unknown)).toEqual([`support.yaml:${lineOf(unknown, 'nosuch')}: button "nosuch" names no action`]);
  });

  it('refuses all, any or not written beside a variable test, which would go unread', () => {
    const text = flow(`      - if: {variable: plan, equals: premium, not: {variable: vip, equals: true}}
        then: [{say: x}]`);
    expect(problems(text)).toEqual([
      `support.yaml:${lineOf(text, 'plan')}: "not" cannot sit beside a variable test: combine them with "all: [...]"`,
    ]);
  });

  it('reports regular expressions that do not compile, in ask and in conditions', () => {
    const text = flow(`      - ask: {text: "?", variable: n, pattern: '^(\\d{6}$'}
      - if: {variable: n, matches: '[a-'}
        then: [{say: x}]`);
    const [ask, condition] = problems(text);
    expect(ask).toBe(
      `support.yaml:${lineOf(text, 'pattern')}: step "ask": "pattern" does not compile (Invalid regular expression: /^(\\d{6}$/iu: Unterminated group)`,
    );
    expect(condition).toBe(
      `support.yaml:${lineOf(text, 'matches')}: condition "matches" does not compile (Invalid regular expression: /[a-/iu: Unterminated character class)`,
    );
  });

  it('reports steps that can never run after goto or end', () => {
    const text = flow(`      - goto: other
      - say: Never shown`);
    expect(problems(text)).toEqual([`support.yaml:${lineOf(text, 'Never')}: steps after "goto" never run`]);
  });

  it('refuses an action whose goto leads straight back to it without waiting for the person', () => {
    const text = `actions:
  - id: menu
    examples: [menu]
    steps:
      - say: Here is the menu.
      - goto: menu
`;
    expect(problems(text, 'flow.yaml')).toEqual([
      `flow.yaml:${lineOf(text, 'goto: menu')}: goto "menu" closes a loop (menu → menu) without waiting for the person: add a question or make the goto conditional`,
    ]);
  });

  it('refuses a goto loop through three actions once, at the goto back to its first action in the file', () => {
    const text = `actions:
  - id: start
    examples: [start]
    steps: [{goto: b}]
  - id: a
    steps:
      - set: {seen: true}
      - goto: b
  - id: b
    steps:
      - if: {variable: seen, exists: true}
        then: [{say: Again}]
        else: [{say: First}]
      - goto: c
  - id: c
    steps:
      # Without a variable, options only offer choices: the run goes on to the goto.
      - options: {text: Pick, choices: [{label: Start, value: start}]}
      - goto: a
`;
    expect(problems(text, 'flow.yaml')).toEqual([
      `flow.yaml:${lineOf(text, 'goto: a')}: goto "a" closes a loop (a → b → c → a) without waiting for the person: add a question or make the goto conditional`,
    ]);
  });

  it('accepts a goto loop that asks a question on the way, and refuses it without the question', () => {
    const loop = (question: string) => `actions:
  - id: a
    examples: [start]
    steps: [{say: Hi}, {goto: b}]
  - id: b
    steps:
${question}      - goto: a
`;
    expect(parseFlow(loop('      - ask: {text: "Again?", variable: again}\n'), 't.yaml').actions).toHaveLength(2);
    const waitsForPick = '      - options: {text: Size?, variable: size, choices: [{label: S, value: s}]}\n';
    expect(parseFlow(loop(waitsForPick), 't.yaml').actions).toHaveLength(2);
    const mayAsk =
      '      - if: {variable: name, exists: false}\n        then: [{ask: {text: "Name?", variable: name}}]\n';
    expect(parseFlow(loop(mayAsk), 't.yaml').actions).toHaveLength(2);
    const text = loop('      - say: Again\n');
    expect(problems(text)).toEqual([
      `support.yaml:${lineOf(text, 'goto: a')}: goto "a" closes a loop (a → b → a) without waiting for the person: add a question or make the goto conditional`,
    ]);
  });

  it('accepts a loop whose goto is conditional, and refuses it once the goto always runs', () => {
    const conditional = `actions:
  - id: a
    examples: [start]
    steps:
      - say: Hi
      - if: {variable: done, exists: false}
        goto: a
  - id: b
    steps:
      - if: {variable: done, exists: false}
        then: [{goto: a}]
        else: [{say: Done}]
`;
    expect(parseFlow(conditional, 't.yaml').actions).toHaveLength(2);
    const always = conditional.replace(
      '      - if: {variable: done, exists: false}\n        goto: a',
      '      - goto: a',
    );
    expect(problems(always)).toEqual([
      `support.yaml:${lineOf(always, 'goto: a')}: goto "a" closes a loop (a → a) without waiting for the person: add a question or make the goto conditional`,
    ]);
  });

  it('looks for goto loops only once the file has no other problem', () => {
    const text = `actions:
  - id: a
    examples: [start]
    steps:
      - ask: {text: "Again?"}
      - goto: a
`;
    expect(problems(text)).toEqual([`support.yaml:${lineOf(text, 'ask:')}: step "ask" needs "variable"`]);
  });

  it('reports two actions with the same trigger and an example used by two actions', () => {
    const text = `actions:
  - id: a
    trigger: welcome
    examples: [Hello there]
    steps: [{say: A}]
  - id: b
    trigger: welcome
    examples: ["hello, there!"]
    steps: [{say: B}]
`;
    expect(problems(text)).toEqual([
      'support.yaml:7: actions "a" and "b" both have trigger "welcome"',
      'support.yaml:8: example "hello, there!" is also an example of action "a"',
    ]);
  });

  it('reports examples with no letters or digits, which nothing can match', () => {
    const text = flow('      - say: Hi', 'fallback:\n  examples: [weather, "?!"]\n')
      .replace('examples: [hello]', 'examples: [hello, "👍"]')
      .replace('examples: [bye]', 'examples: [bye, "❤️"]');
    expect(problems(text)).toEqual([
      `support.yaml:${lineOf(text, '👍')}: example "👍" has no letters or digits: emoji and punctuation are ignored, so nothing matches it`,
      `support.yaml:${lineOf(text, '❤️')}: example "❤️" has no letters or digits: emoji and punctuation are ignored, so nothing matches it`,
      `support.yaml:${lineOf(text, '?!')}: fallback example "?!" has no letters or digits: emoji and punctuation are ignored, so nothing matches it`,
    ]);
  });

  it('reads fallback examples, with or without fallback steps', () => {
    const both = parseFlow(
      flow('      - say: Hi', 'fallback:\n  steps: [{say: Sorry}]\n  examples: [weather, who won]'),
      't',
    );
    expect(both).toMatchObject({
      fallback: [{ kind: 'say', text: 'Sorry' }],
      fallback_examples: ['weather', 'who won'],
    });
    const only = parseFlow(flow('      - say: Hi', 'fallback: {examples: ["  what time is it "]}'), 't.yaml');
    expect(only).toMatchObject({ fallback: null, fallback_examples: ['what time is it'] });
    expect(parseFlow(flow('      - say: Hi'), 't.yaml').fallback_examples).toEqual([]);
  });

  it('reports a fallback example that is also an action example, and an empty fallback', () => {
    const text = flow('      - say: Hi', 'fallback:\n  examples:\n    - weather\n    - "Bye!"\n');
    expect(problems(text)).toEqual([
      `support.yaml:${lineOf(text, 'Bye!')}: fallback example "Bye!" is also an example of action "other"`,
    ]);
    const empty = flow('      - say: Hi', 'fallback: {}');
    expect(problems(empty)).toEqual([
      `support.yaml:${lineOf(empty, 'fallback')}: the fallback needs "steps" or "examples"`,
    ]);
    expect(problems(flow('      - say: Hi', 'fallback: {examples: []}'))[0]).toMatch(/fallback\.examples/);
    const blank = flow('      - say: Hi', 'fallback:\n  examples: [weather, " "]');
    expect(problems(blank)[0]).toMatch(/^support\.yaml:\d+: .*fallback\.examples\[1\].* must not be empty$/);
  });

  it('refuses variable names the templates reserve', () => {
    const text = flow(`      - set: {input: x}`);
    expect(problems(text)[0]).toContain('cannot be "input"');
  });

  it('reports YAML syntax errors with their line', () => {
    const text = 'actions:\n  - id: a\n   steps: []\n';
    expect(problems(text)[0]).toMatch(/^support\.yaml:3: YAML syntax: /);
  });

  it('lists every problem in file order and keeps them on the error', () => {
    const text = flow(
      `      - ask: {text: "?"}
      - video: {}`,
      'fallback: {steps: [{goto: nowhere}]}',
    );
    try {
      parseFlow(text, 'support.yaml');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(FlowValidationError);
      const e = error as FlowValidationError;
      expect(e.code).toBe('SB_FLOW_INVALID');
      expect(e.file).toBe('support.yaml');
      expect(e.issues.map((i) => i.line)).toEqual([...e.issues.map((i) => i.line)].sort((a, b) => a - b));
      expect(e.issues.map((i) => i.message)).toEqual([
        'step "ask" needs "variable"',
        'step "video" needs "url"',
        'goto "nowhere" names no action',
      ]);
    }
  });

  it('rejects unknown top-level keys and a file without actions', () => {
    expect(problems('name: x\nactoins: []\n')).toEqual([
      'support.yaml:1: the file needs "actions"',
      'support.yaml:2: the file has unknown key "actoins" (did you mean "actions"?)',
    ]);
  });
});
