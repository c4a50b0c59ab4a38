// Who went on a visit and whom they reached, for the team's report form: the experts (picked from
// the society's roster — the people it named in earlier reports — or added anew, a title from the
// list, 院士 marked) and the activities (讲座, 培训, 现场指导, 咨询) with the people each reached.
// Self-contained: the form hands in its draft and its save(); peopleOf(draft) is what to send.
import { api } from './api-client.js';
import { el } from './dom.js';
import { lang, say } from './i18n.js';
import {
  ACTIVITY_KINDS,
  ACTIVITY_LABELS,
  EXPERT_TITLES,
  MAX_REPORT_ACTIVITIES,
  MAX_REPORT_EXPERTS,
} from './schemas.js';
import { currentSession } from './session-store.js';

const WORDS = {
  experts: ['参加走访的专家', 'Experts on the visit'],
  activities: ['开展的活动与服务人数', 'Activities and the people reached'],
  roster: ['从本会专家中选择', 'Pick from your society’s experts'],
  pick: ['选择…', 'Pick…'],
  name: ['姓名', 'Name'],
  title: ['职称', 'Title'],
  academician: ['院士', 'Academician'],
  addExpert: ['添加专家', 'Add an expert'],
  addActivity: ['添加活动', 'Add an activity'],
  kind: ['活动类型', 'Kind'],
  activityTitle: ['活动名称（可选）', 'Name of the activity (optional)'],
  participants: ['服务人数', 'People reached'],
  remove: ['删除', 'Remove'],
  otherTitle: ['其他职称可直接填写', 'Type any other title'],
};
const w = (key) => WORDS[key][lang === 'en' ? 1 : 0];

/** The society's roster, fetched once a page load. */
let rosterOf;
function roster() {
  const society = currentSession()?.user?.society;
  if (!society) return Promise.resolve([]);
  rosterOf ??= api('GET', `/societies/${encodeURIComponent(society)}/experts`)
    .then((answer) => answer.items ?? [])
    .catch(() => []);
  return rosterOf;
}

/** What the report sends: the experts with a name, the activities as numbers. */
export function peopleOf(draft) {
  return {
    experts: (draft.experts ?? [])
      .filter((e) => e.name?.trim())
      .map((e) => ({
        name: e.name.trim(),
        ...(e.title?.trim() ? { title: e.title.trim() } : {}),
        ...(e.academician ? { academician: true } : {}),
      })),
    activities: (draft.activities ?? []).map((a) => ({
      kind: a.kind,
      ...(a.title?.trim() ? { title: a.title.trim() } : {}),
      participants: Number.parseInt(a.participants, 10) || 0,
    })),
  };
}

/**
 * The form's part: `draft.experts` and `draft.activities` (from the last report when the draft has
 * none), kept with `save()` after every change.
 */
export function reportPeople(draft, save, item) {
  draft.experts ??= structuredClone(item?.report?.input?.experts ?? []);
  draft.activities ??= structuredClone(item?.report?.input?.activities ?? []);
  const box = el('div', { class: 'report-people' });
  const titleList = `expert-titles-${Math.random().toString(36).slice(2)}`;
  const changed = () => {
    save();
    draw();
  };

  const expertRow = (expert, i) =>
    el(
      'div',
      { class: 'coop-row expert-row' },
      el('input', {
        value: expert.name ?? '',
        placeholder: w('name'),
        'aria-label': w('name'),
        name: `expert-name-${i}`,
        maxlength: 40,
        oninput: (e) => {
          expert.name = e.target.value;
          save();
        },
      }),
      el('input', {
        value: expert.title ?? '',
        placeholder: w('title'),
        'aria-label': w('title'),
        title: w('otherTitle'),
        name: `expert-title-${i}`,
        list: titleList,
        maxlength: 40,
        oninput: (e) => {
          expert.title = e.target.value;
          save();
        },
      }),
      el(
        'label',
        // A checkbox beside its word (the form's labels stack their field under the text).
        { class: 'inline', style: 'flex-direction:row;align-items:center;gap:0.2rem;white-space:nowrap' },
        el('input', {
          type: 'checkbox',
          name: `expert-academician-${i}`,
          checked: expert.academician === true,
          onchange: (e) => {
            expert.academician = e.target.checked;
            save();
          },
        }),
        w('academician'),
      ),
      el(
        'button',
        {
          type: 'button',
          onclick: () => {
            draft.experts.splice(i, 1);
            changed();
          },
        },
        w('remove'),
      ),
    );

  const activityRow = (activity, i) =>
    el(
      'div',
      { class: 'coop-row activity-row' },
      el(
        'select',
        {
          'aria-label': w('kind'),
          name: `activity-kind-${i}`,
          onchange: (e) => {
            activity.kind = e.target.value;
            save();
          },
        },
        ACTIVITY_KINDS.map((kind) =>
          el('option', { value: kind, selected: activity.kind === kind }, say(ACTIVITY_LABELS[kind])),
        ),
      ),
      el('input', {
        value: activity.title ?? '',
        placeholder: w('activityTitle'),
        'aria-label': w('activityTitle'),
        name: `activity-title-${i}`,
        maxlength: 200,
        oninput: (e) => {
          activity.title = e.target.value;
          save();
        },
      }),
      el('input', {
        type: 'number',
        min: 0,
        max: 100000,
        inputmode: 'numeric',
        value: String(activity.participants ?? 0),
        'aria-label': w('participants'),
        name: `activity-participants-${i}`,
        oninput: (e) => {
          activity.participants = e.target.value;
          save();
        },
      }),
      el('span', { class: 'muted' }, w('participants')),
      el(
        'button',
        {
          type: 'button',
          onclick: () => {
            draft.activities.splice(i, 1);
            changed();
          },
        },
        w('remove'),
      ),
    );

  const pickFromRoster = el('select', { 'aria-label': w('roster'), name: 'expert-roster', hidden: true });
  pickFromRoster.addEventListener('change', async () => {
    const known = (await roster()).find((p) => p.name === pickFromRoster.value);
    pickFromRoster.value = '';
    if (!known || draft.experts.length >= MAX_REPORT_EXPERTS) return;
    if (draft.experts.some((e) => e.name.replace(/\s+/g, '') === known.name.replace(/\s+/g, ''))) return;
    draft.experts.push({
      name: known.name,
      title: known.title ?? '',
      academician: known.academician === true,
    });
    changed();
  });
  roster().then((people) => {
    pickFromRoster.replaceChildren(
      el('option', { value: '' }, `${w('roster')}…`),
      ...people.map((p) =>
        el(
          'option',
          { value: p.name },
          `${p.name}${p.academician ? `（${w('academician')}）` : p.title ? `（${p.title}）` : ''}`,
        ),
      ),
    );
    pickFromRoster.hidden = people.length === 0;
  });

  function draw() {
    box.replaceChildren(
      el(
        'fieldset',
        {},
        el('legend', {}, w('experts')),
        el(
          'datalist',
          { id: titleList },
          EXPERT_TITLES.map((title) => el('option', { value: title })),
        ),
        draft.experts.map(expertRow),
        el(
          'div',
          { class: 'actions' },
          pickFromRoster,
          el(
            'button',
            {
              type: 'button',
              disabled: draft.experts.length >= MAX_REPORT_EXPERTS,
              onclick: () => {
                draft.experts.push({ name: '', title: '', academician: false });
                changed();
              },
            },
            w('addExpert'),
          ),
        ),
      ),
      el(
        'fieldset',
        {},
        el('legend', {}, w('activities')),
        draft.activities.map(activityRow),
        el(
          'button',
          {
            type: 'button',
            disabled: draft.activities.length >= MAX_REPORT_ACTIVITIES,
            onclick: () => {
              draft.activities.push({ kind: 'lecture', title: '', participants: 0 });
              changed();
            },
          },
          w('addActivity'),
        ),
      ),
    );
  }
  draw();
  return box;
}
