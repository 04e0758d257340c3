/**
 * Builds an element: h('button', { type: 'button', onclick: save }, 'Save'). Properties named on… become event
 * listeners, true becomes an empty attribute, and null, undefined or false leave the attribute out. Children are
 * nodes or text; text is never parsed as markup, so names from the API stay text.
 */
export function h(tag, properties = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(properties)) {
    if (value === null || value === undefined || value === false) {
      continue;
    }
    if (name.startsWith('on')) {
      element.addEventListener(name.slice(2), value);
    } else {
      element.setAttribute(name, value === true ? '' : String(value));
    }
  }
  element.append(...present(children));
  return element;
}

/** Replaces the children of an element; like h, it takes nodes, text or arrays of them and leaves out null and false. */
export function fill(element, ...children) {
  element.replaceChildren(...present(children));
}

function present(children) {
  return children.flat().filter((child) => child !== null && child !== undefined && child !== false);
}

/** A label and the control it names, as a field: the label's for= points at the control's id. */
export function field(text, control) {
  return h('p', { class: 'field' }, h('label', { for: control.id }, text), control);
}

/** The URL of an image's thumbnail of this size (each size has its own signed URL), or of the full image. */
export function thumbnail(links, size) {
  return links.thumbnails[String(size)] ?? links.url;
}
