// The web console: sign-in, then one page per hash route, all through the public REST API.
import * as api from './js/api.js';
import { attempt, clearError, unauthorizedEvent } from './js/alert.js';
import { field, fill, h } from './js/dom.js';
import * as chat from './js/pages/chat.js';
import * as organization from './js/pages/organization.js';
import * as parts from './js/pages/parts.js';
import * as profile from './js/pages/profile.js';
import * as videos from './js/pages/videos.js';

const pages = new Map([
  ['#/profile', { label: 'Profile', page: profile }],
  ['#/organization', { label: 'Organization', page: organization }],
  ['#/parts', { label: 'Parts', page: parts }],
  ['#/videos', { label: 'Videos', page: videos }],
  ['#/chat', { label: 'Chat files', page: chat }],
]);
const firstPage = '#/profile';
const roles = { user: 'user', admin: 'admin', super_admin: 'super admin' };

const main = document.getElementById('main');
const session = document.getElementById('session');

/** Counts what was shown, so a page whose answer comes after the user moved on draws nothing. */
let shown = 0;

async function show() {
  const ticket = ++shown;
  if (!api.isSignedIn()) {
    fill(session);
    fill(main, signInForm());
    return;
  }
  const me = await attempt(() => api.get('/users/me'));
  if (!me.ok || ticket !== shown) {
    return;
  }
  const route = pages.has(location.hash) ? location.hash : firstPage;
  if (location.hash !== route) {
    history.replaceState(null, '', route);
  }
  fill(session, navigation(route), h('p', { class: 'who' }, `${me.value.username} (${roles[me.value.role]})`),
    h('button', { type: 'button', onclick: signOut }, 'Sign out'));
  const view = h('div', { class: 'page' });
  fill(main, view);
  await pages.get(route).page.render(view, me.value);
}

function navigation(route) {
  return h('nav', { 'aria-label': 'Console' }, h('ul', {}, [...pages].map(([hash, { label }]) =>
    h('li', {}, h('a', { href: hash, 'aria-current': hash === route ? 'page' : null }, label)))));
}

function signInForm() {
  const username = h('input', { id: 'username', name: 'username', autocomplete: 'username', autocapitalize: 'none' });
  const password = h('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password' });
  return h('form', { class: 'card sign-in', onsubmit: async (event) => {
    event.preventDefault();
    if ((await attempt(() => api.signIn(username.value.trim(), password.value))).ok) {
      history.replaceState(null, '', firstPage);
      await show();
    }
  } },
  h('h1', {}, 'Sign in'),
  field('Username', username),
  field('Password', password),
  h('p', { class: 'actions' }, h('button', { type: 'submit' }, 'Sign in')));
}

function signOut() {
  api.signOut();
  clearError();
  history.replaceState(null, '', location.pathname);
  show();
}

// A token the service refuses (expired, or revoked by a new password or role) ends the session; the alert says why.
document.addEventListener(unauthorizedEvent, () => {
  if (api.isSignedIn()) {
    api.signOut();
    show();
  }
});
window.addEventListener('hashchange', show);
show();
