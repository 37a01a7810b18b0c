'use strict';

// The nurse dashboard: patient tiles from GET /api/ward (every 5 s), active alerts from
// GET /api/alerts and live from the server-sent events of /api/alerts/stream, the alert detail
// (why it fired, its timeline) from GET /api/alerts/{id}, and POST …/ack and …/resolve.
// Plain DOM, no framework, no build step; text is always set with textContent, never as HTML.

// UCUM codes as a nurse reads them: Cel → °C, mm[Hg] → mmHg, [g] (standard gravity) → g.
function unitText(unit) {
  return String(unit ?? '').replace(/Cel/g, '\u00b0C').replace(/mm\[Hg\]/g, 'mmHg').replace(/\[g\]/g, 'g');
}

(function () {
  const WARD_REFRESH_MS = 5000;
  const PRIORITY_RANK = { high: 0, medium: 1, low: 2 };
  const PRIORITY_SHAPE = { high: '▲', medium: '◆', low: '●' };
  const STATUS_RANK = { active: 0, escalated: 0, silenced: 1, acknowledged: 2, resolved: 3 };
  // The news2-band rule's mapping (RCP 2017 NEWS2 bands, FACTS.md; Clinical/Alerts/News2AlertRule.cs).
  const RULE_THRESHOLDS = {
    'news2-band': [
      'NEWS2 total ≥ 7 → high (emergency response)',
      'NEWS2 total 5–6 → medium (urgent response within 1 h)',
      'any single parameter scoring 3 → medium (urgent ward review)',
      'totals 1–4 raise no alert (ward-based response)',
    ],
    // Defaults of Clinical/Alerts/SpO2AlertRule.cs; a clinician may set others per patient (the reason states those in force).
    'spo2-low': [
      'SpO₂ below 90 % for 15 s → medium (default; FACTS.md alarm delay study)',
      'SpO₂ below 85 % → high (default)',
      'clears only at SpO₂ ≥ 92 % (hysteresis, default)',
    ],
    'device-status': [
      'wearable not worn → medium technical alert',
      'battery below 15 % → technical alert; clears at ≥ 20 % (defaults)',
    ],
  };
  // span: the smallest vertical range of a sparkline, so sensor noise does not look like a trend.
  const VITALS = [
    { key: 'heartRate', label: 'HR', unit: '/min', digits: 0, span: 30 },
    { key: 'spO2', label: 'SpO₂', unit: '%', digits: 0, span: 8 },
    { key: 'respirationRate', label: 'RR', unit: '/min', digits: 0, span: 10 },
    { key: 'temperature', label: 'Temp', unit: '°C', digits: 1, span: 1.5 },
    { key: 'systolicBp', label: 'SBP', unit: 'mmHg', digits: 0, span: 30 },
  ];
  const PARAMETER_LABELS = {
    heartRate: 'Heart rate', spO2: 'SpO₂', respirationRate: 'Respiration rate',
    temperature: 'Temperature', systolicBp: 'Systolic BP',
  };

  const alerts = new Map();
  let models = null;
  let selectedId = null;
  let ward = [];

  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === 'class') node.className = value;
      else if (name === 'text') node.textContent = value;
      else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
      else node.setAttribute(name, value === true ? '' : String(value));
    }
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function svgEl(tag, attributes) {
    const node = document.createElementNS('http://www.w3.org/2000/svg', tag);
    for (const [name, value] of Object.entries(attributes || {})) node.setAttribute(name, String(value));
    return node;
  }

  function fmt(value, digits) {
    return typeof value === 'number' && isFinite(value) ? value.toFixed(digits) : '–';
  }

  function percent(p) {
    return typeof p === 'number' ? (p * 100).toFixed(1) + ' %' : '–';
  }

  function time(iso) {
    if (!iso) return '–';
    const d = new Date(iso);
    return d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  }

  function age(iso) {
    if (!iso) return '';
    const seconds = Math.round((Date.now() - new Date(iso).getTime()) / 1000);
    // Device time ahead of this clock (a simulator running fast, a drifting wearable): no age to give.
    if (seconds < -5) return 'device clock ahead';
    if (seconds < 60) return Math.max(0, seconds) + ' s ago';
    if (seconds < 3600) return Math.round(seconds / 60) + ' min ago';
    return Math.round(seconds / 3600) + ' h ago';
  }

  function priorityBadge(priority) {
    const p = PRIORITY_SHAPE[priority] ? priority : 'low';
    return el('span', { class: 'prio prio-' + p },
      el('span', { 'aria-hidden': 'true', class: 'shape', text: PRIORITY_SHAPE[p] }),
      ' ' + p);
  }

  async function fetchJson(url, options) {
    const response = await fetch(url, Object.assign({ credentials: 'same-origin', headers: { Accept: 'application/json' } }, options || {}));
    if (response.status === 401) {
      window.location.assign('/login?returnUrl=' + encodeURIComponent(window.location.pathname));
      throw new Error('signed out');
    }
    if (!response.ok) {
      const error = new Error(url + ': HTTP ' + response.status);
      error.status = response.status;
      throw error;
    }
    return response.status === 204 ? null : response.json();
  }

  // ---- alerts -------------------------------------------------------------------------------

  function isOpen(alert) {
    return alert.status !== 'resolved';
  }

  function sortAlerts(list) {
    return list.sort((a, b) =>
      (PRIORITY_RANK[a.priority] ?? 3) - (PRIORITY_RANK[b.priority] ?? 3)
      || (STATUS_RANK[a.status] ?? 4) - (STATUS_RANK[b.status] ?? 4)
      || new Date(a.raisedAt) - new Date(b.raisedAt)
      || a.id.localeCompare(b.id));
  }

  function upsertAlert(alert, live) {
    const known = alerts.get(alert.id);
    // When a pushed alert first reached this page, and the store time it carried then: the live delay.
    if (known && known.receivedAt) {
      alert.receivedAt = known.receivedAt;
      alert.firstStoredAt = known.firstStoredAt;
    }
    if (live && !known) {
      alert.receivedAt = Date.now();
      alert.firstStoredAt = alert.storedAt;
    }
    alerts.set(alert.id, alert);
    renderAlerts();
    if (live && !known && isOpen(alert)) {
      announce('New ' + alert.priority + ' priority alert for ' + alert.patientId + ': ' + title(alert));
    }
    if (alert.id === selectedId) {
      renderDetail(alert, null);
      if (live) refreshTimeline(alert.id);
    }
  }

  async function refreshTimeline(id) {
    try {
      const detail = await fetchJson('/api/alerts/' + encodeURIComponent(id));
      if (selectedId === id) renderDetail(detail.alert, detail.audit);
    } catch (e) {
      // The list still shows the alert's state; the timeline catches up on the next open.
    }
  }

  function title(alert) {
    if (alert.scoreSourceKind === 'model') {
      return alert.type + ' risk ' + percent(alert.probability);
    }
    switch (alert.type) {
      case 'news2': return 'NEWS2 ' + alert.score;
      case 'desaturation': return 'Low SpO₂ ' + alert.score + ' %';
      case 'battery-low': return 'Battery low ' + alert.score + ' %';
      case 'device-off': return 'Wearable not worn';
      case 'no-data': return 'No data for ' + alert.score + ' s';
      default: return alert.type + ' ' + alert.score;
    }
  }

  function renderAlerts() {
    const open = sortAlerts([...alerts.values()].filter(isOpen));
    const list = document.getElementById('alert-list');
    list.replaceChildren(...open.map(alert => el('li', {
      class: 'alert alert-' + alert.priority + ' status-' + alert.status + (alert.id === selectedId ? ' selected' : ''),
      'data-alert-id': alert.id,
      'data-priority': alert.priority,
      'data-status': alert.status,
      'data-patient-id': alert.patientId,
      'data-source-kind': alert.scoreSourceKind,
      'data-received-at': alert.receivedAt,
      'data-first-stored-at': alert.firstStoredAt,
    },
    el('button', {
      type: 'button',
      class: 'alert-open',
      'aria-label': alert.priority + ' priority, ' + alert.patientId + ', ' + title(alert) + ', ' + alert.status + '. Open details',
      onclick: () => openAlert(alert.id),
    },
    priorityBadge(alert.priority),
    el('span', { class: 'alert-patient', text: alert.patientId }),
    el('span', { class: 'alert-title', text: title(alert) }),
    el('span', { class: 'alert-status', text: alert.status + (alert.technical ? ' · technical' : '') + (alert.late ? ' · late data' : '') }),
    el('span', { class: 'alert-age', text: 'raised ' + time(alert.raisedAt) + ' (' + age(alert.raisedAt) + ')' })))));
    document.getElementById('alert-count').textContent = '(' + open.length + ')';
    document.getElementById('no-alerts').hidden = open.length > 0;
  }

  function announce(text) {
    const announcer = document.getElementById('announcer');
    announcer.textContent = '';
    // A fresh text node after clearing makes screen readers read it again.
    window.setTimeout(() => { announcer.textContent = text; }, 50);
  }

  async function loadAlerts() {
    try {
      const list = await fetchJson('/api/alerts?status=open&limit=200');
      for (const alert of list) upsertAlert(alert, false);
    } catch (e) {
      setConnection('error', 'Alerts unavailable: ' + e.message);
    }
  }

  function setConnection(state, text) {
    const node = document.getElementById('connection');
    node.dataset.state = state;
    node.textContent = text;
  }

  const STREAM_RETRY_MS = 5000;

  function connectStream() {
    const stream = new EventSource('/api/alerts/stream');
    stream.addEventListener('open', () => {
      setConnection('live', '● Live');
      // Catch up on anything stored while the stream was down.
      loadAlerts();
    });
    stream.addEventListener('alert', event => {
      try {
        upsertAlert(JSON.parse(event.data), true);
      } catch (e) {
        console.error('bad alert event', e);
      }
    });
    stream.addEventListener('error', () => {
      setConnection('reconnecting', '◌ Reconnecting… (alerts may be delayed)');
      if (stream.readyState === EventSource.CLOSED) {
        // The browser gave up (an HTTP error such as an expired session): check the session, then retry.
        stream.close();
        window.setTimeout(() => { loadMe().finally(connectStream); }, STREAM_RETRY_MS);
      }
    });
  }

  // ---- alert detail -------------------------------------------------------------------------

  async function openAlert(id) {
    selectedId = id;
    const panel = document.getElementById('detail');
    panel.hidden = false;
    document.body.classList.add('detail-open');
    document.getElementById('action-result').textContent = '';
    document.getElementById('note').value = '';
    renderDetail(alerts.get(id), null);
    renderAlerts();
    document.getElementById('detail-title').focus();
    await loadModels();
    if (selectedId === id) renderDetail(alerts.get(id), null);
    try {
      const detail = await fetchJson('/api/alerts/' + encodeURIComponent(id));
      if (selectedId !== id) return;
      upsertAlert(detail.alert, false);
      renderDetail(detail.alert, detail.audit);
    } catch (e) {
      if (selectedId === id) {
        document.getElementById('timeline').replaceChildren(el('li', { class: 'empty', text: 'Timeline unavailable (' + e.message + ').' }));
      }
    }
  }

  function closeDetail() {
    const closed = selectedId;
    selectedId = null;
    document.getElementById('detail').hidden = true;
    document.body.classList.remove('detail-open');
    renderAlerts();
    // Back to where the nurse was: the alert's row, if it is still listed.
    const row = [...document.querySelectorAll('#alert-list li')].find(li => li.dataset.alertId === closed);
    if (row) row.querySelector('button').focus();
  }

  async function loadModels() {
    if (models) return models;
    try {
      models = await fetchJson('/api/models');
    } catch (e) {
      models = { models: [] };
    }
    return models;
  }

  function definition(term, ...value) {
    return [el('dt', { text: term }), el('dd', {}, ...value)];
  }

  // rows: arrays of cell texts; the first cell is the row header. keys (optional): a data-key per row.
  function table(caption, headers, rows, className, keyName, keys) {
    return el('table', { class: className },
      el('caption', { text: caption }),
      el('thead', {}, el('tr', {}, headers.map(h => el('th', { scope: 'col', text: h })))),
      el('tbody', {}, rows.map((r, k) => el('tr', keyName && keys ? { ['data-' + keyName]: keys[k] } : {},
        r.map((c, i) => i === 0 ? el('th', { scope: 'row', text: c }) : el('td', { text: c }))))));
  }

  function renderDetail(alert, audit) {
    if (!alert) return;
    document.getElementById('detail-title').textContent = alert.patientId + ' — ' + title(alert);
    document.getElementById('detail-title').setAttribute('tabindex', '-1');
    document.getElementById('detail-summary').replaceChildren(el('dl', { class: 'facts' },
      definition('Priority', priorityBadge(alert.priority)),
      definition('Status', el('span', { 'data-field': 'status', text: alert.status })),
      definition('Raised', time(alert.raisedAt) + ' (' + age(alert.raisedAt) + ')'),
      alert.acknowledgedBy ? definition('Acknowledged', (alert.acknowledgedBy || '') + ' at ' + time(alert.acknowledgedAt)) : null,
      alert.silencedUntil ? definition('Silenced until', time(alert.silencedUntil)) : null,
      alert.resolvedAt ? definition('Resolved', time(alert.resolvedAt)) : null,
      alert.late ? definition('Data', 'late (backfilled): not a live emergency') : null,
      alert.technical ? definition('Kind', 'technical alert') : null));

    const why = [];
    why.push(el('p', { class: 'reason', 'data-field': 'reason', text: alert.reason }));
    const source = alert.scoreSourceKind === 'model' ? 'Scored by model' : 'Scored by rule';
    const provenance = [
      definition('Alert rule', el('span', { 'data-field': 'rule', text: alert.ruleId + ' v' + alert.ruleVersion })),
      definition(source, el('span', { 'data-field': 'source', text: alert.scoreSourceId + ' v' + alert.scoreSourceVersion })),
    ];
    if (alert.scoreSourceSha256) {
      provenance.push(definition('Model SHA-256', el('code', { class: 'hash', 'data-field': 'sha256', text: alert.scoreSourceSha256 })));
    }
    if (alert.scoreSourceKind === 'model') {
      provenance.push(definition('Probability', el('span', { 'data-field': 'probability',
        text: percent(alert.probability) + ' (interval ' + percent(alert.probabilityLower) + ' – ' + percent(alert.probabilityUpper) + ')' })));
    } else {
      provenance.push(definition('Score', el('span', { 'data-field': 'score', text: String(alert.score) })));
    }
    provenance.push(definition('Window', time(alert.windowStart) + ' – ' + time(alert.windowEnd) + ' (device time)'));
    provenance.push(definition('Data completeness', percent(alert.completeness)));
    if (alert.notAssessed && alert.notAssessed.length) {
      provenance.push(definition('Not assessed', alert.notAssessed.join(', ')));
    }
    why.push(el('dl', { class: 'facts' }, provenance));

    const thresholds = thresholdsOf(alert);
    if (thresholds.length) {
      why.push(el('h4', { text: 'Thresholds' }), el('ul', { class: 'thresholds', 'data-field': 'thresholds' }, thresholds.map(t => el('li', { text: t }))));
    }
    if (alert.parameters && alert.parameters.length) {
      why.push(table('Parameter values', ['Parameter', 'Value', 'Unit', 'Points'],
        alert.parameters.map(p => [PARAMETER_LABELS[p.name] || p.name, String(p.value), unitText(p.unit), String(p.points)]), 'parameters',
        'parameter', alert.parameters.map(p => p.name)));
    }
    if (alert.topFeatures && alert.topFeatures.length) {
      why.push(table('What pushed the risk up most', ['Feature', 'Probability change'],
        alert.topFeatures.map(f => [f.description, '+' + (f.probabilityChange * 100).toFixed(1) + ' points']), 'top-features'));
    }
    if (alert.features && alert.features.length) {
      why.push(el('details', {}, el('summary', { text: 'All ' + alert.features.length + ' model inputs' }),
        table('Model inputs', ['Feature', 'Value', 'Unit', 'Window'],
          alert.features.map(f => [f.label, String(f.value), unitText(f.unit), f.window]), 'features')));
    }
    document.getElementById('why-body').replaceChildren(...why);

    const canAck = alert.status === 'active' || alert.status === 'silenced' || alert.status === 'escalated';
    document.getElementById('ack').disabled = !canAck;
    document.getElementById('resolve').disabled = alert.status === 'resolved';

    if (audit) {
      const timeline = document.getElementById('timeline');
      timeline.replaceChildren(...audit.map(entry => el('li', { 'data-action': entry.action },
        el('time', { datetime: entry.at, text: time(entry.at) }), ' ',
        el('strong', { text: entry.action }),
        entry.priority ? ' · ' + entry.priority : '',
        entry.status ? ' · ' + entry.status : '',
        typeof entry.score === 'number' ? ' · score ' + entry.score : '',
        entry.actor ? ' · by ' + entry.actor : '',
        entry.client ? el('span', { class: 'client', text: ' (' + entry.client + ')' }) : '',
        entry.note ? el('q', { class: 'note', text: entry.note }) : '')));
      if (!audit.length) timeline.append(el('li', { class: 'empty', text: 'No events recorded.' }));
    }
  }

  function thresholdsOf(alert) {
    if (alert.scoreSourceKind === 'model') {
      const model = models && models.models.find(m => m.id === alert.scoreSourceId);
      if (!model) return [];
      return model.thresholds.map(t => 'probability ≥ ' + percent(t.probability) + ' → ' + t.priority
        + ' (expected sensitivity ' + percent(t.expectedSensitivity) + ', ' + t.alertsPerPatientDay + ' alerts per patient-day in evaluation)');
    }
    return RULE_THRESHOLDS[alert.ruleId] || [];
  }

  async function act(action) {
    const id = selectedId;
    if (!id) return;
    const note = document.getElementById('note').value.trim();
    const result = document.getElementById('action-result');
    const buttons = [document.getElementById('ack'), document.getElementById('resolve')];
    buttons.forEach(b => { b.disabled = true; });
    result.textContent = 'Sending…';
    try {
      const detail = await fetchJson('/api/alerts/' + encodeURIComponent(id) + '/' + action, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify(note ? { note } : {}),
      });
      document.getElementById('note').value = '';
      result.textContent = (action === 'ack' ? 'Acknowledged' : 'Resolved') + '.';
      if (detail && detail.alert) {
        upsertAlert(detail.alert, false);
        renderDetail(detail.alert, detail.audit || []);
      }
    } catch (e) {
      result.textContent = e.status === 409
        ? 'Not possible in the alert\'s current state; the list shows its state now.'
        : 'Failed: ' + e.message;
      const fresh = alerts.get(id);
      if (fresh) renderDetail(fresh, null);
    }
  }

  // ---- patient tiles ------------------------------------------------------------------------

  function sparkline(points, label, minimumSpan) {
    const width = 120;
    const height = 28;
    const svg = svgEl('svg', { viewBox: '0 0 ' + width + ' ' + height, width, height, role: 'img', class: 'spark' });
    const values = (points || []).map(p => p[1]);
    const title = svgEl('title', {});
    if (values.length < 2) {
      title.textContent = label + ': not enough data for a trend';
      svg.append(title);
      return svg;
    }
    const min = Math.min(...values);
    const max = Math.max(...values);
    const first = points[0][0];
    const span = Math.max(1, points[points.length - 1][0] - first);
    const range = Math.max(max - min, minimumSpan || 0) || 1;
    const bottom = (min + max) / 2 - range / 2;
    const path = points.map((p, i) =>
      (i ? 'L' : 'M') + ((p[0] - first) / span * (width - 2) + 1).toFixed(1) + ' ' + (height - 2 - (p[1] - bottom) / range * (height - 4)).toFixed(1)).join(' ');
    title.textContent = label + ' last ' + Math.round(span / 60000) + ' min: ' + min.toFixed(1) + ' to ' + max.toFixed(1);
    svg.append(title, svgEl('path', { d: path, fill: 'none', stroke: 'currentColor', 'stroke-width': 1.5 }));
    return svg;
  }

  function renderWard() {
    const tiles = document.getElementById('tiles');
    tiles.replaceChildren(...ward.map(patient => {
      const vitals = patient.vitals || {};
      const news2 = patient.news2;
      const risk = patient.risk;
      const device = patient.device;
      const band = news2 ? news2.band.toLowerCase() : 'none';
      return el('li', { class: 'tile news2-' + band, 'data-patient-id': patient.patientId },
        el('h3', {}, patient.patientId,
          patient.openAlerts ? el('span', { class: 'badge', text: patient.openAlerts + ' open alert' + (patient.openAlerts > 1 ? 's' : '') }) : null),
        el('p', { class: 'at', text: vitals.at ? 'vitals at ' + time(vitals.at) : 'no vitals yet' }),
        el('ul', { class: 'vitals' }, VITALS.map(v => el('li', { class: 'vital' },
          el('span', { class: 'vital-label', text: v.label }),
          el('span', { class: 'vital-value', 'data-vital': v.key, text: fmt(vitals[v.key], v.digits) }),
          el('span', { class: 'vital-unit', text: v.unit }),
          sparkline(patient.trend && patient.trend[v.key], v.label, v.span)))),
        el('div', { class: 'news2' },
          el('p', {}, el('strong', { text: 'NEWS2 ' + (news2 ? news2.total : '–') }),
            news2 ? ' (' + news2.band + ')' : ''),
          news2 ? el('p', { class: 'small', text: news2.parameters.map(p => (PARAMETER_LABELS[p.name] || p.name) + ' ' + p.value + ' ' + unitText(p.unit) + ' → ' + p.points).join(' · ') }) : null,
          news2 && news2.notAssessed.length ? el('p', { class: 'small muted', text: 'not assessed: ' + news2.notAssessed.join(', ') }) : null),
        el('p', { class: 'risk' }, risk
          ? [el('strong', { text: 'Risk ' + percent(risk.probability) }), ' (' + percent(risk.lower) + ' – ' + percent(risk.upper) + ') ',
             el('span', { class: 'small muted', text: risk.modelId + ' v' + risk.version + ' at ' + time(risk.at) })]
          : el('span', { class: 'muted', text: 'Model risk: not yet scored (needs an hour of data)' })),
        el('p', { class: 'device small' }, device
          ? [batteryText(device.batteryPercent), ' · signal ' + percent(device.signalQuality), ' · ' + wearText(device.wearStatus),
             ' · ' + device.deviceId + (device.lastSeenAt ? ' · seen ' + age(device.lastSeenAt) : '')]
          : 'No device status yet'));
    }));
    document.getElementById('no-patients').hidden = ward.length > 0;
  }

  function batteryText(battery) {
    const low = battery < 20;
    return el('span', { class: low ? 'battery low' : 'battery' },
      (low ? '⚠ low battery ' : 'battery ') + Math.round(battery) + ' %');
  }

  function wearText(status) {
    return status === 'on' ? 'worn' : status === 'off' ? '⚠ not worn' : 'wear unknown';
  }

  async function loadWard() {
    try {
      ward = await fetchJson('/api/ward');
      renderWard();
      document.getElementById('ward-updated').textContent = 'updated ' + time(new Date().toISOString());
    } catch (e) {
      document.getElementById('ward-updated').textContent = 'update failed: ' + e.message;
    }
  }

  async function loadMe() {
    try {
      const me = await fetchJson('/api/me');
      document.getElementById('user').textContent = me.username + ' (' + me.role + ')';
    } catch (e) {
      document.getElementById('user').textContent = '';
    }
  }

  document.getElementById('detail-close').addEventListener('click', closeDetail);
  document.getElementById('ack').addEventListener('click', () => act('ack'));
  document.getElementById('resolve').addEventListener('click', () => act('resolve'));
  document.addEventListener('keydown', e => { if (e.key === 'Escape' && selectedId) closeDetail(); });

  loadMe();
  loadAlerts();
  connectStream();
  loadWard();
  window.setInterval(loadWard, WARD_REFRESH_MS);
  // Ages ("2 min ago") move on between events.
  window.setInterval(renderAlerts, 30000);
})();
