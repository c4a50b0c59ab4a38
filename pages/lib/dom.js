// What every page does to the DOM: find by id, build elements, say how a request went, mark a
// form's fields, hand the reader a file.
import { sayIssue } from './i18n.js';

export const $ = (id) => document.getElementById(id);

/**
 * An element. Props: `class`, `dataset` (an object), `on<event>` (a listener), anything else an
 * attribute (`true` a bare one; false, null and undefined none). Children are nodes or text,
 * nested arrays flattened; null, undefined, false and '' are left out, so `cond ? node : null` reads.
 */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key.startsWith('on') && typeof value === 'function') node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat(Number.POSITIVE_INFINITY))
    if (child !== null && child !== undefined && child !== false && child !== '') node.append(child);
  return node;
}

/** Text in the quieter colour. */
export const muted = (...text) => el('span', { class: 'muted' }, ...text);

export function option(value, text, selected = false) {
  const node = el('option', { value }, text);
  if (selected) node.selected = true;
  return node;
}

/** The page's #status line: a note, an error note, or (empty) nothing. */
export function setStatus(text, isError = false) {
  $('status').textContent = text;
  $('status').className = text ? `note${isError ? ' error' : ''}` : '';
}

/**
 * A refusal's issues ({ path, zh, en, message }) under their fields in `form`: each in its
 * `.error[data-for=path]` box, or the `(form)` one when the field has none; the field marked invalid.
 */
export function showFieldErrors(form, issues) {
  const boxOf = (path) => form.querySelector(`.error[data-for="${CSS.escape(path)}"]`);
  for (const box of form.querySelectorAll('.error[data-for]')) box.textContent = '';
  for (const input of form.querySelectorAll('[aria-invalid]')) input.removeAttribute('aria-invalid');
  for (const issue of issues) {
    const key = boxOf(issue.path) ? issue.path : '(form)';
    const box = boxOf(key);
    if (box) box.textContent = [box.textContent, sayIssue(issue)].filter(Boolean).join('；');
    $(key)?.setAttribute('aria-invalid', 'true');
  }
}

/** Hands `blob` to the reader as a download named `name`. */
export function saveFile(blob, name) {
  const url = URL.createObjectURL(blob);
  const link = el('a', { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
