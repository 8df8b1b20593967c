// Exam pages: the webcam check before the start, then the countdown and the camera preview
// while answering. The server decides everything (deadline, acceptance); this only shows it.
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
      startCamera(document.getElementById("camera-preview")).then(function () {
        field.value = "granted";
        start.disabled = false;
        status.textContent = button.dataset.granted;
        status.className = "ok";
      }).catch(function (err) {
        status.textContent = button.dataset.denied;
        status.className = "error";
        var form = document.getElementById("webcam-refused-form");
        form.querySelector("input[name=reason]").value = (err && err.name) || "error";
        form.submit();
      });
    });
  }

  // Question pages: countdown from the server's deadline, corrected for this clock's offset.
  function attemptPage() {
    var bar = document.getElementById("attempt");
    if (!bar) return;
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
    startCamera(document.getElementById("exam-camera")).then(function (stream) {
      stream.getVideoTracks().forEach(function (t) {
        t.addEventListener("ended", function () { warning.hidden = false; });
      });
    }).catch(function () { warning.hidden = false; });
  }

  document.addEventListener("DOMContentLoaded", function () {
    consentPage();
    attemptPage();
  });
})();
