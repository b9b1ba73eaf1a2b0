import { describe, expect, it } from 'vitest';
import { lookup, renderTemplate, type TemplateScope } from './template.ts';

const scope: TemplateScope = {
  profile: { first_name: 'Zoé', last_name: 'Martin' },
  vars: { order_number: '204518', count: 3, vip: true },
  input: 'where is 204518',
  attachment: { type: 'image', url: 'https://cdn.example/p.jpg' },
};

describe('renderTemplate', () => {
  it('fills the profile, context variables and the last input', () => {
    expect(renderTemplate('Hi {{profile.first_name}} {{profile.last_name}}, order {{order_number}}', scope)).toBe(
      'Hi Zoé Martin, order 204518',
    );
    expect(renderTemplate('You said "{{input}}"', scope)).toBe('You said "where is 204518"');
    expect(renderTemplate('{{count}} items, vip={{vip}}', scope)).toBe('3 items, vip=true');
  });

  it('tolerates spaces inside the braces', () => {
    expect(renderTemplate('{{ profile.first_name }}!', scope)).toBe('Zoé!');
  });

  it('renders unknown names as nothing, never as raw braces', () => {
    expect(renderTemplate('Hi {{profile.nickname}}{{nope}}!', scope)).toBe('Hi !');
  });

  it('uses the default after a pipe when the value is missing or empty', () => {
    const anonymous = { ...scope, profile: {} };
    expect(renderTemplate('Hi {{profile.first_name | there}}!', anonymous)).toBe('Hi there!');
    expect(renderTemplate('Hi {{profile.first_name | there}}!', scope)).toBe('Hi Zoé!');
  });

  it('reads the current attachment', () => {
    expect(renderTemplate('Got your {{attachment.type}}', scope)).toBe('Got your image');
  });

  it('leaves text without placeholders untouched', () => {
    expect(renderTemplate('Plain {text} and }} braces', scope)).toBe('Plain {text} and }} braces');
  });
});

describe('lookup', () => {
  it('does not walk into inherited properties', () => {
    expect(lookup(scope, 'profile.constructor')).toBeUndefined();
    expect(lookup(scope, 'toString')).toBeUndefined();
  });
});
