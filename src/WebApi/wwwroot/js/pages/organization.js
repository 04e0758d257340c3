import * as api from '../api.js';
import { attempt } from '../alert.js';
import { fill, h } from '../dom.js';
import { currentImage, imageEditor } from '../image-editor.js';

const managers = ['admin', 'super_admin'];

export async function render(view, me) {
  const loaded = await attempt(() => api.get(`/organizations/${me.organization_id}`));
  if (!loaded.ok) {
    fill(view, h('h1', {}, 'Organization logo'));
    return;
  }
  const organization = loaded.value;
  fill(view,
    h('h1', {}, 'Organization logo'),
    h('p', { class: 'lead' }, organization.name),
    managers.includes(me.role)
      ? imageEditor({
        current: organization.logo,
        currentAlt: 'Current logo',
        fileLabel: 'Organization logo',
        uploadText: 'Upload logo',
        deleteText: 'Delete logo',
        path: `/uploads/organizations/${organization.id}/logo`,
        onChange: () => render(view, me),
      })
      : h('div', { class: 'image-editor' },
        currentImage(organization.logo, 'Current logo'),
        h('p', { class: 'muted' }, "Only your organization's admins change its logo.")));
}
