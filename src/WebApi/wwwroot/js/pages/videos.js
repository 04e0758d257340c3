import * as api from '../api.js';
import { attempt, showError } from '../alert.js';
import { field, fill, h } from '../dom.js';

/** The support-video categories (README, "Videos"). */
const categories = [
  ['machine_setup', 'Machine setup'],
  ['maintenance', 'Maintenance'],
  ['troubleshooting', 'Troubleshooting'],
];

export async function render(view, me) {
  const list = h('div', { class: 'videos' });
  const filter = h('select', { id: 'video-filter' },
    h('option', { value: '' }, 'All'),
    categories.map(([value, text]) => h('option', { value }, text)));
  filter.addEventListener('change', () => showVideos(list, filter.value));
  fill(view,
    h('h1', {}, 'Support videos'),
    me.role === 'super_admin' ? uploadForm(() => showVideos(list, filter.value)) : null,
    field('Filter by category', filter),
    list);
  await showVideos(list, filter.value);
}

async function showVideos(list, category) {
  const query = category === '' ? '' : `?category=${encodeURIComponent(category)}`;
  const loaded = await attempt(() => api.get(`/videos/support${query}`));
  if (!loaded.ok) {
    return;
  }
  fill(list, loaded.value.length === 0
    ? h('p', { class: 'muted' }, 'No support videos yet.')
    : loaded.value.map((video) => h('article', { class: 'card video' },
      h('h2', {}, video.title),
      h('video', { controls: true, preload: 'metadata', src: video.stream_url, poster: video.thumbnail_url, 'aria-label': video.title }),
      h('p', { class: 'muted' }, `Duration ${duration(video.duration_seconds)}`),
      video.description ? h('p', {}, video.description) : null)));
}

/** 3 → "0:03", 754 → "12:34", 3723 → "1:02:03". */
function duration(seconds) {
  const total = Math.round(seconds);
  const [hours, minutes, rest] = [Math.floor(total / 3600), Math.floor((total % 3600) / 60), total % 60];
  const two = (value) => String(value).padStart(2, '0');
  return hours > 0 ? `${hours}:${two(minutes)}:${two(rest)}` : `${minutes}:${two(rest)}`;
}

function uploadForm(onUploaded) {
  const file = h('input', { id: 'video-file', name: 'file', type: 'file', accept: 'video/mp4,video/quicktime,video/webm,.mp4,.mov,.webm' });
  const title = h('input', { id: 'video-title', name: 'title', type: 'text' });
  const category = h('select', { id: 'video-category', name: 'category' },
    categories.map(([value, text]) => h('option', { value }, text)));
  const description = h('textarea', { id: 'video-description', name: 'description', rows: 3 });
  const progress = h('progress', { 'aria-label': 'Upload progress', max: 100, value: 0 });
  const button = h('button', { type: 'submit' }, 'Upload video');
  const form = h('form', { class: 'card', onsubmit: async (event) => {
    event.preventDefault();
    if (file.files.length === 0) {
      showError(new Error('Choose a file for "Video file" first.'));
      return;
    }
    progress.value = 0;
    button.disabled = true;
    const sent = await attempt(() => api.upload('/videos/support', new FormData(form), (percent) => { progress.value = percent; }));
    button.disabled = false;
    if (sent.ok) {
      form.reset();
      await onUploaded();
    }
  } },
  h('h2', {}, 'Upload a support video'),
  field('Video file', file),
  field('Title', title),
  field('Category', category),
  field('Description', description),
  h('p', { class: 'actions' }, progress, button));
  return form;
}
