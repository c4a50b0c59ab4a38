// The visit date as the team and the county's liaison agree it (docs/api.md, the visit's schedule):
// either side proposes a day (and a time, a note), the other side confirms it; the status in words,
// and the event for the phone's calendar. Proposals and confirmations wait in the outbox like
// every other submission, so they are made with no signal and arrive on their own.
import { requestOk } from './api-client.js';
import { el } from './dom.js';
import { lang, pick, say } from './i18n.js';
import { enqueue } from './outbox.js';
import { mountOutboxList } from './outbox-view.js';

const TEXT = {
  title: ['走访日期', 'Visit date'],
  agreed: ['已约定 {when}', 'Agreed: {when}'],
  waitingOther: ['待对方确认：{when}', 'Waiting for the other side to confirm: {when}'],
  proposedByOther: ['{who}提议 {when}，请确认', '{who} proposed {when}: please confirm'],
  proposedBy: ['提议人：{who}', 'Proposed by {who}'],
  none: ['尚未约定走访日期', 'No visit date agreed yet'],
  date: ['日期', 'Date'],
  time: ['时间（可选）', 'Time (optional)'],
  note: ['备注（可选）', 'Note (optional)'],
  propose: ['提议这个日期', 'Propose this date'],
  change: ['改约其他日期', 'Propose another date'],
  confirm: ['确认这个日期', 'Confirm this date'],
  calendar: ['加入手机日历', 'Add to the phone’s calendar'],
  calendarFailed: [
    '暂时无法取得日历文件，请联网后再试',
    'The calendar file is not reachable now: try again online',
  ],
  dateNeeded: ['请选择日期', 'Please choose a date'],
  queuedPropose: ['提议走访日期 {when}', 'Propose the visit date {when}'],
  queuedConfirm: ['确认走访日期 {when}', 'Confirm the visit date {when}'],
  liaison: ['县科协联络员', 'county liaison'],
  team: ['学会团队', 'society team'],
};
const WEEKDAYS = [
  ['周日', 'Sun'],
  ['周一', 'Mon'],
  ['周二', 'Tue'],
  ['周三', 'Wed'],
  ['周四', 'Thu'],
  ['周五', 'Fri'],
  ['周六', 'Sat'],
];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const fill = (pair, vars) => pick(pair).replace(/\{(\w+)\}/g, (_, k) => vars[k] ?? '');

/** A date (YYYY-MM-DD) and time (HH:MM) in words: 12月10日（周四）09:30, Thu 10 Dec 09:30. */
export function whenInWords({ date, time } = {}) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date ?? '');
  if (!m) return '';
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const weekday = pick(WEEKDAYS[new Date(Date.UTC(y, mo - 1, d)).getUTCDay()]);
  const day = lang === 'en' ? `${weekday} ${d} ${MONTHS[mo - 1]}` : `${mo}月${d}日（${weekday}）`;
  return time ? `${day} ${time}` : day;
}

/** True when `by` ({ role, societyId?, countyId? }) is the signed-in `user`'s own side of the visit. */
export function sameSide(by, user) {
  if (!by || !user || by.role !== user.role) return false;
  if (by.role === 'team') return !by.societyId || !user.society || by.societyId === user.society;
  if (by.role === 'liaison') return !by.countyId || !user.county || by.countyId === user.county;
  return true;
}

/** The outbox items of this visit's schedule, newest last. */
export const scheduleItems = (items, visitId) =>
  items.filter(
    (i) =>
      (i.kind === 'schedule' || i.kind === 'schedule-confirm') &&
      i.path.startsWith(`/visits/${encodeURIComponent(visitId)}/schedule`),
  );

/**
 * The card: `schedule` as GET /visits/{id} has it (or null), `items` the outbox's items, `user` the
 * session's user (who may act: a society team or the county's liaison; others only read).
 */
export function scheduleCard({ visitId, schedule, items = [], user, town, track = () => {} }) {
  const canAct = user?.role === 'team' || user?.role === 'liaison';
  const mine = scheduleItems(items, visitId);
  const pending = mine.filter((i) => i.state === 'waiting' || i.state === 'sending');
  const when = schedule ? whenInWords(schedule) : '';
  const who = schedule
    ? `${pick(TEXT[schedule.proposedBy?.role] ?? ['', ''])} ${say(schedule.proposedBy?.name)}`.trim()
    : '';
  const ours = schedule && sameSide(schedule.proposedBy, user);

  let status;
  if (!schedule) status = el('p', { class: 'muted schedule-status' }, pick(TEXT.none));
  else if (schedule.status === 'confirmed')
    status = el('p', { class: 'schedule-status agreed' }, el('strong', {}, fill(TEXT.agreed, { when })));
  else if (ours || !canAct)
    status = el(
      'p',
      { class: 'schedule-status waiting' },
      fill(TEXT.waitingOther, { when }),
      el('br'),
      el('span', { class: 'muted' }, fill(TEXT.proposedBy, { who })),
    );
  else
    status = el(
      'p',
      { class: 'schedule-status waiting' },
      el('strong', {}, fill(TEXT.proposedByOther, { who, when })),
    );
  const note = schedule?.note ? el('p', { class: 'muted schedule-note' }, schedule.note) : null;

  const confirmQueued = pending.some((i) => i.kind === 'schedule-confirm');
  const confirmButton =
    canAct && schedule?.status === 'proposed' && !ours && !confirmQueued
      ? el(
          'button',
          {
            type: 'button',
            class: 'accept',
            dataset: { action: 'confirm-date' },
            onclick: async (event) => {
              event.currentTarget.disabled = true;
              await enqueue({
                kind: 'schedule-confirm',
                method: 'POST',
                path: `/visits/${encodeURIComponent(visitId)}/schedule/confirm`,
                // The version seen: a queued confirmation never confirms a later date (docs/api.md).
                body: schedule.version ? { version: schedule.version } : {},
                label: labelOf(TEXT.queuedConfirm, schedule, town),
              });
            },
          },
          pick(TEXT.confirm),
        )
      : null;

  const calendar = schedule ? calendarLink(visitId, schedule) : null;
  // What this card queued, right under it, kept current by the outbox (lib/outbox-view.js).
  const lines = el('div', { class: 'outbox-near' });
  track(mountOutboxList(lines, { filter: (i) => scheduleItems([i], visitId).length > 0, limit: 3 }));
  const form = canAct ? proposeForm(visitId, schedule, town) : null;
  return el(
    'section',
    { class: 'card schedule', dataset: { schedule: visitId, status: schedule?.status ?? 'none' } },
    el('h3', {}, pick(TEXT.title)),
    status,
    note,
    el('div', { class: 'actions' }, confirmButton, calendar),
    lines,
    form,
  );
}

const labelOf = (pair, when, town) => {
  const at = { zh: '', en: '' };
  for (const [k, i] of [
    ['zh', 0],
    ['en', 1],
  ])
    at[k] =
      `${town ? `${typeof town === 'string' ? town : (town[k] ?? town.zh)} · ` : ''}${pair[i].replace('{when}', `${when.date}${when.time ? ` ${when.time}` : ''}`)}`;
  return at;
};

function proposeForm(visitId, schedule, town) {
  const date = el('input', {
    type: 'date',
    name: 'schedule-date',
    required: true,
    value: schedule?.date ?? '',
  });
  const time = el('input', { type: 'time', name: 'schedule-time', value: schedule?.time ?? '' });
  const note = el('input', { type: 'text', name: 'schedule-note', maxlength: 200, value: '' });
  const error = el('p', { class: 'error', role: 'alert' });
  const form = el(
    'form',
    { class: 'schedule-form', dataset: { visit: visitId } },
    el('label', {}, el('span', {}, pick(TEXT.date)), date),
    el('label', {}, el('span', {}, pick(TEXT.time)), time),
    el('label', {}, el('span', {}, pick(TEXT.note)), note),
    error,
    el(
      'button',
      { type: 'submit', dataset: { action: 'propose-date' } },
      pick(schedule ? TEXT.change : TEXT.propose),
    ),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!date.value) {
      error.textContent = pick(TEXT.dateNeeded);
      date.focus();
      return;
    }
    error.textContent = '';
    const body = {
      date: date.value,
      ...(time.value ? { time: time.value } : {}),
      ...(note.value.trim() ? { note: note.value.trim() } : {}),
    };
    await enqueue({
      kind: 'schedule',
      method: 'PUT',
      path: `/visits/${encodeURIComponent(visitId)}/schedule`,
      body,
      label: labelOf(TEXT.queuedPropose, body, town),
    });
    note.value = '';
  });
  return el(
    'details',
    { class: 'schedule-propose', open: !schedule },
    el('summary', {}, pick(schedule ? TEXT.change : TEXT.propose)),
    form,
  );
}

/**
 * "加入手机日历": the .ics needs the session's token, so the page fetches it and hands the phone a
 * file (a Blob's URL on a download link); fetched ahead while online, so the link works offline too.
 */
function calendarLink(visitId, schedule) {
  const name = `visit-${schedule.date}.ics`;
  const link = el(
    'a',
    { class: 'calendar button', href: '#', download: name, dataset: { action: 'calendar' } },
    pick(TEXT.calendar),
  );
  const fetchIcs = async () => {
    const res = await requestOk('GET', `/visits/${encodeURIComponent(visitId)}/calendar.ics`, {
      headers: { accept: 'text/calendar' },
    });
    const blob = new Blob([await res.arrayBuffer()], { type: 'text/calendar;charset=utf-8' });
    link.href = URL.createObjectURL(blob);
    return link.href;
  };
  const ready = fetchIcs().catch(() => null);
  link.addEventListener('click', async (event) => {
    if (link.href.startsWith('blob:')) return;
    event.preventDefault();
    const href = (await ready) ?? (await fetchIcs().catch(() => null));
    if (!href) {
      link.after(el('span', { class: 'error' }, pick(TEXT.calendarFailed)));
      return;
    }
    link.click();
  });
  return link;
}
