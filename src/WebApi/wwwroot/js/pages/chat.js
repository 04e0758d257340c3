import * as api from '../api.js';
import { attempt, showError } from '../alert.js';
import { field, fill, h } from '../dom.js';

export async function render(view) {
  const list = h('div', { class: 'files' });
  const input = h('input', { id: 'chat-files', type: 'file', multiple: true });
  const form = h('form', { class: 'card', onsubmit: async (event) => {
    event.preventDefault();
    if (input.files.length === 0) {
      showError(new Error('Choose one or more files for "Chat files" first.'));
      return;
    }
    if ((await attempt(() => api.post('/api/v1/chat/files', api.files(input.files)))).ok) {
      form.reset();
      await showFiles(list);
    }
  } },
  field('Chat files', input),
  h('p', { class: 'actions' }, h('button', { type: 'submit' }, 'Upload files')));
  fill(view, h('h1', {}, 'Chat files'), form, list);
  await showFiles(list);
}

async function showFiles(list) {
  const loaded = await attempt(() => api.get('/api/v1/chat/files?page=1&page_size=100'));
  if (!loaded.ok) {
    return;
  }
  const { items } = loaded.value;
  fill(list, items.length === 0
    ? h('p', { class: 'muted' }, 'No chat files yet.')
    : h('ul', { class: 'file-list' }, items.map((file) => h('li', { class: 'card file' },
      file.is_image ? h('img', { src: file.thumbnail_url, alt: `Thumbnail of ${file.name}` }) : h('span', { class: 'file-icon', 'aria-hidden': 'true' }, 'FILE'),
      h('p', { class: 'file-name' }, file.name, h('span', { class: 'muted' }, ` ${file.mime}, ${size(file.size)}`)),
      h('a', { href: file.download_url, download: file.name }, `Download ${file.name}`)))));
}

/** 2048 → "2 KB". */
function size(bytes) {
  const units = ['bytes', 'KB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(1).replace(/\.0$/, '')} ${units[unit]}`;
}
