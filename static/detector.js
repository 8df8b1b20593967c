// In-browser first pass: a small client for the detector worker, shared by the equipment check
// (consent page) and the exam monitor. The server decides; this only reports what it sees.
(function () {
  "use strict";

  // Starts the worker and loads the models. Resolves with the client, rejects when WebAssembly
  // (with SIMD) or the models are unavailable, or when loading takes longer than
  // options.timeoutMs — callers then fall back to server analysis. A detection that fails, or
  // gets no answer within options.frameTimeoutMs, rejects; a worker that crashed rejects every
  // later detection at once.
  function start(options) {
    return new Promise(function (resolve, reject) {
      if (typeof Worker === "undefined" || typeof WebAssembly === "undefined") {
        reject(new Error("WebAssembly or Web Workers unavailable"));
        return;
      }
      var worker = new Worker("/static/detector-worker.js");
      var pending = {};
      var next = 1;
      var broken = null;
      var ready = false;
      var loadTimer = options.timeoutMs ? setTimeout(function () {
        fail(new Error("the detector did not load within " + Math.round(options.timeoutMs / 1000) + " s"));
      }, options.timeoutMs) : null;

      // Stops the worker for good: the load (if still running) and every pending detection fail.
      function fail(err) {
        if (broken) return;
        broken = err;
        clearTimeout(loadTimer);
        worker.terminate();
        Object.keys(pending).forEach(function (id) {
          clearTimeout(pending[id].timer);
          pending[id].fail(err);
        });
        pending = {};
        if (!ready) reject(err);
      }

      var client = {
        objects: false,
        // passes: { wide: run CenterFace (small, distant faces), objects: run the object model }
        detect: function (image, passes) {
          return new Promise(function (ok, failed) {
            if (broken) { failed(broken); return; }
            var id = next++;
            var timer = options.frameTimeoutMs ? setTimeout(function () {
              fail(new Error("the detector did not answer within " + Math.round(options.frameTimeoutMs / 1000) + " s"));
            }, options.frameTimeoutMs) : null;
            pending[id] = { ok: ok, fail: failed, timer: timer };
            worker.postMessage({ type: "detect", id: id, image: image, wide: !!passes.wide, objects: !!passes.objects },
              [image.data.buffer]);
          });
        },
        stop: function () { fail(new Error("detector stopped")); }
      };
      worker.onmessage = function (event) {
        var msg = event.data;
        if (broken) return;
        if (msg.type === "ready") {
          ready = true;
          clearTimeout(loadTimer);
          client.objects = msg.objects;
          client.wide = msg.wide;
          client.loadMs = msg.loadMs;
          resolve(client);
        } else if (msg.type === "unavailable") {
          fail(new Error(msg.error));
        } else if (pending[msg.id]) {
          var p = pending[msg.id];
          delete pending[msg.id];
          clearTimeout(p.timer);
          if (msg.type === "result") p.ok(msg.result); else p.fail(new Error(msg.error));
        }
      };
      worker.onerror = function (event) {
        event.preventDefault();
        fail(new Error(event.message || "detector worker failed"));
      };
      worker.postMessage({
        type: "init",
        base: options.base,
        // BlazeFace full-range ("back", 256 px): finds faces down to about 24 px wide, where the
        // short-range 128 model stopped at about 96 px (models/README.md).
        faceKind: "blazeface-back",
        faceModel: "blazeface-back.onnx",
        // CenterFace at 416 px finds the small faces BlazeFace misses; run on some frames only.
        wideModel: options.wide === false ? "" : "centerface.onnx",
        wideSide: 416,
        objectKind: "centernet",
        objectModel: options.objects === false ? "" : "centernet.onnx",
        faceScore: options.faceScore || 0.5,
        objectScore: Math.min(options.objectScore || 0.3, 0.3)
      });
    });
  }

  // The current video frame as ImageData (at most 640 px wide); null while the video has no
  // decoded frame yet (drawing it then gives a black image: not a picture of anyone).
  function grab(video, canvas) {
    var w = video.videoWidth, h = video.videoHeight;
    if (!w || !h || video.readyState < 2) return null;
    var scale = Math.min(1, 640 / w);
    canvas.width = Math.round(w * scale);
    canvas.height = Math.round(h * scale);
    var ctx = canvas.getContext("2d", { willReadFrequently: true });
    ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
    return ctx.getImageData(0, 0, canvas.width, canvas.height);
  }

  // Whether an image is one flat colour (a camera that is starting gives a few black frames):
  // the luminance of about 500 pixels spread over the frame varies by less than 3 levels.
  function blank(image) {
    var d = image.data, step = Math.max(4, Math.floor(d.length / 4 / 500) * 4);
    var lo = 255, hi = 0;
    for (var i = 0; i < d.length; i += step) {
      var y = (d[i] * 299 + d[i + 1] * 587 + d[i + 2] * 114) / 1000;
      if (y < lo) lo = y;
      if (y > hi) hi = y;
    }
    return hi - lo < 3;
  }

  window.ProctorDetector = { start: start, grab: grab, blank: blank };
})();
