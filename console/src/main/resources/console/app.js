// The console's pages: each fetches /api and draws itself with DOM calls only (names from the
// root are untrusted text, so nothing is ever parsed as HTML). No framework, no build step.
'use strict';

const state = { readOnly: true, generation: null };

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'onclick') e.addEventListener('click', v); else e.setAttribute(k, v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

function svg(tag, attrs, ...children) {
  const e = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}

/** Bytes as people read them, 1000-based as docker system df prints them. */
function human(bytes) {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let v = bytes, i = 0;
  while (v >= 1000 && i < units.length - 1) { v /= 1000; i++; }
  return (i === 0 ? String(v) : v.toFixed(v < 10 ? 2 : 1)) + ' ' + units[i];
}

function size(bytes, id) {
  const attrs = { 'data-bytes': String(bytes), title: bytes + ' bytes' };
  if (id) attrs.id = id;
  return el('span', attrs, human(bytes));
}

function shortId(id) { return id.replace(/^sha256:/, '').substring(0, 12); }

function token() {
  const m = document.cookie.match(/(?:^|; )strata_token=([^;]*)/);
  return m ? m[1] : '';
}

async function api(path, method) {
  const init = { method: method || 'GET', headers: {} };
  if (method && method !== 'GET') init.headers['X-Strata-Token'] = token();
  const r = await fetch('/api/' + path, init);
  const body = await r.json();
  if (!r.ok) throw new Error(body.error || ('HTTP ' + r.status));
  return body;
}

async function act(question, path, method) {
  if (!window.confirm(question)) return;
  try {
    await api(path, method);
    status('Done: ' + question.replace(/\?$/, ''));
  } catch (e) {
    status('Refused: ' + e.message, true);
  }
  await render();
}

function status(text, error) {
  const s = document.getElementById('status');
  s.textContent = text;
  s.className = error ? 'error' : '';
}

function table(headers, rows, id) {
  return el('table', id ? { id } : {},
    el('thead', {}, el('tr', {}, headers.map(h => el('th', h.startsWith('#') ? { class: 'num' } : {}, h.replace(/^#/, ''))))),
    el('tbody', {}, rows));
}

const pages = {
  '/': dashboard, '/images': images, '/image': image, '/layers': layers,
  '/containers': containers, '/volumes': volumes, '/check': check,
};

async function dashboard() {
  const df = await api('df');
  const types = ['images', 'containers', 'volumes'];
  const cards = el('div', { class: 'cards' }, types.map(t => el('div', { class: 'card' },
    el('div', {}, t[0].toUpperCase() + t.slice(1)),
    el('div', { class: 'big', id: 'df-' + t + '-total' }, String(df[t].total)),
    el('div', {}, el('span', { id: 'df-' + t + '-active' }, String(df[t].active)), ' active'))));
  const rows = types.map(t => el('tr', { 'data-type': t },
    el('td', {}, t), el('td', { class: 'num' }, String(df[t].total)), el('td', { class: 'num' }, String(df[t].active)),
    el('td', { class: 'num' }, size(df[t].size_bytes, 'df-' + t + '-size')),
    el('td', { class: 'num' }, size(df[t].reclaimable_bytes, 'df-' + t + '-reclaimable'))));
  const max = Math.max(1, ...types.map(t => df[t].size_bytes));
  const chart = svg('svg', { width: 620, height: 130, id: 'disk-chart', role: 'img', 'aria-label': 'disk by type' },
    ...types.flatMap((t, i) => {
      const w = Math.round(380 * df[t].size_bytes / max);
      const r = Math.round(380 * df[t].reclaimable_bytes / max);
      return [svg('text', { x: 0, y: 25 + i * 40 }, t),
        svg('rect', { x: 100, y: 10 + i * 40, width: w, height: 22, fill: '#4c6ef5' }),
        svg('rect', { x: 100 + w - r, y: 10 + i * 40, width: r, height: 22, fill: '#ffb020' }),
        svg('text', { x: 106 + w, y: 25 + i * 40 }, human(df[t].size_bytes))];
    }));
  return [el('h1', {}, 'Where the disk goes'), cards,
    table(['Type', '#Total', '#Active', '#Size', '#Reclaimable'], rows, 'df'),
    el('p', {}, 'Disk by type (orange: reclaimable)'), chart];
}

async function images() {
  const list = await api('images');
  const filter = new URLSearchParams(location.search).get('filter') || 'all';
  const shown = list.filter(i => filter === 'all' || (filter === 'used') === (i.containers > 0));
  const select = el('select', { id: 'filter' }, ['all', 'used', 'unused'].map(f =>
    el('option', f === filter ? { value: f, selected: '' } : { value: f }, f)));
  select.addEventListener('change', () => { history.replaceState(null, '', '/images?filter=' + select.value); render(); });
  const rows = shown.map(i => el('tr', { 'data-id': i.id },
    el('td', {}, i.repo_tags.length ? i.repo_tags.join(', ') : '<none>'),
    el('td', { class: 'id' }, el('a', { href: '/image?id=' + encodeURIComponent(i.id) }, shortId(i.id))),
    el('td', {}, i.created),
    el('td', { class: 'num' }, size(i.size_bytes)), el('td', { class: 'num' }, size(i.shared_size_bytes)),
    el('td', { class: 'num' }, size(i.unique_size_bytes)),
    el('td', {}, i.containers > 0 ? el('span', { class: 'badge used' }, 'used by ' + i.containers) : el('span', { class: 'badge' }, 'unused')),
    el('td', {}, !state.readOnly && i.containers === 0
      ? el('button', { class: 'danger remove-image', onclick: () => act('Remove image ' + (i.repo_tags[0] || shortId(i.id)) + '?', 'images/' + i.id, 'DELETE') }, 'Remove')
      : '')));
  return [el('h1', {}, 'Images'), el('label', {}, 'Show ', select),
    table(['Tags', 'Id', 'Created', '#Size', '#Shared', '#Unique', 'Containers', ''], rows, 'images')];
}

async function image() {
  const id = new URLSearchParams(location.search).get('id') || '';
  const i = await api('images/' + encodeURIComponent(id));
  const config = Object.entries(i.config).map(([k, v]) => el('tr', {},
    el('th', {}, k), el('td', {}, el('code', {}, v === null ? '—' : JSON.stringify(v, null, 1)))));
  const layerRows = i.layers.map(l => el('tr', {}, el('td', { class: 'num' }, String(l.order)),
    el('td', { class: 'id' }, shortId(l.chain_id)), el('td', { class: 'num' }, size(l.size_bytes)),
    el('td', {}, el('code', {}, l.created_by))));
  return [el('h1', {}, 'Image ', el('span', { class: 'id' }, shortId(i.id))),
    el('p', {}, (i.repo_tags.join(', ') || '<none>') + ' · ' + i.os + '/' + i.architecture + ' · created ' + i.created
      + ' · ', size(i.size_bytes)),
    el('h2', {}, 'Config'), table(['Field', 'Value'], config, 'config'),
    el('h2', {}, 'Layers'), table(['#Order', 'Layer', '#Size', 'Created by'], layerRows, 'image-layers')];
}

async function layers() {
  const list = await api('layers');
  const children = new Map();
  for (const l of list) {
    const k = l.parent || '';
    if (!children.has(k)) children.set(k, []);
    children.get(k).push(l);
  }
  const branch = parent => el('ul', { class: 'tree' }, (children.get(parent) || []).map(l =>
    el('li', { 'data-chain-id': l.chain_id }, el('span', { class: 'id' }, shortId(l.chain_id)), ' ', size(l.size_bytes), ' — ',
      l.images.length ? l.images.map(i => i.repo_tags[0] || shortId(i.id)).join(', ') : 'no image',
      l.images.length > 1 ? el('span', { class: 'badge used' }, ' shared by ' + l.images.length) : '',
      children.has(l.chain_id) ? branch(l.chain_id) : '')));
  return [el('h1', {}, 'Layers'), el('p', {}, list.length + ' layers; each branch is a parent and the layers built on it.'),
    el('div', { id: 'layer-tree' }, branch(''))];
}

async function containers() {
  const list = await api('containers');
  const rows = list.map(c => {
    const diff = el('td', { class: 'diff' }, el('button', { onclick: async () => {
      const changes = await api('containers/' + c.name + '/diff');
      diff.replaceChildren(changes.length ? el('ul', {}, changes.map(ch => el('li', {}, el('code', {}, ch.kind + ' ' + ch.path)))) : 'no changes');
    } }, 'Show diff'));
    return el('tr', { 'data-name': c.name }, el('td', {}, c.name), el('td', {}, c.image),
      el('td', {}, c.mounted ? el('span', { class: 'badge used' }, 'mounted') : 'not mounted'),
      el('td', { class: 'num' }, size(c.write_layer_size_bytes)), el('td', {}, c.volumes.join(', ')), diff,
      el('td', {}, state.readOnly ? '' : el('button', { class: 'danger remove-container', onclick: () => act('Remove container ' + c.name + '?', 'containers/' + c.name, 'DELETE') }, 'Remove')));
  });
  return [el('h1', {}, 'Containers'), table(['Name', 'Image', 'Mounted', '#Write layer', 'Volumes', 'Diff (A/C/D)', ''], rows, 'containers')];
}

async function volumes() {
  const list = await api('volumes');
  const kv = m => Object.entries(m).map(([k, v]) => k + '=' + v).join(', ');
  const rows = list.map(v => el('tr', { 'data-name': v.name }, el('td', {}, v.name,
    v.unused ? el('span', { class: 'badge' }, ' Unused') : ''), el('td', {}, v.driver),
    el('td', { class: 'id' }, v.mountpoint), el('td', {}, kv(v.options)), el('td', {}, kv(v.labels)),
    el('td', {}, v.containers.join(', ')), el('td', { class: 'num' }, size(v.size_bytes))));
  const unused = list.filter(v => v.unused).map(v => v.name);
  const prune = state.readOnly || unused.length === 0 ? '' : el('button', { class: 'danger', id: 'prune-volumes',
    onclick: () => act('Prune ' + unused.length + ' unused volumes (' + unused.join(', ') + ')?', 'volumes/prune', 'POST') }, 'Prune unused volumes');
  return [el('h1', {}, 'Volumes'), prune, table(['Name', 'Driver', 'Mountpoint', 'Options', 'Labels', 'Containers', '#Size'], rows, 'volumes')];
}

async function check() {
  const r = await api('check');
  const findings = r.findings.map(f => el('tr', {}, el('td', {}, f.kind), el('td', { class: 'id' }, f.subject), el('td', {}, f.message)));
  const held = r.retention.layers.map(l => el('tr', {}, el('td', { class: 'id' }, shortId(l.chain_id)), el('td', { class: 'num' }, size(l.size)),
    el('td', {}, [...l.images.map(i => 'image ' + (i.tags[0] || shortId(i.id))), ...l.containers.map(c => 'container ' + c),
      ...l.children.map(c => 'child ' + shortId(c))].join(', ') || 'nothing (unreferenced)')));
  return [el('h1', {}, 'Check'), el('p', { id: 'check-verdict' }, r.consistent ? 'The store is consistent.' : 'Problems found.'),
    r.findings.length ? table(['Kind', 'Subject', 'Problem'], findings, 'findings') : '',
    el('h2', {}, 'Why each layer is kept'), table(['Layer', '#Size', 'Held by'], held, 'retention')];
}

async function render() {
  const page = pages[location.pathname] || dashboard;
  for (const a of document.querySelectorAll('nav a')) a.classList.toggle('current', a.dataset.page === location.pathname);
  const main = document.getElementById('main');
  try {
    main.replaceChildren(...await page());
    main.dataset.generation = state.generation;
  } catch (e) {
    main.replaceChildren(el('p', { class: 'error' }, 'Cannot show this page: ' + e.message));
  }
}

// Live: the server sends an event when any process changes the root; redraw then. Should the
// stream be refused (too many tabs), poll the generation instead.
async function changed(generation) {
  if (generation !== state.generation) {
    state.generation = generation;
    await render();
  }
}

function watch() {
  const events = new EventSource('/api/events');
  events.addEventListener('change', e => changed(JSON.parse(e.data).generation));
  events.onerror = () => {
    if (events.readyState === EventSource.CLOSED) poll();
  };
}

async function poll() {
  try {
    await changed((await api('generation')).generation);
  } catch (e) {
    status('Lost the console: ' + e.message, true);
  }
  setTimeout(poll, 2000);
}

async function start() {
  const info = await api('info');
  state.readOnly = info.read_only;
  document.getElementById('mode').textContent = info.read_only ? 'read-only' : '';
  watch();
}

start();
