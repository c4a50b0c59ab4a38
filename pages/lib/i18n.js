// Chinese first, English on request. A page's HTML is written in Chinese; each element to translate
// names its text with data-t="key", and the page's TEXT table holds `key: ['中文', 'English']`
// (SHARED below holds the words several pages use). The #lang button switches, the choice is kept
// in localStorage, and <html lang> follows it (lib/session.js redraws its bar on that).

const KEY = 'lang';

/** The reader's choice as stored, read afresh: 'zh' unless it is 'en'. */
export function pageLang() {
  return globalThis.localStorage?.getItem(KEY) === 'en' ? 'en' : 'zh';
}

/** The page's language, 'zh' or 'en'. */
export let lang = pageLang();

const SHARED = {
  navHome: ['首页', 'Home'],
  navDashboard: ['协调人看板', 'Coordinator dashboard'],
  navTeam: ['学会团队', 'Society teams'],
  loading: ['加载中…', 'Loading…'],
  none: ['暂无', 'None'],
  season: ['季度', 'Season'],
  show: ['查看', 'Show'],
  remove: ['删除', 'Remove'],
  fix: ['请修改标出的内容', 'Please correct the marked fields'],
  unknownSociety: ['（学会）', '(society)'],
};
let texts = SHARED;

/** The page's text for `key` with `{name}` filled from `vars`; an unknown key shows as itself. */
export function t(key, vars = {}) {
  return (texts[key]?.[lang === 'en' ? 1 : 0] ?? key).replace(/\{(\w+)\}/g, (_, k) => vars[k] ?? '');
}

/** Both texts of `key`, as the API's issues carry them: { zh, en }. */
export const both = (key) => ({ zh: texts[key]?.[0] ?? key, en: texts[key]?.[1] ?? key });

/** One of a `['中文', 'English']` pair. */
export const pick = (pair) => pair?.[lang === 'en' ? 1 : 0] ?? '';

/** A bilingual name or label (`{ zh, en }`, or a plain string) in the page's language; unknown shows nothing. */
export const say = (label) => (typeof label === 'string' ? label : (label?.[lang] ?? label?.zh ?? ''));

/** The API's messages read `中文 / English`: the two halves (one message without a slash serves both). */
export function splitBilingual(message) {
  const at = message.indexOf(' / ');
  return at < 0 ? [message, message] : [message.slice(0, at), message.slice(at + 3)];
}

/** An API issue ({ path, zh, en, message }) in the page's language. */
export const sayIssue = (issue) => issue[lang] ?? issue.message;

/** The half of a `中文 / English` message in the page's language. */
export const sayBilingual = (message) => splitBilingual(message)[lang === 'en' ? 1 : 0];

/** Every data-t element in the page's language, the #lang button offering the other one; then `redraw`. */
export function applyLang(redraw = () => {}) {
  document.documentElement.lang = lang === 'en' ? 'en' : 'zh-CN';
  for (const node of document.querySelectorAll('[data-t]')) node.textContent = t(node.dataset.t);
  document.getElementById('lang').textContent = lang === 'en' ? '中文' : 'English';
  redraw();
}

/**
 * The page's texts (its TEXT table over SHARED), shown now in the reader's language; the #lang button
 * switches and remembers. `redraw` repaints what the page drew itself, now and after each switch.
 */
export function startLang(pageTexts, redraw) {
  texts = { ...SHARED, ...pageTexts };
  document.getElementById('lang').addEventListener('click', () => {
    lang = lang === 'en' ? 'zh' : 'en';
    localStorage.setItem(KEY, lang);
    applyLang(redraw);
  });
  applyLang(redraw);
}
