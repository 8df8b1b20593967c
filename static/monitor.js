// Exam monitor: every few seconds a webcam frame goes through the in-browser detector (Web
// Worker) and its verdict goes to the server. The JPEG goes along when the detector flags
// something, when the server asked for it in its answer to the previous frame (`picture_next`:
// the server, not this page, picks the clean frames it wants to see), and always — without a
// verdict, so the server analyses it — while the detector loads and once it failed to load,
// failed or hung (the student is told, the server gets a detector_unavailable event). Problems
// the server confirmed come back as `notices`, shown politely; the exam goes on. Leaving the
// page (hidden, or the window losing focus) and a lost camera are reported as events. The server
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

  // What a frame's 202 answer asks of the page: whether the next frame must carry its picture,
  // and the notices to show. Absent or malformed fields mean "no picture", "nothing to show".
  function answerOf(body) {
    var notices = body && Array.isArray(body.notices) ? body.notices : [];
    return {
      pictureNext: !!(body && body.picture_next === true),
      notices: notices.map(function (n) { return n && typeof n.message === "string" ? n.message : ""; })
        .filter(Boolean)
    };
  }

  // Shows the server's notices in the bar's polite live region; they fade after a while.
  var noticeTimer = null;
  function showNotices(messages) {
    var box = document.getElementById("monitor-notice");
    if (!box || !messages.length) return;
    box.textContent = messages.join(" ");
    box.hidden = false;
    clearTimeout(noticeTimer);
    noticeTimer = setTimeout(function () { box.hidden = true; box.textContent = ""; }, 20000);
  }

  // The page is "away" while hidden or while the window has lost focus. Unloading (a reload,
  // a form that leaves the page) hides the page too: `pagehide` comes first and silences it.
  // Short blips (under 250 ms) are not reported.
  function watchPresence(bar) {
    var leaving = false, away = false, pending = null;
    function update() {
      clearTimeout(pending);
      pending = setTimeout(function () {
        if (leaving) return;
        var now = document.visibilityState === "hidden" || !document.hasFocus();
        if (now === away) return;
        away = now;
        bar.dataset.away = String(away);
        report(bar, away ? "tab_hidden" : "tab_visible");
      }, 250);
    }
    window.addEventListener("pagehide", function () { leaving = true; clearTimeout(pending); });
    window.addEventListener("pageshow", function () { leaving = false; });
    document.addEventListener("visibilitychange", update);
    window.addEventListener("blur", update);
    window.addEventListener("focus", update);
    if (document.visibilityState === "hidden") update();
  }

  function start(bar, video) {
    var framesUrl = bar.dataset.monitorFrames;
    if (!framesUrl) return;
    var interval = Number(bar.dataset.monitorIntervalMs) || 2000;
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
    var pictureNext = false, pictured = false;

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
      // The request for a picture is consumed by this frame, whether or not it carries one.
      pictureNext = false;
      var sent = withFrame
        ? new Promise(function (ok) { canvas.toBlob(ok, "image/jpeg", 0.8); }).then(post)
        : post(null);
      return sent.then(function (r) {
        bar.dataset.framesSent = String(seq);
        if (r.status === 409) { stopped = true; window.location.reload(); }
        if (r.status === 429) backoff = 2;
        if (r.status !== 202) return;
        return r.json().then(function (body) {
          var answer = answerOf(body);
          pictureNext = answer.pictureNext;
          showNotices(answer.notices);
        }, function () { /* an answer without JSON asks nothing */ });
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

    // Returns whether a frame went out (false while the camera has no picture yet).
    function tick() {
      if (stopped || busy) return false;
      if (backoff > 0) { backoff--; return false; }
      var image = window.ProctorDetector.grab(video, canvas);
      if (!image) return false;
      // Until the camera has shown a real picture since the page loaded, flat frames are its
      // start-up, not an empty seat (a reload on a slow machine gives several).
      if (!pictured) {
        if (window.ProctorDetector.blank(image)) return false;
        pictured = true;
      }
      seq++;
      busy = true;
      var verdict = { seq: seq, captured_at: Date.now(), width: image.width, height: image.height };
      var done = function () { busy = false; };
      var offline = function () { /* offline: the next tick tries again */ };
      if (!detector) {
        // Still loading, or fallen back: the server analyses this frame.
        sendForServer(verdict).catch(offline).then(done);
        return true;
      }
      // BlazeFace on every frame; CenterFace (distant faces) and the object model take turns on
      // the others, so no frame costs both and the average stays far below a quarter of a core.
      var phase = seq % cycle;
      var wanted = pictureNext;
      detector.detect(image, { wide: phase === 1, objects: phase === 0 }).then(function (result) {
        verdict.analyzed = true;
        verdict.faces = result.faces;
        verdict.objects = result.objects;
        verdict.timings = { faces_ms: result.faces_ms, wide_faces_ms: result.wide_faces_ms, objects_ms: result.objects_ms };
        bar.dataset.lastFaces = String(result.faces.filter(function (f) { return f.score >= faceT; }).length);
        return send(verdict, wanted || flagged(result, faceT, objectT, forbidden));
      }, function (err) {
        fallBack(err);
        return sendForServer(verdict);
      }).catch(offline).then(done);
      return true;
    }

    watchPresence(bar);
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
    // The first frame goes as soon as the camera shows a picture (a reload must not look like a
    // lost connection), then one every interval.
    (function first() {
      if (!tick()) setTimeout(first, 100);
      else setInterval(tick, interval);
    })();
  }

  window.ProctorMonitor = { start: start, report: report, answerOf: answerOf, flagged: flagged };
})();
