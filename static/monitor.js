// Exam monitor: every few seconds a webcam frame goes through the in-browser detector (Web
// Worker) and its verdict goes to the server; the JPEG goes along when the verdict flags
// something, for a sample of clean frames, and always when the detector could not start (the
// server then analyses it). Tab changes and a lost camera are reported as events. The server
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

  function flagged(result, faceT, objectT) {
    var faces = result.faces.filter(function (f) { return f.score >= faceT; }).length;
    var forbidden = result.objects.some(function (o) {
      return o.score >= objectT && (o.label === "cell phone" || o.label === "book" || o.label === "laptop");
    });
    return faces !== 1 || forbidden;
  }

  function start(bar, video) {
    var framesUrl = bar.dataset.monitorFrames;
    if (!framesUrl) return;
    var interval = Number(bar.dataset.monitorIntervalMs) || 2000;
    var baseline = Number(bar.dataset.monitorBaseline) || 15;
    var cycle = Math.max(2, Number(bar.dataset.monitorObjectsEvery) || 3);
    var faceT = Number(bar.dataset.monitorFaceThreshold) || 0.5;
    var objectT = Number(bar.dataset.monitorObjectThreshold) || 0.65;
    var canvas = document.createElement("canvas");
    var seq = 0, detector = null, stopped = false, busy = false, backoff = 0;

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

    function tick() {
      if (stopped || busy) return;
      if (backoff > 0) { backoff--; return; }
      var image = window.ProctorDetector.grab(video, canvas);
      if (!image) return;
      seq++;
      busy = true;
      var verdict = { seq: seq, captured_at: Date.now(), width: image.width, height: image.height };
      // BlazeFace on every frame; CenterFace (distant faces) and the object model take turns on
      // the others, so no frame costs both and the average stays far below a quarter of a core.
      var phase = seq % cycle;
      var analysed = detector
        ? detector.detect(image, { wide: phase === 1, objects: phase === 0 })
        : Promise.reject(new Error("no detector"));
      analysed.then(function (result) {
        verdict.analyzed = true;
        verdict.faces = result.faces;
        verdict.objects = result.objects;
        verdict.timings = { faces_ms: result.faces_ms, wide_faces_ms: result.wide_faces_ms, objects_ms: result.objects_ms };
        bar.dataset.lastFaces = String(result.faces.filter(function (f) { return f.score >= faceT; }).length);
        return send(verdict, flagged(result, faceT, objectT) || seq % baseline === 1);
      }, function () {
        verdict.analyzed = false;
        verdict.faces = [];
        verdict.objects = [];
        verdict.timings = {};
        return send(verdict, true);
      }).catch(function () { /* offline: the next tick tries again */ }).then(function () { busy = false; });
    }

    document.addEventListener("visibilitychange", function () {
      report(bar, document.hidden ? "tab_hidden" : "tab_visible");
    });
    window.ProctorDetector.start({ base: bar.dataset.detectorBase || "/static/detector/", faceScore: faceT, objectScore: objectT })
      .then(function (d) { detector = d; bar.dataset.detector = "ready"; }, function (err) {
        bar.dataset.detector = "unavailable";
        var notice = document.getElementById("detector-fallback");
        if (notice) notice.hidden = false;
        report(bar, "detector_unavailable", String(err && err.message));
      });
    setInterval(tick, interval);
  }

  window.ProctorMonitor = { start: start, report: report };
})();
