'use strict';
// Benchmark (not a test): the in-browser detector's time per frame with and without SIMD, in
// headless Chromium on the fake webcam. Needs a running server (PROCTORWISE_URL), the SIMD build
// (deploy/lib/detector.sh) and the plain one (deploy/lib/detector.sh --no-simd), and a .y4m
// camera file (WEBCAM_Y4M, e.g. playwright/.artifacts/webcam-astronaut.y4m from deploy/lib/e2e.sh).
//   PROCTORWISE_URL=http://127.0.0.1:8000 WEBCAM_Y4M=… [BENCH_BUILDS=simd|nosimd] [BENCH_SECONDS=60] node playwright/bench/detector-bench.js
//
// Then, per build, the CPU cost of the exam page's whole first pass at its real cadence (one
// frame every 2 s; BlazeFace on every frame, CenterFace-416 and CenterNet in turn on one frame
// in 3, as static/monitor.js does) over BENCH_SECONDS (default 60): the worker's busy time
// (sum of the detections' wall time) and the CPU time of Chromium's whole process tree (Linux
// /proc) compared with the same page grabbing frames without a detector.

const fs = require('node:fs');

const { launchBrowser, newContext } = require('../lib/browser');
const { logIn } = require('../lib/pages');

async function measure(build) {
  const browser = await launchBrowser(process.env.WEBCAM_Y4M);
  try {
    const page = await (await newContext(browser)).newPage();
    await logIn(page, 'alice@student.com', '/student');
    await page.goto(build ? `/system-check?build=${build}` : '/system-check');
    await page.locator('#camera-test').click();
    const samples = [];
    const deadline = Date.now() + 120_000;
    let last = '';
    while (samples.length < 5 && Date.now() < deadline) {
      await page.waitForTimeout(500);
      const s = await page.locator('#detector-status').evaluate((el) => ({ ...el.dataset }));
      if (s.faces === 'unavailable') throw new Error(`${build || 'simd'}: detector unavailable`);
      const key = `${s.ms}/${s.wideMs}/${s.objectsMs}`;
      if (s.ms && key !== last) {
        last = key;
        samples.push([Number(s.ms), Number(s.wideMs), Number(s.objectsMs)]);
      }
    }
    const median = (i) => samples.map((x) => x[i]).sort((a, b) => a - b)[Math.floor(samples.length / 2)];
    console.log(`${build || 'simd'}: BlazeFace ${median(0)} ms, CenterFace-416 ${median(1)} ms, CenterNet ${median(2)} ms (median of ${samples.length} frames)`);
  } finally {
    await browser.close();
  }
}

/** CPU time (ms) of this process's descendants (Chromium and its helpers), from /proc. */
function chromiumCpuMs() {
  const children = new Map();
  const stats = new Map();
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    let stat;
    try {
      stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue;
    }
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ppid = fields[1];
    if (!children.has(ppid)) children.set(ppid, []);
    children.get(ppid).push(pid);
    stats.set(pid, Number(fields[11]) + Number(fields[12])); // utime + stime, in clock ticks
  }
  let ticks = 0;
  const todo = [...(children.get(String(process.pid)) || [])];
  while (todo.length) {
    const pid = todo.pop();
    ticks += stats.get(pid) || 0;
    todo.push(...(children.get(pid) || []));
  }
  return ticks * 10; // USER_HZ is 100 on Linux
}

async function cadence(build) {
  const seconds = Number(process.env.BENCH_SECONDS) || 60;
  const browser = await launchBrowser(process.env.WEBCAM_Y4M);
  try {
    const page = await (await newContext(browser)).newPage();
    await logIn(page, 'alice@student.com', '/student');
    await page.goto(build ? `/system-check?build=${build}` : '/system-check');
    const base = await page.locator('#detector-status').getAttribute('data-base');
    await page.evaluate(async () => {
      const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 }, audio: false });
      const video = document.createElement('video');
      video.muted = true;
      video.srcObject = stream;
      await video.play();
      window.benchVideo = video;
    });
    // Frames every 2 s as the exam monitor takes them; `detect` false: grabbing only (baseline).
    const run = (detect) => page.evaluate(async ({ seconds, detect }) => {
      const canvas = document.createElement('canvas');
      const started = performance.now();
      let seq = 0;
      let busy = 0;
      const per = { faces: [], wide: [], objects: [] };
      while (performance.now() - started < seconds * 1000) {
        const t = performance.now();
        seq++;
        const image = window.ProctorDetector.grab(window.benchVideo, canvas);
        if (detect && image) {
          const phase = seq % 3;
          const r = await window.benchDetector.detect(image, { wide: phase === 1, objects: phase === 0 });
          per.faces.push(r.faces_ms);
          if (phase === 1) per.wide.push(r.wide_faces_ms);
          if (phase === 0) per.objects.push(r.objects_ms);
        }
        busy += performance.now() - t;
        await new Promise((ok) => setTimeout(ok, Math.max(0, 2000 - (performance.now() - t))));
      }
      return { frames: seq, busy, elapsed: performance.now() - started, per };
    }, { seconds, detect });
    let cpu = chromiumCpuMs();
    const idle = await run(false);
    const idleCpu = chromiumCpuMs() - cpu;
    const loadMs = await page.evaluate(async (base) => {
      window.benchDetector = await window.ProctorDetector.start({ base, faceScore: 0.5, objectScore: 0.3 });
      return window.benchDetector.loadMs;
    }, base);
    cpu = chromiumCpuMs();
    const busy = await run(true);
    const busyCpu = chromiumCpuMs() - cpu;
    const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const pct = (ms, of) => `${((100 * ms) / of).toFixed(1)} %`;
    console.log(
      `${build || 'simd'} cadence (1 frame / 2 s, ${busy.frames} frames in ${Math.round(busy.elapsed / 1000)} s, models loaded in ${loadMs} ms): ` +
        `median BlazeFace ${median(busy.per.faces)} ms, CenterFace-416 ${median(busy.per.wide)} ms, CenterNet ${median(busy.per.objects)} ms; ` +
        `worker busy ${pct(busy.busy, busy.elapsed)} of one core; Chromium CPU ${pct(busyCpu, busy.elapsed)} ` +
        `vs ${pct(idleCpu, idle.elapsed)} without detector (difference ${(100 * (busyCpu / busy.elapsed - idleCpu / idle.elapsed)).toFixed(1)} % of one core)`,
    );
  } finally {
    await browser.close();
  }
}

(async () => {
  console.log(`load average: ${fs.readFileSync('/proc/loadavg', 'utf8').trim()}`);
  // BENCH_BUILDS=simd or =nosimd measures one build only.
  for (const build of (process.env.BENCH_BUILDS || 'simd,nosimd').split(',')) {
    const name = build === 'simd' ? '' : build;
    await measure(name);
    await cadence(name);
  }
  console.log(`load average: ${fs.readFileSync('/proc/loadavg', 'utf8').trim()}`);
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
