import * as api from '../api.js';
import { attempt, showError } from '../alert.js';
import { field, fill, h, thumbnail } from '../dom.js';

const pageSize = 20;

export async function render(view, me) {
  const list = h('section', { class: 'part-list', 'aria-label': 'Part list' });
  const detail = h('section', { class: 'part-detail' });
  fill(view, h('h1', {}, 'Parts'), h('div', { class: 'columns' }, list, detail));
  await showPage(list, detail, me, 1);
}

async function showPage(list, detail, me, page) {
  const loaded = await attempt(() => api.get(`/parts?page=${page}&page_size=${pageSize}`));
  if (!loaded.ok) {
    return;
  }
  const { items, total_pages: pages } = loaded.value;
  fill(list,
    items.length === 0
      ? h('p', { class: 'muted' }, 'No parts yet.')
      : h('ul', { class: 'choices' }, items.map((part) => h('li', {},
        h('button', { type: 'button', class: 'choice', onclick: () => choose(detail, me, part.id) }, title(part))))),
    pages > 1
      ? h('p', { class: 'actions' },
        h('button', { type: 'button', disabled: page <= 1, onclick: () => showPage(list, detail, me, page - 1) }, 'Previous page'),
        h('span', { class: 'muted' }, `Page ${page} of ${pages}`),
        h('button', { type: 'button', disabled: page >= pages, onclick: () => showPage(list, detail, me, page + 1) }, 'Next page'))
      : null);
}

async function choose(detail, me, id) {
  const loaded = await attempt(() => api.get(`/parts/${id}`));
  if (loaded.ok) {
    showPart(detail, me, loaded.value);
  }
}

function title(part) {
  return `${part.part_number} — ${part.name}`;
}

/** The part's gallery, drawn again from the API's answer after every change. */
function showPart(detail, me, part) {
  const editable = me.role === 'super_admin';
  const change = async (action) => {
    if ((await attempt(action)).ok) {
      await choose(detail, me, part.id);
    }
  };
  const reorder = (from, to) => change(() => api.put(`/uploads/parts/${part.id}/images/order`, { order: moved(part.images.length, from, to) }));

  fill(detail,
    h('h2', {}, title(part)),
    part.description ? h('p', {}, part.description) : null,
    part.images.length === 0
      ? h('p', { class: 'muted' }, 'No images yet.')
      : h('ol', { class: 'gallery', 'aria-label': 'Gallery' },
        part.images.map((image, position) => galleryItem(image, position, part.images.length, editable, {
          reorder,
          remove: () => change(() => api.remove(`/uploads/parts/${part.id}/images/${image.index}`)),
        }))),
    editable ? addForm(part, change) : null);
}

function galleryItem(image, position, count, editable, { reorder, remove }) {
  const n = position + 1;
  const item = h('li', { class: 'gallery-item', draggable: editable ? 'true' : null },
    h('img', { src: thumbnail(image, 200), alt: `Image ${n}`, draggable: 'false' }),
    h('a', { href: image.url, target: '_blank', rel: 'noopener', draggable: 'false' }, `Open image ${n}`),
    editable
      ? h('p', { class: 'actions' },
        h('button', { type: 'button', disabled: position === 0, onclick: () => reorder(position, position - 1) }, `Move image ${n} earlier`),
        h('button', { type: 'button', disabled: position === count - 1, onclick: () => reorder(position, position + 1) }, `Move image ${n} later`),
        h('button', { type: 'button', class: 'danger', onclick: remove }, `Remove image ${n}`))
      : null);
  if (editable) {
    item.addEventListener('dragstart', (event) => {
      event.dataTransfer.setData('text/plain', String(position));
      event.dataTransfer.effectAllowed = 'move';
      item.classList.add('dragging');
    });
    item.addEventListener('dragend', () => item.classList.remove('dragging'));
    item.addEventListener('dragover', (event) => {
      event.preventDefault();
      event.dataTransfer.dropEffect = 'move';
    });
    item.addEventListener('drop', (event) => {
      event.preventDefault();
      const from = Number(event.dataTransfer.getData('text/plain'));
      if (Number.isInteger(from) && from !== position) {
        reorder(from, position);
      }
    });
  }
  return item;
}

/** The current indexes in their new order, the image at from now at to (the body of PUT …/images/order). */
function moved(count, from, to) {
  const order = [...Array(count).keys()];
  const [image] = order.splice(from, 1);
  order.splice(to, 0, image);
  return order;
}

function addForm(part, change) {
  const input = h('input', { id: 'part-images', type: 'file', accept: 'image/*', multiple: true });
  return h('form', { class: 'card', onsubmit: async (event) => {
    event.preventDefault();
    if (input.files.length === 0) {
      showError(new Error('Choose one or more files for "Part images" first.'));
      return;
    }
    await change(() => api.post(`/uploads/parts/${part.id}/images`, api.files(input.files)));
  } },
  field('Part images', input),
  h('p', { class: 'actions' }, h('button', { type: 'submit' }, 'Add images')));
}
