// A visit's photos as a strip of thumbnails: the uploaded ones (GET /visits/{id} `attachments`, their
// signed URLs) and the ones still waiting in the outbox (shown from the device, with their state).
// New photos come from the camera or the gallery, are made small here (lib/photos.js) and queued;
// the uploader may caption or remove their own. With `selected`, each photo has a tick for a report.
import { el } from './dom.js';
import { pick, say } from './i18n.js';
import { database, discard, enqueue, retry, subscribe } from './outbox.js';
import { stateText } from './outbox-view.js';
import { bytesInWords, shrinkPhoto } from './photos.js';
import { sameSide } from './schedule-card.js';

const TEXT = {
  title: ['走访照片', 'Visit photos'],
  camera: ['拍照', 'Take a photo'],
  gallery: ['从相册选择', 'Choose from the gallery'],
  shrinking: ['正在压缩照片…', 'Making the photo smaller…'],
  shrunk: ['照片已压缩 {from} → {to}，待发送', 'Photo made smaller {from} → {to}; waiting to send'],
  notImage: ['只能上传照片（JPEG、PNG、WebP）', 'Only photos (JPEG, PNG, WebP) can be uploaded'],
  caption: ['说明', 'Caption'],
  saveCaption: ['保存说明', 'Save caption'],
  remove: ['删除照片', 'Remove photo'],
  confirmRemove: ['确定删除这张照片？', 'Remove this photo?'],
  include: ['写入报告', 'In the report'],
  none: ['还没有照片', 'No photos yet'],
  by: ['{who} 上传', 'by {who}'],
  retry: ['重试', 'Retry'],
  discard: ['放弃', 'Discard'],
  confirmDiscard: ['放弃这张照片？它不会再上传。', 'Discard this photo? It will not be uploaded.'],
  queuedPhoto: ['照片', 'Photo'],
  captionEdit: ['修改照片说明', 'Edit a photo caption'],
  photoDelete: ['删除照片', 'Remove a photo'],
};

const fill = (pair, vars) => pick(pair).replace(/\{(\w+)\}/g, (_, k) => vars[k] ?? '');

/** The path the outbox posts a visit's photos to. */
export const attachmentsPath = (visitId) => `/visits/${encodeURIComponent(visitId)}/attachments`;

/** The attachment id the server gave a sent photo (its receipt). */
export function attachmentIdOf(item) {
  if (item?.state !== 'sent') return null;
  return item.response?.attachment?.id ?? item.receipt ?? null;
}

/** Queued photos of this visit (not yet on the server's list). */
export function queuedPhotos(items, visitId, attachments = []) {
  const known = new Set(attachments.map((a) => a.id));
  return items.filter(
    (i) => i.kind === 'attachment' && i.path === attachmentsPath(visitId) && !known.has(attachmentIdOf(i)),
  );
}

/** Shrinks `file` and queues it; returns the queued item and the sizes before and after. */
export async function queuePhoto(visitId, file, { caption, town } = {}) {
  const photo = await shrinkPhoto(file);
  const body = {
    contentType: 'image/jpeg',
    size: photo.blob.size,
    ...(caption ? { caption } : {}),
    ...(photo.takenAt ? { takenAt: photo.takenAt } : {}),
    ...(photo.location ? { location: photo.location } : {}),
  };
  const place = town ? `${say(town)} · ` : '';
  const item = await enqueue({
    kind: 'attachment',
    method: 'POST',
    path: attachmentsPath(visitId),
    body,
    blob: photo.blob,
    label: { zh: `${place}${TEXT.queuedPhoto[0]}`, en: `${place}${TEXT.queuedPhoto[1]}` },
  });
  return { item, photo };
}

// A queued photo's bytes wait in the outbox's `blobs` store (lib/outbox.js); one object URL each.
const objectUrls = new Map();
async function blobUrl(itemId) {
  if (!objectUrls.has(itemId)) {
    const blob = await (await database()).get('blobs', itemId).catch(() => undefined);
    objectUrls.set(itemId, blob ? URL.createObjectURL(blob) : '');
  }
  return objectUrls.get(itemId);
}

function uploadedFigure(visitId, a, { user, selected, onSelect, town }) {
  const mine =
    sameSide(a.uploadedBy, user) && (!a.uploadedBy?.sub || !user?.sub || a.uploadedBy.sub === user.sub);
  const caption = el('input', {
    type: 'text',
    name: `caption-${a.id}`,
    value: a.caption ?? '',
    maxlength: 200,
    placeholder: pick(TEXT.caption),
    'aria-label': pick(TEXT.caption),
  });
  const path = `${attachmentsPath(visitId)}/${encodeURIComponent(a.id)}`;
  const place = town ? `${say(town)} · ` : '';
  return el(
    'figure',
    { class: 'photo', dataset: { attachment: a.id } },
    el(
      'a',
      { href: a.url, target: '_blank', rel: 'noopener' },
      el('img', { src: a.url, alt: a.caption ?? '' }),
    ),
    mine
      ? el(
          'figcaption',
          {},
          caption,
          el(
            'button',
            {
              type: 'button',
              class: 'link',
              dataset: { action: 'save-caption' },
              onclick: () =>
                enqueue({
                  kind: 'attachment-edit',
                  method: 'PATCH',
                  path,
                  body: { caption: caption.value.trim() },
                  label: { zh: `${place}${TEXT.captionEdit[0]}`, en: `${place}${TEXT.captionEdit[1]}` },
                }),
            },
            pick(TEXT.saveCaption),
          ),
          el(
            'button',
            {
              type: 'button',
              class: 'link danger',
              dataset: { action: 'remove-photo' },
              onclick: () => {
                if (!confirm(pick(TEXT.confirmRemove))) return;
                enqueue({
                  kind: 'attachment-delete',
                  method: 'DELETE',
                  path,
                  label: { zh: `${place}${TEXT.photoDelete[0]}`, en: `${place}${TEXT.photoDelete[1]}` },
                });
              },
            },
            pick(TEXT.remove),
          ),
        )
      : el(
          'figcaption',
          {},
          a.caption ?? '',
          a.uploadedBy?.name
            ? el(
                'span',
                { class: 'muted' },
                `${a.caption ? ' · ' : ''}${fill(TEXT.by, { who: say(a.uploadedBy.name) })}`,
              )
            : null,
        ),
    selected ? tick(a.id, selected, onSelect) : null,
  );
}

function tick(key, selected, onSelect) {
  return el(
    'label',
    { class: 'include' },
    el('input', {
      type: 'checkbox',
      name: `include-${key}`,
      checked: selected.has(key),
      onchange: (e) => onSelect?.(key, e.target.checked),
    }),
    pick(TEXT.include),
  );
}

function queuedFigure(item, { selected, onSelect }) {
  const img = el('img', { alt: item.body?.caption ?? '' });
  blobUrl(item.id).then((url) => {
    if (url) img.src = url;
  });
  const actions = [
    item.state === 'failed'
      ? el('button', { type: 'button', class: 'link', onclick: () => retry(item.id) }, pick(TEXT.retry))
      : null,
    item.state === 'failed' || item.state === 'waiting'
      ? el(
          'button',
          {
            type: 'button',
            class: 'link danger',
            onclick: () => {
              if (confirm(pick(TEXT.confirmDiscard))) discard(item.id);
            },
          },
          pick(TEXT.discard),
        )
      : null,
  ];
  return el(
    'figure',
    { class: `photo queued outbox-${item.state}`, dataset: { outbox: item.id, state: item.state } },
    img,
    el(
      'figcaption',
      {},
      item.body?.caption ?? '',
      el('span', { class: 'photo-state' }, stateText(item)),
      actions,
    ),
    selected ? tick(`outbox:${item.id}`, selected, onSelect) : null,
  );
}

/**
 * The strip: `attachments` from GET /visits/{id}, `items` the outbox's, `user` the session's user.
 * `selected` (a Set of attachment ids and `outbox:<item id>`) and `onSelect` add a tick per photo.
 */
export function photoStrip({
  visitId,
  attachments = [],
  user,
  town,
  selected,
  onSelect,
  canAdd = true,
  track = () => {},
}) {
  const note = el('p', { class: 'muted photo-note', role: 'status' });
  const picker = (capture) => {
    const input = el('input', {
      type: 'file',
      accept: 'image/*',
      multiple: !capture,
      capture: capture ? 'environment' : null,
      hidden: true,
      name: capture ? 'photo-camera' : 'photo-gallery',
    });
    input.addEventListener('change', async () => {
      const files = [...input.files];
      input.value = '';
      for (const file of files) {
        if (file.type && !file.type.startsWith('image/')) {
          note.textContent = pick(TEXT.notImage);
          continue;
        }
        note.textContent = pick(TEXT.shrinking);
        try {
          const { photo } = await queuePhoto(visitId, file, { town });
          note.textContent = fill(TEXT.shrunk, {
            from: bytesInWords(file.size),
            to: bytesInWords(photo.blob.size),
          });
        } catch (error) {
          note.textContent = error.message;
        }
      }
    });
    return input;
  };
  const camera = picker(true);
  const gallery = picker(false);
  const uploaded = attachments.map((a) => uploadedFigure(visitId, a, { user, selected, onSelect, town }));
  const strip = el('div', { class: 'photo-strip' });
  const draw = (items) => {
    const queued = queuedPhotos(items, visitId, attachments).filter((i) => i.state !== 'sent');
    const figures = [...uploaded, ...queued.map((i) => queuedFigure(i, { selected, onSelect }))];
    strip.replaceChildren(...(figures.length ? figures : [el('p', { class: 'muted' }, pick(TEXT.none))]));
  };
  draw([]);
  track(subscribe(draw));
  return el(
    'section',
    { class: 'photos', dataset: { photos: visitId } },
    el('h3', {}, pick(TEXT.title)),
    strip,
    canAdd
      ? el(
          'div',
          { class: 'actions' },
          camera,
          gallery,
          el(
            'button',
            { type: 'button', dataset: { action: 'camera' }, onclick: () => camera.click() },
            pick(TEXT.camera),
          ),
          el(
            'button',
            { type: 'button', dataset: { action: 'gallery' }, onclick: () => gallery.click() },
            pick(TEXT.gallery),
          ),
        )
      : null,
    note,
  );
}
