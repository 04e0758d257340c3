// The one place errors are shown: the page's role="alert" element, cleared by the next successful action.
import { fill, h } from './dom.js';

/** Fired when the service refuses the token (expired or revoked): the console signs out. */
export const unauthorizedEvent = 'abparts:unauthorized';

const box = () => document.getElementById('alert');

export function showError(error) {
  const errors = error.errors ?? [];
  fill(box(), h('p', {}, error.message), errors.length > 0 ? h('ul', {}, errors.map((e) => h('li', {}, e))) : null);
}

export function clearError() {
  fill(box());
}

/**
 * Runs an action against the API: clears the alert when it succeeds, shows why when it fails. Answers
 * { ok: true, value } or { ok: false }.
 */
export async function attempt(action) {
  try {
    const value = await action();
    clearError();
    return { ok: true, value };
  } catch (error) {
    showError(error);
    if (error.status === 401) {
      document.dispatchEvent(new CustomEvent(unauthorizedEvent));
    }
    return { ok: false };
  }
}
