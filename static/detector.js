// In-browser first pass: a small client for the detector worker, shared by the equipment check
// (consent page) and the exam monitor. The server decides; this only reports what it sees.
(function () {
  "use strict";

  // Starts the worker and loads the models. Resolves with the client, rejects when WebAssembly
  // (with SIMD) or the models are unavailable — callers then fall back to server analysis.
  function start(options) {
    return new Promise(function (resolve, reject) {
      if (typeof Worker === "undefined" || typeof WebAssembly === "undefined") {
        reject(new Error("WebAssembly or Web Workers unavailable"));
        return;
      }
      var worker = new Worker("/static/detector-worker.js");
      var pending = {};
      var next = 1;
      var client = {
        objects: false,
        // passes: { wide: run CenterFace (small, distant faces), objects: run the object model }
        detect: function (image, passes) {
          return new Promise(function (ok, fail) {
            var id = next++;
            pending[id] = { ok: ok, fail: fail };
            worker.postMessage({ type: "detect", id: id, image: image, wide: !!passes.wide, objects: !!passes.objects },
              [image.data.buffer]);
          });
        }
      };
      worker.onmessage = function (event) {
        var msg = event.data;
        if (msg.type === "ready") {
          client.objects = msg.objects;
          client.wide = msg.wide;
          client.loadMs = msg.loadMs;
          resolve(client);
        } else if (msg.type === "unavailable") {
          worker.terminate();
          reject(new Error(msg.error));
        } else if (pending[msg.id]) {
          var p = pending[msg.id];
          delete pending[msg.id];
          if (msg.type === "result") p.ok(msg.result); else p.fail(new Error(msg.error));
        }
      };
      worker.onerror = function (event) {
        event.preventDefault();
        reject(new Error(event.message || "detector worker failed"));
      };
      worker.postMessage({
        type: "init",
        base: options.base,
        faceKind: "blazeface",
        faceModel: "blazeface.onnx",
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

  // The current video frame as ImageData (at most 640 px wide).
  function grab(video, canvas) {
    var w = video.videoWidth, h = video.videoHeight;
    if (!w || !h) return null;
    var scale = Math.min(1, 640 / w);
    canvas.width = Math.round(w * scale);
    canvas.height = Math.round(h * scale);
    var ctx = canvas.getContext("2d", { willReadFrequently: true });
    ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
    return ctx.getImageData(0, 0, canvas.width, canvas.height);
  }

  window.ProctorDetector = { start: start, grab: grab };
})();
