'use strict';
// The exam monitor's choice of clean frames sent with their JPEG (one in N, for context): the
// first frame, then every N-th; with N = 1 every frame. Pure logic of static/monitor.js, loaded
// as the browser loads it (a script defining window.ProctorMonitor).

const assert = require('node:assert/strict');
const { test } = require('node:test');
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');

function loadMonitor() {
  const window = {};
  const source = fs.readFileSync(path.join(__dirname, '../../static/monitor.js'), 'utf8');
  vm.runInNewContext(source, { window, document: {} });
  return window.ProctorMonitor;
}

test('one clean frame in N is sampled, every frame when N is 1', () => {
  const { sampled } = loadMonitor();
  const picked = (every) => [...Array(31).keys()].map((i) => i + 1).filter((seq) => sampled(seq, every));
  assert.deepEqual(picked(1), [...Array(31).keys()].map((i) => i + 1));
  assert.deepEqual(picked(15), [1, 16, 31]);
  assert.deepEqual(picked(2), [...Array(16).keys()].map((i) => 2 * i + 1));
});
