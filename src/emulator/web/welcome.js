/**
 * The top of a thread: the page's picture and name, and before the first message the welcome
 * screen Messenger shows a new person: the greeting (placeholders filled in) and the ice breakers
 * as questions to tap. The Get Started button itself sits in the composer's place (composer.js).
 */
import { avatar } from './avatar.js';
import { h } from './dom.js';
import { greeting, iceBreakers } from './profile.js';

/**
 * `onIceBreaker(question, payload)` runs when a question is tapped; `empty` says whether the
 * thread has no message yet (the greeting and ice breakers only show then).
 */
export function renderIntro({ page, person, profile, empty, onIceBreaker }) {
  const intro = h(
    'div',
    { class: 'intro', dataset: { testid: 'thread-intro' } },
    avatar(page.picture_url, page.name, 72, 'intro__avatar'),
    h('h2', { class: 'intro__name' }, page.name),
    h('div', { class: 'intro__meta' }, 'Messenger \u00b7 Emulated page'),
  );
  if (!empty) return intro;
  const text = greeting(profile, person);
  const questions = iceBreakers(profile, person?.locale);
  intro.append(
    h(
      'section',
      { class: 'welcome', dataset: { testid: 'welcome' }, 'aria-label': 'Welcome' },
      text ? h('p', { class: 'welcome__greeting', dataset: { testid: 'welcome-greeting' } }, text) : null,
      questions.length > 0
        ? h(
            'div',
            { class: 'welcome__questions', role: 'group', 'aria-label': 'Suggested questions' },
            questions.map((q) =>
              h(
                'button',
                {
                  type: 'button',
                  class: 'ice-breaker',
                  dataset: { testid: 'ice-breaker' },
                  onclick: () => onIceBreaker(q.question, q.payload),
                },
                q.question,
              ),
            ),
          )
        : null,
    ),
  );
  return intro;
}
