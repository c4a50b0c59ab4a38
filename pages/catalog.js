// The coordinators' catalog page: counties with their towns and societies (add, change, remove —
// a refusal shows the API's reason), the season's wording of the five questions, bulk edit by
// spreadsheet with a preview, and the audit log in words (before → after).
import { ApiError, api, requestOk } from './lib/api-client.js';
import { $, el, saveFile } from './lib/dom.js';
import { lang, say, sayBilingual, sayIssue, startLang, t } from './lib/i18n.js';
import {
  DEFAULT_QUESTION_TEXT,
  seasonOfInstant,
  shanghaiDateTime,
  THEME_LABELS,
  THEMES,
} from './lib/schemas.js';
import { startSession } from './lib/session.js';

const TEXT = {
  title: ['目录管理：县、乡镇、学会与五问', 'Catalog: counties, towns, societies and the five questions'],
  navDashboard: ['协调人看板', 'Dashboard'],
  societies: ['学会', 'Societies'],
  counties: ['县与乡镇', 'Counties and towns'],
  questions: ['五问措辞', 'The five questions'],
  import: ['表格导入', 'Spreadsheet import'],
  audit: ['操作记录', 'Audit log'],
  addSociety: ['新增学会', 'Add a society'],
  addCounty: ['新增县', 'Add a county'],
  edit: ['修改', 'Edit'],
  save: ['保存', 'Save'],
  cancel: ['取消', 'Cancel'],
  id: ['编号（小写字母、数字、-）', 'Id (a-z, 0-9, -)'],
  nameZh: ['中文名称', 'Chinese name'],
  nameEn: ['英文名称', 'English name'],
  themes: ['主题', 'Themes'],
  fields: ['专业领域（用顿号或逗号分隔）', 'Fields (separated by 、 or ,)'],
  fieldsShort: ['专业领域', 'Fields'],
  capacity: ['每季容量（次）', 'Capacity per season (visits)'],
  capacityShort: ['每季容量', 'Capacity'],
  contactName: ['联系人', 'Contact person'],
  phone: ['手机号', 'Mobile number'],
  email: ['电子邮件', 'E-mail'],
  webhook: ['群机器人地址', 'Group robot address'],
  webhookSecret: ['加签密钥', 'Signing secret'],
  webhookKind: ['机器人类型', 'Robot kind'],
  kindAuto: ['自动（按地址判断）', 'Automatic (by the address)'],
  kind_dingtalk: ['钉钉', 'DingTalk'],
  kind_wecom: ['企业微信', 'WeCom'],
  secretSet: ['已设置（留空则保留）', 'Set (leave empty to keep it)'],
  secretUnset: [
    '未设置（钉钉加签时填写 SEC 开头的密钥）',
    'Not set (for DingTalk 加签, the secret starting SEC)',
  ],
  secretClear: ['清除已设置的密钥', 'Clear the secret that is set'],
  secretHint: [
    '密钥只保存不显示；更换群机器人地址时请重新填写。',
    'The secret is kept, never shown; give it again when the robot address changes.',
  ],
  robot: ['群机器人', 'Group robot'],
  robotSigned: ['已加签', 'signed'],
  contact: ['联系方式', 'Contact'],
  towns: ['乡镇', 'Towns'],
  townId: ['乡镇编号', 'Town id'],
  townZh: ['乡镇中文名', 'Town (Chinese)'],
  townEn: ['乡镇英文名', 'Town (English)'],
  addTown: ['增加乡镇', 'Add a town'],
  removeTown: ['移除', 'Remove'],
  noTowns: ['尚无乡镇', 'No towns yet'],
  perSeason: ['{n} 次/季', '{n} a season'],
  none: ['（无）', '(none)'],
  saveQuestions: ['保存为新版本', 'Save as a new version'],
  defaultWording: ['默认措辞（尚未修改）', 'The default wording (not changed yet)'],
  versionBy: ['第 {v} 版 · {who} 修改于 {at}', 'Version {v} · changed by {who} at {at}'],
  questionZh: ['中文', 'Chinese'],
  questionEn: ['英文', 'English'],
  importHelp: [
    '下载当前目录表格，修改后上传；先预览修改，确认后一次全部生效，有任何错误则不做任何修改。',
    'Download the catalog as it stands, edit it and upload it: preview the changes first; they apply all at once, and nothing changes if any row is wrong.',
  ],
  templateSocieties: ['下载学会表（XLSX）', 'Download the societies sheet (XLSX)'],
  templateCounties: ['下载县与乡镇表（XLSX）', 'Download the counties sheet (XLSX)'],
  file: ['表格文件（XLSX 或 CSV）', 'Spreadsheet (XLSX or CSV)'],
  preview: ['预览修改', 'Preview the changes'],
  apply: ['确认导入', 'Apply them'],
  chooseFile: ['请先选择文件', 'Choose a file first'],
  noChanges: [
    '共 {rows} 行，与当前目录相同，没有要修改的内容。',
    '{rows} rows, the same as the catalog: nothing to change.',
  ],
  previewSummary: [
    '共 {rows} 行：{n} 项修改，{same} 项不变。确认后生效。',
    '{rows} rows: {n} changes, {same} unchanged. Apply to make them.',
  ],
  applied: ['已导入 {n} 项修改。', '{n} changes imported.'],
  create: ['新增', 'Add'],
  update: ['修改', 'Change'],
  row: ['行', 'Row'],
  column: ['列', 'Column'],
  problem: ['问题', 'Problem'],
  more: ['更早的记录', 'Earlier entries'],
  noAudit: ['尚无修改记录', 'No changes yet'],
  saved: ['已保存', 'Saved'],
  removed: ['已删除', 'Removed'],
  confirmRemove: ['确定删除“{name}”吗？', 'Remove “{name}”?'],
  refused: ['未能保存：', 'Not saved: '],
  reloadHint: ['（他人已修改，请刷新后再改）', '(someone else changed it: reload and redo)'],
  a_society_create: ['新增学会', 'added the society'],
  a_society_update: ['修改学会', 'changed the society'],
  a_society_remove: ['删除学会', 'removed the society'],
  a_county_create: ['新增县', 'added the county'],
  a_county_update: ['修改县', 'changed the county'],
  a_county_remove: ['删除县', 'removed the county'],
  a_questions_update: ['修改五问措辞', 'changed the wording of'],
  townsAdded: ['增加乡镇', 'towns added'],
  townsRemoved: ['删除乡镇', 'towns removed'],
  townRenamed: ['乡镇改名', 'town renamed'],
  name: ['名称', 'Name'],
};

const state = { societies: [], counties: [], audit: [], auditCursor: undefined, importFile: null };
const themeName = (theme) => say(THEME_LABELS[theme]) || theme;
const sep = () => (lang === 'zh' ? '、' : ', ');

/** Replaces a node's children, leaving out the absent ones (`cond ? node : null`). */
function fill(node, ...children) {
  node.replaceChildren(
    ...children.flat().filter((child) => child !== null && child !== undefined && child !== false),
  );
}

function showStatus(message, kind = 'info') {
  const box = $('status');
  box.className = kind === 'error' ? 'error-box' : '';
  box.textContent = message;
}

/** An API refusal as a box: the message, and each named field's problem. */
function errorBox(error, listFields = true) {
  const fields = error instanceof ApiError && listFields ? error.fields : [];
  const text =
    error instanceof ApiError ? (lang === 'zh' ? error.zh : error.en) : String(error.message ?? error);
  const hint = error instanceof ApiError && fields.some((f) => f.path === 'If-Match') ? t('reloadHint') : '';
  return el(
    'div',
    { class: 'error-box', role: 'alert' },
    el('strong', {}, t('refused')),
    `${text}${hint}`,
    fields.length > 1
      ? el(
          'ul',
          {},
          fields.map((f) => el('li', {}, sayIssue(f))),
        )
      : null,
  );
}

/** Each field the API named gets its message under the input (`themes[1]` → the themes fieldset). */
function markFields(form, error) {
  for (const old of form.querySelectorAll('.field-error, .error-box')) old.remove();
  form.prepend(errorBox(error));
  if (!(error instanceof ApiError)) return;
  for (const field of error.fields) {
    const path = field.path;
    const target =
      form.querySelector(`[data-path="${CSS.escape(path)}"]`) ??
      form.querySelector(`[data-path="${CSS.escape(path.replace(/\[\d+\]$/, ''))}"]`) ??
      form.querySelector(`[data-path="${CSS.escape(path.split(/[.[]/)[0])}"]`);
    target?.append(el('p', { class: 'field-error' }, sayIssue(field)));
  }
}

const listOf = (text) =>
  text
    .split(/[、,，;；\n]+/)
    .map((s) => s.trim())
    .filter(Boolean);

// ---- contacts (a society's, a county's) ------------------------------------------------------------

/** A contact in one line: whom to call, and the robot by kind (its address holds a token). */
function contactLine(contact = {}) {
  const robot = contact.webhook
    ? [
        t('robot'),
        [
          contact.webhookKind ? t(`kind_${contact.webhookKind}`) : null,
          contact.webhookSecretSet ? t('robotSigned') : null,
        ]
          .filter(Boolean)
          .join(sep()),
      ]
        .filter(Boolean)
        .join(lang === 'zh' ? '' : ' ')
    : null;
  const parts = [contact.name, contact.phone, contact.email, robot].filter(Boolean);
  return parts.length ? parts.join(' · ') : t('none');
}

/**
 * A contact's inputs. The secret is never shown (the API says only `webhookSecretSet`): its box is
 * empty, saying 已设置 when one is set; left empty it keeps the secret, 清除 sends "" to clear it.
 */
function contactFields(contact = {}) {
  return el(
    'fieldset',
    { class: 'contact', dataset: { path: 'contact' } },
    el('legend', {}, t('contact')),
    el(
      'div',
      { class: 'grid2' },
      input(t('contactName'), 'contact.name', contact.name ?? ''),
      input(t('email'), 'contact.email', contact.email ?? '', { type: 'email' }),
      input(t('phone'), 'contact.phone', contact.phone ?? '', { type: 'tel' }),
      input(t('webhook'), 'contact.webhook', contact.webhook ?? '', { type: 'url', spellcheck: 'false' }),
      input(t('webhookSecret'), 'contact.webhookSecret', '', {
        type: 'password',
        autocomplete: 'new-password',
        spellcheck: 'false',
        placeholder: contact.webhookSecretSet ? t('secretSet') : t('secretUnset'),
      }),
      el(
        'label',
        { dataset: { path: 'contact.webhookKind' } },
        el('span', {}, t('webhookKind')),
        el(
          'select',
          { name: 'contact.webhookKind' },
          ['', 'dingtalk', 'wecom'].map((kind) =>
            el(
              'option',
              { value: kind, selected: (contact.webhookKind ?? '') === kind },
              kind ? t(`kind_${kind}`) : t('kindAuto'),
            ),
          ),
        ),
      ),
    ),
    contact.webhookSecretSet
      ? el(
          'label',
          { class: 'check' },
          el('input', { type: 'checkbox', name: 'contact.clearSecret' }),
          t('secretClear'),
        )
      : null,
    el('p', { class: 'hint' }, t('secretHint')),
  );
}

/** The contact as the API takes it: the secret only when typed ("" when cleared), else left out. */
function contactBody(form) {
  const value = (name) => String(form.querySelector(`[name="${name}"]`)?.value ?? '').trim();
  const contact = Object.fromEntries(
    ['name', 'email', 'phone', 'webhook', 'webhookKind']
      .map((k) => [k, value(`contact.${k}`)])
      .filter(([, v]) => v !== ''),
  );
  const secret = value('contact.webhookSecret');
  if (form.querySelector('[name="contact.clearSecret"]')?.checked) contact.webhookSecret = '';
  else if (secret) contact.webhookSecret = secret;
  return Object.keys(contact).length ? { contact } : {};
}

// ---- societies ----------------------------------------------------------------------------------

/** A society's or county's card: its names, `details`, and Edit / Remove with their message. */
function entryCard(collection, entry, openForm, details) {
  const message = el('div', { class: 'card-message' });
  return el(
    'li',
    { class: 'card', dataset: { [collection === 'societies' ? 'society' : 'county']: entry.id } },
    el('h3', {}, say(entry.name)),
    lang === 'zh' ? el('div', { class: 'en' }, entry.name.en) : null,
    details,
    el(
      'div',
      { class: 'actions' },
      el('button', { type: 'button', onclick: () => openForm(entry) }, t('edit')),
      el(
        'button',
        { type: 'button', class: 'danger', onclick: () => removeItem(collection, entry, message) },
        t('remove'),
      ),
    ),
    message,
  );
}

function societyCard(society) {
  return entryCard(
    'societies',
    society,
    openSocietyForm,
    el(
      'dl',
      {},
      el('dt', {}, t('themes')),
      el(
        'dd',
        {},
        society.themes.map((theme) => el('span', { class: 'chip' }, themeName(theme))),
      ),
      el('dt', {}, t('fieldsShort')),
      el('dd', {}, society.fields.join(sep())),
      el('dt', {}, t('capacityShort')),
      el('dd', {}, t('perSeason', { n: society.capacityPerSeason })),
      el('dt', {}, t('contact')),
      el('dd', { class: 'contact-line' }, contactLine(society.contact)),
    ),
  );
}

function input(label, path, value = '', attrs = {}) {
  return el(
    'label',
    { dataset: { path } },
    el('span', {}, label),
    el('input', { name: path, value, ...attrs }),
  );
}

/** The head of an entry's form: what it does, the id (a new entry's only) and the two names. */
function entryHead(entry, addKey) {
  return [
    el('h3', {}, entry ? `${t('edit')}：${say(entry.name)}` : t(addKey)),
    entry ? null : input(t('id'), 'id', '', { required: true, autocapitalize: 'off', spellcheck: 'false' }),
    el(
      'div',
      { class: 'grid2' },
      input(t('nameZh'), 'name.zh', entry?.name.zh ?? '', { required: true }),
      input(t('nameEn'), 'name.en', entry?.name.en ?? '', { required: true }),
    ),
  ];
}

const saveOrCancel = (form) =>
  el(
    'p',
    { class: 'actions' },
    el('button', { type: 'submit' }, t('save')),
    el('button', { type: 'button', onclick: () => (form.hidden = true) }, t('cancel')),
  );

function openSocietyForm(society) {
  const form = $('society-form');
  const editing = Boolean(society);
  fill(
    form,
    entryHead(society, 'addSociety'),
    el(
      'fieldset',
      { class: 'checks', dataset: { path: 'themes' } },
      el('legend', {}, t('themes')),
      THEMES.map((theme) =>
        el(
          'label',
          {},
          el('input', {
            type: 'checkbox',
            name: 'themes',
            value: theme,
            checked: society?.themes.includes(theme) ?? false,
          }),
          themeName(theme),
        ),
      ),
    ),
    input(t('fields'), 'fields', society?.fields.join('、') ?? ''),
    input(t('capacity'), 'capacityPerSeason', String(society?.capacityPerSeason ?? 1), {
      type: 'number',
      min: '0',
      step: '1',
      inputmode: 'numeric',
    }),
    contactFields(society?.contact),
    saveOrCancel(form),
  );
  form.onsubmit = async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const value = (name) => String(data.get(name) ?? '').trim();
    const capacityText = value('capacityPerSeason');
    const body = {
      id: editing ? society.id : value('id'),
      name: { zh: value('name.zh'), en: value('name.en') },
      themes: data.getAll('themes').map(String),
      fields: listOf(value('fields')),
      capacityPerSeason: /^\d+$/.test(capacityText) ? Number(capacityText) : capacityText,
      ...contactBody(form),
    };
    await saveEntry(form, 'societies', society, body);
  };
  form.hidden = false;
  form.scrollIntoView({ block: 'start' });
  form.querySelector('input')?.focus();
}

/** Adds a catalog entry (POST), or changes one at the version it was read at (PUT, If-Match); then reloads. */
async function saveEntry(form, collection, existing, body) {
  try {
    if (existing)
      await api('PUT', `/${collection}/${existing.id}`, {
        body,
        headers: { 'if-match': `"${existing.version ?? 0}"` },
      });
    else await api('POST', `/${collection}`, { body });
    form.hidden = true;
    showStatus(`${t('saved')}：${say(body.name)}`);
    await reload();
  } catch (error) {
    markFields(form, error);
  }
}

async function removeItem(kind, item, message) {
  if (!confirm(t('confirmRemove', { name: say(item.name) }))) return;
  try {
    await api('DELETE', `/${kind}/${item.id}`, { headers: { 'if-match': `"${item.version}"` } });
    showStatus(`${t('removed')}：${say(item.name)}`);
    await reload();
  } catch (error) {
    message.replaceChildren(errorBox(error));
  }
}

// ---- counties -------------------------------------------------------------------------------------

function countyCard(county) {
  return entryCard('counties', county, openCountyForm, [
    el(
      'p',
      {},
      county.towns.length
        ? county.towns.map((town) => el('span', { class: 'chip' }, say(town.name)))
        : el('span', { class: 'muted' }, t('noTowns')),
    ),
    el(
      'dl',
      {},
      el('dt', {}, t('contact')),
      el('dd', { class: 'contact-line' }, contactLine(county.contact)),
    ),
  ]);
}

function townRow(town, index) {
  const row = el(
    'div',
    { class: 'town-row', dataset: { path: `towns[${index}]` } },
    town?.id && town.existing
      ? el('input', { type: 'hidden', name: 'town.id', value: town.id })
      : input(t('townId'), `towns[${index}].id`, town?.id ?? '', { name: 'town.id', autocapitalize: 'off' }),
    input(t('townZh'), `towns[${index}].name.zh`, town?.name.zh ?? '', { name: 'town.zh' }),
    input(t('townEn'), `towns[${index}].name.en`, town?.name.en ?? '', { name: 'town.en' }),
    el('button', { type: 'button', onclick: () => row.remove() }, t('removeTown')),
  );
  return row;
}

function openCountyForm(county) {
  const form = $('county-form');
  const editing = Boolean(county);
  const towns = el('div', { class: 'towns', dataset: { path: 'towns' } });
  for (const [i, town] of (county?.towns ?? []).entries())
    towns.append(townRow({ ...town, existing: true }, i));
  fill(
    form,
    entryHead(county, 'addCounty'),
    el('h4', {}, t('towns')),
    towns,
    el(
      'p',
      {},
      el(
        'button',
        { type: 'button', onclick: () => towns.append(townRow(undefined, towns.children.length)) },
        t('addTown'),
      ),
    ),
    contactFields(county?.contact),
    saveOrCancel(form),
  );
  form.onsubmit = async (event) => {
    event.preventDefault();
    const value = (name) => String(form.querySelector(`[name="${name}"]`)?.value ?? '').trim();
    const body = {
      id: editing ? county.id : value('id'),
      name: { zh: value('name.zh'), en: value('name.en') },
      towns: [...towns.querySelectorAll('.town-row')].map((row) => ({
        id: String(row.querySelector('[name="town.id"]')?.value ?? '').trim(),
        name: {
          zh: String(row.querySelector('[name="town.zh"]')?.value ?? '').trim(),
          en: String(row.querySelector('[name="town.en"]')?.value ?? '').trim(),
        },
      })),
      ...contactBody(form),
    };
    // The API names towns by their place in the list: keep each row's place in step.
    [...towns.querySelectorAll('.town-row')].forEach((row, i) => {
      row.dataset.path = `towns[${i}]`;
    });
    await saveEntry(form, 'counties', county, body);
  };
  form.hidden = false;
  form.scrollIntoView({ block: 'start' });
}

// ---- the five questions ---------------------------------------------------------------------------

async function loadQuestions() {
  const season = $('q-season').value.trim();
  if (!/^\d{4}-Q[1-4]$/.test(season)) return;
  const form = $('questions-form');
  for (const old of form.querySelectorAll('.field-error, .error-box')) old.remove();
  try {
    const q = await api('GET', `/seasons/${season}/questions`);
    form.dataset.version = String(q.version);
    $('q-version').textContent = q.version
      ? t('versionBy', {
          v: q.version,
          who: q.updatedBy?.name ?? '',
          at: shanghaiDateTime(new Date(q.updatedAt)),
        })
      : t('defaultWording');
    $('q-fields').replaceChildren(
      ...THEMES.map((theme) =>
        el(
          'fieldset',
          { dataset: { path: theme } },
          el('legend', {}, themeName(theme)),
          el(
            'label',
            { dataset: { path: `${theme}.zh` } },
            el('span', {}, t('questionZh')),
            el(
              'textarea',
              { name: `${theme}.zh`, rows: '2' },
              q[theme]?.zh ?? DEFAULT_QUESTION_TEXT[theme].zh,
            ),
          ),
          el(
            'label',
            { dataset: { path: `${theme}.en` } },
            el('span', {}, t('questionEn')),
            el(
              'textarea',
              { name: `${theme}.en`, rows: '2' },
              q[theme]?.en ?? DEFAULT_QUESTION_TEXT[theme].en,
            ),
          ),
        ),
      ),
    );
  } catch (error) {
    markFields(form, error);
  }
}

async function saveQuestions(event) {
  event.preventDefault();
  const form = $('questions-form');
  const season = $('q-season').value.trim();
  const body = Object.fromEntries(
    THEMES.map((theme) => [
      theme,
      {
        zh: form.querySelector(`[name="${theme}.zh"]`).value.trim(),
        en: form.querySelector(`[name="${theme}.en"]`).value.trim(),
      },
    ]),
  );
  try {
    await api('PUT', `/seasons/${season}/questions`, {
      body,
      headers: { 'if-match': `"${form.dataset.version ?? 0}"` },
    });
    $('q-status').textContent = t('saved');
    await loadQuestions();
    await loadAudit(true);
  } catch (error) {
    markFields(form, error);
  }
}

// ---- spreadsheet import ---------------------------------------------------------------------------

function base64Of(buffer) {
  const bytes = new Uint8Array(buffer);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

async function sendImport(apply) {
  const file = $('import-file').files?.[0];
  const out = $('import-result');
  if (!file) {
    fill(out, el('p', { class: 'error' }, t('chooseFile')));
    return;
  }
  const format = /\.csv$/i.test(file.name) || file.type === 'text/csv' ? 'csv' : 'xlsx';
  try {
    const result = await api('POST', '/catalog/import', {
      body: { format, content: base64Of(await file.arrayBuffer()), apply },
    });
    if (apply) {
      fill(out, el('p', { role: 'status' }, t('applied', { n: result.changes.length })));
      $('apply').hidden = true;
      await reload();
      return;
    }
    $('apply').hidden = result.changes.length === 0;
    fill(
      out,
      el(
        'p',
        { role: 'status' },
        result.changes.length
          ? t('previewSummary', { rows: result.rows, n: result.changes.length, same: result.unchanged })
          : t('noChanges', { rows: result.rows }),
      ),
      el(
        'ul',
        { class: 'change-list' },
        result.changes.map((change) =>
          el(
            'li',
            {},
            el('strong', {}, `${t(change.change)}：${say(change.name)}`),
            change.change === 'update'
              ? el(
                  'ul',
                  { class: 'diff' },
                  describeChange(change.kind, change.before, change.after).map((line) => el('li', {}, line)),
                )
              : null,
          ),
        ),
      ),
    );
  } catch (error) {
    $('apply').hidden = true;
    const rows = (error.fields ?? []).map((f) => {
      const cell = /^\w+\[(\d+)\]\.(.+)$/.exec(f.path);
      const text = sayIssue(f);
      return el(
        'tr',
        {},
        el('td', {}, cell?.[1] ?? ''),
        el('td', {}, cell?.[2] ?? ''),
        el('td', {}, text.replace(/^第 \d+ 行「[^」]*」：|^row \d+, column [^:]*: /, '')),
      );
    });
    fill(
      out,
      errorBox(error, false),
      rows.length
        ? el(
            'div',
            { class: 'table-wrap' },
            el(
              'table',
              { class: 'issues' },
              el(
                'thead',
                {},
                el('tr', {}, el('th', {}, t('row')), el('th', {}, t('column')), el('th', {}, t('problem'))),
              ),
              el('tbody', {}, rows),
            ),
          )
        : null,
    );
  }
}

async function downloadTemplate(kind) {
  try {
    const res = await requestOk('GET', `/catalog/template?kind=${kind}`);
    saveFile(await res.blob(), kind === 'societies' ? '学会目录.xlsx' : '县与乡镇.xlsx');
  } catch (error) {
    $('import-result').replaceChildren(errorBox(error));
  }
}

// ---- the audit log, in words ----------------------------------------------------------------------

const fmt = (value) => {
  if (value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0))
    return t('none');
  return Array.isArray(value) ? value.join(sep()) : String(value);
};

/** What changed, one line a field: `每季容量：3 → 4`. */
function describeChange(kind, before = {}, after = {}) {
  const lines = [];
  const line = (label, a, b) => {
    if (fmt(a) !== fmt(b)) lines.push(`${label}：${fmt(a)} → ${fmt(b)}`);
  };
  if (kind === 'questions') {
    for (const theme of THEMES) {
      const a = before[theme] ?? {};
      const b = after[theme] ?? {};
      if (a.zh !== b.zh || a.en !== b.en) lines.push(`${themeName(theme)}：「${say(a)}」 → 「${say(b)}」`);
    }
    return lines;
  }
  line(t('nameZh'), before.name?.zh, after.name?.zh);
  line(t('nameEn'), before.name?.en, after.name?.en);
  if (kind === 'society') {
    line(t('themes'), (before.themes ?? []).map(themeName), (after.themes ?? []).map(themeName));
    line(t('fieldsShort'), before.fields, after.fields);
    line(t('capacityShort'), before.capacityPerSeason, after.capacityPerSeason);
  }
  if (kind === 'society' || kind === 'county') {
    const kindName = (c) => (c?.webhookKind ? t(`kind_${c.webhookKind}`) : undefined);
    const secret = (c) => (c?.webhookSecretSet ? t('robotSigned') : undefined);
    for (const key of ['name', 'phone', 'email', 'webhook'])
      line(t(key === 'name' ? 'contactName' : key), before.contact?.[key], after.contact?.[key]);
    line(t('webhookKind'), kindName(before.contact), kindName(after.contact));
    line(t('webhookSecret'), secret(before.contact), secret(after.contact));
  }
  if (kind === 'county') {
    const old = new Map((before.towns ?? []).map((town) => [town.id, town]));
    const now = new Map((after.towns ?? []).map((town) => [town.id, town]));
    const added = [...now.values()].filter((town) => !old.has(town.id)).map((town) => say(town.name));
    const removed = [...old.values()].filter((town) => !now.has(town.id)).map((town) => say(town.name));
    if (added.length) lines.push(`${t('townsAdded')}：${added.join(sep())}`);
    if (removed.length) lines.push(`${t('townsRemoved')}：${removed.join(sep())}`);
    for (const [id, town] of now) {
      const was = old.get(id);
      if (was && (was.name.zh !== town.name.zh || was.name.en !== town.name.en))
        lines.push(`${t('townRenamed')}：${say(was.name)} → ${say(town.name)}`);
    }
  }
  return lines;
}

function auditEntry(entry) {
  const key = `a_${entry.action.replace('.', '_')}`;
  const what = key in TEXT ? t(key) : entry.action;
  const target = entry.target.name ? say(entry.target.name) : '';
  const kind = entry.target.kind;
  const lines =
    entry.before && entry.after
      ? describeChange(kind, entry.before, entry.after)
      : entry.after && kind !== 'questions'
        ? describeChange(kind, {}, entry.after)
        : [];
  return el(
    'li',
    {},
    el('div', { class: 'when' }, `${shanghaiDateTime(new Date(entry.at))} · ${entry.by.name}`),
    el(
      'div',
      {},
      el('strong', {}, `${what} `),
      target,
      entry.note ? el('span', { class: 'muted' }, `（${sayBilingual(entry.note)}）`) : null,
    ),
    lines.length
      ? el(
          'ul',
          { class: 'diff' },
          lines.map((l) => el('li', {}, l)),
        )
      : null,
  );
}

async function loadAudit(fresh) {
  const query = new URLSearchParams({ limit: '20' });
  if (!fresh && state.auditCursor) query.set('cursor', state.auditCursor);
  const page = await api('GET', `/audit?${query}`);
  state.audit = fresh ? page.items : [...state.audit, ...page.items];
  state.auditCursor = page.cursor;
  renderAudit();
}

function renderAudit() {
  $('audit-list').replaceChildren(
    ...(state.audit.length ? state.audit.map(auditEntry) : [el('li', { class: 'muted' }, t('noAudit'))]),
  );
  $('audit-more').hidden = !state.auditCursor;
}

// ---- the page -------------------------------------------------------------------------------------

function render() {
  $('society-list').replaceChildren(...state.societies.map(societyCard));
  $('county-list').replaceChildren(...state.counties.map(countyCard));
  renderAudit();
}

async function reload() {
  const [societies, counties] = await Promise.all([api('GET', '/societies'), api('GET', '/counties')]);
  state.societies = societies.items;
  state.counties = counties.items;
  await loadAudit(true);
  render();
}

$('add-society').addEventListener('click', () => openSocietyForm());
$('add-county').addEventListener('click', () => openCountyForm());
$('questions-form').addEventListener('submit', saveQuestions);
$('q-season').addEventListener('change', loadQuestions);
$('import-form').addEventListener('submit', (event) => {
  event.preventDefault();
  sendImport(false);
});
$('apply').addEventListener('click', () => sendImport(true));
$('import-file').addEventListener('change', () => {
  $('apply').hidden = true;
  $('import-result').replaceChildren();
});
$('template-societies').addEventListener('click', () => downloadTemplate('societies'));
$('template-counties').addEventListener('click', () => downloadTemplate('counties'));
$('audit-more').addEventListener('click', () => loadAudit(false));

if (startSession({ roles: ['coordinator'] })) {
  $('q-season').value = seasonOfInstant(new Date());
  startLang(TEXT, () => {
    render();
    loadQuestions();
  });
  showStatus(t('loading'));
  reload()
    .then(() => showStatus(''))
    .catch((error) => showStatus(error instanceof ApiError ? error.message : String(error), 'error'));
}
