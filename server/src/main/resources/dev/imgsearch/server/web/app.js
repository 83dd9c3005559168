// The search page of imgsearch-server. No framework, no build step, no inline script (the CSP forbids it).
'use strict';

const TEXT = {
  en: {
    title: 'Image search', skip: 'Skip to results', queryLabel: 'Search words',
    placeholder: 'Describe a picture, e.g. a white dog', search: 'Search', upload: 'Upload an image',
    dropHint: '…or drop an image anywhere on this page, or paste one.', dropNow: 'Drop the image to search with it',
    options: 'Filters and options', topK: 'Results', minScore: 'Minimum score', filterLabel: 'Filter expression',
    results: 'Results', any: 'any', min: 'min', max: 'max',
    tokenLabel: 'This server needs a token:', tokenSave: 'Use token',
    info: (i) => `${i.count} images · model ${i.model} · ${i.dimension}-d ${i.metric}`,
    indexing: (s) => s.total > 0 ? `Indexing… ${s.done} of ${s.total} images` : `Indexing… ${s.done} images`,
    indexed: (s) => `Indexing finished: ${s.indexed} new, ${s.unchanged} unchanged, ${s.failed} could not be read.`,
    summaryText: (n, q, ms) => `${n} results for “${q}” (${ms} ms)`,
    summaryImage: (n, ms) => `${n} images like the uploaded one (${ms} ms)`,
    summarySimilar: (n, c, ms) => `${n} images like “${c}” (${ms} ms)`,
    none: 'Nothing found. Try other words, or loosen the filters.',
    queryImage: 'Uploaded image', likeThis: 'More like this:',
    hitLabel: (c, s) => `${c}, score ${s}. Find similar images`,
    noText: 'This model searches by image only: upload an image.',
    errorTitle: 'Something went wrong',
    network: 'The server cannot be reached. Is it still running?',
    notImage: 'That file is not an image. Choose a JPEG, PNG, GIF, BMP or WebP file.',
    problems: {},
  },
  zh: {
    title: '以图搜图', skip: '跳到结果', queryLabel: '搜索词',
    placeholder: '描述一张图片，例如：一只白色的狗', search: '搜索', upload: '上传图片',
    dropHint: '……也可以把图片拖到本页任意位置，或直接粘贴。', dropNow: '松开即可用这张图片搜索',
    options: '筛选与选项', topK: '结果数量', minScore: '最低分数', filterLabel: '筛选表达式',
    results: '结果', any: '全部', min: '最小', max: '最大',
    tokenLabel: '此服务器需要访问令牌：', tokenSave: '使用令牌',
    info: (i) => `共 ${i.count} 张图片 · 模型 ${i.model} · ${i.dimension} 维 ${i.metric}`,
    indexing: (s) => s.total > 0 ? `正在建立索引…… 已完成 ${s.done} / ${s.total} 张` : `正在建立索引…… 已完成 ${s.done} 张`,
    indexed: (s) => `索引完成：新增 ${s.indexed} 张，未变 ${s.unchanged} 张，${s.failed} 张无法读取。`,
    summaryText: (n, q, ms) => `“${q}”的 ${n} 个结果（${ms} 毫秒）`,
    summaryImage: (n, ms) => `与上传图片相似的 ${n} 张图片（${ms} 毫秒）`,
    summarySimilar: (n, c, ms) => `与“${c}”相似的 ${n} 张图片（${ms} 毫秒）`,
    none: '没有找到结果。换个说法试试，或放宽筛选条件。',
    queryImage: '上传的图片', likeThis: '相似图片：',
    hitLabel: (c, s) => `${c}，分数 ${s}。查找相似图片`,
    noText: '此模型只能以图搜图：请上传一张图片。',
    errorTitle: '出错了',
    network: '无法连接服务器。它还在运行吗？',
    notImage: '这个文件不是图片。请选择 JPEG、PNG、GIF、BMP 或 WebP 文件。',
    problems: {
      'corrupt-image': '无法读取这张图片：文件已损坏。请换一个文件。',
      'truncated-image': '图片数据不完整（文件被截断了）。请重新上传完整的文件。',
      'empty-image': '上传的文件是空的。请选择一张图片。',
      'unsupported-image-format': '不支持这种图片格式。请使用 JPEG、PNG、GIF、BMP、WebP 或 TIFF。',
      'not-an-image': '这个文件不是图片。请选择 JPEG、PNG、GIF、BMP 或 WebP 文件。',
      'image-too-large': '图片像素太多（为防止解压炸弹而设的上限）。请缩小后再上传，例如不超过 4000 × 4000 像素。',
      'body-too-large': '文件太大，超过了服务器允许的上传大小。请上传较小的图片。',
      'filter-syntax': '筛选表达式有误。写法示例：category == "cat" and file_size < 100000。',
      'unknown-field': '筛选表达式里的字段在这个集合中不存在。',
      'busy': '服务器正忙。请稍后再试。',
      'unauthorized': '需要访问令牌。请向服务器管理员索取。',
      'unknown-id': '索引中没有这张图片。请从搜索结果中选择。',
      'store-unavailable': '向量数据库暂时无法连接。请稍后再试。',
      'no-text-search': '此模型只能以图搜图：请上传一张图片。',
    },
  },
};

const lang = (navigator.languages && navigator.languages[0] || navigator.language || 'en').toLowerCase()
  .startsWith('zh') ? 'zh' : 'en';
const T = TEXT[lang];
const $ = (id) => document.getElementById(id);
const state = { info: null, last: null, previewUrl: null, busy: false };

function translatePage() {
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  document.title = T.title;
  for (const el of document.querySelectorAll('[data-i18n]')) {
    const t = T[el.dataset.i18n];
    if (typeof t === 'string') el.textContent = t;
  }
  for (const el of document.querySelectorAll('[data-i18n-placeholder]')) {
    el.placeholder = T[el.dataset.i18nPlaceholder];
  }
}

class Problem extends Error {
  constructor(status, type, title, detail) {
    super(detail || title);
    this.status = status; this.type = type; this.title = title; this.detail = detail;
  }
}

async function api(url, options) {
  let res;
  try {
    res = await fetch(url, Object.assign({ credentials: 'same-origin', headers: { Accept: 'application/json' } }, options));
  } catch (e) {
    throw new Problem(0, 'network', T.errorTitle, T.network);
  }
  const type = res.headers.get('Content-Type') || '';
  if (!res.ok) {
    let p = { title: res.statusText, detail: '' };
    if (type.includes('json')) { try { p = await res.json(); } catch (e) { /* keep the status line */ } }
    const short = (p.type || '').replace(/^.*\/problems\//, '');
    if (res.status === 401) showTokenForm();
    throw new Problem(res.status, short, p.title, p.detail);
  }
  return res.json();
}

function showError(err) {
  const box = $('error');
  box.replaceChildren();
  const title = document.createElement('strong');
  const detail = document.createElement('span');
  title.textContent = err.title || T.errorTitle;
  detail.textContent = (lang === 'zh' && T.problems[err.type]) || err.detail || err.message || '';
  box.append(title, detail);
  box.dataset.type = err.type || '';
  box.hidden = false;
}

function clearError() { $('error').hidden = true; $('error').replaceChildren(); }

function showTokenForm() { $('token-form').hidden = false; $('token').focus(); }

function params() {
  const p = new URLSearchParams();
  p.set('topK', $('topk').value);
  const min = $('min-score').value.trim();
  if (min !== '') p.set('minScore', min);
  const f = buildFilter();
  if (f) p.set('filter', f);
  return p;
}

function quote(v) { return '"' + String(v).replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"'; }

function buildFilter() {
  const parts = [];
  for (const el of document.querySelectorAll('[data-field]')) {
    const v = el.value.trim();
    if (v === '') continue;
    const field = el.dataset.field;
    const op = el.dataset.op;
    if (el.dataset.kind === 'number') {
      if (!Number.isNaN(Number(v))) parts.push(`${field} ${op} ${Number(v)}`);
    } else if (el.dataset.kind === 'boolean') {
      parts.push(`${field} == ${v === 'true'}`);
    } else {
      parts.push(`${field} == ${quote(v)}`);
    }
  }
  const raw = $('filter').value.trim();
  if (raw) parts.push(parts.length ? `(${raw})` : raw);
  return parts.join(' and ');
}

function renderFilters(fields) {
  const box = $('field-filters');
  box.replaceChildren();
  for (const f of fields) {
    const set = document.createElement('fieldset');
    const legend = document.createElement('legend');
    legend.textContent = f.name;
    set.append(legend);
    if (f.type === 'number') {
      for (const [op, label] of [['>=', T.min], ['<=', T.max]]) {
        const input = document.createElement('input');
        Object.assign(input, { type: 'number', step: 'any', inputMode: 'decimal', placeholder: label });
        input.setAttribute('aria-label', `${f.name} ${label}`);
        Object.assign(input.dataset, { field: f.name, op, kind: 'number' });
        set.append(input);
      }
    } else if (f.type === 'boolean' || (f.values && f.values.length)) {
      const select = document.createElement('select');
      select.setAttribute('aria-label', f.name);
      const values = f.type === 'boolean' ? ['true', 'false'] : f.values;
      select.append(new Option(T.any, ''));
      for (const v of values) select.append(new Option(v, v));
      Object.assign(select.dataset, { field: f.name, op: '==', kind: f.type });
      set.append(select);
    } else {
      const input = document.createElement('input');
      input.type = 'text';
      input.setAttribute('aria-label', f.name);
      Object.assign(input.dataset, { field: f.name, op: '==', kind: 'string' });
      set.append(input);
    }
    box.append(set);
  }
}

async function loadInfo() {
  try {
    const info = await api('api/info');
    state.info = info;
    $('info').textContent = T.info(info);
    if (!info.textSearch) { $('q').placeholder = T.noText; }
    renderFilters(info.fields || []);
    if (info.higherIsCloser === false) $('min-score').previousElementSibling.textContent = T.minScore + ' (L2)';
  } catch (e) { showError(e); }
}

function renderResults(data, summary) {
  const list = $('results');
  list.replaceChildren();
  for (const h of data.hits) {
    const li = document.createElement('li');
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'hit';
    b.dataset.id = h.id;
    const score = h.score.toFixed(3);
    b.setAttribute('aria-label', T.hitLabel(h.caption, score));
    const img = document.createElement('img');
    img.alt = h.caption;
    img.loading = 'lazy';
    if (h.thumbnail) img.src = h.thumbnail;
    const meta = document.createElement('span');
    meta.className = 'meta';
    const cap = document.createElement('span');
    cap.className = 'caption';
    cap.textContent = h.caption;
    cap.title = h.caption;
    const sc = document.createElement('span');
    sc.className = 'score';
    sc.textContent = score;
    meta.append(cap, sc);
    b.append(img, meta);
    b.addEventListener('click', () => similar(h));
    li.append(b);
    list.append(li);
  }
  $('summary').textContent = data.hits.length ? summary : T.none;
}

async function run(kind, request, summarize) {
  clearError();
  state.last = { kind, request, summarize };
  document.body.setAttribute('aria-busy', 'true');
  try {
    const data = await request();
    renderResults(data, summarize(data));
  } catch (e) {
    showError(e);
  } finally {
    document.body.removeAttribute('aria-busy');
  }
}

function searchText(q) {
  setQueryView(null, null);
  return run('text', () => api('api/search?' + new URLSearchParams({ q }) + '&' + params()),
    (d) => T.summaryText(d.hits.length, q, d.tookMs));
}

function searchImage(file) {
  if (!file) return;
  if (file.type && !file.type.startsWith('image/')) { showError({ title: T.errorTitle, detail: T.notImage }); return; }
  if (state.previewUrl) URL.revokeObjectURL(state.previewUrl);
  state.previewUrl = URL.createObjectURL(file);
  setQueryView(state.previewUrl, T.queryImage);
  return run('image', () => {
    const body = new FormData();
    body.append('image', file, file.name || 'pasted-image');
    return api('api/search/image?' + params(), { method: 'POST', body });
  }, (d) => T.summaryImage(d.hits.length, d.tookMs));
}

function similar(hit) {
  setQueryView(hit.thumbnail, T.likeThis + ' ' + hit.caption);
  window.scrollTo({ top: 0 });
  return run('similar', () => api('api/search/similar?' + new URLSearchParams({ id: hit.id }) + '&' + params()),
    (d) => T.summarySimilar(d.hits.length, hit.caption, d.tookMs)).then(() => {
    const first = document.querySelector('.hit');
    if (first) first.focus();
  });
}

function setQueryView(src, text) {
  const view = $('query-view');
  const img = $('query-image');
  if (!src && !text) { view.hidden = true; return; }
  if (src) { img.src = src; img.alt = text || ''; } else { img.removeAttribute('src'); }
  $('query-text').textContent = text || '';
  view.hidden = false;
}

function watchIndexing() {
  if (!window.EventSource) return;
  const events = new EventSource('api/status/events');
  let wasIndexing = false;
  const update = (ev) => {
    const s = JSON.parse(ev.data);
    const box = $('indexing');
    const bar = $('progress');
    if (s.state === 'indexing') {
      wasIndexing = true;
      box.hidden = false;
      $('progress-label').textContent = T.indexing(s);
      if (s.fraction >= 0) { bar.value = Math.round(s.fraction * 1000) / 10; } else { bar.removeAttribute('value'); }
      box.dataset.fraction = String(s.fraction);
    } else if (wasIndexing || s.state === 'failed') {
      bar.value = 100;
      box.dataset.fraction = '1';
      $('progress-label').textContent = s.state === 'failed' ? s.message : T.indexed(s);
      box.dataset.state = s.state;
      wasIndexing = false;
      loadInfo();
      if (state.last) run(state.last.kind, state.last.request, state.last.summarize);
      setTimeout(() => { if (box.dataset.state !== 'indexing') box.hidden = true; }, 4000);
    }
    if (s.state === 'indexing') box.dataset.state = 'indexing';
  };
  events.addEventListener('progress', update);
  events.addEventListener('done', update);
}

function wireUpload() {
  $('file').addEventListener('change', (e) => { searchImage(e.target.files[0]); e.target.value = ''; });
  const overlay = $('drop-overlay');
  let depth = 0;
  const hasFiles = (e) => e.dataTransfer && Array.from(e.dataTransfer.types || []).includes('Files');
  document.addEventListener('dragenter', (e) => { if (hasFiles(e)) { depth++; overlay.hidden = false; e.preventDefault(); } });
  document.addEventListener('dragover', (e) => { if (hasFiles(e)) e.preventDefault(); });
  document.addEventListener('dragleave', () => { depth = Math.max(0, depth - 1); if (!depth) overlay.hidden = true; });
  document.addEventListener('drop', (e) => {
    depth = 0; overlay.hidden = true;
    if (!hasFiles(e)) return;
    e.preventDefault();
    searchImage(e.dataTransfer.files[0]);
  });
  document.addEventListener('paste', (e) => {
    const items = Array.from((e.clipboardData && e.clipboardData.files) || []);
    const image = items.find((f) => f.type.startsWith('image/'));
    if (image) { e.preventDefault(); searchImage(image); }
  });
}

function init() {
  translatePage();
  $('search-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const q = $('q').value.trim();
    if (q) searchText(q);
  });
  $('token-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const t = $('token').value.trim();
    document.cookie = `imgsearch_token=${encodeURIComponent(t)}; path=/; SameSite=Strict`;
    $('token-form').hidden = true;
    clearError();
    loadInfo();
    watchIndexing();
  });
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') clearError();
    if (e.key === '/' && document.activeElement === document.body) { e.preventDefault(); $('q').focus(); }
  });
  wireUpload();
  loadInfo();
  watchIndexing();
  $('q').focus();
}

document.addEventListener('DOMContentLoaded', init);
