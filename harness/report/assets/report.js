// report.js: the contract report's interaction. The page is complete without it (every
// step's detail is in the HTML); this adds selection, keyboard, filtering, copy and
// downloads. No network use: the CSP forbids it, and the downloads are Blob URLs made
// from the embedded JSON.
(function () {
  'use strict';
  var root = document.documentElement;
  root.classList.add('js');
  var data = JSON.parse(document.getElementById('ebsmock-report').textContent);
  window.ebsmockReport = data;
  var details = Array.prototype.slice.call(document.querySelectorAll('.step-detail'));
  var selected = 0;

  function showTab(article, name) {
    article.querySelectorAll('.tab-body').forEach(function (b) { b.classList.toggle('active', b.dataset.tab === name); });
    article.querySelectorAll('.tabs button').forEach(function (b) { b.classList.toggle('active', b.dataset.tab === name); });
  }

  function select(step, scroll) {
    if (!details.length) return;
    var found = details.find(function (d) { return d.dataset.step === String(step); });
    if (!found) return;
    selected = Number(step);
    details.forEach(function (d) { d.classList.toggle('shown', d === found); });
    if (!found.querySelector('.tab-body.active')) showTab(found, found.classList.contains('violation') ? 'contract' : 'attempts');
    document.querySelectorAll('[data-step]').forEach(function (el) {
      if (el.classList.contains('step') || el.classList.contains('step-link')) el.classList.toggle('selected', el.dataset.step === String(step));
    });
    document.body.dataset.selectedStep = String(step);
    if (scroll) {
      var bar = document.getElementById('step-' + step);
      if (bar && bar.scrollIntoView) bar.scrollIntoView({ block: 'center', inline: 'center' });
    }
  }

  function visibleSteps() {
    return Array.prototype.slice.call(document.querySelectorAll('#step-list li:not(.filtered-out) a')).map(function (a) { return Number(a.dataset.step); });
  }

  document.addEventListener('click', function (e) {
    var t = e.target;
    var tab = t.closest && t.closest('.tabs button');
    if (tab) { showTab(tab.closest('.step-detail'), tab.dataset.tab); return; }
    var copy = t.closest && t.closest('button.copy');
    if (copy) {
      var text = document.getElementById(copy.dataset.copy).textContent;
      if (navigator.clipboard) navigator.clipboard.writeText(text).catch(function () {});
      copy.dataset.copied = text;
      return;
    }
    var dl = t.closest && t.closest('a.download');
    if (dl) {
      var body = dl.dataset.download === 'report' ? JSON.stringify(data, null, 2) + '\n' : data.counterexample.scenario_toml;
      dl.href = URL.createObjectURL(new Blob([body], { type: dl.dataset.download === 'report' ? 'application/json' : 'application/toml' }));
      return;  // the browser follows the link with its download attribute
    }
    var cell = t.closest && t.closest('td.cell');
    if (cell && cell.dataset.calls !== '0') {
      var same = cell.classList.contains('selected');
      document.querySelectorAll('td.cell.selected').forEach(function (c) { c.classList.remove('selected'); });
      document.querySelectorAll('#step-list li').forEach(function (li) {
        var a = li.querySelector('a');
        li.classList.toggle('filtered-out', !same && (a.dataset.fault !== cell.dataset.fault || a.dataset.action !== cell.dataset.action));
      });
      if (!same) cell.classList.add('selected');
      var first = visibleSteps()[0];
      if (first) select(first, false);
      return;
    }
    var step = t.closest && t.closest('[data-step]');
    if (step && (step.closest('#timeline') || step.closest('#step-list') || step.classList.contains('to-step') || step.id === 'jump-first-violation')) {
      e.preventDefault();
      select(step.dataset.step, true);
    }
  });

  var jump = document.getElementById('jump-first-violation');
  if (jump) {
    jump.dataset.step = jump.getAttribute('href').replace('#step-', '');
  }

  document.addEventListener('keydown', function (e) {
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
    var steps = visibleSteps();
    if (!steps.length) return;
    var i = steps.indexOf(selected);
    i = e.key === 'ArrowRight' ? Math.min(steps.length - 1, i + 1) : Math.max(0, i - 1);
    select(steps[i], true);
    e.preventDefault();
  });

  var initial = details.find(function (d) { return d.dataset.initial === '1'; }) || details[0];
  if (initial) select(initial.dataset.step, false);
})();
