/** Flow files shared by the engine tests of this folder. */
import type { ContactProfile } from '../assistant.ts';
import { createFlowAssistant } from './flow-assistant.ts';
import { createFlowTestDriver } from './flow-test-driver.ts';
import { parseFlow } from './parse-flow.ts';

export const SHOP = `name: shop
session_timeout_minutes: 30
actions:
  - id: greet
    trigger: welcome
    examples: [hello, hi there]
    steps:
      - say: "Hi {{profile.first_name | there}}!"
      - options:
          text: What can I do for you?
          choices: [{label: Order status, value: order_status}, {label: Talk to a person, value: human}]
  - id: order_status
    examples: [where is my order, track my package, order status]
    steps:
      - ask:
          text: What is your order number?
          variable: order_number
          pattern: '\\b(\\d{6})\\b'
          retry: Order numbers have 6 digits.
          max_retries: 2
      - say: "Order {{order_number}} ships tomorrow."
  - id: size
    examples: [which size should I take, size guide]
    steps:
      - options:
          text: Which size?
          variable: size
          choices: [{label: Small, value: s}, {label: Large, value: l}]
      - if: {variable: size, equals: l}
        then: [{say: Large it is.}]
        else: [{say: Small it is.}]
      - say: "Noted: {{size}}."
  - id: feedback
    examples: [I have feedback, leave a comment]
    steps:
      - ask: {text: Tell me more., variable: comment}
      - say: "Thanks, I noted: {{comment}}"
  - id: human
    examples: [talk to a human, speak to an agent, real person]
    steps:
      - connect_to_agent: {message: "Bringing in a colleague.", reason: "Asked for a person"}
fallback:
  steps:
    - say: Sorry, I did not get that.
`;

export const shop = () => createFlowAssistant(parseFlow(SHOP, 'shop.yaml'));
export const chat = (yaml = SHOP, profile: ContactProfile = { first_name: 'Ana' }) =>
  createFlowTestDriver(createFlowAssistant(parseFlow(yaml, 'test.yaml')), profile);

/** A file with one action whose steps are given, plus a `next` action to jump to. */
export const single = (steps: string, extra = '') => `language: en
actions:
  - id: main
    examples: [start the test]
    steps:
${steps}
  - id: next
    examples: [next please]
    steps:
      - say: In next.
${extra}`;
