import * as api from '../api.js';
import { attempt } from '../alert.js';
import { fill, h } from '../dom.js';
import { imageEditor } from '../image-editor.js';

export async function render(view, me) {
  fill(view,
    h('h1', {}, 'My profile photo'),
    imageEditor({
      current: me.profile_photo,
      currentAlt: 'Your profile photo',
      fileLabel: 'Profile photo',
      uploadText: 'Upload photo',
      deleteText: 'Delete photo',
      path: '/uploads/users/profile-photo',
      onChange: async () => {
        const reloaded = await attempt(() => api.get('/users/me'));
        if (reloaded.ok) {
          await render(view, reloaded.value);
        }
      },
    }));
}
