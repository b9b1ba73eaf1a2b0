/** The sign-in form: an inbox user's email and password, checked against the API before anything is kept. */
import { h, uid } from './dom.js';

/**
 * `signIn(email, password)` resolves to undefined once signed in, or to the message to show. `message` is shown
 * first (a session that ended).
 */
export function renderSignIn({ signIn, message }) {
  const errorId = uid('sign-in-error');
  const error = h('p', { class: 'sign-in__error', id: errorId, role: 'alert', dataset: { testid: 'sign-in-error' } });
  const showError = (text) => {
    error.textContent = text ?? '';
    error.hidden = !text;
  };
  showError(message);
  const email = h('input', {
    type: 'email',
    name: 'email',
    autocomplete: 'username',
    required: true,
    dataset: { testid: 'sign-in-email' },
    'aria-describedby': errorId,
  });
  const password = h('input', {
    type: 'password',
    name: 'password',
    autocomplete: 'current-password',
    required: true,
    dataset: { testid: 'sign-in-password' },
    'aria-describedby': errorId,
  });
  const submit = h(
    'button',
    { type: 'submit', class: 'button button--primary', dataset: { testid: 'sign-in-submit' } },
    'Sign in',
  );
  const form = h(
    'form',
    {
      class: 'sign-in',
      dataset: { testid: 'sign-in-form' },
      'aria-labelledby': 'sign-in-title',
      async onsubmit(event) {
        event.preventDefault();
        submit.disabled = true;
        submit.textContent = 'Signing in…';
        showError(undefined);
        const failure = await signIn(email.value.trim(), password.value);
        submit.disabled = false;
        submit.textContent = 'Sign in';
        if (failure) {
          showError(failure);
          password.value = '';
          password.focus();
        }
      },
    },
    h('h1', { id: 'sign-in-title' }, 'Sign in to the inbox'),
    h('p', { class: 'sign-in__lead' }, 'Use the email and password of your Switchboard inbox account.'),
    h('label', {}, 'Email', email),
    h('label', {}, 'Password', password),
    error,
    submit,
  );
  queueMicrotask(() => email.focus());
  return form;
}
