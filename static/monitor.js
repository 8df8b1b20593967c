// Exam monitor: every few seconds a webcam frame goes through the in-browser detector (Web
// Worker) and its verdict goes to the server; the JPEG goes along when the verdict flags
// something, for a sample of clean frames, and always — without a verdict, so the server
// analyses it — while the detector loads and once it failed to load, failed or hung (the
// student is told, the server gets a detector_unavailable event). Tab changes and a lost camera are reported as events. The server
// re-verifies, applies the rules and decides; nothing here is trusted.
(function () {
  "use strict";

  function csrf() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }

  function report(bar, kind, detail) {
    var url = bar && bar.dataset.monitorEvents;
    if (!url) return;
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf() },
      body: JSON.stringify({ kind: kind, at: Date.now(), detail: detail || "" }),
      keepalive: true
    }).catch(function () { /* the server notices missing frames (connection_lost) */ });
  }

  // The prototype's list; the exam page gives the configured one (data-monitor-forbidden-objects).
  var DEFAULT_FORBIDDEN = "cell phone,book,laptop";

  function flagged(result, faceT, objectT, forbidden) {
    var faces = result.faces.filter(function (f) { return f.score >= faceT; }).length;
    var banned = result.objects.some(function (o) {
      return o.score >= objectT && forbidden.indexOf(o.label) >= 0;
    });
    return faces !== 1 || banned;
  }

  // Whether the seq-th frame (from 1) is one of the clean frames sampled for context: the 1st,
  // then one in `every` (every frame when every is 1).
  function sampled(seq, every) {
    return (seq - 1) % every === 0;
  }

  function start(bar, video) {
    var framesUrl = bar.dataset.monitorFrames;
    if (!framesUrl) return;
    var interval = Number(bar.dataset.monitorIntervalMs) || 2000;
    var baseline = Math.max(1, Number(bar.dataset.monitorBaseline) || 15);
    var cycle = Math.max(2, Number(bar.dataset.monitorObjectsEvery) || 3);
    var faceT = Number(bar.dataset.monitorFaceThreshold) || 0.5;
    var objectT = Number(bar.dataset.monitorObjectThreshold) || 0.65;
    var forbidden = (bar.dataset.monitorForbiddenObjects || DEFAULT_FORBIDDEN).split(",")
      .map(function (l) { return l.trim(); }).filter(Boolean);
    // Loading may download about 30 MB the first time; a frame takes well under a second.
    var loadTimeout = Number(bar.dataset.detectorTimeoutMs) || 90000;
    var frameTimeout = Math.min(loadTimeout, Math.max(10000, 5 * interval));
    var canvas = document.createElement("canvas");
    var seq = 0, detector = null, fallback = false, stopped = false, busy = false, backoff = 0;

    // The detector cannot run (did not load, failed or hangs): say so, tell the server, and from
    // now on send every frame's JPEG without a verdict so the server analyses each one.
    function fallBack(err) {
      if (fallback) return;
      fallback = true;
      if (detector) detector.stop();
      detector = null;
      bar.dataset.detector = "unavailable";
      var notice = document.getElementById("detector-fallback");
      if (notice) notice.hidden = false;
      report(bar, "detector_unavailable", String((err && err.message) || err));
    }

    function send(verdict, withFrame) {
      var form = new FormData();
      form.append("verdict", new Blob([JSON.stringify(verdict)], { type: "application/json" }));
      var post = function (blob) {
        if (blob) form.append("frame", blob, "frame.jpg");
        return fetch(framesUrl, { method: "POST", credentials: "same-origin", headers: { "X-CSRF-Token": csrf() }, body: form });
      };
      var sent = withFrame
        ? new Promise(function (ok) { canvas.toBlob(ok, "image/jpeg", 0.8); }).then(post)
        : post(null);
      return sent.then(function (r) {
        if (r.status === 409) { stopped = true; window.location.reload(); }
        if (r.status === 429) backoff = 2;
      });
    }

    // No verdict: the server analyses the JPEG itself.
    function sendForServer(verdict) {
      verdict.analyzed = false;
      verdict.faces = [];
      verdict.objects = [];
      verdict.timings = {};
      return send(verdict, true);
    }

    function tick() {
      if (stopped || busy) return;
      if (backoff > 0) { backoff--; return; }
      var image = window.ProctorDetector.grab(video, canvas);
      if (!image) return;
      seq++;
      busy = true;
      var verdict = { seq: seq, captured_at: Date.now(), width: image.width, height: image.height };
      var done = function () { busy = false; };
      var offline = function () { /* offline: the next tick tries again */ };
      if (!detector) {
        // Still loading, or fallen back: the server analyses this frame.
        sendForServer(verdict).catch(offline).then(done);
        return;
      }
      // BlazeFace on every frame; CenterFace (distant faces) and the object model take turns on
      // the others, so no frame costs both and the average stays far below a quarter of a core.
      var phase = seq % cycle;
      detector.detect(image, { wide: phase === 1, objects: phase === 0 }).then(function (result) {
        verdict.analyzed = true;
        verdict.faces = result.faces;
        verdict.objects = result.objects;
        verdict.timings = { faces_ms: result.faces_ms, wide_faces_ms: result.wide_faces_ms, objects_ms: result.objects_ms };
        bar.dataset.lastFaces = String(result.faces.filter(function (f) { return f.score >= faceT; }).length);
        return send(verdict, flagged(result, faceT, objectT, forbidden) || sampled(seq, baseline));
      }, function (err) {
        fallBack(err);
        return sendForServer(verdict);
      }).catch(offline).then(done);
    }

    document.addEventListener("visibilitychange", function () {
      report(bar, document.hidden ? "tab_hidden" : "tab_visible");
    });
    window.ProctorDetector.start({
      base: bar.dataset.detectorBase || "/static/detector/",
      faceScore: faceT,
      objectScore: objectT,
      timeoutMs: loadTimeout,
      frameTimeoutMs: frameTimeout
    }).then(function (d) {
      if (fallback) { d.stop(); return; }
      detector = d;
      bar.dataset.detector = "ready";
    }, fallBack);
    setInterval(tick, interval);
  }

  window.ProctorMonitor = { start: start, report: report, sampled: sampled };
})();
