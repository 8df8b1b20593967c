// Exam pages: the webcam check before the start, then the one exam page that stays loaded for
// the whole attempt (htmx swaps the question and review panels into #exam-body), with the
// countdown and the camera preview. The server decides everything (deadline, acceptance); this
// only shows it.
(function () {
  "use strict";

  function startCamera(video) {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      return Promise.reject(new Error("getUserMedia unavailable"));
    }
    return navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 }, audio: false })
      .then(function (stream) {
        if (video) { video.srcObject = stream; }
        return stream;
      });
  }

  // Consent page: test the camera; success enables Start, refusal is reported to the server.
  function consentPage() {
    var button = document.getElementById("camera-test");
    if (!button) return;
    var status = document.getElementById("camera-status");
    var start = document.getElementById("start-button");
    var field = document.getElementById("webcam-field");
    button.addEventListener("click", function () {
      var preview = document.getElementById("camera-preview");
      startCamera(preview).then(function () {
        if (field) field.value = "granted";
        if (start) start.disabled = false;
        status.textContent = button.dataset.granted;
        status.className = "ok";
        framingCheck(preview);
      }).catch(function (err) {
        status.textContent = button.dataset.denied;
        status.className = "error";
        var form = document.getElementById("webcam-refused-form");
        if (!form) return; // the equipment-check page records nothing
        form.querySelector("input[name=reason]").value = (err && err.name) || "error";
        form.submit();
      });
    });
  }

  // Equipment check: the in-browser detector says whether exactly one face is visible, so the
  // student can fix the framing or the light before starting. Advisory only: the server decides.
  function framingCheck(video) {
    var box = document.getElementById("detector-status");
    if (!box || !window.ProctorDetector) return;
    box.hidden = false;
    box.textContent = box.dataset.loading;
    var canvas = document.createElement("canvas");
    // The equipment-check page also runs the object model, to show what it sees and its cost.
    var withObjects = !!document.getElementById("detector-objects");
    window.ProctorDetector.start({ base: box.dataset.base, objects: withObjects }).then(function (detector) {
      function check() {
        var image = window.ProctorDetector.grab(video, canvas);
        if (!image) { setTimeout(check, 500); return; }
        detector.detect(image, { wide: true, objects: withObjects }).then(function (result) {
          var faces = result.faces.filter(function (f) { return f.score >= 0.5; }).length;
          box.dataset.faces = String(faces);
          box.dataset.ms = String(result.faces_ms);
          box.textContent = faces === 1 ? box.dataset.one : faces === 0 ? box.dataset.none : box.dataset.many;
          var ms = document.getElementById("detector-ms");
          box.dataset.wideMs = String(result.wide_faces_ms);
          if (ms) ms.textContent = result.faces_ms + " ms + " + result.wide_faces_ms + " ms" + (withObjects ? " + " + result.objects_ms + " ms" : "");
          var objects = document.getElementById("detector-objects");
          if (objects && withObjects) {
            box.dataset.objectsMs = String(result.objects_ms);
            objects.textContent = result.objects.map(function (o) { return o.label + " " + o.score.toFixed(2); }).join(", ") || "–";
          }
          box.className = faces === 1 ? "ok" : "error";
          setTimeout(check, 1500);
        }, function () { setTimeout(check, 3000); });
      }
      check();
    }, function () {
      box.dataset.faces = "unavailable";
      box.textContent = box.dataset.unavailable;
      box.className = "hint";
    });
  }

  // Panels swapped in by htmx: history is always read from the server (a cached copy could show
  // an answer older than the saved one), and the keyboard focus moves to the new panel.
  function inPageNavigation() {
    if (window.htmx) window.htmx.config.historyCacheSize = 0;
    document.body.addEventListener("htmx:afterSwap", function (event) {
      var target = event.detail && event.detail.target;
      if (target && target.id === "exam-body") target.focus({ preventScroll: false });
    });
  }

  // The exam page: countdown from the server's deadline, corrected for this clock's offset.
  function attemptPage() {
    var bar = document.getElementById("attempt");
    if (!bar) return;
    inPageNavigation();
    var deadline = Number(bar.dataset.deadline);
    var offset = Date.now() - Number(bar.dataset.now);
    var timer = document.getElementById("timer");
    function pad(n) { return (n < 10 ? "0" : "") + n; }
    function tick() {
      var left = Math.max(0, deadline - (Date.now() - offset));
      var s = Math.ceil(left / 1000);
      timer.textContent = s >= 3600
        ? Math.floor(s / 3600) + ":" + pad(Math.floor(s / 60) % 60) + ":" + pad(s % 60)
        : pad(Math.floor(s / 60)) + ":" + pad(s % 60);
      bar.classList.toggle("hurry", left < 5 * 60 * 1000);
      if (left <= 0) {
        clearInterval(handle);
        // The server submits at the deadline; go and see it.
        setTimeout(function () { window.location.href = bar.dataset.expiredUrl; }, 1500);
      }
    }
    var handle = setInterval(tick, 1000);
    tick();
    var warning = document.getElementById("camera-warning");
    var video = document.getElementById("exam-camera");
    startCamera(video).then(function (stream) {
      if (window.ProctorMonitor) window.ProctorMonitor.start(bar, video);
      stream.getVideoTracks().forEach(function (t) {
        t.addEventListener("ended", function () {
          warning.hidden = false;
          if (window.ProctorMonitor) window.ProctorMonitor.report(bar, "webcam_disabled", "track ended");
        });
      });
    }).catch(function (err) {
      warning.hidden = false;
      if (window.ProctorMonitor) window.ProctorMonitor.report(bar, "webcam_disabled", (err && err.name) || "error");
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    consentPage();
    attemptPage();
  });
})();
