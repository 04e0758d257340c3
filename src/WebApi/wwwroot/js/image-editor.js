// One image an owner holds (a profile photo, an organization's logo): shown, replaced with a preview first, removed.
import * as api from './api.js';
import { attempt, showError } from './alert.js';
import { field, fill, h, thumbnail } from './dom.js';

/**
 * @param {object} options
 * @param {object|null} options.current the image's signed links, or null when there is none
 * @param {string} options.currentAlt the current image's alternative text
 * @param {string} options.fileLabel the file input's label
 * @param {string} options.uploadText the upload button's text
 * @param {string} options.deleteText the delete button's text
 * @param {string} options.path where the image is uploaded (POST) and removed (DELETE)
 * @param {() => Promise<void>} options.onChange renders the owner again once the image changed
 */
export function imageEditor({ current, currentAlt, fileLabel, uploadText, deleteText, path, onChange }) {
  const input = h('input', { id: 'image-file', type: 'file', accept: 'image/*' });
  const preview = h('div', { class: 'preview' });
  let previewUrl = null;
  input.addEventListener('change', () => {
    if (previewUrl !== null) {
      URL.revokeObjectURL(previewUrl);
    }
    const [file] = input.files;
    previewUrl = file ? URL.createObjectURL(file) : null;
    fill(preview, previewUrl !== null && h('img', { src: previewUrl, alt: 'Preview', class: 'image' }));
  });

  const form = h('form', { class: 'card', onsubmit: async (event) => {
    event.preventDefault();
    if (input.files.length === 0) {
      showError(new Error(`Choose a file for "${fileLabel}" first.`));
      return;
    }
    if ((await attempt(() => api.post(path, api.files(input.files)))).ok) {
      URL.revokeObjectURL(previewUrl);
      await onChange();
    }
  } },
  field(fileLabel, input),
  preview,
  h('p', { class: 'actions' }, h('button', { type: 'submit' }, uploadText)));

  return h('div', { class: 'image-editor' },
    currentImage(current, currentAlt),
    current === null ? null : h('p', { class: 'actions' }, h('button', { type: 'button', class: 'danger', onclick: async () => {
      if ((await attempt(() => api.remove(path))).ok) {
        await onChange();
      }
    } }, deleteText)),
    form);
}

/** The current image as a 300 px thumbnail, or a note that there is none. */
export function currentImage(current, alt) {
  return current === null
    ? h('p', { class: 'muted' }, 'None yet.')
    : h('img', { src: thumbnail(current, 300), alt, class: 'image current' });
}
